/*
 * query.h — a request's query string as Python sees it:
 * urllib.parse.parse_qsl(qs, keep_blank_values=True) — '&'-separated
 * "name=value" pairs (a pair without '=' has an empty value, empty pairs are
 * skipped), names and values unquote_plus'ed.
 *
 * Ownership: a query_list owns its decoded strings; query_free() releases
 * them.  query_get() returns a borrowed pointer into the list.
 */
#ifndef SM_QUERY_H
#define SM_QUERY_H

#include <stddef.h>

typedef struct query_pair {
    char *key, *value;
    size_t key_len, value_len;
} query_pair;

typedef struct query_list {
    query_pair *v;
    size_t n;
} query_list;

/* qs may be NULL (no query string). */
void query_parse(query_list *q, const char *qs);
void query_free(query_list *q);

/* The last value of key (Django's QueryDict[key]), or NULL. */
const query_pair *query_get(const query_list *q, const char *key);

#endif
