#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/config.md lists every key exactly as `madoguchi config schema` prints it: the operator
# documentation cannot drift from the schema table.
. "$(dirname "$0")/../lib.sh"
"$MADOGUCHI" config schema >"$WORK/schema.txt"
sed -n '/^## Every key/,$p' "$MDG_SOURCE_DIR/docs/config.md" | sed -n '/^```$/,/^```$/p' | sed '1d;$d' >"$WORK/doc.txt"
if ! diff -u "$WORK/doc.txt" "$WORK/schema.txt"; then
	fail "docs/config.md is out of date: regenerate its last block with 'madoguchi config schema'"
fi
[ "$(wc -l <"$WORK/schema.txt")" -gt 50 ] || fail "the schema looks truncated"
echo "docs_schema: ok"
