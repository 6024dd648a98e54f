#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two sites sync into one central PostgreSQL (started here: initdb + pg_ctl on a Unix socket):
# the schema is created and refused at another version; every synced table matches the store
# row for row (no token, nothing personal); a re-run sends nothing; changed tickets and help
# sessions arrive as their newest version; a replayed range stores nothing twice; the city-wide
# report gives each site exactly its own figures; a store behind central and a password in the
# config are refused.
. "$(dirname "$0")/../lib.sh"
. "$MDG_SOURCE_DIR/tests/pg.sh"
. "$MDG_SOURCE_DIR/tests/sync_lib.sh"
M=$MADOGUCHI
start=$(date +%s)
pg_start
A=$WORK/a B=$WORK/b
sync_site "$A" site-a 20
sync_site "$B" site-b 20
morning "$A" 60
morning "$B" 40 10
help_session "$A"
help_session "$A"

# No schema yet: refused with the way out.
export MADOGUCHI_CONFIG=$A/site.yaml
expect_exit 1 "$M" sync
contains "$ERR" "sync --init-central"
expect_exit 0 "$M" sync --init-central
contains "$OUT" "Created the central schema"
expect_exit 0 "$M" sync --init-central
contains "$OUT" "nothing to do"

# The central tables have the store's columns, less the ticket's token and the help session's
# note; never submissions or staff.
for t in $SYNC_TABLES; do
	want=$(sqlite3 "$A/site.db" "SELECT name FROM pragma_table_info('$t')
		WHERE name NOT IN ('token', 'note') ORDER BY cid")
	have=$(pq "SELECT column_name FROM information_schema.columns WHERE table_schema = 'madoguchi'
		AND table_name = '$t' AND column_name <> 'site' ORDER BY ordinal_position")
	[ "$want" = "$have" ] || fail "central $t has columns $(echo $have), the store $(echo $want)"
done
[ "$(pq "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'madoguchi'
	AND table_name IN ('submissions', 'staff')")" = 0 ] || fail "personal tables exist centrally"

# A dry run counts, sends nothing.
expect_exit 0 "$M" sync --dry-run --json
[ "$(json 'sum(t["pending"] for t in j["tables"])')" -gt 100 ] || fail "dry run saw too little: $OUT"
[ "$(json 'j["sent"]')" = 0 ] || fail "dry run sent rows"
[ "$(pq "SELECT count(*) FROM madoguchi.ticket_events")" = 0 ] || fail "dry run stored rows"

# Both sites sync; every table matches row for row.
for d in "$A" "$B"; do
	export MADOGUCHI_CONFIG=$d/site.yaml
	expect_exit 0 "$M" sync --json
	[ "$(json 'j["batches"]')" -gt 4 ] || fail "expected several batches: $OUT"
done
same_rows "$A" site-a
same_rows "$B" site-b
marks_honest "$A" site-a
[ "$(pq "SELECT count(DISTINCT site) FROM madoguchi.tickets")" = 2 ] || fail "not two sites centrally"
n_a=$(sqlite3 "$A/site.db" "SELECT count(*) FROM ticket_events")
[ "$(pq "SELECT count(*) FROM madoguchi.ticket_events WHERE site = 'site-a'")" = "$n_a" ] || fail "count of events"
pq "SELECT detail FROM madoguchi.ticket_events WHERE type = 'voided' AND site = 'site-a'" | grep -qF $'紙詰まり\tbackslash \\ end' ||
	fail "the void reason did not arrive byte for byte"
# The run's own audit row went out with it.
[ "$(pq "SELECT count(*) FROM madoguchi.audit WHERE site = 'site-a' AND action = 'sync'")" = 1 ] || fail "sync not audited"

# A re-run sends and stores nothing.
export MADOGUCHI_CONFIG=$A/site.yaml
before=$(pq "SELECT (SELECT count(*) FROM madoguchi.tickets) + (SELECT count(*) FROM madoguchi.ticket_events) + (SELECT count(*) FROM madoguchi.audit)")
expect_exit 0 "$M" sync --json
[ "$(json 'j["sent"]')" = 0 ] && [ "$(json 'j["stored"]')" = 0 ] || fail "a re-run sent rows: $OUT"
after=$(pq "SELECT (SELECT count(*) FROM madoguchi.tickets) + (SELECT count(*) FROM madoguchi.ticket_events) + (SELECT count(*) FROM madoguchi.audit)")
[ "$before" = "$after" ] || fail "a re-run changed central ($before -> $after rows)"

# The afternoon: tickets change state (new seq), a help session ends, new tickets come.
morning "$A" 30 14
help_session "$A" 1
expect_exit 0 "$M" sync --json
same_rows "$A" site-a
[ "$(pq "SELECT outcome FROM madoguchi.help_sessions WHERE site = 'site-a' AND id = 1")" = resolved ] ||
	fail "the ended help session did not replace its first version"
# The session's note stays at the site.
[ "$(pq "SELECT (SELECT count(*) FROM madoguchi.help_sessions h WHERE h::text LIKE '%SITE-NOTE%')
	+ (SELECT count(*) FROM madoguchi.audit a WHERE a::text LIKE '%SITE-NOTE%')")" = 0 ] ||
	fail "a help session's note reached central"

# T16's replay: the central mark set back by 40 (a restored central backup, say): those rows are
# sent again and nothing is stored twice.
pq "UPDATE madoguchi.sync_state SET last_seq = last_seq - 40 WHERE site = 'site-a' AND tbl IN ('ticket_events', 'tickets')"
expect_exit 0 "$M" sync --json
[ "$(json '[t["sent"] for t in j["tables"] if t["table"] == "ticket_events"][0]')" = 40 ] || fail "replay did not resend 40 events: $OUT"
[ "$(json '[t["stored"] for t in j["tables"] if t["table"] == "ticket_events"][0]')" = 0 ] || fail "replay stored events twice: $OUT"
[ "$(json '[t["stored"] for t in j["tables"] if t["table"] == "tickets"][0]')" = 0 ] || fail "replay changed tickets: $OUT"
same_rows "$A" site-a

# Two runs of one site at once (a timer and an operator): the mark's row lock serialises their
# batches, the later one carries on from where the other moved the mark; nothing twice.
morning "$A" 30 15
"$M" sync --json >"$WORK/p1.json" 2>"$WORK/p1.err" &
p1=$!
"$M" sync --json >"$WORK/p2.json" 2>"$WORK/p2.err" &
p2=$!
wait $p1 || fail "parallel run 1: $(cat "$WORK/p1.err")"
wait $p2 || fail "parallel run 2: $(cat "$WORK/p2.err")"
same_rows "$A" site-a
sent=$(python3 -c 'import json,sys; print(sum(json.load(open(f))["sent"] for f in sys.argv[1:]))' "$WORK/p1.json" "$WORK/p2.json")
[ "$sent" -gt 60 ] || fail "the parallel runs sent only $sent rows"

# The city-wide report: each site's figures are its own report's, exactly.
for d in "$A" "$B"; do
	MADOGUCHI_CONFIG=$d/site.yaml "$M" report waits --from 2027-03-15 --json >"$WORK/$(basename "$d").local.json"
done
expect_exit 0 "$M" report waits --from 2027-03-15 --central= --json
echo "$OUT" >"$WORK/central.json"
python3 - "$WORK" <<'PY' || fail "the central report differs from the sites' own"
import json, sys
w = sys.argv[1]
c = json.load(open(f"{w}/central.json"))
sites = {s["site"]: s for s in c["sites"]}
assert set(sites) == {"site-a", "site-b"}, sites.keys()
issued = 0
for name, f in (("site-a", "a"), ("site-b", "b")):
    local = json.load(open(f"{w}/{f}.local.json"))
    assert local["rows"] == sites[name]["rows"], (name, local["rows"], sites[name]["rows"])
    assert local["total"] == sites[name]["total"], name
    issued += local["total"]["issued"]
assert c["city"]["total"]["issued"] == issued, c["city"]["total"]
assert c["city"]["sites"] == 2
PY
expect_exit 0 "$M" report waits --from 2027-03-15 --central="$CENTRAL"
contains "$OUT" "City-wide"
contains "$OUT" "site-b"
expect_exit 0 "$M" report waits --from 2027-03-15 --central= --csv
contains "$OUT" "site,group,issued"

# Another schema version: refused, with what to do.
pq "UPDATE madoguchi.meta SET value = '99' WHERE key = 'schema_version'"
expect_exit 1 "$M" sync
contains "$ERR" "newer than this program"
expect_exit 1 "$M" report waits --central=
contains "$ERR" "update madoguchi"
expect_exit 1 "$M" sync --init-central
contains "$ERR" "update madoguchi"
pq "UPDATE madoguchi.meta SET value = '1' WHERE key = 'schema_version'"

# A fresh store under a site id central already knows (a restored or replaced store): its new
# rows would collide with the central ones, so nothing is sent.
sync_site "$WORK/c" site-a
morning "$WORK/c" 6
export MADOGUCHI_CONFIG=$WORK/c/site.yaml
expect_exit 3 "$M" sync
contains "$ERR" "restored backup"

# No password in the site file or on the command line; a bad service name is named.
export MADOGUCHI_CONFIG=$A/site.yaml
sed 's/^sync: .*/sync: {central: "host=x password=secret"}/' "$A/site.yaml" >"$WORK/pw.yaml"
expect_exit 2 "$M" config check "$WORK/pw.yaml"
contains "$ERR" "sync.central"
expect_exit 2 "$M" sync --central "host=$PGD user=postgres password=secret"
contains "$ERR" "never in the site file or on the command line"
expect_exit 2 "$M" sync --central "no-such-service"
contains "$ERR" "service file"
echo "sync_central: ok (2 sites, $(pq "SELECT count(*) FROM madoguchi.ticket_events") events, $(( $(date +%s) - start )) s)"
