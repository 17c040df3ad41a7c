/*
 * test_listing.c — list order ("-pinned ~name", Python-like type order,
 * ties by creation sequence) and query filters: eq, icontains, words,
 * tokens (negation, quotes, NAME:value, prefix), tokens with declared
 * prefixes (parents, basename, exact, exact-or-prefix, user, contains and
 * the shlex-like reading), exclude, required and the soft-delete override.  Written by the RT-AUX helper (issue 4).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "listing.h"
#include "query.h"

/* ---- order ------------------------------------------------------------- */

typedef struct row {
    json_t *rec;
    uint64_t seq;
    strbuf facets; /* the record's encoded facets */
    listing_keys keys;
} row;

static const listing_order *sort_order;
static const listing_facets *sort_facets;

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return listing_compare(sort_order, x->rec, x->seq, y->rec, y->seq);
}

static int key_row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return listing_keys_compare(sort_facets, &x->keys, x->seq, &y->keys, y->seq);
}

static int facet_row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return listing_facets_compare(sort_facets, x->facets.p, x->facets.len,
                                  x->seq, y->facets.p, y->facets.len, y->seq);
}

/* Sorts the records of the JSON array text (seq = index + 1) and returns
 * the compact JSON of their member `show`, in order.  The same records
 * sorted by their encoded facets (the list's byte-copy path) must come
 * out in the same order. */
static char *sorted(const char *order, const char *records, const char *show)
{
    listing_order *o = NULL;
    assert_int_equal(listing_order_parse(order, &o), 0);
    json_t *a = unit_json(records);
    size_t n = json_array_size(a);
    row *rows = calloc(n, sizeof *rows), *frows = calloc(n, sizeof *frows);
    const char *extra[] = {"deleted"};
    listing_facets *fs = listing_facets_new(o, extra, 1);
    for (size_t i = 0; i < n; i++) {
        rows[i].rec = json_array_get(a, i);
        rows[i].seq = i + 1;
        listing_facets_encode(fs, rows[i].rec, &rows[i].facets);
        assert_true(listing_facets_valid(fs, rows[i].facets.p, rows[i].facets.len));
        assert_int_equal(listing_facets_keys(fs, rows[i].facets.p, rows[i].facets.len,
                                             &rows[i].keys), 0);
        frows[i] = rows[i];
    }
    sort_order = o;
    qsort(rows, n, sizeof *rows, row_cmp);
    sort_facets = fs;
    qsort(frows, n, sizeof *frows, facet_row_cmp);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rows[i].seq, frows[i].seq);
    qsort(frows, n, sizeof *frows, key_row_cmp);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rows[i].seq, frows[i].seq);
    for (size_t i = 0; i < n; i++)
        strbuf_free(&rows[i].facets);
    free(frows);
    listing_facets_free(fs);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(rows[i].rec, show);
        json_array_append(out, v ? v : json_null());
    }
    char *s = unit_dump(out);
    json_decref(out);
    json_decref(a);
    free(rows);
    listing_order_free(o);
    return s;
}

static void expect_sorted(const char *order, const char *records,
                          const char *show, const char *want)
{
    char *got = sorted(order, records, show);
    assert_string_equal(got, want);
    free(got);
}

static void test_order_parse(void **state)
{
    (void)state;
    listing_order *o = (listing_order *)1;
    assert_int_equal(listing_order_parse(NULL, &o), 0);
    assert_null(o);
    o = (listing_order *)1;
    assert_int_equal(listing_order_parse("", &o), 0);
    assert_null(o);
    o = (listing_order *)1;
    assert_int_equal(listing_order_parse("   ", &o), 0);
    assert_null(o);
    assert_int_equal(listing_order_parse("- name", &o), -1);
    assert_null(o);
    assert_int_equal(listing_order_parse("name ~", &o), -1);
    assert_null(o);
    assert_int_equal(listing_order_parse("-~", &o), -1);
    assert_int_equal(listing_order_parse("-pinned  ~name", &o), 0);
    assert_non_null(o);
    listing_order_free(o);
    listing_order_free(NULL);
}

