/*
 * rng.c — seeded xoshiro256** (Blackman & Vigna) or the OS's randomness;
 * see rng.h.
 */
#include "rng.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static struct {
    int seeded;
    uint64_t seed;
    rng_gen g;
} R;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_gen_next(rng_gen *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void rng_gen_seed(rng_gen *g, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);
}

uint64_t rng_gen_below(rng_gen *g, uint64_t n)
{
    /* Rejection as in OpenBSD's arc4random_uniform: the outputs below
     * 2^64 mod n are the surplus that would favour small results; past
     * them every residue has the same number of preimages. */
    uint64_t min = (0 - n) % n;
    for (;;) {
        uint64_t r = rng_gen_next(g);
        if (r >= min)
            return r % n;
    }
}

double rng_gen_unit(rng_gen *g)
{
    return (double)(rng_gen_next(g) >> 11) * 0x1.0p-53;
}

void rng_seed(uint64_t seed)
{
    R.seeded = 1;
    R.seed = seed;
    rng_gen_seed(&R.g, seed);
}

void rng_use_os(void)
{
    R.seeded = 0;
}

void rng_reset(void)
{
    if (R.seeded)
        rng_gen_seed(&R.g, R.seed);
}

int rng_seeded(void)
{
    return R.seeded;
}

/* The OS's bytes; a time-seeded generator when neither getrandom nor
 * /dev/urandom answers (good enough for mock identifiers). */
static void os_bytes(unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        p += r;
        n -= (size_t)r;
    }
    if (n > 0) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        while (fd >= 0 && n > 0) {
            ssize_t r = read(fd, p, n);
            if (r <= 0)
                break;
            p += r;
            n -= (size_t)r;
        }
        if (fd >= 0)
            close(fd);
    }
    if (n > 0) {
        /* Its own state: the seeded sequence is never disturbed. */
        static rng_gen fb;
        static int init;
        if (!init) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            rng_gen_seed(&fb, (uint64_t)ts.tv_sec * 1000000000ULL ^
                                  (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32);
            init = 1;
        }
        while (n > 0) {
            uint64_t v = rng_gen_next(&fb);
            size_t k = n < 8 ? n : 8;
            memcpy(p, &v, k);
            p += k;
            n -= k;
        }
    }
}

void rng_gen_os(rng_gen *g)
{
    do
        os_bytes((unsigned char *)g->s, sizeof g->s);
    while (!(g->s[0] | g->s[1] | g->s[2] | g->s[3])); /* all zero is a fixed point */
}

void rng_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    if (!R.seeded) {
        os_bytes(p, n);
        return;
    }
    while (n > 0) {
        uint64_t v = rng_gen_next(&R.g);
        unsigned char b[8];
        for (int i = 0; i < 8; i++) /* little-endian on every machine */
            b[i] = (unsigned char)(v >> (8 * i));
        size_t k = n < 8 ? n : 8;
        memcpy(p, b, k);
        p += k;
        n -= k;
    }
}

void rng_save(rng_state *out)
{
    *out = R.g;
}

void rng_restore(const rng_state *in)
{
    R.g = *in;
}
