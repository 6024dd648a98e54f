#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# madoguchi sessions add|list|export: outreach sessions recorded afterwards, listed as JSON, and
# exported as RFC 4180 CSV that Python's csv module reads back field by field (no note column,
# quoting, the ticket number of a linked session); the export is audited; a note that looks like
# personal data is refused without --note-ok; bad input exits 2 with a message naming the
# problem. A session the counter started and never finished is listed as unfinished.
. "$(dirname "$0")/../lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 command (apt-get install sqlite3)"; exit 77; }
M=$MADOGUCHI
make_site
export MADOGUCHI_NOW=2026-11-25T17:00:00+09:00
"$M" db init >/dev/null
# who may: staff record sessions, a supervisor lists and exports them (they name staff and hold
# notes); the host alone may do neither
A_PIN=582731 S_PIN=946170 V_PIN=730519
"$M" staff add adm --name "管理" --role admin <<<"$A_PIN" >/dev/null || fail "admin"
printf '%s\n%s\n' "$A_PIN" "$S_PIN" | "$M" staff add s07 --name "窓口" --role staff --as adm >/dev/null || fail "staff"
printf '%s\n%s\n' "$A_PIN" "$V_PIN" | "$M" staff add v01 --name "監督" --role supervisor --as adm >/dev/null || fail "supervisor"
add() { "$M" sessions add --channel outreach --as s07 "$@" <<<"$S_PIN"; }
sup() { "$M" sessions "$@" --as v01 <<<"$V_PIN"; }
expect_exit 5 "$M" sessions add --channel outreach --start 10:00 --end 11:00 --topics other \
	--age-band unknown --skill-before 3 --skill-after 3 --outcome partly
expect_exit 5 "$M" sessions export --csv
expect_exit 5 "$M" sessions list --as s07 <<<"$S_PIN"
contains "$ERR" "session.export"

expect_exit 0 add --start 10:00 --end 11:30 --topics pin_reset,mynaportal --age-band 70-79 \
	--skill-before 2 --skill-after 4 --outcome resolved --staff s07 --note 'PINを2回間違えた'
contains "$OUT" "Recorded help session 1."
expect_exit 0 add --date 2026-11-24 --start 13:00 --end 13:20 --topics 'smartphone_basics, scam_security' \
	--age-band 80+ --skill-before 1 --skill-after 1 --outcome not_resolved --follow-up --json
[ "$(json 'j["sessions"][0]["id"]')" = 2 ] || fail "add --json: $OUT"
[ "$(json 'j["sessions"][0]["skill_gain"]')" = 0 ] || fail "add --json gain: $OUT"
# A flagged note is refused (nothing stored), and stored with --note-ok.
for note in '比嘉さんの件' '電話 090-1234-5678' '1234 5678 9012' 'ｈｉｇａ＠ｅｘａｍｐｌｅ．ｊｐ'; do
	expect_exit 2 add --start 09:00 --end 09:30 --topics other --age-band unknown \
		--skill-before 3 --skill-after 3 --outcome partly --note "$note"
	contains "$ERR" "warning: the note seems to contain"
	contains "$ERR" "--note-ok"
done
contains "$ERR" "an e-mail address"
[ "$(sqlite3 "$WORK/site.db" 'SELECT count(*) FROM help_sessions')" = 2 ] || fail "a flagged note was stored"
expect_exit 0 add --start 09:00 --end 09:30 --topics other,card_pickup --age-band 60-69 \
	--skill-before 3 --skill-after 5 --outcome partly --note '市の相談窓口 0120-000-000 を案内, "公民館" 2階' --note-ok --counter 4
contains "$ERR" "warning: the note seems to contain a phone number"
# Japanese output where the catalog is (the note's check warns in Japanese too).
LANGUAGE=ja expect_exit 2 add --start 09:00 --end 09:30 --topics other --age-band unknown \
	--skill-before 3 --skill-after 3 --outcome partly --note '山田様'
contains "$ERR" "名前"

# A ticket, and a counter session started and never finished (as the counter screen does,
# written here with the store's layout: the CLI has no start).
"$M" ticket issue --service C >/dev/null
sqlite3 "$WORK/site.db" "INSERT INTO help_sessions(seq, bizdate, counter, staff, ticket_id, started_ms, topics,
	channel, age_band) VALUES((SELECT max(seq) + 1 FROM help_sessions), '2026-11-25', 3, 's08', 1,
	1795572000000, 'cert_renewal', 'counter', 'unknown')"

# list: today by default, finished or not.
expect_exit 0 sup list --json
[ "$(json 'j["count"]')" = 3 ] || fail "list today: $OUT"
[ "$(json 'j["unfinished"]')" = 1 ] || fail "list unfinished: $OUT"
[ "$(json '[s["id"] for s in j["sessions"]]')" = "[3, 1, 4]" ] || fail "list order: $OUT"
[ "$(json 'j["sessions"][1]["topics"]')" = "['pin_reset', 'mynaportal']" ] || fail "topics: $OUT"
[ "$(json 'j["sessions"][1]["minutes"]')" = 90 ] || fail "minutes: $OUT"
[ "$(json 'j["sessions"][1]["started"]')" = 2026-11-25T10:00:00+09:00 ] || fail "started: $OUT"
[ "$(json 'j["sessions"][2]["finished"]')" = False ] || fail "unfinished row: $OUT"
[ "$(json 'j["sessions"][2]["ticket"]')" = C-001 ] || fail "ticket number: $OUT"
expect_exit 0 sup list --from 2026-11-24 --to 2026-11-25
contains "$OUT" "Help sessions from 2026-11-24 to 2026-11-25: 4 (unfinished: 1)"
contains "$OUT" "unfinished"
contains "$OUT" "Smartphone basics, Scams and security"
LANGUAGE=ja expect_exit 0 sup list --from 2026-11-24
contains "$OUT" "スマートフォンの基本"

