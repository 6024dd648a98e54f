#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Test-side ESC/POS decoder: walks the bytes a ticket printer would get, checks that every
command is one a ticket may contain with sane parameters, and writes out what it found:
  OUT/text.txt      the text lines (CP932 decoded), one per line
  OUT/raster-N.pbm  each raster image (GS v 0 bands joined until text or the end)
  OUT/summary.json  commands seen, sizes, counts
Exits 1 with a message on any unknown command or malformed parameter. Written independently of
the encoder (from the ESC/POS reference), so that the encoder is never checked against itself."""
import json
import pathlib
import sys


def fail(msg):
    print(f"escpos_decode: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    data = pathlib.Path(sys.argv[1]).read_bytes()
    out = pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    i, n = 0, len(data)
    seen, lines, rasters = [], [], []
    kanji = False
    text = bytearray()
    cur = None  # raster being joined: [width_bytes, rows(list of bytes)]

    def need(k):
        if i + k > n:
            fail(f"command at {i} cut short")

    def flush_raster():
        nonlocal cur
        if cur:
            rasters.append(cur)
            cur = None

    while i < n:
        b = data[i]
        if b == 0x1B:  # ESC
            need(2)
            c = data[i + 1]
            if c == 0x40:
                seen.append("ESC @"); i += 2
            elif c in (0x52, 0x61, 0x45, 0x64, 0x74):
                need(3)
                p = data[i + 2]
                if c == 0x61 and p not in (0, 1, 2, 48, 49, 50):
                    fail(f"ESC a {p}")
                if c == 0x45 and p not in (0, 1):
                    fail(f"ESC E {p}")
                seen.append(f"ESC {chr(c)} {p}"); i += 3
            else:
                fail(f"unknown ESC 0x{c:02x} at {i}")
        elif b == 0x1C:  # FS
            need(2)
            c = data[i + 1]
            if c == 0x43:
                need(3)
                if data[i + 2] not in (0, 1, 48, 49):
                    fail("FS C parameter")
                seen.append(f"FS C {data[i + 2]}"); i += 3
            elif c == 0x26:
                kanji = True; seen.append("FS &"); i += 2
            elif c == 0x2E:
                kanji = False; seen.append("FS ."); i += 2
            else:
                fail(f"unknown FS 0x{c:02x} at {i}")
        elif b == 0x1D:  # GS
            need(2)
            c = data[i + 1]
            if c == 0x21:
                need(3)
                p = data[i + 2]
                if (p >> 4) > 7 or (p & 15) > 7:
                    fail(f"GS ! 0x{p:02x}")
                seen.append(f"GS ! {p:#04x}"); i += 3
            elif c == 0x76:
                need(8)
                if data[i + 2] != 0x30 or data[i + 3] not in (0, 48):
                    fail("GS v 0 mode")
                xb = data[i + 4] | data[i + 5] << 8
                rows = data[i + 6] | data[i + 7] << 8
                if xb == 0 or rows == 0 or xb > 128 or rows > 2400:
                    fail(f"GS v 0 size {xb} x {rows}")
                need(8 + xb * rows)
                body = data[i + 8:i + 8 + xb * rows]
                if cur and cur[0] != xb:
                    flush_raster()
                if not cur:
                    cur = [xb, []]
                cur[1].extend(body[r * xb:(r + 1) * xb] for r in range(rows))
                seen.append(f"GS v 0 {xb}x{rows}"); i += 8 + xb * rows
            elif c == 0x56:
                need(4)
                if data[i + 2] not in (65, 66):
                    fail("GS V mode")
                seen.append("GS V"); i += 4
            else:
                fail(f"unknown GS 0x{c:02x} at {i}")
        elif b == 0x0A:
            flush_raster()
            try:
                lines.append(bytes(text).decode("cp932"))
            except UnicodeDecodeError as e:
                fail(f"text not CP932: {e}")
            text.clear(); i += 1
        elif b < 0x20 or b == 0x7F:
            fail(f"stray control byte 0x{b:02x} at {i}")
        else:
            if b >= 0x80 and not kanji:
                fail(f"kanji byte 0x{b:02x} outside FS & at {i}")
            flush_raster()
            text.append(b); i += 1
    flush_raster()
    if text:
        fail("text without a line feed at the end")
    if not seen or seen[0] != "ESC @":
        fail("does not start with ESC @")
    if "GS V" not in seen:
        fail("no cut")
    (out / "text.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for k, (xb, rows) in enumerate(rasters):
        pbm = b"P4\n%d %d\n" % (xb * 8, len(rows)) + b"".join(rows)
        (out / f"raster-{k}.pbm").write_bytes(pbm)
    summary = {"bytes": n, "commands": len(seen), "text_lines": len(lines),
               "rasters": [[xb * 8, len(rows)] for xb, rows in rasters],
               "sizes": sorted({s for s in seen if s.startswith("GS !")})}
    (out / "summary.json").write_text(json.dumps(summary))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
