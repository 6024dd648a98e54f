#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kiosk end to end (real binary in tmux, real pcscd + vpcd + the card simulator): Ctrl-C,
# Ctrl-Z and Ctrl-\ do nothing; Japanese, the PIN (never shown), the card's values on screen,
# touch taps (press and release over one button), the form's questions, the ticket on screen and on paper: the printed QR decodes and verifies;
# resizing to 120x40 and back keeps a whole screen, and too small a window says so.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/kiosk_lib.bash"
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
kiosk_site
kiosk_start "$P/resident.yaml"
contains "$(screen)" "証明書"

# (h) the interrupt, suspend and quit keys are keys, not signals
T send-keys C-c; T send-keys C-z; T send-keys 'C-\'; sleep 0.5
kiosk_alive || fail "a control key stopped the kiosk: $(cat "$WORK/kiosk.err")"
contains "$(screen)" "画面にふれて"

key Space
wait_for "言語を選んでください"
contains "$(screen)" "한국어"
# A touch: press and release (SGR mouse reports) over 日本語, the first button (row 6, col 10).
# A press on one button released on another chooses nothing.
T send-keys -l $'\e[<0;10;6M'; sleep 0.1; T send-keys -l $'\e[<0;60;6m'; sleep 0.4
contains "$(screen)" "言語を選んでください"
T send-keys -l $'\e[<0;10;6M'; sleep 0.3; T send-keys -l $'\e[<0;12;6m'
wait_for "どの手続きをしますか"
contains "$(screen)" "印鑑証明"
key 1
wait_for "お持ちいただくもの"
contains "$(screen)" "印鑑登録証"
key 1
wait_for "4桁の暗証番号を入れてください"  # all three tries remain: the PIN pad
key 1 2 3 4
wait_for "＊＊＊＊"
if screen | grep -q "1234"; then fail "the PIN is shown"; fi
key Enter
wait_for "カードの内容を確認してください"
s=$(screen)
contains "$s" "比嘉　花子"
contains "$s" "1948年3月15日（昭和23年）"
key 1
wait_for "通数"
key Enter                     # the default, 1
wait_for "使いみち"
key 1                         # bank
wait_for "あなたの番号"
s=$(screen)
contains "$s" "あなたの前に0人"
contains "$s" "画面にふれると終わります"
# The printed ticket: decoded back, its QR verified by the store.
DEC="python3 $MDG_SOURCE_DIR/tests/tools/escpos_decode.py"
$DEC "$WORK/kiosk-1.escpos" "$WORK/dec" >/dev/null || fail "the printed stream was rejected"
contains "$(cat "$WORK/dec/text.txt")" "A-001"
qr=$(for f in "$WORK"/dec/raster-*.pbm; do zbarimg -q --raw "$f" 2>/dev/null || true; done | grep '^MDG1:' | head -n 1)
[ -n "$qr" ] || fail "no QR decoded from the printed ticket"
expect_exit 0 "$MADOGUCHI" ticket verify "$qr"
contains "$OUT" "A-001"

# The answers were stored, sealed, linked to the ticket: the card's values with their mark.
sub=$("$MDG_SUBMIT" --config "$MADOGUCHI_CONFIG" show 1 --form "$WORK/forms/seal.yaml") || fail "no submission: $sub"
contains "$sub" "$(printf 'name\t比嘉　花子\tcard')"
contains "$sub" "$(printf 'birth\t1948-03-15\tcard')"
contains "$sub" "$(printf 'purpose\tbank\t-')"
for f in "$WORK"/site.db*; do
	if grep -qaF "比嘉" "$f"; then fail "the name is in $f in the clear"; fi
done

# (g) resize: 120x40 and back to 80x24 keep a whole screen; 70x20 asks for a larger window
T resize-window -x 120 -y 40; sleep 0.5
s=$(screen)
contains "$s" "あなたの番号"
[ "$(screen | wc -l)" -eq 40 ] || fail "not redrawn at 40 rows"
T resize-window -x 70 -y 20; wait_for "画面を大きくしてください"
T resize-window -x 80 -y 24; wait_for "あなたの番号"
contains "$(screen)" "画面にふれると終わります"
# the ticket screen ends with a touch: back to the start, the card's data gone
sleep 0.8; key Space
wait_for "画面にふれて"
if screen | grep -q "比嘉"; then fail "personal data left on the screen"; fi
kiosk_alive || fail "the kiosk died: $(cat "$WORK/kiosk.err")"
echo "kiosk_pin: ok"
