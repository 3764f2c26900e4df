/*
 * Multiplication and division: modular exponentiation (mul, remu), high
 * products (mulh, mulhu, mulhsu), signed and unsigned 32- and 64-bit
 * division with negative operands, and Euclid's gcd.
 */
#include "bench.h"

static uint64_t power_mod(uint64_t base, uint64_t exponent, uint32_t modulus)
{
    uint64_t result = 1;
    base %= modulus;
    while (exponent != 0) {
        if (exponent & 1) result = result * base % modulus;
        base = base * base % modulus;
        exponent >>= 1;
    }
    return result;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t high_products(uint64_t a, uint64_t b)
{
    uint64_t unsigned_high = (uint64_t)(((unsigned __int128)a * b) >> 64);
    uint64_t signed_high = (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64);
    uint64_t mixed_high = (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
    return unsigned_high ^ (signed_high << 1) ^ (mixed_high << 2);
}

/*
 * Divisions of both signs. Divisors are never zero and dividends are shifted
 * right at least once, so no quotient overflows and all of them are defined C.
 */
static uint64_t divisions(uint64_t a, uint64_t b)
{
    int64_t signed_a = (int64_t)a >> ((b & 31) | 1);
    int64_t signed_b = ((int64_t)b >> 40) | 1;
    int32_t word_a = (int32_t)a >> 1;
    int32_t word_b = (int32_t)(b >> 16) | 1;
    uint32_t uword_b = (uint32_t)(b >> 8) | 1;
    uint64_t sum = (uint64_t)(signed_a / signed_b) + (uint64_t)(signed_a % signed_b);
    sum ^= (uint64_t)(int64_t)(word_a / word_b) + (uint64_t)(int64_t)(word_a % word_b);
    sum += (uint32_t)a / uword_b + (uint32_t)a % uword_b;
    sum ^= a / (b | 1) + a % ((b >> 3) | 1);
    sum += (uint64_t)((int64_t)((uint64_t)word_a * (uint64_t)word_b));
    sum += (uint64_t)(int64_t)(int32_t)((uint32_t)word_a * (uint32_t)word_b);
    return sum;
}

uint64_t bench_muldiv(unsigned rounds)
{
    uint64_t state = 0x6a09e667f3bcc909ull;
    uint64_t digest = 0;
    for (unsigned round = 0; round < rounds; round++) {
        uint64_t a = xorshift64(&state);
        uint64_t b = xorshift64(&state);
        uint32_t modulus = (uint32_t)(b >> 33) | 0x80000001u;
        digest = digest_mix(digest, power_mod(a, b, modulus));
        digest = digest_mix(digest, gcd(a >> 20, b >> 24) + high_products(a, b));
        digest = digest_mix(digest, divisions(a, b));
    }
    return digest;
}
