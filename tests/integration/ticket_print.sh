#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Printed tickets decoded back (never compared with the encoder's own idea of them): ESC/POS
# parsed by tests/tools/escpos_decode.py, text lines checked, the raster's QR read by zbarimg
# and accepted by `ticket verify`, the Code 128 read too; names the kanji ROM lacks (髙 𠮷) and
# Hangul go as raster; a tcp sink gets the same bytes as a file sink; a dead printer is a clear
# error within seconds and leaves the ticket unprinted with its number.
. "$(dirname "$0")/../lib.sh"
command -v zbarimg >/dev/null || fail "zbarimg is missing (scripts/deps installs zbar-tools)"
M=$MADOGUCHI
DEC="python3 $MDG_SOURCE_DIR/tests/tools/escpos_decode.py"
make_site
# A site whose name the printer ROM cannot print, Korean offered, and a kiosk with a printer.
sed -i -e 's/name: {ja: テスト市役所, en: Test City Hall}/name: {ja: "𠮷田町役場 髙﨑出張所", en: Yoshida Town Office, ko: 요시다 마을 사무소}/' \
	-e 's/^languages: \[ja, ja@easy, en\]/languages: [ja, ja@easy, en, ko, zh_CN]/' \
	-e 's/name: {ja: 証明書, en: Certificates}/name: {ja: 証明書, en: Certificates, ko: 증명서, zh_CN: 证明书}/' "$WORK/site.yaml"
cat >>"$WORK/site.yaml" <<YAML
  - {id: kiosk-2, role: kiosk, printer: "file:$WORK/kiosk-2.escpos", paper_mm: 58}
  - {id: kiosk-dead, role: kiosk, printer: "tcp:127.0.0.1:9"}
YAML
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
"$M" config check >/dev/null || { "$M" config check; fail "test config"; }
"$M" db init >/dev/null
"$M" keys init >/dev/null
zb() { zbarimg -q "$@" 2>/dev/null || true; }

# 1. Issue at a kiosk with a printer: printed, decoded, verified.
expect_exit 0 "$M" ticket issue --service A --terminal kiosk-2 --json
[ "$(json 'j["printed"]')" = True ] || fail "not printed: $OUT"
$DEC "$WORK/kiosk-2.escpos" "$WORK/d1" >/dev/null || fail "ESC/POS stream rejected"
text=$(cat "$WORK/d1/text.txt")
contains "$text" "証明書"
contains "$text" "A-001"
contains "$text" "番号が呼ばれたら"
# the site name has 𠮷 and 髙: not as text, as the first raster
case "$text" in *田町役場*) fail "a name with 𠮷/髙 went out as text" ;; esac
codes=$(for f in "$WORK"/d1/raster-*.pbm; do zb "$f"; done)
qr=$(sed -n 's/^QR-Code://p' <<<"$codes")
[ -n "$qr" ] || fail "no QR code decoded from the printed raster: $codes"
contains "$codes" "CODE-128:A-001"
expect_exit 0 "$M" ticket verify "$qr"
contains "$OUT" "A-001"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s["rasters"][0][0] == 384 else 1)' \
	"$WORK/d1/summary.json" || fail "58 mm paper wants 384-dot rasters: $(cat "$WORK/d1/summary.json")"
expect_exit 0 "$M" ticket show A-001 --json
[ "$(json 'j["ticket"]["printed"]')" = True ] || fail "not marked printed: $OUT"

# 2. Korean slip: the Hangul lines are raster, the number stays text; previews decode.
expect_exit 0 "$M" ticket print A-001 --lang ko --to "file:$WORK/ko.escpos" --png "$WORK/ko.png" --svg "$WORK/ko.svg"
$DEC "$WORK/ko.escpos" "$WORK/d2" >/dev/null || fail "Korean stream rejected"
text=$(cat "$WORK/d2/text.txt")
case "$text" in *증명서*) fail "Hangul went out as text" ;; esac
contains "$text" "A-001"
# site and service names (Hangul) are raster before the number; QR and barcode after it
[ "$(ls "$WORK"/d2/raster-*.pbm | wc -l)" -ge 2 ] || fail "Korean lines not rasterised"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s["rasters"][0][1] >= 60 else 1)' \
	"$WORK/d2/summary.json" || fail "the Hangul names are missing from the raster: $(cat "$WORK/d2/summary.json")"
