/*
 * test_check.c — unit tests of codegen/check.c: what resolution derives
 * (operation ids, full paths, statuses, models, flags, scopes, sorting)
 * and a few checks by message.  The golden tests in bad/ cover every
 * check's wording; these pin the derived data the emitters rely on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "check.h"
#include "diag.h"
#include "parser.h"

static const char *files[] = { "c.spec" };

typedef struct fixture {
    diag d;
    spec s;
} fixture;

/* Parse (must succeed) and check `src`; returns the check's error count. */
static size_t check(fixture *f, const char *src)
{
    diag_init(&f->d, files, 1);
    spec_init(&f->s, files, 1);
    assert_int_equal(parse_file(&f->s, &f->d, files[0], src, strlen(src)),
                     0);
    return check_spec(&f->s, &f->d);
}

static void finish(fixture *f)
{
    spec_free(&f->s);
    diag_free(&f->d);
}

static void expect_msg(fixture *f, size_t i, const char *want)
{
    char buf[512];
    assert_non_null(diag_format(&f->d, i, buf, sizeof buf));
    assert_string_equal(buf, want);
}

#define HEAD                                                                 \
    "api t {\n  title \"T\"\n  version \"1\"\n  prefix \"/p/{org}\"\n"       \
    "  user U\n  scopes zeta alpha\n}\n"                                     \
    "param org int\nparam id int\n"                                          \
    "model U {\n  id int readonly default 1\n}\n"

static const char good[] =
    HEAD
    "model M {\n  id int readonly auto\n  gone bool default false\n"
    "  by U? readonly caller\n}\n"
    "model B {\n  id int readonly\n}\n"
    "resource ms {\n  model M\n  list-model B\n  path \"/ms\"\n"
    "  scope zeta\n  soft-delete gone hides list\n"
    "  destroy  DELETE \"/{id}/\" 204\n"
    "  update   PATCH  \"/{id}/\" 200\n"
    "  update   PUT    \"/{id}/\" 200 scope alpha\n"
    "  retrieve GET    \"/{id}/\" 200 scope INTERNAL\n"
    "  create   POST   \"/\"      201 errors 409 404\n"
    "  list     GET    \"/\"      200 paginated id everything\n"
    "}\n";

static void test_derived(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(check(&f, good), 0);
    spec *s = &f.s;
    assert_int_equal(s->nops, 6);
    /* sorted by path, then method in sm_method order */
    static const char *const want[] = {
        "everything", "ms_create", "ms_retrieve", "ms_update",
        "ms_partial_update", "ms_destroy"
    };
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(s->ops[i]->op_id, want[i]);
    assert_string_equal(s->ops[0]->path, "/p/{org}/ms/");
    assert_string_equal(s->ops[5]->path, "/p/{org}/ms/{id}/");

    const ast_op *list = s->ops[0], *create = s->ops[1], *get = s->ops[2];
    const ast_op *put = s->ops[3], *patch = s->ops[4], *del = s->ops[5];
    assert_int_equal(list->flags, 1);
    assert_int_equal(list->request_model, -1);
    assert_int_equal(list->response_model, 2);      /* B */
    assert_int_equal(create->request_model, 1);     /* M */
    assert_int_equal(create->response_model, 1);
    assert_int_equal(del->flags, 2);
    assert_int_equal(del->response_model, -1);

    /* 413: reads a body; 507: may write the store */
    static const uint16_t cs[] = { 201, 400, 401, 403, 404, 409, 413, 415, 507 };
    assert_int_equal(create->nstatuses, 9);
    assert_memory_equal(create->statuses, cs, sizeof cs);
    static const uint16_t gs[] = { 200, 401, 403, 404 };
    assert_int_equal(get->nstatuses, 4);
    assert_memory_equal(get->statuses, gs, sizeof gs);
    static const uint16_t ds[] = { 204, 401, 403, 404, 507 };
    assert_int_equal(del->nstatuses, 5);
    assert_memory_equal(del->statuses, ds, sizeof ds);
    assert_true(create->reads_body && create->may_write);
    assert_true(put->reads_body && patch->reads_body);
    assert_true(!del->reads_body && del->may_write);
    assert_true(!get->reads_body && !get->may_write);
    assert_true(!list->reads_body && !list->may_write);

    assert_int_equal(list->eff_scope_mode, SCOPE_OBJECT);
    assert_string_equal(list->eff_scope, "zeta");
    assert_string_equal(put->eff_scope, "alpha");
    assert_int_equal(get->eff_scope_mode, SCOPE_INTERNAL);
    assert_int_equal(patch->method, M_PATCH);

    const ast_resource *r = &s->resources[0];
    assert_int_equal(r->id_field, 0);
    assert_int_equal(r->soft_delete.index, 1);
    assert_int_equal(s->apis[0].user.index, 0);
    assert_int_equal(s->models[1].fields[2].type.kind, TY_MODEL);
    assert_int_equal(s->models[1].fields[2].type.ref, 0);

    assert_int_equal(s->nscopes, 2);
    assert_string_equal(s->scopes[0], "alpha");
    assert_string_equal(s->scopes[1], "zeta");
    finish(&f);
}

