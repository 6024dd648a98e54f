#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A full disk while form submissions are saved (a small tmpfs under the store): the failing save
# exits 1 with "disk full", and nothing is half-saved: every row that exists has its audit row
# and opens, no id or outbox seq was consumed by the failure, the store checks clean, and after
# space is freed the next save takes the very next id. A purge on the full disk fails cleanly
# too (or succeeds: deleting may need no new space) and leaves the store consistent.
# Needs root for mount; skipped (exit 77) where mounting is not allowed.
. "$(dirname "$0")/../lib.sh"
: "${MDG_SUBMIT:?run through ctest}"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 command"; exit 77; }
MNT=$WORK/mnt
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=512k tmpfs "$MNT" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs here (needs root)"
	exit 77
fi
mdg_cleanup() { umount -l "$MNT" 2>/dev/null || true; }
make_site "$MNT"
M=$MADOGUCHI
DB=$MNT/site.db
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00

t() { printf '{ja: %s, ja@easy: %s, en: %s}' "$1" "$2" "$3"; }
cat >"$WORK/f.yaml" <<YAML
id: f
version: 1
service: A
title: $(t 試験 しけん Test)
short_title: $(t 試験 しけん Test)
sections:
  - id: who
    title: $(t 申請者 あなた Applicant)
    fields:
      - {id: name, type: text, label: $(t 氏名 なまえ Name), prefill: card.name, max_len: 40}
      - {id: note, type: address, label: $(t 備考 めも Note)}
YAML
# A long note (about 1 KB) so that every save needs new pages.
note=$(python3 -c 'print("満" * 330)')
printf '{"note": "%s"}\n' "$note" >"$WORK/data.json"
printf '{"name": "テスト　髙𠮷ユニーク"}\n' >"$WORK/card.json"
submit() { "$MDG_SUBMIT" --config "$MADOGUCHI_CONFIG" "$@" --form "$WORK/f.yaml"; }

"$M" db init >/dev/null
"$M" keys init >/dev/null
# Fill the disk but for about 200 KB: room for a few saves, then none.
avail=$(df --output=avail -k "$MNT" | tail -1)
dd if=/dev/zero of="$MNT/filler" bs=1k count=$((avail - 200)) 2>/dev/null || true
n=0
while submit create --data "$WORK/data.json" --card "$WORK/card.json" >"$WORK/out" 2>"$WORK/err"; do
	n=$((n + 1))
	[ $n -lt 5000 ] || fail "the disk never filled"
done
rc=0
submit create --data "$WORK/data.json" --card "$WORK/card.json" >"$WORK/out" 2>"$WORK/err" || rc=$?
[ $rc -eq 1 ] || fail "full disk: exit $rc, want 1: $(cat "$WORK/err")"
grep -q "disk full" "$WORK/err" || fail "full disk: unclear message: $(cat "$WORK/err")"
echo "message: $(cat "$WORK/err")"
[ ! -s "$WORK/out" ] || fail "full disk: an id was printed: $(cat "$WORK/out")"
[ $n -gt 0 ] || fail "not one submission fitted: the test proves nothing"

# A purge now: whatever it answers, it answers clearly and breaks nothing.
rc=0
MADOGUCHI_NOW=2026-11-29T09:00:00+09:00 "$M" form purge --json >"$WORK/purge" 2>"$WORK/err" || rc=$?
case $rc in
0) purged=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["purged"])' "$WORK/purge") ;;
1) grep -q "disk full" "$WORK/err" || fail "purge on a full disk: unclear message: $(cat "$WORK/err")"
   purged=0 ;;
*) fail "purge on a full disk: exit $rc: $(cat "$WORK/err")" ;;
esac

rm -f "$MNT/filler"
q() { sqlite3 "$DB" "$1"; }
rows=$(q "SELECT count(*) FROM submissions")
[ "$rows" -eq $((n - purged)) ] || fail "$rows rows, want $n saved - $purged purged"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'submission.create'")" -eq $n ] ||
	fail "audit rows of saves differ from the $n saves"
[ "$(q "SELECT coalesce(max(seq), 0) FROM submissions")" -le $n ] || fail "seq consumed by a failed save"
[ "$(q "SELECT value FROM meta WHERE key = 'seq.submissions'")" -eq $n ] || fail "outbox seq counter moved"
[ "$(q "SELECT count(*) FROM submissions WHERE length(sealed) < 80 OR length(nonce) <> 24")" -eq 0 ] ||
	fail "a row with a cut sealed value"
for id in $(q "SELECT id FROM submissions"); do
	submit show "$id" >/dev/null 2>"$WORK/err" || fail "row $id does not open: $(cat "$WORK/err")"
done
"$M" db check >/dev/null || fail "db check after the full disk"
# Space again: the next save gets the very next id.
export MADOGUCHI_NOW=2026-11-29T09:00:00+09:00
id=$(submit create --data "$WORK/data.json" --card "$WORK/card.json") || fail "save after freeing space"
[ "$id" -eq $((n + 1)) ] || fail "after the full disk got id $id, want $((n + 1))"
echo "form_disk_full: full after $n saves; exit 1 'disk full'; purge on the full disk exit $rc; nothing half-saved, id $id next"
