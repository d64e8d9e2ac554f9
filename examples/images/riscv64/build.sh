#!/usr/bin/env bash
# Builds wvm's default riscv64 guest from Debian bookworm packages only:
#   Image              Linux (linux-source-6.1), tinyconfig + kernel.config
#   busybox            static riscv64 busybox (Debian source package)
#   initramfs.cpio.gz  busybox + /init + /etc/profile + udhcpc's default.script
#                      (initramfs.cpio: the same, uncompressed: the kernel then
#                      skips ~35M instructions of gunzip)
#   disk.ext2          16 MiB ext2 filesystem with the files of disk/
# Outputs are cached in ${WVM_CACHE:-$HOME/.cache/wvm}/images/riscv64-<hash>/,
# <hash> covering this recipe's files; a re-run with nothing changed is
# instant. Progress goes to stderr; the LAST stdout line is the output
# directory, so other scripts can do: dir=$(build.sh | tail -1)
# Needs root (or sudo) only to install missing Debian packages and, once,
# to add a deb-src entry for `apt-get source busybox` (scripts/deb-src.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
recipe_files=(build.sh kernel.config busybox.config init profile fstab udhcpc.script disk/README)
hash=$(cd "$here" && sha256sum "${recipe_files[@]}" | sha256sum | cut -c1-12)
cache=${WVM_CACHE:-${HOME:?set HOME or WVM_CACHE}/.cache/wvm}
out=$cache/images/riscv64-$hash

if [[ -f $out/.complete ]]; then
	echo "$out"
	exit 0
fi

start=$SECONDS
log() { printf '[riscv64 image %4ds] %s\n' $((SECONDS - start)) "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# as_root, deb_src_run and the Debian source packages (deb_src_version, deb_src_unpack).
. "$here/../../../scripts/deb-src.sh"
deb_src_log() { log "$@"; }
# run LOGFILE CMD...: output to LOGFILE, its tail printed on failure.
run() { deb_src_run "$@" || exit 1; }

mkdir -p "$cache/images" "$cache/src"
# One build at a time (they share $cache/src and both use every core).
exec 9>"$cache/images/.riscv64.lock"
flock 9
if [[ -f $out/.complete ]]; then
	echo "$out"
	exit 0
fi
mkdir -p "$out"
log "building into $out"

# --- Debian packages -------------------------------------------------------
pkgs=(linux-source-6.1 build-essential bc bison flex xz-utils e2fsprogs
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross dpkg-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	log "apt: installing ${missing[*]}"
	run "$out/apt.log" as_root apt-get update
	run "$out/apt.log" as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- Linux source (shared between recipe versions, keyed by package version)
kver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
ksrc=$cache/src/linux-source-6.1_$kver
if [[ ! -f $ksrc/.extracted ]]; then
	log "linux: extracting /usr/src/linux-source-6.1.tar.xz ($kver)"
	rm -rf "$ksrc" "$ksrc.tmp"
	mkdir -p "$ksrc.tmp"
	tar -C "$ksrc.tmp" -xf /usr/src/linux-source-6.1.tar.xz
	mv "$ksrc.tmp/linux-source-6.1" "$ksrc"
	rmdir "$ksrc.tmp"
	touch "$ksrc/.extracted"
fi

# check_config WANTED ACTUAL: every `CONFIG_X=v` / `# CONFIG_X is not set` of
# WANTED must hold in ACTUAL (a symbol absent from ACTUAL counts as unset).
check_config() {
	local line sym bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)= ]]; then
			grep -qxF -- "$line" "$2" && continue
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			grep -q "^${BASH_REMATCH[1]}=" "$2" || continue
		else
			continue
		fi
		sym=${BASH_REMATCH[1]}
		log "config: wanted '$line', got '$(grep -E "^$sym=|^# $sym is not set" "$2" || echo absent)'"
		bad=1
	done <"$1"
	return $bad
}

# Fixed build timestamps (the source's own date), so that the outputs are
# byte-for-byte reproducible: handy for comparing boot traces across machines.
epoch=$(stat -c %Y "$ksrc/Makefile")
export SOURCE_DATE_EPOCH=$epoch

