#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The card is pulled during the read (the simulator leaves after the third APDU): a kind
# message, nothing sent twice, back to "place your card"; when it is back, the PIN pad is
# offered again because no try was spent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/kiosk_lib.bash"
kiosk_site
kiosk_start "$P/pulled.yaml"
key Space; wait_for "Choose your language"
key 3; wait_for "What would you like to do?"
key 1; wait_for "Please bring:"
key 1; wait_for "Enter your 4-digit PIN"
key 1 2 3 4 Enter
wait_for "The card was removed or could not be read"
contains "$(screen)" "Place the card again"
kiosk_alive || fail "the kiosk died"
sleep 1.5                         # the simulated card comes back after a second
key 1                             # place the card again
wait_for "Enter your 4-digit PIN" 15   # all three tries remain: none was spent
key 1 2 3 4 Enter
wait_for "Please check what your card says"
contains "$(screen)" "比嘉　花子"
echo "kiosk_pulled: ok"