static void test_order_pinned_name(void **state)
{
    (void)state;
    const char *recs =
        "[{\"n\":1,\"pinned\":false,\"name\":\"beta\"},"
        " {\"n\":2,\"pinned\":true,\"name\":\"Zed\"},"
        " {\"n\":3,\"pinned\":true,\"name\":\"alpha\"},"
        " {\"n\":4,\"pinned\":false,\"name\":\"Alpha\"},"
        " {\"n\":5,\"pinned\":false,\"name\":\"BETA\"}]";
    /* pinned first; names case-insensitively; the beta/BETA tie by
     * sequence, descending because the first key is */
    expect_sorted("-pinned ~name", recs, "n", "[3,2,4,5,1]");
    /* "~-name" is the same key as "-~name" */
    expect_sorted("~-name", recs, "n", "[2,5,1,4,3]");
    /* without '~': bytewise, upper case first; ties ascending */
    expect_sorted("name", recs, "n", "[4,5,2,3,1]");
    expect_sorted("pinned", recs, "n", "[1,4,5,2,3]");
    /* no order: creation order */
    expect_sorted(NULL, recs, "n", "[1,2,3,4,5]");
}

/* Facet encodings: stale fingerprints and truncated bytes are refused;
 * equality is json_equal's (absent = null, 1 is not 1.0). */
static void test_facets(void **state)
{
    (void)state;
    listing_order *o = NULL;
    assert_int_equal(listing_order_parse("-pinned ~name", &o), 0);
    const char *extra[] = {"mode", "name"};
    listing_facets *fs = listing_facets_new(o, extra, 2);
    listing_facets *other = listing_facets_new(o, NULL, 0);
    assert_null(listing_facets_new(NULL, NULL, 0));
    assert_int_equal(listing_facets_index(fs, "pinned"), 0);
    assert_int_equal(listing_facets_index(fs, "name"), 1);
    assert_int_equal(listing_facets_index(fs, "mode"), 2);
    assert_int_equal(listing_facets_index(fs, "nope"), -1);
    json_t *r = unit_json("{\"pinned\":true,\"name\":\"a\",\"mode\":\"unlisted\","
                          "\"n\":1}");
    strbuf b = STRBUF_INIT, v = STRBUF_INIT;
    listing_facets_encode(fs, r, &b);
    assert_true(listing_facets_valid(fs, b.p, b.len));
    assert_false(listing_facets_valid(other, b.p, b.len));
    assert_false(listing_facets_valid(fs, b.p, b.len - 1));
    assert_false(listing_facets_valid(fs, b.p, 3));
    json_t *x = json_string("unlisted");
    listing_facet_value(x, &v);
    assert_true(listing_facets_is(b.p, b.len, 2, v.p, v.len));
    assert_false(listing_facets_is(b.p, b.len, 1, v.p, v.len));
    json_decref(x);
    strbuf_truncate(&v, 0);
    listing_facet_value(NULL, &v); /* absent counts as null */
    strbuf_truncate(&b, 0);
    json_t *r2 = unit_json("{\"name\":\"b\",\"mode\":null}");
    listing_facets_encode(fs, r2, &b);
    assert_true(listing_facets_is(b.p, b.len, 0, v.p, v.len));
    assert_true(listing_facets_is(b.p, b.len, 2, v.p, v.len));
    strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
    json_t *i1 = json_integer(1), *d1 = json_real(1.0);
    listing_facet_value(i1, &s1);
    listing_facet_value(d1, &s2);
    assert_false(s1.len == s2.len && !memcmp(s1.p, s2.p, s1.len));
    json_decref(i1);
    json_decref(d1);
    strbuf_free(&s1);
    strbuf_free(&s2);
    strbuf_free(&b);
    strbuf_free(&v);
    json_decref(r);
    json_decref(r2);
    listing_facets_free(fs);
    listing_facets_free(other);
    listing_order_free(o);
}

static void test_order_types(void **state)
{
    (void)state;
    /* null (and absent) < false < true < numbers < strings < containers */
    const char *recs =
        "[{\"n\":1,\"v\":\"a\"},{\"n\":2,\"v\":2.5},{\"n\":3,\"v\":true},"
        " {\"n\":4,\"v\":null},{\"n\":5,\"v\":false},{\"n\":6,\"v\":2},"
        " {\"n\":7},{\"n\":8,\"v\":[1]},{\"n\":9,\"v\":-3},{\"n\":10,\"v\":\"B\"}]";
    expect_sorted("v", recs, "n", "[4,7,5,3,9,6,2,10,1,8]");
    expect_sorted("-v", recs, "n", "[8,1,10,2,6,9,3,5,7,4]");
    expect_sorted("~v", recs, "n", "[4,7,5,3,9,6,2,1,10,8]");
}

