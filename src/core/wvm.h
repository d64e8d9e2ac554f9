/* wvm's public C API: create a machine, load guest images, run it in time
 * slices, exchange console bytes. The same API is exported by the wasm build
 * (src/js wraps it) and used by the native CLI (src/cli). */
#ifndef WVM_H
#define WVM_H

#include <stddef.h>
#include <stdint.h>

typedef struct wvm_machine wvm_machine;

/* Results of wvm_run. */
enum wvm_status {
    WVM_RUNNING = 0, /* the time slice ended; call wvm_run again */
    WVM_IDLE = 1,    /* every hart waits for an interrupt: sleep wvm_idle_us() */
    WVM_HALTED = 2   /* the guest stopped: see wvm_exit_code() */
};

/* Firmware choices for wvm_boot. */
enum wvm_bios {
    WVM_BIOS_NONE = 0,    /* run the kernel in M-mode from its entry (bare metal) */
    WVM_BIOS_FILE = 1,    /* firmware loaded with wvm_load_bios (e.g. OpenSBI) */
    WVM_BIOS_BUILTIN = 2  /* S-mode kernel with the built-in SBI */
};

/* Guest architectures (of an image: wvm_image_arch). Only riscv64 machines
 * exist so far. */
enum wvm_arch {
    WVM_ARCH_UNKNOWN = 0, /* no header says (a raw binary) */
    WVM_ARCH_RISCV64 = 1,
    WVM_ARCH_AARCH64 = 2,
    WVM_ARCH_X86_64 = 3,
    WVM_ARCH_OTHER = 4    /* an ELF of another machine, or not 64-bit */
};

/* The architecture (enum wvm_arch) a kernel or program image of `len` bytes
 * is built for, from its ELF header or Linux boot image magic; what `-arch`
 * defaults to. */
int wvm_image_arch(const uint8_t *data, size_t len);

/* The last error message of this thread (one line, no newline). */
const char *wvm_last_error(void);

/* Create a machine of architecture `arch` (enum wvm_arch: its board, e.g.
 * riscv64's virt with RAM at guest-physical 0x8000_0000) with `ram_mib` MiB
 * of RAM (16..2048), `nharts` CPUs (1..8) and firmware choice `bios` (enum
 * wvm_bios). Returns NULL (see wvm_last_error) for an architecture that is
 * not emulated, bad arguments, or when the host is out of memory. */
wvm_machine *wvm_create(int arch, uint32_t ram_mib, int nharts, int bios);

/* Release everything the machine owns. */
void wvm_destroy(wvm_machine *m);

/* Load raw firmware (e.g. OpenSBI fw_dynamic.bin or fw_jump.bin) at
 * 0x8000_0000. Only for WVM_BIOS_FILE machines. Returns 0, or -1 with
 * wvm_last_error set (wrong machine kind, empty, larger than 2 MiB, ELF). */
int wvm_load_bios(wvm_machine *m, const uint8_t *data, size_t len);

/* Load the kernel image `data` (len bytes): an ELF64 RISC-V executable
 * (at its physical addresses) or a raw image (at 0x8020_0000 with firmware,
 * 0x8000_0000 without). Returns 0, or -1 with wvm_last_error set
 * (truncated/malformed ELF, an image of another architecture or a
 * compressed one (gunzip it on the host first), does not fit in RAM). Load
 * the kernel before the initrd. */
int wvm_load_kernel(wvm_machine *m, const uint8_t *data, size_t len);

/* Load an initial RAM disk above the kernel (as QEMU places it) and
 * announce it in the device tree. Returns 0, or -1 if it does not fit. */
int wvm_load_initrd(wvm_machine *m, const uint8_t *data, size_t len);

/* Set the kernel command line (/chosen/bootargs). "console=hvc0" routes
 * host input to the virtio console instead of the UART. Returns 0, or -1 if
 * longer than 1023 bytes. */
int wvm_set_cmdline(wvm_machine *m, const char *cmdline);

/* ---- Network (virtio-net, VIRTIO 1.2 section 5.1) ----
 * Attach a virtio-net device with Ethernet address `mac` (6 bytes) in
 * virtio-mmio slot 6. Before wvm_boot; at most one. Returns 0, or -1 with
 * wvm_last_error set. The host moves raw Ethernet frames (header onwards,
 * no FCS, at most WVM_NET_FRAME_MAX bytes) with wvm_net_read/wvm_net_write,
 * e.g. after each wvm_run. */
