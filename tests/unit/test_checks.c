/*
 * test_checks.c — operation preconditions (every sm_check_test and
 * sm_style, the DRF envelope per status, "{name}", phases, declared order)
 * and field writes (every sm_set_from).  Bodies are asserted byte for
 * byte.  Written by the RT-AUX helper (issue 4).
 */
#include "unit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "query.h"
#include "respond.h"

/* ---- callbacks that record what they were asked ------------------------ */

typedef struct probe {
    int answer;          /* what every callback returns   */
    int calls;
    char seen[256];      /* the arguments, as text        */
} probe;

static int same_exists(void *arg, const char *const *fields, size_t n,
                       const json_t *fresh)
{
    probe *p = arg;
    p->calls++;
    p->seen[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(p->seen, fields[i]);
        strcat(p->seen, "|");
    }
    assert_true(json_is_object(fresh));
    return p->answer;
}

static int key_exists(void *arg, const char *resource, const json_t *key)
{
    probe *p = arg;
    char *k = unit_dump(key);
    p->calls++;
    snprintf(p->seen, sizeof p->seen, "%s=%s", resource, k);
    free(k);
    return p->answer;
}

static int user_known(void *arg, const char *uuid)
{
    probe *p = arg;
    p->calls++;
    snprintf(p->seen, sizeof p->seen, "%s", uuid);
    return p->answer;
}

/* ---- running one check ------------------------------------------------- */

typedef struct world {
    const char *body, *query, *parent, *record, *fresh;
} world;

typedef struct outcome {
    int rc, status;
    char *body; /* malloc'd; "" when the reply has none */
} outcome;

static outcome run(const sm_check *checks, uint16_t n, int phase,
                   const world *w, probe *p)
{
    sm_op op = {.id = "things_act", .path = "/api/things/{id}/act/",
                .method = SM_POST, .kind = SM_OP_ACTION, .status = 200,
                .request_model = -1, .response_model = -1,
                .nchecks = n, .checks = checks};
    query_list q;
    query_parse(&q, w->query);
    json_t *body = w->body ? unit_json(w->body) : NULL;
    json_t *parent = w->parent ? unit_json(w->parent) : NULL;
    json_t *record = w->record ? unit_json(w->record) : NULL;
    json_t *fresh = w->fresh ? unit_json(w->fresh) : NULL;
    check_env env = {body, &q, parent, record, fresh,
                     same_exists, key_exists, user_known, p};
    sm_reply rep;
    reply_init(&rep);
    rep.status = 0;
    outcome o;
    o.rc = checks_run(&op, phase, &env, &rep);
    o.status = rep.status;
    o.body = sm_xstrdup(rep.body.p && rep.body.len ? rep.body.p : "");
    reply_free(&rep);
    json_decref(body);
    json_decref(parent);
    json_decref(record);
    json_decref(fresh);
    query_free(&q);
    return o;
}

static void expect_pass(const sm_check *c, const world *w)
{
    probe p = {1, 0, ""};
    outcome o = run(c, 1, c->source == SM_SRC_NEW ? CHECKS_NEW : CHECKS_BEFORE,
                    w, &p);
    if (o.rc != 0)
        fail_msg("expected a pass, got %d %s", o.status, o.body);
    assert_int_equal(o.status, 0); /* the reply was not touched */
    assert_string_equal(o.body, "");
    free(o.body);
}

static void expect_refusal(const sm_check *c, const world *w, int status,
                           const char *body)
{
    probe p = {0, 0, ""};
    outcome o = run(c, 1, c->source == SM_SRC_NEW ? CHECKS_NEW : CHECKS_BEFORE,
                    w, &p);
    assert_int_equal(o.rc, -1);
    assert_int_equal(o.status, status);
    assert_string_equal(o.body, body);
    free(o.body);
}

#define W(...) (&(world){__VA_ARGS__})

/* ---- tests ------------------------------------------------------------- */

