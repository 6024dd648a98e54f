#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The rule checks must fail when a rule is broken: copies the tree's sources, plants one
# violation at a time, and expects tests/layering.sh to name it; then gives the catalog width
# check a catalog with an ambiguous-width character.
set -euo pipefail
root=${1:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plant() { # file line expected-words
	rm -rf "$tmp/t" && mkdir -p "$tmp/t" && cp -r "$root/src" "$root/ui" "$tmp/t/"
	mkdir -p "$(dirname "$tmp/t/$1")"
	printf '%s\n' "$2" >>"$tmp/t/$1"
	if out=$(bash "$root/tests/layering.sh" "$tmp/t" 2>&1); then
		echo "rules_selftest: '$2' in $1 was not caught"
		exit 1
	fi
	grep -q "$3" <<<"$out" || { echo "rules_selftest: unclear message for $1: $out"; exit 1; }
}
plant src/core/policy.c '#include <sqlite3.h>' 'src/core may use only the C library'
plant src/core/policy.c '#include "store/queue.h"' 'may not depend on store'
plant src/store/queue.c '#include <ncurses.h>' 'belongs in ui/ only'
plant src/app/cli.c '#include <sqlite3.h>' 'belongs in src/store/ only'
plant src/store/db.c '#include "app/site.h"' 'may not depend on app'
plant src/secure/hash.c '#include "store/store.h"' 'may not depend on store'
plant ui/x.c '#include <libfyaml.h>' 'belongs in src/yaml/ only'
plant src/secure/hash.c '#include <openssl/evp.h>' 'belongs in src/card/ only'
bash "$root/tests/layering.sh" "$root" >/dev/null || { echo "rules_selftest: the real tree fails"; exit 1; }
mkdir -p "$tmp/po"
printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Counter %%d"\nmsgstr "\xe2\x91\xa0 %%d\xe7\x95\xaa\xe7\xaa\x93\xe5\x8f\xa3"\n' >"$tmp/po/xx.po"
if python3 "$root/tests/catalog_widths.py" "$tmp/po" >"$tmp/out" 2>&1; then
	echo "rules_selftest: an ambiguous-width character in a catalog was not caught"
	exit 1
fi
grep -q "U+2460" "$tmp/out" || { echo "rules_selftest: unclear message: $(cat "$tmp/out")"; exit 1; }
echo "rules_selftest: 8 planted layering violations and 1 ambiguous-width character caught"