# --- kernel ------------------------------------------------------------------
kmake=(make -C "$ksrc" O="$out/build/linux" ARCH=riscv
	CROSS_COMPILE=riscv64-linux-gnu- KBUILD_BUILD_USER=wvm KBUILD_BUILD_HOST=wvm
	KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$epoch" '+%a %b %e %H:%M:%S UTC %Y')")
if [[ ! -f $out/Image ]]; then
	log "linux: configuring (tinyconfig + kernel.config)"
	rm -rf "$out/build/linux" "$out/linux-build.log"
	mkdir -p "$out/build/linux"
	run "$out/linux-build.log" "${kmake[@]}" tinyconfig
	run "$out/linux-build.log" env ARCH=riscv \
		"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out/build/linux" \
		"$out/build/linux/.config" "$here/kernel.config"
	run "$out/linux-build.log" "${kmake[@]}" olddefconfig
	check_config "$here/kernel.config" "$out/build/linux/.config" ||
		die "kernel.config does not apply cleanly to linux $kver"
	log "linux: make -j$(nproc) Image (log: $out/linux-build.log)"
	run "$out/linux-build.log" "${kmake[@]}" -j"$(nproc)" Image
	cp "$out/build/linux/.config" "$out/linux.config"
	cp "$out/build/linux/System.map" "$out/System.map"
	cp "$out/build/linux/arch/riscv/boot/Image" "$out/Image.tmp"
	mv "$out/Image.tmp" "$out/Image"
	log "linux: Image is $(stat -c %s "$out/Image") bytes"
fi