static void test_present(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_BODY, SM_TEST_PRESENT, SM_STYLE_ERROR, 400,
                        "tag", NULL, 0, "tag is required", NULL, NULL};
    const char *want = "{\"error\":\"tag is required\"}";
    expect_refusal(&c, W(.body = "{}"), 400, want);
    expect_refusal(&c, W(.body = "{\"tag\":null}"), 400, want);
    expect_refusal(&c, W(.body = "{\"tag\":\"\"}"), 400, want);
    expect_refusal(&c, W(.body = NULL), 400, want);
    expect_pass(&c, W(.body = "{\"tag\":\"x\"}"));
    expect_pass(&c, W(.body = "{\"tag\":0}"));
    expect_pass(&c, W(.body = "{\"tag\":false}"));
    expect_pass(&c, W(.body = "{\"tag\":[]}"));
}

static void test_any(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_BODY, SM_TEST_ANY, SM_STYLE_DRF, 400,
                        "dashboard insight context", NULL, 0,
                        "Either one is required.", NULL, NULL};
    const char *want = "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
                       "\"detail\":\"Either one is required.\",\"attr\":null}";
    /* Python truthiness: absent, null, false, 0, 0.0, "", [] and {} */
    expect_refusal(&c, W(.body = "{}"), 400, want);
    expect_refusal(&c, W(.body = NULL), 400, want);
    expect_refusal(&c, W(.body = "{\"dashboard\":null,\"insight\":0,"
                                 "\"context\":{}}"), 400, want);
    expect_refusal(&c, W(.body = "{\"dashboard\":false,\"insight\":0.0,"
                                 "\"context\":[]}"), 400, want);
    expect_refusal(&c, W(.body = "{\"dashboard\":\"\",\"other\":1}"), 400, want);
    expect_pass(&c, W(.body = "{\"dashboard\":1}"));
    expect_pass(&c, W(.body = "{\"insight\":-1}"));
    expect_pass(&c, W(.body = "{\"insight\":0.5}"));
    expect_pass(&c, W(.body = "{\"context\":{\"a\":null}}"));
    expect_pass(&c, W(.body = "{\"context\":[0]}"));
    expect_pass(&c, W(.body = "{\"dashboard\":true}"));
    expect_pass(&c, W(.body = "{\"dashboard\":null,\"context\":\"x\"}"));
    /* other sources; a query parameter counts when not empty */
    const sm_check n = {SM_SRC_NEW, SM_TEST_ANY, SM_STYLE_ERROR, 409, "a b",
                        NULL, 0, "none", NULL, NULL};
    expect_refusal(&n, W(.fresh = "{\"a\":0,\"b\":\"\"}"), 409,
                   "{\"error\":\"none\"}");
    expect_pass(&n, W(.fresh = "{\"a\":0,\"b\":\"y\"}"));
    const sm_check q = {SM_SRC_QUERY, SM_TEST_ANY, SM_STYLE_EMPTY, 400, "x y",
                        NULL, 0, NULL, NULL, NULL};
    expect_refusal(&q, W(.query = "x=&z=1"), 400, "");
    expect_pass(&q, W(.query = "x=&y=0"));
}

static void test_dotted_path(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_BODY, SM_TEST_PRESENT, SM_STYLE_DETAIL, 404,
                        "tile.id", NULL, 0, "Tile not found.", NULL, NULL};
    expect_refusal(&c, W(.body = "{\"tile\":{}}"), 404,
                   "{\"detail\":\"Tile not found.\"}");
    expect_refusal(&c, W(.body = "{\"tile\":5}"), 404,
                   "{\"detail\":\"Tile not found.\"}");
    expect_pass(&c, W(.body = "{\"tile\":{\"id\":3}}"));
}

