#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Enforces the layering of DESIGN.md §2 on #include lines:
#  - src/core includes only the C library (a fixed list of standard and POSIX headers) and core/;
#  - each outside library is included only in its own folder (curses: ui/, sqlite3: src/store,
#    PC/SC and OpenSSL libcrypto: src/card, libpq: src/sync, libsodium: src/secure,
#    libfyaml: src/yaml, qrencode/zint/cairo/pango/cups: src/print);
#  - project headers point one way: core <- secure <- store; core <- yaml, card, print, sync;
#    ui may use any of those; only app and tests see everything.
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
fail=0
problem() { echo "layering: $*"; fail=1; }

libc='assert|complex|ctype|errno|fenv|float|inttypes|iso646|limits|locale|math|setjmp|signal|stdalign|stdarg|stdatomic|stdbool|stddef|stdint|stdio|stdlib|stdnoreturn|string|tgmath|threads|time|uchar|wchar|wctype|fcntl|unistd|strings|langinfo|libintl|pthread|poll|termios|dirent|glob|fnmatch|regex|iconv|sys/types|sys/stat|sys/time|sys/wait|sys/mman|sys/socket|sys/uio|sys/file|sys/random|sys/resource|netinet/in|arpa/inet|netdb'

# 1. core: libc only.
while IFS= read -r line; do
	file=${line%%:*}
	hdr=$(sed -E 's/.*#include *<([^>]+)>.*/\1/' <<<"${line#*:}")
	[[ $hdr =~ ^($libc)\.h$ ]] || problem "$file includes <$hdr>, but src/core may use only the C library"
done < <(grep -rHE '^[[:space:]]*#[[:space:]]*include *<' src/core)

# 2. each library in its own folder.
check_lib() { # regex folder
	local hits
	hits=$(grep -rlE "^[[:space:]]*#[[:space:]]*include *[<\"]($1)" src ui 2>/dev/null | grep -v "^$2/")
	for h in $hits; do problem "$h includes $1, which belongs in $2/ only"; done
}
check_lib 'n?curses|ncursesw/|term\.h|panel\.h|menu\.h|form\.h' ui
check_lib 'sqlite3\.h' src/store
check_lib 'PCSC/|winscard\.h|reader\.h' src/card
check_lib 'openssl/' src/card
check_lib 'libpq-fe\.h|libpq/' src/sync
check_lib 'sodium' src/secure
check_lib 'libfyaml' src/yaml
check_lib 'qrencode\.h|zint\.h|cairo|pango|cups/' src/print

# 3. project headers point one way.
allowed_for() {
	case $1 in
	src/core) echo 'core' ;;
	src/secure) echo 'core|secure' ;;
	src/yaml) echo 'core|yaml' ;;
	src/store) echo 'core|secure|store' ;;
	src/card | src/print | src/sync) echo "core|secure|${1#src/}" ;;
	ui) echo 'core|secure|store|card|print|yaml|ui' ;;
	*) echo '.*' ;;
	esac
}
for dir in src/core src/secure src/yaml src/store src/card src/print src/sync ui; do
	[ -d "$dir" ] || continue
	allow=$(allowed_for "$dir")
	while IFS= read -r line; do
		file=${line%%:*}
		inc=$(sed -E 's/.*#include *"([^"]+)".*/\1/' <<<"${line#*:}")
		top=${inc%%/*}
		[ "$top" = "$inc" ] && continue # a file of the same folder
		[[ $top =~ ^($allow)$ ]] || problem "$file includes \"$inc\": $dir may not depend on $top"
	done < <(grep -rHE '^[[:space:]]*#[[:space:]]*include *"' "$dir")
done

# 4. core links nothing but libc (and libm).
if grep -qE 'target_link_libraries\(mdg_core .*(PkgConfig|sqlite|sodium|fyaml|curses)' src/core/CMakeLists.txt; then
	problem "src/core/CMakeLists.txt links an outside library"
fi

if [ $fail -eq 0 ]; then
	echo "layering: ok ($(find src ui -name '*.[ch]' 2>/dev/null | wc -l) files)"
fi
exit $fail
