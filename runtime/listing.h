/*
 * listing.h — which stored records a list shows, and in which order: the
 * query-string filters of an operation (sm_filter) and a resource's order
 * (sm_resource.order).  Pure functions over parsed records; the list handler
 * (handlers.c) owns the store walk, the envelope and the paging.
 *
 * Ownership: listing_order_parse() returns an object owned by the caller
 * (listing_order_free); every other argument is borrowed for the call.
 */
#ifndef SM_LISTING_H
#define SM_LISTING_H

#include <jansson.h>
#include <stdint.h>

#include "query.h"
#include "sm_api.h"
#include "strbuf.h"

typedef struct listing_order listing_order;

/* Parses "-pinned ~name" (see sm_resource.order).  order NULL or empty:
 * *out = NULL, meaning creation order.  Returns 0, or -1 on a malformed
 * string (an empty name). */
int listing_order_parse(const char *order, listing_order **out);
void listing_order_free(listing_order *o);

/* qsort-style comparison of two records with their creation sequences
 * (ties broken by sequence, descending when the first key is descending;
 * o NULL: by sequence ascending).  Values compare as JSON types do in
 * Python: null first, then booleans (false < true), numbers, strings
 * (case-insensitively with '~'). */
int listing_compare(const listing_order *o, const json_t *a, uint64_t seq_a,
                    const json_t *b, uint64_t seq_b);

/* The first filter marked SM_FILTER_REQUIRED whose parameter is absent or
 * empty in q, or NULL. */
const sm_filter *listing_missing_required(const sm_op *op,
                                          const query_list *q);

/* 1 when record passes every filter of op whose parameter is in q, and no
 * SM_FILTER_EXCLUDE filter whose parameter is absent excludes it.  caller
 * (the calling key's user object, or NULL) is what SM_PM_USER's "me"
 * compares with. */
int listing_pass(const sm_op *op, const query_list *q, const json_t *record,
                 const json_t *caller);

/* 1 when op has a filter on field soft_field and q carries its parameter:
 * the filter then replaces the resource's soft-delete list hiding. */
int listing_overrides_hide(const sm_op *op, const query_list *q,
                           const char *soft_field);

/* ---- facets: order and exclusion without parsing records ----------------
 *
 * A resource's facets are the record members its list orders by (the
 * order keys, first) and excludes by (the first field of each exclude
 * filter of its lists).  Their values are encoded at write time into a
 * few bytes stored beside the list JSON (store.h), so a list with an
 * order and exclude filters stays a byte copy: it compares and matches
 * the encoded values and copies the stored list JSON.
 *
 * Encoding: a 4-byte fingerprint of the facet names (a record written
 * under another spec's facets is detected and the list falls back to
 * parsing), then per facet a tag byte and its payload: null/absent,
 * false, true (no payload), integer (8 bytes), real (8 bytes, IEEE bits),
 * string (4-byte length + bytes), other (4-byte length + sorted-keys
 * compact JSON).  Comparison follows listing_compare exactly; equality
 * follows json_equal (an absent member counts as null, as in exclusion).
 */
typedef struct listing_facets listing_facets;

/* The facets of order o plus the extra names (duplicates dropped); NULL
 * when there are none.  o is borrowed and must outlive the result. */
listing_facets *listing_facets_new(const listing_order *o,
                                   const char *const *extra, size_t nextra);
void listing_facets_free(listing_facets *fs);
/* The index of name among fs's facets, or -1. */
int listing_facets_index(const listing_facets *fs, const char *name);
/* Appends the encoded facets of record rec to out. */
void listing_facets_encode(const listing_facets *fs, const json_t *rec,
                           strbuf *out);
/* Appends the encoding of one value (NULL: absent = null) to out. */
void listing_facet_value(const json_t *v, strbuf *out);
/* 1 when p[0..len) is a well-formed encoding under fs's fingerprint. */
int listing_facets_valid(const listing_facets *fs, const char *p, size_t len);
/* 1 when facet idx of the (valid) encoding p equals the value enc. */
int listing_facets_is(const char *p, size_t len, int idx, const char *enc,
                      size_t enc_len);
/* listing_compare over two valid encodings. */
int listing_facets_compare(const listing_facets *fs, const char *a,
                           size_t al, uint64_t seq_a, const char *b,
                           size_t bl, uint64_t seq_b);

/* The order keys of a valid encoding decoded once (a list sorts a page
 * by them without re-walking the bytes per comparison). */
#define LISTING_KEYS_MAX 4
typedef struct listing_keys {
    uint8_t n;
    struct {
        uint8_t tag;
        const unsigned char *p;
        size_t len;
    } k[LISTING_KEYS_MAX];
} listing_keys;
/* 0, or -1 when fs has more than LISTING_KEYS_MAX order keys. */
int listing_facets_keys(const listing_facets *fs, const char *p, size_t len,
                        listing_keys *out);
/* listing_facets_compare over decoded keys. */
int listing_keys_compare(const listing_facets *fs, const listing_keys *a,
                         uint64_t seq_a, const listing_keys *b,
                         uint64_t seq_b);

#endif
