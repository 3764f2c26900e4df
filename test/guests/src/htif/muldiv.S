/*
 * muldiv: checks every M-extension instruction against results computed
 * from the ISA specification, including division by zero, signed overflow
 * and the sign extension of the 32-bit forms. Exits with 0 when all agree,
 * otherwise with the number of the first wrong case.
 */
#include "htif.h"

    .text
    .globl run_test
run_test:
    TEST_CASE(1, a0, 0x2236d88fe5618cf0, li a1, 0x123456789abcdef0; li a2, 0x0fedcba987654321; mul a0, a1, a2)
    TEST_CASE(2, a0, 0xffffffffffffffd6, li a1, 0xfffffffffffffff9; li a2, 0x0000000000000006; mul a0, a1, a2)
    TEST_CASE(3, a0, 0xffffffffffffffff, li a1, 0xfffffffffffffffe; li a2, 0x0000000000000003; mulh a0, a1, a2)
    TEST_CASE(4, a0, 0x3fffffffffffffff, li a1, 0x7fffffffffffffff; li a2, 0x7fffffffffffffff; mulh a0, a1, a2)
    TEST_CASE(5, a0, 0x4000000000000000, li a1, 0x8000000000000000; li a2, 0x8000000000000000; mulh a0, a1, a2)
    TEST_CASE(6, a0, 0xffffffffffffffff, li a1, 0xffffffffffffffff; li a2, 0xffffffffffffffff; mulhsu a0, a1, a2)
    TEST_CASE(7, a0, 0x121fa00ad77d7422, li a1, 0x123456789abcdef0; li a2, 0xfedcba9876543210; mulhsu a0, a1, a2)
    TEST_CASE(8, a0, 0xfffffffffffffffe, li a1, 0xffffffffffffffff; li a2, 0xffffffffffffffff; mulhu a0, a1, a2)
    TEST_CASE(9, a0, 0x121fa00ad77d7422, li a1, 0x123456789abcdef0; li a2, 0xfedcba9876543210; mulhu a0, a1, a2)
    TEST_CASE(10, a0, 0xfffffffffffffffa, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; div a0, a1, a2)
    TEST_CASE(11, a0, 0xfffffffffffffffa, li a1, 0x0000000000000014; li a2, 0xfffffffffffffffd; div a0, a1, a2)
    TEST_CASE(12, a0, 0x8000000000000000, li a1, 0x8000000000000000; li a2, 0xffffffffffffffff; div a0, a1, a2)
    TEST_CASE(13, a0, 0xffffffffffffffff, li a1, 0x0000000000003039; li a2, 0x0000000000000000; div a0, a1, a2)
    TEST_CASE(14, a0, 0x555555555555554e, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; divu a0, a1, a2)
    TEST_CASE(15, a0, 0xffffffffffffffff, li a1, 0x0000000000003039; li a2, 0x0000000000000000; divu a0, a1, a2)
    TEST_CASE(16, a0, 0xfffffffffffffffe, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; rem a0, a1, a2)
    TEST_CASE(17, a0, 0x0000000000000002, li a1, 0x0000000000000014; li a2, 0xfffffffffffffffd; rem a0, a1, a2)
    TEST_CASE(18, a0, 0x0000000000000000, li a1, 0x8000000000000000; li a2, 0xffffffffffffffff; rem a0, a1, a2)
    TEST_CASE(19, a0, 0xffffffffffffcfc7, li a1, 0xffffffffffffcfc7; li a2, 0x0000000000000000; rem a0, a1, a2)
    TEST_CASE(20, a0, 0x0000000000000002, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; remu a0, a1, a2)
    TEST_CASE(21, a0, 0xffffffffffffcfc7, li a1, 0xffffffffffffcfc7; li a2, 0x0000000000000000; remu a0, a1, a2)
    TEST_CASE(22, a0, 0xfffffffffffffffe, li a1, 0x000000007fffffff; li a2, 0x0000000000000002; mulw a0, a1, a2)
    TEST_CASE(23, a0, 0x000000000000000f, li a1, 0x1234567800000003; li a2, 0xabcdef0000000005; mulw a0, a1, a2)
    TEST_CASE(24, a0, 0xfffffffffffffffa, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; divw a0, a1, a2)
    TEST_CASE(25, a0, 0xffffffff80000000, li a1, 0xffffffff80000000; li a2, 0xffffffffffffffff; divw a0, a1, a2)
    TEST_CASE(26, a0, 0xffffffffffffffff, li a1, 0x0000000100000014; li a2, 0x0000000000000000; divw a0, a1, a2)
    TEST_CASE(27, a0, 0x0000000000000003, li a1, 0xffffffff00000007; li a2, 0x0000000000000002; divw a0, a1, a2)
    TEST_CASE(28, a0, 0x000000005555554e, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; divuw a0, a1, a2)
    TEST_CASE(29, a0, 0xffffffffffffffff, li a1, 0x0000000080000000; li a2, 0x0000000000000000; divuw a0, a1, a2)
    TEST_CASE(30, a0, 0xfffffffffffffffe, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; remw a0, a1, a2)
    TEST_CASE(31, a0, 0x0000000000000000, li a1, 0xffffffff80000000; li a2, 0xffffffffffffffff; remw a0, a1, a2)
    TEST_CASE(32, a0, 0xfffffffffffffff9, li a1, 0x00000001fffffff9; li a2, 0x0000000000000000; remw a0, a1, a2)
    TEST_CASE(33, a0, 0x0000000000000002, li a1, 0xffffffffffffffec; li a2, 0x0000000000000003; remuw a0, a1, a2)
    TEST_CASE(34, a0, 0xffffffff80000005, li a1, 0x0000000080000005; li a2, 0x0000000000000000; remuw a0, a1, a2)
    li      a0, 0
    ret
