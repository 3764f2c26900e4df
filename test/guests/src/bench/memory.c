/*
 * Memory traffic: word and byte copy loops (the guest's own memcpy and
 * memset), loads and stores of every width, signed and unsigned, over two
 * 16 KiB buffers.
 */
#include "bench.h"

#define BUFFER_BYTES 16384
#define BUFFER_WORDS (BUFFER_BYTES / 8)

/* A 64-bit word that may alias any other type, for the word-wise copies. */
typedef uint64_t __attribute__((may_alias)) alias_word;

static uint64_t source[BUFFER_WORDS];
static uint64_t target[BUFFER_WORDS];

void *memcpy(void *dest, const void *src, size_t count)
{
    uint8_t *to = dest;
    const uint8_t *from = src;
    if ((((uintptr_t)to | (uintptr_t)from) & 7) == 0) {
        for (; count >= 8; count -= 8, to += 8, from += 8) {
            *(alias_word *)to = *(const alias_word *)from;
        }
    }
    while (count-- > 0) {
        *to++ = *from++;
    }
    return dest;
}

void *memset(void *dest, int value, size_t count)
{
    uint8_t *to = dest;
    uint64_t pattern = (uint8_t)value * 0x0101010101010101ull;
    if (((uintptr_t)to & 7) == 0) {
        for (; count >= 8; count -= 8, to += 8) {
            *(alias_word *)to = pattern;
        }
    }
    while (count-- > 0) {
        *to++ = (uint8_t)value;
    }
    return dest;
}

/* Sums the buffer read as signed bytes, unsigned halves, signed words and doublewords. */
static uint64_t sum_all_widths(const void *buffer)
{
    const int8_t *bytes = buffer;
    const uint16_t *halves = buffer;
    const int32_t *words = buffer;
    const uint64_t *doubles = buffer;
    uint64_t sum = 0;
    for (unsigned i = 0; i < BUFFER_BYTES; i += 8) {
        sum += (uint64_t)(int64_t)bytes[i] + halves[i / 2 + 1] + (uint64_t)(int64_t)words[i / 4 + 1];
        sum ^= doubles[i / 8];
    }
    return sum;
}

/* Mixes the two buffers with 16- and 32-bit stores (unsigned and signed). */
static void blend(uint16_t *into, const int32_t *from, unsigned round)
{
    for (unsigned i = 0; i < BUFFER_BYTES / 4; i++) {
        into[i] = (uint16_t)(into[i] * 3u + (uint32_t)from[i] + round);
    }
}

uint64_t bench_memory(unsigned rounds)
{
    uint64_t state = 0xfeedfacecafebeefull;
    uint64_t digest = 0;
    uint8_t *source_bytes = (uint8_t *)source;
    uint8_t *target_bytes = (uint8_t *)target;
    for (unsigned i = 0; i < BUFFER_WORDS; i++) {
        source[i] = xorshift64(&state);
    }
    for (unsigned round = 0; round < rounds; round++) {
        unsigned skew = 1 + round % 7;
        memcpy(target, source, BUFFER_BYTES);
        memcpy(target_bytes + skew, source_bytes + 2 * skew, BUFFER_BYTES - 2 * skew);
        memset(target_bytes + BUFFER_BYTES / 2, (int)round, BUFFER_BYTES / 8);
        blend((uint16_t *)source, (const int32_t *)target, round);
        digest = digest_mix(digest, sum_all_widths(target));
        digest = digest_mix(digest, sum_all_widths(source));
    }
    return digest;
}
