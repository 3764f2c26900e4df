/*
 * fpu: checks F and D results bit for bit against IEEE 754 values computed
 * on the host, and the accrued exception flags (fflags) after each
 * operation: rounding modes, canonical NaNs, NaN boxing, signalling versus
 * quiet comparisons, saturating conversions. Exits with 0, or the number of
 * the first wrong case.
 */
#include "htif.h"

#define MSTATUS_FS_INITIAL 0x2000

    .text
    .globl run_test
run_test:
    li      t0, MSTATUS_FS_INITIAL
    csrs    mstatus, t0
    csrw    fcsr, zero
    /* fadd.d */
    TEST_CASE(1, a0, 0x400e000000000000, li t0, 0x3ff8000000000000; fmv.d.x fa0, t0; li t0, 0x4002000000000000; fmv.d.x fa1, t0; fadd.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* fadd.d flags */
    TEST_CASE(2, a0, 0x0000000000000000, csrrw a0, fflags, zero)
    /* fdiv.d */
    TEST_CASE(3, a0, 0x3fd5555555555555, li t0, 0x3ff0000000000000; fmv.d.x fa0, t0; li t0, 0x4008000000000000; fmv.d.x fa1, t0; fdiv.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* fdiv.d flags */
    TEST_CASE(4, a0, 0x0000000000000001, csrrw a0, fflags, zero)
    /* fdiv.d by 0 */
    TEST_CASE(5, a0, 0x7ff0000000000000, li t0, 0x3ff0000000000000; fmv.d.x fa0, t0; li t0, 0x0000000000000000; fmv.d.x fa1, t0; fdiv.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* fdiv.d by 0 flags */
    TEST_CASE(6, a0, 0x0000000000000008, csrrw a0, fflags, zero)
    /* fmul.d overflow */
    TEST_CASE(7, a0, 0x7ff0000000000000, li t0, 0x7e37e43c8800759c; fmv.d.x fa0, t0; li t0, 0x7e37e43c8800759c; fmv.d.x fa1, t0; fmul.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* fmul.d overflow flags */
    TEST_CASE(8, a0, 0x0000000000000005, csrrw a0, fflags, zero)
    /* fmin.d -0 +0 */
    TEST_CASE(9, a0, 0x8000000000000000, li t0, 0x0000000000000000; fmv.d.x fa0, t0; li t0, 0x8000000000000000; fmv.d.x fa1, t0; fmin.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* fmin.d -0 +0 flags */
    TEST_CASE(10, a0, 0x0000000000000000, csrrw a0, fflags, zero)
    /* fmax.d qnan */
    TEST_CASE(11, a0, 0x3ff0000000000000, li t0, 0x7ff8000000000000; fmv.d.x fa0, t0; li t0, 0x3ff0000000000000; fmv.d.x fa1, t0; fmax.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* fsqrt.d 2 */
    TEST_CASE(12, a0, 0x3ff6a09e667f3bcd, li t0, 0x4000000000000000; fmv.d.x fa0, t0; fsqrt.d fa1, fa0; fmv.x.d a0, fa1)
    /* fsqrt flags */
    TEST_CASE(13, a0, 0x0000000000000001, csrrw a0, fflags, zero)
    /* fsqrt.d -1 canonical nan */
    TEST_CASE(14, a0, 0x7ff8000000000000, li t0, 0xbff0000000000000; fmv.d.x fa0, t0; fsqrt.d fa1, fa0; fmv.x.d a0, fa1)
    /* fsqrt -1 flags */
    TEST_CASE(15, a0, 0x0000000000000010, csrrw a0, fflags, zero)
    /* fmadd.d */
    TEST_CASE(16, a0, 0x401c000000000000, li t0, 0x4000000000000000; fmv.d.x fa0, t0; li t0, 0x4008000000000000; fmv.d.x fa1, t0; li t0, 0x3ff0000000000000; fmv.d.x fa2, t0; fmadd.d fa3, fa0, fa1, fa2; fmv.x.d a0, fa3)
    /* fnmsub.d = -(a*b)+c */
    TEST_CASE(17, a0, 0xc014000000000000, li t0, 0x4000000000000000; fmv.d.x fa0, t0; li t0, 0x4008000000000000; fmv.d.x fa1, t0; li t0, 0x3ff0000000000000; fmv.d.x fa2, t0; fnmsub.d fa3, fa0, fa1, fa2; fmv.x.d a0, fa3)
    /* fcvt.w.d saturates */
    TEST_CASE(18, a0, 0x000000007fffffff, li t0, 0x4202a05f20000000; fmv.d.x fa0, t0; fcvt.w.d a0, fa0, rtz)
    /* fcvt.w.d flags */
    TEST_CASE(19, a0, 0x0000000000000010, csrrw a0, fflags, zero)
    /* fcvt.l.d -2.5 rne */
    TEST_CASE(20, a0, 0xfffffffffffffffe, li t0, 0xc004000000000000; fmv.d.x fa0, t0; fcvt.l.d a0, fa0, rne)
    /* fcvt.l.d -2.5 rtz */
    TEST_CASE(21, a0, 0xfffffffffffffffe, li t0, 0xc004000000000000; fmv.d.x fa0, t0; fcvt.l.d a0, fa0, rtz)
    /* fcvt.l.d -2.5 rdn */
    TEST_CASE(22, a0, 0xfffffffffffffffd, li t0, 0xc004000000000000; fmv.d.x fa0, t0; fcvt.l.d a0, fa0, rdn)
    /* fcvt.l.d -2.5 rup */
    TEST_CASE(23, a0, 0xfffffffffffffffe, li t0, 0xc004000000000000; fmv.d.x fa0, t0; fcvt.l.d a0, fa0, rup)
    /* fcvt.l.d -2.5 rmm */
    TEST_CASE(24, a0, 0xfffffffffffffffd, li t0, 0xc004000000000000; fmv.d.x fa0, t0; fcvt.l.d a0, fa0, rmm)
    /* fcvt.l.d flags */
    TEST_CASE(25, a0, 0x0000000000000001, csrrw a0, fflags, zero)
    /* fcvt.d.w */
    TEST_CASE(26, a0, 0xc014000000000000, li t0, -5; fcvt.d.w fa0, t0; fmv.x.d a0, fa0)
    /* fcvt.s.d */
    TEST_CASE(27, a0, 0x000000003eaaaaab, li t0, 0x3fd5555555555555; fmv.d.x fa0, t0; fcvt.s.d fa1, fa0; fmv.x.w a0, fa1)
    /* fcvt.s.d flags */
    TEST_CASE(28, a0, 0x0000000000000001, csrrw a0, fflags, zero)
    /* fmv.x.w sign extends */
    TEST_CASE(29, a0, 0xffffffffbf800000, li t0, 0xbf800000; fmv.w.x fa0, t0; fmv.x.w a0, fa0)
    /* fmv.w.x nan-boxes */
    TEST_CASE(30, a0, 0xffffffff3f800000, li t0, 0x3f800000; fmv.w.x fa0, t0; fmv.x.d a0, fa0)
    /* unboxed single reads as canonical nan */
    TEST_CASE(31, a0, 0x000000007fc00000, li t0, 0x3ff0000000000000; fmv.d.x fa0, t0; fadd.s fa1, fa0, fa0; fmv.x.w a0, fa1)
    /* fadd.s */
    TEST_CASE(32, a0, 0x000000003e99999a, li t0, 0x3dcccccd; fmv.w.x fa0, t0; li t0, 0x3e4ccccd; fmv.w.x fa1, t0; fadd.s fa2, fa0, fa1; fmv.x.w a0, fa2)
    /* fadd.s flags */
    TEST_CASE(33, a0, 0x0000000000000001, csrrw a0, fflags, zero)
    /* fcvt.d.s */
    TEST_CASE(34, a0, 0x4008000000000000, li t0, 0x40400000; fmv.w.x fa0, t0; fcvt.d.s fa1, fa0; fmv.x.d a0, fa1)
    /* fclass -inf */
    TEST_CASE(35, a0, 0x0000000000000001, li t0, 0xfff0000000000000; fmv.d.x fa0, t0; fclass.d a0, fa0)
    /* fclass +0 */
    TEST_CASE(36, a0, 0x0000000000000010, fmv.d.x fa0, zero; fclass.d a0, fa0)
    /* fclass qnan */
    TEST_CASE(37, a0, 0x0000000000000200, li t0, 0x7ff8000000000000; fmv.d.x fa0, t0; fclass.d a0, fa0)
    /* fclass snan */
    TEST_CASE(38, a0, 0x0000000000000100, li t0, 0x7ff0000000000001; fmv.d.x fa0, t0; fclass.d a0, fa0)
    /* feq qnan */
    TEST_CASE(39, a0, 0x0000000000000000, li t0, 0x7ff8000000000000; fmv.d.x fa0, t0; feq.d a0, fa0, fa0)
    /* feq quiet */
    TEST_CASE(40, a0, 0x0000000000000000, csrrw a0, fflags, zero)
    /* flt qnan */
    TEST_CASE(41, a0, 0x0000000000000000, li t0, 0x7ff8000000000000; fmv.d.x fa0, t0; flt.d a0, fa0, fa0)
    /* flt signals */
    TEST_CASE(42, a0, 0x0000000000000010, csrrw a0, fflags, zero)
    /* fsgnjx.d */
    TEST_CASE(43, a0, 0xbff0000000000000, li t0, 0x3ff0000000000000; fmv.d.x fa0, t0; li t0, 0xc000000000000000; fmv.d.x fa1, t0; fsgnjx.d fa2, fa0, fa1; fmv.x.d a0, fa2)
    /* dynamic rounding rdn */
    TEST_CASE(44, a0, 0x0000000000000002, csrwi frm, 2; li t0, 0x4004000000000000; fmv.d.x fa0, t0; fcvt.l.d a0, fa0; csrwi frm, 0)
    /* fcsr = frm 0 | flags */
    TEST_CASE(45, a0, 0x0000000000000001, csrr a0, fcsr)
    li      a0, 0
    ret
