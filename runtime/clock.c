/*
 * clock.c — fixed/wall clock, Django-compatible date-time parsing and DRF
 * rendering (see clock.h).  Calendar arithmetic uses the days-from-civil
 * algorithm (proleptic Gregorian calendar, as Python's datetime).
 */
#include "clock.h"

#include <ctype.h>
#include <stdio.h>
#include <time.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)
/* 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z, in days since 1970. */
#define DAY_MIN INT64_C(-719162)
#define DAY_END INT64_C(2932897)

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

void clock_init_wall(sm_clock *c)
{
    c->fixed = 0;
    c->us = 0;
    c->start = 0;
}

void clock_init_fixed(sm_clock *c, int64_t us)
{
    c->fixed = 1;
    c->us = us;
    c->start = us;
}

void clock_reset(sm_clock *c)
{
    if (c->fixed)
        c->us = c->start;
}

int64_t clock_now(const sm_clock *c)
{
    if (c->fixed)
        return c->us;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

void clock_tick(sm_clock *c)
{
    if (c->fixed && c->us <= DAY_END * US_PER_DAY - 2 * US_PER_SEC)
        c->us += US_PER_SEC;
}

/* Reads between min and max digits at s[*i]; -1 when fewer than min. */
static int64_t digits(const char *s, size_t len, size_t *i, int min, int max)
{
    int64_t v = 0;
    int n = 0;
    while (*i < len && n < max && isdigit((unsigned char)s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n < min ? -1 : v;
}

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

int clock_parse(const char *s, size_t len, int64_t *us)
{
    size_t i = 0;
    int64_t year, mon, day, hour, min, sec = 0, frac = 0, off = 0;

    /* Python's '$' also matches before one trailing newline. */
    if (len && s[len - 1] == '\n')
        len--;
    if ((year = digits(s, len, &i, 4, 4)) < 0 || i >= len || s[i++] != '-')
        return CLOCK_EFORMAT;
    if ((mon = digits(s, len, &i, 1, 2)) < 0 || i >= len || s[i++] != '-')
        return CLOCK_EFORMAT;
    if ((day = digits(s, len, &i, 1, 2)) < 0 || i >= len ||
        (s[i] != 'T' && s[i] != ' '))
        return CLOCK_EFORMAT;
    i++;
    if ((hour = digits(s, len, &i, 1, 2)) < 0 || i >= len || s[i++] != ':')
        return CLOCK_EFORMAT;
    if ((min = digits(s, len, &i, 1, 2)) < 0)
        return CLOCK_EFORMAT;
    if (i < len && s[i] == ':') {
        i++;
        if ((sec = digits(s, len, &i, 1, 2)) < 0)
            return CLOCK_EFORMAT;
        if (i + 1 < len && (s[i] == '.' || s[i] == ',') &&
            isdigit((unsigned char)s[i + 1])) {
            size_t start = ++i;
            frac = digits(s, len, &i, 1, 6);
            for (size_t k = i - start; k < 6; k++)
                frac *= 10;
            digits(s, len, &i, 0, 6); /* up to 6 more digits, ignored */
        }
    }
    while (i < len && is_space(s[i]))
        i++;
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int neg = s[i++] == '-';
        int64_t oh = digits(s, len, &i, 2, 2), om = 0;
        if (oh < 0)
            return CLOCK_EFORMAT;
        if (i < len && s[i] == ':')
            i++;
        if (i < len && isdigit((unsigned char)s[i])) {
            if ((om = digits(s, len, &i, 2, 2)) < 0)
                return CLOCK_EFORMAT;
        } else if (s[i - 1] == ':') {
            return CLOCK_EFORMAT;
        }
        off = oh * 60 + om;
        if (off >= 24 * 60)
            return CLOCK_EFORMAT; /* timezone() refuses |offset| >= 24 h */
        if (neg)
            off = -off;
    }
    if (i != len)
        return CLOCK_EFORMAT;
    if (year < 1 || mon < 1 || mon > 12 || day < 1 ||
        day > days_in_month(year, (unsigned)mon) || hour > 23 || min > 59 ||
        sec > 59)
        return CLOCK_EFORMAT;

    int64_t days = days_from_civil(year, (unsigned)mon, (unsigned)day);
    int64_t t = days * US_PER_DAY +
                ((hour * 60 + min - off) * 60 + sec) * US_PER_SEC + frac;
    if (t < DAY_MIN * US_PER_DAY || t >= DAY_END * US_PER_DAY)
        return CLOCK_ERANGE;
    *us = t;
    return CLOCK_OK;
}

size_t clock_format(int64_t us, char out[40])
{
    int64_t days = us >= 0 ? us / US_PER_DAY : -((-us + US_PER_DAY - 1) / US_PER_DAY);
    int64_t rem = us - days * US_PER_DAY;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t secs = rem / US_PER_SEC, frac = rem % US_PER_SEC;
    int n;
    if (frac)
        n = snprintf(out, 40, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                     (long long)y, m, d, (int)(secs / 3600),
                     (int)(secs / 60 % 60), (int)(secs % 60), (long long)frac);
    else
        n = snprintf(out, 40, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y,
                     m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
                     (int)(secs % 60));
    return n < 0 ? 0 : (size_t)n;
}
