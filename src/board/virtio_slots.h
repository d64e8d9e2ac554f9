/* The virtio-mmio slots of wvm's virt boards, by number: the same on every
 * board (each board says where slot n is and which interrupt it raises). */
#ifndef WVM_VIRTIO_SLOTS_H
#define WVM_VIRTIO_SLOTS_H

#define VIRT_VIRTIO_SLOTS 8                /* QEMU's riscv virt has 8; more for extra shares */
#define VIRT_MAX_DISKS 4                   /* slots 0..3 */
#define VIRT_CONSOLE_SLOT VIRT_MAX_DISKS   /* virtio-console */
#define VIRT_RNG_SLOT (VIRT_MAX_DISKS + 1) /* virtio-rng */
#define VIRT_NET_SLOT (VIRT_MAX_DISKS + 2) /* after the console and rng */
#define VIRT_SHARE_SLOT 7                  /* the first file share; more in the slots after */
#define VIRT_MAX_SHARES 4
#define VIRT_ALL_SLOTS (VIRT_SHARE_SLOT + VIRT_MAX_SHARES) /* == VIRT_FDT_VIRTIO_SLOTS */

#endif
