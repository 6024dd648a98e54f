#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Form submissions on disk: a distinctive name (テスト　髙𠮷ユニーク) and an ASCII marker never appear
# in the clear in the db, -wal or -shm files, even right after saving, while another terminal
# keeps the WAL alive; `madoguchi form purge` deletes the rows past store.retention_hours and
# afterwards no 16-byte piece of their sealed bytes (nor their nonces) is left in the db, its WAL,
# its -shm or the temp folder, while the kept rows are still whole (the search does find what is
# there). The My Number is refused by the store. Rows are saved with tests/tools/submit.c.
. "$(dirname "$0")/../lib.sh"
: "${MDG_SUBMIT:?run through ctest}"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 command (apt-get install sqlite3)"; exit 77; }
M=$MADOGUCHI
make_site # retention_hours: the default 72
mkdir -p "$WORK/tmp"
export SQLITE_TMPDIR=$WORK/tmp TMPDIR=$WORK/tmp
DB=$WORK/site.db
NAME='テスト　髙𠮷ユニーク'
MARKER='PURGE-MARKER-7c1e9a'
MYNUM=987654321098

t() { printf '{ja: %s, ja@easy: %s, en: %s}' "$1" "$2" "$3"; }
cat >"$WORK/purge-test.yaml" <<YAML
id: purge-test
version: 1
service: A
title: $(t 試験 しけん Test)
short_title: $(t 試験 しけん Test)
needs_my_number: true
sections:
  - id: who
    title: $(t 申請者 あなた Applicant)
    fields:
      - {id: name, type: text, label: $(t 氏名 なまえ Name), prefill: card.name, max_len: 40}
      - {id: address, type: address, label: $(t 住所 じゅうしょ Address), prefill: card.address}
      - {id: note, type: text, label: $(t 備考 めも Note), max_len: 60}
      - {id: my_number, type: text, label: $(t 個人番号 まいなんばー 'My Number'), my_number: true}
YAML
printf '{"note": "%s"}\n' "$MARKER" >"$WORK/data.json"
printf '{"name": "%s", "address": "沖縄県那覇市泉崎1-1-1"}\n' "$NAME" >"$WORK/card.json"
submit() { "$MDG_SUBMIT" --config "$MADOGUCHI_CONFIG" "$@" --form "$WORK/purge-test.yaml"; }

T0=2026-11-25T09:00:00+09:00
export MADOGUCHI_NOW=$T0
"$M" db init >/dev/null
"$M" keys init >/dev/null

# Another terminal holds a connection (no transaction) so that the WAL outlives each command,
# as on a site where the kiosk and the counters keep the store open.
python3 - "$DB" >"$WORK/holder.log" 2>&1 <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("SELECT count(*) FROM meta").fetchall()
time.sleep(600)
PY
HOLDER=$!
mdg_cleanup() { kill "$HOLDER" 2>/dev/null || true; wait "$HOLDER" 2>/dev/null || true; }
sleep 0.3

# Three submissions at T0 (due at T0 + 72 h), two at T0 + 71 h (kept).
old=$(submit create --data "$WORK/data.json" --card "$WORK/card.json" --count 3) || fail "create: $old"
[ "$(echo $old)" = "1 2 3" ] || fail "ids $old, want 1 2 3"
MADOGUCHI_NOW=2026-11-28T08:00:00+09:00 submit create --data "$WORK/data.json" --card "$WORK/card.json" --count 2 >/dev/null
[ -s "$DB-wal" ] || fail "the WAL is not there: the checks below would prove nothing about it"

# bytes FILE...: how often the UTF-8 text $1 occurs in each file.
count_text() {
	local needle=$1
	shift
	python3 - "$needle" "$@" <<'PY'
import sys
n = sys.argv[1].encode()
print(sum(open(f, "rb").read().count(n) for f in sys.argv[2:]))
PY
}
files() { for f in "$DB" "$DB-wal" "$DB-shm"; do [ -e "$f" ] && echo "$f"; done; }
for text in "$NAME" "$MARKER" "髙𠮷" "泉崎"; do
	[ "$(count_text "$text" $(files))" = 0 ] || fail "'$text' is in the clear on disk"
done
[ "$(grep -c -a -F "$MARKER" "$DB" "$DB-wal" | awk -F: '{s += $2} END {print s}')" = 0 ] ||
	fail "grep finds the marker"

