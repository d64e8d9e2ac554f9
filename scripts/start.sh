#!/usr/bin/env bash
# `npm start`: set everything up (packages, builds, guest images) and boot the
# default riscv64 Linux guest in the wasm build under Node, on this terminal.
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
images=$(bash examples/images/riscv64/build.sh | tail -n 1)
disk="${WVM_CACHE:-$HOME/.cache/wvm}/disk.ext2"
[ -f "$disk" ] || cp "$images/disk.ext2" "$disk"
echo "Booting Linux (OpenSBI + Linux 6.1 + busybox). Ctrl-A x quits, 'poweroff' shuts down." >&2
exec node src/js/cli.mjs -m 256 \
  -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin \
  -kernel "$images/Image" -initrd "$images/initramfs.cpio" \
  -append "earlycon=sbi console=hvc0 noirqdebug" \
  -drive "file=$disk,format=raw,if=virtio" "$@"
