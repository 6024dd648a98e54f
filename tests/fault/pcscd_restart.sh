#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The wait for a card against a real pcscd: pcscd killed and started again while `card status
# --wait` waits with no card (the command makes a fresh PC/SC context and answers when the card
# comes), pcscd gone for the whole wait (a clear message when the time is up), the wait ending
# on time with no card, and SIGINT/SIGTERM ending the wait at once with exit 130/143.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../card_lib.sh"
WAITER=
mdg_cleanup() {
	[ "${rc:-0}" -eq 0 ] || { cardsim_logs; cat "$WORK/out" "$WORK/err" 2>/dev/null || true; }
	if [ -n "$WAITER" ]; then kill "$WAITER" 2>/dev/null || true; fi
	cardsim_stop
}
now_ms() { date +%s%3N; }

cardsim_start "$P/resident.yaml"
cardsim_stop_sim # no card on the reader

# No card: the wait ends on time with "no card".
t0=$(now_ms)
expect_exit 1 "$M" card status --wait 1
t=$(($(now_ms) - t0))
contains "$ERR" "no card on the reader"
[ "$t" -ge 1000 ] && [ "$t" -lt 3000 ] || fail "a 1 s wait took $t ms"

# pcscd killed and started again during the wait, then the card: it answers by itself.
"$M" card status --wait 20 --json >"$WORK/out" 2>"$WORK/err" &
WAITER=$!
sleep 1
cardsim_restart_pcscd
sleep 1
kill -0 "$WAITER" 2>/dev/null || fail "the wait ended when pcscd went: $(cat "$WORK/err")"
t0=$(now_ms)
cardsim_restart_sim "$P/resident.yaml"
got=0
wait "$WAITER" || got=$?
WAITER=
t=$(($(now_ms) - t0))
OUT=$(cat "$WORK/out")
[ "$got" -eq 0 ] || fail "after the pcscd restart: exit $got: $(cat "$WORK/err")"
[ "$(json 'j["pin_tries"]["input_support"]')" = 3 ] || fail "status after the restart: $OUT"
[ "$t" -lt 5000 ] || fail "the card was seen $t ms after it came"

# pcscd gone for the whole wait: said so when the time is up.
kill "$CARDSIM_PCSCD"
wait "$CARDSIM_PCSCD" 2>/dev/null || true
t0=$(now_ms)
expect_exit 1 "$M" card status --wait 1
t=$(($(now_ms) - t0))
contains "$ERR" "pcscd"
[ "$t" -ge 1000 ] && [ "$t" -lt 3000 ] || fail "a 1 s wait without pcscd took $t ms"
cardsim_restart_pcscd
cardsim_stop_sim

# SIGINT and SIGTERM end the wait at once, say so, and exit 128 + the signal; nothing is left
# running. A read waiting for its card also stops (the PIN was already given).
for sig in INT TERM; do
	for cmd in status read; do
		if [ "$cmd" = read ]; then
			echo 1234 | "$M" card read --pin-stdin --wait 20 --json >"$WORK/out" 2>"$WORK/err" &
		else
			"$M" card status --wait 20 --json >"$WORK/out" 2>"$WORK/err" &
		fi
		WAITER=$!
		sleep 0.5
		t0=$(now_ms)
		kill "-$sig" "$WAITER"
		got=0
		wait "$WAITER" || got=$?
		WAITER=
		t=$(($(now_ms) - t0))
		want=130
		[ "$sig" = INT ] || want=143
		[ "$got" -eq "$want" ] || fail "$cmd, SIG$sig: exit $got, want $want: $(cat "$WORK/err")"
		[ "$t" -lt 1000 ] || fail "$cmd, SIG$sig: took $t ms to stop"
		contains "$(cat "$WORK/err")" "madoguchi: card reader: interrupted"
		OUT=$(cat "$WORK/out")
		[ "$(json 'j["exit"]')" = "$want" ] || fail "$cmd, SIG$sig: JSON $OUT"
	done
done

# The same reader still works afterwards.
cardsim_restart_sim "$P/resident.yaml"
expect_exit 0 "$M" card status --json
echo "pcscd_restart: ok"