# export: CSV read back by Python, field by field; no note anywhere.
audit_before=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit WHERE action = 'session.export'")
sup export --from 2026-11-24 --to 2026-11-25 --csv >"$WORK/export.csv" || fail "export"
OUT=$(cat "$WORK/export.csv")
case "$OUT" in *公民館* | *0120* | *PINを2回* | *note*) fail "the note was exported: $OUT" ;; esac
python3 - "$WORK/export.csv" <<'PY' || fail "CSV: $(cat "$WORK/export.csv")"
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    data = f.read()
assert data.count('\r\n') == 5, 'every record ends with CRLF'
rows = list(csv.DictReader(data.splitlines(keepends=True)))
head = 'id,date,counter,staff,ticket,started,ended,minutes,topics,channel,age_band,skill_before,skill_after,skill_gain,outcome,follow_up'
assert data.split('\r\n')[0] == head, data.split('\r\n')[0]
assert [r['id'] for r in rows] == ['2', '3', '1', '4'], [r['id'] for r in rows]
want = {
  '2': dict(date='2026-11-24', counter='', staff='s07', ticket='', started='2026-11-24T13:00:00+09:00',
            ended='2026-11-24T13:20:00+09:00', minutes='20', topics='smartphone_basics;scam_security',
            channel='outreach', age_band='80+', skill_before='1', skill_after='1', skill_gain='0',
            outcome='not_resolved', follow_up='1'),
  '3': dict(date='2026-11-25', counter='4', staff='s07', ticket='', started='2026-11-25T09:00:00+09:00',
            ended='2026-11-25T09:30:00+09:00', minutes='30', topics='card_pickup;other',
            channel='outreach', age_band='60-69', skill_before='3', skill_after='5', skill_gain='2',
            outcome='partly', follow_up='0'),
  '1': dict(date='2026-11-25', counter='', staff='s07', ticket='', started='2026-11-25T10:00:00+09:00',
            ended='2026-11-25T11:30:00+09:00', minutes='90', topics='pin_reset;mynaportal',
            channel='outreach', age_band='70-79', skill_before='2', skill_after='4', skill_gain='2',
            outcome='resolved', follow_up='0'),
  '4': dict(date='2026-11-25', counter='3', staff='s08', ticket='C-001', started='2026-11-25T11:00:00+09:00',
            ended='', minutes='', topics='cert_renewal', channel='counter', age_band='unknown',
            skill_before='', skill_after='', skill_gain='', outcome='', follow_up='0'),
}
for r in rows:
    for k, v in want[r['id']].items():
        assert r[k] == v, (r['id'], k, r[k], v)
PY
audit_after=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit WHERE action = 'session.export'")
[ "$audit_after" = $((audit_before + 1)) ] || fail "the export was not audited"
[ "$(sqlite3 "$WORK/site.db" "SELECT actor || ' ' || detail FROM audit WHERE action = 'session.export'")" = \
	"v01 from 2026-11-24 to 2026-11-25, 4 rows" ] || fail "export audit row"
[ "$(sup export --from 2026-12-01 --csv | wc -l)" = 1 ] || fail "an empty export has more than its header"

# Bad input: exit 2 and a message that names the problem; nothing stored.
ok=(--start 10:00 --end 11:00 --topics other --age-band unknown --skill-before 1 --skill-after 2 --outcome resolved)
bad() { # MESSAGE ARGS... (the first of a repeated option counts)
	local msg=$1
	shift
	expect_exit 2 "$M" sessions add --as s07 "$@" <<<"$S_PIN"
	contains "$ERR" "$msg"
}
bad "--channel is one of counter, kiosk, outreach" --channel school "${ok[@]}"
bad "unknown topic 'pin'" --channel outreach --topics pin "${ok[@]}"
bad "'other' given twice" --channel outreach --topics other,other "${ok[@]}"
bad "--age-band is one of 0-19" --channel outreach --age-band 70s "${ok[@]}"
bad "--outcome is one of resolved" --channel outreach --outcome solved "${ok[@]}"
bad "--skill-before wants a whole number from 1 to 5" --channel outreach --skill-before 6 "${ok[@]}"
bad "--skill-after wants a whole number from 1 to 5" --channel outreach --skill-after x "${ok[@]}"
bad "--start wants a time HH:MM" --channel outreach --start 25:00 "${ok[@]}"
bad "--end wants a time HH:MM" --channel outreach --end 9:5 "${ok[@]}"
bad "--end 09:00 is before --start 10:00" --channel outreach --end 09:00 "${ok[@]}"
bad "YYYY-MM-DD" --channel outreach --date 2026-02-30 "${ok[@]}"
bad "cannot end in the future" --channel outreach --date 2026-11-26 "${ok[@]}"
bad "--topics is required" --channel outreach --start 10:00 --end 11:00
expect_exit 2 sup list --from 25.11.2026
contains "$ERR" "YYYY-MM-DD"
expect_exit 2 sup list --from 2026-11-25 --to 2026-11-24
contains "$ERR" "is after --to"
expect_exit 2 sup export --from 2026-11-25
contains "$ERR" "--csv is required"
[ "$(sqlite3 "$WORK/site.db" 'SELECT count(*) FROM help_sessions')" = 4 ] || fail "bad input was stored"
expect_exit 0 "$M" db check
echo "sessions_cli: ok"
