#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The counter end to end, with the real binary in two tmux servers and real pcscd + vpcd + the
# card simulator: a resident's kiosk flow with the card (PIN) prints a ticket; the clerk logs in
# at counter 1 (a wrong PIN first), calls next, and the scanner's burst of the printed ticket's
# QR opens the resident's prefilled form (name and address from the card); the A4 PDF goes to a
# file sink and pdftotext finds the values; the card check shows the tries without spending
# one; a help session is recorded and appears in the supervisor's CSV export; the finish shows
# in `report waits`. The clerk's PIN and the resident's card data never reach the log or store.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/kiosk_lib.bash"
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
command -v pdftotext >/dev/null || fail "pdftotext is missing (scripts/deps installs poppler-utils)"
kiosk_site
sed -i "/^  - {id: kiosk-1, role: kiosk, reader/a\\  - {id: counter-1, role: counter, counter: 1, reader: \"madoguchi vpcd 00 01\", printer: \"file:$WORK/counter-1.pdf\"}" "$WORK/site.yaml"
cat >>"$WORK/site.yaml" <<YAML
log: {file: $WORK/madoguchi.log, level: debug}
YAML
"$MADOGUCHI" config check >/dev/null || { "$MADOGUCHI" config check; fail "counter site"; }
ADMIN_PIN=582731 STAFF_PIN=946170 SUP_PIN=730519
"$MADOGUCHI" staff add adm --name 管理 --role admin <<<"$ADMIN_PIN" >/dev/null || fail "admin"
printf '%s\n%s\n' "$ADMIN_PIN" "$STAFF_PIN" |
	"$MADOGUCHI" staff add higa --name "比嘉 太郎" --role staff --as adm >/dev/null || fail "staff"
printf '%s\n%s\n' "$ADMIN_PIN" "$SUP_PIN" |
	"$MADOGUCHI" staff add v01 --name 監督 --role supervisor --as adm >/dev/null || fail "supervisor"

# The resident at the kiosk: the card with the PIN, a seal certificate, the ticket.
kiosk_start "$P/resident.yaml"
key Space; wait_for "言語を選んでください"
key 1; wait_for "どの手続きをしますか"
key 1; wait_for "お持ちいただくもの"
key 1; wait_for "4桁の暗証番号を入れてください"
key 1 2 3 4 Enter; wait_for "カードの内容を確認してください"
key 1; wait_for "通数"
key Enter; wait_for "使いみち"
key 1; wait_for "あなたの番号"
DEC="python3 $MDG_SOURCE_DIR/tests/tools/escpos_decode.py"
$DEC "$WORK/kiosk-1.escpos" "$WORK/dec" >/dev/null || fail "the printed stream was rejected"
qr=$(for f in "$WORK"/dec/raster-*.pbm; do zbarimg -q --raw "$f" 2>/dev/null || true; done | grep '^MDG1:' | head -n 1)
[ -n "$qr" ] || fail "no QR decoded from the printed ticket"
sleep 0.8; key Space; wait_for "画面にふれて"

# The resident hands the card to the clerk: it goes on the counter's reader.
cardsim_restart_sim "$P/resident.yaml" 1

# The clerk: a wrong PIN is refused, the right one logs in.
counter_start counter-1 "09:00"
on counter key h i g a Enter 1 1 1 1 1 1 Enter
sleep 1
on counter key h i g a Enter 9 4 6 1 7 0 Enter
on counter wait_for "比嘉 太郎"
if on counter screen | grep -q "946170"; then fail "the staff PIN is on the screen"; fi
on counter key 1
on counter wait_for "A-001"
# The scanner: the ticket's code as one burst, then Enter.
on counter T send-keys -l "$qr"
on counter T send-keys Enter
on counter wait_for "比嘉　花子"
s=$(on counter screen)
contains "$s" "沖縄県那覇市泉崎"
contains "$s" "1948"
# Print: the A4 PDF to the counter's file sink, read back.
on counter key 3
for i in $(seq 50); do [ -s "$WORK/counter-1.pdf" ] && break; sleep 0.1; done
[ -s "$WORK/counter-1.pdf" ] || fail "no PDF printed"
sleep 0.3
txt=$(pdftotext -layout "$WORK/counter-1.pdf" - 2>/dev/null) || fail "pdftotext refused the PDF"
contains "$txt" "比嘉"
contains "$txt" "泉崎"
contains "$txt" "A-001"
printed=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit WHERE action = 'submission.print' AND actor = 'higa'")
[ "$printed" = 1 ] || fail "the print is not audited ($printed)"
on counter key Escape
# The card check: tries and expiry, no try spent.
on counter key 9
on counter wait_for "JPKIAPICCTOKEN2"
on counter key Escape
# A help session linked to the ticket.
on counter key 0
on counter wait_for "0:0"
on counter key Enter 1 Enter            # topics: card application
on counter key Down Down Enter 6        # age band: 80+
on counter key Down Enter 2             # skill before
on counter key Down Enter 4             # skill after
on counter key Down Enter 1             # outcome: resolved
on counter key 1                        # finish and save
sleep 0.5
row=$(sqlite3 "$WORK/site.db" "SELECT topics, age_band, skill_before, skill_after, outcome, staff, ticket_id, ended_ms IS NOT NULL FROM help_sessions")
[ "$row" = "card_application|80+|2|4|resolved|higa|1|1" ] || fail "help session row: $row"
# Finish the ticket with an outcome.
on counter key 7
sleep 0.3
on counter key 1
on counter wait_for "A-001"
sleep 0.3
[ "$(sqlite3 "$WORK/site.db" "SELECT state || ' ' || outcome || ' ' || staff FROM tickets WHERE id = 1")" = "finished done higa" ] ||
	fail "ticket not finished: $(sqlite3 "$WORK/site.db" 'SELECT * FROM tickets')"

# The supervisor's export has the session; the report has the wait and the service time.
csv=$("$MADOGUCHI" sessions export --csv --as v01 <<<"$SUP_PIN") || fail "export: $csv"
contains "$csv" "card_application"
contains "$csv" "A-001"
expect_exit 0 "$MADOGUCHI" report waits --json
[ "$(json '[r["served"] for r in j["rows"] if r["group"] == "A"][0]')" = 1 ] || fail "report: $OUT"

# Nothing personal or secret at rest: not the clerk's PIN, not the resident's name in the clear.
for f in "$WORK"/site.db* "$WORK/madoguchi.log" "$WORK/counter.err"; do
	[ -f "$f" ] || continue
	if grep -qaF "$STAFF_PIN" "$f"; then fail "the staff PIN is in $f"; fi
	if grep -qaF "比嘉　花子" "$f"; then fail "the resident's name is in $f in the clear"; fi
done
on counter key Escape
on counter wait_for "09:0"
grep -q "COUNTER EXITED" "$WORK/counter.err" && fail "the counter exited: $(cat "$WORK/counter.err")"
echo "counter_flow: ok"
