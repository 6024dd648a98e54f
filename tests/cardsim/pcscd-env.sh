# SPDX-License-Identifier: MIT
# Source this: a private pcscd with one vpcd reader and the card simulator behind it.
#   cardsim_start PROFILE [PORT]   starts pcscd -f -c DIR (reader "madoguchi vpcd 00 00") and the
#                                  simulator; stops a pcscd already running first, and says so
#   cardsim_restart_sim PROFILE    replaces the simulator (another card on the same reader)
#   cardsim_stop                   stops both
# pcscd's socket is fixed at /run/pcscd, so one pcscd serves a machine: CTest runs the tests
# that use this under RESOURCE_LOCK pcscd.
: "${CARDSIM:?path to mynacard-sim}"
CARDSIM_READER="madoguchi vpcd 00 00"

cardsim_start() {
	local profile=$1 port=${2:-40059}
	CARDSIM_DIR=$(mktemp -d /tmp/mdg-pcscd.XXXXXX)
	CARDSIM_PORT=$port
	mkdir -p "$CARDSIM_DIR/conf"
	printf 'FRIENDLYNAME "madoguchi vpcd"\nDEVICENAME /dev/null:0x%X\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID 0x%X\n' \
		"$port" "$port" >"$CARDSIM_DIR/conf/vpcd"
	if pgrep -x pcscd >/dev/null; then
		echo "cardsim: stopping the running pcscd (pid $(pgrep -x pcscd | tr '\n' ' ')) for a private one" >&2
		if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
			systemctl stop pcscd.socket pcscd >/dev/null 2>&1 || true
		fi
		pkill -TERM -x pcscd || true
		for _ in $(seq 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
	fi
	mkdir -p /run/pcscd
	pcscd -f -d -c "$CARDSIM_DIR/conf" >"$CARDSIM_DIR/pcscd.log" 2>&1 &
	CARDSIM_PCSCD=$!
	for _ in $(seq 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
	cardsim_restart_sim "$profile"
}

cardsim_restart_sim() {
	if [ -n "${CARDSIM_SIM:-}" ]; then
		kill "$CARDSIM_SIM" 2>/dev/null || true
		wait "$CARDSIM_SIM" 2>/dev/null || true
	fi
	local before
	before=$(grep -c "Card inserted" "$CARDSIM_DIR/pcscd.log" 2>/dev/null || true)
	"$CARDSIM" --profile "$1" --port "$CARDSIM_PORT" >>"$CARDSIM_DIR/sim.log" 2>&1 &
	CARDSIM_SIM=$!
	# pcscd polls every ~0.4 s: wait until it reports this card inserted.
	for _ in $(seq 80); do
		[ "$(grep -c "Card inserted" "$CARDSIM_DIR/pcscd.log" 2>/dev/null || true)" -gt "${before:-0}" ] && break
		sleep 0.1
	done
	sleep 0.2
}

# Prints the tails of the pcscd and simulator logs (for a failing test).
cardsim_logs() {
	[ -n "${CARDSIM_DIR:-}" ] || return 0
	echo "--- pcscd.log"; tail -n 15 "$CARDSIM_DIR/pcscd.log" 2>/dev/null
	echo "--- sim.log"; tail -n 10 "$CARDSIM_DIR/sim.log" 2>/dev/null
}

cardsim_stop() {
	if [ -n "${CARDSIM_SIM:-}" ]; then kill "$CARDSIM_SIM" 2>/dev/null || true; fi
	if [ -n "${CARDSIM_PCSCD:-}" ]; then kill "$CARDSIM_PCSCD" 2>/dev/null || true; fi
	wait 2>/dev/null || true
	if [ -n "${CARDSIM_DIR:-}" ]; then rm -rf "$CARDSIM_DIR"; fi
	CARDSIM_SIM= CARDSIM_PCSCD= CARDSIM_DIR=
}
