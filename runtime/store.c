/*
 * store.c — LMDB behind one small interface (see store.h).
 */
#include "store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sm_txn {
    sm_store *st;
    MDB_txn *txn;
    int cached; /* the store's reusable read transaction */
};

struct sm_store {
    MDB_env *env;
    MDB_dbi records, meta, keys;
    /* One read transaction kept between requests: store_abort() resets it
     * (mdb_txn_reset: no snapshot held) and the next read store_begin()
     * renews it, so a GET costs no transaction allocation.  in_use: handed
     * out now (a nested read then gets its own, MDB_NOTLS allows both). */
    sm_txn rd;
    int rd_open, rd_in_use;
};

#define REC_MAGIC "SMR4"
#define REC_HEADER 24
/* A list piece in the record: a u32 word; top bit set, a literal of the
 * low 31 bits' length whose bytes follow; clear, a span of that length
 * whose u32 offset into the full text follows. */
#define SEG_LIT UINT32_C(0x80000000)
#define KEY_LEN 26  /* ns 2 + project 8 + parent 8 + seq 8 */
#define PREFIX_LEN 18

static int map_rc(int rc)
{
    switch (rc) {
    case 0:
        return STORE_OK;
    case MDB_NOTFOUND:
        return STORE_NOTFOUND;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
        return STORE_FULL;
    default:
        return STORE_ERROR;
    }
}

const char *store_strerror(int rc)
{
    switch (rc) {
    case STORE_OK:
        return "ok";
    case STORE_NOTFOUND:
        return "not found";
    case STORE_FULL:
        return "the store's map is full";
    default:
        return "store error";
    }
}

static void be16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void be32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void rec_key(unsigned char k[KEY_LEN], uint16_t ns, int64_t project,
                    uint64_t parent, uint64_t id)
{
    be16(k, ns);
    be64(k + 2, (uint64_t)project ^ UINT64_C(0x8000000000000000));
    be64(k + 10, parent);
    be64(k + 18, id);
}

/* Format 3 -> 4 in txn: every record keeps its bytes, its list text
 * becomes one literal piece (SMR3: a 20-byte header "SMR3", flags, full,
 * list and facets lengths, then the three).  A value that is no SMR3
 * record is left as it is (reads report it corrupt, as before). */
static int migrate_v3(MDB_txn *txn, sm_store *st)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, st->records, &cur);
    if (rc != 0)
        return rc;
    strbuf nv = STRBUF_INIT;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        const unsigned char *p = v.mv_data;
        if (k.mv_size != KEY_LEN || v.mv_size < 20 ||
            memcmp(p, "SMR3", 4) != 0)
            continue;
        uint32_t fl = get32(p + 8), ll = get32(p + 12), xl = get32(p + 16);
        if ((uint64_t)20 + fl + ll + xl != v.mv_size || ll & SEG_LIT)
            continue;
        uint32_t el = ll ? 4 + ll : 0;
        unsigned char h[REC_HEADER + 4];
        memcpy(h, REC_MAGIC, 4);
        memcpy(h + 4, p + 4, 4); /* flags */
        be32(h + 8, fl);
        be32(h + 12, ll);
        be32(h + 16, el);
        be32(h + 20, xl);
        be32(h + REC_HEADER, ll | SEG_LIT);
        nv.len = 0;
        strbuf_add(&nv, h, REC_HEADER);
        strbuf_add(&nv, p + 20, fl);
        if (ll)
            strbuf_add(&nv, h + REC_HEADER, 4);
        strbuf_add(&nv, p + 20 + fl, (size_t)ll + xl);
        /* the key and the old value point into the map: nv is a copy, and
         * so is the key (the put may move the node) */
        unsigned char kb[KEY_LEN];
        memcpy(kb, k.mv_data, KEY_LEN);
        MDB_val key = {KEY_LEN, kb}, val = {nv.len, nv.p};
        if ((rc = mdb_cursor_put(cur, &key, &val, MDB_CURRENT)) != 0)
            break;
    }
    strbuf_free(&nv);
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The store's format number in meta: absent in a fresh environment (then
 * written) and in a format-1 one (records present: refused); format 3 is
 * converted (migrate_v3). */
