/*
 * clock.h — the server clock and the date-time text of the mocked API.
 *
 * Times are int64 microseconds since 1970-01-01T00:00:00Z (UTC), covering
 * years 1..9999 like Python's datetime.
 *
 * A fixed clock (--clock T) starts at T and moves only when clock_tick() is
 * called, which the server does once after every successful write request:
 * the same requests then give the same timestamps.  Otherwise clock_now()
 * reads the wall clock with microseconds.
 *
 * Nothing here allocates.
 */
#ifndef SM_CLOCK_H
#define SM_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sm_clock {
    int fixed;  /* 1: us is the current time; 0: wall clock */
    int64_t us;
    int64_t start; /* fixed: the time it started at (clock_reset) */
} sm_clock;

enum {
    CLOCK_OK = 0,
    CLOCK_EFORMAT = -1, /* not a date-time, or an impossible one         */
    CLOCK_ERANGE = -2   /* valid, but outside years 1..9999 once in UTC  */
};

void clock_init_wall(sm_clock *c);
void clock_init_fixed(sm_clock *c, int64_t us);
int64_t clock_now(const sm_clock *c);
/* After a successful write: a fixed clock advances by exactly 1 s. */
void clock_tick(sm_clock *c);
/* A fixed clock goes back to its start (an admin reset); a wall clock is
 * left alone. */
void clock_reset(sm_clock *c);

/*
 * Parses s[0..len) as Django's parse_datetime regex does (DRF's ISO 8601
 * input): YYYY-MM-DD(T| )hh:mm[:ss[(.|,)f{1,6}[f{0,6}]]][ws][Z|+HH[[:]MM]]
 * with 1- or 2-digit month/day/hour/minute/second.  A value without an
 * offset is UTC.  Returns CLOCK_OK and *us, or CLOCK_EFORMAT / CLOCK_ERANGE.
 */
int clock_parse(const char *s, size_t len, int64_t *us);

/* Renders like DRF: 2026-01-01T00:00:00Z, or 2026-01-01T00:00:00.000123Z
 * when the microseconds are not zero.  Returns the length written. */
size_t clock_format(int64_t us, char out[40]);

#endif
