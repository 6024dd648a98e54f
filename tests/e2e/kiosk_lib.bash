# SPDX-License-Identifier: MIT
# Source after tests/lib.sh: the real `madoguchi kiosk` in a private tmux server, with a private
# pcscd + vpcd + the card simulator behind it (tests/cardsim/pcscd-env.sh).
#   kiosk_site [EXTRA_YAML]    a test site with kiosk-1 (reader "madoguchi vpcd 00 00", printer
#                              file:$WORK/kiosk-1.escpos), a test form folder, store and key
#   kiosk_start PROFILE [W H]  starts pcscd, the simulator with PROFILE, and the kiosk (80x24)
#   screen                     prints the screen's text; wait_for TEXT [SECONDS]; wait_gone TEXT
#   key KEY...                 tmux send-keys (literal text with -l)
command -v tmux >/dev/null || fail "tmux is missing (scripts/deps installs it)"
command -v pcscd >/dev/null || PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || { echo "SKIP: a private pcscd needs root"; exit 77; }
CARDSIM=$MDG_CARDSIM
. "$MDG_SOURCE_DIR/tests/cardsim/pcscd-env.sh"
P=$MDG_SOURCE_DIR/tests/cardsim/profiles

# A private tmux server whose socket lives (and goes) with the test's folder; TMUX_NAME picks
# another one (the counter runs in its own: `on counter CMD...`).
T() { tmux -S "$WORK/${TMUX_NAME:-tmux}.sock" "$@"; }
on() { local TMUX_NAME=$1; shift; "$@"; }
mdg_cleanup() {
	if [ "${rc:-0}" -ne 0 ]; then
		echo "--- last screen"; screen 2>/dev/null || true
		echo "--- kiosk stderr"; cat "$WORK/kiosk.err" 2>/dev/null || true
		cardsim_logs
	fi
	if [ "${rc:-0}" -ne 0 ] && [ -S "$WORK/counter.sock" ]; then
		echo "--- counter screen"; on counter screen 2>/dev/null || true
		echo "--- counter stderr"; cat "$WORK/counter.err" 2>/dev/null || true
	fi
	T kill-server 2>/dev/null || true
	on counter T kill-server 2>/dev/null || true
	cardsim_stop
}

kiosk_site() {
	make_site
	sed -i 's/^  - {id: kiosk-1, role: kiosk}$//' "$WORK/site.yaml"
	cat >>"$WORK/site.yaml" <<YAML
  - {id: kiosk-1, role: kiosk, reader: "madoguchi vpcd 00 00", printer: "file:$WORK/kiosk-1.escpos", paper_mm: 80}
idle_timeout_s: {kiosk: ${KIOSK_IDLE:-90}}
YAML
	sed -i 's/^languages: \[ja, ja@easy, en\]$/languages: [ja, ja@easy, en, zh_CN, ko]/' "$WORK/site.yaml"
	mkdir -p "$WORK/forms"
	t() { printf '{ja: %s, ja@easy: %s, en: %s, zh_CN: %s, ko: %s}' "$1" "$2" "$3" "$4" "$5"; }
	cat >"$WORK/forms/seal.yaml" <<YAML
id: seal
version: 1
service: A
title: $(t 印鑑登録証明書交付申請書 'いんかん しょうめい' 'Seal certificate' 印章登记证明 인감증명서)
short_title: $(t 印鑑証明 いんかん Seal 印章证明 인감증명)
bring:
  - $(t 印鑑登録証 'いんかん カード' 'Seal registration card' 印章登记证 인감등록증)
sections:
  - id: who
    title: $(t 申請者 'もうしこむ ひと' Applicant 申请人 신청인)
    fields:
      - {id: name, type: text, label: $(t 氏名 なまえ Name 姓名 성명), required: true, prefill: card.name}
      - {id: address, type: address, label: $(t 住所 じゅうしょ Address 地址 주소), prefill: card.address}
      - {id: birth, type: date, label: $(t 生年月日 'うまれた ひ' 'Birth date' 出生日期 생년월일), prefill: card.birth_date}
      - {id: copies, type: number, label: $(t 通数 なんまい Copies 份数 통수), min: 1, max: 10, default: "1", required: true}
      - id: purpose
        type: choice
        label: $(t 使いみち つかいみち Purpose 用途 용도)
        required: true
        options:
          - {value: bank, label: $(t 銀行 ぎんこう Bank 银行 은행)}
          - {value: car, label: $(t 自動車 くるま Car 汽车 자동차)}
YAML
	export MADOGUCHI_FORMS=$WORK/forms
	"$MADOGUCHI" config check >/dev/null || { "$MADOGUCHI" config check; fail "test site"; }
	"$MADOGUCHI" form check >/dev/null || { "$MADOGUCHI" form check; fail "test form"; }
	"$MADOGUCHI" db init >/dev/null
	"$MADOGUCHI" keys init >/dev/null
}