/* ---- filters ----------------------------------------------------------- */

static const char *const f_name[] = {"name"};
static const char *const f_pinned[] = {"pinned"};
static const char *const f_id[] = {"id"};
static const char *const f_text[] = {"name", "path"};
static const char *const f_search[] = {"path", "type"};
static const char *const f_deleted[] = {"deleted"};
static const char *const f_mode[] = {"creation_mode"};
static const char *const f_key[] = {"key"};

#define FILTER(q, m, fl, n, fs, msg, ex)                                       \
    {.query = (q), .match = (m), .flags = (fl), .nfields = (n),                \
     .fields = (fs), .message = (msg), .exclude_json = (ex)}

static const sm_filter filters[] = {
    FILTER("name", SM_MATCH_EQ, 0, 1, f_name, NULL, NULL),
    FILTER("pinned", SM_MATCH_EQ, 0, 1, f_pinned, NULL, NULL),
    FILTER("id", SM_MATCH_EQ, 0, 1, f_id, NULL, NULL),
    FILTER("q", SM_MATCH_ICONTAINS, 0, 2, f_text, NULL, NULL),
    FILTER("words", SM_MATCH_WORDS, 0, 2, f_text, NULL, NULL),
    FILTER("search", SM_MATCH_TOKENS, 0, 2, f_search, NULL, NULL),
    FILTER("deleted", SM_MATCH_EQ, 0, 1, f_deleted, NULL, NULL),
    FILTER("creation_mode", SM_MATCH_EQ, SM_FILTER_EXCLUDE, 1, f_mode, NULL,
           "\"unlisted\""),
};

static const sm_op list_op = {
    .id = "things_list", .path = "/api/things/", .method = SM_GET,
    .kind = SM_OP_LIST, .status = 200, .resource = 0,
    .request_model = -1, .response_model = -1,
    .nfilters = sizeof filters / sizeof filters[0], .filters = filters,
};

static const sm_filter req_filters[] = {
    FILTER("key", SM_MATCH_EQ, SM_FILTER_REQUIRED, 1, f_key,
           "Key not provided", NULL),
    FILTER("other", SM_MATCH_EQ, 0, 1, f_key, NULL, NULL),
};

static const sm_op values_op = {
    .id = "things_values", .path = "/api/things/values/", .method = SM_GET,
    .kind = SM_OP_LIST, .status = 200, .request_model = -1,
    .response_model = -1, .nfilters = 2, .filters = req_filters,
};

static const char *R1 =
    "{\"id\":7,\"name\":\"Alpha Report\",\"path\":\"Team/Reports/Alpha\","
    "\"type\":\"insight\",\"pinned\":true,\"deleted\":false,"
    "\"creation_mode\":\"default\"}";
static const char *R2 =
    "{\"id\":8,\"name\":\"beta\",\"path\":\"Team/Folder\",\"type\":\"folder\","
    "\"pinned\":false,\"deleted\":true,\"creation_mode\":\"unlisted\"}";
static const char *R3 =
    "{\"id\":9,\"name\":null,\"path\":\"c:d e\",\"type\":\"x\",\"pinned\":false,"
    "\"deleted\":false,\"creation_mode\":null,\"size\":1.5}";

static int pass(const sm_op *op, const char *qs, const char *rec)
{
    query_list q;
    query_parse(&q, qs);
    json_t *r = unit_json(rec);
    int ok = listing_pass(op, &q, r, NULL);
    json_decref(r);
    query_free(&q);
    return ok;
}

/* Expected pass/fail of R1, R2, R3 for one query string. */
static void expect3(const char *qs, int r1, int r2, int r3)
{
    int g1 = pass(&list_op, qs, R1), g2 = pass(&list_op, qs, R2),
        g3 = pass(&list_op, qs, R3);
    if (g1 != r1 || g2 != r2 || g3 != r3)
        fail_msg("%s: got %d%d%d, want %d%d%d", qs, g1, g2, g3, r1, r2, r3);
}

