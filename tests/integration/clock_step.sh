#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A clock stepped backwards across midnight: the business date never goes back, numbering goes
# on without a repeat or a gap, and stored waits are never negative.
. "$(dirname "$0")/../lib.sh"
make_site
M=$MADOGUCHI
issue() { MADOGUCHI_NOW=$1 "$M" ticket issue --service A --json >"$WORK/out" && OUT=$(cat "$WORK/out"); }
"$M" db init >/dev/null

issue 2026-11-25T23:59:40+09:00
[ "$(json 'j["ticket"]["number"]+" "+j["ticket"]["business_date"]')" = "A-001 2026-11-25" ] || fail "$OUT"
issue 2026-11-26T00:00:10+09:00
[ "$(json 'j["ticket"]["number"]+" "+j["ticket"]["business_date"]')" = "A-001 2026-11-26" ] || fail "new day: $OUT"
# The clock is set back 20 minutes, to the evening before.
issue 2026-11-25T23:40:00+09:00
[ "$(json 'j["ticket"]["number"]+" "+j["ticket"]["business_date"]')" = "A-002 2026-11-26" ] || fail "stepped back: $OUT"
t_back=$(json 'j["ticket"]["issued_ms"]')
issue 2026-11-26T00:00:20+09:00
[ "$(json 'j["ticket"]["number"]')" = A-003 ] || fail "after recovery: $OUT"
[ "$(json 'j["ticket"]["issued_ms"]')" -ge "$t_back" ] || fail "stored time went backwards"
# A call while the clock is still behind: the wait is not negative.
MADOGUCHI_NOW=2026-11-25T23:50:00+09:00 "$M" queue call --counter 1 --json >"$WORK/out"
OUT=$(cat "$WORK/out")
[ "$(json 'j["ticket"]["called_ms"] >= j["ticket"]["issued_ms"]')" = True ] || fail "negative wait: $OUT"
MADOGUCHI_NOW=2026-11-26T00:01:00+09:00 "$M" db check >/dev/null || fail "db check"
MADOGUCHI_NOW=2026-11-25T23:55:00+09:00 "$M" queue status --json >"$WORK/out"
OUT=$(cat "$WORK/out")
[ "$(json 'j["business_date"]')" = 2026-11-26 ] || fail "status date went back: $OUT"
echo "clock_step: ok"
