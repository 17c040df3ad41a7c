/*
 * listtext.c — the list item of a record as pieces of its full text (see
 * listtext.h).  Owned by the RT-CORE helper.
 */
#include "listtext.h"

#include <stdlib.h>
#include <string.h>

#include "jsonio.h"

/* Pieces are collected with literal offsets into lt->lit (which may move
 * while it grows) and become store_segs once the text is complete. */
typedef struct piece {
    int lit;         /* off is into lt->lit, else into lt->full_text */
    size_t off, len;
} piece;

typedef struct builder {
    listtext *lt;
    piece *v;
    size_t n, cap;
    size_t pend; /* lt->lit from pend on: literal bytes not yet a piece */
} builder;

static void push(builder *b, int lit, size_t off, size_t len)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->v = sm_xrealloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->n++] = (piece){lit, off, len};
}

static piece *last_span(builder *b)
{
    return b->n && !b->v[b->n - 1].lit ? &b->v[b->n - 1] : NULL;
}

/* The pending literal bytes become a piece of their own. */
static void flush_literal(builder *b)
{
    size_t end = b->lt->lit.len;
    if (end > b->pend)
        push(b, 1, b->pend, end - b->pend);
    b->pend = end;
}

/* Appends full_text[s, e).  The pending literal is dropped when the full
 * text has the same bytes right before s (a "{" or ","), and the span joins
 * the previous one when that ends where this one starts. */
static void add_span(builder *b, size_t s, size_t e)
{
    listtext *lt = b->lt;
    size_t n = lt->lit.len - b->pend;
    if (n && n <= s &&
        memcmp(lt->full_text.p + s - n, lt->lit.p + b->pend, n) == 0) {
        s -= n;
        strbuf_truncate(&lt->lit, b->pend);
    } else {
        flush_literal(b);
    }
    piece *last = last_span(b);
    if (last && last->off + last->len == s)
        last->len = e - last->off;
    else
        push(b, 0, s, e - s);
}

/* The closing literal joins the last span when the full text goes on with
 * the same bytes (the list's last field is full's last member). */
static void add_tail(builder *b)
{
    listtext *lt = b->lt;
    size_t n = lt->lit.len - b->pend;
    piece *last = last_span(b);
    if (last && n && last->off + last->len + n <= lt->full_text.len &&
        memcmp(lt->full_text.p + last->off + last->len, lt->lit.p + b->pend,
               n) == 0) {
        last->len += n;
        strbuf_truncate(&lt->lit, b->pend);
    }
    flush_literal(b);
}

static int find_member(const jsonio_member *m, size_t n, size_t *hint,
                       const char *name)
{
    size_t len = strlen(name);
    for (size_t k = 0; k < n; k++) {
        size_t j = (*hint + k) % n;
        if (m[j].klen == len && memcmp(m[j].key, name, len) == 0) {
            *hint = j + 1;
            return (int)j;
        }
    }
    return -1;
}

void listtext_build(listtext *lt, const sm_api *api, const sm_defaults *defs,
                    int list_model, const json_t *full)
{
    jsonio_member local[64], *m = local;
    size_t cap = json_object_size(full);
    if (cap > sizeof local / sizeof *local)
        m = sm_xmalloc(cap * sizeof *m);
    size_t nm = jsonio_dump_members(&lt->full_text, full, m, cap);
    builder b = {lt, NULL, 0, 0, lt->lit.len};
    strbuf_addc(&lt->lit, '{');
    if (list_model >= 0 && list_model < api->nmodels) {
        const sm_model *mo = &api->models[list_model];
        size_t hint = 0;
        int first = 1;
        for (uint16_t i = 0; i < mo->nfields; i++) {
            const sm_field *f = &mo->fields[i];
            if (f->flags & (SM_F_WRITEONLY | SM_F_HIDDEN))
                continue;
            if (!first)
                strbuf_addc(&lt->lit, ',');
            first = 0;
            int j = full ? find_member(m, nm, &hint, f->name) : -1;
            if (j >= 0) {
                add_span(&b, m[j].start, m[j].end);
                continue;
            }
            /* not in full: the default (jsonio_dump prints NULL as null) */
            jsonio_dump_string(&lt->lit, f->name, strlen(f->name));
            strbuf_addc(&lt->lit, ':');
            jsonio_dump(&lt->lit, render_default(defs, list_model, i));
        }
    }
    strbuf_addc(&lt->lit, '}');
    add_tail(&b);
    if (m != local)
        free(m);
    /* the pieces as store_segs, now that lit stays where it is */
    lt->seg = sm_xrealloc(lt->seg, (b.n ? b.n : 1) * sizeof *lt->seg);
    lt->nseg = b.n;
    lt->list_len = 0;
    for (size_t i = 0; i < b.n; i++) {
        const piece *p = &b.v[i];
        lt->seg[i] = p->lit ? (store_seg){lt->lit.p + p->off, 0, p->len}
                            : (store_seg){NULL, p->off, p->len};
        lt->list_len += p->len;
    }
    free(b.v);
}

void listtext_write(const listtext *lt, strbuf *out)
{
    for (size_t i = 0; i < lt->nseg; i++) {
        const store_seg *g = &lt->seg[i];
        strbuf_add(out, g->lit ? g->lit : lt->full_text.p + g->off, g->len);
    }
}

void listtext_free(listtext *lt)
{
    strbuf_free(&lt->full_text);
    strbuf_free(&lt->lit);
    free(lt->seg);
    *lt = (listtext)LISTTEXT_INIT;
}