static void test_eq(void **state)
{
    (void)state;
    expect3("", 1, 0, 1); /* only the exclude filter: unlisted left out */
    expect3("name=beta&creation_mode=unlisted", 0, 1, 0);
    expect3("name=Beta&creation_mode=unlisted", 0, 0, 0); /* strings exact */
    expect3("name=Alpha+Report", 1, 0, 0);
    expect3("name=null", 0, 0, 0);          /* null matches nothing */
    expect3("id=7", 1, 0, 0);
    expect3("id=07", 0, 0, 0);               /* decimal text, not a number */
    expect3("id=8&id=7", 1, 0, 0);           /* last value wins */
    expect3("pinned=TRUE", 1, 0, 0);         /* bools case-insensitive */
    expect3("pinned=1", 1, 0, 0);
    expect3("pinned=False", 0, 0, 1);
    expect3("pinned=0", 0, 0, 1);
    expect3("pinned=yes", 0, 0, 0);
    expect3("pinned=", 0, 0, 0);             /* present but empty filters */
    expect3("deleted=true", 0, 0, 0);        /* R2 still excluded: unlisted */
    expect3("deleted=true&creation_mode=unlisted", 0, 1, 0);
}

static void test_exclude(void **state)
{
    (void)state;
    /* the parameter present: an ordinary eq filter, no exclusion */
    expect3("creation_mode=unlisted", 0, 1, 0);
    expect3("creation_mode=default", 1, 0, 0);
    expect3("creation_mode=", 0, 0, 0);
}

static void test_icontains_words(void **state)
{
    (void)state;
    expect3("q=report", 1, 0, 0);            /* name */
    expect3("q=FOLDER&creation_mode=unlisted", 0, 1, 0); /* path */
    expect3("q=", 1, 0, 1);
    expect3("q=zzz", 0, 0, 0);
    expect3("q=alpha+report", 1, 0, 0);      /* one substring with a space */
    expect3("words=report+alpha", 1, 0, 0);  /* every word, any order */
    expect3("words=team+ALPHA", 1, 0, 0);    /* words from different fields */
    expect3("words=alpha+beta", 0, 0, 0);
    expect3("words=++", 1, 0, 1);            /* no words: everything */
}

static void test_tokens(void **state)
{
    (void)state;
    /* plain tokens: substring of path or type */
    expect3("search=reports", 1, 0, 0);
    expect3("search=INSIGHT", 1, 0, 0);
    expect3("search=report", 1, 0, 0);       /* path "Team/Reports/Alpha" */
    expect3("search=alpha+report", 1, 0, 0); /* both tokens in the path */
    expect3("search=beta", 0, 0, 0);         /* name is not a search field */
}

static void test_tokens_syntax(void **state)
{
    (void)state;
    /* negation with '-' and '!' */
    expect3("search=-reports", 0, 0, 1);
    expect3("search=-reports&creation_mode=unlisted", 0, 1, 0);
    expect3("search=%21folder", 1, 0, 1);
    /* all tokens ANDed */
    expect3("search=team+-folder", 1, 0, 0);
    /* quotes keep words together: -"team reports" is one negated token
     * (no path contains "team reports"), -team reports is two */
    expect3("search=-%22team+reports%22", 1, 0, 1);
    expect3("search=-team+reports", 0, 0, 0);
    expect3("search=%22c%3Ad+e%22", 0, 0, 1);
    expect3("search=%22c%3Ad+x%22", 0, 0, 0);
    /* NAME:value: that member only, case-insensitive, any member */
    expect3("search=name%3A%22alpha+report%22", 1, 0, 0);
    expect3("search=name%3Aalpha+report", 1, 0, 0);
    expect3("search=NAME%3Abeta&creation_mode=unlisted", 0, 1, 0);
    expect3("search=type%3AFOLD&creation_mode=unlisted", 0, 1, 0);
    expect3("search=-type%3Afolder", 1, 0, 1);
    expect3("search=-type%3Afolder&creation_mode=unlisted", 0, 0, 0);
    expect3("search=-type%3Ainsight&creation_mode=unlisted", 0, 1, 0);
    expect3("search=%21type%3Ainsight", 0, 0, 1);
    /* a value ending in '/' is a prefix match (the '/' included) */
    expect3("search=path%3Ateam%2F", 1, 0, 0);
    expect3("search=PATH%3Ateam%2Ff", 0, 0, 0);
    expect3("search=path%3Areports%2F", 0, 0, 0);
    expect3("search=path%3Areports", 1, 0, 0);
    expect3("search=path%3ATeam%2FReports%2F", 1, 0, 0);
    /* numbers as text; null never matches */
    expect3("search=size%3A1.5", 0, 0, 1);
    expect3("search=name%3Anull", 0, 0, 0);
    /* NAME that is no member: the whole token is plain text */
    expect3("search=c%3Ad", 0, 0, 1);
    expect3("search=nope%3Ax", 0, 0, 0);
    /* lone markers select nothing */
    expect3("search=-+%21+%22%22", 1, 0, 1);
    expect3("search=", 1, 0, 1);
}