#define WVM_NET_FRAME_MAX 1518
int wvm_add_net(wvm_machine *m, const uint8_t *mac);
/* Take the oldest frame the guest sent into `buf` (room for `max` >=
 * WVM_NET_FRAME_MAX bytes). Returns its length in bytes, or 0 if none
 * waits. Up to 64 frames wait here; past that the guest's transmit queue
 * holds them (flow control, nothing is dropped). */
size_t wvm_net_read(wvm_machine *m, uint8_t *buf, size_t max);
/* Give the guest a frame of `len` bytes. Returns 1 if delivered, 0 if the
 * guest has no receive buffer posted now (keep it and retry after the next
 * wvm_run), -1 if dropped (malformed, too long, no network device). */
int wvm_net_write(wvm_machine *m, const uint8_t *frame, size_t len);

/* ---- User-mode networking (QEMU's -netdev user) on the network device ----
 * Put the built-in TCP/IP stack (src/net/usernet.h: guest 10.0.2.15 by DHCP,
 * gateway and host 10.0.2.2, DNS 10.0.2.3) behind the machine's network
 * device (wvm_add_net first, or after wvm_restore): the guest's frames go to
 * it instead of wvm_net_read. What needs the host's network comes out as
 * events (wvm_net_take_event); the host answers with the wvm_net_* calls after
 * it, which do nothing on a machine without user networking. One machine
 * per process (per wasm instance) at a time; wvm_destroy frees its place.
 * Returns 0, or -1 with wvm_last_error set (no network device, another
 * machine has it). Its connections are not in a snapshot. */
int wvm_net_user(wvm_machine *m);

/* Events for the host (usernet.h says what each asks of it). id: a TCP
 * connection or DNS query; ip: IPv4 in host byte order; port: the
 * destination's; arg: as noted. Data: the event's bytes. */
enum wvm_net_event_type {
    WVM_NET_TCP_CONNECT = 1,  /* connect to ip:port, then wvm_net_tcp_connected */
    WVM_NET_TCP_READY = 2,    /* a wvm_net_tcp_forward connection was accepted */
    WVM_NET_TCP_DATA = 3,     /* bytes from the guest: wvm_net_tcp_consumed once taken */
    WVM_NET_TCP_EOF = 4,      /* the guest sends no more */
    WVM_NET_TCP_WRITABLE = 5, /* wvm_net_tcp_send has room again */
    WVM_NET_TCP_CLOSED = 6,   /* over; arg 1 if by a reset */
    WVM_NET_UDP_SEND = 7,     /* a datagram to ip:port from guest port arg */
    WVM_NET_DNS_QUERY = 8     /* resolve the name in data (no NUL) for QTYPE arg (1 A, 28 AAAA) */
};
typedef struct wvm_net_event {
    uint32_t type, id, ip, port, arg, len; /* len: data bytes */
} wvm_net_event;
#define WVM_NET_EVENT_DATA_MAX 65536 /* no event carries more data */

/* Take the oldest event: its header into *ev, its data into `data` (room
 * for `max` >= WVM_NET_EVENT_DATA_MAX bytes). Returns 1, or 0 if none waits
 * (or `max` is too small). Events are kept until taken; UDP datagrams and
 * DNS queries beyond 4 MiB of queued events are dropped (the guest
 * retries), TCP data is bounded by the guest's windows. */
int wvm_net_take_event(wvm_machine *m, wvm_net_event *ev, uint8_t *data, size_t max);
/* Answers, as usernet_tcp_connected, _send, _consumed, _shutdown, _abort,
 * _forward, usernet_udp_recv and usernet_dns_answer (usernet.h). */
void wvm_net_tcp_connected(wvm_machine *m, uint32_t id, int ok);
size_t wvm_net_tcp_send(wvm_machine *m, uint32_t id, const uint8_t *data, size_t len);
void wvm_net_tcp_consumed(wvm_machine *m, uint32_t id, size_t len);
void wvm_net_tcp_shutdown(wvm_machine *m, uint32_t id);
void wvm_net_tcp_abort(wvm_machine *m, uint32_t id);
uint32_t wvm_net_tcp_forward(wvm_machine *m, uint16_t guest_port);
void wvm_net_udp_recv(wvm_machine *m, uint32_t ip, uint16_t port, uint16_t guest_port, const uint8_t *data,
                      size_t len);
void wvm_net_dns_answer(wvm_machine *m, uint32_t id, int rcode, const uint8_t *addrs, int naddrs, int addrlen,
                        uint32_t ttl);

