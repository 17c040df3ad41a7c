/*
 * router.c — segment trie over the operation table (see router.h).
 */
#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

typedef struct rnode rnode;
struct rnode {
    char *seg;          /* literal text, or the parameter name          */
    size_t seglen;
    int16_t param;      /* parameter children: api->params index or -1 */
    rnode **lits;       /* literal children, sorted by (length, bytes)  */
    size_t nlits;
    rnode **params;     /* parameter children, in table order           */
    size_t nparams;
    int terminal;
    int16_t ops[5];
    int16_t resource;
    char *allow;
};

struct sm_router {
    const sm_api *api;
    rnode *root;
};

static rnode *node_new(const char *seg, size_t len)
{
    rnode *n = calloc(1, sizeof *n);
    if (!n)
        abort();
    n->seg = sm_xstrndup(seg, len);
    n->seglen = len;
    n->param = -1;
    n->resource = -1;
    for (int i = 0; i < 5; i++)
        n->ops[i] = -1;
    return n;
}

static void node_free(rnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nlits; i++)
        node_free(n->lits[i]);
    for (size_t i = 0; i < n->nparams; i++)
        node_free(n->params[i]);
    free(n->lits);
    free(n->params);
    free(n->seg);
    free(n->allow);
    free(n);
}

static int seg_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return alen < blen ? -1 : 1;
    return memcmp(a, b, alen);
}

/* Index of the literal child seg, or where it would be inserted (negated-1) */
static long lit_find(const rnode *n, const char *seg, size_t len)
{
    size_t lo = 0, hi = n->nlits;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = seg_cmp(n->lits[mid]->seg, n->lits[mid]->seglen, seg, len);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(long)lo - 1;
}

static rnode *child_literal(rnode *n, const char *seg, size_t len)
{
    long at = lit_find(n, seg, len);
    if (at >= 0)
        return n->lits[at];
    size_t pos = (size_t)(-at - 1);
    rnode *c = node_new(seg, len);
    n->lits = sm_xrealloc(n->lits, (n->nlits + 1) * sizeof *n->lits);
    memmove(n->lits + pos + 1, n->lits + pos, (n->nlits - pos) * sizeof *n->lits);
    n->lits[pos] = c;
    n->nlits++;
    return c;
}

static rnode *child_param(rnode *n, const char *name, size_t len, int16_t param)
{
    for (size_t i = 0; i < n->nparams; i++)
        if (seg_cmp(n->params[i]->seg, n->params[i]->seglen, name, len) == 0)
            return n->params[i];
    rnode *c = node_new(name, len);
    c->param = param;
    n->params = sm_xrealloc(n->params, (n->nparams + 1) * sizeof *n->params);
    n->params[n->nparams++] = c;
    return c;
}

static int16_t param_index(const sm_api *api, const char *name, size_t len)
{
    for (uint16_t i = 0; i < api->nparams; i++)
        if (strlen(api->params[i].name) == len &&
            memcmp(api->params[i].name, name, len) == 0)
            return (int16_t)i;
    return -1;
}

static const char *const method_names[] = {"GET", "POST", "PUT", "PATCH",
                                           "DELETE"};

const char *router_method_name(int method)
{
    return method >= SM_GET && method <= SM_DELETE ? method_names[method - 1]
                                                   : "?";
}

static void build_allow(rnode *n)
{
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 5; i++) {
        if (n->ops[i] < 0)
            continue;
        if (b.len)
            strbuf_adds(&b, ", ");
        strbuf_adds(&b, method_names[i]);
    }
    if (n->ops[SM_GET - 1] >= 0)
        strbuf_adds(&b, ", HEAD");
    strbuf_adds(&b, b.len ? ", OPTIONS" : "OPTIONS");
    free(n->allow);
    n->allow = strbuf_steal(&b);
}

