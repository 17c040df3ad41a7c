/*
 * listcache.c — the list-answer cache of listcache.h: a fixed array of
 * entries searched linearly (a handful: a hash compare each), LRU by a use
 * counter.
 *
 * Owned by the RT-CORE helper.  Names no API.
 */
#include "listcache.h"

#include <stdlib.h>
#include <string.h>

/* An answer's bytes, shared by the entry and the replies still sending
 * them (listcache_hold): freed when the last reference goes. */
typedef struct body {
    size_t refs;
    char bytes[];
} body;

typedef struct entry {
    int used;           /* holds an answer                              */
    uint64_t txn;       /* the snapshot it was made from                */
    uint64_t hash;      /* of the key bytes                             */
    uint64_t tick;      /* last use, for LRU                            */
    char *key;
    size_t key_len;
    listcache_answer a; /* content_type owned (ct); a.body in buf      */
    char *ct;
    body *buf;          /* one reference                                */
} entry;

struct sm_listcache {
    entry *v;
    size_t n;           /* slots                                        */
    size_t max_body, max_total;
    uint64_t tick;
    listcache_stats st;
};

sm_listcache *listcache_new(size_t entries, size_t max_body, size_t max_total)
{
    sm_listcache *lc = sm_xmalloc(sizeof *lc);
    memset(lc, 0, sizeof *lc);
    lc->n = entries ? entries : LISTCACHE_ENTRIES;
    lc->max_body = max_body ? max_body : LISTCACHE_MAX_BODY;
    lc->max_total = max_total ? max_total : LISTCACHE_MAX_TOTAL;
    lc->v = sm_xmalloc(lc->n * sizeof *lc->v);
    memset(lc->v, 0, lc->n * sizeof *lc->v);
    return lc;
}

static void drop(sm_listcache *lc, entry *e)
{
    if (!e->used)
        return;
    lc->st.entries--;
    lc->st.bytes -= e->a.len;
    free(e->key);
    free(e->ct);
    listcache_release(NULL, 0, e->buf);
    memset(e, 0, sizeof *e);
}

void *listcache_hold(const listcache_answer *a)
{
    body *b = (body *)a->held;
    b->refs++;
    return b;
}

void listcache_release(const void *data, size_t len, void *held)
{
    (void)data;
    (void)len;
    body *b = held;
    if (b && --b->refs == 0)
        free(b);
}

void listcache_clear(sm_listcache *lc)
{
    if (!lc)
        return;
    for (size_t i = 0; i < lc->n; i++)
        drop(lc, &lc->v[i]);
}

void listcache_free(sm_listcache *lc)
{
    if (!lc)
        return;
    listcache_clear(lc);
    free(lc->v);
    free(lc);
}

/* Parts: tag, 8-byte length (or value), bytes. */
static void put_u64(strbuf *key, char tag, uint64_t v)
{
    unsigned char b[9];
    b[0] = (unsigned char)tag;
    for (int i = 0; i < 8; i++)
        b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
    strbuf_add(key, b, sizeof b);
}

void listcache_key_str(strbuf *key, const char *s)
{
    if (!s) {
        put_u64(key, 'n', 0);
        return;
    }
    size_t len = strlen(s);
    put_u64(key, 's', (uint64_t)len);
    strbuf_add(key, s, len);
}

void listcache_key_int(strbuf *key, int64_t v)
{
    put_u64(key, 'i', (uint64_t)v);
}

static uint64_t hash_of(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static entry *find(sm_listcache *lc, uint64_t hash, const char *key,
                   size_t key_len)
{
    for (size_t i = 0; i < lc->n; i++) {
        entry *e = &lc->v[i];
        if (e->used && e->hash == hash && e->key_len == key_len &&
            memcmp(e->key, key, key_len) == 0)
            return e;
    }
    return NULL;
}

const listcache_answer *listcache_get(sm_listcache *lc, uint64_t txn,
                                      const char *key, size_t key_len)
{
    entry *e = find(lc, hash_of(key, key_len), key, key_len);
    if (!e || e->txn != txn) { /* another snapshot's answer: never */
        lc->st.misses++;
        return NULL;
    }
    e->tick = ++lc->tick;
    lc->st.hits++;
    return &e->a;
}

static entry *lru(sm_listcache *lc)
{
    entry *best = NULL;
    for (size_t i = 0; i < lc->n; i++) {
        entry *e = &lc->v[i];
        if (e->used && (!best || e->tick < best->tick))
            best = e;
    }
    return best;
}

int listcache_put(sm_listcache *lc, uint64_t txn, const char *key,
                  size_t key_len, int status, const char *content_type,
                  const char *bytes, size_t len)
{
    if (len > lc->max_body || len > lc->max_total) {
        lc->st.skipped++;
        return -1;
    }
    uint64_t hash = hash_of(key, key_len);
    for (size_t i = 0; i < lc->n; i++) {
        entry *e = &lc->v[i];
        /* an older snapshot's entries can never hit again; the same key's
         * is replaced */
        if (e->used && (e->txn != txn ||
                        (e->hash == hash && e->key_len == key_len &&
                         memcmp(e->key, key, key_len) == 0)))
            drop(lc, e);
    }
    while (lc->st.entries == lc->n || lc->st.bytes + len > lc->max_total) {
        drop(lc, lru(lc));
        lc->st.evictions++;
    }
    entry *e = NULL;
    for (size_t i = 0; i < lc->n && !e; i++)
        if (!lc->v[i].used)
            e = &lc->v[i];
    e->used = 1;
    e->txn = txn;
    e->hash = hash;
    e->tick = ++lc->tick;
    e->key = sm_xmalloc(key_len ? key_len : 1);
    if (key_len)
        memcpy(e->key, key, key_len);
    e->key_len = key_len;
    e->ct = content_type ? sm_xstrdup(content_type) : NULL;
    e->buf = sm_xmalloc(sizeof *e->buf + len + 1);
    e->buf->refs = 1;
    if (len)
        memcpy(e->buf->bytes, bytes, len);
    e->buf->bytes[len] = '\0';
    e->a = (listcache_answer){status, e->ct, e->buf->bytes, len, e->buf};
    lc->st.entries++;
    lc->st.bytes += len;
    lc->st.stores++;
    return 0;
}

void listcache_stats_get(const sm_listcache *lc, listcache_stats *out)
{
    *out = lc->st;
}
