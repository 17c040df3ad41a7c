/*
 * journal.c — `--journal FILE`: one JSON line per answered request (see
 * journal.h).
 *
 * Ownership: written by the RT-AUX helper (issue 4); server.c records each
 * reply after sending it.
 *
 * Line format (compact DRF-style JSON, members in this order):
 *   {"op":..,"method":..,"path":..,"status":..,"content_type":..,"body":..}
 * "path" is the request path, plus "?" and the raw query string when that
 * is not empty.  "body" (left out when len is 0) is the answer's bytes as a
 * JSON string; bytes that are not valid UTF-8 are replaced, one U+FFFD per
 * offending byte, so every line stays valid JSON (a mock's answers are
 * JSON or empty, so this only matters for odd content bodies).  The same
 * replacement applies to a path or query that is not UTF-8.
 */
#include "journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonio.h"

struct sm_journal {
    FILE *f;
};

sm_journal *journal_open(const char *path, strbuf *err)
{
    FILE *f = fopen(path, "a");
    if (!f) {
        strbuf_addf(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    sm_journal *j = sm_xmalloc(sizeof *j);
    j->f = f;
    return j;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* s[0..n) as a JSON string, invalid bytes replaced by U+FFFD. */
static json_t *text(const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);
    if (v)
        return v;
    strbuf b = STRBUF_INIT;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l) {
            strbuf_add(&b, s + i, l);
            i += l;
        } else {
            strbuf_adds(&b, "\xEF\xBF\xBD");
            i++;
        }
    }
    v = json_stringn(b.p ? b.p : "", b.len);
    strbuf_free(&b);
    return v;
}

static json_t *text_or_null(const char *s)
{
    return s ? text(s, strlen(s)) : json_null();
}

void journal_record(sm_journal *j, const char *op_id, const char *method,
                    const char *path, const char *query, int status,
                    const char *content_type, const char *body, size_t len)
{
    if (!j)
        return;
    strbuf full = STRBUF_INIT;
    strbuf_adds(&full, path ? path : "");
    if (query && *query) {
        strbuf_addc(&full, '?');
        strbuf_adds(&full, query);
    }
    json_t *o = json_object();
    json_object_set_new(o, "op", text_or_null(op_id));
    json_object_set_new(o, "method", text_or_null(method));
    json_object_set_new(o, "path", text(full.p ? full.p : "", full.len));
    json_object_set_new(o, "status", json_integer(status));
    json_object_set_new(o, "content_type", text_or_null(content_type));
    if (body && len > 0)
        json_object_set_new(o, "body", text(body, len));
    strbuf line = STRBUF_INIT;
    jsonio_dump(&line, o);
    strbuf_addc(&line, '\n');
    /* one write per line, flushed: a killed server loses nothing answered */
    fwrite(line.p, 1, line.len, j->f);
    fflush(j->f);
    strbuf_free(&line);
    strbuf_free(&full);
    json_decref(o);
}

void journal_close(sm_journal *j)
{
    if (!j)
        return;
    fclose(j->f);
    free(j);
}
