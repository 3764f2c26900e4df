/*
 * Single precision: repeated 32x32 matrix products (fmadd.s), then a
 * normalisation that uses fdiv.s, fsqrt.s, fmin.s/fmax.s, sign injection and
 * conversions between float, double and integers.
 */
#include "bench.h"

#define SIZE 32

static float left[SIZE][SIZE];
static float right[SIZE][SIZE];
static float product[SIZE][SIZE];

static uint32_t bits_of(float value)
{
    union { float f; uint32_t u; } pun = { .f = value };
    return pun.u;
}

static void multiply(void)
{
    for (int i = 0; i < SIZE; i++) {
        for (int j = 0; j < SIZE; j++) {
            float sum = 0;
            for (int k = 0; k < SIZE; k++) {
                sum += left[i][k] * right[k][j];
            }
            product[i][j] = sum;
        }
    }
}

/* fmin.s and fmax.s: GCC 12 calls libm for fminf/fmaxf, which this guest does not link. */
static float min_of(float a, float b)
{
    float result;
    __asm__("fmin.s %0, %1, %2" : "=f"(result) : "f"(a), "f"(b));
    return result;
}

static float max_of(float a, float b)
{
    float result;
    __asm__("fmax.s %0, %1, %2" : "=f"(result) : "f"(a), "f"(b));
    return result;
}

/* Squashes the product into [-1, 1] and feeds it back as the next left factor. */
static uint64_t normalise(void)
{
    uint64_t digest = 0;
    double total = 0;
    for (int i = 0; i < SIZE; i++) {
        for (int j = 0; j < SIZE; j++) {
            float value = product[i][j];
            float squashed = value / (1.0f + __builtin_sqrtf(__builtin_fabsf(value)));
            squashed = max_of(-1.0f, min_of(1.0f, squashed));
            left[i][j] = __builtin_copysignf(squashed, -value);
            total += (double)squashed;
            digest += (uint64_t)(int64_t)(int32_t)(squashed * 1000.0f) + bits_of(value);
        }
    }
    return digest ^ (uint64_t)(int64_t)(total * 65536.0);
}

uint64_t bench_matmul(unsigned rounds)
{
    uint64_t state = 0xbb67ae8584caa73bull;
    for (int i = 0; i < SIZE; i++) {
        for (int j = 0; j < SIZE; j++) {
            left[i][j] = (float)(int32_t)(xorshift64(&state) >> 48) / 32768.0f;
            right[i][j] = (float)(uint32_t)(xorshift64(&state) >> 54) / 512.0f - 1.0f;
        }
    }
    uint64_t digest = 0;
    for (unsigned round = 0; round < rounds; round++) {
        multiply();
        digest = digest_mix(digest, normalise());
    }
    return digest;
}