/* ---- tokens with declared prefixes ------------------------------------ */

static const char *const f_path[] = {"path"};
static const char *const f_type[] = {"type"};
static const char *const f_ref[] = {"ref"};
static const char *const f_creator[] = {"created_by"};
static const char *const m_user[] = {"first_name last_name", "email"};

static const sm_prefix prefixes[] = {
    {.name = "path", .match = SM_PM_PARENTS, .nfields = 1, .fields = f_path},
    {.name = "name", .match = SM_PM_BASENAME, .nfields = 1, .fields = f_path},
    {.name = "user", .match = SM_PM_USER, .nfields = 1, .fields = f_creator,
     .nmembers = 2, .members = m_user},
    {.name = "author", .match = SM_PM_USER, .nfields = 1,
     .fields = f_creator, .nmembers = 2, .members = m_user},
    {.name = "type", .match = SM_PM_EXACT_PREFIX, .nfields = 1,
     .fields = f_type},
    {.name = "ref", .match = SM_PM_EXACT, .nfields = 1, .fields = f_ref},
    {.name = "kind", .match = SM_PM_CONTAINS, .nfields = 2,
     .fields = f_search},
};

static const sm_filter fs_filters[] = {
    {.query = "search", .match = SM_MATCH_TOKENS, .nfields = 2,
     .fields = f_search, .nprefixes = sizeof prefixes / sizeof prefixes[0],
     .prefixes = prefixes},
};

static const sm_op fs_op = {
    .id = "files_list", .path = "/api/files/", .method = SM_GET,
    .kind = SM_OP_LIST, .status = 200, .request_model = -1,
    .response_model = -1, .nfilters = 1, .filters = fs_filters,
};

static const char *F1 =
    "{\"path\":\"Team/Reports/Alpha report\",\"type\":\"insight\","
    "\"ref\":\"abc\",\"created_by\":{\"id\":1,\"first_name\":\"Paul\","
    "\"last_name\":\"D\",\"email\":\"paul@example.com\"}}";
static const char *F2 =
    "{\"path\":\"Team/Folder x:y\",\"type\":\"folder\",\"ref\":null,"
    "\"created_by\":{\"id\":2,\"first_name\":\"Ann\",\"last_name\":\"Lee\","
    "\"email\":\"ann@x.io\"}}";
static const char *F3 =
    "{\"path\":\"Go\\\\/Revenue/Hog fn\",\"type\":\"hog_function/destination\","
    "\"ref\":\"Abc\",\"created_by\":null}";

/* Expected pass/fail of F1, F2, F3 for search=<raw text> (encoded here)
 * with the caller {"id": 1}. */
static void expect_fs(const char *search, int r1, int r2, int r3)
{
    strbuf qs = STRBUF_INIT;
    strbuf_adds(&qs, "search=");
    for (const char *p = search; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || ch == '_' || ch == '.')
            strbuf_addc(&qs, (char)ch);
        else
            strbuf_addf(&qs, "%%%02X", ch);
    }
    json_t *caller = unit_json("{\"id\":1,\"first_name\":\"Paul\"}");
    const char *recs[3] = {F1, F2, F3};
    int got[3];
    for (int i = 0; i < 3; i++) {
        query_list q;
        query_parse(&q, qs.p);
        json_t *r = unit_json(recs[i]);
        got[i] = listing_pass(&fs_op, &q, r, caller);
        json_decref(r);
        query_free(&q);
    }
    json_decref(caller);
    strbuf_free(&qs);
    if (got[0] != r1 || got[1] != r2 || got[2] != r3)
        fail_msg("search=%s: got %d%d%d, want %d%d%d", search, got[0], got[1],
                 got[2], r1, r2, r3);
}