static int add_op(sm_router *r, int16_t opi, char *err, size_t errlen)
{
    const sm_op *op = &r->api->ops[opi];
    const char *p = op->path;
    rnode *n = r->root;
    unsigned depth = 0;

    if (!p || p[0] != '/') {
        snprintf(err, errlen, "op '%s': path must start with '/'", op->id);
        return -1;
    }
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (++depth > SM_ROUTE_MAX_SEGMENTS) {
            snprintf(err, errlen, "op '%s': too many path segments", op->id);
            return -1;
        }
        if (p[0] == '{') {
            if (len < 3 || p[len - 1] != '}' ||
                memchr(p + 1, '{', len - 2) || memchr(p + 1, '}', len - 2)) {
                snprintf(err, errlen, "op '%s': malformed parameter '%.*s'",
                         op->id, (int)len, p);
                return -1;
            }
            n = child_param(n, p + 1, len - 2,
                            param_index(r->api, p + 1, len - 2));
        } else {
            if (memchr(p, '{', len) || memchr(p, '}', len)) {
                snprintf(err, errlen,
                         "op '%s': a parameter must be a whole segment in '%s'",
                         op->id, op->path);
                return -1;
            }
            n = child_literal(n, p, len);
        }
        p += len;
    }
    if (op->method < SM_GET || op->method > SM_DELETE) {
        snprintf(err, errlen, "op '%s': unknown method %u", op->id,
                 (unsigned)op->method);
        return -1;
    }
    if (n->ops[op->method - 1] >= 0) {
        snprintf(err, errlen, "op '%s': same method and path as op '%s'",
                 op->id, r->api->ops[n->ops[op->method - 1]].id);
        return -1;
    }
    n->ops[op->method - 1] = opi;
    if (!n->terminal)
        n->resource = op->resource;
    n->terminal = 1;
    build_allow(n);
    return 0;
}

sm_router *router_new(const sm_api *api, char *err, size_t errlen)
{
    sm_router *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->api = api;
    r->root = node_new("", 0);
    for (uint16_t i = 0; i < api->nops; i++) {
        if (add_op(r, (int16_t)i, err, errlen) < 0) {
            router_free(r);
            return NULL;
        }
    }
    return r;
}

void router_free(sm_router *r)
{
    if (!r)
        return;
    node_free(r->root);
    free(r);
}

typedef struct seg {
    const char *p;
    size_t len;
} seg;

static const rnode *walk(const rnode *n, const seg *segs, size_t nsegs,
                         size_t idx, sm_route_match *m)
{
    if (idx == nsegs)
        return n->terminal ? n : NULL;
    const seg *s = &segs[idx];
    long at = lit_find(n, s->p, s->len);
    if (at >= 0) {
        const rnode *r = walk(n->lits[at], segs, nsegs, idx + 1, m);
        if (r)
            return r;
    }
    if (s->len == 0 || m->nparams >= SM_ROUTE_MAX_PARAMS)
        return NULL;
    for (size_t i = 0; i < n->nparams; i++) {
        sm_route_param *p = &m->params[m->nparams++];
        p->name = n->params[i]->seg;
        p->param = n->params[i]->param;
        p->value = s->p;
        p->len = s->len;
        const rnode *r = walk(n->params[i], segs, nsegs, idx + 1, m);
        if (r)
            return r;
        m->nparams--;
    }
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int router_match(const sm_router *r, const char *path, sm_route_match *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < 5; i++)
        m->ops[i] = -1;
    m->resource = -1;
    if (!path || path[0] != '/')
        return 0;

    /* Decode every segment into one buffer: "seg\0seg\0...". */
    size_t plen = strlen(path);
    seg segs[SM_ROUTE_MAX_SEGMENTS];
    size_t nsegs = 0;
    char *buf = sm_xmalloc(plen + 1);
    m->storage = buf;
    size_t o = 0;
    const char *p = path + 1;
    const char *end = path + plen;
    if (p == end) /* "/" */
        goto matched_segments;
    for (;;) {
        const char *e = memchr(p, '/', (size_t)(end - p));
        if (!e)
            e = end;
        if (nsegs == SM_ROUTE_MAX_SEGMENTS)
            return 0;
        size_t start = o;
        for (const char *q = p; q < e; q++) {
            if (*q == '%' && e - q >= 3 && hexval(q[1]) >= 0 &&
                hexval(q[2]) >= 0) {
                buf[o++] = (char)(hexval(q[1]) * 16 + hexval(q[2]));
                q += 2;
            } else {
                buf[o++] = *q;
            }
        }
        if (memchr(buf + start, '\0', o - start))
            return 0; /* %00 never names anything */
        buf[o++] = '\0';
        segs[nsegs].p = buf + start;
        segs[nsegs].len = o - start - 1;
        nsegs++;
        if (e == end)
            break;
        p = e + 1;
        if (p == end)
            break; /* one trailing slash is optional */
    }
matched_segments:;
    const rnode *n = walk(r->root, segs, nsegs, 0, m);
    if (!n) {
        m->nparams = 0;
        return 0;
    }
    memcpy(m->ops, n->ops, sizeof m->ops);
    m->allow = n->allow;
    m->resource = n->resource;
    return 1;
}

void router_match_free(sm_route_match *m)
{
    free(m->storage);
    m->storage = NULL;
}

int router_op(const sm_route_match *m, int method)
{
    if (method < SM_GET || method > SM_DELETE)
        return -1;
    return m->ops[method - 1];
}
