# SPDX-License-Identifier: MIT
# A throwaway PostgreSQL 15 for the sync tests: initdb + pg_ctl on a Unix socket in a private
# folder under $WORK (no TCP unless pg_start is given a port), run as the postgres user when the
# test runs as root (initdb refuses root). Source after lib.sh. Sets CENTRAL (a conninfo for
# madoguchi and psql) and stops the server on every exit path through mdg_cleanup. PG_PORT
# (default 5432) names the socket, and the TCP port when a test listens on TCP.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] || fail "$PG_BIN/initdb is missing (scripts/deps installs postgresql)"
command -v psql >/dev/null || fail "psql is missing (scripts/deps installs postgresql)"
PGD=$WORK/pg
PG_PORT=${PG_PORT:-5432}
CENTRAL="host=$PGD port=$PG_PORT user=postgres dbname=postgres"
PG_AS=()
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || fail "no postgres user (the postgresql package creates it)"
	PG_AS=(runuser -u postgres --)
	chmod 755 "$WORK"
fi
mkdir -p "$PGD"
[ "$(id -u)" -eq 0 ] && chown postgres "$PGD"

pg_stop() {
	[ -f "$PGD/data/postmaster.pid" ] || return 0
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGD/data" -m immediate -w stop >/dev/null 2>&1 || true
}
mdg_cleanup() { pg_stop; }

# pg_init: creates the cluster (trust for local connections) unless it exists.
pg_init() {
	[ -f "$PGD/data/PG_VERSION" ] && return 0
	"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PGD/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 >"$PGD/initdb.log" 2>&1 || { cat "$PGD/initdb.log"; fail "initdb"; }
}

# pg_start [EXTRA_OPTIONS]: creates the cluster the first time, then starts it (again).
pg_start() {
	pg_init
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -t 30 \
		-o "-k $PGD -c listen_addresses= -p $PG_PORT -c fsync=off ${1:-}" start >/dev/null ||
		{ tail -20 "$PGD/log"; fail "the test's PostgreSQL did not start"; }
}

pg_restart() {
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -m fast -w -t 30 restart >/dev/null ||
		{ tail -20 "$PGD/log"; fail "the test's PostgreSQL did not restart"; }
}

# pq SQL: runs SQL on the central server, unaligned, tuples only, stops on error.
pq() {
	psql -X -q -At -v ON_ERROR_STOP=1 "$CENTRAL" -c "$1"
}