static int check_format(MDB_txn *txn, sm_store *st, const char *dir,
                        strbuf *err)
{
    MDB_val key = {6, "format"}, val;
    int rc = mdb_get(txn, st->meta, &key, &val);
    unsigned format = 0;
    if (rc == 0 && val.mv_size == 4)
        format = get32(val.mv_data);
    else if (rc == 0)
        format = 1;
    else if (rc != MDB_NOTFOUND)
        return rc;
    if (rc == MDB_NOTFOUND) {
        MDB_stat s1, s2;
        if ((rc = mdb_stat(txn, st->records, &s1)) != 0 ||
            (rc = mdb_stat(txn, st->meta, &s2)) != 0)
            return rc;
        if (s1.ms_entries || s2.ms_entries) {
            format = 1;
        } else {
            unsigned char b[4];
            be32(b, STORE_FORMAT);
            MDB_val v = {4, b};
            return mdb_put(txn, st->meta, &key, &v, 0);
        }
    }
    if (format == 3) {
        unsigned char b[4];
        be32(b, STORE_FORMAT);
        MDB_val v = {4, b};
        if ((rc = migrate_v3(txn, st)) != 0 ||
            (rc = mdb_put(txn, st->meta, &key, &v, 0)) != 0)
            return rc;
        return 0;
    }
    if (format != STORE_FORMAT) {
        strbuf_addf(err, "%s: store format %u; this build uses %d: remove the "
                         "directory",
                    dir, format, STORE_FORMAT);
        return -1;
    }
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *p = sm_xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

int store_open(sm_store **out, const char *dir, size_t mapsize, int sync,
               strbuf *err)
{
    sm_store *st = calloc(1, sizeof *st);
    MDB_txn *txn = NULL;
    int rc;
    *out = NULL;
    if (!st)
        abort();
    if (make_dirs(dir) < 0) {
        strbuf_addf(err, "%s: %s", dir, strerror(errno));
        goto fail;
    }
    if ((rc = mdb_env_create(&st->env)) != 0)
        goto fail_mdb;
    if ((rc = mdb_env_set_maxdbs(st->env, 4)) != 0 ||
        (rc = mdb_env_set_mapsize(st->env, mapsize)) != 0)
        goto fail_mdb;
    /* MDB_NORDAHEAD: the map is read at random (a B-tree), and on a new,
     * sparse data.mdb the kernel's read-around on the first fault zero-fills
     * a window of the hole into the page cache: ~1.5 ms of a 5 ms start-up */
    if ((rc = mdb_env_open(st->env, dir,
                           MDB_NOTLS | MDB_WRITEMAP | MDB_NORDAHEAD |
                               (sync ? 0 : MDB_NOSYNC),
                           0644)) != 0)
        goto fail_mdb;
    if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0 ||
        (rc = mdb_dbi_open(txn, "records", MDB_CREATE, &st->records)) != 0 ||
        (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &st->meta)) != 0 ||
        (rc = mdb_dbi_open(txn, "keys", MDB_CREATE, &st->keys)) != 0)
        goto fail_mdb;
    if ((rc = check_format(txn, st, dir, err)) != 0) {
        if (rc == -1)
            goto fail;
        goto fail_mdb;
    }
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0)
        goto fail_mdb;
    *out = st;
    return STORE_OK;

fail_mdb:
    strbuf_addf(err, "%s: %s", dir, mdb_strerror(rc));
fail:
    if (txn)
        mdb_txn_abort(txn);
    if (st->env)
        mdb_env_close(st->env);
    free(st);
    return STORE_ERROR;
}

void store_close(sm_store *st)
{
    if (!st)
        return;
    if (st->rd_open)
        mdb_txn_abort(st->rd.txn);
    mdb_env_close(st->env);
    free(st);
}

