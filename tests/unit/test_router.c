/*
 * test_router.c — path matching over the fixture's operations and over a
 * generated table of 3,000 operations: literal and parameter segments,
 * decoding, optional trailing slash, 404 vs 405 with the Allow order, and
 * malformed tables.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_api.h"
#include "router.h"
#include "strbuf.h"

static int setup(void **state)
{
    char err[256];
    sm_router *r = router_new(&fixture_api, err, sizeof err);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    router_free(*state);
    return 0;
}

static void test_match_and_params(void **state)
{
    sm_route_match m;
    assert_int_equal(router_match(*state, "/api/orgs/12/widgets/34/", &m), 1);
    assert_int_equal(router_op(&m, SM_GET), FX_OP_WIDGETS_RETRIEVE);
    assert_int_equal(router_op(&m, SM_PUT), FX_OP_WIDGETS_PUT);
    assert_int_equal(router_op(&m, SM_PATCH), FX_OP_WIDGETS_PATCH);
    assert_int_equal(router_op(&m, SM_DELETE), FX_OP_WIDGETS_DESTROY);
    assert_int_equal(router_op(&m, SM_POST), -1);
    assert_int_equal(m.nparams, 2);
    assert_string_equal(m.params[0].name, "org_id");
    assert_int_equal(m.params[0].param, 0);
    assert_string_equal(m.params[0].value, "12");
    assert_string_equal(m.params[1].name, "id");
    assert_string_equal(m.params[1].value, "34");
    assert_int_equal(m.resource, FX_RES_WIDGETS);
    router_match_free(&m);

    /* segments are percent-decoded; any non-empty text matches a parameter */
    assert_int_equal(router_match(*state, "/api/orgs/%40mine/widgets/x%20y/parts/a%2Fb", &m), 1);
    assert_int_equal(router_op(&m, SM_GET), FX_OP_WIDGETS_PART);
    assert_int_equal(m.nparams, 3);
    assert_string_equal(m.params[0].value, "@mine");
    assert_string_equal(m.params[1].value, "x y");
    assert_string_equal(m.params[2].value, "a/b");
    assert_int_equal(m.params[2].len, 3);
    router_match_free(&m);
}

static void test_trailing_slash(void **state)
{
    sm_route_match m;
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets", &m), 1);
    assert_int_equal(router_op(&m, SM_GET), FX_OP_WIDGETS_LIST);
    router_match_free(&m);
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets/", &m), 1);
    assert_int_equal(router_op(&m, SM_POST), FX_OP_WIDGETS_CREATE);
    router_match_free(&m);
    /* only one trailing slash, and no empty segments */
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets//", &m), 0);
    router_match_free(&m);
    assert_int_equal(router_match(*state, "/api//orgs/1/widgets/", &m), 0);
    router_match_free(&m);
    assert_int_equal(router_match(*state, "/api/orgs//widgets/", &m), 0);
    router_match_free(&m);
}

static void test_misses(void **state)
{
    const char *miss[] = {"/", "", "api/orgs/1/widgets/", "/api/orgs/1",
                          "/api/orgs/1/", "/api/orgs/1/widgetz/",
                          "/api/orgs/1/widgets/2/3/", "/api/orgs/1/widgets/2/parts/",
                          "/api/orgs/1/widgets/%00/", "/API/orgs/1/widgets/",
                          "/api/orgs/1/widgets/2/parts/x/y/z/w"};
    for (size_t i = 0; i < sizeof miss / sizeof *miss; i++) {
        sm_route_match m;
        if (router_match(*state, miss[i], &m))
            fail_msg("'%s' matched", miss[i]);
        assert_int_equal(m.nparams, 0);
        router_match_free(&m);
    }
    assert_int_equal(router_match(*state, NULL, &(sm_route_match){0}), 0);
}

static void test_allow_order(void **state)
{
    sm_route_match m;
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets/2", &m), 1);
    assert_string_equal(m.allow, "GET, PUT, PATCH, DELETE, HEAD, OPTIONS");
    router_match_free(&m);
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets/", &m), 1);
    assert_string_equal(m.allow, "GET, POST, HEAD, OPTIONS");
    router_match_free(&m);
    /* a path without GET has no HEAD */
    assert_int_equal(router_match(*state, "/api/orgs/1/gears/5/", &m), 1);
    assert_string_equal(m.allow, "DELETE, OPTIONS");
    assert_int_equal(router_op(&m, SM_GET), -1);
    assert_int_equal(router_op(&m, SM_DELETE), FX_OP_GEARS_DESTROY);
    router_match_free(&m);
}

