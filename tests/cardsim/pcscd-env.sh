# SPDX-License-Identifier: MIT
# Source this: a private pcscd with one vpcd reader and the card simulator behind it.
#   cardsim_start PROFILE [PORT]   starts pcscd -f -c DIR (reader "madoguchi vpcd 00 00") and the
#                                  simulator on PORT (default: a free port from 40100 up)
#   cardsim_restart_sim PROFILE    replaces the simulator (another card on the same reader)
#   cardsim_stop_sim               takes the card away (the simulator stops)
#   cardsim_restart_pcscd          kills pcscd and starts it again (the simulator reconnects)
#   cardsim_arm FAULT N            arms remove_after/close_at N again on the running card
#   cardsim_verifies               how many VERIFYs with a secret the card has received
#   cardsim_stop                   stops both
#
# pcscd's socket path is compiled in (/run/pcscd/pcscd.comm). As root, pcscd runs in a mount
# namespace of its own (unshare -m) where /run/pcscd is a private folder, and clients find it
# through PCSCLITE_CSOCK_NAME, which this file exports: several private pcscds (parallel tests,
# the demo) and the system's pcscd coexist, and nothing is stopped. Where namespaces are not
# allowed, it falls back to the shared /run/pcscd: it stops a running pcscd first and says so,
# and takes a machine-wide lock (/run/lock/madoguchi-pcscd.lock) so that users take turns.
# The caller must call cardsim_stop on every exit path (an EXIT trap).
: "${CARDSIM:?path to mynacard-sim}"
CARDSIM_READER="madoguchi vpcd 00 00"
CARDSIM_CONF=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/kiosk-config/pcscd/vpcd.conf
command -v pcscd >/dev/null || PATH=$PATH:/usr/sbin

# True when a TCP socket is bound to port $1. Read from /proc, never by connecting: a probe of
# a vpcd port would queue behind vpcd's one-slot backlog and hang for two minutes of SYN
# retries (and vpcd would take the probe for a card).
cardsim_port_used() {
	local hex
	hex=$(printf '%04X' "$1")
	if [ -r /proc/net/tcp ]; then
		awk -v h=":$hex" 'NR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
			/proc/net/tcp /proc/net/tcp6 2>/dev/null
	else
		timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
	fi
}

# A TCP port on loopback for the reader: vpcd opens two slots, "00 00" on PORT and "00 01" on
# PORT+1, so ports go in pairs from 40100 up, both free, and reserved against other harnesses
# starting at the same moment (a folder per pair, mkdir being atomic; stale after an hour).
cardsim_free_port() {
	local p
	for p in $(seq 40100 2 40998); do
		cardsim_port_used "$p" && continue
		cardsim_port_used "$((p + 1))" && continue
		if ! mkdir "/tmp/mdg-vpcd-port.$p" 2>/dev/null; then
			[ -n "$(find "/tmp/mdg-vpcd-port.$p" -maxdepth 0 -mmin +60 2>/dev/null)" ] || continue
			touch "/tmp/mdg-vpcd-port.$p"
		fi
		echo "$p"
		return 0
	done
	return 1
}

