#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A card with one PIN try left: the kiosk never offers the PIN pad (it would not be the one
# that locks a card); the resident uses 照合番号B, the 14 digits printed on the card, and the
# card's values come through. No try is spent: the card still has one afterwards.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/kiosk_lib.bash"
kiosk_site
kiosk_start "$P/one-try-left.yaml"
key Space; wait_for "Choose your language"
key 3; wait_for "What would you like to do?"
key 1; wait_for "Please bring:"
key 1; wait_for "14-digit number"
s=$(screen)
contains "$s" "To keep your card safe"
if grep -q "Enter your 4-digit PIN" <<<"$s"; then fail "the PIN pad was offered with one try left"; fi
key 1; wait_for "Enter the 14-digit number on your card"
contains "$(screen)" "security code"
# 金城 一郎: born 1941-08-02 (昭和16), card valid until 2030, security code 0917
key 1 6 0 8 0 2 2 0 3 0 0 9 1 7
wait_for "＊＊＊＊＊＊＊＊＊＊＊＊＊＊"
if screen | grep -q "16080220300917"; then fail "the number is shown"; fi
key Enter
wait_for "Please check what your card says"
s=$(screen)
contains "$s" "金城　一郎"
contains "$s" "2 August 1941 (Showa 16)"
# The kiosk stops (its session ends, the card is unpowered); the card still has its one try.
T kill-server
expect_exit 0 "$MADOGUCHI" card status --json
[ "$(json 'j["pin_tries"]["input_support"]')" = 1 ] || fail "a PIN try was spent: $OUT"
echo "kiosk_code_b: ok"