static void test_prefix_plain(void **state)
{
    (void)state;
    /* plain tokens: substring of path or type, case-insensitive */
    expect_fs("team", 1, 1, 0);
    expect_fs("INSIGHT", 1, 0, 0);
    expect_fs("hog_function", 0, 0, 1);
    expect_fs("", 1, 1, 1);
    /* a '/' in a plain token also matches an escaped "\/" */
    expect_fs("go/revenue", 0, 0, 1);
    expect_fs("GO/REVENUE/hog", 0, 0, 1);
    expect_fs("team/reports", 1, 0, 0);
    expect_fs("o/", 0, 0, 1);            /* "Go\/" and "function/" */
    /* a backslash outside quotes takes the next character as it is */
    expect_fs("go\\/revenue", 0, 0, 1);
    /* all tokens ANDed */
    expect_fs("alpha report", 1, 0, 0);
    expect_fs("alpha folder", 0, 0, 0);
}

static void test_prefix_fields(void **state)
{
    (void)state;
    /* path: the parent segments only */
    expect_fs("path:reports", 1, 0, 0);
    expect_fs("path:team", 1, 1, 0);
    expect_fs("path:alpha", 0, 0, 0);    /* the basename */
    expect_fs("path:folder", 0, 0, 0);
    expect_fs("path:revenue", 0, 0, 1);  /* "Go\/Revenue" is one segment */
    expect_fs("path:m/rep", 1, 0, 0);    /* across segments, still parents */
    expect_fs("path:", 1, 1, 1);         /* every path here has a parent */
    expect_fs("PATH:REPORTS", 1, 0, 0);  /* the NAME ignores case */
    /* name: the last segment only */
    expect_fs("name:alpha", 1, 0, 0);
    expect_fs("name:reports", 0, 0, 0);
    expect_fs("name:folder", 0, 1, 0);
    expect_fs("name:team", 0, 0, 0);
    expect_fs("name:revenue", 0, 0, 0);
    expect_fs("name:hog", 0, 0, 1);
    expect_fs("Name:\"alpha report\"", 1, 0, 0);
    expect_fs("\"name:alpha report\"", 1, 0, 0);
    expect_fs("name:\" alpha \"", 1, 0, 0); /* the value is trimmed */
    /* type: exact, case-sensitive; a trailing '/' is a prefix */
    expect_fs("type:folder", 0, 1, 0);
    expect_fs("type:FOLDER", 0, 0, 0);
    expect_fs("type:fold", 0, 0, 0);
    expect_fs("type:hog_function", 0, 0, 0);
    expect_fs("type:hog_function/", 0, 0, 1);
    expect_fs("type:Hog_function/", 0, 0, 0);
    /* ref: exact */
    expect_fs("ref:abc", 1, 0, 0);
    expect_fs("ref:Abc", 0, 0, 1);
    expect_fs("ref:ab", 0, 0, 0);
    expect_fs("REF:abc", 1, 0, 0);
    /* a contains prefix over several fields */
    expect_fs("kind:SIGHT", 1, 0, 0);
    expect_fs("kind:team/f", 0, 1, 0);
}

static void test_prefix_user(void **state)
{
    (void)state;
    /* user:me / author:me: created by the caller (id 1) */
    expect_fs("user:me", 1, 0, 0);
    expect_fs("user:ME", 1, 0, 0);
    expect_fs("author:me", 1, 0, 0);
    expect_fs("-user:me", 0, 1, 1);
    /* else the full name ("first last") or the email, case-insensitive */
    expect_fs("user:paul", 1, 0, 0);
    expect_fs("user:\"paul d\"", 1, 0, 0);
    expect_fs("author:\"Ann Lee\"", 0, 1, 0);
    expect_fs("user:nn l", 0, 1, 0);     /* two tokens: "nn" and plain "l" */
    expect_fs("user:nn q", 0, 0, 0);
    expect_fs("user:\"nn l\"", 0, 1, 0);
    expect_fs("user:EXAMPLE.com", 1, 0, 0);
    expect_fs("user:x.io", 0, 1, 0);
    expect_fs("user:", 1, 1, 0);         /* no creator never matches */
    expect_fs("-author:ann", 1, 0, 1);
}

