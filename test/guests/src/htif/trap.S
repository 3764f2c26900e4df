/*
 * trap: takes an ECALL, an EBREAK and an illegal instruction in M-mode; the
 * handler checks mcause (11, 3, 2), mepc (the trapping instruction) and
 * mstatus.MPP (3 = M), skips the instruction and returns with MRET. Exits
 * with 0 when every trap was taken once and correctly, otherwise with the
 * number of the failing case.
 */
#include "htif.h"

#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MACHINE_ECALL 11

/* s0: traps taken so far; s1: expected mcause; s2: expected mepc. */
#define EXPECT_TRAP(number, cause, site, instruction) \
    li TESTNUM, number; \
    li s1, cause; \
    la s2, site; \
site: instruction; \
    li s10, number; \
    bne s0, s10, test_fail

    .option norvc
    .text
    .globl run_test
run_test:
    la      t0, trap_handler
    csrw    mtvec, t0
    li      s0, 0
    EXPECT_TRAP(1, CAUSE_MACHINE_ECALL, ecall_site, ecall)
    EXPECT_TRAP(2, CAUSE_BREAKPOINT, ebreak_site, ebreak)
    EXPECT_TRAP(3, CAUSE_ILLEGAL_INSTRUCTION, illegal_site, unimp)
    la      t0, unexpected_trap_after_test
    csrw    mtvec, t0
    li      a0, 0
    ret

    .align  2
trap_handler:
    csrr    t0, mcause
    bne     t0, s1, test_fail
    csrr    t0, mepc
    bne     t0, s2, test_fail
    csrr    t0, mstatus
    srli    t0, t0, 11
    andi    t0, t0, 3
    li      t1, 3
    bne     t0, t1, test_fail
    csrr    t0, mepc
    addi    t0, t0, 4
    csrw    mepc, t0
    addi    s0, s0, 1
    mret

/* A trap after the cases is a failure of its own: exit code 100. */
    .align  2
unexpected_trap_after_test:
    li      TESTNUM, 100
    j       test_fail
