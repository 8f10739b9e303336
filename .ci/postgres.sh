#!/usr/bin/env bash
# Install (Debian) and start a PostgreSQL server on 127.0.0.1 for the registry tests; prints
# the SQLAlchemy URL. Used by .ci/run; safe to run again.
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
# PostGIS, so the registry tests also cover the generated geom columns
if [ ! -f "/usr/share/postgresql/$VERSION/extension/postgis.control" ]; then
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-$VERSION-postgis-3" >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$VERSION main"; then
  $SUDO pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  $SUDO pg_ctlcluster "$VERSION" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')
DB=postgres
psql_as_postgres() { $SUDO -u postgres psql -p "$PORT" -d "$DB" -v ON_ERROR_STOP=1 -qtAc "$1"; }
if [ "$(id -u)" -eq 0 ]; then
  psql_as_postgres() { su postgres -c "psql -p $PORT -d $DB -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
fi
psql_as_postgres "select 1 from pg_roles where rolname='wijkradar'" | grep -q 1 \
  || psql_as_postgres "create role wijkradar login password 'wijkradar'"
psql_as_postgres "select 1 from pg_database where datname='wijkradar_test'" | grep -q 1 \
  || psql_as_postgres "create database wijkradar_test owner wijkradar"
DB=wijkradar_test psql_as_postgres "create extension if not exists postgis" >&2
echo "postgresql+psycopg://wijkradar:wijkradar@127.0.0.1:$PORT/wijkradar_test"
