/*
 * test_store.c — the LMDB store: namespaces, sequential ids per resource and
 * project, get/put/del, list order, offset/limit, hidden (soft-deleted)
 * records, persistence across close/reopen, and a full map refusing a write
 * without leaving half of it behind.
 */
#include "unit.h"

#include <lmdb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

typedef struct fx {
    char *dir;
    sm_store *st;
} fx;

static sm_store *open_store(const char *dir, size_t mapsize)
{
    sm_store *st = NULL;
    strbuf err = STRBUF_INIT;
    int rc = store_open(&st, dir, mapsize, 0, &err);
    if (rc != STORE_OK)
        fail_msg("store_open: %s", err.p);
    strbuf_free(&err);
    return st;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = unit_tmpdir();
    f->st = open_store(f->dir, STORE_DEFAULT_MAPSIZE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->st);
    unit_rmdir(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static uint64_t next_id(sm_store *st, uint16_t ns, int64_t project)
{
    sm_txn *t;
    uint64_t id = 0;
    assert_int_equal(store_begin(st, 1, &t), STORE_OK);
    assert_int_equal(store_next_id(t, ns, project, &id), STORE_OK);
    assert_int_equal(store_commit(t), STORE_OK);
    return id;
}

static void put(sm_store *st, uint16_t ns, int64_t project, uint64_t id,
                unsigned flags, const char *full, const char *list)
{
    sm_txn *t;
    assert_int_equal(store_begin(st, 1, &t), STORE_OK);
    assert_int_equal(store_put(t, ns, project, 0, id, flags, full, strlen(full),
                               list, strlen(list)),
                     STORE_OK);
    assert_int_equal(store_commit(t), STORE_OK);
}

static int get(sm_store *st, uint16_t ns, int64_t project, uint64_t id,
               store_rec *rec)
{
    sm_txn *t;
    assert_int_equal(store_begin(st, 0, &t), STORE_OK);
    int rc = store_get(t, ns, project, 0, id, rec);
    store_abort(t);
    return rc;
}

typedef struct one_list {
    uint64_t id;
    strbuf text;
    int found;
} one_list;

static int pick_list(void *arg, const store_item *it)
{
    one_list *o = arg;
    if (it->id != o->id)
        return 0;
    o->found = 1;
    store_item_list(it, strbuf_extend(&o->text, it->list_len));
    return 1;
}

/* The list text of top-level record id of (ns, project), as a walk reads
 * it; asserts the record is there. */
static void expect_list(sm_store *st, uint16_t ns, int64_t project, uint64_t id,
                        const char *want)
{
    sm_txn *t;
    one_list o = {id, STRBUF_INIT, 0};
    assert_int_equal(store_begin(st, 0, &t), STORE_OK);
    assert_int_equal(store_walk(t, ns, project, 0, 0, 0, -1, pick_list, &o, NULL), STORE_OK);
    store_abort(t);
    assert_true(o.found);
    assert_string_equal(o.text.p ? o.text.p : "", want);
    strbuf_free(&o.text);
}

static int collect(void *arg, uint64_t id, unsigned flags, const char *full,
                   size_t flen, const char *list, size_t len)
{
    strbuf *b = arg;
    (void)flags;
    (void)full;
    (void)flen;
    strbuf_addf(b, "%s%llu=%.*s", b->len ? "," : "", (unsigned long long)id,
                (int)len, list);
    return 0;
}

static char *list(sm_store *st, uint16_t ns, int64_t project, unsigned hide,
                  int64_t offset, int64_t limit, int64_t *count)
{
    sm_txn *t;
    strbuf b = STRBUF_INIT;
    assert_int_equal(store_begin(st, 0, &t), STORE_OK);
    assert_int_equal(store_list(t, ns, project, 0, hide, offset, limit, collect,
                                &b, count),
                     STORE_OK);
    store_abort(t);
    return strbuf_steal(&b);
}

static void test_namespaces(void **state)
{
    fx *f = *state;
    uint16_t a, b, a2;
    assert_int_equal(store_namespace(f->st, "alpha", &a), STORE_OK);
    assert_int_equal(store_namespace(f->st, "beta", &b), STORE_OK);
    assert_int_equal(store_namespace(f->st, "alpha", &a2), STORE_OK);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(a2, 1);
}

static void test_ids(void **state)
{
    fx *f = *state;
    assert_int_equal(next_id(f->st, 1, 1), 1);
    assert_int_equal(next_id(f->st, 1, 1), 2);
    assert_int_equal(next_id(f->st, 1, 2), 1);
    assert_int_equal(next_id(f->st, 2, 1), 1);
    assert_int_equal(next_id(f->st, 1, -5), 1);
    assert_int_equal(next_id(f->st, 1, 1), 3);
    /* an aborted transaction does not consume an id */
    sm_txn *t;
    uint64_t id;
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    assert_int_equal(store_next_id(t, 1, 1, &id), STORE_OK);
    assert_int_equal(id, 4);
    store_abort(t);
    assert_int_equal(next_id(f->st, 1, 1), 4);
}

static void test_get_put_del(void **state)
{
    fx *f = *state;
    store_rec rec;
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_NOTFOUND);
    put(f->st, 1, 1, 1, 0, "{\"id\":1,\"x\":\"full\"}", "{\"id\":1}");
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "{\"id\":1,\"x\":\"full\"}");
    assert_int_equal(rec.full_len, 19);
    assert_int_equal(rec.flags, 0);
    expect_list(f->st, 1, 1, 1, "{\"id\":1}");
    store_rec_free(&rec);
    /* same id, other project or namespace: different records */
    assert_int_equal(get(f->st, 1, 2, 1, &rec), STORE_NOTFOUND);
    assert_int_equal(get(f->st, 2, 1, 1, &rec), STORE_NOTFOUND);
    /* update in place, with the soft-delete flag */
    put(f->st, 1, 1, 1, STORE_F_DELETED, "{\"id\":1,\"x\":\"new\"}", "{}");
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "{\"id\":1,\"x\":\"new\"}");
    assert_int_equal(rec.flags, STORE_F_DELETED);
    store_rec_free(&rec);
    /* delete */
    sm_txn *t;
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    assert_int_equal(store_del(t, 1, 1, 0, 1), STORE_OK);
    assert_int_equal(store_del(t, 1, 1, 0, 1), STORE_NOTFOUND);
    assert_int_equal(store_commit(t), STORE_OK);
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_NOTFOUND);
}

