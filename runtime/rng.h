/*
 * rng.h — the one source of random bytes for generated values (UUID and
 * token fills, `set ... uuid/token`, check-time fresh values).
 *
 * Seeded (--seed N): xoshiro256** whose state is filled from N by
 * splitmix64, so the same sequence of draws gives the same bytes on every
 * machine.  Unseeded: getrandom(2) (falls back to /dev/urandom).
 *
 * The state is process-wide and owned by main (the app): rng_seed() /
 * rng_use_os() once at start-up, before serving.  rng_reset() restarts a
 * seeded sequence from its seed (for an admin reset); unseeded it does
 * nothing.  Single-threaded use only (the event loop).
 *
 * rng_gen is the same generator as a value, for a module that needs its own
 * independent sequence (the fault schedule, faults.h): the global state is
 * one of these, so both give the same numbers from the same seed.  Owned by
 * whoever embeds it; nothing here allocates.
 */
#ifndef SM_RNG_H
#define SM_RNG_H

#include <stddef.h>
#include <stdint.h>

void rng_seed(uint64_t seed);
void rng_use_os(void);
/* Seeded: back to the first draw after rng_seed(seed). */
void rng_reset(void);
/* 1 when seeded. */
int rng_seeded(void);
/* n random bytes; never fails.  Seeded, each call consumes whole 64-bit
 * words (leftover bytes are dropped), so draws depend only on the call
 * sequence. */
void rng_bytes(void *buf, size_t n);

/* One xoshiro256** state (never all zero once seeded). */
typedef struct rng_gen {
    uint64_t s[4];
} rng_gen;

/* The state rng_seed(seed) uses: splitmix64 from seed. */
void rng_gen_seed(rng_gen *g, uint64_t seed);
/* A state filled from the OS's randomness. */
void rng_gen_os(rng_gen *g);
/* The next 64-bit output. */
uint64_t rng_gen_next(rng_gen *g);
/* Uniform in [0, n) without bias (rejection of the 2^64 mod n lowest
 * outputs); n >= 1.  One draw, another only on a rejection (probability
 * below n / 2^64). */
uint64_t rng_gen_below(rng_gen *g, uint64_t n);
/* Uniform in [0, 1) with 53 bits (one draw). */
double rng_gen_unit(rng_gen *g);

/* The global generator's position, to undo the draws of a refused admin
 * reset. */
typedef rng_gen rng_state;
void rng_save(rng_state *out);
void rng_restore(const rng_state *in);

#endif
