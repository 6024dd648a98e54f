# SPDX-License-Identifier: MIT
# Shared shell helpers for tests/integration and tests/fault. Source it; it sets -euo pipefail,
# makes $WORK (removed on exit), and checks that the binaries the tests run exist.
set -euo pipefail
: "${MADOGUCHI:?run through ctest (MADOGUCHI names the binary)}"
WORK=$(mktemp -d /tmp/mdg-it.XXXXXX)
# On exit: the test's own clean-up, then the folder (again after a moment if a stopping server
# was still writing into it); the exit code is the test's.
trap 'rc=$?; mdg_cleanup; rm -rf "$WORK" 2>/dev/null || { sleep 0.5; rm -rf "$WORK"; } || true; exit $rc' EXIT
mdg_cleanup() { :; } # tests override it to stop what they started

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A small site for tests: three services, four counters, the store in $1 (default $WORK).
# Writes $1/site.yaml and exports MADOGUCHI_CONFIG. Extra YAML lines may be given on stdin.
make_site() {
	local dir=${1:-$WORK} busy=${2:-5000}
	cat >"$dir/site.yaml" <<YAML
site: {id: test-site, name: {ja: テスト市役所, en: Test City Hall}, timezone: Asia/Tokyo}
store: {path: $dir/site.db, busy_timeout_ms: $busy, key_file: $dir/site.key}
languages: [ja, ja@easy, en]
default_language: ja
queue: {priority_interleave: 2, overdue_percent: 150, noshow_after_recalls: 1, eta_window: 20}
services:
  - {letter: A, name: {ja: 証明書, en: Certificates}, target_wait_min: 10, default_service_min: 5, counters: [1, 4]}
  - {letter: B, name: {ja: 住民異動, en: Moving}, target_wait_min: 20, default_service_min: 12, counters: [1, 2]}
  - {letter: C, name: {ja: マイナンバーカード, en: My Number card}, target_wait_min: 30, default_service_min: 15, counters: [3, 4]}
counters:
  - {number: 1, services: [A, B]}
  - {number: 2}
  - {number: 3}
  - {number: 4, services: [C, A]}
terminals:
  - {id: kiosk-1, role: kiosk}
YAML
	export MADOGUCHI_CONFIG=$dir/site.yaml
}

# expect_exit CODE CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR, checks the code.
expect_exit() {
	local want=$1 got=0
	shift
	OUT=$("$@" 2>"$WORK/stderr") || got=$?
	ERR=$(cat "$WORK/stderr")
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, want $want; stdout: $OUT; stderr: $ERR"
}

# contains HAYSTACK NEEDLE [what]
contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "${3:-output} lacks '$2': $1" ;;
	esac
}

# json EXPR: evaluates a Python expression over the JSON in $OUT (as j) and prints it.
json() {
	python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))' "$1" <<<"$OUT"
}
