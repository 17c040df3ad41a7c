/*
 * history.c — the in-memory exchange ring behind GET /__specmock/journal
 * (see history.h).
 *
 * Ownership: the admin plane (admin.c) queries and clears it; server.c
 * records every exchange outside the admin prefix after answering.
 *
 * Each slot keeps one growable buffer holding, back to back: path, query,
 * request content type, response content type, request body prefix,
 * response body prefix.  Offsets are lengths, so nothing points into the
 * buffer across a realloc.
 */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jsonio.h"
#include "strbuf.h"

typedef struct slot {
    uint64_t seq;
    int64_t time_us;
    const char *op_id; /* the route table's string: lives as long as we do */
    char method[12];
    int status;
    uint8_t has_query, has_req_type, has_resp_type, problem;
    size_t path_len, query_len, req_type_len, resp_type_len;
    size_t req_keep, resp_keep; /* body bytes kept              */
    size_t req_len, resp_len;   /* the bodies' real sizes       */
    char *buf;
    size_t cap;
} slot;

struct sm_history {
    slot *v;
    size_t cap, body_cap;
    size_t next;  /* the slot the next record goes to          */
    size_t count; /* slots in use (<= cap)                     */
    uint64_t seq; /* records since the last clear              */
};

sm_history *history_new(size_t cap, size_t body_cap)
{
    sm_history *h = calloc(1, sizeof *h);
    if (!h)
        abort();
    h->cap = cap;
    h->body_cap = body_cap;
    if (cap) {
        h->v = calloc(cap, sizeof *h->v);
        if (!h->v)
            abort();
    }
    return h;
}

void history_free(sm_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->cap; i++)
        free(h->v[i].buf);
    free(h->v);
    free(h);
}

void history_clear(sm_history *h)
{
    if (!h)
        return;
    h->next = h->count = 0;
    h->seq = 0;
}

static size_t len_or0(const char *s)
{
    return s ? strlen(s) : 0;
}

void history_record(sm_history *h, const history_entry *e)
{
    if (!h || !h->cap)
        return;
    slot *s = &h->v[h->next];
    h->next = (h->next + 1) % h->cap;
    if (h->count < h->cap)
        h->count++;
    s->seq = ++h->seq;
    s->time_us = e->time_us;
    s->op_id = e->op_id;
    /* a bounded copy, not snprintf: this runs on every request (~500
     * instructions of a GET's ~50 k went to formatting a method name) */
    size_t ml = e->method ? strnlen(e->method, sizeof s->method - 1) : 0;
    memcpy(s->method, e->method ? e->method : "", ml);
    s->method[ml] = '\0';
    s->status = e->status;
    s->problem = (uint8_t)(e->problem != 0);
    s->has_query = e->query != NULL;
    s->has_req_type = e->req_type != NULL;
    s->has_resp_type = e->resp_type != NULL;
    s->path_len = len_or0(e->path);
    s->query_len = len_or0(e->query);
    s->req_type_len = len_or0(e->req_type);
    s->resp_type_len = len_or0(e->resp_type);
    s->req_len = e->req_len;
    s->resp_len = e->resp_len;
    s->req_keep = e->req_body ? (e->req_len < h->body_cap ? e->req_len : h->body_cap) : 0;
    s->resp_keep = e->resp_body ? (e->resp_len < h->body_cap ? e->resp_len : h->body_cap) : 0;
    size_t need = s->path_len + s->query_len + s->req_type_len +
                  s->resp_type_len + s->req_keep + s->resp_keep + 1;
    if (need > s->cap) {
        s->buf = sm_xrealloc(s->buf, need);
        s->cap = need;
    }
    char *p = s->buf;
#define PUT(src, n)                                                            \
    do {                                                                       \
        if (n)                                                                 \
            memcpy(p, src, n);                                                 \
        p += n;                                                                \
    } while (0)
    PUT(e->path, s->path_len);
    PUT(e->query, s->query_len);
    PUT(e->req_type, s->req_type_len);
    PUT(e->resp_type, s->resp_type_len);
    PUT(e->req_body, s->req_keep);
    PUT(e->resp_body, s->resp_keep);
#undef PUT
}