/* ---- File sharing (virtio-9p, 9P2000.L; src/dev/virtio_9p.h) ----
 * Export the file system `fs` (host/fs.h: a host directory, or JavaScript's
 * under Emscripten) to the guest as mount tag `tag` (1..64 bytes), which
 * mounts it with `mount -t 9p -o trans=virtio,version=9p2000.L TAG DIR`.
 * `readonly`: every change the guest tries fails with EROFS. The first share
 * is in virtio-mmio slot 7 (QEMU's last), more in slots 8..10. Before
 * wvm_boot (or wvm_restore, with the shares the state was saved with); at
 * most 4. The machine owns `fs` from the call on (even on failure: then it
 * is destroyed). Returns the share's index, or -1 with wvm_last_error set
 * (too many, tag empty, too long or used twice, out of memory). */
struct fs_backend;
int wvm_add_share(wvm_machine *m, const char *tag, struct fs_backend *fs, int readonly);

/* Attach a virtio-blk disk over `backend` (host/blk.h) in the next free
 * virtio-mmio slot (0..3). Returns the disk index, or -1 if all are used. */
struct blk_backend;
int wvm_add_disk(wvm_machine *m, struct blk_backend *backend);

/* Build the device tree and start the harts as the firmware choice needs.
 * Returns 0, or -1 with wvm_last_error set (nothing to run, no firmware). */
int wvm_boot(wvm_machine *m);

/* Run guest code for about `slice_us` microseconds of host time. Returns an
 * enum wvm_status. */
int wvm_run(wvm_machine *m, uint32_t slice_us);

/* Run until `events` more guest events happened (instructions retired plus
 * exceptions taken by instructions that did not retire, summed over harts;
 * it stops at the first block boundary at or past that count, or, beside
 * other harts, when a hart whose turn ended in M-mode leaves it: up to
 * 65536 instructions later, see machine.c run_hart), the guest
 * halts, every hart idles, or, in eager JIT mode, a region is queued. For
 * tests that compare engines step for step. Returns an enum wvm_status.
 * Devices and timers are not polled. */
int wvm_step(wvm_machine *m, uint64_t events);

/* Guest events so far (see wvm_step). */
uint64_t wvm_events(wvm_machine *m);

/* A 64-bit digest (FNV-1a) of the architectural state: every hart's integer
 * and FP registers, pc, instret and CSRs, and with `with_ram` all of RAM.
 * Equal digests mean equal state, for differential tests of the engines. */
uint64_t wvm_state_digest(wvm_machine *m, int with_ram);

/* The machine's hart count. */
int wvm_nharts(wvm_machine *m);

/* Register `index` of hart `hart`: 0..31 x0..x31, 32..63 f0..f31 (raw
 * bits), 64 pc (guest-virtual), 65 instret, 66 traps (exceptions taken by
 * instructions that did not retire), 67 privilege level, 0x1000 + n CSR n
 * (as M-mode reads it; 0 if it does not exist). 0 for an index out of range. */
uint64_t wvm_reg(wvm_machine *m, int hart, int index);

/* Set register `index` of hart `hart` (numbering of wvm_reg; 67 is the
 * privilege level: 0 U, 1 S, 3 M; CSRs are written as M-mode writes them,
 * WARL fields kept legal). Call between runs. Returns 0, or -1 for a bad
 * hart, index or value (a CSR that does not exist). */
int wvm_set_reg(wvm_machine *m, int hart, int index, uint64_t value);

/* ---- GDB remote stub (core/gdbstub.c; GDB manual, appendix E) ----
 * Transport-free: the host accepts a connection (TCP: QEMU's -gdb), calls
 * wvm_gdb_attach, passes every received byte to wvm_gdb_input and sends
 * what wvm_gdb_output returns after each wvm_gdb_input and wvm_run. While
 * GDB holds the machine stopped, wvm_run returns WVM_IDLE without running:
 * wait for the debugger's bytes. Harts (CPUs) are threads 1..n. The target
 * description is the architecture's (riscv64: GPRs, FPRs, pc, CSRs,
 * privilege; aarch64: x0-x30, sp, pc, cpsr). Breakpoints and
 * watchpoints make the harts run one instruction per block, interpreted
 * (the JIT rests); without them the guest runs at full speed.
 *
 * Attach a debugger: the machine stops (as after Ctrl-C; also before its
 * first instruction when called before it runs: QEMU's -S). Returns 0, or
 * -1 with wvm_last_error set (out of host memory; an architecture without
 * a GDB target). */
