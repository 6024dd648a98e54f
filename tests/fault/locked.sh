#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Another process holds the write lock: `ticket issue` waits busy_timeout (here 400 ms), then
# exits 4 with a clear message; once the lock is gone the next ticket takes number 1.
. "$(dirname "$0")/../lib.sh"
make_site "$WORK" 400
M=$MADOGUCHI
"$M" db init >/dev/null
mkfifo "$WORK/fifo"
sqlite3 "$WORK/site.db" <"$WORK/fifo" >/dev/null &
holder=$!
exec 3>"$WORK/fifo"
echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES('lock-test', 'x');" >&3
mdg_cleanup() { exec 3>&- 2>/dev/null || true; kill "$holder" 2>/dev/null || true; }
sleep 0.3
start=$(date +%s%N)
rc=0
"$M" ticket issue --service A >/dev/null 2>"$WORK/err" || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $rc -eq 4 ] || fail "locked: exit $rc, want 4: $(cat "$WORK/err")"
grep -q "busy" "$WORK/err" || fail "locked: unclear message: $(cat "$WORK/err")"
[ $ms -ge 350 ] || fail "gave up after ${ms} ms, before the 400 ms busy timeout"
echo "ROLLBACK;" >&3
exec 3>&-
wait "$holder" || true
"$M" ticket issue --service A --json >"$WORK/out" || fail "issue after the lock"
OUT=$(cat "$WORK/out")
[ "$(json 'j["ticket"]["number"]')" = A-001 ] || fail "the refused issue consumed a number: $OUT"
echo "locked: waited ${ms} ms, exit 4 'busy', no number consumed"
