/*
 * test_listcache.c — the list-answer cache (listcache.h): a hit returns the
 * stored status, Content-Type and bytes; a miss on every key part (strings,
 * integers, NULL vs "", parts that concatenate alike) and on another
 * snapshot id; replacing an entry of the same key; LRU eviction by entry
 * count and by the total byte bound; bodies above max_body are skipped;
 * stats; clear; a held body outliving its entry and the cache.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listcache.h"

/* The key of (a, b, n): two strings and an integer. */
static strbuf key3(const char *a, const char *b, int64_t n)
{
    strbuf k = STRBUF_INIT;
    listcache_key_str(&k, a);
    listcache_key_str(&k, b);
    listcache_key_int(&k, n);
    return k;
}

static int put3(sm_listcache *lc, uint64_t txn, const char *a, const char *b,
                int64_t n, const char *body)
{
    strbuf k = key3(a, b, n);
    int rc = listcache_put(lc, txn, k.p, k.len, 200, NULL, body, strlen(body));
    strbuf_free(&k);
    return rc;
}

static const listcache_answer *get3(sm_listcache *lc, uint64_t txn,
                                    const char *a, const char *b, int64_t n)
{
    strbuf k = key3(a, b, n);
    const listcache_answer *r = listcache_get(lc, txn, k.p, k.len);
    strbuf_free(&k);
    return r;
}

static void test_hit(void **state)
{
    (void)state;
    sm_listcache *lc = listcache_new(4, 0, 0);
    strbuf k = key3("/p/", "limit=1", 7);
    assert_null(listcache_get(lc, 5, k.p, k.len));
    assert_int_equal(listcache_put(lc, 5, k.p, k.len, 201, "text/x", "{\"a\":1}",
                                   7), 0);
    const listcache_answer *a = listcache_get(lc, 5, k.p, k.len);
    assert_non_null(a);
    assert_int_equal(a->status, 201);
    assert_string_equal(a->content_type, "text/x");
    assert_int_equal(a->len, 7);
    assert_memory_equal(a->body, "{\"a\":1}", 7);
    /* no Content-Type stays NULL; an empty body is fine */
    assert_int_equal(listcache_put(lc, 5, k.p, k.len, 204, NULL, NULL, 0), 0);
    a = listcache_get(lc, 5, k.p, k.len);
    assert_non_null(a);
    assert_int_equal(a->status, 204);
    assert_null(a->content_type);
    assert_int_equal(a->len, 0);
    listcache_stats st;
    listcache_stats_get(lc, &st);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.stores, 2);
    assert_int_equal(st.entries, 1); /* the same key replaced */
    strbuf_free(&k);
    listcache_free(lc);
}

static void test_miss_on_each_part(void **state)
{
    (void)state;
    sm_listcache *lc = listcache_new(8, 0, 0);
    assert_int_equal(put3(lc, 1, "ab", "c", 3, "X"), 0);
    assert_non_null(get3(lc, 1, "ab", "c", 3));
    assert_null(get3(lc, 1, "ab", "c", 4));    /* the integer */
    assert_null(get3(lc, 1, "ab", "d", 3));    /* the second string */
    assert_null(get3(lc, 1, "aB", "c", 3));    /* the first, case counts */
    assert_null(get3(lc, 1, "a", "bc", 3));    /* same bytes, other split */
    assert_null(get3(lc, 1, "abc", "", 3));
    assert_null(get3(lc, 1, "ab", NULL, 3));   /* NULL is not "c" ... */
    assert_null(get3(lc, 2, "ab", "c", 3));    /* another snapshot */
    assert_null(get3(lc, 0, "ab", "c", 3));
    assert_int_equal(put3(lc, 1, "q", "", 0, "E"), 0);
    assert_int_equal(put3(lc, 1, "q", NULL, 0, "N"), 0);
    const listcache_answer *e = get3(lc, 1, "q", "", 0),
                           *n = get3(lc, 1, "q", NULL, 0);
    assert_non_null(e);
    assert_non_null(n);
    assert_memory_equal(e->body, "E", 1); /* ... nor "" */
    assert_memory_equal(n->body, "N", 1);
    /* an integer part never reads as a string part of the same bytes */
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    listcache_key_int(&a, 0);
    listcache_key_str(&b, "");
    assert_true(a.len != b.len || memcmp(a.p, b.p, a.len) != 0);
    strbuf_free(&a);
    strbuf_free(&b);
    listcache_free(lc);
}

static void test_snapshot_invalidation(void **state)
{
    (void)state;
    sm_listcache *lc = listcache_new(8, 0, 0);
    assert_int_equal(put3(lc, 10, "/a/", NULL, 1, "old a"), 0);
    assert_int_equal(put3(lc, 10, "/b/", NULL, 1, "old b"), 0);
    assert_non_null(get3(lc, 10, "/a/", NULL, 1));
    /* a write committed: the next reads see id 11 */
    assert_null(get3(lc, 11, "/a/", NULL, 1));
    assert_int_equal(put3(lc, 11, "/a/", NULL, 1, "new a"), 0);
    const listcache_answer *a = get3(lc, 11, "/a/", NULL, 1);
    assert_non_null(a);
    assert_int_equal(a->len, 5);
    assert_memory_equal(a->body, "new a", 5);
    /* storing at 11 dropped every entry of 10 */
    assert_null(get3(lc, 10, "/b/", NULL, 1));
    assert_null(get3(lc, 11, "/b/", NULL, 1));
    listcache_stats st;
    listcache_stats_get(lc, &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.bytes, 5);
    listcache_clear(lc);
    assert_null(get3(lc, 11, "/a/", NULL, 1));
    listcache_stats_get(lc, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.bytes, 0);
    listcache_free(lc);
}

