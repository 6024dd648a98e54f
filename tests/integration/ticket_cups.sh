#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cups: sink against a real CUPS: a private cupsd on a Unix socket with a raw queue that
# forwards to a loopback listener must deliver the very bytes a file sink gets; a stopped queue
# is a clear error, not a hang. Skipped (exit 77) only where cupsd cannot run (not root).
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: a private cupsd needs root here"; exit 77; }
command -v cupsd >/dev/null || PATH=$PATH:/usr/sbin
command -v cupsd >/dev/null || fail "cupsd is missing (scripts/deps installs cups)"
M=$MADOGUCHI
C=$WORK/cups
mkdir -p "$C"/{spool,cache,state,log,tmp}
chmod 755 "$WORK" "$C"
cat >"$C/cupsd.conf" <<CONF
Listen $C/cups.sock
LogLevel warn
WebInterface No
Browsing No
<Location />
  Order allow,deny
  Allow all
</Location>
CONF
cat >"$C/cups-files.conf" <<CONF
ServerRoot $C
RequestRoot $C/spool
CacheDir $C/cache
StateDir $C/state
TempDir $C/tmp
ErrorLog $C/log/error_log
AccessLog $C/log/access_log
PageLog $C/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
User lp
Group lp
SystemGroup root lpadmin
CONF
cupsd -f -c "$C/cupsd.conf" -s "$C/cups-files.conf" >"$C/out.log" 2>&1 &
cupsd_pid=$!
python3 "$MDG_SOURCE_DIR/tests/tools/listen_once.py" "$WORK/got.bin" "$WORK/port" &
listener=$!
mdg_cleanup() {
	kill "$cupsd_pid" "$listener" 2>/dev/null || true
	wait "$cupsd_pid" 2>/dev/null || true # cupsd writes its cache while it stops
}
export CUPS_SERVER=$C/cups.sock
for _ in $(seq 50); do [ -S "$C/cups.sock" ] && [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -S "$C/cups.sock" ] || { cat "$C/out.log"; fail "cupsd did not start"; }
lpadmin -p ticket -E -v "socket://127.0.0.1:$(cat "$WORK/port")" -m raw 2>/dev/null || fail "lpadmin"

make_site
export MADOGUCHI_NOW=2026-11-25T09:00:00+09:00
"$M" db init >/dev/null
"$M" keys init >/dev/null
"$M" ticket issue --service A >/dev/null
expect_exit 0 "$M" ticket print A-001 --to cups:ticket
contains "$OUT" "Printed A-001 on cups:ticket"
for _ in $(seq 100); do [ -s "$WORK/got.bin" ] && break; sleep 0.1; done
expect_exit 0 "$M" ticket print A-001 --to "file:$WORK/file.bin"
cmp "$WORK/got.bin" "$WORK/file.bin" || fail "CUPS delivered other bytes than the file sink got"

cupsdisable ticket
start=$(date +%s)
expect_exit 1 "$M" ticket print A-001 --to cups:ticket
contains "$ERR" "the queue is stopped"
expect_exit 1 "$M" ticket print A-001 --to cups:nosuchqueue
contains "$ERR" "no such queue"
[ $(( $(date +%s) - start )) -le 8 ] || fail "CUPS errors took more than 8 s"
echo "ticket_cups: ok ($(stat -c %s "$WORK/got.bin") bytes through CUPS, identical)"