cardsim_start() {
	local profile=$1 port=${2:-}
	[ -n "$port" ] || port=$(cardsim_free_port) || { echo "cardsim: no free port" >&2; return 1; }
	CARDSIM_DIR=$(mktemp -d /tmp/mdg-pcscd.XXXXXX)
	CARDSIM_PORT=$port
	mkdir -p "$CARDSIM_DIR/conf" "$CARDSIM_DIR/run"
	sed "s/@PORT@/$(printf %X "$port")/g" "$CARDSIM_CONF" >"$CARDSIM_DIR/conf/vpcd"
	if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
		CARDSIM_PRIVATE=1
		export PCSCLITE_CSOCK_NAME=$CARDSIM_DIR/run/pcscd.comm
	else
		CARDSIM_PRIVATE=
		unset PCSCLITE_CSOCK_NAME
		mkdir -p /run/lock 2>/dev/null
		exec {CARDSIM_LOCK}>>/run/lock/madoguchi-pcscd.lock
		flock "$CARDSIM_LOCK"
		if pgrep -x pcscd >/dev/null; then
			echo "cardsim: stopping the running pcscd (pid $(pgrep -x pcscd | tr '\n' ' ')) for a private one" >&2
			if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
				systemctl stop pcscd.socket pcscd >/dev/null 2>&1 || true
			fi
			pkill -TERM -x pcscd || true
			for _ in $(seq 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
		fi
	fi
	cardsim_start_pcscd || return 1
	cardsim_restart_sim "$profile"
}

# The socket clients use.
cardsim_socket() {
	if [ -n "${CARDSIM_PRIVATE:-}" ]; then echo "$CARDSIM_DIR/run/pcscd.comm"; else echo /run/pcscd/pcscd.comm; fi
}

cardsim_start_pcscd() {
	local sock
	sock=$(cardsim_socket)
	rm -f "$sock"
	CARDSIM_LOG_FROM=$(($(cat "$CARDSIM_DIR/pcscd.log" 2>/dev/null | wc -l) + 1))
	if [ -n "$CARDSIM_PRIVATE" ]; then
		# exec keeps one pid for unshare, sh and pcscd: kill "$CARDSIM_PCSCD" stops pcscd.
		unshare -m sh -c 'mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec pcscd -f -d -c "$2"' \
			sh "$CARDSIM_DIR/run" "$CARDSIM_DIR/conf" >>"$CARDSIM_DIR/pcscd.log" 2>&1 &
	else
		mkdir -p /run/pcscd
		pcscd -f -d -c "$CARDSIM_DIR/conf" >>"$CARDSIM_DIR/pcscd.log" 2>&1 &
	fi
	CARDSIM_PCSCD=$!
	for _ in $(seq 50); do [ -S "$sock" ] && return 0; sleep 0.1; done
	echo "cardsim: pcscd did not start (log: $CARDSIM_DIR/pcscd.log)" >&2
	return 1
}

cardsim_restart_pcscd() {
	kill "$CARDSIM_PCSCD" 2>/dev/null || true
	wait "$CARDSIM_PCSCD" 2>/dev/null || true
	cardsim_start_pcscd
}

# Waits until pcscd has reported one more "Card inserted" than $1.
cardsim_wait_insert() {
	for _ in $(seq 80); do
		[ "$(cardsim_inserts)" -gt "${1:-0}" ] && break
		sleep 0.1
	done
	sleep 0.2
}

# Events in the log of the running pcscd (a killed one never logs its card's removal).
cardsim_events() { tail -n "+${CARDSIM_LOG_FROM:-1}" "$CARDSIM_DIR/pcscd.log" 2>/dev/null | grep -c "$1" || true; }
cardsim_inserts() { cardsim_events "Card inserted"; }

cardsim_removals() { cardsim_events "Card Removed"; }

# Takes the card away and waits (up to 5 s) until pcscd has seen it go, so that the next
# command does not find a card that is no longer there.
cardsim_stop_sim() {
	if [ -n "${CARDSIM_SIM:-}" ]; then
		kill "$CARDSIM_SIM" 2>/dev/null || true
		wait "$CARDSIM_SIM" 2>/dev/null || true
		if [ -n "${CARDSIM_PCSCD:-}" ] && kill -0 "$CARDSIM_PCSCD" 2>/dev/null; then
			for _ in $(seq 50); do
				[ "$(cardsim_inserts)" -gt "$(cardsim_removals)" ] || break
				sleep 0.1
			done
		fi
	fi
	CARDSIM_SIM=
}

# cardsim_restart_sim PROFILE [SLOT]: the card taken away and put on the reader again (slot 1:
# the reader's second slot, "madoguchi vpcd 00 01", another terminal's reader).
cardsim_restart_sim() {
	cardsim_stop_sim
	local before
	before=$(cardsim_inserts)
	rm -f "$CARDSIM_DIR/fault"
	"$CARDSIM" --profile "$1" --port "$((CARDSIM_PORT + ${2:-0}))" --fault-file "$CARDSIM_DIR/fault" \
		>>"$CARDSIM_DIR/sim.log" 2>&1 &
	CARDSIM_SIM=$!
	# pcscd polls every ~0.4 s: wait until it reports this card inserted.
	cardsim_wait_insert "$before"
}

# cardsim_arm remove_after|close_at N: the running card faults once more, at the Nth APDU from
# now (remove_after: answers it, then leaves; close_at: leaves instead of answering).
cardsim_arm() { echo "$1 $2" >"$CARDSIM_DIR/fault"; }

# The number of VERIFY commands with a secret that the card has received so far.
cardsim_verifies() { grep -c "verify key .* attempt" "$CARDSIM_DIR/sim.log" 2>/dev/null || true; }

# Prints the tails of the pcscd and simulator logs (for a failing test).
cardsim_logs() {
	[ -n "${CARDSIM_DIR:-}" ] || return 0
	echo "--- pcscd.log"; tail -n 15 "$CARDSIM_DIR/pcscd.log" 2>/dev/null
	echo "--- sim.log"; tail -n 10 "$CARDSIM_DIR/sim.log" 2>/dev/null
	return 0 # never fail a clean-up (set -e would skip cardsim_stop)
}

cardsim_stop() {
	cardsim_stop_sim
	if [ -n "${CARDSIM_PCSCD:-}" ]; then
		kill "$CARDSIM_PCSCD" 2>/dev/null || true
		wait "$CARDSIM_PCSCD" 2>/dev/null || true
	fi
	if [ -n "${CARDSIM_DIR:-}" ]; then rm -rf "$CARDSIM_DIR"; fi
	if [ -n "${CARDSIM_PORT:-}" ]; then rmdir "/tmp/mdg-vpcd-port.$CARDSIM_PORT" 2>/dev/null || true; fi
	if [ -n "${CARDSIM_LOCK:-}" ]; then exec {CARDSIM_LOCK}>&-; fi
	CARDSIM_SIM= CARDSIM_PCSCD= CARDSIM_DIR= CARDSIM_PORT= CARDSIM_LOCK=
}
