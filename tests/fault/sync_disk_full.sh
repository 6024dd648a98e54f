#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A full disk on the central server: the events table lives in a tablespace on a 1 MB tmpfs, the
# site has 30,000 events. The sync stops with a clear message and exit 1, the central mark
# covers only what was committed, the site notes nothing more; with room made, the next run
# completes the job row for row. Needs root for mount; skipped (exit 77) where it is not allowed.
. "$(dirname "$0")/../lib.sh"
. "$MDG_SOURCE_DIR/tests/pg.sh"
. "$MDG_SOURCE_DIR/tests/sync_lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: a tmpfs for the tablespace needs root"; exit 77; }
TS=$WORK/ts
mkdir -p "$TS"
if ! mount -t tmpfs -o size=1m,mode=0755 tmpfs "$TS" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs here"
	exit 77
fi
mdg_cleanup() { pg_stop; umount -l "$TS" 2>/dev/null || true; }
M=$MADOGUCHI
pg_start
mkdir "$TS/pg"
chown postgres "$TS/pg"
A=$WORK/a
sync_site "$A" site-a 2000
morning "$A" 9
# 30,000 events of ticket 1 (a fixture written with SQL; the store's checks are not the point).
sqlite3 "$A/site.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
	INSERT INTO ticket_events(ticket_id, bizdate, at_ms, type, service, counter, staff, detail)
	SELECT 1, '2027-03-15', 1805072400000 + i, 'recalled', 'A', 1, 's01', 'fixture row ' || i FROM n"
export MADOGUCHI_CONFIG=$A/site.yaml
"$M" sync --init-central >/dev/null
pq "CREATE TABLESPACE small LOCATION '$TS/pg'"
pq "ALTER TABLE madoguchi.ticket_events SET TABLESPACE small"
pq "ALTER INDEX madoguchi.ticket_events_pkey SET TABLESPACE small"

expect_exit 1 "$M" sync
contains "$ERR" "out of space"
contains "$ERR" "nothing of this batch is committed"
full_msg=$ERR
marks_honest "$A" site-a
n=$(pq "SELECT count(*) FROM madoguchi.ticket_events")
[ "$n" -lt 30000 ] || fail "all events fitted in 1 MB: the disk never filled"
# Tickets went before the events and are complete.
[ "$(pq "SELECT count(*) FROM madoguchi.tickets")" = "$(sqlite3 "$A/site.db" "SELECT count(*) FROM tickets")" ] ||
	fail "the tickets, pushed before the disk filled, are incomplete"

mount -o remount,size=64m "$TS"
expect_exit 0 "$M" sync --json
same_rows "$A" site-a
echo "central disk full said: $full_msg"
echo "sync_disk_full: ok ($n events fitted before the disk filled; the rest after room was made)"
