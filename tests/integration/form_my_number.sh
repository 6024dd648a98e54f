#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 国民健康保険 加入届 needs the My Number: it is read from the card at print time (PIN on stdin,
# through a real pcscd with the card simulator), printed, and never written to a file or the
# store; a file is refused, and so is a form that does not need it; the data file cannot carry it.
. "$(dirname "$0")/../lib.sh"
. "$MDG_SOURCE_DIR/tests/card_lib.sh"
export MADOGUCHI_FORMS=$MDG_SOURCE_DIR/forms MADOGUCHI_NOW=2026-11-25T10:00:00+09:00
sed -e "s#/var/lib/madoguchi/#$WORK/#g" -e "s#/var/spool/madoguchi/#$WORK/#g" \
	"$MDG_SOURCE_DIR/kiosk-config/site.yaml" >"$WORK/site.yaml"
export MADOGUCHI_CONFIG=$WORK/site.yaml
cardsim_start "$P/resident.yaml"
echo 1234 | "$M" card read --pin-stdin --json >"$WORK/card.json" || fail "card read: $(cat "$WORK/card.json")"
cat >"$WORK/data.json" <<'JSON'
{"reason": "moved_in", "reason_date": "2026-11-20", "hh_kana": "ヒガ　ハナコ", "hh_phone": "098-867-0111",
 "p1_kana": "ヒガ　ハナコ", "consent": true}
JSON
R=(form render kokuho-kanyu --data "$WORK/data.json" --card-profile-json "$WORK/card.json")
OUT=$(echo 1234 | "$M" "${R[@]}" --with-card-number --print "file:$WORK/printer.out" 2>&1) || fail "print: $OUT"
text=$(pdftotext -raw "$WORK/printer.out" - | tr -d ' \n')
contains "$text" "比嘉" "printed form"
contains "$text" "537686677188" "printed form" # the resident profile's My Number, in its boxes
# Nowhere else: not on the terminal, not in the store.
case "$OUT" in *537686677188*) fail "the My Number was shown: $OUT" ;; esac
for f in "$WORK"/site.db*; do [ -e "$f" ] && grep -qaF 537686677188 "$f" && fail "the My Number is in $f"; done
# Never to a file; only for a form that needs it; never from the data file.
OUT=$(echo 1234 | "$M" "${R[@]}" --with-card-number --pdf "$WORK/x.pdf" 2>&1) && fail "the number went to a file"
contains "$OUT" "never to a file"
[ ! -e "$WORK/x.pdf" ] || fail "a PDF with the number was written"
OUT=$(echo 1234 | "$M" form render inkan-shomei --data "$WORK/data.json" --with-card-number --print "file:$WORK/y" 2>&1) && fail "accepted"
echo '{"hh_my_number": "537686677188"}' >"$WORK/num.json"
expect_exit 2 "$M" form fill kokuho-kanyu --data "$WORK/num.json"
contains "$ERR" "never from a file"
# A wrong PIN prints nothing and spends exactly one try.
rm -f "$WORK/printer.out"
OUT=$(echo 9999 | "$M" "${R[@]}" --with-card-number --print "file:$WORK/printer.out" 2>&1) && fail "a wrong PIN printed"
contains "$OUT" "2 tries left"
[ ! -e "$WORK/printer.out" ] || fail "printed after a wrong PIN"
echo "form_my_number: ok"
