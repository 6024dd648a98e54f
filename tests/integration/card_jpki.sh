#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The JPKI application end to end through a real pcscd, the vpcd reader driver and our card
# simulator: `card status` gives the authentication certificate's last day in Japan (resident,
# expired certificate, foreign resident on the contact interface) and judges expiry by the
# clock to the second; the foreign resident's full-width name reads back exactly. An
# independent client, OpenSC's jpki driver, reads the same certificates from the card and finds
# the same notAfter; the signing certificate carries the holder and needs the signing password.
. "$(dirname "$0")/../lib.sh"
command -v pcscd >/dev/null || PATH=$PATH:/usr/sbin
command -v pcscd >/dev/null || fail "pcscd is missing (scripts/deps installs it)"
command -v pkcs15-tool >/dev/null || fail "OpenSC is missing (scripts/deps installs opensc)"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: a private pcscd needs root (/run/pcscd)"; exit 77; }
CARDSIM=$MDG_CARDSIM
. "$MDG_SOURCE_DIR/tests/cardsim/pcscd-env.sh"
P=$MDG_SOURCE_DIR/tests/cardsim/profiles
M=$MADOGUCHI
mdg_cleanup() {
	[ "${rc:-0}" -eq 0 ] || cardsim_logs
	cardsim_stop
}
at() { MADOGUCHI_NOW=$1 "${@:2}"; } # at TIME CMD...: the command with the clock pinned

# OpenSC's view: the certificate with pkcs15 ID $1 as PEM in $WORK/$1.pem, and its notAfter as
# a date in Japan.
opensc_cert() {
	pkcs15-tool --read-certificate "$1" -o "$WORK/$1.pem" >"$WORK/opensc.out" 2>&1 ||
		fail "OpenSC cannot read certificate $1: $(cat "$WORK/opensc.out")"
}
opensc_not_after_jst() {
	local end
	end=$(openssl x509 -in "$WORK/$1.pem" -noout -enddate) || fail "not a certificate: $1"
	TZ=Asia/Tokyo date -d "${end#notAfter=}" +%F
}
# Lists the card's certificates with OpenSC and checks that the authentication certificate
# agrees with `card status` (in $OUT), and that it chains to the CA of EF 000B.
opensc_agrees() {
	local list
	list=$(pkcs15-tool --list-certificates 2>&1) || fail "OpenSC does not list the certificates: $list"
	contains "$list" "User Authentication Certificate" "OpenSC's list"
	contains "$list" "Path           : 000a" "OpenSC's list"
	local ours
	ours=$(json 'j["auth_cert_not_after"]')
	opensc_cert 01
	opensc_cert 03
	[ "$(opensc_not_after_jst 01)" = "$ours" ] ||
		fail "OpenSC's notAfter $(openssl x509 -in "$WORK/01.pem" -noout -enddate) is not $ours in Japan"
	openssl x509 -in "$WORK/01.pem" -noout -enddate | grep -q "14:59:59 .* GMT" ||
		fail "notAfter is not the last second of a day in Japan"
	openssl x509 -in "$WORK/01.pem" -noout -text | grep -q "sha256WithRSAEncryption" || fail "not sha256WithRSA"
	openssl x509 -in "$WORK/01.pem" -noout -text | grep -q "Public-Key: (2048 bit)" || fail "not RSA-2048"
	local vnow
	vnow=$(date -d "$(openssl x509 -in "$WORK/01.pem" -noout -startdate | cut -d= -f2)" +%s)
	openssl verify -attime $((vnow + 60)) -CAfile "$WORK/03.pem" "$WORK/01.pem" >/dev/null ||
		fail "the authentication certificate does not chain to EF 000B"
}

cardsim_start "$P/resident.yaml"
# Through pcscd + vpcd: counters, token, availability, one extended READ BINARY for 000A, expiry.
expect_exit 0 at 2026-11-25T09:00:00+09:00 "$M" card status --json
[ "$(json 'j["auth_cert_not_after"]')" = 2029-03-15 ] || fail "auth cert notAfter: $OUT"
[ "$(json 'j["auth_cert_expired"]')" = False ] || fail "expired: $OUT"
[ "$(json 'j["apdus"]')" = 11 ] || fail "card status in more APDUs than 11 (no extended read?): $OUT"
opensc_agrees
# Valid through 23:59:59 on the last day in Japan, expired a second later.
expect_exit 0 at 2029-03-15T23:59:59+09:00 "$M" card status --json
[ "$(json 'j["auth_cert_expired"]')" = False ] || fail "expired a second early: $OUT"
expect_exit 0 at 2029-03-15T15:00:00Z "$M" card status --json
[ "$(json 'j["auth_cert_expired"]')" = True ] || fail "not expired at midnight in Japan: $OUT"
expect_exit 0 at 2026-11-25T09:00:00+09:00 "$M" card status
contains "$OUT" "Authentication certificate valid until 2029-03-15"
# The signing certificate: not without the signing password; with it, the holder in
# SubjectAltName (reference §4: otherName 1.2.392.200149.8.5.5.1-6). Last on this card: OpenSC
# leaves the password verified until the card is powered off.
pkcs15-tool --read-certificate 02 -o "$WORK/02.pem" >"$WORK/opensc.out" 2>&1 &&
	fail "the signing certificate was read without the password"