static void test_path_join(void **state)
{
    (void)state;
    char *p = path_join("/a/", "/b");
    assert_string_equal(p, "/a/b");
    free(p);
    p = path_join("/a", "/");
    assert_string_equal(p, "/a/");
    free(p);
    p = path_join("/a", "");
    assert_string_equal(p, "/a");
    free(p);
    p = path_join("", "/x/{id}/");
    assert_string_equal(p, "/x/{id}/");
    free(p);
}

static void test_trailing_slash_duplicates(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(check(&f,
        HEAD
        "resource a {\n  model U\n  path \"/a\"\n  scope zeta\n"
        "  retrieve GET \"/{id}/\" 200\n"
        "  retrieve GET \"/{id}\" 200 id other\n"
        "}\n"), 1);
    expect_msg(&f, 0, "c.spec:18:3: error: duplicate route "
                      "'GET /p/{org}/a/{id}'");
    expect_msg(&f, 1, "c.spec:17:3: note: previous definition is here");
    finish(&f);
}

static void test_enum_default_membership(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(check(&f,
        HEAD
        "enum E { \"a\" \"b\" }\n"
        "model X {\n  e E default \"a\"\n  f E? default null\n"
        "  g E default \"c\"\n}\n"), 1);
    expect_msg(&f, 0, "c.spec:17:15: error: default \"c\" of field 'g' is "
                      "not a value of enum 'E'");
    finish(&f);
}

static void test_checks_keep_going(void **state)
{
    (void)state;
    fixture f;
    size_t n = check(&f,
        HEAD
        "model X {\n  a Nope\n  b int maxlen 3\n}\n"
        "resource r {\n  model X\n  path \"/r/{nope}\"\n  scope nope\n"
        "  create GET \"/\" 201\n}\n");
    assert_int_equal(n, 5);
    finish(&f);
}

static void test_missing_api(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(check(&f, "model X {\n  a int\n}\n"), 1);
    expect_msg(&f, 0, "c.spec:1:1: error: missing 'api' declaration; one "
                      "spec file must declare 'api NAME { ... }'");
    finish(&f);
}


/* v2: derived ids, statuses, models and flags of actions, streams,
 * content, and the block form. */
static const char v2src[] =
    HEAD
    "param k string\n"
    "model M {\n  id int readonly auto\n  name string default \"\"\n"
    "  items [object] default []\n  mime string default \"a/b\"\n"
    "  tok string? default null\n}\n"
    "model Body {\n  to int required\n}\n"
    "resource ms {\n  model M\n  path \"/ms\"\n  scope zeta\n"
    "  action POST \"/{id}/move_it/\" 200 body Body {\n"
    "    check body to exists ms 404 detail \"Nope.\"\n"
    "    check new name minlen 1 409 error \"Short.\"\n"
    "  }\n"
    "  action POST \"/bulk/\" 202 returns empty errors 429\n"
    "  action POST \"/{id}/tok/\" 200 set tok token returns \"{\\\"ok\\\": 1}\"\n"
    "  stream GET \"/{id}/items/\" 200 stream items m item 1\n"
    "  content GET \"/{id}/raw/\" 200 content-type mime\n"
    "  action POST \"/{id}/up/\" 200 media \"text/plain\"\n"
    "}\n";

