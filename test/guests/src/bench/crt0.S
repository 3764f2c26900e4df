/*
 * Start-up code of the bench guest, entered in M-mode at the ELF entry.
 *
 * Hart 0 sets gp and sp, installs a trap vector that reports any trap and
 * fails, enables the FPU (mstatus.FS), clears fcsr and .bss, calls main and
 * powers the board off through the test finisher with main's return value as
 * exit status. Other harts park in a WFI loop.
 */
#include "../common/virt.h"

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park

    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, trap_vector
    csrw    mtvec, t0

    li      t0, MSTATUS_FS_INITIAL
    csrs    mstatus, t0
    csrw    fcsr, zero

    la      t0, __bss_start
    la      t1, __bss_end
clear_bss:
    bgeu    t0, t1, bss_done
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       clear_bss
bss_done:
    call    main

/* Powers off with exit status a0: 0 passes, anything else fails with it. */
    .globl power_off
power_off:
    li      t0, FINISHER_BASE
    li      t1, FINISHER_PASS
    beqz    a0, 1f
    slli    t1, a0, 16
    li      t2, FINISHER_FAIL
    or      t1, t1, t2
1:  sw      t1, 0(t0)
park:
    wfi
    j       park

/* Any trap is a bug in the guest or the CPU: report it and fail. */
    .align  2
trap_vector:
    la      sp, __stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    report_trap
    j       power_off