int wvm_gdb_attach(wvm_machine *m);
/* The connection closed: breakpoints and watchpoints go, the guest runs. */
void wvm_gdb_detach(wvm_machine *m);
/* Feed `n` received bytes (packets, acknowledgements, Ctrl-C). Malformed
 * packets get error replies. Returns the bytes consumed (all, unless the
 * debugger detached midway). */
size_t wvm_gdb_input(wvm_machine *m, const uint8_t *p, size_t n);
/* Take up to `max` bytes to send to the debugger; returns the count. */
size_t wvm_gdb_output(wvm_machine *m, uint8_t *buf, size_t max);
/* Nonzero while the debugger holds the machine stopped. */
int wvm_gdb_stopped(wvm_machine *m);

/* After WVM_IDLE: microseconds until the next timer event (capped at 1 s). */
uint32_t wvm_idle_us(wvm_machine *m);

/* After WVM_HALTED: the guest's exit status (0 = success; HTIF tohost
 * failure n gives n). */
int wvm_exit_code(wvm_machine *m);

/* Queue `len` bytes of host keyboard input for the guest console; returns
 * how many were accepted (the rest: retry later). */
size_t wvm_console_write(wvm_machine *m, const uint8_t *buf, size_t len);

/* Tell the guest the host terminal's size, in character columns and rows
 * (0 = unknown), through the virtio-console's config space (VIRTIO 1.2
 * 5.3.4, VIRTIO_CONSOLE_F_SIZE). A guest whose console is that device
 * (Linux: console=hvc0) sizes its tty from it and gets SIGWINCH on changes;
 * the 16550 UART has no such channel. May be called at any time. */
void wvm_console_resize(wvm_machine *m, uint16_t cols, uint16_t rows);

/* After WVM_HALTED: nonzero if the guest asked for a reboot, not poweroff. */
int wvm_reset_requested(wvm_machine *m);

/* Copy up to `max` bytes of pending console output into `buf`; returns the
 * count. Console output is buffered between calls (64 KiB). A wvm_run that
 * starts with at most 32 KiB pending returns early once more is pending, so
 * a host that drains after every wvm_run loses nothing; one that never
 * drains keeps the oldest 64 KiB. */
size_t wvm_console_read(wvm_machine *m, uint8_t *buf, size_t max);

/* Guest instructions retired so far, summed over harts. */
uint64_t wvm_instret(wvm_machine *m);

/* ---- Time (call before wvm_boot or wvm_restore) ----
 * Guest time from retired instructions, as QEMU's -icount shift=N,sleep=on|off:
 * each instruction (summed over harts) advances guest time by 2^shift ns
 * (mtime: 10 MHz). When every hart waits for an interrupt, guest time jumps
 * to the next timer deadline: with `sleep` after wvm_run returned WVM_IDLE
 * and the host waited wvm_idle_us(), without at once. Runs fed the same
 * input at the same points then repeat exactly; virtio-rng becomes a seeded
 * stream. shift -1 returns to host time (the default). Returns 0, or -1
 * for a shift outside -1..10. */
int wvm_set_icount(wvm_machine *m, int shift, int sleep);

/* The RTC (goldfish, what the guest's wall clock starts from), as QEMU's
 * -rtc base=...,clock=host|vm: with `has_base`, it reads `base_ns` (ns since
 * the Unix epoch, UTC) at this call; it then advances with host time, or
 * with guest time when `clock_vm` (deterministic under icount). Without a
 * base it starts from the host's wall clock. */
void wvm_set_rtc(wvm_machine *m, uint64_t base_ns, int has_base, int clock_vm);

/* ---- Machine state (core/snapshot.c) ----
 * Save the machine's architectural state (harts, devices, RAM with zero
 * pages left out, time, pending console bytes) plus `host_len` bytes of the
 * host's own (say, which disks it had) into a new malloc'd buffer *out
 * (free it with free()). Caches and compiled code are not saved. Call
 * between wvm_run calls. Returns the bytes, or 0 with wvm_last_error set
 * (disk requests in flight: see wvm_io_busy; out of host memory). Saving
 * twice without running in between gives identical bytes. */
size_t wvm_save(wvm_machine *m, const uint8_t *host, size_t host_len, uint8_t **out);

/* Nonzero while a disk request is in flight (wvm_save refuses then): keep
 * serving the backend and calling wvm_run until it is 0. */
int wvm_io_busy(wvm_machine *m);