static json_t *text_or_null(int has, const char *p, size_t n)
{
    return has ? jsonio_text(p, n) : json_null();
}

static json_t *side(int has_type, const char *type, size_t type_len,
                    const char *body, size_t keep, size_t len)
{
    json_t *o = json_object();
    json_object_set_new(o, "content_type", text_or_null(has_type, type, type_len));
    json_object_set_new(o, "size", json_integer((json_int_t)len));
    json_object_set_new(o, "truncated", json_boolean(keep < len));
    json_object_set_new(o, "body", text_or_null(len > 0, body, keep));
    return o;
}

/* {"attr","code","detail"} of a kept 400 envelope, null when it does not
 * parse (truncated, or not an envelope). */
static json_t *problem_of(const char *body, size_t keep)
{
    json_t *env = keep ? json_loadb(body, keep, 0, NULL) : NULL;
    json_t *out = json_null();
    if (json_is_object(env)) {
        out = json_object();
        static const char *const members[] = {"attr", "code", "detail"};
        for (size_t i = 0; i < 3; i++) {
            json_t *v = json_object_get(env, members[i]);
            json_object_set(out, members[i], v ? v : json_null());
        }
    }
    json_decref(env);
    return out;
}

static int matches(const slot *s, const history_filter *f)
{
    if (!f)
        return 1;
    if (f->op && (!s->op_id || strcmp(f->op, s->op_id) != 0))
        return 0;
    if ((f->status_lo || f->status_hi) &&
        (s->status < f->status_lo || s->status > f->status_hi))
        return 0;
    return 1;
}

static json_t *render(const slot *s)
{
    const char *p = s->buf;
    const char *path = p, *query = path + s->path_len,
               *req_type = query + s->query_len,
               *resp_type = req_type + s->req_type_len,
               *req_body = resp_type + s->resp_type_len,
               *resp_body = req_body + s->req_keep;
    char t[40];
    clock_format(s->time_us, t);
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)s->seq));
    json_object_set_new(o, "time", json_string(t));
    json_object_set_new(o, "method", jsonio_text(s->method, strlen(s->method)));
    json_object_set_new(o, "path", jsonio_text(path, s->path_len));
    json_object_set_new(o, "query", text_or_null(s->has_query, query, s->query_len));
    json_object_set_new(o, "operation",
                        s->op_id ? json_string(s->op_id) : json_null());
    json_object_set_new(o, "status", json_integer(s->status));
    json_object_set_new(o, "request", side(s->has_req_type, req_type,
                                           s->req_type_len, req_body,
                                           s->req_keep, s->req_len));
    json_object_set_new(o, "response", side(s->has_resp_type, resp_type,
                                            s->resp_type_len, resp_body,
                                            s->resp_keep, s->resp_len));
    json_object_set_new(o, "problem", s->problem ? problem_of(resp_body, s->resp_keep)
                                                 : json_null());
    return o;
}

json_t *history_query(const sm_history *h, const history_filter *f)
{
    json_t *out = json_object(), *results = json_array();
    size_t n = h ? h->count : 0, first = 0, picked = 0;
    /* oldest first: slot (next - count) mod cap onwards */
    size_t start = h && h->cap ? (h->next + h->cap - n) % h->cap : 0;
    if (f && f->limit) {
        /* keep only the newest limit matches: count matches from the end */
        size_t want = f->limit, i = n;
        while (i > 0 && want > 0) {
            i--;
            if (matches(&h->v[(start + i) % h->cap], f))
                want--;
        }
        first = i;
    }
    for (size_t i = first; i < n; i++) {
        const slot *s = &h->v[(start + i) % h->cap];
        if (!matches(s, f))
            continue;
        json_array_append_new(results, render(s));
        picked++;
    }
    json_object_set_new(out, "capacity", json_integer(h ? (json_int_t)h->cap : 0));
    json_object_set_new(out, "recorded", json_integer(h ? (json_int_t)h->seq : 0));
    json_object_set_new(out, "count", json_integer((json_int_t)picked));
    json_object_set_new(out, "results", results);
    return out;
}
