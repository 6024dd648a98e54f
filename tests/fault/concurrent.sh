#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 8 processes issue, call and finish tickets at once for a few seconds (4 issuing at counters,
# 4 issuing only): no error, no "busy", no duplicate and no gap, and every ticket a worker says
# it issued is in the store.
. "$(dirname "$0")/../lib.sh"
: "${MDG_STRESS:?}"
seconds=${MDG_CONCURRENT_SECONDS:-4}
make_site
"$MADOGUCHI" db init >/dev/null
pids=()
for w in 1 2 3 4 5 6 7 8; do
	counter=$(( w <= 4 ? w : 0 ))
	"$MDG_STRESS" --config "$MADOGUCHI_CONFIG" --seconds "$seconds" --services ABC \
		--call "$counter" --seed "$w" >"$WORK/w$w.out" 2>"$WORK/w$w.err" &
	pids+=($!)
done
bad=0
for w in 1 2 3 4 5 6 7 8; do
	wait "${pids[$((w - 1))]}" || { bad=1; echo "worker $w failed:"; cat "$WORK/w$w.out" "$WORK/w$w.err"; }
done
[ $bad -eq 0 ] || fail "a worker reported errors or busy timeouts"
issued=$(cat "$WORK"/w*.out | awk '{s += $2} END {print s}')
called=$(cat "$WORK"/w*.out | awk '{s += $4} END {print s}')
"$MADOGUCHI" db check --json >"$WORK/check.json" || { cat "$WORK/check.json"; fail "db check"; }
OUT=$(cat "$WORK/check.json")
[ "$(json 'j["tickets"]')" = "$issued" ] || fail "workers issued $issued, the store has $(json 'j["tickets"]')"
dups=$(sqlite3 "$WORK/site.db" "select count(*) from (select bizdate, service, number from tickets group by 1,2,3 having count(*) > 1)")
[ "$dups" = 0 ] || fail "$dups duplicate numbers"
[ "$issued" -gt 100 ] || fail "only $issued tickets in ${seconds}s: the workers barely ran"
echo "concurrent: 8 processes, ${seconds}s, $issued issued, $called called, 0 errors, 0 duplicates, 0 gaps"