kiosk_start() {
	local profile=$1 w=${2:-80} h=${3:-24}
	cardsim_start "$profile"
	T -f /dev/null new-session -d -x "$w" -y "$h" \
		"env LC_ALL=C.UTF-8 TERM=xterm-256color TZ=Asia/Tokyo HOME=$HOME MADOGUCHI_CONFIG=$MADOGUCHI_CONFIG \
MADOGUCHI_FORMS=$MADOGUCHI_FORMS MADOGUCHI_LOCALEDIR=$MADOGUCHI_LOCALEDIR PCSCLITE_CSOCK_NAME=${PCSCLITE_CSOCK_NAME:-} \
${MADOGUCHI_NOW:+MADOGUCHI_NOW=$MADOGUCHI_NOW} LSAN_OPTIONS=${LSAN_OPTIONS:-} \
$MADOGUCHI kiosk --terminal kiosk-1 2>$WORK/kiosk.err; echo \"KIOSK EXITED \$?\" >>$WORK/kiosk.err; sleep 600"
	wait_for "画面にふれて"
}

# counter_start ID: the real `madoguchi counter --terminal ID` in the tmux server "counter"
# (80x24), after kiosk_start (the same pcscd and card simulator).
counter_start() {
	on counter T -f /dev/null new-session -d -x 80 -y 24 \
		"env LC_ALL=C.UTF-8 TERM=xterm-256color TZ=Asia/Tokyo HOME=$HOME MADOGUCHI_CONFIG=$MADOGUCHI_CONFIG \
MADOGUCHI_FORMS=$MADOGUCHI_FORMS MADOGUCHI_LOCALEDIR=$MADOGUCHI_LOCALEDIR PCSCLITE_CSOCK_NAME=${PCSCLITE_CSOCK_NAME:-} \
${MADOGUCHI_NOW:+MADOGUCHI_NOW=$MADOGUCHI_NOW} LSAN_OPTIONS=${LSAN_OPTIONS:-} \
$MADOGUCHI counter --terminal $1 2>$WORK/counter.err; echo \"COUNTER EXITED \$?\" >>$WORK/counter.err; sleep 600"
	on counter wait_for "$2"
}

screen() { T capture-pane -p; }

# Waits until the screen shows TEXT (default 10 s).
wait_for() {
	local i
	for i in $(seq $(( ${2:-10} * 10 ))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "the screen never showed '$1'"
}

wait_gone() {
	local i
	for i in $(seq $(( ${2:-10} * 10 ))); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	fail "the screen kept showing '$1'"
}

# One key at a time, with time between them: a person, not a scanner.
key() {
	local k
	for k in "$@"; do
		T send-keys "$k"
		sleep 0.15
	done
}

kiosk_alive() { ! grep -q "KIOSK EXITED" "$WORK/kiosk.err" 2>/dev/null; }
