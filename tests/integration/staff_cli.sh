#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Staff accounts through the CLI: the first admin without --as (once), staff added by the admin,
# a staff PIN brute-forced until the lockout (then the right PIN is refused, exit 5), a denial
# audited, staff list --json; no hash and no PIN digits in the log file or the audit table.
. "$(dirname "$0")/../lib.sh"
make_site
cat >>"$WORK/site.yaml" <<YAML
staff: {lockout_failures: 3, lockout_minutes: 15}
log: {file: $WORK/madoguchi.log, level: debug}
YAML
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
M=$MADOGUCHI
ADMIN_PIN=582731
STAFF_PIN=946170
NEW_PIN=3141592

expect_exit 0 "$M" db init
# The first account must be an admin; it needs nobody's PIN.
expect_exit 3 "$M" staff add s001 --name "窓口 花子" --role staff <<<"$STAFF_PIN"
expect_exit 0 "$M" staff add admin1 --name "管理 太郎" --role admin <<<"$ADMIN_PIN"
contains "$OUT" "admin1"
# After that, the host may not add staff: exit 5, audited.
expect_exit 5 "$M" staff add admin2 --name "Other" --role admin <<<"$ADMIN_PIN"
contains "$ERR" "--as STAFF_ID"
# A PIN is never taken from the command line, and a weak one is refused.
expect_exit 2 "$M" staff add s001 --name "窓口 花子" --role staff --pin 1 <<<"$ADMIN_PIN"
expect_exit 2 "$M" staff add s001 --name "窓口 花子" --role staff --as admin1 <<<"$ADMIN_PIN
123456"
contains "$ERR" "run of digits"
expect_exit 0 "$M" staff add s001 --name "窓口 花子" --role staff --as admin1 --json <<<"$ADMIN_PIN
$STAFF_PIN"
[ "$(json 'j["staff"]["role"]')" = staff ] || fail "added: $OUT"
expect_exit 0 "$M" staff add v001 --name "監督 次郎" --role supervisor --as admin1 <<<"$ADMIN_PIN
$NEW_PIN"

# A staff member may not manage staff: exit 5 and an access.denied row naming who and what.
expect_exit 5 "$M" staff add s002 --name "X" --role staff --as s001 <<<"$STAFF_PIN
$NEW_PIN"
contains "$ERR" "may not staff.manage"
denied=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit WHERE action = 'access.denied' AND actor = 's001' AND target = 's002' AND detail = 'staff.manage'")
[ "$denied" = 1 ] || fail "the denial of s001 is not audited ($denied)"
# ...but may change their own PIN (and only with the old one).
expect_exit 5 "$M" staff passwd s001 --as s001 <<<"000111
$NEW_PIN"
expect_exit 0 "$M" staff passwd s001 --as s001 <<<"$STAFF_PIN
$NEW_PIN"
expect_exit 0 "$M" staff passwd s001 --as s001 <<<"$NEW_PIN
$STAFF_PIN"

# Brute force through the CLI: three wrong PINs lock the account; then the right one is refused.
for guess in 111111 222222 333333; do
	expect_exit 5 "$M" staff passwd s001 --as s001 <<<"$guess
$NEW_PIN"
done
contains "$ERR" "locked until 09:15"
expect_exit 5 "$M" staff passwd s001 --as s001 <<<"$STAFF_PIN
$NEW_PIN"
contains "$ERR" "locked until 09:15"
# An unknown id reads like a wrong PIN.
expect_exit 5 "$M" staff list --as nobody <<<"$STAFF_PIN"
contains "$ERR" "wrong staff id or PIN"

# The list shows the lock, never a hash; staff may not see it, a supervisor may.
expect_exit 5 "$M" staff list --as s001 <<<"$STAFF_PIN"
expect_exit 0 "$M" staff list --json --as v001 <<<"$NEW_PIN"
[ "$(json 'len(j["staff"])')" = 3 ] || fail "list: $OUT"
[ "$(json '[s["locked"] for s in j["staff"] if s["id"] == "s001"][0]')" = True ] || fail "s001 not locked: $OUT"
case "$OUT" in *argon2*|*pin*|*hash*) fail "staff list shows a hash: $OUT" ;; esac
expect_exit 0 "$M" staff list --as v001 <<<"$NEW_PIN"
contains "$OUT" "窓口 花子"

# The supervisor unlocks s001 early; the lock also runs out by itself.
expect_exit 0 "$M" staff unlock s001 --as v001 <<<"$NEW_PIN"
for guess in 111111 222222 333333; do
	expect_exit 5 "$M" staff passwd s001 --as s001 <<<"$guess"
done
MADOGUCHI_NOW=2026-11-25T09:16:00+09:00 expect_exit 0 "$M" staff passwd s001 --as s001 <<<"$STAFF_PIN
$NEW_PIN"

# Roles, disable, enable; only an admin.
expect_exit 5 "$M" staff role s001 supervisor --as v001 <<<"$NEW_PIN"
expect_exit 0 "$M" staff role s001 supervisor --as admin1 <<<"$ADMIN_PIN"
expect_exit 2 "$M" staff role s001 host --as admin1 <<<"$ADMIN_PIN"
expect_exit 0 "$M" staff disable s001 --as admin1 <<<"$ADMIN_PIN"
expect_exit 5 "$M" staff list --as s001 <<<"$NEW_PIN"
contains "$ERR" "disabled"
expect_exit 3 "$M" staff disable admin1 --as admin1 <<<"$ADMIN_PIN"
contains "$ERR" "last enabled admin"
expect_exit 0 "$M" staff enable s001 --as admin1 <<<"$ADMIN_PIN"
expect_exit 0 "$M" audit verify --as s001 <<<"$NEW_PIN"
contains "$OUT" "intact"

# Every event is on the record, by id.
for action in staff.add staff.login staff.login_failed staff.locked staff.unlock staff.passwd \
	staff.role staff.disable staff.enable access.denied; do
	n=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit WHERE action = '$action'")
	[ "$n" -gt 0 ] || fail "no $action row in the audit"
done
# No hash and no PIN anywhere but the staff table's hash column: not the log, not the audit.
[ -s "$WORK/madoguchi.log" ] || fail "nothing was logged"
for secret in '$argon2id' "$ADMIN_PIN" "$STAFF_PIN" "$NEW_PIN" 111111 222222 333333 000111; do
	if grep -qF -- "$secret" "$WORK/madoguchi.log"; then fail "'$secret' is in the log"; fi
	n=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit WHERE instr(actor || action || target || detail, '$secret') > 0")
	[ "$n" = 0 ] || fail "'$secret' is in the audit"
done
echo "staff_cli: ok"
