#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The My Number card end to end through a real pcscd, the vpcd reader driver and our card
# simulator: basic-4 read with the PIN and with 照合番号B, tries read without spending one, a
# wrong PIN spends exactly one, a blocked PIN is never sent, a long address and rare characters
# come through, a pulled card is a clear error.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../card_lib.sh"
cardsim_start "$P/resident.yaml"

expect_exit 0 "$M" card status --json
[ "$(json 'j["pin_tries"]["input_support"]')" = 3 ] || fail "status: $OUT"
[ "$(json '(j["pin_tries"]["jpki_auth"], j["pin_tries"]["jpki_sign"])')" = "(3, 5)" ] || fail "JPKI tries: $OUT"
[ "$(json 'j["token"]')" = JPKIAPICCTOKEN2 ] || fail "token: $OUT"
[ "$(json 'j["card_expiry"]')" = 2033-03-15 ] || fail "card expiry: $OUT"
[ "$(json 'j["sign_cert_present"]')" = True ] || fail "sign cert: $OUT"
expect_exit 0 "$M" card status --json   # reading the counter spends nothing
[ "$(json 'j["pin_tries"]["input_support"]')" = 3 ] || fail "status spent a try: $OUT"
OUT=$(echo 1234 | "$M" card read --pin-stdin --json) || fail "read with PIN: $OUT"
[ "$(json 'j["name"]')" = "比嘉　花子" ] || fail "name: $OUT"
[ "$(json 'j["birth_date"]+" "+j["sex"]')" = "1948-03-15 female" ] || fail "birth/sex: $OUT"
[ "$(json 'j["unprintable"]')" = "[]" ] || fail "unprintable: $OUT"
# The My Number only when asked, masked unless unmasked; never with 照合番号B.
OUT=$(echo 1234 | "$M" card read --pin-stdin --with-number --json) || fail "with number: $OUT"
[ "$(json 'j["my_number"]')" = "********7188" ] || fail "masked number: $OUT"
OUT=$(echo 1234 | "$M" card read --pin-stdin --with-number --unmask --json) || fail "unmask: $OUT"
[ "$(json 'j["my_number"]')" = "537686677188" ] || fail "unmasked number: $OUT"
ERR=$(echo 23031520334821 | "$M" card read --code-b-stdin --with-number 2>&1 >/dev/null) && fail "code B opened the number"
contains "$ERR" "does not open the My Number"
# A wrong PIN spends exactly one try, and says how many are left.
ERR=$(echo 9999 | "$M" card read --pin-stdin 2>&1 >/dev/null) && fail "wrong PIN accepted"
contains "$ERR" "wrong PIN; 2 tries left"
expect_exit 0 "$M" card status --json
[ "$(json 'j["pin_tries"]["input_support"]')" = 2 ] || fail "tries after one wrong PIN: $OUT"
# 照合番号B (era YYMMDD + expiry year + code): 1948 = 昭和23.
OUT=$(echo 23031520334821 | "$M" card read --code-b-stdin --json) || fail "read with code B: $OUT"
[ "$(json 'j["address"]')" = "沖縄県那覇市泉崎１丁目１番１号" ] || fail "address: $OUT"
# The secret never on the command line.
expect_exit 2 "$M" card read --json
contains "$ERR" "standard input"

cardsim_restart_sim "$P/blocked.yaml"
ERR=$(echo 1111 | "$M" card read --pin-stdin 2>&1 >/dev/null) && fail "blocked card read"
contains "$ERR" "the PIN is locked"
ERR=$(echo 11112331203133 | "$M" card read --code-b-stdin 2>&1 >/dev/null) && fail "wrong code B accepted"
contains "$ERR" "wrong number; 9 tries left"
OUT=$(echo 11112320313344 | "$M" card read --code-b-stdin --json) || fail "code B on a blocked PIN: $OUT"
[ "$(json 'j["name"]')" = "宮城　トミ" ] || fail "blocked card name: $OUT"

cardsim_restart_sim "$P/long-address.yaml"
OUT=$(echo 7777 | "$M" card read --pin-stdin --json) || fail "long address: $OUT"
contains "$(json 'j["address"]')" "（ご家族様方）"
[ "$(json 'j["name"]')" = "𠮷田　髙﨑" ] || fail "rare characters: $OUT"
[ "$(json 'j["sex"]')" = not_applicable ] || fail "sex 9: $OUT"
[ "$(json 'j["unprintable"]')" = "['name']" ] || fail "𠮷 and 髙 are not in the printer's ROM: $OUT"

cardsim_restart_sim "$P/pulled.yaml"
ERR=$(echo 1234 | "$M" card read --pin-stdin 2>&1 >/dev/null) && fail "a pulled card read"
contains "$ERR" "card"
case "$ERR" in *removed*|*"does not answer"*|*"no card"*|*"response of"*) ;; *) fail "unclear removal message: $ERR" ;; esac
echo "card_pcsc: ok"