static const ast_op *find_op(const spec *s, const char *id)
{
    for (size_t i = 0; i < s->nops; i++)
        if (strcmp(s->ops[i]->op_id, id) == 0)
            return s->ops[i];
    fail_msg("no operation '%s'", id);
    return NULL;
}

static void expect_statuses(const ast_op *o, const uint16_t *want, size_t n)
{
    assert_int_equal(o->nstatuses, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(o->statuses[i], want[i]);
}

static void test_v2_derived(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(check(&f, v2src), 0);
    const ast_op *o = find_op(&f.s, "ms_move_it");
    static const uint16_t s1[] = { 200, 400, 401, 403, 404, 409, 413, 415, 507 };
    expect_statuses(o, s1, 9);
    assert_int_equal(o->flags, 8); /* SM_OPF_ITEM */
    assert_string_equal(f.s.models[o->request_model].name, "Body");
    assert_string_equal(f.s.models[o->response_model].name, "M");
    assert_int_equal(o->nchecks, 2);
    assert_string_equal(o->checks[0].value_json, "ms");

    o = find_op(&f.s, "ms_bulk");
    /* a POST action without a request model, media, body set, body check
     * or move reads no body (DRF parses request.data lazily): no 400, 413
     * or 415 */
    static const uint16_t s2[] = { 202, 401, 403, 404, 429, 507 };
    expect_statuses(o, s2, 6);
    assert_int_equal(o->flags, 2); /* empty body, collection action */
    assert_int_equal(o->request_model, -1);
    assert_int_equal(o->response_model, -1);

    o = find_op(&f.s, "ms_tok");
    assert_string_equal(o->returns, "{\"ok\":1}"); /* compacted */
    assert_int_equal(o->response_model, -1);
    assert_int_equal(o->nsets, 1);

    o = find_op(&f.s, "ms_items");
    assert_int_equal(o->kind, OP_STREAM);
    assert_int_equal(o->stream_head, 1);
    static const uint16_t s3[] = { 200, 401, 403, 404 };
    expect_statuses(o, s3, 4);

    o = find_op(&f.s, "ms_raw");
    assert_int_equal(o->kind, OP_CONTENT);
    assert_int_equal(o->response_model, -1);

    o = find_op(&f.s, "ms_up");
    static const uint16_t s4[] = { 200, 400, 401, 403, 404, 413, 415, 507 };
    expect_statuses(o, s4, 8); /* media: reads a body */
    finish(&f);
}

static void test_v2_parent_param(void **state)
{
    (void)state;
    fixture f;
    size_t n = check(&f, HEAD
        "param pid int\n"
        "model M {\n  id int readonly auto\n}\n"
        "resource ps {\n  model M\n  path \"/ps\"\n  scope zeta\n"
        "  list GET \"/\" 200\n}\n"
        "resource cs {\n  model M\n  path \"/cs\"\n  scope zeta\n"
        "  parent ps param pid\n  list GET \"/\" 200\n}\n");
    assert_int_equal(n, 1);
    expect_msg(&f, 0, "c.spec:28:12: error: path '/p/{org}/cs/' lacks the "
                      "parent parameter '{pid}' of resource 'cs'");
    finish(&f);
}

static void test_v2_json_texts(void **state)
{
    (void)state;
    fixture f;
    size_t n = check(&f, HEAD
        "model M {\n  id int readonly auto\n  n int default 0\n}\n"
        "resource ms {\n  model M\n  path \"/ms\"\n  scope zeta\n"
        "  list GET \"/\" 200 envelope results extra \"[]\"\n"
        "  create POST \"/\" 201 set n json \"\\\"x\\\"\"\n}\n");
    assert_int_equal(n, 2);
    expect_msg(&f, 0, "c.spec:21:43: error: 'extra' must be a JSON object");
    expect_msg(&f, 1, "c.spec:22:34: error: 'set' value for field 'n' must "
                      "be an integer, not a string");
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derived),
        cmocka_unit_test(test_path_join),
        cmocka_unit_test(test_trailing_slash_duplicates),
        cmocka_unit_test(test_enum_default_membership),
        cmocka_unit_test(test_checks_keep_going),
        cmocka_unit_test(test_missing_api),
        cmocka_unit_test(test_v2_derived),
        cmocka_unit_test(test_v2_parent_param),
        cmocka_unit_test(test_v2_json_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