static void test_eq_ne(void **state)
{
    (void)state;
    const sm_check eq = {SM_SRC_PARENT, SM_TEST_EQ, SM_STYLE_ERROR, 400,
                         "enabled", "true", 0,
                         "Password protection must be enabled first", NULL,
                         NULL};
    const char *want = "{\"error\":\"Password protection must be enabled first\"}";
    expect_pass(&eq, W(.parent = "{\"enabled\":true}"));
    expect_refusal(&eq, W(.parent = "{\"enabled\":false}"), 400, want);
    expect_refusal(&eq, W(.parent = "{\"enabled\":1}"), 400, want);
    expect_refusal(&eq, W(.parent = "{}"), 400, want);      /* absent fails EQ */
    expect_refusal(&eq, W(.parent = NULL), 400, want);

    const sm_check ne = {SM_SRC_RECORD, SM_TEST_NE, SM_STYLE_DRF, 404,
                         "is_active", "false", 0, "Password not found", NULL,
                         NULL};
    expect_pass(&ne, W(.record = "{\"is_active\":true}"));
    expect_pass(&ne, W(.record = "{}"));                  /* absent passes NE */
    expect_refusal(&ne, W(.record = "{\"is_active\":false}"), 404,
                   "{\"type\":\"invalid_request\",\"code\":\"not_found\","
                   "\"detail\":\"Password not found\",\"attr\":null}");

    const sm_check obj = {SM_SRC_BODY, SM_TEST_EQ, SM_STYLE_DETAIL, 400,
                          "filters", "{\"a\":[1,null]}", 0, "bad {name}",
                          NULL, NULL};
    expect_pass(&obj, W(.body = "{\"filters\":{\"a\":[1,null]}}"));
    expect_refusal(&obj, W(.body = "{\"filters\":{\"a\":[1]}}"), 400,
                   "{\"detail\":\"bad {\\\"a\\\":[1]}\"}");
}

static void test_in_and_name(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_BODY, SM_TEST_IN, SM_STYLE_ERROR, 400, "tag",
                        "[\"a\",\"b\",3]", 0,
                        "Unknown template tag: {name} ({name})", NULL, NULL};
    expect_pass(&c, W(.body = "{\"tag\":\"a\"}"));
    expect_pass(&c, W(.body = "{\"tag\":3}"));
    expect_pass(&c, W(.body = "{}"));                     /* absent passes */
    expect_refusal(&c, W(.body = "{\"tag\":\"zz\\\"z\"}"), 400,
                   "{\"error\":\"Unknown template tag: zz\\\"z (zz\\\"z)\"}");
    expect_refusal(&c, W(.body = "{\"tag\":4.5}"), 400,
                   "{\"error\":\"Unknown template tag: 4.5 (4.5)\"}");
    expect_refusal(&c, W(.body = "{\"tag\":null}"), 400,
                   "{\"error\":\"Unknown template tag: null (null)\"}");

    /* "{name}" of an absent value is empty */
    const sm_check p = {SM_SRC_BODY, SM_TEST_PRESENT, SM_STYLE_ERROR, 400,
                        "tag", NULL, 0, "[{name}] {nam} {name", NULL, NULL};
    expect_refusal(&p, W(.body = "{}"), 400, "{\"error\":\"[] {nam} {name\"}");
}

static void test_minlen(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_BODY, SM_TEST_MINLEN, SM_STYLE_DRF, 400,
                        "raw_password", NULL, 8,
                        "Password must be at least 8 characters long.",
                        "min_length", "raw_password"};
    const char *want =
        "{\"type\":\"validation_error\",\"code\":\"min_length\","
        "\"detail\":\"Password must be at least 8 characters long.\","
        "\"attr\":\"raw_password\"}";
    expect_refusal(&c, W(.body = "{\"raw_password\":\"short\"}"), 400, want);
    expect_refusal(&c, W(.body = "{\"raw_password\":\"1234567\"}"), 400, want);
    expect_refusal(&c, W(.body = "{\"raw_password\":12345678}"), 400, want);
    expect_pass(&c, W(.body = "{\"raw_password\":\"12345678\"}"));
    /* characters, not bytes: 8 two-byte letters */
    expect_pass(&c, W(.body = "{\"raw_password\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}"));
    expect_refusal(&c, W(.body = "{\"raw_password\":\"\xc3\xa9\xc3\xa9\xc3\xa9"
                                 "\xc3\xa9\"}"), 400, want);
    expect_pass(&c, W(.body = "{}"));
    expect_pass(&c, W(.body = "{\"raw_password\":null}"));
}