int store_begin(sm_store *st, int write, sm_txn **out)
{
    if (!write && !st->rd_in_use) {
        int rc = st->rd_open ? mdb_txn_renew(st->rd.txn)
                             : mdb_txn_begin(st->env, NULL, MDB_RDONLY,
                                             &st->rd.txn);
        if (rc != 0) {
            if (st->rd_open)
                mdb_txn_abort(st->rd.txn);
            st->rd_open = 0;
            *out = NULL;
            return map_rc(rc);
        }
        st->rd.st = st;
        st->rd.cached = 1;
        st->rd_open = st->rd_in_use = 1;
        *out = &st->rd;
        return STORE_OK;
    }
    sm_txn *t = malloc(sizeof *t);
    if (!t)
        abort();
    t->st = st;
    t->cached = 0;
    int rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    if (rc != 0) {
        free(t);
        *out = NULL;
        return map_rc(rc);
    }
    *out = t;
    return STORE_OK;
}

/* Ends the cached read transaction: reset, kept for the next read. */
static void release_cached(sm_txn *t)
{
    mdb_txn_reset(t->txn);
    t->st->rd_in_use = 0;
}

int store_commit(sm_txn *t)
{
    if (t->cached) {
        release_cached(t);
        return STORE_OK;
    }
    int rc = mdb_txn_commit(t->txn);
    free(t);
    return map_rc(rc);
}

void store_abort(sm_txn *t)
{
    if (!t)
        return;
    if (t->cached) {
        release_cached(t);
        return;
    }
    mdb_txn_abort(t->txn);
    free(t);
}

uint64_t store_txn_id(const sm_txn *t)
{
    return (uint64_t)mdb_txn_id(t->txn);
}

int store_namespace(sm_store *st, const char *name, uint16_t *ns)
{
    sm_txn *t;
    int rc = store_begin(st, 1, &t);
    if (rc)
        return rc;
    strbuf k = STRBUF_INIT;
    strbuf_adds(&k, "ns:");
    strbuf_adds(&k, name);
    MDB_val key = {k.len, k.p}, val;
    rc = mdb_get(t->txn, st->meta, &key, &val);
    if (rc == 0 && val.mv_size == 2) {
        const unsigned char *p = val.mv_data;
        *ns = (uint16_t)(p[0] << 8 | p[1]);
        strbuf_free(&k);
        store_abort(t);
        return STORE_OK;
    }
    if (rc != MDB_NOTFOUND && rc != 0)
        goto out;
    /* next namespace id */
    MDB_val nk = {7, "ns-next"}, nv;
    uint16_t next = 1;
    rc = mdb_get(t->txn, st->meta, &nk, &nv);
    if (rc == 0 && nv.mv_size == 2) {
        const unsigned char *p = nv.mv_data;
        next = (uint16_t)(p[0] << 8 | p[1]);
    } else if (rc != MDB_NOTFOUND) {
        goto out;
    }
    if (next == UINT16_MAX) {
        rc = MDB_MAP_FULL;
        goto out;
    }
    unsigned char b[2], b2[2];
    be16(b, next);
    be16(b2, (uint16_t)(next + 1));
    MDB_val v1 = {2, b}, v2 = {2, b2};
    if ((rc = mdb_put(t->txn, st->meta, &key, &v1, 0)) != 0 ||
        (rc = mdb_put(t->txn, st->meta, &nk, &v2, 0)) != 0)
        goto out;
    strbuf_free(&k);
    *ns = next;
    return store_commit(t);
out:
    strbuf_free(&k);
    store_abort(t);
    return map_rc(rc);
}

int store_next_id(sm_txn *t, uint16_t ns, int64_t project, uint64_t *id)
{
    unsigned char kb[3 + 10], vb[8];
    memcpy(kb, "seq", 3);
    be16(kb + 3, ns);
    be64(kb + 5, (uint64_t)project ^ UINT64_C(0x8000000000000000));
    MDB_val key = {sizeof kb, kb}, val;
    uint64_t last = 0;
    int rc = mdb_get(t->txn, t->st->meta, &key, &val);
    if (rc == 0 && val.mv_size == 8)
        last = get64(val.mv_data);
    else if (rc != MDB_NOTFOUND)
        return rc == 0 ? STORE_ERROR : map_rc(rc);
    be64(vb, last + 1);
    MDB_val nv = {8, vb};
    if ((rc = mdb_put(t->txn, t->st->meta, &key, &nv, 0)) != 0)
        return map_rc(rc);
    *id = last + 1;
    return STORE_OK;
}

