/*
 * test_parser.c — unit tests of codegen/parser.c: the tree built for each
 * construct, error recovery (one error per bad line, parsing goes on) and
 * the did-you-mean helper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "diag.h"
#include "parser.h"

static const char *files[] = { "p.spec" };

typedef struct fixture {
    diag d;
    spec s;
} fixture;

/* Parse `src` into a fresh spec; returns the number of errors. */
static size_t parse(fixture *f, const char *src)
{
    diag_init(&f->d, files, 1);
    spec_init(&f->s, files, 1);
    return parse_file(&f->s, &f->d, files[0], src, strlen(src));
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

static void test_api(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "api shop {\n"
        "  title \"Shop\"\n  version \"1\"\n  prefix \"/api/{org}\"\n"
        "  auth bearer\n  errors drf\n  default-key \"k\"\n  user User\n"
        "  scopes a b\n  scopes c\n"
        "}\n"), 0);
    assert_int_equal(f.s.napis, 1);
    ast_api *a = &f.s.apis[0];
    assert_string_equal(a->name, "shop");
    assert_string_equal(a->title, "Shop");
    assert_string_equal(a->version, "1");
    assert_string_equal(a->prefix, "/api/{org}");
    assert_string_equal(a->auth, "bearer");
    assert_string_equal(a->errors, "drf");
    assert_string_equal(a->default_key, "k");
    assert_string_equal(a->user.name, "User");
    assert_int_equal(a->nscopes, 3);
    assert_string_equal(a->scopes[2].name, "c");
    assert_int_equal(a->scopes[2].loc.line, 10);
    assert_int_equal(a->scopes[2].loc.col, 10);
    finish(&f);
}

static void test_param_defaults(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "param project_id int alias \"@current\" notfound \"Project not found.\"\n"
        "param id uuid\n"), 0);
    assert_int_equal(f.s.nparams, 2);
    assert_int_equal(f.s.params[0].kind, PK_INT);
    assert_string_equal(f.s.params[0].alias, "@current");
    assert_string_equal(f.s.params[0].notfound, "Project not found.");
    assert_int_equal(f.s.params[1].kind, PK_UUID);
    assert_null(f.s.params[1].alias);
    assert_string_equal(f.s.params[1].notfound, "Not found.");
    finish(&f);
}

static void test_enums(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "enum A { \"x\" \"\" }\n"
        "enum B int {\n  21\n  -37\n}\n"), 0);
    assert_int_equal(f.s.nenums, 2);
    assert_false(f.s.enums[0].is_int);
    assert_int_equal(f.s.enums[0].nvalues, 2);
    assert_string_equal(f.s.enums[0].values[1].str, "");
    assert_true(f.s.enums[1].is_int);
    assert_int_equal(f.s.enums[1].values[1].num, -37);
    finish(&f);
}

static void test_fields(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "model M {\n"
        "  uuid uuid readonly default \"x\"\n"
        "  tags [Tag?]? default []\n"
        "  n int min -1 max 9 required\n"
        "  s string notblank maxlen 5 writeonly\n"
        "  o object default {}\n"
        "  t int readonly param team\n"
        "  c User? readonly caller\n"
        "}\n"), 0);
    ast_model *m = &f.s.models[0];
    assert_string_equal(m->name, "M");
    assert_int_equal(m->nfields, 7);
    ast_field *u = &m->fields[0];
    assert_string_equal(u->name, "uuid");
    assert_int_equal(u->type.kind, TY_UUID);
    assert_true(u->flags & AF_READONLY);
    assert_true(u->has_default);
    assert_int_equal(u->def.kind, LIT_STRING);
    ast_field *t = &m->fields[1];
    assert_int_equal(t->type.kind, TY_ARRAY);
    assert_int_equal(t->type.item, TY_NAMED);
    assert_string_equal(t->type.name, "Tag");
    assert_true(t->flags & AF_NULLABLE);
    assert_true(t->flags & AF_ITEM_NULLABLE);
    assert_int_equal(t->def.kind, LIT_EMPTY_ARRAY);
    ast_field *n = &m->fields[2];
    assert_int_equal(n->flags, AF_MIN | AF_MAX | AF_REQUIRED);
    assert_int_equal(n->min, -1);
    assert_int_equal(n->max, 9);
    ast_field *s = &m->fields[3];
    assert_int_equal(s->flags, AF_NOTBLANK | AF_MAXLEN | AF_WRITEONLY);
    assert_int_equal(s->maxlen, 5);
    assert_int_equal(m->fields[4].def.kind, LIT_EMPTY_OBJECT);
    assert_int_equal(m->fields[5].fill, FILL_PARAM);
    assert_string_equal(m->fields[5].fill_arg, "team");
    assert_int_equal(m->fields[6].fill, FILL_CALLER);
    assert_int_equal(m->fields[6].type.kind, TY_NAMED);
    finish(&f);
}