/* Check a saved state (header, version, checksum) and describe it into
 * out[0..count-1] (at most WVM_STATE_INFO_WORDS words): RAM in MiB, harts,
 * firmware choice (enum wvm_bios), disks, the byte offset and length of the
 * host's bytes inside `state`, 1 if it has a network device (add one with
 * wvm_add_net before wvm_restore), its file shares (add as many with
 * wvm_add_share), and its architecture (enum wvm_arch: create the machine
 * with it; states of wvm versions before the field are riscv64's).
 * Returns 0, or -1 with wvm_last_error set (not a state, truncated,
 * corrupted, newer version). */
#define WVM_STATE_INFO_WORDS 9
int wvm_state_info(const uint8_t *state, size_t len, uint32_t *out, size_t count);

/* Load a saved state into `m`: a machine just created with the
 * architecture, RAM size, harts and firmware choice of wvm_state_info, with the same number of
 * disks added (and a network device if it had one), and neither booted nor run. The icount and RTC settings
 * come from the state. Returns 0; or -1 with wvm_last_error set (bad file,
 * different configuration or architecture, a value no hart or device can hold), and then
 * `m` is unusable: destroy it. */
int wvm_restore(wvm_machine *m, const uint8_t *state, size_t len);

/* ---- JIT (wasm-jit/ is the compiler; src/ir/jit.h the core side) ----
 * Blocks executed `executions` times (0: never, the default) have their
 * region (the blocks of one guest page) queued for compilation. */
#define WVM_JIT_LAYOUT_VERSION 7
#define WVM_JIT_EAGER 1 /* wvm_run returns as soon as a region is queued (the host compiles it at once) */
struct ir_jit_request;
void wvm_jit_configure(wvm_machine *m, uint32_t threshold, uint32_t flags);
/* Take the oldest compile request into *r (24 bytes, ir_jit_request).
 * Returns 1, or 0 if none is queued. */
int wvm_jit_take_request(wvm_machine *m, struct ir_jit_request *r);
/* Describe request r's region into `out` (`cap` bytes; layout in
 * ir/jit.h). Returns bytes written, 0 if stale or empty, or the bytes
 * needed when more than `cap`. */
size_t wvm_jit_region(wvm_machine *m, const struct ir_jit_request *r, uint8_t *out, size_t cap);
/* Install compiled function `fn` (a function-table index of an ir_jit_fn,
 * ir/jit.h: (ir_cpu *, int entry) -> the next compiled block or NULL) for
 * request r: entry i runs the block at guest-virtual vpcs[i]. Returns 0, or
 * -1 if stale (not installed). */
int wvm_jit_install(wvm_machine *m, const struct ir_jit_request *r, uintptr_t fn, const uint64_t *vpcs,
                    uint32_t n);
/* Request r could not be compiled: its page stays interpreted until written. */
void wvm_jit_fail(wvm_machine *m, const struct ir_jit_request *r);
/* A compiled function no block uses any more (free its table slot), or 0. */
uintptr_t wvm_jit_take_dead(wvm_machine *m);
/* Uninstall the regions of guest-physical page `ppc_page` (their functions
 * become dead: see wvm_jit_take_dead). Returns how many were dropped. */
int wvm_jit_evict(wvm_machine *m, uint64_t ppc_page);
/* Static facts compiled code needs (u32 each): layout version, offsets in
 * ir_cpu of r[], pc, instret, instret_limit, exit_req, data_idx, tlb;
 * sizeof(tlb_entry), TLB_BITS, offset of tlb_entry.addend, offset of
 * jit_val; function-table indexes of ir_jit_load, ir_jit_store,
 * ir_jit_helper; IR_ZERO_SINK; offset of traps; offset of jmp_cache,
 * IR_JMP_CACHE_BITS, offsets in ir_block of vpc, flags, jit_fn, jit_entry;
 * address of the helper descriptors (one byte of IR_HF_* per helper) and
 * their count. */
const uint32_t *wvm_jit_layout(void);
/* The IR's op names in opcode order, comma-separated (ir/ir.h). */
const char *wvm_jit_op_names(void);
/* Counters into out[0..9]: requests, installs, stale installs, failures,
 * evictions, guest instructions run compiled, page invalidations, cache
 * flushes, blocks translated, calls into compiled code. */
void wvm_jit_stats(wvm_machine *m, double *out);

/* Host pointer to a scratch buffer of `len` bytes inside the module's
 * memory (for JS to pass file data in); valid until the next call. NULL if
 * the host is out of memory. */
uint8_t *wvm_buffer(size_t len);

#endif