# The values are really there, sealed: they open, with the card marks.
OUT=$(submit show 4)
contains "$OUT" "name	$NAME	card"
contains "$OUT" "note	$MARKER	-"

# The store refuses the My Number, and it reaches no file.
rc=0
MDG_MY_NUMBER=$MYNUM submit create --data "$WORK/data.json" >/dev/null 2>"$WORK/err" || rc=$?
[ $rc -eq 2 ] || fail "My Number: exit $rc, want 2"
grep -q "never stored" "$WORK/err" || fail "My Number: unclear message: $(cat "$WORK/err")"
grep -q "$MYNUM" "$WORK/err" && fail "the My Number is echoed in the message"
[ "$(count_text "$MYNUM" $(files))" = 0 ] || fail "the My Number reached the store"

# The sealed bytes and nonces of every row, read before the purge.
sqlite3 "$DB" "SELECT id, hex(sealed), hex(nonce) FROM submissions ORDER BY id" >"$WORK/sealed.txt"
[ "$(wc -l <"$WORK/sealed.txt")" -eq 5 ] || fail "want 5 rows: $(cat "$WORK/sealed.txt")"
# pieces IDS FILES...: for the rows IDS (comma-separated), how many 16-byte pieces (every 8th
# offset) of their sealed bytes, and how many of their nonces, occur in the files.
pieces() {
	python3 - "$WORK/sealed.txt" "$@" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    i, ct, nonce = line.strip().split("|")
    rows[int(i)] = (bytes.fromhex(ct), bytes.fromhex(nonce))
ids = [int(x) for x in sys.argv[2].split(",")]
data = b"".join(open(f, "rb").read() for f in sys.argv[3:])
hits = 0
for i in ids:
    ct, nonce = rows[i]
    hits += sum(1 for o in range(0, len(ct) - 15, 8) if ct[o:o + 16] in data)
    hits += 1 if nonce in data else 0
print(hits)
PY
}
before=$(pieces 1,2,3 $(files))
[ "$before" -gt 0 ] || fail "the old rows' sealed bytes are not found before the purge: the search is blind"

# Before their time nothing goes.
MADOGUCHI_NOW=2026-11-28T08:30:00+09:00 expect_exit 0 "$M" form purge --json
[ "$(json 'j["purged"]')" = 0 ] || fail "purged early: $OUT"

# At T0 + 72 h the three old ones go.
export MADOGUCHI_NOW=2026-11-28T09:00:00+09:00
start=$(date +%s%N)
expect_exit 0 "$M" form purge --json
ms=$((($(date +%s%N) - start) / 1000000))
[ "$(json 'j["purged"]')" = 3 ] || fail "purged: $OUT"
[ "$(json 'j["remaining"]')" = 2 ] || fail "remaining: $OUT"
[ "$(json 'j["wal_truncated"]')" = True ] || fail "WAL not truncated: $OUT"
[ ! -s "$DB-wal" ] || fail "the WAL still has $(stat -c %s "$DB-wal") bytes"
after=$(pieces 1,2,3 $(files))
[ "$after" = 0 ] || fail "$after pieces of the purged rows are still on disk (before: $before)"
tmp_files=$(find "$WORK/tmp" -type f | wc -l)
if [ "$tmp_files" -gt 0 ]; then
	[ "$(pieces 1,2,3 $(find "$WORK/tmp" -type f))" = 0 ] || fail "purged bytes in temp files"
fi
# The kept rows are still whole (18 pieces of 144 bytes + the nonce each): the search works.
[ "$(pieces 4,5 "$DB")" = 36 ] || fail "kept rows: $(pieces 4,5 "$DB") pieces, want 36"
for text in "$NAME" "$MARKER"; do
	[ "$(count_text "$text" $(files))" = 0 ] || fail "'$text' is in the clear after the purge"
done

# Gone for the application too; the others still open; the audit says so.
expect_exit 2 submit show 1
contains "$ERR" "not found"
OUT=$(submit show 5)
contains "$OUT" "$NAME"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'submission.purge' AND detail = 'purge 3'")" = 1 ] ||
	fail "no audit row 'purge 3'"
expect_exit 0 "$M" db check

# Again: nothing due, in words this time.
expect_exit 0 "$M" form purge
contains "$OUT" "0"
LANGUAGE=ja expect_exit 0 "$M" form purge
echo "form_purge: 3 of 5 purged in ${ms} ms (the whole command); 0 plaintext hits before, 0 of $before sealed pieces after; kept rows whole"