static void test_literal_beats_param(void **state)
{
    sm_route_match m;
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets/special", &m), 1);
    assert_int_equal(router_op(&m, SM_GET), FX_OP_WIDGETS_SPECIAL);
    assert_int_equal(router_op(&m, SM_PATCH), -1); /* the literal path has no PATCH */
    assert_string_equal(m.allow, "GET, HEAD, OPTIONS");
    assert_int_equal(m.nparams, 1);
    router_match_free(&m);
    /* backtracking: "special" also names a widget when the literal dead-ends */
    assert_int_equal(router_match(*state, "/api/orgs/1/widgets/special/parts/p1/", &m), 1);
    assert_int_equal(router_op(&m, SM_GET), FX_OP_WIDGETS_PART);
    assert_int_equal(m.nparams, 3);
    assert_string_equal(m.params[1].value, "special");
    router_match_free(&m);
}

/* ---- a large generated table -------------------------------------------- */

#define NRES 600

static void test_many_routes(void **state)
{
    (void)state;
    enum { PER = 5 };
    sm_op *ops = calloc(NRES * PER, sizeof *ops);
    char **paths = calloc(NRES * PER, sizeof *paths);
    assert_non_null(ops);
    for (int i = 0; i < NRES; i++) {
        strbuf a = STRBUF_INIT, b = STRBUF_INIT;
        strbuf_addf(&a, "/api/orgs/{org_id}/res%03d/", i);
        strbuf_addf(&b, "/api/orgs/{org_id}/res%03d/{id}/", i);
        char *pa = strbuf_steal(&a), *pb = strbuf_steal(&b);
        paths[i * PER] = pa;
        paths[i * PER + 1] = pb;
        const int methods[PER] = {SM_GET, SM_POST, SM_GET, SM_PATCH, SM_DELETE};
        for (int k = 0; k < PER; k++) {
            sm_op *op = &ops[i * PER + k];
            op->id = k < 2 ? pa : pb;
            op->path = k < 2 ? pa : pb;
            op->method = (uint8_t)methods[k];
            op->kind = SM_OP_LIST;
            op->resource = 0;
        }
    }
    sm_api api = fixture_api;
    api.ops = ops;
    api.nops = NRES * PER;
    char err[256];
    sm_router *r = router_new(&api, err, sizeof err);
    assert_non_null(r);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < NRES; i++) {
            char p[96];
            sm_route_match m;
            snprintf(p, sizeof p, "/api/orgs/7/res%03d/%d%s", i, i * 3 + round,
                     round == 1 ? "" : "/");
            assert_int_equal(router_match(r, p, &m), 1);
            assert_int_equal(router_op(&m, SM_GET), i * PER + 2);
            assert_int_equal(router_op(&m, SM_PATCH), i * PER + 3);
            assert_int_equal(router_op(&m, SM_DELETE), i * PER + 4);
            assert_int_equal(m.nparams, 2);
            router_match_free(&m);
            snprintf(p, sizeof p, "/api/orgs/7/res%03d", i);
            assert_int_equal(router_match(r, p, &m), 1);
            assert_int_equal(router_op(&m, SM_POST), i * PER + 1);
            router_match_free(&m);
        }
    }
    sm_route_match m;
    assert_int_equal(router_match(r, "/api/orgs/7/res600/", &m), 0);
    router_match_free(&m);
    router_free(r);
    for (int i = 0; i < NRES * PER; i++)
        free(paths[i]);
    free(paths);
    free(ops);
}

static void test_bad_tables(void **state)
{
    (void)state;
    char err[256];
    sm_op ops[2] = {fixture_api.ops[FX_OP_WIDGETS_LIST], fixture_api.ops[FX_OP_WIDGETS_LIST]};
    sm_api api = fixture_api;
    api.ops = ops;
    api.nops = 2;
    assert_null(router_new(&api, err, sizeof err));
    assert_string_equal(err, "op 'widgets_list': same method and path as op 'widgets_list'");

    ops[1].path = "/api/x{id}/";
    assert_null(router_new(&api, err, sizeof err));
    assert_string_equal(err, "op 'widgets_list': a parameter must be a whole segment in '/api/x{id}/'");

    ops[1].path = "/api/{}/";
    assert_null(router_new(&api, err, sizeof err));
    assert_string_equal(err, "op 'widgets_list': malformed parameter '{}'");

    ops[1].path = "relative/";
    assert_null(router_new(&api, err, sizeof err));
    assert_string_equal(err, "op 'widgets_list': path must start with '/'");

    /* the same path under two parameter names is two branches */
    ops[1].path = "/api/orgs/{other}/widgets/";
    sm_router *r = router_new(&api, err, sizeof err);
    assert_non_null(r);
    router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_match_and_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_slash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literal_beats_param, setup, teardown),
        cmocka_unit_test(test_many_routes),
        cmocka_unit_test(test_bad_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
