/*
 * rvc: checks compressed (C extension) instructions, each written with its
 * explicit c. mnemonic so the assembler cannot choose the 32-bit form:
 * immediates and their sign extension, register-register ALU forms, 32-bit
 * (W) forms, stack-pointer and register-based loads and stores (integer and
 * double), branches, jumps and links. Exits with 0, or the number of the
 * first wrong case.
 */
#include "htif.h"

#define MSTATUS_FS_INITIAL 0x2000

    .option rvc
    .text
    .globl run_test
run_test:
    mv      s9, ra
    li      t0, MSTATUS_FS_INITIAL
    csrs    mstatus, t0

    TEST_CASE(1, a0, 31, c.li a0, 31)
    TEST_CASE(2, a0, 0xffffffffffffffe0, c.li a0, -32)
    TEST_CASE(3, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
    TEST_CASE(4, a0, 0x1f000, c.lui a0, 0x1f)
    TEST_CASE(5, a0, 0x8000000000000000, c.li a0, 1; c.slli a0, 63)
    TEST_CASE(6, a0, 0xffffffffffffffff, c.srai a0, 63)
    TEST_CASE(7, a0, 0x1, c.srli a0, 63)
    TEST_CASE(8, a0, 0xffffffffffffffe1, c.addi a0, -32)
    TEST_CASE(9, a0, 0xffffffffffffffe0, c.andi a0, -2)
    TEST_CASE(10, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
    TEST_CASE(11, a0, 0x0000000000000005, li a0, 0xffffffff00000004; c.addiw a0, 1)
    TEST_CASE(12, a1, 12, c.li a0, 5; c.li a1, 7; c.add a1, a0)
    TEST_CASE(13, a1, 5, c.mv a1, a0)
    TEST_CASE(14, a1, 0xfffffffffffffffe, c.li a0, 7; c.li a1, 5; c.sub a1, a0)
    TEST_CASE(15, a1, 0x6, c.li a0, 3; c.li a1, 5; c.xor a1, a0)
    TEST_CASE(16, a1, 0x7, c.li a0, 3; c.li a1, 5; c.or a1, a0)
    TEST_CASE(17, a1, 0x1, c.li a0, 3; c.li a1, 5; c.and a1, a0)
    TEST_CASE(18, a1, 0xffffffff80000000, li a0, 1; li a1, 0x7fffffff; c.addw a1, a0)
    TEST_CASE(19, a1, 0x000000007fffffff, li a0, 1; li a1, 0x80000000; c.subw a1, a0)
    TEST_CASE(20, a0, 0xfffffffffffff000, mv t0, sp; c.addi16sp sp, -64; sub a0, sp, t0; slli a0, a0, 6; c.addi16sp sp, 64)

    /* Stack-pointer-relative stores and loads. */
    c.addi16sp sp, -32
    TEST_CASE(21, a0, 0xffffffff80000001, li a1, 0x80000001; c.swsp a1, 4(sp); c.lwsp a0, 4(sp))
    TEST_CASE(22, a0, 0x123456789abcdef0, li a1, 0x123456789abcdef0; c.sdsp a1, 8(sp); c.ldsp a0, 8(sp))
    TEST_CASE(23, a0, 0x4009000000000000, li a1, 0x4009000000000000; fmv.d.x fa1, a1; c.fsdsp fa1, 16(sp); c.fldsp fa0, 16(sp); fmv.x.d a0, fa0)
    TEST_CASE(24, a0, 0x0000000000000000, c.addi4spn a1, sp, 24; sub a0, a1, sp; addi a0, a0, -24)

    /* Register-based stores and loads (registers x8..x15 only). */
    TEST_CASE(25, a0, 0xfffffffffedcba98, mv s0, sp; li a1, 0xfedcba98; c.sw a1, 0(s0); c.lw a0, 0(s0))
    TEST_CASE(26, a0, 0x0fedcba987654321, li a1, 0x0fedcba987654321; c.sd a1, 8(s0); c.ld a0, 8(s0))
    TEST_CASE(27, a0, 0xc000000000000000, li a1, 0xc000000000000000; fmv.d.x fa1, a1; c.fsd fa1, 16(s0); c.fld fa0, 16(s0); fmv.x.d a0, fa0)
    c.addi16sp sp, 32

    /* Control transfer: a wrong path always reaches test_fail. */
    li      TESTNUM, 28
    c.li    a0, 0
    c.beqz  a0, 1f
    j       test_fail
1:  c.bnez  a0, 2f
    c.j     3f
2:  j       test_fail
3:  li      TESTNUM, 29
    la      a1, 4f
    c.jr    a1
    j       test_fail
4:  li      TESTNUM, 30
    la      a1, 6f
    c.jalr  a1
5:  j       test_fail
6:  la      a2, 5b
    bne     ra, a2, test_fail

    mv      ra, s9
    li      a0, 0
    ret
