#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `madoguchi config check`: the shipped example passes; a broken copy lists every problem with
# file:line:col and exits 2; --json is valid JSON; an unreadable file is a clear message.
. "$(dirname "$0")/../lib.sh"
M=$MADOGUCHI
site=$MDG_SOURCE_DIR/kiosk-config/site.yaml

expect_exit 0 "$M" config check "$site"
contains "$OUT" "ok (5 services, 8 counters, 12 terminals)"
expect_exit 0 "$M" config check --config "$site"       # the --config file by default
expect_exit 0 "$M" config check "$site" --json
[ "$(json 'j["ok"]')" = True ] || fail "json ok: $OUT"

# Three distinct mistakes in a copy: a typo'd key, a value out of range, an unknown counter.
sed -e 's/^  busy_timeout_ms: 5000/  busy_timeout_ms: 5/' \
    -e 's/^    target_wait_min: 20$/    target_wait_minutes: 20/' \
    -e 's/^    counters: \[8\]$/    counters: [8, 12]/' "$site" >"$WORK/broken.yaml"
expect_exit 2 "$M" config check "$WORK/broken.yaml"
contains "$ERR" "$WORK/broken.yaml:18:20: 'store.busy_timeout_ms' must be a whole number from 100 to 60000, not '5'"
contains "$ERR" "unknown key 'target_wait_minutes' in services[2] (did you mean 'target_wait_min'?)"
contains "$ERR" "problems"
n=$(grep -c "^$WORK/broken.yaml:[0-9]*:[0-9]*: " <<<"$ERR" || true)
[ "$n" -ge 3 ] || fail "want every problem listed (>= 3), got $n: $ERR"
# The unknown counter is a cross-check: it shows once the file's shape is right.
sed -e 's/^    counters: \[8\]$/    counters: [8, 12]/' "$site" >"$WORK/counter.yaml"
expect_exit 2 "$M" config check "$WORK/counter.yaml"
contains "$ERR" "service E names counter 12, which is not in counters"
expect_exit 2 "$M" config check "$WORK/broken.yaml" --json
[ "$(json 'len(j["errors"]) >= 3 and not j["ok"]')" = True ] || fail "json errors: $OUT"

expect_exit 2 "$M" config check "$WORK/missing.yaml"
contains "$ERR" "$WORK/missing.yaml: cannot read: No such file or directory"
printf 'site: [unclosed\n' >"$WORK/syntax.yaml"
expect_exit 2 "$M" config check "$WORK/syntax.yaml"
contains "$ERR" "$WORK/syntax.yaml:"

# Every other command refuses to start on a bad config, listing the problems.
expect_exit 2 "$M" queue status --config "$WORK/broken.yaml"
contains "$ERR" "problems in the site config"
expect_exit 0 "$M" config schema
contains "$OUT" "services[].target_wait_min"
echo "config_check: ok"
