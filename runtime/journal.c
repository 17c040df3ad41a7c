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

static json_t *text_or_null(const char *s)
{
    return s ? jsonio_text(s, strlen(s)) : json_null();
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
    json_object_set_new(o, "path", jsonio_text(full.p ? full.p : "", full.len));
    json_object_set_new(o, "status", json_integer(status));
    json_object_set_new(o, "content_type", text_or_null(content_type));
    if (body && len > 0)
        json_object_set_new(o, "body", jsonio_text(body, len));
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
