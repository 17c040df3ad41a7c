/*
 * test_listtext.c — the list item described as pieces of the full text
 * (listtext.h) must be byte for byte what printing render_project() gives,
 * for any full object: members in any order, missing (defaults), extra,
 * write-only, escaped keys and values.  Also: neighbouring members merge
 * into one span, so a record stores a few pieces, not one per field.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "fixture_api.h"
#include "jsonio.h"
#include "listtext.h"
#include "render.h"

static sm_defaults *defs;

static int setup(void **state)
{
    (void)state;
    defs = render_defaults_new(&fixture_api);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    render_defaults_free(defs);
    return 0;
}

/* Checks one case; returns the number of pieces. */
static size_t check(int list_model, const json_t *full)
{
    listtext lt = LISTTEXT_INIT;
    listtext_build(&lt, &fixture_api, defs, list_model, full);
    strbuf got = STRBUF_INIT, want = STRBUF_INIT, whole = STRBUF_INIT;
    listtext_write(&lt, &got);
    json_t *item = render_project(&fixture_api, defs, list_model, full);
    jsonio_dump(&want, item);
    jsonio_dump(&whole, full);
    json_decref(item);
    if (got.len != want.len || memcmp(got.p, want.p, got.len) != 0)
        fail_msg("model %d, full %s:\n got  %s\n want %s", list_model, whole.p,
                 got.p ? got.p : "", want.p);
    assert_int_equal(lt.list_len, want.len);
    assert_int_equal(lt.full_text.len, whole.len);
    assert_memory_equal(lt.full_text.p, whole.p, whole.len);
    size_t n = lt.nseg;
    strbuf_free(&got);
    strbuf_free(&want);
    strbuf_free(&whole);
    listtext_free(&lt);
    return n;
}

/* A full record rendered from the model itself: the item is the whole
 * text (one span) when the list model is the model, and a projection
 * onto a prefix-ordered list model merges neighbours. */
static void test_rendered_records(void **state)
{
    (void)state;
    json_t *in = json_pack("{s:s, s:s}", "title", "T", "secret", "s");
    json_t *full = render_create(&fixture_api, FX_MODEL_BOARD, in, NULL);
    /* board -> board: every member, in order: one span, braces included */
    assert_int_equal(check(FX_MODEL_BOARD, full), 1);
    /* board -> id, name, pinned: its first three members, then "}" */
    assert_int_equal(check(FX_MODEL_BOARD_BASIC, full), 2);
    json_decref(full);
    full = render_create(&fixture_api, FX_MODEL_WIDGET, in, NULL);
    /* widget -> widget: "secret" is write-only, so it is left out */
    check(FX_MODEL_WIDGET, full);
    /* widget -> id, title, archived, missing (a default) */
    check(FX_MODEL_WIDGET_BASIC, full);
    json_decref(full);
    json_decref(in);
}

static void test_edges(void **state)
{
    (void)state;
    json_t *empty = json_object();
    assert_int_equal(check(FX_MODEL_WIDGET_BASIC, empty), 1); /* all defaults */
    check(-1, empty);
    check(9999, empty);
    check(FX_MODEL_WIDGET_BASIC, NULL);
    json_t *one = json_pack("{s:i}", "id", 5);
    check(FX_MODEL_WIDGET_BASIC, one);
    check(FX_MODEL_BOARD_BASIC, one);
    json_decref(one);
    json_decref(empty);
}

/* Random full objects: a random subset of keys (the list models' fields,
 * others, one that needs escaping) in random order with random values. */
static void test_random_objects(void **state)
{
    (void)state;
    static const char *keys[] = {"id", "title", "archived", "missing", "name",
                                 "pinned", "email", "active", "uuid", "x",
                                 "secret", "we\"ird\n", "tags", "count"};
    const size_t nkeys = sizeof keys / sizeof *keys;
    static const int models[] = {FX_MODEL_WIDGET_BASIC, FX_MODEL_BOARD_BASIC,
                                 FX_MODEL_OWNER, FX_MODEL_WIDGET, FX_MODEL_BOARD};
    uint64_t r = 88172645463325252ULL; /* xorshift64 */
    for (int iter = 0; iter < 2000; iter++) {
        size_t order[16];
        for (size_t i = 0; i < nkeys; i++)
            order[i] = i;
        for (size_t i = nkeys - 1; i > 0; i--) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            size_t j = r % (i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        json_t *full = json_object();
        for (size_t i = 0; i < nkeys; i++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            json_t *v;
            switch (r % 7) {
            case 0: continue; /* left out */
            case 1: v = json_integer((json_int_t)(r >> 40)); break;
            case 2: v = json_string("a\"b\\c\xe2\x80\xa8 \x01"); break;
            case 3: v = json_pack("{s:[i,n,s]}", "k", 1, "\xc3\xa9"); break;
            case 4: v = json_null(); break;
            case 5: v = json_real(0.1); break;
            default: v = json_true(); break;
            }
            json_object_set_new(full, keys[order[i]], v);
        }
        for (size_t m = 0; m < sizeof models / sizeof *models; m++)
            check(models[m], full);
        json_decref(full);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rendered_records),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random_objects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
