# shellcheck shell=bash
# The steps wvm's guest image recipes share (examples/images/<arch>/build.sh):
# the cache and its locks, Debian packages and sources, the kernel, busybox,
# the initramfs and the disk. A recipe sets `here` (its directory), sources
# this file and calls, in order:
#   image_begin NAME FILE...   FILEs (relative to $here) make the recipe hash;
#                              sets $out, or prints it and exits when complete
#   image_sources PKG...       installs Debian packages, unpacks linux-source-6.1
#                              and busybox's source; sets $ksrc $kver $epoch
#   image_kernel KARCH CROSS IMAGE   $out/Image from tinyconfig + $here/kernel.config
#   image_busybox CROSS        $out/busybox, static, defconfig + common/busybox.config
#   image_initramfs CPIO [LIST]      busybox, /init, /etc (+ gen_init_cpio LIST lines)
#   image_disk                 $out/disk.ext2 (16 MiB ext2 of common/disk/)
#   image_end [LINE...]        manifest.txt (+ LINEs), .complete; prints $out
# Progress goes to stderr; the LAST stdout line is the output directory.

: "${here:?a recipe sets here (its directory) before sourcing this file}"
common=$(cd "$(dirname "${BASH_SOURCE[0]}")/../examples/images/common" && pwd)
# as_root, deb_src_run and the Debian source packages (deb_src_version, deb_src_unpack).
# shellcheck source=deb-src.sh
. "$(dirname "${BASH_SOURCE[0]}")/deb-src.sh"

