/*
 * A small open-addressing hash table (linear probing, multiplicative hash):
 * inserts, updates and lookups of pseudo-random keys, present and absent.
 */
#include "bench.h"

#define SLOT_BITS 12
#define SLOT_COUNT (1u << SLOT_BITS)
#define KEYS_PER_ROUND 3000u

struct slot {
    uint64_t key;   /* 0 marks an empty slot */
    uint32_t value;
    uint32_t hits;
};

static struct slot table[SLOT_COUNT];

static unsigned slot_of(uint64_t key)
{
    return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> (64 - SLOT_BITS));
}

static struct slot *find_or_insert(uint64_t key)
{
    unsigned index = slot_of(key);
    while (table[index].key != key && table[index].key != 0) {
        index = (index + 1) & (SLOT_COUNT - 1);
    }
    table[index].key = key;
    return &table[index];
}

static const struct slot *lookup(uint64_t key)
{
    unsigned index = slot_of(key);
    while (table[index].key != 0) {
        if (table[index].key == key) {
            return &table[index];
        }
        index = (index + 1) & (SLOT_COUNT - 1);
    }
    return NULL;
}

uint64_t bench_hash(unsigned rounds)
{
    uint64_t digest = 0;
    for (unsigned round = 0; round < rounds; round++) {
        uint64_t state = 0x2545f4914f6cdd1dull + round;
        memset(table, 0, sizeof table);
        for (unsigned i = 0; i < KEYS_PER_ROUND; i++) {
            /* Keys from a small range so that some repeat and update. */
            uint64_t key = 1 + xorshift64(&state) % (KEYS_PER_ROUND * 2);
            struct slot *slot = find_or_insert(key);
            slot->value += i;
            slot->hits++;
        }
        uint64_t found = 0;
        uint64_t sum = 0;
        for (uint64_t key = 1; key <= KEYS_PER_ROUND * 2; key++) {
            const struct slot *slot = lookup(key);
            if (slot != NULL) {
                found++;
                sum += (uint64_t)slot->value * slot->hits;
            }
        }
        digest = digest_mix(digest, found << 32 ^ sum);
    }
    return digest;
}
