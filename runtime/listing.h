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
 * SM_FILTER_EXCLUDE filter whose parameter is absent excludes it. */
int listing_pass(const sm_op *op, const query_list *q, const json_t *record);

/* 1 when op has a filter on field soft_field and q carries its parameter:
 * the filter then replaces the resource's soft-delete list hiding. */
int listing_overrides_hide(const sm_op *op, const query_list *q,
                           const char *soft_field);

#endif
