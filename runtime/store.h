/*
 * store.h — the only user of LMDB.  One environment per process (with
 * --workers, one per worker process, opened after the fork as LMDB
 * requires), three named databases (store format 4, recorded in meta as
 * "format"; a format-3 directory is converted in place at open, an older
 * one is refused with "DIR: store format N; this build uses 4: remove the
 * directory"):
 *
 *   "records"  key (namespace u16, project i64, parent sequence u64,
 *              sequence u64), big-endian, the project's sign bit flipped, so
 *              a cursor walks one resource of one project under one parent
 *              (0: top-level) in creation order; value = 24-byte header
 *              ("SMR4", flags, full length, list length, list encoding
 *              length, facets length) + the full JSON + the list text's
 *              encoding (store_seg: spans of the full JSON and literals) +
 *              the facets, so reads copy bytes and parse nothing.  The list
 *              item of a record repeats most of its full JSON: kept as spans
 *              it costs a few dozen bytes instead of a second copy, and
 *              LMDB packs ~2x more records into a page (a create touches a
 *              new page every third record instead of every record)
 *   "meta"     namespace ids by resource name (stable across spec changes)
 *              and the last id per (namespace, project): ids start at 1 and
 *              are never reused
 *   "keys"     (namespace, project, parent, key text) -> sequence, for
 *              resources whose key is not their auto id (at most 400 bytes
 *              of key text; longer keys name no record)
 *
 * Return convention: STORE_OK (0) or a negative STORE_* code.  LMDB's
 * MDB_NOTFOUND is an answer (STORE_NOTFOUND), MDB_MAP_FULL / MDB_TXN_FULL
 * become STORE_FULL (the server answers 507), anything else STORE_ERROR.
 * After an error from a write call the caller must store_abort(): LMDB then
 * discards the whole transaction, so a failed request leaves no half write.
 *
 * Ownership: the store owns the environment and every transaction; a txn
 * ends with exactly one store_commit() or store_abort(), which frees it.
 * Values are copied out before a call returns (store_get) or handed to a
 * visitor that must copy what it keeps (store_list): no LMDB memory escapes.
 * Single-threaded, on the event-loop thread.  A read transaction is reused
 * between requests (reset on store_abort, renewed on the next begin); a
 * read begun while that one is out gets its own.
 */
#ifndef SM_STORE_H
#define SM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum {
    STORE_OK = 0,
    STORE_NOTFOUND = -1,
    STORE_FULL = -2,
    STORE_ERROR = -3
};

enum { STORE_F_DELETED = 1u << 0 }; /* record flags: soft-deleted */

#define STORE_FORMAT 4
#define STORE_DEFAULT_MAPSIZE ((size_t)1 << 30) /* 1 GiB, sparse */

typedef struct sm_store sm_store;
typedef struct sm_txn sm_txn;

/* A record as store_get copies it out: its flags and full text (a GET of
 * one record needs nothing else; the list text is read by walks). */
typedef struct store_rec {
    unsigned flags;
    char *full; /* malloc'd copy, NUL-terminated */
    size_t full_len;
} store_rec;

/* Opens (creating dir and the environment when missing).  sync: fsync every
 * commit; otherwise MDB_NOSYNC.  The map is writable (MDB_WRITEMAP): a
 * commit writes no pages with pwrite, which made creates ~1.5x faster under
 * wrk; the cost is that data.mdb's apparent size is the whole map size (a
 * sparse file: only written pages take disk); MDB_NORDAHEAD, see store.c.  LMDB still never overwrites
 * a live page, so a killed process loses nothing committed.  On failure err
 * gets "DIR: <reason>". */
int store_open(sm_store **out, const char *dir, size_t mapsize, int sync,
               strbuf *err);
void store_close(sm_store *st);

/* The namespace id of a resource name, assigned on first use. */
int store_namespace(sm_store *st, const char *name, uint16_t *ns);

int store_begin(sm_store *st, int write, sm_txn **out);
int store_commit(sm_txn *txn); /* frees txn, also on failure */
void store_abort(sm_txn *txn); /* frees txn; NULL is fine */

