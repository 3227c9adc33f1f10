#!/bin/sh
# The official postgres image's contract, for the image make-local-images builds: POSTGRES_USER and
# POSTGRES_PASSWORD make the superuser of a new data folder ($PGDATA), whose first start runs the
# scripts in /docker-entrypoint-initdb.d; then the server runs in the foreground.
set -eu
user="${POSTGRES_USER:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 0700 "$PGDATA"
  printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}" > /tmp/pgpass
  initdb --pgdata="$PGDATA" --username="$user" --pwfile=/tmp/pgpass --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null
  rm -f /tmp/pgpass
  printf "host all all all scram-sha-256\n" >> "$PGDATA/pg_hba.conf"
  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -k /tmp" --wait start >/dev/null
  for script in /docker-entrypoint-initdb.d/*.sh; do
    [ -f "$script" ] && PGHOST=/tmp POSTGRES_USER="$user" sh "$script"
  done
  pg_ctl --pgdata="$PGDATA" --mode=fast --wait stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -k /tmp
