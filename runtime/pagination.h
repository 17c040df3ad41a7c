/*
 * pagination.h — DRF's LimitOffsetPagination: the limit/offset a request
 * asks for and the absolute next/previous links (docs/contracts.md §7).
 *
 * Links are "http://" + Host + the path (percent-decoded, then re-quoted as
 * Django's escape_uri_path does) + "?" + the query rebuilt like DRF's
 * replace_query_param / remove_query_param: parse_qs(keep_blank_values),
 * set or drop the key, all keys sorted, urlencode(doseq) with quote_plus.
 *
 * Ownership: link strings are malloc'd; the caller frees them.
 */
#ifndef SM_PAGINATION_H
#define SM_PAGINATION_H

#include <stdint.h>

#define PAGINATION_DEFAULT_LIMIT 100

/* limit: a positive int() else the default; offset: a non-negative int()
 * else 0.  The last value of a repeated key counts. */
void pagination_params(const char *query, int64_t *limit, int64_t *offset);

/* The next / previous links for a page, NULL where DRF gives null. */
char *pagination_next(const char *host, const char *path, const char *query,
                      int64_t count, int64_t limit, int64_t offset);
char *pagination_previous(const char *host, const char *path,
                          const char *query, int64_t limit, int64_t offset);

/* The URL with limit set and offset set (offset >= 0) or removed (< 0). */
char *pagination_link(const char *host, const char *path, const char *query,
                      int64_t limit, int64_t offset);

#endif