static void test_list(void **state)
{
    fx *f = *state;
    int64_t count = -1;
    char *s = list(f->st, 1, 1, 0, 0, -1, &count);
    assert_string_equal(s, "");
    assert_int_equal(count, 0);
    free(s);
    /* ids above 255 check big-endian key order; other projects interleave */
    uint64_t ids[] = {300, 2, 1, 256, 3};
    for (size_t i = 0; i < 5; i++) {
        char full[32], item[16];
        snprintf(item, sizeof item, "i%llu", (unsigned long long)ids[i]);
        snprintf(full, sizeof full, "f%llu", (unsigned long long)ids[i]);
        put(f->st, 1, 1, ids[i], ids[i] == 3 ? STORE_F_DELETED : 0, full, item);
        put(f->st, 1, 2, ids[i], 0, full, "other");
        put(f->st, 1, -1, ids[i], 0, full, "neg");
    }
    put(f->st, 2, 1, 1, 0, "x", "other-ns");
    s = list(f->st, 1, 1, 0, 0, -1, &count);
    assert_string_equal(s, "1=i1,2=i2,3=i3,256=i256,300=i300");
    assert_int_equal(count, 5);
    free(s);
    s = list(f->st, 1, 1, STORE_F_DELETED, 0, -1, &count);
    assert_string_equal(s, "1=i1,2=i2,256=i256,300=i300");
    assert_int_equal(count, 4);
    free(s);
    s = list(f->st, 1, 1, STORE_F_DELETED, 1, 2, &count);
    assert_string_equal(s, "2=i2,256=i256");
    assert_int_equal(count, 4);
    free(s);
    s = list(f->st, 1, 1, STORE_F_DELETED, 10, 2, &count);
    assert_string_equal(s, "");
    assert_int_equal(count, 4);
    free(s);
    s = list(f->st, 1, -1, 0, 3, 100, &count);
    assert_string_equal(s, "256=neg,300=neg");
    assert_int_equal(count, 5);
    free(s);
}

