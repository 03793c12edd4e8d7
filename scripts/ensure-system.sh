#!/usr/bin/env bash
# Install the Debian packages the tests and the pack builder need, when they are missing, and
# make sure the PostgreSQL and Redis the server tests use are running.
# Idempotent: a machine that has them all does nothing and needs no network.
#
#   --dry-run   print each step it would take (prefixed "would run:") and change nothing.
#
# PostgreSQL: when `pg_isready` is missing, `postgresql` is installed and, on the cluster
# this script created, the `test` database is made with trust auth for 127.0.0.1 (what
# tests/conftest.py connects to). An existing cluster's auth is never changed.
set -euo pipefail

dry_run=0
[ "${1:-}" = "--dry-run" ] && dry_run=1

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

run() {
  if [ "$dry_run" -eq 1 ]; then
    echo "would run: $*"
  else
    "$@"
  fi
}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -qi cjk \
  || need+=(fonts-noto-cjk)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
# Playwright's own node (it drives Chromium for the browser tests) links libatomic, which a
# minimal Debian 12 lacks.
PATH="$PATH:/usr/sbin:/sbin" ldconfig -p 2>/dev/null | grep -q 'libatomic\.so\.1' || need+=(libatomic1)
# `python3 -m venv` needs ensurepip, which Debian ships apart in python3-venv. Node comes
# from scripts/ensure-node.sh: Debian 12's own is too old for the PWA build.
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
# The server tests run on PostgreSQL and use Redis for rate limits.
installed_pg=0
if ! command -v pg_isready >/dev/null 2>&1; then
  need+=(postgresql)
  installed_pg=1
fi
command -v redis-cli >/dev/null 2>&1 || need+=(redis-server)
# The two-node test (tests/server/test_two_nodes.py) puts Debian's nginx in front of two
# app nodes; it runs it as the current user with its own configuration, never the service.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  run $sudo apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${need[@]}"
fi

# PostgreSQL: start the machine's cluster if it is stopped.
cluster() {
  ls /etc/postgresql 2>/dev/null | head -n1
}
if [ "$installed_pg" -eq 1 ] || ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version="$(cluster)"
  [ -n "$version" ] || version="15"
  run $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi

# Only on the cluster this script installed: trust for 127.0.0.1 and the `test` database.
if [ "$installed_pg" -eq 1 ]; then
  version="$(cluster)"
  [ -n "$version" ] || version="15"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  line="host all all 127.0.0.1/32 trust"
  if [ "$dry_run" -eq 1 ] || ! grep -qx "$line" "$hba"; then
    run $sudo sed -i "1i $line" "$hba"
    run $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
  if [ "$dry_run" -eq 1 ] \
    || ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='test'" \
      | grep -q 1; then
    run psql -h 127.0.0.1 -U postgres -c "create database test"
  fi
fi

# Redis: start a server on 127.0.0.1:6379 if none answers.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  run $sudo redis-server --bind 127.0.0.1 --port 6379 --daemonize yes
fi