/* Advances and returns the id counter of (ns, project). */
int store_next_id(sm_txn *txn, uint16_t ns, int64_t project, uint64_t *id);

/* Raises the id counter of (ns, project) to at least id (records loaded
 * with their own ids). */
int store_seen_id(sm_txn *txn, uint16_t ns, int64_t project, uint64_t id);
/* Empties the store in txn: every record and key, and the id counters (ids
 * start again at 1).  Namespace ids are kept.  For an admin reset. */
int store_clear(sm_txn *txn);
/* 1 when (ns, project) holds any record under any parent, 0 when none. */
int store_any(sm_txn *txn, uint16_t ns, int64_t project);

int store_get(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
              uint64_t id, store_rec *out);
void store_rec_free(store_rec *rec);

/* One piece of a record's list text: lit != NULL, the len bytes at lit;
 * lit == NULL, the bytes full[off, off + len) of the record's full text.
 * The list text is its pieces concatenated in order. */
typedef struct store_seg {
    const char *lit;
    size_t off, len;
} store_seg;

/* Stores (or replaces) a record: its full text, its list text as nseg
 * pieces (spans must lie inside full: else STORE_ERROR, nothing written),
 * and opaque facets bytes (store_item). */
int store_put_record(sm_txn *txn, uint16_t ns, int64_t project,
                     uint64_t parent, uint64_t id, unsigned flags,
                     const char *full, size_t full_len, const store_seg *list,
                     size_t nseg, const char *facets, size_t facets_len);
/* store_put_record with the list text given whole (one literal piece) and
 * no facets. */
int store_put(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
              uint64_t id, unsigned flags, const char *full, size_t full_len,
              const char *list, size_t list_len);
int store_del(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
              uint64_t id);

/* The keys index: key text -> sequence under (ns, project, parent). */
int store_key_get(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
                  const char *key, size_t len, uint64_t *id);
int store_key_put(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
                  const char *key, size_t len, uint64_t id);
int store_key_del(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
                  const char *key, size_t len);

/*
 * Walks (ns, project, parent) in id order.  Records with any of hide_flags
 * set are skipped and not counted.  *count gets the number of visible
 * records; the visitor sees visible records offset .. offset+limit-1
 * (limit < 0: all), with their flags, full and list bytes valid only during
 * the call.  A visitor returning non-zero
 * stops the walk early (count is then incomplete).
 */
typedef int (*store_visit_fn)(void *arg, uint64_t id, unsigned flags,
                              const char *full, size_t full_len,
                              const char *list, size_t len);
int store_list(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
               unsigned hide_flags,
               int64_t offset, int64_t limit, store_visit_fn fn, void *arg,
               int64_t *count);

/* store_list with every part of a record in one struct.  The pointers
 * point into the map and stay valid until the transaction ends (LMDB's
 * rule for read transactions; in a write one until the next write), so a
 * caller may keep them instead of copying. */
typedef struct store_item {
    uint64_t id;
    unsigned flags;
    const char *full, *facets;
    size_t full_len, facets_len;
    size_t list_len;           /* the list text's length */
    const unsigned char *list_enc; /* its pieces (checked when read) */
    size_t list_enc_len;
} store_item;
/* Writes the item's list text (list_len bytes, no NUL) to dst. */
void store_item_list(const store_item *it, char *dst);
typedef int (*store_walk_fn)(void *arg, const store_item *it);
int store_walk(sm_txn *txn, uint16_t ns, int64_t project, uint64_t parent,
               unsigned hide_flags, int64_t offset, int64_t limit,
               store_walk_fn fn, void *arg, int64_t *count);

/* The id of the snapshot txn reads (a write transaction: the id it will
 * commit as).  LMDB advances it on every committed write that changed
 * anything, in any process sharing the store, so two reads with the same
 * id see the same records (listcache.h keys its answers on it). */
uint64_t store_txn_id(const sm_txn *txn);

const char *store_strerror(int rc);

#endif
