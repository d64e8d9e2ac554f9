/*
 * linux_crt.S - start-up of the user-level A64 tests built as static Linux
 * programs (`make linux`): the same test bodies as the bare-metal ELFs,
 * run under qemu-aarch64 (user mode) and inside a wvm arm64 Linux guest.
 * main() returns 0 (pass) or a failed check's number, as with crt.S; the
 * program prints "PASS" or "FAIL n" and exits with that number
 * (Linux arm64 syscalls: write 64, exit_group 94).
 */
  .text
  .globl _start
_start:
  mov x29, #0
  mov x30, #0
  bl main
  cbz w0, test_pass
  b test_fail

  .globl test_pass
test_pass:
  adr x1, pass_msg
  mov x2, #5
  mov x19, #0
  b out

  .globl test_fail           /* x0 = check number, 1..255 */
test_fail:
  and x19, x0, #0xff
  adr x1, fail_msg           /* "FAIL " then up to three digits */
  mov x2, #5
  mov x8, #64
  mov x0, #1
  svc #0
  sub sp, sp, #16
  mov x3, x19
  mov x4, #10
  add x1, sp, #4             /* digits backwards into sp[..4] */
  mov w5, #'\n'
  strb w5, [x1]
1:udiv x6, x3, x4
  msub x7, x6, x4, x3
  add w7, w7, #'0'
  strb w7, [x1, #-1]!
  mov x3, x6
  cbnz x3, 1b
  add x2, sp, #5
  sub x2, x2, x1
out:
  mov x8, #64
  mov x0, #1
  svc #0
  mov x0, x19
  mov x8, #94
  svc #0

  .section .rodata
pass_msg: .ascii "PASS\n"
fail_msg: .ascii "FAIL "