static void test_resource(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "resource things {\n"
        "  model Thing\n  list-model ThingBasic\n  path \"/things\"\n"
        "  scope thing\n  soft-delete deleted hides retrieve list\n"
        "  list GET \"/\" 200 paginated\n"
        "  update PUT \"/{id}/\" 200 scope none id put_thing errors 409 402\n"
        "  refuse DELETE \"/{id}/\" 405 scope INTERNAL\n"
        "}\n"), 0);
    ast_resource *r = &f.s.resources[0];
    assert_string_equal(r->model.name, "Thing");
    assert_string_equal(r->list_model.name, "ThingBasic");
    assert_string_equal(r->path, "/things");
    assert_string_equal(r->scope.name, "thing");
    assert_string_equal(r->soft_delete.name, "deleted");
    assert_int_equal(r->hides, HIDE_LIST | HIDE_RETRIEVE);
    assert_int_equal(r->nops, 3);
    assert_int_equal(r->ops[0].kind, OP_LIST);
    assert_true(r->ops[0].paginated);
    assert_int_equal(r->ops[1].method, M_PUT);
    assert_int_equal(r->ops[1].scope_mode, SCOPE_NONE);
    assert_string_equal(r->ops[1].id, "put_thing");
    assert_int_equal(r->ops[1].nerrors, 2);
    assert_int_equal(r->ops[1].errors[1], 402);
    assert_int_equal(r->ops[2].kind, OP_REFUSE);
    assert_int_equal(r->ops[2].scope_mode, SCOPE_INTERNAL);
    assert_int_equal(r->ops[2].status, 405);
    finish(&f);
}

static void test_recovery(void **state)
{
    (void)state;
    fixture f;
    /* one error per bad line; the good lines around them still parse */
    assert_int_equal(parse(&f,
        "model M {\n"
        "  a int readonyl\n"
        "  b int\n"
        "  c [[int]]\n"
        "  d string\n"
        "}\n"
        "widget W\n"
        "model N {\n  x int\n}\n"), 3);
    expect_msg(&f, 0, "p.spec:2:9: error: unknown field modifier 'readonyl'; "
                      "did you mean 'readonly'?");
    expect_msg(&f, 1, "p.spec:4:6: error: nested arrays are not supported");
    expect_msg(&f, 2, "p.spec:7:1: error: unknown declaration 'widget'; "
                      "expected 'api', 'param', 'enum', 'model' or "
                      "'resource'");
    assert_int_equal(f.s.nmodels, 2);
    assert_string_equal(f.s.models[0].fields[3].name, "d");
    assert_string_equal(f.s.models[1].name, "N");
    finish(&f);
}

static void test_unclosed_block(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f, "model M {\n  a int\n"), 1);
    expect_msg(&f, 0, "p.spec:3:1: error: expected '}' before end of file");
    expect_msg(&f, 1, "p.spec:1:7: note: to close model 'M' opened here");
    finish(&f);
}

static void test_names_without_dash(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f, "model my-model {\n}\n"), 1);
    expect_msg(&f, 0, "p.spec:1:7: error: invalid name 'my-model': names "
                      "may not contain '-'");
    finish(&f);
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const words[] = { "readonly", "writeonly", "default",
                                         NULL };
    assert_string_equal(suggest_word("readonyl", 8, words), "readonly");
    assert_string_equal(suggest_word("defualt", 7, words), "default");
    assert_string_equal(suggest_word("writeonly", 9, words), "writeonly");
    assert_null(suggest_word("banana", 6, words));
}


