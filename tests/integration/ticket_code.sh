#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The signed ticket code from the command line: keys init (0600, never overwritten), ticket
# code, ticket verify (valid; altered, truncated, other-site, other-day and rotated-out codes
# refused with their reason, exit 2), and the key never in the audit.
. "$(dirname "$0")/../lib.sh"
make_site
M=$MADOGUCHI
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
"$M" db init >/dev/null
expect_exit 2 "$M" ticket code A-001
expect_exit 0 "$M" keys init
contains "$OUT" "Site key 1 is now current"
[ "$(stat -c %a "$WORK/site.key")" = 600 ] || fail "key file mode $(stat -c %a "$WORK/site.key")"
expect_exit 3 "$M" keys init
contains "$ERR" "never overwritten"
"$M" ticket issue --service A >/dev/null
expect_exit 0 "$M" ticket code A-001
P=$OUT
case "$P" in MDG1:TEST-SITE:20261125:A001:*:1:*) ;; *) fail "payload shape: $P" ;; esac
[ ${#P} -le 90 ] || fail "payload longer than QR 4-M allows: ${#P}"
expect_exit 0 "$M" ticket verify "$P" --json
[ "$(json 'j["verdict"]')" = valid ] || fail "valid: $OUT"
[ "$(json 'j["ticket"]["number"]')" = A-001 ] || fail "valid ticket: $OUT"
expect_exit 0 "$M" ticket verify "$(tr 'A-Z' 'a-z' <<<"$P")"   # a scanner that folds case
# Altered: the number, one tag character; truncated; garbage.
expect_exit 2 "$M" ticket verify "${P/A001/A002}"
contains "$ERR" "bad tag"
last=${P: -1}; [ "$last" = A ] && swap=B || swap=A
expect_exit 2 "$M" ticket verify "${P%?}$swap"
contains "$ERR" "bad tag"
expect_exit 2 "$M" ticket verify "${P:0:30}"
contains "$ERR" "malformed"
expect_exit 2 "$M" ticket verify "https://example.com/?q=1"
contains "$ERR" "malformed"
# Yesterday's ticket on the next day.
MADOGUCHI_NOW=2026-11-26T09:00:00+09:00 expect_exit 2 "$M" ticket verify "$P" --json
[ "$(json 'j["verdict"]')" = not_today ] || fail "other day: $OUT"
# Another site's valid code: same key file, another site id.
sed 's/id: test-site/id: other-site/' "$WORK/site.yaml" >"$WORK/other.yaml"
mkdir -p "$WORK/o" && sed -i "s#path: $WORK/site.db#path: $WORK/o/site.db#" "$WORK/other.yaml"
MADOGUCHI_CONFIG=$WORK/other.yaml "$M" db init >/dev/null
MADOGUCHI_CONFIG=$WORK/other.yaml "$M" ticket issue --service A >/dev/null
OTHER=$(MADOGUCHI_CONFIG=$WORK/other.yaml "$M" ticket code A-001)
expect_exit 2 "$M" ticket verify "$OTHER" --json
[ "$(json 'j["verdict"]')" = other_site ] || fail "other site: $OUT"
# Rotation: the previous key still verifies; two rotations later it does not.
expect_exit 0 "$M" keys rotate
contains "$OUT" "Site key 2"
expect_exit 0 "$M" ticket verify "$P"
expect_exit 0 "$M" ticket code A-001
case "$OUT" in *:2:*) ;; *) fail "new codes use key 2: $OUT" ;; esac
expect_exit 0 "$M" keys rotate
expect_exit 2 "$M" ticket verify "$P" --json
[ "$(json 'j["verdict"]')" = unknown_key ] || fail "rotated out: $OUT"
# A key file others can read is refused.
chmod 644 "$WORK/site.key"
expect_exit 2 "$M" ticket code A-001
contains "$ERR" "chmod 600"
chmod 600 "$WORK/site.key"
# The audit names key ids, never key material.
key_hex=$(sed -n 2p "$WORK/site.key" | cut -d' ' -f2)
if sqlite3 "$WORK/site.db" "select * from audit" | grep -q "${key_hex:0:16}"; then
	fail "key material in the audit"
fi
[ "$(sqlite3 "$WORK/site.db" "select count(*) from audit where action like 'keys.%'")" = 3 ] || fail "key actions not audited"
echo "ticket_code: ok"
