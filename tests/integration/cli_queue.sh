#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The queue CLI end to end on a real store: db init, issue, status, call, recall, no-show, hold,
# transfer, finish, cancel, report; JSON output; exit codes for bad input (2), refused state (3).
. "$(dirname "$0")/../lib.sh"
make_site
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
M=$MADOGUCHI

expect_exit 2 "$M" queue status
contains "$ERR" "no site store at $WORK/site.db (create it with: madoguchi db init)"
expect_exit 0 "$M" db init
contains "$OUT" "Created the site store"
expect_exit 0 "$M" db init
contains "$OUT" "nothing to do"

# The slip speaks the resident's language: English here, the site's default (ja) next.
expect_exit 0 "$M" ticket issue --service A --lang en
contains "$OUT" "Ticket A-001  Certificates"
contains "$OUT" "Please wait until your number is called."
expect_exit 0 "$M" ticket issue --service A
contains "$OUT" "受付番号 A-002  証明書"
contains "$OUT" "番号が呼ばれるまでお待ちください"
expect_exit 0 "$M" ticket issue --service A --priority elderly --json
[ "$(json 'j["ticket"]["number"]')" = A-003 ] || fail "third ticket: $OUT"
[ "$(json 'j["ticket"]["priority"]')" = elderly ] || fail "priority: $OUT"
[ "$(json 'j["ahead"]')" = 2 ] || fail "ahead of the first priority ticket (interleave 2): $OUT"

# Bad input: exit 2 and a clear message; nothing consumed.
expect_exit 2 "$M" ticket issue --service Q
contains "$ERR" "unknown service 'Q'"
expect_exit 2 "$M" ticket issue
contains "$ERR" "--service is required"
expect_exit 2 "$M" ticket issue --service A --priority vip
expect_exit 2 "$M" ticket issue --service A --lang ko
contains "$ERR" "not offered"
expect_exit 2 "$M" queue finish --ticket A-999
contains "$ERR" "no ticket A-999"
expect_exit 2 "$M" queue call --counter 42
expect_exit 2 "$M" queue frobnicate
expect_exit 2 "$M" --bogus
expect_exit 0 "$M" ticket issue --service A --json
[ "$(json 'j["ticket"]["number"]')" = A-004 ] || fail "a refused issue consumed a number: $OUT"
MADOGUCHI_NOW=2026-11-25T09:01:00+09:00 expect_exit 0 "$M" ticket issue --service B --json
[ "$(json 'j["ticket"]["number"]')" = B-001 ] || fail "B numbering: $OUT"

export MADOGUCHI_NOW=2026-11-25T09:05:00+09:00
expect_exit 0 "$M" queue call --counter 1 --json
[ "$(json 'j["ticket"]["number"]')" = A-001 ] || fail "first call: $OUT"
expect_exit 3 "$M" queue noshow --ticket A-001
contains "$ERR" "recall A-001 first"
expect_exit 0 "$M" queue recall --ticket A-001
expect_exit 0 "$M" queue noshow --ticket A-001
expect_exit 3 "$M" queue finish --ticket A-001
contains "$ERR" "it is no_show"
expect_exit 0 "$M" queue call --counter 1 --json
[ "$(json 'j["ticket"]["number"]')" = A-002 ] || fail "second call: $OUT"
# interleave 2: after A-001 and A-002 the priority ticket A-003
expect_exit 0 "$M" queue call --counter 1 --json
[ "$(json 'j["ticket"]["number"]')" = A-003 ] || fail "priority interleave: $OUT"
# A-004 (issued 09:00) moves to B and keeps its place ahead of B-001 (09:01).
expect_exit 0 "$M" queue transfer --ticket A-004 --service B
contains "$OUT" "now waits in queue B"
expect_exit 0 "$M" queue hold --ticket A-003
expect_exit 0 "$M" queue status --json
[ "$(json 'j["services"][0]["held"]')" = 1 ] || fail "held count: $OUT"
[ "$(json 'j["services"][1]["waiting"]')" = 2 ] || fail "B waiting: $OUT"
expect_exit 0 "$M" queue status
contains "$OUT" "A Certificates"
contains "$OUT" "on hold"
export MADOGUCHI_NOW=2026-11-25T09:20:00+09:00
expect_exit 0 "$M" queue call --counter 2 --json
[ "$(json 'j["ticket"]["number"]')" = A-004 ] || fail "transfer keeps place: $OUT"
expect_exit 0 "$M" queue finish --ticket A-004 --outcome done
expect_exit 0 "$M" queue cancel --ticket B-001
expect_exit 0 "$M" queue call --counter 4 --ticket A-003
expect_exit 0 "$M" ticket show A-003 --json
[ "$(json 'j["ticket"]["state"]')" = called ] || fail "show: $OUT"
[ "$(json 'j["ticket"]["counter"]')" = 4 ] || fail "show counter: $OUT"

export MADOGUCHI_NOW=2026-11-25T09:30:00+09:00
expect_exit 0 "$M" queue finish --ticket A-003
expect_exit 3 "$M" queue call --counter 3
contains "$ERR" "nobody is waiting for counter 3"

expect_exit 0 "$M" report waits --json
[ "$(json 'j["total"]["issued"]')" = 5 ] || fail "report issued: $OUT"
[ "$(json 'j["total"]["served"]')" = 3 ] || fail "report served: $OUT"
[ "$(json 'j["total"]["no_show"]')" = 1 ] || fail "report no-show: $OUT"
[ "$(json 'j["total"]["walked_out"]')" = 1 ] || fail "report walked out: $OUT"
expect_exit 0 "$M" report waits --csv --by counter
contains "$OUT" "group,issued,served,no_show,walked_out"
[ "$(printf '%s\n' "$OUT" | wc -l)" -ge 3 ] || fail "csv rows: $OUT"
expect_exit 0 "$M" report waits --by hour
contains "$OUT" "09:00"
expect_exit 2 "$M" report waits --from 2026-02-30
expect_exit 2 "$M" report waits --by weekday

expect_exit 0 "$M" db check --json
[ "$(json 'j["ok"]')" = True ] || fail "db check: $OUT"
expect_exit 0 "$M" db backup "$WORK/copy.db"
expect_exit 2 "$M" db backup "$WORK/copy.db"
[ "$(sqlite3 "$WORK/copy.db" 'select count(*) from tickets')" = 5 ] || fail "backup contents"
echo "cli_queue: ok"
