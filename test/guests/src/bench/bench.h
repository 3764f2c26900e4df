/*
 * The bench guest's workloads and console helpers. Every workload is a pure
 * function of its size argument and returns a 64-bit digest of its results,
 * so the printed checksums are the same on every correct RV64GC machine.
 */
#ifndef DEJAVM_BENCH_H
#define DEJAVM_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Console on UART0. */
void console_puts(const char *text);
void console_put_hex64(uint64_t value);

/* Prints a trap's CSRs; returns the exit status to fail with (crt0 calls it). */
int report_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval);

/* Folds a value into a running digest (order-sensitive). */
static inline uint64_t digest_mix(uint64_t digest, uint64_t value)
{
    digest ^= value + 0x9e3779b97f4a7c15ull + (digest << 6) + (digest >> 2);
    return digest * 0xff51afd7ed558ccdull;
}

/* A 64-bit xorshift generator: the guests' only source of "random" data. */
static inline uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Freestanding replacements the compiler may call for block copies. */
void *memcpy(void *dest, const void *src, size_t count);
void *memset(void *dest, int value, size_t count);

uint64_t bench_integer(unsigned rounds);
uint64_t bench_memory(unsigned rounds);
uint64_t bench_hash(unsigned rounds);
uint64_t bench_sort(unsigned rounds);
uint64_t bench_recursion(unsigned rounds);
uint64_t bench_muldiv(unsigned rounds);
uint64_t bench_nbody(unsigned steps);
uint64_t bench_matmul(unsigned rounds);

#endif
