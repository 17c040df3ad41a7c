/*
 * query.c — parse_qsl(keep_blank_values=True) semantics (see query.h).
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "strbuf.h"

void query_parse(query_list *q, const char *qs)
{
    q->v = NULL;
    q->n = 0;
    if (!qs)
        return;
    size_t cap = 0;
    const char *p = qs;
    for (;;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            if (q->n == cap) {
                cap = cap ? cap * 2 : 8;
                q->v = sm_xrealloc(q->v, cap * sizeof *q->v);
            }
            query_pair *qp = &q->v[q->n++];
            qp->key = pytext_unquote(p, klen, 1, &qp->key_len);
            if (eq)
                qp->value = pytext_unquote(eq + 1, len - klen - 1, 1,
                                           &qp->value_len);
            else
                qp->value = pytext_unquote("", 0, 1, &qp->value_len);
        }
        if (!amp)
            break;
        p = amp + 1;
    }
}

void query_free(query_list *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].key);
        free(q->v[i].value);
    }
    free(q->v);
    q->v = NULL;
    q->n = 0;
}

const query_pair *query_get(const query_list *q, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = q->n; i-- > 0;)
        if (q->v[i].key_len == klen && memcmp(q->v[i].key, key, klen) == 0)
            return &q->v[i];
    return NULL;
}