static void test_unique(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_NEW, SM_TEST_UNIQUE, SM_STYLE_ERROR, 409,
                        "tag  creation_mode", NULL, 0,
                        "Unlisted thing with tag '{name}' already exists",
                        NULL, NULL};
    world w = {.fresh = "{\"tag\":\"t1\",\"creation_mode\":\"unlisted\"}"};
    probe p = {1, 0, ""};
    /* another record has the same values: refused */
    outcome o = run(&c, 1, CHECKS_NEW, &w, &p);
    assert_int_equal(o.rc, -1);
    assert_int_equal(o.status, 409);
    assert_string_equal(o.body,
                        "{\"error\":\"Unlisted thing with tag 't1' already exists\"}");
    assert_int_equal(p.calls, 1);
    assert_string_equal(p.seen, "tag|creation_mode|");
    free(o.body);
    /* none has: passes */
    p.answer = 0;
    o = run(&c, 1, CHECKS_NEW, &w, &p);
    assert_int_equal(o.rc, 0);
    assert_int_equal(p.calls, 2);
    free(o.body);
    /* the other phase does not run it */
    p.answer = 1;
    o = run(&c, 1, CHECKS_BEFORE, &w, &p);
    assert_int_equal(o.rc, 0);
    assert_int_equal(p.calls, 2);
    free(o.body);

    const sm_check drf = {SM_SRC_NEW, SM_TEST_UNIQUE, SM_STYLE_DRF, 409,
                          "name", NULL, 0, "User already is a collaborator.",
                          NULL, NULL};
    p.answer = 1;
    o = run(&drf, 1, CHECKS_NEW, W(.fresh = "{\"name\":\"x\"}"), &p);
    assert_int_equal(o.rc, -1);
    assert_int_equal(o.status, 409);
    assert_string_equal(o.body,
                        "{\"type\":\"server_error\",\"code\":\"conflict\","
                        "\"detail\":\"User already is a collaborator.\","
                        "\"attr\":null}");
    free(o.body);
}

static void test_exists_user(void **state)
{
    (void)state;
    const sm_check ex = {SM_SRC_BODY, SM_TEST_EXISTS, SM_STYLE_DRF, 400,
                         "insight", "insights", 0,
                         "This insight does not belong to your team.",
                         "does_not_exist", "insight"};
    probe p = {0, 0, ""};
    outcome o = run(&ex, 1, CHECKS_BEFORE, W(.body = "{\"insight\":5}"), &p);
    assert_int_equal(o.rc, -1);
    assert_int_equal(o.status, 400);
    assert_string_equal(o.body,
                        "{\"type\":\"validation_error\",\"code\":\"does_not_exist\","
                        "\"detail\":\"This insight does not belong to your team.\","
                        "\"attr\":\"insight\"}");
    assert_string_equal(p.seen, "insights=5");
    free(o.body);
    p.answer = 1;
    o = run(&ex, 1, CHECKS_BEFORE, W(.body = "{\"insight\":\"k\"}"), &p);
    assert_int_equal(o.rc, 0);
    assert_string_equal(p.seen, "insights=\"k\"");
    free(o.body);
    /* null and absent pass without asking */
    p.answer = 0;
    p.calls = 0;
    o = run(&ex, 1, CHECKS_BEFORE, W(.body = "{\"insight\":null}"), &p);
    assert_int_equal(o.rc, 0);
    free(o.body);
    o = run(&ex, 1, CHECKS_BEFORE, W(.body = "{}"), &p);
    assert_int_equal(o.rc, 0);
    free(o.body);
    assert_int_equal(p.calls, 0);

    const sm_check us = {SM_SRC_BODY, SM_TEST_USER, SM_STYLE_DRF, 400,
                         "user_uuid", NULL, 0, "User does not exist.", NULL,
                         "user_uuid"};
    const char *want = "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
                       "\"detail\":\"User does not exist.\",\"attr\":\"user_uuid\"}";
    p.answer = 0;
    o = run(&us, 1, CHECKS_BEFORE, W(.body = "{\"user_uuid\":\"0000-u\"}"), &p);
    assert_int_equal(o.rc, -1);
    assert_string_equal(o.body, want);
    assert_string_equal(p.seen, "0000-u");
    free(o.body);
    expect_refusal(&us, W(.body = "{\"user_uuid\":7}"), 400, want);
    p.answer = 1;
    o = run(&us, 1, CHECKS_BEFORE, W(.body = "{\"user_uuid\":\"0000-u\"}"), &p);
    assert_int_equal(o.rc, 0);
    free(o.body);
    expect_pass(&us, W(.body = "{\"user_uuid\":null}"));
    expect_pass(&us, W(.body = "{}"));
}