int store_seen_id(sm_txn *t, uint16_t ns, int64_t project, uint64_t id)
{
    unsigned char kb[3 + 10], vb[8];
    memcpy(kb, "seq", 3);
    be16(kb + 3, ns);
    be64(kb + 5, (uint64_t)project ^ UINT64_C(0x8000000000000000));
    MDB_val key = {sizeof kb, kb}, val;
    uint64_t last = 0;
    int rc = mdb_get(t->txn, t->st->meta, &key, &val);
    if (rc == 0 && val.mv_size == 8)
        last = get64(val.mv_data);
    else if (rc != MDB_NOTFOUND)
        return rc == 0 ? STORE_ERROR : map_rc(rc);
    if (last >= id)
        return STORE_OK;
    be64(vb, id);
    MDB_val nv = {8, vb};
    return map_rc(mdb_put(t->txn, t->st->meta, &key, &nv, 0));
}

/* Every record, every key index entry and every id counter ("seq" keys in
 * meta) go; namespace ids and the format stay, so the directory remains the
 * same store. */
int store_clear(sm_txn *t)
{
    int rc = mdb_drop(t->txn, t->st->records, 0);
    if (rc == 0)
        rc = mdb_drop(t->txn, t->st->keys, 0);
    while (rc == 0) {
        MDB_cursor *cur;
        if ((rc = mdb_cursor_open(t->txn, t->st->meta, &cur)) != 0)
            break;
        MDB_val k = {3, "seq"}, v;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        int more = rc == 0 && k.mv_size >= 3 && memcmp(k.mv_data, "seq", 3) == 0;
        if (more)
            rc = mdb_cursor_del(cur, 0);
        mdb_cursor_close(cur);
        if (rc == MDB_NOTFOUND || (rc == 0 && !more)) {
            rc = 0;
            break;
        }
    }
    return map_rc(rc);
}

int store_any(sm_txn *t, uint16_t ns, int64_t project)
{
    MDB_cursor *cur;
    unsigned char kb[KEY_LEN];
    if (mdb_cursor_open(t->txn, t->st->records, &cur) != 0)
        return 0;
    rec_key(kb, ns, project, 0, 0);
    MDB_val key = {KEY_LEN, kb}, val;
    int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    int any = rc == 0 && key.mv_size == KEY_LEN &&
              memcmp(key.mv_data, kb, 10) == 0;
    mdb_cursor_close(cur);
    return any;
}

/* Checks a list encoding against the full text it refers to: every piece
 * inside its bounds and the pieces' lengths adding up to list_len. */
static int enc_valid(const unsigned char *e, size_t n, size_t full_len,
                     size_t list_len)
{
    size_t i = 0, total = 0;
    while (i < n) {
        if (n - i < 4)
            return 0;
        uint32_t w = get32(e + i);
        size_t len = w & ~SEG_LIT;
        i += 4;
        if (w & SEG_LIT) {
            if (n - i < len)
                return 0;
            i += len;
        } else {
            if (n - i < 4)
                return 0;
            uint32_t off = get32(e + i);
            i += 4;
            if (off > full_len || len > full_len - off)
                return 0;
        }
        total += len;
    }
    return total == list_len;
}

/* Checks a record value; 0 with the parts, or STORE_ERROR when corrupt. */
static int rec_parse(const MDB_val *v, store_item *it)
{
    const unsigned char *p = v->mv_data;
    if (v->mv_size < REC_HEADER || memcmp(p, REC_MAGIC, 4) != 0)
        return STORE_ERROR;
    uint32_t fl = get32(p + 8), ll = get32(p + 12), el = get32(p + 16),
             xl = get32(p + 20);
    if ((uint64_t)REC_HEADER + fl + el + xl != v->mv_size)
        return STORE_ERROR;
    it->flags = get32(p + 4);
    it->full = (const char *)p + REC_HEADER;
    it->full_len = fl;
    it->list_len = ll;
    it->list_enc = p + REC_HEADER + fl;
    it->list_enc_len = el;
    it->facets = (const char *)it->list_enc + el;
    it->facets_len = xl;
    return enc_valid(it->list_enc, el, fl, ll) ? STORE_OK : STORE_ERROR;
}