/* v2: resource statements, new fills and the operation block form. */
static void test_v2_resource(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "model M {\n"
        "  mail string readonly caller email\n"
        "  who  U?     readonly caller\n"
        "  uid  uuid   readonly caller uuid\n"
        "  n    int    readonly segments path\n"
        "}\n"
        "resource cs {\n"
        "  model M\n  path \"/cs\"\n  key code\n  notfound \"Gone.\"\n"
        "  parent ps param pid notfound \"No parent.\" build\n"
        "  singleton\n  build\n  owner who\n  order \"-a ~b\"\n"
        "  rows \"r.json\"\n  ancestors path \"{}\"\n"
        "  soft-delete gone hides list update\n"
        "  action PATCH \"/{id}/go/\" 200 body B {\n"
        "    check body \"a.b\" eq 3 404 detail \"No {name}.\" code c attr x\n"
        "    set t json \"[1]\"  set u from query q\n"
        "\n"
        "    filter q words a b required \"Need q.\" exclude null\n"
        "  }\n"
        "  stream GET \"/{id}/s/\" 200 stream items m item 3\n"
        "}\n"), 0);
    ast_model *m = &f.s.models[0];
    assert_int_equal(m->fields[0].fill, FILL_CALLER);
    assert_string_equal(m->fields[0].fill_arg, "email");
    assert_int_equal(m->fields[1].fill, FILL_CALLER);
    assert_null(m->fields[1].fill_arg);
    assert_int_equal(m->fields[1].flags, AF_NULLABLE | AF_READONLY);
    assert_string_equal(m->fields[2].fill_arg, "uuid");
    assert_int_equal(m->fields[3].fill, FILL_SEGMENTS);
    ast_resource *r = &f.s.resources[0];
    assert_string_equal(r->key.name, "code");
    assert_string_equal(r->notfound, "Gone.");
    assert_string_equal(r->parent.name, "ps");
    assert_string_equal(r->parent_param.name, "pid");
    assert_string_equal(r->parent_notfound, "No parent.");
    assert_int_equal(r->rflags, RF_PARENT_BUILD | RF_SINGLETON | RF_BUILD);
    assert_string_equal(r->owner.name, "who");
    assert_string_equal(r->order, "-a ~b");
    assert_string_equal(r->rows, "r.json");
    assert_string_equal(r->ancestors.name, "path");
    assert_string_equal(r->ancestor_json, "{}");
    assert_int_equal(r->hides, HIDE_LIST | HIDE_UPDATE);
    assert_int_equal(r->nops, 2);
    ast_op *o = &r->ops[0];
    assert_int_equal(o->kind, OP_ACTION);
    assert_string_equal(o->body.name, "B");
    assert_int_equal(o->nchecks, 1);
    assert_int_equal(o->checks[0].source, SRC_BODY);
    assert_string_equal(o->checks[0].name, "a.b");
    assert_int_equal(o->checks[0].test, TEST_EQ);
    assert_int_equal(o->checks[0].lit.kind, LIT_INT);
    assert_int_equal(o->checks[0].status, 404);
    assert_int_equal(o->checks[0].style, STYLE_DETAIL);
    assert_string_equal(o->checks[0].message, "No {name}.");
    assert_string_equal(o->checks[0].code, "c");
    assert_string_equal(o->checks[0].attr, "x");
    assert_int_equal(o->nsets, 2);
    assert_int_equal(o->sets[0].from, SET_JSON);
    assert_string_equal(o->sets[0].arg, "[1]");
    assert_int_equal(o->sets[1].from, SET_QUERY);
    assert_int_equal(o->nfilters, 1);
    assert_int_equal(o->filters[0].match, MATCH_WORDS);
    assert_int_equal(o->filters[0].nfields, 2);
    assert_string_equal(o->filters[0].message, "Need q.");
    assert_true(o->filters[0].has_exclude);
    assert_int_equal(o->filters[0].exclude.kind, LIT_NULL);
    o = &r->ops[1];
    assert_int_equal(o->kind, OP_STREAM);
    assert_string_equal(o->stream_field.name, "items");
    assert_string_equal(o->stream_key, "m");
    assert_string_equal(o->stream_item, "item");
    assert_int_equal(o->stream_head, 3);
    finish(&f);
}

/* A filter's field list ends at an option keyword, except the first field
 * and fields written as strings. */
static void test_v2_filter_fields(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "resource cs {\n"
        "  list GET \"/\" 200 filter id eq id filter q words body \"id\" "
        "id all\n"
        "}\n"), 0);
    ast_op *o = &f.s.resources[0].ops[0];
    assert_int_equal(o->nfilters, 2);
    assert_int_equal(o->filters[0].nfields, 1);
    assert_string_equal(o->filters[0].fields[0].name, "id");
    assert_int_equal(o->filters[1].nfields, 2);
    assert_string_equal(o->filters[1].fields[1].name, "id");
    assert_string_equal(o->id, "all");
    finish(&f);
}

static void test_v2_block_recovery(void **state)
{
    (void)state;
    fixture f;
    assert_int_equal(parse(&f,
        "resource cs {\n"
        "  action POST \"/x/\" 200 {\n"
        "    chek body a present 400 \"m\"\n"
        "    returns empty\n"
        "  }\n"
        "  list GET \"/\" 200 envelope counted\n"
        "}\n"), 1);
    expect_msg(&f, 0, "p.spec:3:5: error: unknown operation option 'chek'; "
                      "did you mean 'check'?");
    ast_resource *r = &f.s.resources[0];
    assert_int_equal(r->nops, 2);
    assert_true(r->ops[0].returns_empty);
    assert_int_equal(r->ops[1].envelope, ENV_COUNTED);
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_param_defaults),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_resource),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_unclosed_block),
        cmocka_unit_test(test_names_without_dash),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_v2_resource),
        cmocka_unit_test(test_v2_filter_fields),
        cmocka_unit_test(test_v2_block_recovery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