static void test_query_source(void **state)
{
    (void)state;
    const sm_check c = {SM_SRC_QUERY, SM_TEST_PRESENT, SM_STYLE_DRF, 400,
                        "chunk_id", NULL, 0, "chunk_id is required", NULL,
                        NULL};
    const char *want = "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
                       "\"detail\":\"chunk_id is required\",\"attr\":null}";
    expect_refusal(&c, W(.query = NULL), 400, want);
    expect_refusal(&c, W(.query = "chunk_id="), 400, want);
    expect_refusal(&c, W(.query = "chunk_id=a&chunk_id="), 400, want);
    expect_pass(&c, W(.query = "chunk_id=a+b"));

    const sm_check eq = {SM_SRC_QUERY, SM_TEST_IN, SM_STYLE_DETAIL, 400,
                         "format", "[\"json\",\"csv\"]", 0,
                         "Unknown format {name}.", NULL, NULL};
    expect_pass(&eq, W(.query = "format=csv"));
    expect_pass(&eq, W(.query = "other=1"));
    expect_refusal(&eq, W(.query = "format=x%2By"), 400,
                   "{\"detail\":\"Unknown format x+y.\"}");
    /* the raw text: a number is the string "1" */
    expect_refusal(&eq, W(.query = "format=1"), 400,
                   "{\"detail\":\"Unknown format 1.\"}");
}

static void test_styles_and_statuses(void **state)
{
    (void)state;
    sm_check c = {SM_SRC_BODY, SM_TEST_PRESENT, SM_STYLE_EMPTY, 405, "x",
                  NULL, 0, "ignored", NULL, NULL};
    expect_refusal(&c, W(.body = "{}"), 405, "");
    c.style = SM_STYLE_DRF;
    c.status = 403;
    c.message = "Password management requires the Advanced Permissions feature";
    expect_refusal(&c, W(.body = "{}"), 403,
                   "{\"type\":\"authentication_error\",\"code\":\"permission_denied\","
                   "\"detail\":\"Password management requires the Advanced "
                   "Permissions feature\",\"attr\":null}");
    c.status = 401;
    c.message = "Who?";
    expect_refusal(&c, W(.body = "{}"), 401,
                   "{\"type\":\"authentication_error\",\"code\":\"not_authenticated\","
                   "\"detail\":\"Who?\",\"attr\":null}");
    c.status = 404;
    c.message = NULL; /* the row's default detail */
    expect_refusal(&c, W(.body = "{}"), 404,
                   "{\"type\":\"invalid_request\",\"code\":\"not_found\","
                   "\"detail\":\"Not found.\",\"attr\":null}");
    /* a status without a row: SERVER_ERROR's row, the check's status */
    c.status = 422;
    c.message = "Nope {name}";
    c.code = "custom";
    c.attr = "x";
    expect_refusal(&c, W(.body = "{}"), 422,
                   "{\"type\":\"server_error\",\"code\":\"custom\","
                   "\"detail\":\"Nope \",\"attr\":\"x\"}");
    c.code = NULL;
    c.attr = NULL;
    c.status = 402;
    expect_refusal(&c, W(.body = "{}"), 402,
                   "{\"type\":\"server_error\",\"code\":\"error\","
                   "\"detail\":\"Nope \",\"attr\":null}");
    c.style = SM_STYLE_DETAIL;
    expect_refusal(&c, W(.body = "{}"), 402, "{\"detail\":\"Nope \"}");
}