# --- busybox -----------------------------------------------------------------
if [[ ! -f $out/busybox ]]; then
	bver=$(deb_src_version busybox "$out/apt.log") || die "no busybox source package"
	echo "busybox_${bver#*:}.dsc" >"$out/busybox.source" # (no epoch in file names)
	bsrc=$cache/src/busybox_${bver#*:}
	deb_src_unpack busybox "$bver" "$bsrc" "$out/busybox-build.log" || die "cannot fetch busybox $bver"
	log "busybox: configuring (defconfig + busybox.config)"
	# In-tree build of a copy: busybox's out-of-tree (O=) build is broken
	# (scripts/kconfig/zconf.tab.c cannot find lkc.h).
	rm -rf "$out/build/busybox"
	mkdir -p "$out/build"
	cp -a "$bsrc" "$out/build/busybox"
	bmake=(make -C "$out/build/busybox" CROSS_COMPILE=riscv64-linux-gnu-)
	run "$out/busybox-build.log" "${bmake[@]}" defconfig
	bconf=$out/build/busybox/.config
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)= ]] ||
			[[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			grep -vE "^$sym=|^# $sym is not set$" "$bconf" >"$bconf.new" || true
			printf '%s\n' "$line" >>"$bconf.new"
			mv "$bconf.new" "$bconf"
		fi
	done <"$here/busybox.config"
	run "$out/busybox-build.log" sh -c 'yes "" | "$@"' sh \
		"${bmake[@]}" oldconfig
	check_config "$here/busybox.config" "$bconf" ||
		die "busybox.config does not apply cleanly to busybox $bver"
	log "busybox: make -j$(nproc) (log: $out/busybox-build.log)"
	run "$out/busybox-build.log" "${bmake[@]}" -j"$(nproc)" busybox
	cp "$bconf" "$out/busybox.config"
	# busybox.links: one absolute path per applet, e.g. /usr/bin/awk
	run "$out/busybox-build.log" "${bmake[@]}" busybox.links
	cp "$out/build/busybox/busybox.links" "$out/busybox.links"
	riscv64-linux-gnu-strip -o "$out/busybox.tmp" "$out/build/busybox/busybox_unstripped"
	mv "$out/busybox.tmp" "$out/busybox"
	log "busybox: $(stat -c %s "$out/busybox") bytes, $(wc -l <"$out/busybox.links") applets"
fi

# --- initramfs -----------------------------------------------------------------
if [[ ! -f $out/initramfs.cpio.gz || ! -f $out/initramfs.cpio ]]; then
	log "initramfs: gen_init_cpio | gzip"
	tmp=$out/build/initramfs
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cc -O2 -o "$tmp/gen_init_cpio" "$ksrc/usr/gen_init_cpio.c"
	# gen_init_cpio stores the files' own mtimes: stage copies dated $epoch.
	cp "$out/busybox" "$here/init" "$here/profile" "$here/fstab" "$here/udhcpc.script" "$tmp/"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tmp/passwd"
	printf 'root:x:0:\n' >"$tmp/group"
	printf '127.0.0.1\tlocalhost\n' >"$tmp/hosts"
	touch -d "@$epoch" "$tmp"/{busybox,init,profile,fstab,udhcpc.script,passwd,group,hosts}
	{
		# busybox first, right after /bin: its data then starts at offset
		# 240, 8-byte aligned like the page cache, so the kernel copies it
		# with word loads instead of riscv memcpy's byte loop (which costs
		# ~1.7M instructions of boot, 10% of it with initramfs.cpio).
		echo "dir /bin 0755 0 0"
		echo "file /bin/busybox $tmp/busybox 0755 0 0"
		for d in /sbin /usr /usr/bin /usr/sbin /usr/share /usr/share/udhcpc /dev /etc /proc /sys /mnt; do
			echo "dir $d 0755 0 0"
		done
		echo "dir /root 0700 0 0"
		echo "dir /tmp 1777 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "file /init $tmp/init 0755 0 0"
		echo "file /etc/profile $tmp/profile 0644 0 0"
		echo "file /etc/fstab $tmp/fstab 0644 0 0"
		echo "file /etc/passwd $tmp/passwd 0644 0 0"
		echo "file /etc/group $tmp/group 0644 0 0"
		echo "file /etc/hosts $tmp/hosts 0644 0 0"
		# udhcpc's default -s script (/init runs udhcpc when eth0 exists).
		echo "file /usr/share/udhcpc/default.script $tmp/udhcpc.script 0755 0 0"
		# The other applet links are made by /init (busybox --install -s).
		echo "slink /bin/sh busybox 0777 0 0"
		echo "slink /usr/bin/env /bin/busybox 0777 0 0"
	} >"$tmp/list"
	"$tmp/gen_init_cpio" -t "$epoch" "$tmp/list" >"$out/initramfs.cpio.tmp"
	[[ $(od -An -tx1 -j240 -N4 "$out/initramfs.cpio.tmp") == " 7f 45 4c 46" ]] ||
		die "busybox is not at offset 240 of initramfs.cpio"
	gzip -9 -n <"$out/initramfs.cpio.tmp" >"$out/initramfs.cpio.gz.tmp"
	mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
	mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
fi

# --- disk --------------------------------------------------------------------
if [[ ! -f $out/disk.ext2 ]]; then
	log "disk: mke2fs -t ext2 (16 MiB)"
	rm -rf "$out/disk.ext2.tmp" "$out/build/disk"
	mkdir -p "$out/build"
	cp -r "$here/disk" "$out/build/disk"
	find "$out/build/disk" -exec touch -h -d "@$epoch" {} +
	uuid=5776d000-0000-4000-8000-000000000001
	run "$out/mke2fs.log" env E2FSPROGS_FAKE_TIME="$epoch" \
		mke2fs -q -F -t ext2 -L wvm -U "$uuid" -E "root_owner=0:0,hash_seed=$uuid" \
		-d "$out/build/disk" "$out/disk.ext2.tmp" 16M
	# mke2fs -d copies ctimes too, and those cannot be set on the host.
	(cd "$out/build/disk" && find . -mindepth 1 | sed "s|^\.\(.*\)|sif \1 ctime @$epoch|") >"$out/build/ctimes"
	run "$out/mke2fs.log" env E2FSPROGS_FAKE_TIME="$epoch" \
		debugfs -w -f "$out/build/ctimes" "$out/disk.ext2.tmp"
	mv "$out/disk.ext2.tmp" "$out/disk.ext2"
fi

{
	echo "recipe-hash: $hash"
	echo "linux-source-6.1: $kver"
	echo "busybox: $(cat "$out/busybox.source" 2>/dev/null || true)"
	echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$out/manifest.txt"
rm -rf "$out/build"
touch "$out/.complete"
log "done: $(du -sh "$out" | cut -f1) in $out"
echo "$out"
