#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `madoguchi form check|list|show|fill` over a forms folder of the test's own: a good form passes;
# broken definitions give the expected file:line:col messages, all at once; a broken file is
# left out of the list with its reason while the others keep working; fill takes a data file
# and a card file, prefills, normalises and validates in the resident's language; unknown
# fields and a My Number in a file are refused.
. "$(dirname "$0")/../lib.sh"
M=$MADOGUCHI
make_site # languages ja, ja@easy, en; services A, B, C
F=$WORK/forms
mkdir -p "$F"
export MADOGUCHI_FORMS=$F MADOGUCHI_NOW=2026-11-25T10:00:00+09:00

t() { printf '{ja: %s, ja@easy: %s, en: %s}' "$1" "$2" "$3"; }
cat >"$F/seal.yaml" <<YAML
id: seal
version: 1
service: A
title: $(t 印鑑登録証明書交付申請書 'いんかん しょうめい' 'Seal certificate')
short_title: $(t 印鑑証明 'いんかん' 'Seal')
bring:
  - $(t 印鑑登録証 'いんかん カード' 'Seal registration card')
sections:
  - id: who
    title: $(t 申請者 'もうしこむ ひと' 'Applicant')
    fields:
      - {id: name, type: text, label: $(t 氏名 なまえ Name), required: true, prefill: card.name}
      - {id: kana, type: kana, label: $(t フリガナ ふりがな Kana), required: true}
      - {id: birth, type: date, label: $(t 生年月日 'うまれた ひ' 'Birth date'), prefill: card.birth_date, max_date: today}
      - {id: address, type: address, label: $(t 住所 じゅうしょ Address), prefill: card.address}
      - {id: postal, type: postal, label: $(t 郵便番号 'ゆうびん ばんごう' 'Postal code')}
      - {id: copies, type: number, label: $(t 通数 'なん まい' Copies), min: 1, max: 10, default: "1"}
      - id: purpose
        type: multi
        label: $(t 使いみち 'つかいみち' Purpose)
        options:
          - {value: bank, label: $(t 銀行 ぎんこう Bank)}
          - {value: car, label: $(t 自動車 くるま Car)}
      - {id: agree, type: checkbox, label: $(t 確認しました 'わかりました' 'I confirm'), required: true}
YAML

expect_exit 0 "$M" form check
[ "$OUT" = "1 forms: ok" ] || fail "check ok: $OUT"
expect_exit 0 "$M" form check "$F/seal.yaml" --json
[ "$(json 'j["ok"] and j["good"] == 1')" = True ] || fail "check json: $OUT"

# Broken copies: each mistake at its line and column, all of them in one run.
sed -e 's/type: kana,/type: katakana,/' -e 's/prefill: card.address}/prefill: card.adress}/' \
	-e 's/^      - {id: postal, type: postal, label: {ja: 郵便番号, ja@easy: ゆうびん ばんごう, en: Postal code}}/      - {id: postal, type: postal, label: {ja: 郵便番号}}/' \
	-e 's/^        type: multi$/        type: choice/' -e '/- {value: bank/d' -e '/- {value: car/d' \
	-e 's/^        options:$/        options: []/' \
	-e 's/^id: seal$/id: seal2/' "$F/seal.yaml" >"$WORK/broken.yaml"
expect_exit 2 "$M" form check "$WORK/broken.yaml"
contains "$ERR" "$WORK/broken.yaml:1:5: the form's id 'seal2' must be its file's name (seal2.yaml)"
contains "$ERR" "$WORK/broken.yaml:15:"
contains "$ERR" "'sections[0].fields[1].type' must be one of text, kana, date"
contains "$ERR" "'sections[0].fields[3].prefill' must be card.name, card.address"
contains "$ERR" "field 'postal' has no ja@easy text"
contains "$ERR" "'sections[0].fields[6].options' must not be empty"
contains "$ERR" "1 of 1 forms have problems"
n=$(grep -c "^$WORK/broken.yaml:[0-9]*:[0-9]*: " <<<"$ERR" || true)
[ "$n" -ge 6 ] || fail "want every problem (>= 6), got $n: $ERR"
# A label in a language the site does not offer is fine; one it offers must be there.
printf 'languages: [ja, en]\n' >>"$MADOGUCHI_CONFIG"
sed -i 's/^languages: \[ja, ja@easy, en\]$//' "$MADOGUCHI_CONFIG"
expect_exit 2 "$M" form check "$WORK/broken.yaml"
if grep -q "ja@easy text" <<<"$ERR"; then fail "ja@easy is not offered any more: $ERR"; fi
make_site

