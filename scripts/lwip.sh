#!/usr/bin/env bash
# lwIP 2.1, the TCP/IP stack under wvm's user-mode networking (src/net/usernet.c),
# from Debian's `lwip` source package: fetched once per Debian version and unpacked
# into ${WVM_CACHE:-$HOME/.cache/wvm}/src/lwip_<version>/. Unpacked without
# Debian's patches (dpkg-source --skip-patches), so the tree is upstream lwIP under
# its BSD-3-Clause licence; the patches (GPL-2+) touch only the sockets, tcpip
# thread and PPP code, which wvm does not build. Nothing of lwIP is in git.
# Progress goes to stderr; the LAST stdout line is the tree, for
# cmake -DWVM_LWIP_DIR=... (scripts/build.sh does this). A re-run takes ~0.1 s.
# Needs the network the first time, and root (or sudo) only if apt has no
# deb-src entry yet (scripts/deb-src.sh adds one).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/deb-src.sh"
deb_src_log() { printf '[lwip] %s\n' "$*" >&2; }
die() { deb_src_log "ERROR: $*"; exit 1; }
cache=${WVM_CACHE:-${HOME:?set HOME or WVM_CACHE}/.cache/wvm}
mkdir -p "$cache/src"
logf=$cache/src/lwip.log

ver=$(deb_src_version lwip "$logf") || die "no lwip source package (log: $logf)"
upstream=${ver#*:}
upstream=${upstream%%[+-]*}
[[ $upstream == 2.1.* ]] || die "Debian's lwip is $ver; wvm's port (src/net/lwip-port) is for lwIP 2.1.x"
tree=$cache/src/lwip_${ver#*:} # (no epoch in file names)
if [[ ! -f $tree/.extracted ]]; then
	# One fetch at a time (parallel builds share the cache).
	exec 9>"$cache/src/.lwip.lock"
	flock 9
	deb_src_unpack lwip "$ver" "$tree" "$logf" --skip-patches || die "cannot fetch lwip $ver (log: $logf)"
	exec 9>&-
fi
init_h=$tree/src/include/lwip/init.h
grep -qE '^#define LWIP_VERSION_MAJOR[[:space:]]+2[[:space:]]*$' "$init_h" && grep -qE '^#define LWIP_VERSION_MINOR[[:space:]]+1[[:space:]]*$' "$init_h" ||
	die "$init_h is not lwIP 2.1"
echo "$tree"
