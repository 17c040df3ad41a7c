/*
 * listcache.h — a small cache of whole list answers (status, Content-Type,
 * body), each valid for one store snapshot only.
 *
 * Why: a list page is assembled on every request by walking the records,
 * sorting them by their stored order keys and copying their list JSON; a
 * repeated request for the same page of an unchanged store can instead copy
 * the answer it produced last time.  The cache is correct only if every
 * input of the answer is part of the lookup:
 *
 *   - snapshot: the read transaction's id (store_txn_id), which LMDB
 *     advances on every committed write (in any process on the same store),
 *     so an entry made at one id can never answer a request that reads
 *     another: a create, update, delete or reset in between is a miss;
 *   - key: an opaque byte string the caller builds with listcache_key_*()
 *     from everything else the answer depends on (handlers.c h_list: the
 *     operation, the project and parent, the raw path and query, the Host
 *     of the pagination links, the caller's key).  Each part is written
 *     with a tag and its length, NULL distinct from "", so two different
 *     lists of parts never make the same bytes.
 *
 * A hit compares the id and the whole key byte for byte (the hash only
 * skips entries quickly), so it returns exactly what a miss stored for the
 * same inputs.  Bounded: at most `entries` answers, none larger than
 * `max_body` bytes, `max_total` body bytes in all; the least recently used
 * entry goes first.  Entries of an older snapshot are dropped as soon as an
 * answer of a newer one is stored (they could never hit again).  A body
 * held by an answer still being sent (listcache_hold) outlives its entry
 * until that answer is written (evhttp writes one answer per connection
 * at a time).
 *
 * Owned by the RT-CORE helper.  Generic: knows nothing of the API.  Single-
 * threaded, like the event loop that uses it (one cache per process); the
 * reference counts of held bodies are plain counters for the same reason.
 */
#ifndef SM_LISTCACHE_H
#define SM_LISTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define LISTCACHE_ENTRIES 16
#define LISTCACHE_MAX_BODY ((size_t)4 << 20)   /* 4 MiB                     */
#define LISTCACHE_MAX_TOTAL ((size_t)16 << 20) /* 16 MiB of bodies in all   */

typedef struct sm_listcache sm_listcache;

/* One cached answer; its pointers stay valid until the next put, clear or
 * free, body longer while held (listcache_hold). */
typedef struct listcache_answer {
    int status;
    const char *content_type; /* NULL: the reply's default              */
    const char *body;         /* len bytes, NUL after them              */
    size_t len;
    const void *held;         /* private: the reference-counted bytes   */
} listcache_answer;

typedef struct listcache_stats {
    uint64_t hits, misses, stores, evictions, skipped; /* skipped: too big */
    size_t entries, bytes;                             /* held now         */
} listcache_stats;

/* entries 0: LISTCACHE_ENTRIES; max_body / max_total 0: the defaults. */
sm_listcache *listcache_new(size_t entries, size_t max_body, size_t max_total);
void listcache_free(sm_listcache *lc); /* NULL is fine */

/* Key parts: a string (NULL and "" differ) and an integer. */
void listcache_key_str(strbuf *key, const char *s);
void listcache_key_int(strbuf *key, int64_t v);

/* The answer stored for (txn, key), or NULL (counted as a miss). */
const listcache_answer *listcache_get(sm_listcache *lc, uint64_t txn,
                                      const char *key, size_t key_len);
/* Stores a copy of the answer for (txn, key), replacing an entry of the
 * same key; a body above max_body is not stored.  0, or -1 when skipped. */
int listcache_put(sm_listcache *lc, uint64_t txn, const char *key,
                  size_t key_len, int status, const char *content_type,
                  const char *body, size_t len);
void listcache_clear(sm_listcache *lc);
/* A reference to a->body's bytes that outlives the entry (an answer still
 * being sent when the entry is evicted): give it back with
 * listcache_release(data, len, held), data and len ignored — the
 * signature of a reply_release_fn / evbuffer reference cleanup. */
void *listcache_hold(const listcache_answer *a);
void listcache_release(const void *data, size_t len, void *held);
void listcache_stats_get(const sm_listcache *lc, listcache_stats *out);

#endif
