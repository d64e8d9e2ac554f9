#!/usr/bin/env bash
# Builds wvm's arm64 (AArch64) guest, for a machine like QEMU's aarch64
# `virt`, from Debian bookworm packages only:
#   Image              Linux (linux-source-6.1), tinyconfig + kernel.config,
#                      built with gcc-aarch64-linux-gnu
#   busybox            static arm64 busybox (Debian source package)
#   initramfs.cpio.gz  busybox + /init + /etc/profile + udhcpc's default.script
#                      (initramfs.cpio: the same, uncompressed)
#   disk.ext2          16 MiB ext2 filesystem with the files of ../common/disk/
#   debian-Image       Debian's own arm64 kernel (linux-image-arm64's
#                      linux-image-6.1.0-*-arm64), a second, independent
#                      kernel to check a machine against
#   debian-initramfs.cpio.gz  the initramfs above + the modules of Debian's
#                      kernel that the virt devices need (/init loads them)
# The guest's files and busybox's config are those of the riscv64 guest
# (../common/), and so are the steps (scripts/image-lib.sh). Verified with
# qemu-system-aarch64 (Debian package qemu-system-arm): see README.md.
# Outputs are cached in ${WVM_CACHE:-$HOME/.cache/wvm}/images/arm64-<hash>/,
# <hash> covering this recipe's files; a re-run with nothing changed is
# instant. Progress goes to stderr; the LAST stdout line is the output
# directory, so other scripts can do: dir=$(build.sh | tail -1)
# Needs root (or sudo) only to install missing Debian packages and, once,
# to add a deb-src entry for `apt-get source busybox` (scripts/deb-src.sh).
# Debian's arm64 kernel package comes through a private apt configuration
# ($cache/apt/arm64): the machine's dpkg never gets a foreign architecture.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../scripts/image-lib.sh
. "$here/../../../scripts/image-lib.sh"
image_begin arm64 build.sh kernel.config ../../../scripts/image-lib.sh \
	../common/{busybox.config,init,profile,fstab,udhcpc.script,disk/README}
image_sources gcc-aarch64-linux-gnu libc6-dev-arm64-cross
image_kernel arm64 aarch64-linux-gnu- arch/arm64/boot/Image
image_busybox aarch64-linux-gnu-
if [[ ! -f $out/initramfs.cpio.gz || ! -f $out/initramfs.cpio ]]; then
	image_initramfs "$out/initramfs.cpio"
	image_gzip "$out/initramfs.cpio"
fi
image_disk

# --- Debian's kernel -----------------------------------------------------------
# A private apt: its own sources (the machine's Debian archive, arm64
# only), lists and status, so that nothing of the machine's apt changes.
apt_dir=$cache/apt/arm64
apt_opts=(-q -o Dir::Etc::SourceList="$apt_dir/sources.list"
	-o Dir::Etc::SourceParts="$apt_dir/empty" -o Dir::Etc::PreferencesParts="$apt_dir/empty"
	-o Dir::Etc::Preferences="$apt_dir/empty/none" -o Dir::State="$apt_dir/state"
	-o Dir::State::status="$apt_dir/status" -o Dir::Cache="$apt_dir/cache"
	-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	# The cache may be in a home directory apt's _apt user cannot enter;
	# downloads are checked against the archive's signed index all the same.
	-o APT::Sandbox::User="$(id -un)")
# Modules for virt's devices: virtio-mmio, -blk, -console, -rng, -net, 9p,
# ext4 (Debian's ext2 driver: EXT4_USE_FOR_EXT2), crc32c (ext4's soft
# dependency, for checksummed filesystems). Built-in ones are skipped.
debian_modules=(virtio_mmio virtio_blk virtio_console virtio_rng virtio_net
	9pnet_virtio 9p crc32c_generic ext4)