static void test_eviction_lru(void **state)
{
    (void)state;
    sm_listcache *lc = listcache_new(3, 0, 0);
    assert_int_equal(put3(lc, 1, "k1", NULL, 0, "1"), 0);
    assert_int_equal(put3(lc, 1, "k2", NULL, 0, "2"), 0);
    assert_int_equal(put3(lc, 1, "k3", NULL, 0, "3"), 0);
    assert_non_null(get3(lc, 1, "k1", NULL, 0)); /* k2 is now the oldest */
    assert_int_equal(put3(lc, 1, "k4", NULL, 0, "4"), 0);
    assert_null(get3(lc, 1, "k2", NULL, 0));
    assert_non_null(get3(lc, 1, "k1", NULL, 0));
    assert_non_null(get3(lc, 1, "k3", NULL, 0));
    assert_non_null(get3(lc, 1, "k4", NULL, 0));
    listcache_stats st;
    listcache_stats_get(lc, &st);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 1);
    listcache_free(lc);
}

static void test_size_bounds(void **state)
{
    (void)state;
    /* at most 8 bytes per body, 12 in all */
    sm_listcache *lc = listcache_new(8, 8, 12);
    assert_int_equal(put3(lc, 1, "big", NULL, 0, "123456789"), -1);
    assert_null(get3(lc, 1, "big", NULL, 0));
    assert_int_equal(put3(lc, 1, "a", NULL, 0, "12345678"), 0);
    assert_int_equal(put3(lc, 1, "b", NULL, 0, "1234"), 0);
    listcache_stats st;
    listcache_stats_get(lc, &st);
    assert_int_equal(st.bytes, 12);
    assert_int_equal(st.skipped, 1);
    /* one more byte: the oldest goes */
    assert_int_equal(put3(lc, 1, "c", NULL, 0, "x"), 0);
    assert_null(get3(lc, 1, "a", NULL, 0));
    assert_non_null(get3(lc, 1, "b", NULL, 0));
    assert_non_null(get3(lc, 1, "c", NULL, 0));
    listcache_stats_get(lc, &st);
    assert_int_equal(st.bytes, 5);
    assert_int_equal(st.entries, 2);
    /* a too-big answer leaves the entry of its key as it was */
    assert_int_equal(put3(lc, 1, "c", NULL, 0, "123456789"), -1);
    const listcache_answer *c = get3(lc, 1, "c", NULL, 0);
    assert_non_null(c);
    assert_int_equal(c->len, 1);
    listcache_free(lc);
    /* the defaults */
    lc = listcache_new(0, 0, 0);
    for (int i = 0; i < LISTCACHE_ENTRIES + 2; i++) {
        char name[16];
        snprintf(name, sizeof name, "k%d", i);
        assert_int_equal(put3(lc, 1, name, NULL, 0, "b"), 0);
    }
    listcache_stats_get(lc, &st);
    assert_int_equal(st.entries, LISTCACHE_ENTRIES);
    assert_int_equal(st.evictions, 2);
    listcache_free(lc);
    listcache_free(NULL);
}

/* A held body outlives its entry: evicted, replaced or cleared, the bytes
 * stay readable until the last reference is released (ASan checks the
 * frees). */
static void test_held_body(void **state)
{
    (void)state;
    sm_listcache *lc = listcache_new(1, 0, 0);
    assert_int_equal(put3(lc, 1, "k", NULL, 0, "held bytes"), 0);
    const listcache_answer *a = get3(lc, 1, "k", NULL, 0);
    assert_non_null(a);
    const char *p = a->body;
    void *h1 = listcache_hold(a), *h2 = listcache_hold(a);
    /* another snapshot's answer evicts the entry */
    assert_int_equal(put3(lc, 2, "k2", NULL, 0, "other"), 0);
    assert_null(get3(lc, 1, "k", NULL, 0));
    assert_string_equal(p, "held bytes");
    listcache_release(p, 10, h1);
    assert_string_equal(p, "held bytes"); /* h2 still holds it */
    listcache_release(NULL, 0, h2);
    /* held, then the cache goes first */
    a = get3(lc, 2, "k2", NULL, 0);
    assert_non_null(a);
    p = a->body;
    h1 = listcache_hold(a);
    listcache_free(lc);
    assert_string_equal(p, "other");
    listcache_release(NULL, 0, h1);
    listcache_release(NULL, 0, NULL); /* nothing held: nothing to do */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit),
        cmocka_unit_test(test_miss_on_each_part),
        cmocka_unit_test(test_snapshot_invalidation),
        cmocka_unit_test(test_eviction_lru),
        cmocka_unit_test(test_size_bounds),
        cmocka_unit_test(test_held_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
