/*
 * QEMU oracle for the dejavm soft-float tests: a bare-metal RV64GC program
 * for QEMU's virt board that runs F/D instructions on given operands and
 * prints what the emulated hart produced, so the tests compare with QEMU's
 * softfloat itself (NaN rules, RMM, saturating conversions included).
 *
 * Input: loaded by `-device loader` at CASES_ADDR: a little-endian u64 count,
 * then `count` records of { u32 op, u32 rm, u64 a, u64 b, u64 c }. Operands
 * are raw 64-bit register contents (f registers written with fmv.d.x, so
 * NaN-boxing is up to the caller; x operands as is).
 * Output through semihosting (SYS_WRITE0, which QEMU prints on its stderr): a line "ops <name> <name> ..." giving the op numbering,
 * then per record "<result hex> <fflags hex>" (the whole 64-bit destination
 * register, f or x), then "done"; the test finisher then powers off.
 *
 * Build: riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany
 *        -O1 -ffreestanding -nostdlib -T riscv-oracle.ld riscv-oracle.c
 */
#include <stdint.h>

#define CASES_ADDR 0x80200000ul

/* Operation kinds: operand and result register files. */
#define FF2(insn) asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2" \
                               : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2")
#define FF1(insn) asm volatile("fmv.d.x ft0, %1\n\t" insn " ft2, ft0\n\tfmv.x.d %0, ft2" : "=r"(r) : "r"(a) : "ft0", "ft2")
#define FF3(insn) asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\t" insn " ft3, ft0, ft1, ft2\n\t" \
                               "fmv.x.d %0, ft3" : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define XF1(insn) asm volatile("fmv.d.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r) : "r"(a) : "ft0")
#define XF2(insn) asm volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1" : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1")
#define FX1(insn) asm volatile(insn " ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(a) : "ft0")

#define OPS(X)                                                                                                   \
  X(fadd_s, FF2, "fadd.s") X(fsub_s, FF2, "fsub.s") X(fmul_s, FF2, "fmul.s") X(fdiv_s, FF2, "fdiv.s")            \
  X(fsqrt_s, FF1, "fsqrt.s") X(fmin_s, FF2, "fmin.s") X(fmax_s, FF2, "fmax.s")                                    \
  X(fmadd_s, FF3, "fmadd.s") X(fmsub_s, FF3, "fmsub.s") X(fnmsub_s, FF3, "fnmsub.s") X(fnmadd_s, FF3, "fnmadd.s") \
  X(fcvt_w_s, XF1, "fcvt.w.s") X(fcvt_wu_s, XF1, "fcvt.wu.s") X(fcvt_l_s, XF1, "fcvt.l.s")                        \
  X(fcvt_lu_s, XF1, "fcvt.lu.s") X(feq_s, XF2, "feq.s") X(flt_s, XF2, "flt.s") X(fle_s, XF2, "fle.s")             \
  X(fclass_s, XF1, "fclass.s") X(fcvt_s_w, FX1, "fcvt.s.w") X(fcvt_s_wu, FX1, "fcvt.s.wu")                        \
  X(fcvt_s_l, FX1, "fcvt.s.l") X(fcvt_s_lu, FX1, "fcvt.s.lu")                                                     \
  X(fadd_d, FF2, "fadd.d") X(fsub_d, FF2, "fsub.d") X(fmul_d, FF2, "fmul.d") X(fdiv_d, FF2, "fdiv.d")            \
  X(fsqrt_d, FF1, "fsqrt.d") X(fmin_d, FF2, "fmin.d") X(fmax_d, FF2, "fmax.d")                                    \
  X(fmadd_d, FF3, "fmadd.d") X(fmsub_d, FF3, "fmsub.d") X(fnmsub_d, FF3, "fnmsub.d") X(fnmadd_d, FF3, "fnmadd.d") \
  X(fcvt_w_d, XF1, "fcvt.w.d") X(fcvt_wu_d, XF1, "fcvt.wu.d") X(fcvt_l_d, XF1, "fcvt.l.d")                        \
  X(fcvt_lu_d, XF1, "fcvt.lu.d") X(feq_d, XF2, "feq.d") X(flt_d, XF2, "flt.d") X(fle_d, XF2, "fle.d")             \
  X(fclass_d, XF1, "fclass.d") X(fcvt_d_w, FX1, "fcvt.d.w") X(fcvt_d_wu, FX1, "fcvt.d.wu")                        \
  X(fcvt_d_l, FX1, "fcvt.d.l") X(fcvt_d_lu, FX1, "fcvt.d.lu")                                                     \
  X(fcvt_s_d, FF1, "fcvt.s.d") X(fcvt_d_s, FF1, "fcvt.d.s")

#define ENUM(name, kind, insn) OP_##name,
enum { OPS(ENUM) OP_COUNT };

#define NAME(name, kind, insn) #name,
static const char *const names[] = { OPS(NAME) };

struct record {
  uint32_t op;
  uint32_t rm;
  uint64_t a, b, c;
};

/* Output is buffered and written with the semihosting SYS_WRITE0 call: one host write per buffer. */
static char out[1 << 16];
static unsigned out_len;

static void flush(void) {
  out[out_len] = 0;
  register uint64_t a0 asm("a0") = 0x04; /* SYS_WRITE0 */
  register uint64_t a1 asm("a1") = (uint64_t)out;
  asm volatile(".option push\n\t.option norvc\n\t.balign 16\n\t"
               "slli zero, zero, 0x1f\n\tebreak\n\tsrai zero, zero, 7\n\t.option pop"
               : "+r"(a0) : "r"(a1) : "memory");
  out_len = 0;
}

static void put_char(char ch) {
  if (out_len == sizeof out - 1) flush();
  out[out_len++] = ch;
}

static void put_string(const char *s) {
  while (*s) put_char(*s++);
}

static void put_hex(uint64_t v) {
  int shift = 60;
  while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) put_char("0123456789abcdef"[(v >> shift) & 0xf]);
}

