#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A full disk and a read-only file system under the store (a small tmpfs): a clear error and
# exit 1, no half-written ticket, the number not consumed, and the store intact afterwards.
# Needs root for mount; skipped (exit 77) where mounting is not allowed.
. "$(dirname "$0")/../lib.sh"
MNT=$WORK/mnt
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=512k tmpfs "$MNT" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs here (needs root)"
	exit 77
fi
mdg_cleanup() { umount -l "$MNT" 2>/dev/null || true; }
make_site "$MNT"
M=$MADOGUCHI
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
"$M" db init >/dev/null
# Fill the disk, leaving the store room for only a few more pages.
dd if=/dev/zero of="$MNT/filler" bs=4k count=1000 2>/dev/null || true
n=0
while "$M" ticket issue --service A --json >"$WORK/out" 2>"$WORK/err"; do
	n=$((n + 1))
	[ $n -lt 5000 ] || fail "the disk never filled"
done
rc=0
"$M" ticket issue --service A >/dev/null 2>"$WORK/err" || rc=$?
[ $rc -eq 1 ] || fail "full disk: exit $rc, want 1: $(cat "$WORK/err")"
grep -q "disk full" "$WORK/err" || fail "full disk: unclear message: $(cat "$WORK/err")"
# Free space: the next ticket takes the very next number.
rm -f "$MNT/filler"
"$M" ticket issue --service A --json >"$WORK/out" || fail "issue after freeing space"
OUT=$(cat "$WORK/out")
want=$(printf 'A-%03d' $((n + 1)))
[ "$(json 'j["ticket"]["number"]')" = "$want" ] || fail "after the full disk got $(json 'j["ticket"]["number"]'), want $want"
"$M" db check >/dev/null || fail "db check after the full disk"
# A read-only file system.
mount -o remount,ro "$MNT"
rc=0
"$M" ticket issue --service A >/dev/null 2>"$WORK/err" || rc=$?
[ $rc -eq 1 ] || fail "read-only: exit $rc, want 1: $(cat "$WORK/err")"
grep -qiE "read-only|readonly" "$WORK/err" || fail "read-only: unclear message: $(cat "$WORK/err")"
mount -o remount,rw "$MNT"
"$M" ticket issue --service A --json >"$WORK/out" || fail "issue after remounting rw"
OUT=$(cat "$WORK/out")
want=$(printf 'A-%03d' $((n + 2)))
[ "$(json 'j["ticket"]["number"]')" = "$want" ] || fail "after read-only got $(json 'j["ticket"]["number"]'), want $want"
echo "disk_full: full after $n tickets; exit 1 'disk full'; read-only exit 1; no number consumed"
