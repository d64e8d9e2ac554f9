#!/usr/bin/env bash
# Build wvm: native CLI (build/native), wasm module (build/wasm) and guest test
# programs (build/guest); with --test also the ASan+UBSan native build
# (build/asan). Incremental: re-running after no change takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs  # emcc needs acorn from Debian's node modules
# Under `npm test`, npm puts node_modules/.bin first on PATH, and the binaryen
# npm package (the JIT's) has its own wasm-opt and wasm-metadce there: emcc
# then mixes them with Debian's binaryen and links a wvm.mjs whose imports do
# not match wvm.wasm. emcc gets the system's tools only.
PATH=$(tr ':' '\n' <<<"$PATH" | grep -v '/node_modules/\.bin$' | paste -sd: -)
export PATH

# lwIP's source tree (fetched into ~/.cache/wvm/src once): every configuration
# is (re)configured with it when new or when it moved.
lwip=$(bash scripts/lwip.sh | tail -n 1)
configure() { # dir, cmake command...
  local dir=$1; shift
  grep -qxF "WVM_LWIP_DIR:PATH=$lwip" "$dir/CMakeCache.txt" 2>/dev/null && return
  "$@" -DWVM_LWIP_DIR="$lwip" >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; exit 1; }
}
mkdir -p build
configure build/native cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release
cmake --build build/native -j"$(nproc)"
configure build/wasm emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release
cmake --build build/wasm -j"$(nproc)"
if [ "${1:-}" = --test ]; then
  configure build/asan cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DWVM_SANITIZE=ON
  cmake --build build/asan -j"$(nproc)"
fi
make -s -C tests/guest OUT="$PWD/build/guest"
make -s -C tests/guest/arm64 OUT="$PWD/build/guest/arm64" all linux