static uint64_t run(const struct record *rec, uint64_t *flags) {
  uint64_t r = 0, a = rec->a, b = rec->b, c = rec->c;
  asm volatile("csrw frm, %0\n\tcsrw fflags, zero" : : "r"((uint64_t)rec->rm));
  switch (rec->op) {
#define CASE(name, kind, insn) \
  case OP_##name:              \
    kind(insn);                \
    break;
    OPS(CASE)
  }
  asm volatile("csrr %0, fflags" : "=r"(*flags));
  return r;
}

int main(void) {
  put_string("ops");
  for (int i = 0; i < OP_COUNT; i++) {
    put_char(' ');
    put_string(names[i]);
  }
  put_char('\n');
  uint64_t count = *(volatile uint64_t *)CASES_ADDR;
  const struct record *recs = (const struct record *)(CASES_ADDR + 8);
  for (uint64_t i = 0; i < count; i++) {
    uint64_t flags;
    uint64_t result = run(&recs[i], &flags);
    put_hex(result);
    put_char(' ');
    put_hex(flags);
    put_char('\n');
  }
  put_string("done\n");
  flush();
  return 0;
}

/* Entry in M-mode at 0x80000000: stack, FPU on (mstatus.FS), main, power off. */
__attribute__((naked, section(".text.init"))) void _start(void) {
  asm volatile(
      "csrr t0, mhartid\n\t"
      "bnez t0, 2f\n\t"
      "la sp, __stack_top\n\t"
      "li t0, 0x2000\n\t"
      "csrs mstatus, t0\n\t"
      "call main\n\t"
      "li t0, 0x100000\n\t"
      "li t1, 0x5555\n\t"
      "sw t1, 0(t0)\n"
      "2: wfi\n\t"
      "j 2b");
}