static void test_order_and_phases(void **state)
{
    (void)state;
    const sm_check cs[] = {
        {SM_SRC_BODY, SM_TEST_PRESENT, SM_STYLE_ERROR, 400, "a", NULL, 0,
         "a first", NULL, NULL},
        {SM_SRC_NEW, SM_TEST_EQ, SM_STYLE_ERROR, 400, "n", "1", 0,
         "new n", NULL, NULL},
        {SM_SRC_BODY, SM_TEST_EXISTS, SM_STYLE_ERROR, 404, "b", "things", 0,
         "b {name} missing", NULL, NULL},
    };
    probe p = {0, 0, ""};
    /* both body checks fail: the first declared answers, the second is
     * never asked */
    outcome o = run(cs, 3, CHECKS_BEFORE,
                    W(.body = "{\"b\":9}", .fresh = "{\"n\":2}"), &p);
    assert_int_equal(o.rc, -1);
    assert_string_equal(o.body, "{\"error\":\"a first\"}");
    assert_int_equal(p.calls, 0);
    free(o.body);
    o = run(cs, 3, CHECKS_BEFORE,
            W(.body = "{\"a\":1,\"b\":9}", .fresh = "{\"n\":2}"), &p);
    assert_int_equal(o.status, 404);
    assert_string_equal(o.body, "{\"error\":\"b 9 missing\"}");
    assert_int_equal(p.calls, 1);
    free(o.body);
    /* the new phase runs only the new check */
    o = run(cs, 3, CHECKS_NEW, W(.body = "{}", .fresh = "{\"n\":2}"), &p);
    assert_int_equal(o.rc, -1);
    assert_string_equal(o.body, "{\"error\":\"new n\"}");
    free(o.body);
    o = run(cs, 3, CHECKS_NEW, W(.body = "{}", .fresh = "{\"n\":1}"), &p);
    assert_int_equal(o.rc, 0);
    free(o.body);
}

static void test_path(void **state)
{
    (void)state;
    json_t *v = unit_json("{\"a\":{\"b\":{\"c\":3},\"l\":[{\"id\":1},{\"id\":2}]},"
                          "\"x.y\":1}");
    assert_int_equal(json_integer_value(checks_path(v, "a.b.c")), 3);
    assert_int_equal(json_integer_value(checks_path(v, "a.l.1.id")), 2);
    assert_ptr_equal(checks_path(v, "a"), json_object_get(v, "a"));
    assert_null(checks_path(v, "a.l.2"));
    assert_null(checks_path(v, "a.b.c.d"));
    assert_null(checks_path(v, "a.x"));
    assert_null(checks_path(v, "a."));
    assert_null(checks_path(v, "x.y"));
    assert_null(checks_path(NULL, "a"));
    json_decref(v);
}

/* ---- sets -------------------------------------------------------------- */

static int is_b64url(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return 0;
    return 1;
}

