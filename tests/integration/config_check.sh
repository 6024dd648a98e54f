#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `madoguchi config check`: the shipped example passes; a broken copy lists every problem at
# once with file:line:col and exits 2; --json is valid JSON; an unreadable, non-UTF-8 or
# malformed file is a clear message; other commands refuse a bad file; the example has no
# ambiguous-width characters.
. "$(dirname "$0")/../lib.sh"
M=$MADOGUCHI
site=$MDG_SOURCE_DIR/kiosk-config/site.yaml

expect_exit 0 "$M" config check "$site"
[ "$OUT" = "$site: ok (5 services, 8 counters, 12 terminals)" ] || fail "ok line: $OUT"
[ -z "$ERR" ] || fail "stderr on success: $ERR"
expect_exit 0 "$M" config check --config "$site"       # the --config file by default
contains "$OUT" "$site: ok"
MADOGUCHI_CONFIG=$site expect_exit 0 "$M" config check # then $MADOGUCHI_CONFIG
contains "$OUT" "$site: ok"
expect_exit 0 "$M" config check "$site" --json
python3 -m json.tool <<<"$OUT" >/dev/null || fail "not JSON: $OUT"
[ "$(json 'j["ok"] and j["errors"] == [] and j["services"] == 5 and j["terminals"] == 12')" = True ] ||
	fail "json ok: $OUT"

# Three mistakes of three kinds in a copy: a value out of range, a typo'd key, and a counter
# that does not exist (a cross-check). All three are reported in one run, in file order.
broken=$WORK/broken.yaml
sed -e 's/^  busy_timeout_ms: 5000$/  busy_timeout_ms: 5/' \
    -e '0,/^    target_wait_min: 30$/s//    target_wait_minutes: 30/' \
    -e 's/^    counters: \[8\]$/    counters: [8, 12]/' "$site" >"$broken"
l1=$(grep -n '^  busy_timeout_ms: 5$' "$broken" | cut -d: -f1)
l2=$(grep -n '^    target_wait_minutes: 30$' "$broken" | cut -d: -f1)
l3=$(grep -n '^    counters: \[8, 12\]$' "$broken" | cut -d: -f1)
[ -n "$l1" ] && [ -n "$l2" ] && [ -n "$l3" ] || fail "the example changed: update the sed lines above"
expect_exit 2 "$M" config check "$broken"
want="$broken:$l1:20: 'store.busy_timeout_ms' must be a whole number from 100 to 60000, not '5'
$broken:$l2:5: unknown key 'target_wait_minutes' in services[1] (did you mean 'target_wait_min'?)
$broken:$l3:15: service E names counter 12, which is not in counters
$broken: 3 problems"
[ "$ERR" = "$want" ] || fail "want exactly:
$want
got:
$ERR"
[ -z "$OUT" ] || fail "stdout on failure: $OUT"

expect_exit 2 "$M" config check "$broken" --json
python3 -m json.tool <<<"$OUT" >/dev/null || fail "not JSON: $OUT"
[ "$(json 'j["ok"]')" = False ] || fail "json ok: $OUT"
[ "$(json 'len(j["errors"])')" = 3 ] || fail "json errors: $OUT"
[ "$(json 'all(__import__("re").match(r"^/.+:[0-9]+:[0-9]+: ", e) for e in j["errors"])')" = True ] ||
	fail "json errors without file:line:col: $OUT"

# Files that cannot be read, are not UTF-8, or are not YAML.
expect_exit 2 "$M" config check "$WORK/missing.yaml"
[ "$ERR" = "$WORK/missing.yaml: cannot read: No such file or directory
$WORK/missing.yaml: 1 problems" ] || fail "missing file: $ERR"
expect_exit 2 "$M" config check "$WORK"
contains "$ERR" "$WORK: cannot read: Is a directory"
if [ "$(id -u)" != 0 ]; then # root reads anything
	cp "$site" "$WORK/secret.yaml" && chmod 000 "$WORK/secret.yaml"
	expect_exit 2 "$M" config check "$WORK/secret.yaml"
	contains "$ERR" "$WORK/secret.yaml: cannot read: Permission denied"
fi
printf 'site:\n  id: naha\n  name: {ja: \x93\xde\x94\x65}\n' >"$WORK/sjis.yaml" # Shift_JIS
expect_exit 2 "$M" config check "$WORK/sjis.yaml"
contains "$ERR" "$WORK/sjis.yaml:3:14: the file is not UTF-8 text (byte 0x93)"
printf 'site: [unclosed\nservices: 1\n' >"$WORK/syntax.yaml"
expect_exit 2 "$M" config check "$WORK/syntax.yaml"
# libfyaml's own report, positioned; nothing else on stderr but our lines.
grep -qE "^$WORK/syntax.yaml:[0-9]+:[0-9]+: " <<<"$ERR" || fail "syntax error position: $ERR"
if grep -vE "^$WORK/syntax.yaml(:[0-9]+:[0-9]+)?: " <<<"$ERR"; then
	fail "stray output on stderr: $ERR"
fi

# Every other command refuses to start on a bad config, listing the problems.
expect_exit 2 "$M" queue status --config "$broken"
contains "$ERR" "$broken:$l1:20: 'store.busy_timeout_ms'"
contains "$ERR" "problems in the site config"

# The small site in docs/config.md is a complete, valid file.
sed -n '/^```yaml$/,/^```$/p' "$MDG_SOURCE_DIR/docs/config.md" | sed '1d;$d' >"$WORK/doc-site.yaml"
[ -s "$WORK/doc-site.yaml" ] || fail "docs/config.md lost its yaml example"
expect_exit 0 "$M" config check "$WORK/doc-site.yaml"
contains "$OUT" "ok (2 services, 2 counters, 5 terminals)"

expect_exit 0 "$M" config schema
contains "$OUT" "services[].target_wait_min
    number; optional; default 15; 1 to 480"

# Texts residents see must not hold East-Asian-ambiguous-width characters (DESIGN.md section 8).
python3 - "$site" <<'PY' || fail "ambiguous-width characters in the example"
import sys, unicodedata
bad = [(n, ch) for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1)
       for ch in line if unicodedata.east_asian_width(ch) == "A"]
for n, ch in bad:
    print(f"line {n}: U+{ord(ch):04X} {ch}")
sys.exit(1 if bad else 0)
PY
echo "config_check: ok"