contains "$(zb "$WORK/ko.png")" "QR-Code:MDG1:TEST-SITE:20261125:A001:"
grep -q "<svg" "$WORK/ko.svg" || fail "no SVG barcode"

# Chinese: simplified characters are not in the kanji ROM either; the guidance is translated.
expect_exit 0 "$M" ticket print A-001 --lang zh_CN --to "file:$WORK/zh.escpos" --png "$WORK/zh.png"
$DEC "$WORK/zh.escpos" "$WORK/d4" >/dev/null || fail "Chinese stream rejected"
text=$(cat "$WORK/d4/text.txt")
case "$text" in *证明书*|*窗口*) fail "simplified Chinese went out as text: $text" ;; esac
contains "$text" "A-001"
contains "$(zb "$WORK/zh.png")" "QR-Code:MDG1:TEST-SITE:20261125:A001:"

# 3. A tcp sink (a loopback listener) gets exactly the bytes a file sink gets.
python3 "$MDG_SOURCE_DIR/tests/tools/listen_once.py" "$WORK/tcp.bin" "$WORK/port" &
listener=$!
mdg_cleanup() { kill "$listener" 2>/dev/null || true; }
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
expect_exit 0 "$M" ticket print A-001 --to "tcp:127.0.0.1:$(cat "$WORK/port")" --paper 58
wait "$listener"
expect_exit 0 "$M" ticket print A-001 --to "file:$WORK/again.escpos" --paper 58
cmp "$WORK/tcp.bin" "$WORK/again.escpos" || fail "tcp and file sinks got different bytes"

# A device sink that takes the bytes slowly, in small reads (a FIFO stands in for /dev/usb/lp0):
# the short writes add up to the same bytes.
mkfifo "$WORK/lp0"
python3 - "$WORK/lp0" "$WORK/dev.bin" <<'PY' &
import sys, time
data = b""
with open(sys.argv[1], "rb", buffering=0) as f:
    while True:
        b = f.read(512)
        if not b: break
        data += b
        time.sleep(0.002)
open(sys.argv[2], "wb").write(data)
PY
reader=$!
sleep 0.3
expect_exit 0 "$M" ticket print A-001 --to "device:$WORK/lp0" --paper 58
wait "$reader"
cmp "$WORK/dev.bin" "$WORK/again.escpos" || fail "device sink delivered other bytes"

# 4. Dead printers: a clear error within seconds; the number is kept; a reprint works.
start=$(date +%s)
expect_exit 1 "$M" ticket issue --service A --terminal kiosk-dead
contains "$OUT" "A-002"                 # the slip text on screen still shows the number
contains "$ERR" "A-002 not printed"
contains "$ERR" "madoguchi ticket print A-002"
[ $(( $(date +%s) - start )) -le 8 ] || fail "a dead printer took more than 8 s"
expect_exit 0 "$M" ticket show A-002 --json
[ "$(json 'j["ticket"]["printed"]')" = False ] || fail "marked printed: $OUT"
expect_exit 0 "$M" ticket unprinted --json
[ "$(json '[t["number"] for t in j["tickets"]]')" = "['A-002']" ] || fail "unprinted list: $OUT"
expect_exit 1 "$M" ticket print A-002 --to device:/dev/usb/lp9
contains "$ERR" "is the printer plugged in"
expect_exit 1 "$M" ticket print A-002 --to "device:$WORK/lp0"    # nobody reading: no hang
contains "$ERR" "A-002 not printed"
expect_exit 0 "$M" ticket print A-002 --to "file:$WORK/reprint.escpos"
$DEC "$WORK/reprint.escpos" "$WORK/d3" >/dev/null
contains "$(cat "$WORK/d3/text.txt")" "A-002"
expect_exit 0 "$M" ticket unprinted
contains "$OUT" "Every ticket of today was printed."
expect_exit 2 "$M" ticket print A-002 --to lpt1
contains "$ERR" "want file:/PATH"
expect_exit 2 "$M" ticket print A-002
contains "$ERR" "nowhere to print"
echo "ticket_print: ok"
