/*
 * Runtime shared by the HTIF test programs: entry, the tohost/fromhost
 * mailbox, exit, console output and a catch-all trap handler.
 *
 * Protocol (as Spike's fesvr and QEMU's HTIF implement it): the guest writes
 * a command word to `tohost`; the host consumes it, clears `tohost` and may
 * post a response in `fromhost`. Exit is the command (code << 1) | 1.
 */
#include "htif.h"

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    la      sp, __stack_top
    la      t0, unexpected_trap
    csrw    mtvec, t0
    li      TESTNUM, 0
    call    run_test
    j       htif_exit

park:
    wfi
    j       park

    .text
/* Exit with the code in a0; never returns. */
    .globl htif_exit
htif_exit:
    la      t0, tohost
1:  ld      t1, 0(t0)
    bnez    t1, 1b
    slli    t1, a0, 1
    ori     t1, t1, 1
2:  sd      t1, 0(t0)
    j       2b

/* Fail with the number of the running case. */
    .globl test_fail
test_fail:
    mv      a0, TESTNUM
    j       htif_exit

/* Any trap a program did not expect exits with code 127. */
    .align  2
unexpected_trap:
    li      a0, 127
    j       htif_exit

/* Write the byte in a0 to the HTIF console (device 1, command 1). */
    .globl htif_putchar
htif_putchar:
    la      t0, tohost
1:  ld      t1, 0(t0)
    bnez    t1, 1b
    la      t1, fromhost
    sd      zero, 0(t1)
    andi    a0, a0, 0xff
    li      t1, (HTIF_DEVICE_CONSOLE << 8) | HTIF_CONSOLE_PUTCHAR
    slli    t1, t1, 48
    or      t1, t1, a0
    sd      t1, 0(t0)
    ret

/* Write the NUL-terminated string at a0 to the HTIF console. */
    .globl htif_puts
htif_puts:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    sd      s0, 0(sp)
    mv      s0, a0
1:  lbu     a0, 0(s0)
    beqz    a0, 2f
    call    htif_putchar
    addi    s0, s0, 1
    j       1b
2:  ld      s0, 0(sp)
    ld      ra, 8(sp)
    addi    sp, sp, 16
    ret

/* The mailbox: each word 64-byte aligned in its own section, as in riscv-tests. */
    .section .tohost, "aw", @progbits
    .align  6
    .globl  tohost
tohost:
    .dword  0
    .size   tohost, 8
    .align  6
    .globl  fromhost
fromhost:
    .dword  0
    .size   fromhost, 8
