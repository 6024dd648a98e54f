#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every catalog (ja, ja@easy, en, ...) translates every string the code marks for translation:
# extracts the strings afresh and fails on any that a catalog lacks, leaves empty or fuzzy.
set -euo pipefail
root=${1:?source dir}
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find src ui -name '*.c' | sort | xargs xgettext --from-code=UTF-8 -k_ -kN_ -kngettext:1,2 \
	--no-location -o "$tmp/now.pot"
fail=0
for lang in ja ja@easy en; do
	[ -f "locale/$lang.po" ] || { echo "catalogs: locale/$lang.po is missing"; fail=1; continue; }
done
for po in locale/*.po; do
	msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$tmp/now.pot"
	stats=$(msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>&1)
	case "$stats" in
	*untranslated* | *fuzzy*)
		echo "catalogs: $po: $stats"
		msgattrib --untranslated --only-fuzzy --no-wrap "$tmp/merged.po" 2>/dev/null | grep '^msgid' | head -5
		msgattrib --untranslated --no-wrap "$tmp/merged.po" | grep '^msgid' | grep -v '^msgid ""$' | head -10
		fail=1 ;;
	*) echo "catalogs: $po: $stats" ;;
	esac
done
exit $fail
