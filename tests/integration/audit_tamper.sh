#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# audit verify against a store edited behind madoguchi's back with the sqlite3 CLI: a row's
# detail edited, a middle row deleted, two rows' contents swapped (reordered), the tail deleted
# (with and without also resetting SQLite's sequence counter). Each time the command exits 1
# and names the row and what happened; the untouched store exits 0.
. "$(dirname "$0")/../lib.sh"
make_site
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
M=$MADOGUCHI
PIN=582731

expect_exit 0 "$M" db init
expect_exit 0 "$M" staff add admin1 --name "管理 太郎" --role admin <<<"$PIN"
for id in s001 s002; do
	expect_exit 0 "$M" staff add $id --name "窓口 $id" --role staff --as admin1 <<<"$PIN
946170"
done
expect_exit 0 "$M" staff list --as admin1 <<<"$PIN"
rows=$(sqlite3 "$WORK/site.db" "SELECT count(*) FROM audit")
[ "$rows" -ge 7 ] || fail "too few audit rows to tamper with ($rows)"
sqlite3 "$WORK/site.db" ".backup '$WORK/base.db'"

# fresh: puts the untouched store back.
fresh() {
	rm -f "$WORK/site.db" "$WORK/site.db-wal" "$WORK/site.db-shm"
	cp "$WORK/base.db" "$WORK/site.db"
}
# broken KIND SEQ: audit verify exits 1 and names row SEQ as KIND, in text and in JSON.
broken() {
	expect_exit 1 "$M" audit verify --as admin1 <<<"$PIN"
	contains "$ERR" "broken at row $2 ($1)"
	expect_exit 1 "$M" audit verify --json --as admin1 <<<"$PIN"
	[ "$(json 'j["problem"], j["bad_seq"]')" = "('$1', $2)" ] || fail "want $1 at $2: $OUT"
}

fresh
expect_exit 0 "$M" audit verify --as admin1 <<<"$PIN"
contains "$OUT" "Audit chain intact"
expect_exit 0 "$M" audit verify --json --as admin1 <<<"$PIN"
[ "$(json 'j["intact"]')" = True ] || fail "untouched: $OUT"

# Edited: one row's detail.
fresh
sqlite3 "$WORK/site.db" "UPDATE audit SET detail = 'role staff' WHERE seq = 2"
broken edited 2
expect_exit 1 "$M" db check
contains "$ERR" "problems"

# Deleted: a row in the middle leaves a gap.
fresh
sqlite3 "$WORK/site.db" "DELETE FROM audit WHERE seq = 3"
broken deleted 3
# ...and when the later rows are renumbered to close the gap.
fresh
sqlite3 "$WORK/site.db" "DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3"
broken deleted 3

# Reordered: rows 3 and 4 swap their contents (seq stays).
fresh
sqlite3 "$WORK/site.db" <<'SQL'
CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (3, 4);
UPDATE audit SET (at_ms, actor, action, target, detail, prev_hash, hash) =
  (SELECT at_ms, actor, action, target, detail, prev_hash, hash FROM t WHERE t.seq = 7 - audit.seq)
  WHERE seq IN (3, 4);
SQL
broken reordered 3

# The tail: the last two rows deleted. The login of `audit verify --as` appends a row after the
# cut, so the chain shows a gap where they were.
fresh
last=$(sqlite3 "$WORK/site.db" "SELECT max(seq) FROM audit")
sqlite3 "$WORK/site.db" "DELETE FROM audit WHERE seq > $last - 2"
broken deleted $((last - 1))
# db check appends nothing: it finds the tail missing against the head kept in meta.
fresh
sqlite3 "$WORK/site.db" "DELETE FROM audit WHERE seq > $last - 2"
expect_exit 1 "$M" db check
contains "$ERR" "missing at the end"
# The tail deleted and SQLite's counter set back, so that the next row closes the gap: the
# append notices that the chain is behind its recorded head and keeps the evidence.
fresh
sqlite3 "$WORK/site.db" "DELETE FROM audit WHERE seq > $last - 2; UPDATE sqlite_sequence SET seq = $last - 2 WHERE name = 'audit'"
broken truncated $((last - 1))
echo "audit_tamper: ok"
