/*
 * amo: checks the A extension: every AMO in its .w and .d forms where
 * signedness or width matters (old value returned, sign extension of .w
 * results, signed versus unsigned min/max), LR/SC success, and SC failing
 * once the reservation is used up. Exits with 0, or the number of the first
 * wrong case.
 */
#include "htif.h"

/* Stores `initial` (64-bit) at `cell`, runs `amo a0, a1, (a2)` with a1 = `operand`. */
#define AMO_SETUP(initial, operand) \
    la a2, cell; li t0, initial; sd t0, 0(a2); li a1, operand

    .text
    .globl run_test
run_test:
    TEST_CASE(1, a0, 5, AMO_SETUP(5, 7); amoadd.d a0, a1, (a2))
    TEST_CASE(2, t1, 12, ld t1, 0(a2))
    TEST_CASE(3, a0, 0xffffffff80000000, AMO_SETUP(0x80000000, 1); amoswap.w a0, a1, (a2))
    TEST_CASE(4, t1, 1, ld t1, 0(a2))
    TEST_CASE(5, a0, 0xffffffffffffffff, AMO_SETUP(0xffffffff, 1); amoadd.w a0, a1, (a2))
    TEST_CASE(6, t1, 0, ld t1, 0(a2))
    TEST_CASE(7, t1, 0xffffffff80000000, AMO_SETUP(0x80000000, 5); amomin.w a0, a1, (a2); lw t1, 0(a2))
    TEST_CASE(8, t1, 5, AMO_SETUP(0x80000000, 5); amominu.w a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(9, t1, 5, AMO_SETUP(0x8000000000000000, 5); amomax.d a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(10, t1, 0x8000000000000000, AMO_SETUP(0x8000000000000000, 5); amomaxu.d a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(11, t1, 0x0f00, AMO_SETUP(0xff00, 0x0ff0); amoand.d a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(12, t1, 0xfff0, AMO_SETUP(0xff00, 0x0ff0); amoor.d a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(13, t1, 0xf0f0, AMO_SETUP(0xff00, 0x0ff0); amoxor.d a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(14, t1, 0x00000001ffffffff, AMO_SETUP(0x0000000100000000, -1); amomaxu.w a0, a1, (a2); ld t1, 0(a2))
    TEST_CASE(15, a0, 0xfffffffffffffff0, AMO_SETUP(0xfffffff0, 0); lr.w a0, (a2))
    TEST_CASE(16, a3, 0, li a1, 0x1234; sc.w a3, a1, (a2))
    TEST_CASE(17, t1, 0x1234, ld t1, 0(a2))
    TEST_CASE(18, a3, 0, AMO_SETUP(41, 0); lr.d a0, (a2); addi a0, a0, 1; sc.d a3, a0, (a2))
    TEST_CASE(19, t1, 42, ld t1, 0(a2))
    li      TESTNUM, 20
    li      a1, 99
    sc.d    a3, a1, (a2)
    beqz    a3, test_fail
    TEST_CASE(21, t1, 42, ld t1, 0(a2))
    li      a0, 0
    ret

    .data
    .align  3
cell:
    .dword  0