static void test_sets(void **state)
{
    (void)state;
    const sm_set sets[] = {
        {"listed", SM_SET_LITERAL, "true"},
        {"tags", SM_SET_LITERAL, "[]"},
        {"at", SM_SET_NOW, NULL},
        {"color", SM_SET_BODY, "tile.color"},
        {"missing", SM_SET_BODY, "tile.nope"},
        {"wrapped", SM_SET_BODY_WRAP, "tile"},
        {"ref", SM_SET_QUERY, "chunk_id"},
        {"absent", SM_SET_QUERY, "nope"},
        {"mode", SM_SET_LITERAL, "\"unlisted\""},
    };
    sm_op op = {.id = "things_act", .kind = SM_OP_ACTION, .request_model = -1,
                .response_model = -1, .nsets = 9, .sets = sets};
    json_t *rec = unit_json("{\"id\":1,\"listed\":false,\"color\":\"red\","
                            "\"missing\":5,\"absent\":\"keep\",\"ref\":null}");
    json_t *body = unit_json("{\"tile\":{\"id\":4,\"color\":\"blue\"}}");
    query_list q;
    query_parse(&q, "chunk_id=a%20b&chunk_id=c+d");
    sets_apply(&op, rec, body, &q, 1767225600000123LL);
    char *s = unit_dump(rec);
    /* replaced members keep their place; new ones follow in set order */
    assert_string_equal(s,
        "{\"id\":1,\"listed\":true,\"color\":\"blue\",\"missing\":5,"
        "\"absent\":\"keep\",\"ref\":\"c d\",\"tags\":[],"
        "\"at\":\"2026-01-01T00:00:00.000123Z\","
        "\"wrapped\":[{\"id\":4,\"color\":\"blue\"}],\"mode\":\"unlisted\"}");
    free(s);
    /* the wrapped copy is a copy */
    json_object_set_new(json_object_get(body, "tile"), "id", json_integer(9));
    assert_int_equal(json_integer_value(checks_path(rec, "wrapped.0.id")), 4);
    json_decref(rec);

    /* no body, no query: those sources leave the fields alone */
    rec = unit_json("{\"color\":\"red\",\"ref\":\"r\"}");
    sets_apply(&op, rec, NULL, NULL, 0);
    s = unit_dump(rec);
    assert_string_equal(s,
        "{\"color\":\"red\",\"ref\":\"r\",\"listed\":true,\"tags\":[],"
        "\"at\":\"1970-01-01T00:00:00Z\",\"mode\":\"unlisted\"}");
    free(s);
    json_decref(rec);
    json_decref(body);
    query_free(&q);
}

static void test_sets_random(void **state)
{
    (void)state;
    const sm_set sets[] = {
        {"token", SM_SET_TOKEN, NULL},
        {"uuid", SM_SET_UUID, NULL},
    };
    sm_op op = {.id = "things_act", .kind = SM_OP_ACTION, .request_model = -1,
                .response_model = -1, .nsets = 2, .sets = sets};
    json_t *a = json_object(), *b = json_object();
    sets_apply(&op, a, NULL, NULL, 0);
    sets_apply(&op, b, NULL, NULL, 0);
    const char *ta = json_string_value(json_object_get(a, "token"));
    const char *tb = json_string_value(json_object_get(b, "token"));
    assert_non_null(ta);
    assert_int_equal(strlen(ta), 43);
    assert_true(is_b64url(ta));
    assert_string_not_equal(ta, tb);
    const char *u = json_string_value(json_object_get(a, "uuid"));
    assert_non_null(u);
    assert_int_equal(strlen(u), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", u[i]));
    }
    assert_int_equal(u[14], '4');               /* version 4 */
    assert_non_null(strchr("89ab", u[19]));    /* RFC 4122 variant */
    assert_string_not_equal(u, json_string_value(json_object_get(b, "uuid")));
    json_decref(a);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_present),
        cmocka_unit_test(test_any),
        cmocka_unit_test(test_dotted_path),
        cmocka_unit_test(test_eq_ne),
        cmocka_unit_test(test_in_and_name),
        cmocka_unit_test(test_minlen),
        cmocka_unit_test(test_unique),
        cmocka_unit_test(test_exists_user),
        cmocka_unit_test(test_query_source),
        cmocka_unit_test(test_styles_and_statuses),
        cmocka_unit_test(test_order_and_phases),
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_sets),
        cmocka_unit_test(test_sets_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
