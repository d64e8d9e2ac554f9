#!/usr/bin/env bash
# Install what building and testing wvm needs, idempotently: Debian packages
# (only those missing, after one `apt-get update`) and the npm packages of
# package-lock.json (only when node_modules is out of date).
# Usage: scripts/bootstrap.sh [extra-debian-package...]
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js 20 or later (node --test, fetch, the wasm loader); Debian bookworm's own is 18.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: wvm needs Node.js 20 or later; found $(node --version 2>/dev/null || echo none)." >&2
  echo "bootstrap: install a current Node.js (https://nodejs.org, or your distribution's nodejs 20+) and run this again." >&2
  exit 1
fi

packages=(build-essential cmake emscripten gcc-riscv64-linux-gnu libc6-dev-riscv64-cross gcc-aarch64-linux-gnu
          device-tree-compiler opensbi chromium zlib1g-dev gdb-multiarch qemu-user "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f node_modules/.wvm-lock ] || ! cmp -s package-lock.json node_modules/.wvm-lock; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund
  mkdir -p node_modules
  cp package-lock.json node_modules/.wvm-lock
fi