image_start=$SECONDS
log() { printf '[%s image %4ds] %s\n' "$image_name" $((SECONDS - image_start)) "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
deb_src_log() { log "$@"; }
# run LOGFILE CMD...: output to LOGFILE, its tail printed on failure.
run() { deb_src_run "$@" || exit 1; }

image_begin() {
	image_name=$1
	shift
	hash=$(cd "$here" && sha256sum "$@" | sha256sum | cut -c1-12)
	cache=${WVM_CACHE:-${HOME:?set HOME or WVM_CACHE}/.cache/wvm}
	out=$cache/images/$image_name-$hash
	if [[ -f $out/.complete ]]; then
		echo "$out"
		exit 0
	fi
	mkdir -p "$cache/images" "$cache/src"
	# One build of this recipe at a time (both use every core); the
	# sources in $cache/src, shared by all recipes, have their own lock.
	exec 9>"$cache/images/.$image_name.lock"
	flock 9
	if [[ -f $out/.complete ]]; then
		echo "$out"
		exit 0
	fi
	mkdir -p "$out"
	log "building into $out"
}

image_sources() {
	# apt and the unpacking of shared sources: one recipe at a time.
	exec 8>"$cache/src/.lock"
	flock 8
	local p missing=()
	for p in linux-source-6.1 build-essential bc bison flex xz-utils e2fsprogs dpkg-dev "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
			missing+=("$p")
	done
	if ((${#missing[@]})); then
		log "apt: installing ${missing[*]}"
		run "$out/apt.log" as_root apt-get update
		run "$out/apt.log" as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}"
	fi

	# Linux source, shared between recipes and their versions, keyed by the
	# package version. Builds are out of tree (O=) and never write to it.
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
	if [[ ! -f $out/busybox ]]; then
		bver=$(deb_src_version busybox "$out/apt.log") || die "no busybox source package"
		echo "busybox_${bver#*:}.dsc" >"$out/busybox.source" # (no epoch in file names)
		bsrc=$cache/src/busybox_${bver#*:}
		deb_src_unpack busybox "$bver" "$bsrc" "$out/busybox-build.log" ||
			die "cannot fetch busybox $bver"
	fi
	exec 8>&-

	# Fixed build timestamps (the source's own date), so that the outputs are
	# byte-for-byte reproducible: handy for comparing boot traces across machines.
	epoch=$(stat -c %Y "$ksrc/Makefile")
	export SOURCE_DATE_EPOCH=$epoch
}

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

# image_kernel KARCH CROSS IMAGE: e.g. riscv riscv64-linux-gnu- arch/riscv/boot/Image
image_kernel() {
	[[ ! -f $out/Image ]] || return 0
	local kmake=(make -C "$ksrc" O="$out/build/linux" ARCH="$1"
		CROSS_COMPILE="$2" KBUILD_BUILD_USER=wvm KBUILD_BUILD_HOST=wvm
		KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$epoch" '+%a %b %e %H:%M:%S UTC %Y')")
	log "linux: configuring (tinyconfig + kernel.config)"
	rm -rf "$out/build/linux" "$out/linux-build.log"
	mkdir -p "$out/build/linux"
	run "$out/linux-build.log" "${kmake[@]}" tinyconfig
	run "$out/linux-build.log" env ARCH="$1" \
		"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out/build/linux" \
		"$out/build/linux/.config" "$here/kernel.config"
	run "$out/linux-build.log" "${kmake[@]}" olddefconfig
	check_config "$here/kernel.config" "$out/build/linux/.config" ||
		die "kernel.config does not apply cleanly to linux $kver"
	log "linux: make -j$(nproc) Image (log: $out/linux-build.log)"
	run "$out/linux-build.log" "${kmake[@]}" -j"$(nproc)" Image
	cp "$out/build/linux/.config" "$out/linux.config"
	cp "$out/build/linux/System.map" "$out/System.map"
	cp "$out/build/linux/$3" "$out/Image.tmp"
	mv "$out/Image.tmp" "$out/Image"
	log "linux: Image is $(stat -c %s "$out/Image") bytes"
}

# image_busybox CROSS: e.g. riscv64-linux-gnu-
image_busybox() {
	[[ ! -f $out/busybox ]] || return 0
	log "busybox: configuring (defconfig + busybox.config)"
	# In-tree build of a copy: busybox's out-of-tree (O=) build is broken
	# (scripts/kconfig/zconf.tab.c cannot find lkc.h).
	rm -rf "$out/build/busybox"
	mkdir -p "$out/build"
	cp -a "$bsrc" "$out/build/busybox"
	local bmake=(make -C "$out/build/busybox" CROSS_COMPILE="$1")
	local bconf=$out/build/busybox/.config frag=$out/build/busybox.fragment line sym
	{ cat "$common/busybox.config"; echo "CONFIG_CROSS_COMPILER_PREFIX=\"$1\""; } >"$frag"
	run "$out/busybox-build.log" "${bmake[@]}" defconfig
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)= ]] ||
			[[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			grep -vE "^$sym=|^# $sym is not set$" "$bconf" >"$bconf.new" || true
			printf '%s\n' "$line" >>"$bconf.new"
			mv "$bconf.new" "$bconf"
		fi
	done <"$frag"
	run "$out/busybox-build.log" sh -c 'yes "" | "$@"' sh \
		"${bmake[@]}" oldconfig
	check_config "$frag" "$bconf" ||
		die "busybox.config does not apply cleanly to busybox $bver"
	log "busybox: make -j$(nproc) (log: $out/busybox-build.log)"
	run "$out/busybox-build.log" "${bmake[@]}" -j"$(nproc)" busybox
	cp "$bconf" "$out/busybox.config"
	# busybox.links: one absolute path per applet, e.g. /usr/bin/awk
	run "$out/busybox-build.log" "${bmake[@]}" busybox.links
	cp "$out/build/busybox/busybox.links" "$out/busybox.links"
	"${1}strip" -o "$out/busybox.tmp" "$out/build/busybox/busybox_unstripped"
	mv "$out/busybox.tmp" "$out/busybox"
	log "busybox: $(stat -c %s "$out/busybox") bytes, $(wc -l <"$out/busybox.links") applets"
}

# image_initramfs CPIO [LIST]: writes CPIO (uncompressed); LIST: more
# gen_init_cpio lines (their files dated $epoch by the caller).
image_initramfs() {
	log "initramfs: gen_init_cpio ($(basename "$1"))"
	local tmp=$out/build/initramfs
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cc -O2 -o "$tmp/gen_init_cpio" "$ksrc/usr/gen_init_cpio.c"
	# gen_init_cpio stores the files' own mtimes: stage copies dated $epoch.
	cp "$out/busybox" "$common/init" "$common/profile" "$common/fstab" "$common/udhcpc.script" "$tmp/"
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
		if [[ -n ${2:-} ]]; then cat "$2"; fi
	} >"$tmp/list"
	"$tmp/gen_init_cpio" -t "$epoch" "$tmp/list" >"$1.tmp"
	[[ $(od -An -tx1 -j240 -N4 "$1.tmp") == " 7f 45 4c 46" ]] ||
		die "busybox is not at offset 240 of $(basename "$1")"
	mv "$1.tmp" "$1"
}

# image_gzip FILE: FILE.gz next to FILE (kept), reproducibly (-n: no name, no date).
image_gzip() {
	gzip -9 -n <"$1" >"$1.gz.tmp"
	mv "$1.gz.tmp" "$1.gz"
}

image_disk() {
	[[ ! -f $out/disk.ext2 ]] || return 0
	log "disk: mke2fs -t ext2 (16 MiB)"
	rm -rf "$out/disk.ext2.tmp" "$out/build/disk"
	mkdir -p "$out/build"
	cp -r "$common/disk" "$out/build/disk"
	find "$out/build/disk" -exec touch -h -d "@$epoch" {} +
	local uuid=5776d000-0000-4000-8000-000000000001
	run "$out/mke2fs.log" env E2FSPROGS_FAKE_TIME="$epoch" \
		mke2fs -q -F -t ext2 -L wvm -U "$uuid" -E "root_owner=0:0,hash_seed=$uuid" \
		-d "$out/build/disk" "$out/disk.ext2.tmp" 16M
	# mke2fs -d copies ctimes too, and those cannot be set on the host.
	(cd "$out/build/disk" && find . -mindepth 1 | sed "s|^\.\(.*\)|sif \1 ctime @$epoch|") >"$out/build/ctimes"
	run "$out/mke2fs.log" env E2FSPROGS_FAKE_TIME="$epoch" \
		debugfs -w -f "$out/build/ctimes" "$out/disk.ext2.tmp"
	mv "$out/disk.ext2.tmp" "$out/disk.ext2"
}

# shellcheck disable=SC2120 # (its arguments are optional)
image_end() {
	{
		echo "recipe-hash: $hash"
		echo "linux-source-6.1: $kver"
		echo "busybox: $(cat "$out/busybox.source" 2>/dev/null || true)"
		if (($#)); then printf '%s\n' "$@"; fi
		echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$out/manifest.txt"
	rm -rf "$out/build"
	touch "$out/.complete"
	log "done: $(du -sh "$out" | cut -f1) in $out"
	echo "$out"
}