static void test_prefix_syntax(void **state)
{
    (void)state;
    /* an undeclared NAME: the whole token is plain (path or type) */
    expect_fs("x:y", 0, 1, 0);
    expect_fs("X:Y", 0, 1, 0);
    expect_fs("foo:bar", 0, 0, 0);
    expect_fs("created_by:paul", 0, 0, 0); /* members are not prefixes */
    expect_fs("-foo:bar", 1, 1, 1);
    expect_fs(":team", 0, 0, 0);          /* empty NAME: ":team" is plain */
    /* negation with '-' or '!', also of a quoted token */
    expect_fs("-team", 0, 0, 1);
    expect_fs("!type:folder", 1, 0, 1);
    expect_fs("-type:folder", 1, 0, 1);
    expect_fs("\"-team\"", 0, 0, 1);
    expect_fs("--team", 1, 1, 1);         /* "-team" is in no path */
    expect_fs("team -type:folder", 1, 0, 0);
    expect_fs("type:folder team", 0, 1, 0);
    /* quotes keep words together; single quotes too */
    expect_fs("\"alpha report\"", 1, 0, 0);
    expect_fs("'alpha report'", 1, 0, 0);
    expect_fs("-\"team reports\"", 1, 1, 1);
    expect_fs("-team reports", 0, 0, 0);
    expect_fs("al\"pha rep\"ort", 1, 0, 0); /* quotes inside a word */
    /* an unclosed single quote is an ordinary character ... */
    expect_fs("'alpha", 0, 0, 0);
    expect_fs("'alpha'x alpha", 0, 0, 0);
    /* ... an unclosed double quote splits on whitespace, quotes kept, and
     * one enclosing pair is dropped */
    expect_fs("\"alpha\" \"report", 0, 0, 0);
    expect_fs("\"alpha\" \"team\" x\"", 0, 0, 0);
    /* a trailing backslash too (it stays in its token) */
    expect_fs("\"alpha\" report\\", 0, 0, 0);
    expect_fs("\"revenue\" \\", 0, 0, 1);
    /* lone markers select nothing */
    expect_fs("- ! \"\" ''", 1, 1, 1);
}

static void test_required(void **state)
{
    (void)state;
    query_list q;
    query_parse(&q, NULL);
    assert_ptr_equal(listing_missing_required(&values_op, &q), &req_filters[0]);
    query_free(&q);
    query_parse(&q, "key=");
    assert_ptr_equal(listing_missing_required(&values_op, &q), &req_filters[0]);
    query_free(&q);
    query_parse(&q, "key=x&key=");           /* last value wins: empty */
    assert_ptr_equal(listing_missing_required(&values_op, &q), &req_filters[0]);
    query_free(&q);
    query_parse(&q, "key=%24browser");
    assert_null(listing_missing_required(&values_op, &q));
    query_free(&q);
    query_parse(&q, "other=1");
    assert_null(listing_missing_required(&list_op, &q));
    query_free(&q);
    assert_int_equal(pass(&values_op, "key=%24browser",
                          "{\"key\":\"$browser\"}"), 1);
    assert_int_equal(pass(&values_op, "key=%24os", "{\"key\":\"$browser\"}"), 0);
}

static void test_overrides_hide(void **state)
{
    (void)state;
    query_list q;
    query_parse(&q, "deleted=true");
    assert_int_equal(listing_overrides_hide(&list_op, &q, "deleted"), 1);
    assert_int_equal(listing_overrides_hide(&list_op, &q, "archived"), 0);
    assert_int_equal(listing_overrides_hide(&list_op, &q, NULL), 0);
    query_free(&q);
    query_parse(&q, "deleted=");
    assert_int_equal(listing_overrides_hide(&list_op, &q, "deleted"), 1);
    query_free(&q);
    query_parse(&q, "name=x");
    assert_int_equal(listing_overrides_hide(&list_op, &q, "deleted"), 0);
    assert_int_equal(listing_overrides_hide(&values_op, &q, "deleted"), 0);
    query_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_parse),
        cmocka_unit_test(test_order_pinned_name),
        cmocka_unit_test(test_order_types),
        cmocka_unit_test(test_facets),
        cmocka_unit_test(test_eq),
        cmocka_unit_test(test_exclude),
        cmocka_unit_test(test_icontains_words),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_tokens_syntax),
        cmocka_unit_test(test_prefix_plain),
        cmocka_unit_test(test_prefix_fields),
        cmocka_unit_test(test_prefix_user),
        cmocka_unit_test(test_prefix_syntax),
        cmocka_unit_test(test_required),
        cmocka_unit_test(test_overrides_hide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