void store_item_list(const store_item *it, char *dst)
{
    const unsigned char *e = it->list_enc, *end = e + it->list_enc_len;
    while (e < end) {
        uint32_t w = get32(e);
        size_t len = w & ~SEG_LIT;
        if (w & SEG_LIT) {
            memcpy(dst, e + 4, len);
            e += 4 + len;
        } else {
            memcpy(dst, it->full + get32(e + 4), len);
            e += 8;
        }
        dst += len;
    }
}

int store_get(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
              uint64_t id, store_rec *out)
{
    unsigned char kb[KEY_LEN];
    rec_key(kb, ns, project, parent, id);
    MDB_val key = {KEY_LEN, kb}, val;
    memset(out, 0, sizeof *out);
    int rc = mdb_get(t->txn, t->st->records, &key, &val);
    if (rc != 0)
        return map_rc(rc);
    store_item it;
    if ((rc = rec_parse(&val, &it)) != 0)
        return rc;
    out->flags = it.flags;
    out->full_len = it.full_len;
    out->full = sm_xstrndup(it.full, it.full_len);
    return STORE_OK;
}

void store_rec_free(store_rec *rec)
{
    free(rec->full);
    memset(rec, 0, sizeof *rec);
}

int store_put(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
              uint64_t id, unsigned flags, const char *full, size_t full_len,
              const char *list, size_t list_len)
{
    store_seg one = {list ? list : "", 0, list_len};
    return store_put_record(t, ns, project, parent, id, flags, full, full_len,
                            &one, 1, NULL, 0);
}

int store_put_record(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
                     uint64_t id, unsigned flags, const char *full,
                     size_t full_len, const store_seg *list, size_t nseg,
                     const char *facets, size_t facets_len)
{
    const size_t max = (size_t)(SEG_LIT - 1);
    size_t enc_len = 0, list_len = 0;
    for (size_t i = 0; i < nseg; i++) {
        const store_seg *g = &list[i];
        if (!g->len)
            continue;
        if (g->len > max || (!g->lit && (g->off > full_len ||
                                         g->len > full_len - g->off)))
            return STORE_ERROR;
        enc_len += g->lit ? 4 + g->len : 8;
        list_len += g->len;
        if (enc_len > max || list_len > max)
            return STORE_ERROR;
    }
    if (full_len > max || facets_len > max ||
        (uint64_t)REC_HEADER + full_len + enc_len + facets_len > max)
        return STORE_ERROR;
    unsigned char kb[KEY_LEN];
    rec_key(kb, ns, project, parent, id);
    MDB_val key = {KEY_LEN, kb};
    MDB_val val = {REC_HEADER + full_len + enc_len + facets_len, NULL};
    int rc = mdb_put(t->txn, t->st->records, &key, &val, MDB_RESERVE);
    if (rc != 0)
        return map_rc(rc);
    unsigned char *p = val.mv_data;
    memcpy(p, REC_MAGIC, 4);
    be32(p + 4, flags);
    be32(p + 8, (uint32_t)full_len);
    be32(p + 12, (uint32_t)list_len);
    be32(p + 16, (uint32_t)enc_len);
    be32(p + 20, (uint32_t)facets_len);
    memcpy(p + REC_HEADER, full, full_len);
    unsigned char *e = p + REC_HEADER + full_len;
    for (size_t i = 0; i < nseg; i++) {
        const store_seg *g = &list[i];
        if (!g->len)
            continue;
        if (g->lit) {
            be32(e, (uint32_t)g->len | SEG_LIT);
            memcpy(e + 4, g->lit, g->len);
            e += 4 + g->len;
        } else {
            be32(e, (uint32_t)g->len);
            be32(e + 4, (uint32_t)g->off);
            e += 8;
        }
    }
    if (facets_len)
        memcpy(e, facets, facets_len);
    return STORE_OK;
}

int store_del(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
              uint64_t id)
{
    unsigned char kb[KEY_LEN];
    rec_key(kb, ns, project, parent, id);
    MDB_val key = {KEY_LEN, kb};
    return map_rc(mdb_del(t->txn, t->st->records, &key, NULL));
}

