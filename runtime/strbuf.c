/*
 * strbuf.c — growable byte strings; see strbuf.h for the ownership rules.
 */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *sm_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("specmock: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *sm_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("specmock: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *sm_xstrndup(const char *s, size_t n)
{
    char *p = sm_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sm_xstrdup(const char *s)
{
    return sm_xstrndup(s, strlen(s));
}

static void strbuf_grow(strbuf *s, size_t extra)
{
    size_t need = s->len + extra + 1;
    if (need <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need)
        cap *= 2;
    s->p = sm_xrealloc(s->p, cap);
    s->cap = cap;
}

void strbuf_add(strbuf *s, const void *data, size_t len)
{
    strbuf_grow(s, len);
    if (len)
        memcpy(s->p + s->len, data, len);
    s->len += len;
    s->p[s->len] = '\0';
}

void strbuf_adds(strbuf *s, const char *cstr)
{
    strbuf_add(s, cstr, strlen(cstr));
}

void strbuf_addc(strbuf *s, char c)
{
    strbuf_add(s, &c, 1);
}

void strbuf_vaddf(strbuf *s, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0)
        return;
    strbuf_grow(s, (size_t)n);
    vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
    s->len += (size_t)n;
}

void strbuf_addf(strbuf *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(s, fmt, ap);
    va_end(ap);
}

char *strbuf_extend(strbuf *s, size_t len)
{
    strbuf_grow(s, len);
    char *at = s->p + s->len;
    s->len += len;
    s->p[s->len] = '\0';
    return at;
}

void strbuf_truncate(strbuf *s, size_t len)
{
    if (len < s->len) {
        s->len = len;
        s->p[len] = '\0';
    }
}

char *strbuf_steal(strbuf *s)
{
    char *p = s->p ? s->p : sm_xstrdup("");
    s->p = NULL;
    s->len = s->cap = 0;
    return p;
}

void strbuf_free(strbuf *s)
{
    free(s->p);
    s->p = NULL;
    s->len = s->cap = 0;
}
