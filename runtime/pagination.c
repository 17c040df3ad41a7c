/*
 * pagination.c — LimitOffsetPagination parameters and links (see
 * pagination.h).
 */
#include "pagination.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "query.h"
#include "strbuf.h"

void pagination_params(const char *query, int64_t *limit, int64_t *offset)
{
    query_list q;
    query_parse(&q, query);
    const query_pair *l = query_get(&q, "limit");
    const query_pair *o = query_get(&q, "offset");
    int64_t v;
    *limit = PAGINATION_DEFAULT_LIMIT;
    *offset = 0;
    /* _positive_int(strict=True) for limit, _positive_int() for offset */
    if (l && !memchr(l->value, '\0', l->value_len) &&
        pytext_parse_int(l->value, l->value_len, &v) == 0 && v > 0)
        *limit = v;
    if (o && !memchr(o->value, '\0', o->value_len) &&
        pytext_parse_int(o->value, o->value_len, &v) == 0 && v >= 0)
        *offset = v;
    query_free(&q);
}

/* One key of parse_qs(): its values in order of appearance. */
typedef struct qkey {
    const query_pair *first;
    const query_pair **values;
    size_t nvalues;
    const char *replacement; /* limit/offset: the single new value */
} qkey;

static int qkey_cmp(const void *a, const void *b)
{
    const qkey *x = a, *y = b;
    size_t n = x->first->key_len < y->first->key_len ? x->first->key_len
                                                     : y->first->key_len;
    int c = memcmp(x->first->key, y->first->key, n);
    if (c)
        return c;
    return x->first->key_len < y->first->key_len ? -1
           : x->first->key_len > y->first->key_len ? 1
                                                    : 0;
}

char *pagination_link(const char *host, const char *path, const char *query,
                      int64_t limit, int64_t offset)
{
    query_list q;
    query_parse(&q, query);
    query_pair extra[2] = {{"limit", NULL, 5, 0}, {"offset", NULL, 6, 0}};
    char lim[24], off[24];
    snprintf(lim, sizeof lim, "%lld", (long long)limit);
    snprintf(off, sizeof off, "%lld", (long long)offset);

    /* group by key */
    qkey *keys = sm_xmalloc((q.n + 2) * sizeof *keys);
    size_t nkeys = 0;
    for (size_t i = 0; i < q.n; i++) {
        const query_pair *p = &q.v[i];
        size_t k;
        for (k = 0; k < nkeys; k++)
            if (keys[k].first->key_len == p->key_len &&
                memcmp(keys[k].first->key, p->key, p->key_len) == 0)
                break;
        if (k == nkeys) {
            keys[nkeys].first = p;
            keys[nkeys].values = NULL;
            keys[nkeys].nvalues = 0;
            keys[nkeys].replacement = NULL;
            nkeys++;
        }
        keys[k].values = sm_xrealloc(keys[k].values,
                                     (keys[k].nvalues + 1) * sizeof *keys[k].values);
        keys[k].values[keys[k].nvalues++] = p;
    }
    /* replace limit, set or drop offset */
    for (int e = 0; e < 2; e++) {
        size_t k;
        for (k = 0; k < nkeys; k++)
            if (keys[k].first->key_len == extra[e].key_len &&
                memcmp(keys[k].first->key, extra[e].key, extra[e].key_len) == 0)
                break;
        int drop = e == 1 && offset < 0;
        if (k == nkeys && !drop) {
            keys[nkeys].first = &extra[e];
            keys[nkeys].values = NULL;
            keys[nkeys].nvalues = 0;
            nkeys++;
        } else if (k < nkeys && drop) {
            free(keys[k].values);
            keys[k] = keys[--nkeys];
            continue;
        }
        if (!drop)
            keys[k].replacement = e == 0 ? lim : off;
    }
    qsort(keys, nkeys, sizeof *keys, qkey_cmp);

    strbuf url = STRBUF_INIT;
    strbuf_adds(&url, "http://");
    strbuf_adds(&url, host ? host : "");
    /* escape_uri_path(request.path): decoded bytes, re-quoted */
    size_t plen = strlen(path);
    strbuf raw = STRBUF_INIT;
    for (size_t i = 0; i < plen; i++) {
        if (path[i] == '%' && i + 2 < plen &&
            isxdigit((unsigned char)path[i + 1]) &&
            isxdigit((unsigned char)path[i + 2])) {
            char h[3] = {path[i + 1], path[i + 2], 0};
            strbuf_addc(&raw, (char)strtol(h, NULL, 16));
            i += 2;
        } else {
            strbuf_addc(&raw, path[i]);
        }
    }
    pytext_quote(&url, raw.p ? raw.p : "", raw.len, "/:@&+$,!*'()", 0);
    strbuf_free(&raw);
    int first = 1;
    for (size_t k = 0; k < nkeys; k++) {
        const qkey *qk = &keys[k];
        size_t nv = qk->replacement ? 1 : qk->nvalues;
        for (size_t j = 0; j < nv; j++) {
            strbuf_addc(&url, first ? '?' : '&');
            first = 0;
            pytext_quote(&url, qk->first->key, qk->first->key_len, "", 1);
            strbuf_addc(&url, '=');
            if (qk->replacement)
                pytext_quote(&url, qk->replacement, strlen(qk->replacement),
                             "", 1);
            else
                pytext_quote(&url, qk->values[j]->value,
                             qk->values[j]->value_len, "", 1);
        }
        free(keys[k].values);
    }
    free(keys);
    query_free(&q);
    return strbuf_steal(&url);
}

char *pagination_next(const char *host, const char *path, const char *query,
                      int64_t count, int64_t limit, int64_t offset)
{
    if (offset >= count || limit >= count - offset)
        return NULL;
    return pagination_link(host, path, query, limit, offset + limit);
}

char *pagination_previous(const char *host, const char *path,
                          const char *query, int64_t limit, int64_t offset)
{
    if (offset <= 0)
        return NULL;
    if (offset - limit <= 0)
        return pagination_link(host, path, query, limit, -1);
    return pagination_link(host, path, query, limit, offset - limit);
}
