#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sync over TCP as a site reaches the data centre: a private PostgreSQL listening on
# 127.0.0.1 with TLS (a test CA and a certificate for "localhost"), password authentication
# (scram) and TLS-only access for the sync user; the connection named by a libpq service file,
# the password in a pgpass file. TLS is verify-full even when the service file asks for less; a
# certificate from another CA, a host name the certificate does not carry, a wrong password and a
# port where nobody listens each give a clear message and a non-zero exit, and nothing is sent.
. "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || fail "openssl is missing (scripts/deps installs it)"
PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
. "$MDG_SOURCE_DIR/tests/pg.sh"
. "$MDG_SOURCE_DIR/tests/sync_lib.sh"
M=$MADOGUCHI
T=$WORK/tls
mkdir -p "$T"
cd "$T"
ca() { # NAME: a CA key and certificate
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$1.key" -out "$1.crt" 2>/dev/null
}
ca city-ca
ca other-ca
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName = DNS:localhost\n' >san.ext
openssl x509 -req -in server.csr -CA city-ca.crt -CAkey city-ca.key -CAcreateserial -days 2 \
	-extfile san.ext -out server.crt 2>/dev/null
[ -s server.crt ] || fail "openssl made no server certificate"
cd - >/dev/null
[ "$(id -u)" -eq 0 ] && chown postgres "$T/server.key"
chmod 600 "$T/server.key"
chmod 755 "$T"

pg_init
# Local connections (the test's own psql) trusted; TCP only with TLS and a password.
printf 'local all all trust\nhostssl all syncer 127.0.0.1/32 scram-sha-256\n' >"$PGD/hba.conf"
[ "$(id -u)" -eq 0 ] && chown postgres "$PGD/hba.conf"
pg_start "-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$T/server.crt -c ssl_key_file=$T/server.key -c hba_file=$PGD/hba.conf"
pq "CREATE ROLE madoguchi_site NOLOGIN; CREATE ROLE syncer LOGIN PASSWORD 'right-pass' IN ROLE madoguchi_site"

down=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORK/pg_service.conf" <<CONF
# sslmode=disable on purpose: madoguchi must use verify-full anyway.
[central]
host=localhost
port=$PG_PORT
dbname=postgres
user=syncer
sslrootcert=$T/city-ca.crt
sslmode=disable

[central-by-ip]
host=127.0.0.1
port=$PG_PORT
dbname=postgres
user=syncer
sslrootcert=$T/city-ca.crt

[central-other-ca]
host=localhost
port=$PG_PORT
dbname=postgres
user=syncer
sslrootcert=$T/other-ca.crt

[central-down]
host=localhost
port=$down
dbname=postgres
user=syncer
sslrootcert=$T/city-ca.crt
CONF
printf 'localhost:%s:postgres:syncer:right-pass\n127.0.0.1:%s:postgres:syncer:right-pass\n' "$PG_PORT" "$PG_PORT" >"$WORK/pgpass"
printf 'localhost:%s:postgres:syncer:wrong-pass\n' "$PG_PORT" >"$WORK/pgpass-wrong"
chmod 600 "$WORK/pgpass" "$WORK/pgpass-wrong"
export PGSERVICEFILE=$WORK/pg_service.conf PGPASSFILE=$WORK/pgpass
unset PGSSLMODE PGHOST PGPORT PGUSER PGDATABASE

A=$WORK/a
sync_site "$A" site-a
sed -i 's/^sync: .*/sync: {central: central, connect_timeout_s: 5}/' "$A/site.yaml"
morning "$A" 9
export MADOGUCHI_CONFIG=$A/site.yaml

# The schema made by its owner (over the Unix socket), then the grants of docs/operators.md for
# the sites' role, word for word.
expect_exit 0 "$M" sync --init-central --central "$CENTRAL"
sed -n '/^GRANT USAGE ON SCHEMA madoguchi/,/^GRANT TEMPORARY/p' "$MDG_SOURCE_DIR/docs/operators.md" >"$WORK/grants.sql"
[ "$(grep -c '^GRANT' "$WORK/grants.sql")" = 4 ] || fail "docs/operators.md lost its grants: $(cat "$WORK/grants.sql")"
sed -i 's/DATABASE madoguchi/DATABASE postgres/' "$WORK/grants.sql"
psql -X -q -v ON_ERROR_STOP=1 "$CENTRAL" -f "$WORK/grants.sql" || fail "the documented grants fail"
# Fine: TLS verified (the server takes nothing else from this user), the password from pgpass,
# and the documented grants are enough.
expect_exit 0 "$M" sync --json
contains "$OUT" '"ok":true'
contains "$OUT" "localhost:$PG_PORT/postgres"
same_rows "$A" site-a
[ "$(pq "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'syncer'")" = 0 ] ||
	fail "the sync left a connection open"

morning "$A" 3 10
before=$(pq "SELECT count(*) FROM madoguchi.ticket_events")
expect_exit 2 "$M" sync --central central-other-ca
contains "$ERR" "TLS with central server central-other-ca failed"
echo "said: $ERR"
expect_exit 2 "$M" sync --central central-by-ip
contains "$ERR" "TLS with central server central-by-ip failed"
echo "said: $ERR"
PGPASSFILE=$WORK/pgpass-wrong expect_exit 2 "$M" sync
contains "$ERR" "refused the credentials"
echo "said: $ERR"
expect_exit 1 "$M" sync --central central-down
contains "$ERR" "cannot be reached"
echo "said: $ERR"
[ "$(pq "SELECT count(*) FROM madoguchi.ticket_events")" = "$before" ] || fail "a failed connection sent rows"
marks_honest "$A" site-a
# And the next good run completes the job.
expect_exit 0 "$M" sync
same_rows "$A" site-a
echo "sync_tls: ok (verify-full over TCP; wrong CA, wrong host name, wrong password, no server refused)"
