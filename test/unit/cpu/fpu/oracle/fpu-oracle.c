/*
 * Hardware oracle for the dejavm soft-float tests.
 *
 * Reads one operation per line from stdin:  <op> <rm> <a> <b> <c>
 * (op a name below, rm 0..3 = RNE RTZ RDN RUP, operands as 64-bit hex bit
 * patterns; single-precision operands in the low 32 bits, integers as 64-bit
 * two's complement). Writes one line per operation: <result> <flags>, the
 * result as 64-bit hex bits (single results in the low 32 bits, integer
 * results as 64-bit two's complement) and the flags in RISC-V fflags order
 * (NV 0x10, DZ 0x08, OF 0x04, UF 0x02, NX 0x01).
 *
 * x86-64 SSE implements IEEE 754 with tininess detected after rounding, as
 * RISC-V does; glibc's fma/fmaf are correctly rounded with exact flags.
 * Build: gcc -O0 -frounding-math -fno-fast-math fpu-oracle.c -lm
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const int modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static float f32(uint64_t bits) {
  uint32_t w = (uint32_t)bits;
  float v;
  memcpy(&v, &w, 4);
  return v;
}

static double f64(uint64_t bits) {
  double v;
  memcpy(&v, &bits, 8);
  return v;
}

static uint64_t bits32(float v) {
  uint32_t w;
  memcpy(&w, &v, 4);
  return w;
}

static uint64_t bits64(double v) {
  uint64_t w;
  memcpy(&w, &v, 8);
  return w;
}

static int riscv_flags(void) {
  int e = fetestexcept(FE_ALL_EXCEPT);
  return (e & FE_INVALID ? 0x10 : 0) | (e & FE_DIVBYZERO ? 0x08 : 0) | (e & FE_OVERFLOW ? 0x04 : 0) |
         (e & FE_UNDERFLOW ? 0x02 : 0) | (e & FE_INEXACT ? 0x01 : 0);
}

/* Rounds to a 64-bit unsigned integer in the current mode (callers keep x in range). */
static uint64_t to_u64(double x) {
  if (x >= 9223372036854775808.0) return (uint64_t)llrint(x - 9223372036854775808.0) + 0x8000000000000000ull;
  return (uint64_t)llrint(x);
}

static uint64_t compute(const char *op, uint64_t a, uint64_t b, uint64_t c) {
  volatile float fa = f32(a), fb = f32(b), fc = f32(c);
  volatile double da = f64(a), db = f64(b), dc = f64(c);
  volatile int64_t ia = (int64_t)a;
  volatile uint64_t ua = a;
  volatile int32_t wa = (int32_t)(uint32_t)a;
  volatile uint32_t wua = (uint32_t)a;
  if (!strcmp(op, "fadd_s")) return bits32(fa + fb);
  if (!strcmp(op, "fsub_s")) return bits32(fa - fb);
  if (!strcmp(op, "fmul_s")) return bits32(fa * fb);
  if (!strcmp(op, "fdiv_s")) return bits32(fa / fb);
  if (!strcmp(op, "fsqrt_s")) return bits32(sqrtf(fa));
  if (!strcmp(op, "fmadd_s")) return bits32(fmaf(fa, fb, fc));
  if (!strcmp(op, "fmsub_s")) return bits32(fmaf(fa, fb, -fc));
  if (!strcmp(op, "fnmsub_s")) return bits32(fmaf(-fa, fb, fc));
  if (!strcmp(op, "fnmadd_s")) return bits32(fmaf(-fa, fb, -fc));
  if (!strcmp(op, "fadd_d")) return bits64(da + db);
  if (!strcmp(op, "fsub_d")) return bits64(da - db);
  if (!strcmp(op, "fmul_d")) return bits64(da * db);
  if (!strcmp(op, "fdiv_d")) return bits64(da / db);
  if (!strcmp(op, "fsqrt_d")) return bits64(sqrt(da));
  if (!strcmp(op, "fmadd_d")) return bits64(fma(da, db, dc));
  if (!strcmp(op, "fmsub_d")) return bits64(fma(da, db, -dc));
  if (!strcmp(op, "fnmsub_d")) return bits64(fma(-da, db, dc));
  if (!strcmp(op, "fnmadd_d")) return bits64(fma(-da, db, -dc));
  if (!strcmp(op, "fcvt_w_s") || !strcmp(op, "fcvt_l_s")) return (uint64_t)llrint(fa);
  if (!strcmp(op, "fcvt_wu_s") || !strcmp(op, "fcvt_lu_s")) return to_u64(fa);
  if (!strcmp(op, "fcvt_w_d") || !strcmp(op, "fcvt_l_d")) return (uint64_t)llrint(da);
  if (!strcmp(op, "fcvt_wu_d") || !strcmp(op, "fcvt_lu_d")) return to_u64(da);
  if (!strcmp(op, "fcvt_s_w")) return bits32((float)wa);
  if (!strcmp(op, "fcvt_s_wu")) return bits32((float)wua);
  if (!strcmp(op, "fcvt_s_l")) return bits32((float)ia);
  if (!strcmp(op, "fcvt_s_lu")) return bits32((float)ua);
  if (!strcmp(op, "fcvt_d_w")) return bits64((double)wa);
  if (!strcmp(op, "fcvt_d_wu")) return bits64((double)wua);
  if (!strcmp(op, "fcvt_d_l")) return bits64((double)ia);
  if (!strcmp(op, "fcvt_d_lu")) return bits64((double)ua);
  if (!strcmp(op, "fcvt_s_d")) return bits32((float)da);
  if (!strcmp(op, "fcvt_d_s")) return bits64((double)fa);
  fprintf(stderr, "fpu-oracle: unknown op %s\n", op);
  return 0;
}

int main(void) {
  char op[32];
  int rm;
  unsigned long long a, b, c;
  while (scanf("%31s %d %llx %llx %llx", op, &rm, &a, &b, &c) == 5) {
    if (rm < 0 || rm > 3) {
      fprintf(stderr, "fpu-oracle: rounding mode %d has no x86 equivalent\n", rm);
      return 2;
    }
    fesetround(modes[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    uint64_t result = compute(op, a, b, c);
    int flags = riscv_flags();
    fesetround(FE_TONEAREST);
    printf("%016llx %x\n", (unsigned long long)result, flags);
  }
  return 0;
}
