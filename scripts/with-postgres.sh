#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL: initdb in a temporary
# directory, a free port on 127.0.0.1, CONNECT_TELEMETRY_TEST_PG_URL pointing
# at it, and everything stopped and removed afterwards, whether the command
# passes, fails or is interrupted (Ctrl-C). Needs PostgreSQL's server binaries
# (initdb, pg_ctl), found on PATH or under /usr/lib/postgresql/*/bin; as root,
# the server runs as the `postgres` user, since PostgreSQL refuses to run as root.
#
#   bash scripts/with-postgres.sh node --test test/collector/storage/storage.test.ts
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args…]" >&2
  exit 2
fi

pg_bin=""
if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
  pg_bin=$(dirname "$(command -v pg_ctl)")
else
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/pg_ctl" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; install them (Debian: apt-get install postgresql)" >&2
  exit 2
fi

run_as_server_user() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "with-postgres: running as root, but there is no 'postgres' user to run the server as (PostgreSQL refuses root)" >&2
  exit 2
fi

pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/connect-telemetry-pg.XXXXXX")
started=""
cleanup() {
  if [ -n "$started" ]; then
    run_as_server_user "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate -w stop >/dev/null 2>&1" || true
  fi
  rm -rf "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [ "$(id -u)" = 0 ]; then chown postgres "$pg_dir"; fi
chmod 700 "$pg_dir"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

if ! run_as_server_user "'$pg_bin/initdb' -D '$pg_dir/data' -U postgres --auth=trust -E UTF8 >'$pg_dir/initdb.log' 2>&1"; then
  echo "with-postgres: initdb failed:" >&2
  cat "$pg_dir/initdb.log" >&2
  exit 1
fi
started=yes
# The socket goes in the temporary directory too, so nothing is left in /tmp or /var/run.
if ! run_as_server_user "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/server.log' -w -o \"-p $port -k '$pg_dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"; then
  echo "with-postgres: the server did not start:" >&2
  cat "$pg_dir/server.log" >&2
  exit 1
fi

export CONNECT_TELEMETRY_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$pg_bin/pg_ctl" --version | awk '{print $3}') at $CONNECT_TELEMETRY_TEST_PG_URL (data in $pg_dir)"
# The command runs in the background so that a signal to this script is
# handled at once (bash runs a trap only once a foreground command ends): it
# is passed on as SIGTERM (a background command ignores SIGINT), the command
# is waited for, then the server is stopped and its directory removed.
"$@" &
command_pid=$!
forward() {
  kill -TERM "$command_pid" 2>/dev/null || true
  wait "$command_pid" 2>/dev/null || true
  exit "$1"
}
trap 'forward 130' INT
trap 'forward 143' TERM HUP
status=0
wait "$command_pid" || status=$?
exit "$status"
