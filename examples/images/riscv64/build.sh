#!/usr/bin/env bash
# Builds wvm's default riscv64 guest from Debian bookworm packages only:
#   Image              Linux (linux-source-6.1), tinyconfig + kernel.config
#   busybox            static riscv64 busybox (Debian source package)
#   initramfs.cpio.gz  busybox + /init + /etc/profile + udhcpc's default.script
#                      (initramfs.cpio: the same, uncompressed: the kernel then
#                      skips ~35M instructions of gunzip)
#   disk.ext2          16 MiB ext2 filesystem with the files of ../common/disk/
# The files in the guest and busybox's config are shared with the other
# recipes (../common/), and so are the steps (scripts/image-lib.sh).
# Outputs are cached in ${WVM_CACHE:-$HOME/.cache/wvm}/images/riscv64-<hash>/,
# <hash> covering this recipe's files; a re-run with nothing changed is
# instant. Progress goes to stderr; the LAST stdout line is the output
# directory, so other scripts can do: dir=$(build.sh | tail -1)
# Needs root (or sudo) only to install missing Debian packages and, once,
# to add a deb-src entry for `apt-get source busybox` (scripts/deb-src.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../../scripts/image-lib.sh
. "$here/../../../scripts/image-lib.sh"
image_begin riscv64 build.sh kernel.config ../../../scripts/image-lib.sh \
	../common/{busybox.config,init,profile,fstab,udhcpc.script,disk/README}
image_sources gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
image_kernel riscv riscv64-linux-gnu- arch/riscv/boot/Image
image_busybox riscv64-linux-gnu-
if [[ ! -f $out/initramfs.cpio.gz || ! -f $out/initramfs.cpio ]]; then
	image_initramfs "$out/initramfs.cpio"
	image_gzip "$out/initramfs.cpio"
fi
image_disk
image_end
