#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The card taken away at every APDU of a read, through a real pcscd and the vpcd reader (T8):
# for each APDU n of `card read --pin-stdin`, with and without --with-number, the simulator
# either answers n and then leaves (remove_after) or leaves instead of answering n (close_at:
# vpcd then reports success with 0 bytes, reference §6.6). Each run ends in a clear message
# and exit 1 (or in the data, when the last answer got through), with no card data on stdout
# or stderr and exactly the VERIFYs the card should have seen: none before the VERIFY, one
# from it on, never two. The card comes back by itself and `card status` reads it. Then the
# same around the VERIFY with a wrong PIN, where a resent PIN would show in the counter.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../card_lib.sh"
# The ordinary resident; out of the field for 0.6 s after a fault (pcscd polls every 0.4 s).
sed 's/^faults:.*//' "$P/resident.yaml" >"$WORK/card.yaml"
echo "faults: {away_ms: 600}" >>"$WORK/card.yaml"
cardsim_start "$WORK/card.yaml"

# What the card holds, none of which may appear when a read fails: name and address pieces,
# the birth date, the My Number and its last four digits (the masked form).
DATA=("比嘉" "花子" "泉崎" "1948" "537686677188" "7188")
no_card_data() {
	local s
	for s in "${DATA[@]}"; do
		case "$1" in *"$s"*) fail "$2: card data ($s) in the output: $1" ;; esac
	done
}

# How many APDUs a whole read takes: counted, never assumed.
OUT=$(echo 1234 | "$M" card read --pin-stdin --json) || fail "read: $OUT"
n_read=$(json 'j["apdus"]')
OUT=$(echo 1234 | "$M" card read --pin-stdin --with-number --json) || fail "read with number: $OUT"
n_number=$(json 'j["apdus"]')
[ "$n_read" -ge 4 ] && [ "$n_number" -gt "$n_read" ] || fail "APDU counts $n_read, $n_number"

# fault_run FAULT N PIN [OPTIONS...]: arms the fault, runs the read, waits for the card to come
# back, reads the counter. Sets GOT (exit code), OUT, ERR, SEEN (VERIFYs the card received)
# and TRIES (PIN tries left afterwards).
fault_run() {
	local fault=$1 n=$2 pin=$3 before ins
	shift 3
	before=$(cardsim_verifies)
	ins=$(cardsim_inserts)
	cardsim_arm "$fault" "$n"
	GOT=0
	OUT=$(echo "$pin" | "$M" card read --pin-stdin --wait 5 "$@" 2>"$WORK/stderr") || GOT=$?
	ERR=$(cat "$WORK/stderr")
	SEEN=$(($(cardsim_verifies) - before))
	[ "$SEEN" -le 1 ] || fail "$fault $n $*: the card received $SEEN VERIFYs"
	cardsim_wait_insert "$ins"
	local out=$OUT err=$ERR
	expect_exit 0 "$M" card status --json --wait 5
	TRIES=$(json 'j["pin_tries"]["input_support"]')
	OUT=$out ERR=$err
}

# A failed read: exit 1, a message that says what happened, nothing of the card.
expect_removed() {
	[ "$GOT" -eq 1 ] || fail "$1: exit $GOT, want 1; stdout: $OUT; stderr: $ERR"
	case "$ERR" in
	*"madoguchi: card"*removed*) ;;
	*) fail "$1: unclear message: $ERR" ;;
	esac
	no_card_data "$OUT$ERR" "$1"
}

verify_at=0 # the index of the VERIFY: the first n whose close_at reached the card with a PIN
runs=0
for opts in "" "--with-number"; do
	total=$n_read
	[ -z "$opts" ] || total=$n_number
	for fault in close_at remove_after; do
		for n in $(seq 1 "$total"); do
			# shellcheck disable=SC2086
			fault_run "$fault" "$n" 1234 $opts
			runs=$((runs + 1))
			what="$fault $n of $total ${opts:-(basic-4)}"
			if [ "$verify_at" -eq 0 ] && [ "$SEEN" -eq 1 ]; then verify_at=$n; fi
			if [ "$verify_at" -gt 0 ] && [ "$n" -ge "$verify_at" ]; then want=1; else want=0; fi
			[ "$SEEN" -eq "$want" ] || fail "$what: the card received $SEEN VERIFYs, want $want"
			[ "$TRIES" -eq 3 ] || fail "$what: $TRIES tries left after a right PIN"
			if [ "$fault" = remove_after ] && [ "$n" -eq "$total" ]; then
				# the last answer arrived: the read is whole, then the card left
				[ "$GOT" -eq 0 ] || fail "$what: exit $GOT: $ERR"
				contains "$OUT" "比嘉　花子" "$what"
			else
				expect_removed "$what"
			fi
		done
	done
done
[ "$verify_at" -ge 2 ] && [ "$verify_at" -lt "$n_read" ] || fail "VERIFY found at APDU $verify_at"

# A wrong PIN, the card leaving at each APDU up to the VERIFY: the counter shows that one try
# at most was spent (one exactly when the card answered the VERIFY), never a second.
for fault in close_at remove_after; do
	for n in $(seq 1 "$verify_at"); do
		fault_run "$fault" "$n" 9999
		runs=$((runs + 1))
		what="wrong PIN, $fault $n"
		want=3
		if [ "$fault" = remove_after ] && [ "$n" -eq "$verify_at" ]; then
			want=2 # the card checked the PIN and answered before leaving
			[ "$GOT" -eq 2 ] || fail "$what: exit $GOT: $ERR"
			contains "$ERR" "wrong PIN; 2 tries left" "$what"
			no_card_data "$OUT$ERR" "$what"
		else
			expect_removed "$what"
		fi
		[ "$TRIES" -eq "$want" ] || fail "$what: $TRIES tries left, want $want"
		if [ "$TRIES" -lt 3 ]; then
			OUT=$(echo 1234 | "$M" card read --pin-stdin) || fail "the right PIN after $what: $OUT"
		fi
	done
done
echo "card_removal: ok ($runs faults, VERIFY at APDU $verify_at of $n_read/$n_number)"
