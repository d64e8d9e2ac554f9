#!/usr/bin/env bash
# `npm start`: set everything up (packages, builds, guest images) and boot the
# default riscv64 Linux guest (or the arm64 one: `npm start -- -arch aarch64`)
# in the wasm build under Node, on this terminal.
# It boots the uncompressed initramfs (no gunzip in the guest: faster). The
# guest's disk is a copy of the recipe's ext2 image kept in the cache, so files
# written to /mnt survive between runs (delete it to start afresh). The shell
# runs on the virtio-console (hvc0), which carries this terminal's size and
# its changes to the guest (vi, less, top fit the window); boot messages come
# through the SBI console first (earlycon=sbi). noirqdebug: see README.md
# (the virtio-console's completion interrupts after polled writes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh >/dev/null
# `npm start -- -arch aarch64` boots the arm64 guest instead (no firmware
# file: the machine answers PSCI; earlycon finds the PL011 in the device tree).
arch=riscv64 prev=
for a in "$@"; do [ "$prev" = "-arch" ] && arch=$a; prev=$a; done
case "$arch" in
  riscv64) recipe=riscv64 firmware=(-bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin)
           append="earlycon=sbi console=hvc0 noirqdebug" name="OpenSBI + Linux 6.1 + busybox" ;;
  aarch64) recipe=arm64 firmware=() append="earlycon console=hvc0 noirqdebug" name="arm64 Linux 6.1 + busybox" ;;
  *) echo "npm start: -arch riscv64 or aarch64" >&2; exit 2 ;;
esac
images=$(bash "examples/images/$recipe/build.sh" | tail -n 1)
disk="${WVM_CACHE:-$HOME/.cache/wvm}/disk$([ "$recipe" = riscv64 ] || echo "-$recipe").ext2"
[ -f "$disk" ] || cp "$images/disk.ext2" "$disk"
echo "Booting Linux ($name). Ctrl-A x quits, 'poweroff' shuts down." >&2
exec node src/js/cli.mjs -m 256 "${firmware[@]}" \
  -kernel "$images/Image" -initrd "$images/initramfs.cpio" \
  -append "$append" \
  -drive "file=$disk,format=raw,if=virtio" "$@"