# A broken file in the folder is left out, with its reason; the good one still works.
cp "$WORK/broken.yaml" "$F/seal2.yaml"
expect_exit 0 "$M" form list --lang en
contains "$OUT" "seal"
contains "$OUT" "Seal certificate"
if grep -q seal2 <<<"$OUT"; then fail "a broken form listed: $OUT"; fi
contains "$ERR" "1 form(s) left out"
expect_exit 2 "$M" form check
contains "$ERR" "1 of 2 forms have problems"
rm "$F/seal2.yaml"
expect_exit 0 "$M" form list --json
[ "$(json '[(f["id"], f["uses_card"], f["fields"]) for f in j["forms"]]')" = "[('seal', True, 8)]" ] || fail "list json: $OUT"
expect_exit 0 "$M" form show seal --lang ja@easy
contains "$OUT" "いんかん カード"
contains "$OUT" "なまえ"
expect_exit 2 "$M" form show nosuch
contains "$ERR" "no form 'nosuch'"

# fill: the card's values, the resident's answers, normal forms, messages in her language.
cat >"$WORK/card.json" <<'JSON'
{"ok": true, "name": "𠮷田　髙子", "address": "沖縄県那覇市泉崎１丁目１番１号", "birth_date": "1948-03-15", "sex": "female", "unprintable": ["name"]}
JSON
cat >"$WORK/data.json" <<'JSON'
{"values": {"kana": "ヨシダ　タカコ", "postal": "９００８５８５", "copies": 2, "purpose": ["bank", "car"], "agree": true}}
JSON
expect_exit 0 "$M" form fill seal --data "$WORK/data.json" --card-profile-json "$WORK/card.json" --json
[ "$(json 'j["values"]["name"]')" = "𠮷田　髙子" ] || fail "card name: $OUT"
[ "$(json 'j["values"]["postal"] + " " + j["values"]["copies"] + " " + j["values"]["purpose"] + " " + j["values"]["agree"]')" = "900-8585 2 bank,car yes" ] ||
	fail "normal forms: $OUT"
[ "$(json 'sorted(j["from_card"])')" = "['address', 'birth', 'name']" ] || fail "from_card: $OUT"
# Wrong answers: the messages name the field in the resident's language.
echo '{"kana": "よしだ", "postal": "900-858", "agree": false}' >"$WORK/bad.json"
expect_exit 2 "$M" form fill seal --data "$WORK/bad.json" --card-profile-json "$WORK/card.json" --lang ja
contains "$ERR" "「フリガナ」は全角カタカナで入れてください。"
contains "$ERR" "「郵便番号」は 900-8585 のように7桁の郵便番号を入れてください。"
contains "$ERR" "進むには「確認しました」にチェックしてください。"
expect_exit 2 "$M" form fill seal --data "$WORK/bad.json" --lang en --json
[ "$(json '[p["field"] for p in j["problems"]]')" = "['name', 'kana', 'postal', 'agree']" ] || fail "problems: $OUT"
contains "$OUT" 'Please fill in \"Name\".'
# Unknown fields and shapes are the data file's problems, with positions.
printf 'values:\n  nosuch: 1\n  purpose: bank\n  copies: [1, 2]\n' >"$WORK/odd.yaml"
expect_exit 2 "$M" form fill seal --data "$WORK/odd.yaml"
contains "$ERR" "$WORK/odd.yaml:2:3: form seal has no field 'nosuch'"
contains "$ERR" "$WORK/odd.yaml:4:11: field 'copies' needs a single value"
echo "form_cli: ok"