if [[ ! -f $out/debian-Image || ! -f $out/debian-initramfs.cpio.gz ]]; then
	mkdir -p "$apt_dir"/{empty,state/lists/partial,cache/archives/partial,debs}
	: >"$apt_dir/status"
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	for suite in "$codename" "$codename-updates" "$codename-security"; do
		uri='' key=''
		read -r uri key < <(debian_deb_entry "$suite" | head -n 1) || true
		[[ $suite == *-security ]] && def=http://deb.debian.org/debian-security ||
			def=http://deb.debian.org/debian
		echo "deb [arch=arm64 signed-by=${key:-/usr/share/keyrings/debian-archive-keyring.gpg}] ${uri:-$def} $suite main"
	done >"$apt_dir/sources.list"
	log "debian: apt-get update (private, arm64)"
	run "$out/apt.log" apt-get "${apt_opts[@]}" update
	# linux-image-arm64 is a metapackage: its dependency has the kernel.
	dpkg_name=$(apt-cache "${apt_opts[@]}" depends linux-image-arm64 |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[[ -n $dpkg_name ]] || die "linux-image-arm64 depends on no linux-image-<version>-arm64"
	dpkg_ver=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$dpkg_name" |
		awk '$1 == "Version:" { print $2; exit }')
	deb=$apt_dir/debs/${dpkg_name}_${dpkg_ver}_arm64.deb
	if [[ ! -f $deb ]]; then
		log "debian: apt-get download $dpkg_name=$dpkg_ver"
		rm -rf "$apt_dir/debs/tmp"
		mkdir -p "$apt_dir/debs/tmp"
		(cd "$apt_dir/debs/tmp" && run "$out/apt.log" apt-get "${apt_opts[@]}" download "$dpkg_name=$dpkg_ver")
		mv "$apt_dir/debs/tmp/"*.deb "$deb"
		rmdir "$apt_dir/debs/tmp"
	fi
	echo "$dpkg_name $dpkg_ver" >"$out/debian-kernel.source"

	rel=${dpkg_name#linux-image-} # the kernel release, `uname -r`
	deb_root=$out/build/debian
	rm -rf "$deb_root"
	mkdir -p "$deb_root"
	dpkg-deb -x "$deb" "$deb_root"
	cp "$deb_root/boot/config-$rel" "$out/debian-linux.config"
	# arm64's vmlinuz is the plain Image (with an EFI stub, signed for
	# Secure Boot); should it ever be gzip'd, QEMU or not, unpack it.
	vmlinuz=$deb_root/boot/vmlinuz-$rel
	if [[ $(od -An -tx1 -N2 "$vmlinuz") == " 1f 8b" ]]; then
		gunzip -c "$vmlinuz" >"$out/debian-Image.tmp"
	else
		cp "$vmlinuz" "$out/debian-Image.tmp"
	fi

	# The modules in load order (dependencies first, from their .modinfo),
	# staged flat as /lib/modules/$rel/NAME.ko; /etc/modules lists them.
	mdir=$deb_root/lib/modules/$rel
	stage=$out/build/debian-initramfs
	mkdir -p "$stage"
	loaded=" "
	add_module() {
		local m=$1 f d
		f=$(cd "$mdir" && find kernel -name "${m//[-_]/[-_]}.ko")
		if [[ -z $f ]]; then
			grep -q "/${m//[-_]/[-_]}\.ko$" "$mdir/modules.builtin" ||
				die "Debian's kernel $rel has no module $m"
			return 0
		fi
		[[ $loaded != *" $f "* ]] || return 0
		aarch64-linux-gnu-objcopy -O binary -j .modinfo "$mdir/$f" "$stage/modinfo"
		for d in $(tr '\0' '\n' <"$stage/modinfo" | sed -n 's/^depends=//p' | tr , ' '); do
			add_module "$d"
		done
		loaded+="$f "
		cp "$mdir/$f" "$stage/"
		echo "$rel/${f##*/}" >>"$stage/modules"
	}
	for m in "${debian_modules[@]}"; do add_module "$m"; done
	rm "$stage/modinfo"
	touch -d "@$epoch" "$stage"/*
	{
		echo "dir /lib 0755 0 0"
		echo "dir /lib/modules 0755 0 0"
		echo "dir /lib/modules/$rel 0755 0 0"
		while read -r p; do
			echo "file /lib/modules/$p $stage/${p##*/} 0644 0 0"
		done <"$stage/modules"
		echo "file /etc/modules $stage/modules 0644 0 0"
	} >"$stage/list"
	log "debian: $rel, modules: $(sed 's|.*/||; s|\.ko$||' "$stage/modules" | tr '\n' ' ')"
	image_initramfs "$out/build/debian-initramfs.cpio" "$stage/list"
	gzip -9 -n <"$out/build/debian-initramfs.cpio" >"$out/debian-initramfs.cpio.gz.tmp"
	mv "$out/debian-initramfs.cpio.gz.tmp" "$out/debian-initramfs.cpio.gz"
	mv "$out/debian-Image.tmp" "$out/debian-Image"
fi

image_end "debian kernel: $(cat "$out/debian-kernel.source")"
