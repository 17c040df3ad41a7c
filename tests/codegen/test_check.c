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

    static const uint16_t cs[] = { 201, 400, 401, 403, 404, 409, 415 };
    assert_int_equal(create->nstatuses, 7);
    assert_memory_equal(create->statuses, cs, sizeof cs);
    static const uint16_t gs[] = { 200, 401, 403, 404 };
    assert_int_equal(get->nstatuses, 4);
    assert_memory_equal(get->statuses, gs, sizeof gs);

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derived),
        cmocka_unit_test(test_path_join),
        cmocka_unit_test(test_trailing_slash_duplicates),
        cmocka_unit_test(test_enum_default_membership),
        cmocka_unit_test(test_checks_keep_going),
        cmocka_unit_test(test_missing_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
