#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kill -9 at random points while a worker issues, calls and finishes tickets; after every kill the
# store must pass `madoguchi db check`: integrity_check ok, and per (date, service) the numbers run
# 1..last with no duplicate and no gap, matching the day counter. MDG_CRASH_CYCLES sets the
# number of cycles (default 200; the benchmark runs more).
. "$(dirname "$0")/../lib.sh"
: "${MDG_STRESS:?}"
cycles=${MDG_CRASH_CYCLES:-200}
make_site
"$MADOGUCHI" db init >/dev/null
RANDOM=${MDG_SEED:-$$}
last_total=0
stores=1
for ((i = 1; i <= cycles; i++)); do
	# A long run would use up a day's 9999 numbers per service: a fresh store every 400 kills.
	if (( i % 400 == 0 )); then
		rm -f "$WORK"/site.db*
		"$MADOGUCHI" db init >/dev/null
		last_total=0
		stores=$((stores + 1))
	fi
	"$MDG_STRESS" --config "$MADOGUCHI_CONFIG" --seconds 10 --services ABC --call 1 --seed $i \
		>/dev/null 2>"$WORK/stress.err" &
	pid=$!
	# 5..45 ms: past start-up, into the middle of transactions.
	sleep "0.0$(printf '%02d' $((5 + RANDOM % 40)))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! "$MADOGUCHI" db check >"$WORK/check.out" 2>&1; then
		cat "$WORK/check.out" "$WORK/stress.err"
		fail "cycle $i: db check failed after kill -9"
	fi
	total=$(grep -oE '\(([0-9]+) tickets' "$WORK/check.out" | grep -oE '[0-9]+')
	[ "$total" -ge "$last_total" ] || fail "cycle $i: committed tickets went from $last_total to $total"
	grep -q "has used all" "$WORK/stress.err" && fail "cycle $i: the day's numbers ran out; the loop needs fresh stores more often"
	last_total=$total
done
[ "$last_total" -gt 0 ] || fail "no ticket was ever committed: the worker did not run"
echo "crash_loop: $cycles kills over $stores store(s), $last_total tickets in the last one, 0 duplicates, 0 gaps, integrity ok after every kill"
