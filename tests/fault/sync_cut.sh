#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# T16, sync exactly once: the connection to the central PostgreSQL is cut at every statement of
# a batch in the middle of a run (the backend terminated from a second connection before BEGIN,
# the mark lock, COPY, with half the rows sent, before the COPY ends, INSERT, the mark update,
# COMMIT, and after COMMIT returned), and the sync process is killed at the same points. Every
# time: a clear message and a non-zero exit, no local mark ahead of the central one, central
# marks that cover exactly the rows committed with them; then the next run completes the job,
# row for row, nothing twice. Also: the server restarted in the middle of a batch, and the
# server down (unreachable) then back.
. "$(dirname "$0")/../lib.sh"
. "$MDG_SOURCE_DIR/tests/pg.sh"
. "$MDG_SOURCE_DIR/tests/sync_lib.sh"
M=$MADOGUCHI
start=$(date +%s)
pg_start
A=$WORK/a
sync_site "$A" site-a 20
morning "$A" 30
help_session "$A"
help_session "$A"
export MADOGUCHI_CONFIG=$A/site.yaml
"$M" sync --init-central >/dev/null

reset_central() {
	pq "TRUNCATE madoguchi.tickets, madoguchi.ticket_events, madoguchi.help_sessions, madoguchi.audit;
		UPDATE madoguchi.sync_state SET last_seq = 0"
	sqlite3 "$A/site.db" "DELETE FROM meta WHERE key LIKE 'sync.acked.%'"
}

# The run's batches: tickets 1-2, events 3-6, help sessions 7, audit 8 (batches of 20 rows).
"$M" sync --dry-run --json >"$WORK/plan.json"
OUT=$(cat "$WORK/plan.json")
[ "$(json '[t["pending"] for t in j["tables"] if t["table"] == "ticket_events"][0] > 60')" = True ] ||
	fail "the events need 4 batches for batch 4 to be in the middle: $OUT"

names=(- "BEGIN" "the mark lock" "COPY" "half the COPY rows" "the COPY end" "INSERT" "the mark update"
	"COMMIT" "after COMMIT")
cuts=0
for mode in kill exit; do
	for point in 1 2 3 4 5 6 7 8 9; do
		reset_central
		rc=0
		MADOGUCHI_TEST_SYNC_FAULT="$mode@4.$point" "$M" sync >"$WORK/out" 2>"$WORK/err" || rc=$?
		what="$mode at ${names[$point]}"
		if [ "$mode" = exit ]; then
			[ $rc -eq 70 ] || fail "$what: exit $rc, want the hook's 70: $(cat "$WORK/err")"
		else
			[ $rc -eq 1 ] || fail "$what: exit $rc, want 1: $(cat "$WORK/err")"
			grep -q "lost the central server" "$WORK/err" || fail "$what: unclear message: $(cat "$WORK/err")"
			if [ "$point" = 8 ]; then
				grep -q "may or may not be committed" "$WORK/err" || fail "$what: $(cat "$WORK/err")"
			elif [ "$point" != 9 ]; then
				grep -q "nothing of this batch is committed" "$WORK/err" || fail "$what: $(cat "$WORK/err")"
			fi
		fi
		marks_honest "$A" site-a
		mark=$(pq "SELECT last_seq FROM madoguchi.sync_state WHERE site = 'site-a' AND tbl = 'ticket_events'")
		if [ "$point" = 9 ]; then
			[ "$mark" = 40 ] || fail "$what: batch 4 committed, but the events mark is $mark"
		else
			[ "$mark" = 20 ] || fail "$what: the events mark is $mark, want 20 (batch 3 only)"
		fi
		expect_exit 0 "$M" sync
		same_rows "$A" site-a
		marks_honest "$A" site-a
		cuts=$((cuts + 1))
	done
done

# Re-runs after a completed job send nothing (three times).
for _ in 1 2 3; do
	expect_exit 0 "$M" sync --json
	[ "$(json 'j["sent"]')" = 0 ] || fail "a finished sync sent rows again: $OUT"
done

# The central server restarts while a batch is open: the run fails cleanly, the next completes.
reset_central
touch "$WORK/hold"
MADOGUCHI_TEST_SYNC_FAULT="pause@4.6:$WORK/hold" "$M" sync >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 200); do [ -f "$WORK/hold.paused" ] && break; sleep 0.05; done
[ -f "$WORK/hold.paused" ] || fail "the sync never reached the pause"
pg_restart
rm -f "$WORK/hold"
rc=0
wait $pid || rc=$?
[ $rc -eq 1 ] || fail "restart: exit $rc, want 1: $(cat "$WORK/err")"
grep -q "lost the central server" "$WORK/err" || fail "restart: unclear message: $(cat "$WORK/err")"
marks_honest "$A" site-a
expect_exit 0 "$M" sync
same_rows "$A" site-a

# The server down: a clear message at once, nothing marked; back up, the job completes.
morning "$A" 6 11
pg_stop
t0=$(date +%s)
expect_exit 1 "$M" sync
contains "$ERR" "cannot be reached"
[ $(( $(date +%s) - t0 )) -le 5 ] || fail "an unreachable server took more than 5 s to report"
pg_start
marks_honest "$A" site-a
expect_exit 0 "$M" sync
same_rows "$A" site-a
echo "sync_cut: ok ($cuts cuts at 9 points of a batch, a restart, an outage; $(( $(date +%s) - start )) s)"
