/*
 * Integer arithmetic and bit manipulation: a bitwise (table-less) CRC-32 and
 * a mix of shifts, rotates, comparisons and 32-bit operations over
 * pseudo-random words.
 */
#include "bench.h"

static uint32_t crc32_update(uint32_t crc, uint8_t byte)
{
    crc ^= byte;
    for (int bit = 0; bit < 8; bit++) {
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc;
}

uint64_t bench_integer(unsigned rounds)
{
    uint64_t state = 0x0123456789abcdefull;
    uint64_t digest = 0;
    for (unsigned round = 0; round < rounds; round++) {
        uint32_t crc = 0xffffffffu;
        uint64_t acc = round;
        for (unsigned i = 0; i < 256; i++) {
            uint64_t word = xorshift64(&state);
            uint32_t low = (uint32_t)word;
            uint32_t high = (uint32_t)(word >> 32);
            int32_t narrow = (int32_t)(low - high) >> (high & 31);
            crc = crc32_update(crc, (uint8_t)word);
            acc += (word >> (low & 63)) ^ (uint64_t)(int64_t)narrow;
            acc = (acc << 7) | (acc >> 57);
            acc ^= (int64_t)word < 0 ? ~acc : acc >> 3;
            acc += (uint64_t)(low < high) + (uint64_t)((int64_t)word < (int64_t)acc);
            acc -= (uint64_t)(uint32_t)(low << (high & 31)) | ((uint64_t)(high >> (low & 31)) << 32);
        }
        digest = digest_mix(digest, acc ^ ((uint64_t)~crc << 32));
    }
    return digest;
}