pkcs15-tool --read-certificate 02 --verify-pin --auth-id 02 --pin ABC123 -o "$WORK/02.pem" \
	>"$WORK/opensc.out" 2>&1 || fail "signing certificate with the password: $(cat "$WORK/opensc.out")"
SAN=$(openssl x509 -in "$WORK/02.pem" -noout -ext subjectAltName)
contains "$SAN" "1.2.392.200149.8.5.5.1::比嘉　花子" "SubjectAltName"
contains "$SAN" "1.2.392.200149.8.5.5.3::2" "SubjectAltName"
contains "$SAN" "1.2.392.200149.8.5.5.4::19480315" "SubjectAltName"
contains "$SAN" "1.2.392.200149.8.5.5.5::沖縄県那覇市泉崎１丁目１番１号" "SubjectAltName"
[ "$(opensc_not_after_jst 02)" = 2029-03-15 ] || fail "signing certificate's notAfter"

# The card is valid, the certificate is not: said plainly.
cardsim_restart_sim "$P/expired-cert.yaml"
expect_exit 0 at 2026-11-25T09:00:00+09:00 "$M" card status --json
[ "$(json 'j["auth_cert_not_after"]+" "+str(j["auth_cert_expired"])')" = "2025-06-20 True" ] ||
	fail "expired certificate: $OUT"
[ "$(json 'j["card_expiry"]')" = 2030-06-20 ] || fail "card expiry: $OUT"
opensc_agrees
expect_exit 0 at 2026-11-25T09:00:00+09:00 "$M" card status
contains "$OUT" "Authentication certificate EXPIRED on 2025-06-20"
contains "$OUT" "Card valid until 2030-06-20"

# A foreign resident on the contact interface (another ATR: madoguchi selects, never matches).
cardsim_restart_sim "$P/foreign-resident.yaml"
expect_exit 0 "$M" card status --json
[ "$(json 'j["auth_cert_not_after"]')" = 2028-07-04 ] || fail "foreign resident's certificate: $OUT"
opensc_agrees
OUT=$(echo 8642 | "$M" card read --pin-stdin --json) || fail "read the foreign resident: $OUT"
[ "$(json 'j["name"]')" = "ＳＭＩＴＨ　ＪＯＨＮ　ＡＬＥＸＡＮＤＥＲ" ] || fail "name: $OUT"
[ "$(json 'j["name"].encode().hex()')" = "$(printf 'ＳＭＩＴＨ　ＪＯＨＮ　ＡＬＥＸＡＮＤＥＲ' | od -An -tx1 | tr -d ' \n')" ] ||
	fail "the name's bytes differ: $OUT"
[ "$(json 'j["unprintable"]')" = "[]" ] || fail "full-width Latin is in the printer's ROM: $OUT"

# A card that answers 6282 to a read past the end of a file and 6700 to extended lengths (as
# behind a reader without extended APDUs), without a signing certificate (under 15): the
# certificate comes in short chunks, the same date; the basic-4 read still works.
sed '/^faults:/d' "$P/resident.yaml" >"$WORK/eof.yaml"
printf 'sign_cert: false\nfaults: {read_past_end_6282: true, extended_apdus: false}\n' >>"$WORK/eof.yaml"
cardsim_restart_sim "$WORK/eof.yaml"
expect_exit 0 "$M" card status --json
[ "$(json 'j["auth_cert_not_after"]')" = 2029-03-15 ] || fail "short APDUs and 6282: $OUT"
[ "$(json 'j["apdus"] > 11')" = True ] || fail "no extended APDU, yet 11 APDUs: $OUT"
[ "$(json 'j["sign_cert_present"]')" = False ] || fail "EF 0008 says no signing certificate: $OUT"
OUT=$(echo 1234 | "$M" card read --pin-stdin --json) || fail "basic-4 with 6282: $OUT"
[ "$(json 'j["name"]')" = "比嘉　花子" ] || fail "name with 6282: $OUT"

# A smartphone's JPKI (token JPKIAPGPSETOKEN) wants the PIN for 000A: not read, not guessed.
sed '/^auth_cert_not_after:/d' "$P/resident.yaml" >"$WORK/phone.yaml"
echo "token: JPKIAPGPSETOKEN" >>"$WORK/phone.yaml"
cardsim_restart_sim "$WORK/phone.yaml"
expect_exit 0 "$M" card status --json
[ "$(json 'j["auth_cert_not_after"], j["auth_cert_expired"]')" = "(None, None)" ] || fail "phone token: $OUT"
expect_exit 0 "$M" card status
contains "$OUT" "Authentication certificate: expiry not readable"
echo "card_jpki: ok"
