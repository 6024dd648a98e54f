#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shipped forms: every one passes `form check` against the example site; `form render`
# fills 印鑑登録証明書交付申請書 from answers and a card (髙 and 𠮷 in the name, a long address),
# writes the A4 PDF (mode 0600, fonts embedded) whose text holds the card's values; wrong answers
# print nothing and name the field in the resident's language.
. "$(dirname "$0")/../lib.sh"
M=$MADOGUCHI
export MADOGUCHI_FORMS=$MDG_SOURCE_DIR/forms MADOGUCHI_NOW=2026-11-25T10:00:00+09:00
sed -e "s#/var/lib/madoguchi/#$WORK/#g" -e "s#/var/spool/madoguchi/#$WORK/#g" \
	"$MDG_SOURCE_DIR/kiosk-config/site.yaml" >"$WORK/site.yaml"
export MADOGUCHI_CONFIG=$WORK/site.yaml
expect_exit 0 "$M" form check
[ "$OUT" = "8 forms: ok" ] || fail "shipped forms: $OUT $ERR"
expect_exit 0 "$M" form list --json
for id in juminhyo inkan-shomei tenkyo koseki jpki-cert pin-reset yoshinhyo-flu kokuho-kanyu; do
	contains "$(json '[f["id"] for f in j["forms"]]')" "'$id'"
done
[ "$(json '[f["needs_my_number"] for f in j["forms"] if f["id"] == "kokuho-kanyu"]')" = "[True]" ] || fail "kokuho: $OUT"

addr="沖縄県那覇市首里当蔵町三丁目一番地の二十三 首里城下町アパートメント南棟千二百三十四号室（ご家族様方）"
printf '{"name": "𠮷田　髙子", "address": "%s", "birth_date": "1948-03-15", "sex": "female"}\n' "$addr" >"$WORK/card.json"
cat >"$WORK/data.json" <<'JSON'
{"seal_card_number": "12345678", "reg_kana": "ヨシダ　タカコ", "copies": 2, "purpose": "vehicle",
 "applicant_type": "self", "applicant_phone": "０９８－８６７－０１１１"}
JSON
expect_exit 0 "$M" form render inkan-shomei --data "$WORK/data.json" --card-profile-json "$WORK/card.json" \
	--pdf "$WORK/inkan.pdf" --ticket A-042 --reference S-42 --lang en --json
[ "$(json 'j["pages"] >= 1 and j["unknown_glyphs"] == 0')" = True ] || fail "render: $OUT"
[ "$(stat -c %a "$WORK/inkan.pdf")" = 600 ] || fail "the PDF is readable by others"
text=$(pdftotext -raw "$WORK/inkan.pdf" - | tr -d ' \n')
contains "$text" "𠮷田髙子"
contains "$text" "$(tr -d ' ' <<<"$addr")"
contains "$text" "1948年3月15日（昭和23年）"
contains "$text" "ヨシダタカコ"
contains "$text" "098-867-0111"
contains "$text" "A-042"
if pdffonts "$WORK/inkan.pdf" | tail -n +3 | grep -v " yes " ; then fail "a font is not embedded"; fi
# To a printer sink from memory (file: stands for the printer here).
expect_exit 0 "$M" form render inkan-shomei --data "$WORK/data.json" --card-profile-json "$WORK/card.json" \
	--print "file:$WORK/printer.out"
contains "$(pdftotext -raw "$WORK/printer.out" - | tr -d ' \n')" "𠮷田髙子"
expect_exit 2 "$M" form render inkan-shomei --data "$WORK/data.json" --card-profile-json "$WORK/card.json"
contains "$ERR" "--pdf FILE, --print SINK"
# Wrong answers: no PDF, the problem named in the resident's language.
echo '{"seal_card_number": "12345678", "reg_kana": "よしだ", "copies": 2, "purpose": "vehicle", "applicant_type": "self", "applicant_phone": "1"}' >"$WORK/bad.json"
expect_exit 2 "$M" form render inkan-shomei --data "$WORK/bad.json" --card-profile-json "$WORK/card.json" --pdf "$WORK/bad.pdf" --lang ko
contains "$ERR" "가타카나"
[ ! -e "$WORK/bad.pdf" ] || fail "a PDF of a wrong form was written"
echo "form_render: ok"
