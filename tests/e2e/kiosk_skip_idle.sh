#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Without a card: "skip, staff will help" leads to the form's questions and a ticket. With a
# card: after the idle timeout, back to the start with nothing personal left on the screen.
. "$(dirname "$0")/../lib.sh"
KIOSK_IDLE=10
. "$(dirname "$0")/kiosk_lib.bash"
kiosk_site
kiosk_start "$P/resident.yaml"
cardsim_stop_sim # no card on the reader
sleep 1
key Space; wait_for "Choose your language"
key 2; wait_for "なにを しに きましたか"
key 1; wait_for "もってくる もの"
key 1; wait_for "マイナンバーカードを よみとりきに おいてください"
key 1                           # skip: staff will help me
wait_for "なまえ"
T send-keys -l "テスト　ハナコ"; sleep 0.3
key Enter; wait_for "じゅうしょ"
key Enter; wait_for "うまれた ひ"
T send-keys -l "19500401"; sleep 0.3
key Enter; wait_for "なんまい"
key Enter; wait_for "つかいみち"
key 2; wait_for "あなたの ばんごう"
contains "$(screen)" "がめんに ふれると おわります"
expect_exit 0 "$MADOGUCHI" ticket show A-001 --json
[ "$(json 'j["ticket"]["lang"]')" = ja@easy ] || fail "the ticket's language: $OUT"
sleep 0.8; key Space; wait_for "画面にふれて"

# The idle timeout (10 s here) in the middle of a card session wipes it.
cardsim_restart_sim "$P/resident.yaml"
key Space; wait_for "Choose your language"
key 3; wait_for "What would you like to do?"
key 1; wait_for "Please bring:"
key 1; wait_for "Enter your 4-digit PIN"
key 1 2 3 4 Enter; wait_for "Please check what your card says"
contains "$(screen)" "比嘉　花子"
wait_for "画面にふれて" 16
s=$(screen)
for secret in 比嘉 花子 泉崎 1948; do
	if grep -q "$secret" <<<"$s"; then fail "'$secret' left on the screen after the timeout"; fi
done
kiosk_alive || fail "the kiosk died: $(cat "$WORK/kiosk.err")"
echo "kiosk_skip_idle: ok"