int store_walk(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
               unsigned hide_flags, int64_t offset, int64_t limit,
               store_walk_fn fn, void *arg, int64_t *count)
{
    MDB_cursor *cur;
    unsigned char kb[KEY_LEN];
    int64_t n = 0;
    int rc = mdb_cursor_open(t->txn, t->st->records, &cur);
    if (rc != 0)
        return map_rc(rc);
    rec_key(kb, ns, project, parent, 0);
    MDB_val key = {KEY_LEN, kb}, val;
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    while (rc == 0) {
        if (key.mv_size != KEY_LEN || memcmp(key.mv_data, kb, PREFIX_LEN) != 0)
            break;
        store_item it;
        if (rec_parse(&val, &it) != 0) {
            mdb_cursor_close(cur);
            return STORE_ERROR;
        }
        if (!(it.flags & hide_flags)) {
            if (fn && n >= offset && (limit < 0 || n - offset < limit)) {
                it.id = get64((const unsigned char *)key.mv_data + PREFIX_LEN);
                if (fn(arg, &it))
                    break;
            }
            n++;
        }
        rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return map_rc(rc);
    if (count)
        *count = n;
    return STORE_OK;
}

typedef struct list_adapter {
    store_visit_fn fn;
    void *arg;
    strbuf text; /* the list text of the record visited */
} list_adapter;

static int adapt(void *arg, const store_item *it)
{
    list_adapter *a = arg;
    a->text.len = 0;
    store_item_list(it, strbuf_extend(&a->text, it->list_len));
    return a->fn(a->arg, it->id, it->flags, it->full, it->full_len, a->text.p,
                 it->list_len);
}

int store_list(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
               unsigned hide_flags, int64_t offset, int64_t limit,
               store_visit_fn fn, void *arg, int64_t *count)
{
    list_adapter a = {fn, arg, STRBUF_INIT};
    int rc = store_walk(t, ns, project, parent, hide_flags, offset, limit,
                        fn ? adapt : NULL, &a, count);
    strbuf_free(&a.text);
    return rc;
}

/* ---- the keys index ---------------------------------------------------- */

static size_t index_key(strbuf *b, uint16_t ns, int64_t project,
                        uint64_t parent, const char *key, size_t len)
{
    unsigned char k[PREFIX_LEN];
    be16(k, ns);
    be64(k + 2, (uint64_t)project ^ UINT64_C(0x8000000000000000));
    be64(k + 10, parent);
    strbuf_add(b, k, sizeof k);
    strbuf_add(b, key, len);
    return b->len;
}

int store_key_get(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
                  const char *key, size_t len, uint64_t *id)
{
    strbuf b = STRBUF_INIT;
    if (len > 400) /* LMDB's key limit (511) minus the prefix: no such key */
        return STORE_NOTFOUND;
    MDB_val k = {index_key(&b, ns, project, parent, key, len), NULL}, v;
    k.mv_data = b.p;
    int rc = mdb_get(t->txn, t->st->keys, &k, &v);
    strbuf_free(&b);
    if (rc != 0)
        return map_rc(rc);
    if (v.mv_size != 8)
        return STORE_ERROR;
    *id = get64(v.mv_data);
    return STORE_OK;
}

int store_key_put(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
                  const char *key, size_t len, uint64_t id)
{
    strbuf b = STRBUF_INIT;
    if (len > 400)
        return STORE_ERROR;
    unsigned char vb[8];
    be64(vb, id);
    MDB_val k = {index_key(&b, ns, project, parent, key, len), NULL},
            v = {8, vb};
    k.mv_data = b.p;
    int rc = mdb_put(t->txn, t->st->keys, &k, &v, 0);
    strbuf_free(&b);
    return map_rc(rc);
}

int store_key_del(sm_txn *t, uint16_t ns, int64_t project, uint64_t parent,
                  const char *key, size_t len)
{
    strbuf b = STRBUF_INIT;
    if (len > 400)
        return STORE_NOTFOUND;
    MDB_val k = {index_key(&b, ns, project, parent, key, len), NULL};
    k.mv_data = b.p;
    int rc = mdb_del(t->txn, t->st->keys, &k, NULL);
    strbuf_free(&b);
    return map_rc(rc);
}
