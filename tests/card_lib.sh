# SPDX-License-Identifier: MIT
# Source after tests/lib.sh in a test that needs the card: skips without root (a private pcscd
# needs it), fails without pcscd, sources tests/cardsim/pcscd-env.sh, sets P (the simulator's
# profiles) and M (madoguchi), and stops pcscd and the simulator on exit, printing their logs
# when the test failed. Start them with cardsim_start PROFILE.
command -v pcscd >/dev/null || PATH=$PATH:/usr/sbin
command -v pcscd >/dev/null || fail "pcscd is missing (scripts/deps installs it)"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: a private pcscd needs root (/run/pcscd)"; exit 77; }
CARDSIM=$MDG_CARDSIM
. "$MDG_SOURCE_DIR/tests/cardsim/pcscd-env.sh"
P=$MDG_SOURCE_DIR/tests/cardsim/profiles
M=$MADOGUCHI
mdg_cleanup() {
	[ "${rc:-0}" -eq 0 ] || cardsim_logs
	cardsim_stop
}