static void test_persistence(void **state)
{
    fx *f = *state;
    uint16_t ns;
    assert_int_equal(store_namespace(f->st, "things", &ns), STORE_OK);
    assert_int_equal(next_id(f->st, ns, 1), 1);
    put(f->st, ns, 1, 1, 0, "{\"a\":1}", "{}");
    store_close(f->st);
    f->st = open_store(f->dir, STORE_DEFAULT_MAPSIZE);
    uint16_t ns2, other;
    assert_int_equal(store_namespace(f->st, "others", &other), STORE_OK);
    assert_int_equal(store_namespace(f->st, "things", &ns2), STORE_OK);
    assert_int_equal(ns2, ns);
    assert_int_not_equal(other, ns);
    store_rec rec;
    assert_int_equal(get(f->st, ns, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "{\"a\":1}");
    store_rec_free(&rec);
    assert_int_equal(next_id(f->st, ns, 1), 2);
}

static void test_map_full(void **state)
{
    (void)state;
    char *dir = unit_tmpdir();
    sm_store *st = open_store(dir, 64 * 1024);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    int written = 0, rc = STORE_OK;
    for (int i = 0; i < 1000; i++) {
        sm_txn *t;
        uint64_t id;
        assert_int_equal(store_begin(st, 1, &t), STORE_OK);
        rc = store_next_id(t, 1, 1, &id);
        if (rc == STORE_OK)
            rc = store_put(t, 1, 1, 0, id, 0, big, strlen(big), "{}", 2);
        if (rc == STORE_OK) {
            rc = store_commit(t);
        } else {
            store_abort(t);
        }
        if (rc != STORE_OK)
            break;
        assert_int_equal(id, (uint64_t)i + 1);
        written++;
    }
    assert_int_equal(rc, STORE_FULL);
    assert_true(written > 0);
    assert_true(written < 1000);
    /* the refused write left nothing: same records, same counter */
    int64_t count;
    free(list(st, 1, 1, 0, 0, 0, &count));
    assert_int_equal(count, written);
    store_close(st);
    st = open_store(dir, STORE_DEFAULT_MAPSIZE);
    free(list(st, 1, 1, 0, 0, 0, &count));
    assert_int_equal(count, written);
    assert_int_equal(next_id(st, 1, 1), (uint64_t)written + 1);
    store_close(st);
    unit_rmdir(dir);
    free(dir);
}

/* Records under a parent sequence are apart from top-level ones and from
 * other parents; the visitor also sees flags and the full bytes. */
static int collect_full(void *arg, uint64_t id, unsigned flags,
                        const char *full, size_t flen, const char *list,
                        size_t len)
{
    strbuf *b = arg;
    (void)list;
    (void)len;
    strbuf_addf(b, "%s%llu/%u=%.*s", b->len ? "," : "", (unsigned long long)id,
                flags, (int)flen, full);
    return 0;
}

static void test_parents(void **state)
{
    fx *f = *state;
    sm_txn *t;
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    assert_int_equal(store_put(t, 3, 1, 7, 2, 0, "c2", 2, "l", 1), STORE_OK);
    assert_int_equal(store_put(t, 3, 1, 7, 1, STORE_F_DELETED, "c1", 2, "l", 1), STORE_OK);
    assert_int_equal(store_put(t, 3, 1, 8, 3, 0, "c3", 2, "l", 1), STORE_OK);
    assert_int_equal(store_put(t, 3, 1, 0, 4, 0, "top", 3, "l", 1), STORE_OK);
    assert_int_equal(store_commit(t), STORE_OK);
    strbuf b = STRBUF_INIT;
    int64_t count = -1;
    assert_int_equal(store_begin(f->st, 0, &t), STORE_OK);
    assert_int_equal(store_list(t, 3, 1, 7, 0, 0, -1, collect_full, &b, &count), STORE_OK);
    assert_string_equal(b.p, "1/1=c1,2/0=c2");
    assert_int_equal(count, 2);
    strbuf_truncate(&b, 0);
    assert_int_equal(store_list(t, 3, 1, 8, 0, 0, -1, collect_full, &b, &count), STORE_OK);
    assert_string_equal(b.p, "3/0=c3");
    strbuf_truncate(&b, 0);
    assert_int_equal(store_list(t, 3, 1, 0, 0, 0, -1, collect_full, &b, &count), STORE_OK);
    assert_string_equal(b.p, "4/0=top");
    store_rec rec;
    assert_int_equal(store_get(t, 3, 1, 8, 2, &rec), STORE_NOTFOUND);
    assert_int_equal(store_get(t, 3, 1, 7, 2, &rec), STORE_OK);
    assert_string_equal(rec.full, "c2");
    store_rec_free(&rec);
    /* store_any: any parent of (ns, project) */
    assert_int_equal(store_any(t, 3, 1), 1);
    assert_int_equal(store_any(t, 3, 2), 0);
    assert_int_equal(store_any(t, 4, 1), 0);
    store_abort(t);
    strbuf_free(&b);
}

static void test_keys_index(void **state)
{
    fx *f = *state;
    sm_txn *t;
    uint64_t seq = 0;
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    assert_int_equal(store_key_get(t, 1, 1, 0, "abc", 3, &seq), STORE_NOTFOUND);
    assert_int_equal(store_key_put(t, 1, 1, 0, "abc", 3, 42), STORE_OK);
    assert_int_equal(store_key_put(t, 1, 1, 5, "abc", 3, 43), STORE_OK);
    assert_int_equal(store_key_put(t, 1, 1, 5, "", 0, 44), STORE_OK);
    assert_int_equal(store_commit(t), STORE_OK);
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    assert_int_equal(store_key_get(t, 1, 1, 0, "abc", 3, &seq), STORE_OK);
    assert_int_equal(seq, 42);
    assert_int_equal(store_key_get(t, 1, 1, 5, "abc", 3, &seq), STORE_OK);
    assert_int_equal(seq, 43);
    assert_int_equal(store_key_get(t, 1, 1, 5, "", 0, &seq), STORE_OK);
    assert_int_equal(seq, 44);
    assert_int_equal(store_key_get(t, 1, 2, 0, "abc", 3, &seq), STORE_NOTFOUND);
    assert_int_equal(store_key_get(t, 2, 1, 0, "abc", 3, &seq), STORE_NOTFOUND);
    assert_int_equal(store_key_get(t, 1, 1, 0, "ab", 2, &seq), STORE_NOTFOUND);
    assert_int_equal(store_key_del(t, 1, 1, 0, "abc", 3), STORE_OK);
    assert_int_equal(store_key_del(t, 1, 1, 0, "abc", 3), STORE_NOTFOUND);
    assert_int_equal(store_key_get(t, 1, 1, 0, "abc", 3, &seq), STORE_NOTFOUND);
    /* over-long keys name nothing */
    char big[600];
    memset(big, 'k', sizeof big);
    assert_int_equal(store_key_get(t, 1, 1, 0, big, sizeof big, &seq), STORE_NOTFOUND);
    /* store_seen_id raises the counter, never lowers it */
    assert_int_equal(store_seen_id(t, 1, 1, 10), STORE_OK);
    assert_int_equal(store_next_id(t, 1, 1, &seq), STORE_OK);
    assert_int_equal(seq, 11);
    assert_int_equal(store_seen_id(t, 1, 1, 3), STORE_OK);
    assert_int_equal(store_next_id(t, 1, 1, &seq), STORE_OK);
    assert_int_equal(seq, 12);
    assert_int_equal(store_commit(t), STORE_OK);
}

/* Writes a directory as an older build left it: records and meta with
 * one namespace, and meta "format" = format (0: absent, as format 1). */
static char *old_dir(unsigned format)
{
    char *dir = unit_tmpdir();
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi rec, meta;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
    assert_int_equal(mdb_env_open(env, dir, 0, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "records", MDB_CREATE, &rec), 0);
    assert_int_equal(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
    MDB_val k = {9, "ns:things"}, v = {2, "\0\1"};
    assert_int_equal(mdb_put(txn, meta, &k, &v, 0), 0);
    if (format) {
        unsigned char b[4] = {0, 0, 0, (unsigned char)format};
        MDB_val fk = {6, "format"}, fv = {4, b};
        assert_int_equal(mdb_put(txn, meta, &fk, &fv, 0), 0);
    }
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    return dir;
}

static void expect_refused(char *dir, unsigned format)
{
    sm_store *st = (sm_store *)1;
    strbuf err = STRBUF_INIT;
    assert_int_equal(store_open(&st, dir, STORE_DEFAULT_MAPSIZE, 0, &err), STORE_ERROR);
    assert_null(st);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "%s: store format %u; this build uses 4: remove the directory", dir,
                format);
    assert_string_equal(err.p, want.p);
    strbuf_free(&want);
    strbuf_free(&err);
    unit_rmdir(dir);
    free(dir);
}

/* A directory written by format 1 (records and meta, no "format") is
 * refused with a message saying what to do. */
static void test_format1_refused(void **state)
{
    (void)state;
    expect_refused(old_dir(0), 1);
}

/* Format 2 (records without facets) is refused the same way. */
static void test_format2_refused(void **state)
{
    (void)state;
    expect_refused(old_dir(2), 2);
}

/* The key of a record as store.c lays it out (store.h "records"). */
static void raw_key(unsigned char k[26], uint16_t ns, int64_t project,
                    uint64_t parent, uint64_t id)
{
    uint64_t p = (uint64_t)project ^ UINT64_C(0x8000000000000000);
    k[0] = (unsigned char)(ns >> 8);
    k[1] = (unsigned char)ns;
    for (int i = 0; i < 8; i++) {
        k[2 + i] = (unsigned char)(p >> (56 - 8 * i));
        k[10 + i] = (unsigned char)(parent >> (56 - 8 * i));
        k[18 + i] = (unsigned char)(id >> (56 - 8 * i));
    }
}

static void raw_be32(strbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    strbuf_add(b, x, 4);
}

/* A format-3 record value: "SMR3", flags, lengths, full, list, facets. */
static void smr3(strbuf *b, unsigned flags, const char *full, const char *list,
                 const char *facets, size_t facets_len)
{
    b->len = 0;
    strbuf_add(b, "SMR3", 4);
    raw_be32(b, flags);
    raw_be32(b, (uint32_t)strlen(full));
    raw_be32(b, (uint32_t)strlen(list));
    raw_be32(b, (uint32_t)facets_len);
    strbuf_adds(b, full);
    strbuf_adds(b, list);
    strbuf_add(b, facets, facets_len);
}

static int walk_text(void *arg, const store_item *it);
static int walk_facets(void *arg, const store_item *it);

/* A format-3 directory (as the previous build wrote it) is converted at
 * open: every record reads back with the same full text, list text, flags
 * and facets, a value that was no record stays corrupt, the counters go
 * on, and the directory then opens as format 4 without converting again. */
static void test_format3_converted(void **state)
{
    (void)state;
    char *dir = old_dir(3);
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi rec, meta;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
    assert_int_equal(mdb_env_set_mapsize(env, (size_t)16 << 20), 0);
    assert_int_equal(mdb_env_open(env, dir, 0, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "records", 0, &rec), 0);
    assert_int_equal(mdb_dbi_open(txn, "meta", 0, &meta), 0);
    strbuf v = STRBUF_INIT;
    unsigned char k[26];
    /* 300 records of ~1.4 KB: the conversion splits pages as it goes */
    char full[1400], list[40];
    for (uint64_t id = 1; id <= 300; id++) {
        snprintf(full, sizeof full, "{\"id\":%llu,\"pad\":\"%0*d\"}",
                 (unsigned long long)id, 1300, 0);
        snprintf(list, sizeof list, "{\"id\":%llu}", (unsigned long long)id);
        smr3(&v, id == 7 ? STORE_F_DELETED : 0, full, list, "f\0x", id == 2 ? 3 : 0);
        raw_key(k, 1, 1, 0, id);
        MDB_val kv = {26, k}, vv = {v.len, v.p};
        assert_int_equal(mdb_put(txn, rec, &kv, &vv, 0), 0);
    }
    raw_key(k, 2, 1, 0, 1); /* another resource, so walks of ns 1 pass */
    MDB_val bk = {26, k}, bv = {5, "junk!"};
    assert_int_equal(mdb_put(txn, rec, &bk, &bv, 0), 0);
    /* the id counter of (1, 1): "seq" ns project, as store.c keys it */
    unsigned char sk[13] = {'s', 'e', 'q', 0, 1};
    raw_key(k, 1, 1, 0, 0);
    memcpy(sk + 5, k + 2, 8);
    unsigned char sv[8] = {0, 0, 0, 0, 0, 0, 0x01, 0x2d}; /* 301 */
    MDB_val skv = {13, sk}, svv = {8, sv};
    assert_int_equal(mdb_put(txn, meta, &skv, &svv, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    strbuf_free(&v);

    for (int round = 0; round < 2; round++) {
        sm_store *st = open_store(dir, STORE_DEFAULT_MAPSIZE);
        store_rec r;
        assert_int_equal(get(st, 1, 1, 250, &r), STORE_OK);
        snprintf(full, sizeof full, "{\"id\":250,\"pad\":\"%0*d\"}", 1300, 0);
        assert_string_equal(r.full, full);
        expect_list(st, 1, 1, 250, "{\"id\":250}");
        assert_int_equal(r.flags, 0);
        store_rec_free(&r);
        assert_int_equal(get(st, 1, 1, 7, &r), STORE_OK);
        assert_int_equal(r.flags, STORE_F_DELETED);
        expect_list(st, 1, 1, 7, "{\"id\":7}");
        store_rec_free(&r);
        assert_int_equal(get(st, 2, 1, 1, &r), STORE_ERROR);
        sm_txn *t;
        strbuf b = STRBUF_INIT;
        assert_int_equal(store_begin(st, 0, &t), STORE_OK);
        assert_int_equal(store_walk(t, 1, 1, 0, STORE_F_DELETED, 0, 2, walk_facets, &b, NULL),
                         STORE_OK);
        store_abort(t);
        strbuf want = STRBUF_INIT;
        for (int id = 1; id <= 2; id++)
            strbuf_addf(&want, "%s%d:{\"id\":%d,\"pad\":\"%0*d\"}/{\"id\":%d}/",
                        id > 1 ? "," : "", id, id, 1300, 0, id);
        strbuf_add(&want, "f\0x", 3);
        assert_int_equal(b.len, want.len);
        assert_memory_equal(b.p, want.p, want.len);
        strbuf_free(&want);
        strbuf_free(&b);
        assert_int_equal(next_id(st, 1, 1), 302 + round);
        store_close(st);
    }
    unit_rmdir(dir);
    free(dir);
}

static int walk_text(void *arg, const store_item *it)
{
    strbuf *b = arg;
    if (b->len)
        strbuf_addc(b, '|');
    store_item_list(it, strbuf_extend(b, it->list_len));
    return 0;
}

/* The list text given in pieces: spans of the full text and literals,
 * concatenated; empty pieces vanish.  A span outside the full text is
 * refused and writes nothing. */
static void test_list_pieces(void **state)
{
    fx *f = *state;
    const char *full = "{\"a\":1,\"b\":2,\"c\":3}";
    store_seg segs[] = {
        {NULL, 0, 7},          /* {"a":1, */
        {"", 0, 0},            /* nothing */
        {"\"x\":null,", 0, 9}, /* a literal */
        {NULL, 13, 6},         /* "c":3} */
    };
    sm_txn *t;
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    assert_int_equal(store_put_record(t, 1, 1, 0, 1, 0, full, strlen(full), segs, 4, "F", 1),
                     STORE_OK);
    assert_int_equal(store_put_record(t, 1, 1, 0, 2, 0, full, strlen(full), NULL, 0, NULL, 0),
                     STORE_OK);
    store_seg bad[] = {{NULL, 18, 2}};
    assert_int_equal(store_put_record(t, 1, 1, 0, 3, 0, full, strlen(full), bad, 1, NULL, 0),
                     STORE_ERROR);
    store_seg past[] = {{NULL, 20, 1}};
    assert_int_equal(store_put_record(t, 1, 1, 0, 3, 0, full, strlen(full), past, 1, NULL, 0),
                     STORE_ERROR);
    assert_int_equal(store_commit(t), STORE_OK);
    store_rec r;
    assert_int_equal(get(f->st, 1, 1, 1, &r), STORE_OK);
    expect_list(f->st, 1, 1, 1, "{\"a\":1,\"x\":null,\"c\":3}");
    expect_list(f->st, 1, 1, 2, "");
    store_rec_free(&r);
    assert_int_equal(get(f->st, 1, 1, 3, &r), STORE_NOTFOUND);
    strbuf b = STRBUF_INIT;
    int64_t count = 0;
    assert_int_equal(store_begin(f->st, 0, &t), STORE_OK);
    assert_int_equal(store_walk(t, 1, 1, 0, 0, 0, -1, walk_text, &b, &count), STORE_OK);
    store_abort(t);
    assert_int_equal(count, 2);
    assert_string_equal(b.p, "{\"a\":1,\"x\":null,\"c\":3}|");
    strbuf_free(&b);
}

/* A record whose list pieces point outside it reads as corrupt (a get
 * answers STORE_ERROR, a walk stops with it) instead of being copied. */
static void test_corrupt_pieces(void **state)
{
    fx *f = *state;
    put(f->st, 1, 1, 1, 0, "{}", "{}");
    store_close(f->st);
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi rec;
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
    assert_int_equal(mdb_env_open(env, f->dir, 0, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "records", 0, &rec), 0);
    /* header: SMR4, flags, full 2, list 2, encoding 8, facets 0; a span of
     * 2 bytes at offset 1 of a 2-byte full text */
    strbuf v = STRBUF_INIT;
    strbuf_add(&v, "SMR4", 4);
    raw_be32(&v, 0);
    raw_be32(&v, 2);
    raw_be32(&v, 2);
    raw_be32(&v, 8);
    raw_be32(&v, 0);
    strbuf_add(&v, "{}", 2);
    raw_be32(&v, 2);
    raw_be32(&v, 1);
    unsigned char k[26];
    raw_key(k, 1, 1, 0, 2);
    MDB_val kv = {26, k}, vv = {v.len, v.p};
    assert_int_equal(mdb_put(txn, rec, &kv, &vv, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    strbuf_free(&v);
    f->st = open_store(f->dir, STORE_DEFAULT_MAPSIZE);
    store_rec r;
    assert_int_equal(get(f->st, 1, 1, 1, &r), STORE_OK);
    store_rec_free(&r);
    assert_int_equal(get(f->st, 1, 1, 2, &r), STORE_ERROR);
    sm_txn *t;
    strbuf b = STRBUF_INIT;
    assert_int_equal(store_begin(f->st, 0, &t), STORE_OK);
    assert_int_equal(store_walk(t, 1, 1, 0, 0, 0, -1, walk_text, &b, NULL), STORE_ERROR);
    store_abort(t);
    strbuf_free(&b);
}

/* A fresh directory gets format 4 and opens again. */
static void test_format4_reopens(void **state)
{
    fx *f = *state;
    put(f->st, 1, 1, 1, 0, "{}", "{}");
    store_close(f->st);
    f->st = open_store(f->dir, STORE_DEFAULT_MAPSIZE);
    store_rec rec;
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    store_rec_free(&rec);
}

static void test_open_errors(void **state)
{
    (void)state;
    sm_store *st = (sm_store *)1;
    strbuf err = STRBUF_INIT;
    assert_int_equal(store_open(&st, "/proc/specmock-cannot-create/x", STORE_DEFAULT_MAPSIZE, 0, &err),
                     STORE_ERROR);
    assert_null(st);
    assert_non_null(strstr(err.p, "/proc/specmock-cannot-create/x: "));
    strbuf_free(&err);
}

static int walk_facets(void *arg, const store_item *it)
{
    strbuf *b = arg;
    strbuf_addf(b, "%s%llu:%.*s/", b->len ? "," : "",
                (unsigned long long)it->id, (int)it->full_len, it->full);
    store_item_list(it, strbuf_extend(b, it->list_len));
    strbuf_addc(b, '/');
    strbuf_add(b, it->facets, it->facets_len); /* may hold NUL bytes */
    return 0;
}

/* Facet bytes are stored after the list JSON and walked with it; records
 * without facets walk with an empty facets part. */
static void test_facets_walk(void **state)
{
    fx *f = *state;
    sm_txn *t;
    assert_int_equal(store_begin(f->st, 1, &t), STORE_OK);
    store_seg l1 = {"L1", 0, 2};
    assert_int_equal(store_put_record(t, 1, 1, 0, 1, 0, "F1", 2, &l1, 1, "x\0y", 3),
                     STORE_OK);
    assert_int_equal(store_put(t, 1, 1, 0, 2, 0, "F2", 2, "L2", 2), STORE_OK);
    assert_int_equal(store_commit(t), STORE_OK);
    strbuf b = STRBUF_INIT;
    int64_t count = -1;
    assert_int_equal(store_begin(f->st, 0, &t), STORE_OK);
    assert_int_equal(store_walk(t, 1, 1, 0, 0, 0, -1, walk_facets, &b, &count), STORE_OK);
    store_abort(t);
    assert_int_equal(count, 2);
    assert_int_equal(b.len, strlen("1:F1/L1/x") + 2 + strlen(",2:F2/L2/"));
    assert_memory_equal(b.p, "1:F1/L1/x\0y,2:F2/L2/", b.len);
    strbuf_free(&b);
    store_rec rec;
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "F1");
    expect_list(f->st, 1, 1, 1, "L1");
    store_rec_free(&rec);
}

/* The reused read transaction sees every commit made after its last use,
 * and a read begun while it is out gets its own transaction. */
static void test_read_txn_reuse(void **state)
{
    fx *f = *state;
    store_rec rec;
    put(f->st, 1, 1, 1, 0, "{\"v\":1}", "{}");
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "{\"v\":1}");
    store_rec_free(&rec);
    put(f->st, 1, 1, 1, 0, "{\"v\":2}", "{}");
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "{\"v\":2}");
    store_rec_free(&rec);
    sm_txn *a, *b;
    assert_int_equal(store_begin(f->st, 0, &a), STORE_OK);
    assert_int_equal(store_begin(f->st, 0, &b), STORE_OK);
    assert_ptr_not_equal(a, b);
    assert_int_equal(store_get(b, 1, 1, 0, 1, &rec), STORE_OK);
    store_rec_free(&rec);
    store_abort(b);
    assert_int_equal(store_get(a, 1, 1, 0, 1, &rec), STORE_OK);
    store_rec_free(&rec);
    assert_int_equal(store_commit(a), STORE_OK);
    put(f->st, 1, 1, 1, 0, "{\"v\":3}", "{}");
    assert_int_equal(get(f->st, 1, 1, 1, &rec), STORE_OK);
    assert_string_equal(rec.full, "{\"v\":3}");
    store_rec_free(&rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_namespaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_put_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
        cmocka_unit_test(test_map_full),
        cmocka_unit_test_setup_teardown(test_parents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_index, setup, teardown),
        cmocka_unit_test(test_format1_refused),
        cmocka_unit_test(test_format2_refused),
        cmocka_unit_test(test_format3_converted),
        cmocka_unit_test_setup_teardown(test_format4_reopens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facets_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_txn_reuse, setup, teardown),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
