/*
 * test_faults.c — the fault schedule (faults.h) and the generator value it
 * draws from (rng_gen in rng.h): every validation message, the decision
 * steps (after, times, probability, rate-limit windows at exact times,
 * first rule that fires), the normalized listing and its counters, clear,
 * and seed determinism.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "rng.h"
#include "strbuf.h"

/* The operations of a pretend API. */
static int known_op(void *arg, const char *id)
{
    int *calls = arg;
    if (calls)
        (*calls)++;
    return !strcmp(id, "list") || !strcmp(id, "create") || !strcmp(id, "retrieve");
}

/* Adds text as a rule; it must be accepted.  Returns its id. */
static int add_ok(sm_faults *f, const char *text)
{
    json_t *j = unit_json(text);
    strbuf err = STRBUF_INIT;
    int id = faults_add(f, j, known_op, NULL, &err);
    if (id < 0)
        fail_msg("%s rejected: %s", text, err.p);
    assert_null(err.p);
    json_decref(j);
    return id;
}

/* text must be rejected with exactly msg, adding nothing. */
static void add_err(const char *text, const char *msg)
{
    sm_faults *f = faults_new(1, 1);
    json_t *j = unit_json(text);
    strbuf err = STRBUF_INIT;
    int id = faults_add(f, j, known_op, NULL, &err);
    if (id != -1)
        fail_msg("%s accepted as %d", text, id);
    assert_non_null(err.p);
    assert_string_equal(err.p, msg);
    assert_null(strchr(err.p, '\n'));
    assert_int_equal(faults_count(f), 0);
    /* No id was used up. */
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"status\":500}"), 1);
    strbuf_free(&err);
    json_decref(j);
    faults_free(f);
}

static char *list_text(const sm_faults *f)
{
    json_t *l = faults_list(f);
    char *s = unit_dump(l);
    json_decref(l);
    return s;
}

static void decide(sm_faults *f, const char *op, int64_t now, fault_action *a)
{
    memset(a, 0x5a, sizeof *a); /* faults_decide must write every field */
    faults_decide(f, op, now, a);
}

#define assert_action(a, st, dr, delay, retry, id)                                        \
    do {                                                                                  \
        assert_int_equal((a).status, (st));                                               \
        assert_int_equal((a).drop, (dr));                                                 \
        assert_int_equal((a).delay_ms, (delay));                                          \
        assert_int_equal((a).retry_after, (retry));                                       \
        assert_int_equal((a).rule, (id));                                                 \
    } while (0)

/* ---- rng_gen -------------------------------------------------------- */

static void test_rng_gen_matches_global(void **state)
{
    (void)state;
    unsigned char b[24];
    rng_seed(42);
    rng_bytes(b, sizeof b);
    rng_gen g;
    rng_gen_seed(&g, 42);
    for (int w = 0; w < 3; w++) {
        uint64_t v = rng_gen_next(&g);
        for (int i = 0; i < 8; i++)
            assert_int_equal(b[8 * w + i], (unsigned char)(v >> (8 * i)));
    }
    /* Seed 0's first word is the vector test_rng.c checks. */
    rng_gen_seed(&g, 0);
    assert_true(rng_gen_next(&g) == 0x99ec5f36cb75f2b4ULL);
    rng_use_os();
}

static void test_rng_gen_below_and_unit(void **state)
{
    (void)state;
    rng_gen g;
    rng_gen_seed(&g, 7);
    int seen[5] = {0};
    for (int i = 0; i < 1000; i++) {
        uint64_t v = rng_gen_below(&g, 5);
        assert_true(v < 5);
        seen[v]++;
        assert_true(rng_gen_below(&g, 1) == 0);
        double u = rng_gen_unit(&g);
        assert_true(u >= 0.0 && u < 1.0);
    }
    for (int i = 0; i < 5; i++)
        assert_true(seen[i] > 150 && seen[i] < 250);
    /* A bound where almost half the outputs are rejected. */
    uint64_t big = (UINT64_C(1) << 63) + 1;
    for (int i = 0; i < 100; i++)
        assert_true(rng_gen_below(&g, big) < big);
    /* Below n with no rejection is the same draw reduced mod n. */
    rng_gen a, b;
    rng_gen_seed(&a, 9);
    rng_gen_seed(&b, 9);
    for (int i = 0; i < 100; i++)
        assert_true(rng_gen_below(&a, 60001) == rng_gen_next(&b) % 60001);
    /* The OS fill gives distinct, non-zero states. */
    rng_gen_os(&a);
    rng_gen_os(&b);
    assert_memory_not_equal(a.s, b.s, sizeof a.s);
}

/* ---- validation ----------------------------------------------------- */

static void test_err_not_object(void **state)
{
    (void)state;
    add_err("[]", "rule: must be a JSON object with \"operation\" and an effect");
    add_err("\"*\"", "rule: must be a JSON object with \"operation\" and an effect");
}

static void test_err_unknown_member(void **state)
{
    (void)state;
    add_err("{\"operation\":\"*\",\"status\":500,\"id\":1}",
            "unknown member \"id\" (allowed: operation, status, latency_ms, drop, times, "
            "after, probability, rate_limit)");
    add_err("{\"operation\":\"*\",\"status\":500,\"rate\":1}",
            "unknown member \"rate\" (allowed: operation, status, latency_ms, drop, times, "
            "after, probability, rate_limit)");
    add_err("{\"operation\":\"*\",\"sta\\ntus\":500}",
            "unknown member \"sta\\ntus\" (allowed: operation, status, latency_ms, drop, "
            "times, after, probability, rate_limit)");
    /* A key with a NUL byte (only an API caller can make one) is not "status". */
    sm_faults *f = faults_new(1, 1);
    json_t *j = unit_json("{\"operation\":\"*\"}");
    json_object_setn_new(j, "status\0x", 8, json_integer(500));
    strbuf err = STRBUF_INIT;
    assert_int_equal(faults_add(f, j, known_op, NULL, &err), -1);
    assert_string_equal(err.p, "unknown member \"status\\u0000x\" (allowed: operation, status, "
                               "latency_ms, drop, times, after, probability, rate_limit)");
    assert_int_equal(faults_count(f), 0);
    strbuf_free(&err);
    json_decref(j);
    faults_free(f);
}

static void test_err_operation(void **state)
{
    (void)state;
    add_err("{\"status\":500}", "operation: required (an operation id or \"*\")");
    add_err("{\"operation\":null,\"status\":500}",
            "operation: must be a string (an operation id or \"*\")");
    add_err("{\"operation\":3,\"status\":500}",
            "operation: must be a string (an operation id or \"*\")");
    add_err("{\"operation\":\"lists\",\"status\":500}",
            "operation: unknown operation id \"lists\"");
    add_err("{\"operation\":\"\",\"status\":500}", "operation: unknown operation id \"\"");
    add_err("{\"operation\":\"list\\u0000x\",\"status\":500}",
            "operation: unknown operation id \"list\\u0000x\"");
    /* "*" never reaches known_op; ids do. */
    sm_faults *f = faults_new(1, 0);
    int calls = 0;
    strbuf err = STRBUF_INIT;
    json_t *j = unit_json("{\"operation\":\"*\",\"status\":500}");
    assert_int_equal(faults_add(f, j, known_op, &calls, &err), 1);
    assert_int_equal(calls, 0);
    json_decref(j);
    j = unit_json("{\"operation\":\"create\",\"status\":500}");
    assert_int_equal(faults_add(f, j, known_op, &calls, &err), 2);
    assert_int_equal(calls, 1);
    json_decref(j);
    /* No known_op: only "*"; err may be NULL. */
    j = unit_json("{\"operation\":\"create\",\"status\":500}");
    assert_int_equal(faults_add(f, j, NULL, NULL, NULL), -1);
    json_decref(j);
    assert_null(err.p);
    faults_free(f);
}

static void test_err_status(void **state)
{
    (void)state;
    const char *m = "status: must be an integer 400-599";
    add_err("{\"operation\":\"*\",\"status\":\"503\"}", m);
    add_err("{\"operation\":\"*\",\"status\":503.0}", m);
    add_err("{\"operation\":\"*\",\"status\":399}", m);
    add_err("{\"operation\":\"*\",\"status\":600}", m);
    add_err("{\"operation\":\"*\",\"status\":true}", m);
    add_err("{\"operation\":\"*\",\"status\":-500}", m);
}

static void test_err_latency(void **state)
{
    (void)state;
    const char *m =
        "latency_ms: must be an integer 0-60000 or [lo, hi] with 0 <= lo <= hi <= 60000";
    add_err("{\"operation\":\"*\",\"latency_ms\":\"5\"}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":1.5}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":-1}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":60001}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[1]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[1,2,3]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[5,2]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[-1,2]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[0,60001]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":[\"0\",2]}", m);
    add_err("{\"operation\":\"*\",\"latency_ms\":{\"lo\":1}}", m);
}

static void test_err_drop(void **state)
{
    (void)state;
    add_err("{\"operation\":\"*\",\"drop\":1}", "drop: must be true or false");
    add_err("{\"operation\":\"*\",\"drop\":\"yes\"}", "drop: must be true or false");
}

static void test_err_times(void **state)
{
    (void)state;
    const char *m = "times: must be an integer >= 1";
    add_err("{\"operation\":\"*\",\"status\":500,\"times\":0}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"times\":-3}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"times\":\"2\"}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"times\":1.5}", m);
}

static void test_err_after(void **state)
{
    (void)state;
    const char *m = "after: must be an integer >= 0";
    add_err("{\"operation\":\"*\",\"status\":500,\"after\":-1}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"after\":true}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"after\":2.0}", m);
}

static void test_err_probability(void **state)
{
    (void)state;
    const char *m = "probability: must be a number in (0, 1]";
    add_err("{\"operation\":\"*\",\"status\":500,\"probability\":0}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"probability\":0.0}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"probability\":-0.5}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"probability\":1.0000001}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"probability\":2}", m);
    add_err("{\"operation\":\"*\",\"status\":500,\"probability\":\"0.5\"}", m);
}

static void test_err_rate_limit(void **state)
{
    (void)state;
    const char *shape =
        "rate_limit: must be an object {\"limit\": K >= 1, \"window_ms\": W 1-3600000}";
    add_err("{\"operation\":\"*\",\"rate_limit\":5}", shape);
    add_err("{\"operation\":\"*\",\"rate_limit\":[5,1000]}", shape);
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":5,\"window_ms\":1000,\"burst\":1}}",
            "rate_limit: unknown member \"burst\" (allowed: limit, window_ms)");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"window_ms\":1000}}",
            "rate_limit.limit: required (an integer >= 1)");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":0,\"window_ms\":1000}}",
            "rate_limit.limit: must be an integer >= 1");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":\"5\",\"window_ms\":1000}}",
            "rate_limit.limit: must be an integer >= 1");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":5}}",
            "rate_limit.window_ms: required (an integer 1-3600000)");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":5,\"window_ms\":0}}",
            "rate_limit.window_ms: must be an integer 1-3600000");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":5,\"window_ms\":3600001}}",
            "rate_limit.window_ms: must be an integer 1-3600000");
    add_err("{\"operation\":\"*\",\"rate_limit\":{\"limit\":5,\"window_ms\":10.5}}",
            "rate_limit.window_ms: must be an integer 1-3600000");
}

static void test_err_no_effect(void **state)
{
    (void)state;
    const char *m = "rule: needs an effect: status, latency_ms, drop or rate_limit";
    add_err("{\"operation\":\"*\"}", m);
    add_err("{\"operation\":\"list\",\"drop\":false,\"times\":2,\"after\":1}", m);
    add_err("{\"operation\":\"list\",\"probability\":0.5,\"status\":null}", m);
}

static void test_err_combinations(void **state)
{
    (void)state;
    add_err("{\"operation\":\"*\",\"status\":503,\"rate_limit\":{\"limit\":1,\"window_ms\":1}}",
            "rate_limit: cannot be combined with status (it answers 429)");
    add_err("{\"operation\":\"*\",\"drop\":true,\"rate_limit\":{\"limit\":1,\"window_ms\":1}}",
            "rate_limit: cannot be combined with drop");
    add_err("{\"operation\":\"*\",\"drop\":true,\"status\":500}",
            "drop: cannot be combined with status (nothing is sent)");
}

static void test_accepts_edges(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 3);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"status\":400}"), 1);
    assert_int_equal(add_ok(f, "{\"operation\":\"list\",\"status\":599,\"times\":1,\"after\":0}"), 2);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":0}"), 3);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":60000}"), 4);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":[0,60000]}"), 5);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":[7,7],\"drop\":true}"), 6);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"status\":500,\"probability\":1}"), 7);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"status\":500,\"probability\":1e-9}"), 8);
    assert_int_equal(
        add_ok(f, "{\"operation\":\"*\",\"rate_limit\":{\"limit\":1,\"window_ms\":3600000},"
                  "\"latency_ms\":5}"), 9);
    /* null is "left out": a listed rule can be posted back. */
    assert_int_equal(
        add_ok(f, "{\"operation\":\"create\",\"status\":null,\"latency_ms\":[1,2],\"drop\":false,"
                  "\"times\":null,\"after\":0,\"probability\":1.0,\"rate_limit\":null}"), 10);
    assert_int_equal(faults_count(f), 10);
    faults_free(f);
}

static void test_too_many_rules(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 3);
    for (int i = 1; i <= FAULTS_MAX_RULES; i++)
        assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":1}"), i);
    json_t *j = unit_json("{\"operation\":\"*\",\"latency_ms\":1}");
    strbuf err = STRBUF_INIT;
    assert_int_equal(faults_add(f, j, known_op, NULL, &err), -1);
    assert_string_equal(err.p, "faults: at most 1000 rules are held (1000 now); clear them first");
    assert_int_equal(faults_count(f), FAULTS_MAX_RULES);
    strbuf_free(&err);
    json_decref(j);
    faults_free(f);
}

static void test_add_body(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 3);
    strbuf err = STRBUF_INIT;
    json_t *j = unit_json("{\"operation\":\"list\",\"status\":500}");
    assert_int_equal(faults_add_body(f, j, known_op, NULL, &err), 1);
    json_decref(j);
    j = unit_json("[{\"operation\":\"list\",\"status\":501},{\"operation\":\"*\",\"drop\":true}]");
    assert_int_equal(faults_add_body(f, j, known_op, NULL, &err), 2);
    json_decref(j);
    assert_int_equal(faults_count(f), 3);
    assert_null(err.p);
    /* All or nothing: element 2 is bad, 0 and 1 are not added either. */
    j = unit_json("[{\"operation\":\"list\",\"status\":502},{\"operation\":\"*\",\"drop\":true},"
                  "{\"operation\":\"list\",\"times\":0,\"status\":500}]");
    assert_int_equal(faults_add_body(f, j, known_op, NULL, &err), -1);
    assert_string_equal(err.p, "[2] times: must be an integer >= 1");
    json_decref(j);
    assert_int_equal(faults_count(f), 3);
    strbuf_truncate(&err, 0);
    const char *bad[] = {"[]", "3", "null", "\"x\""};
    for (size_t i = 0; i < 4; i++) {
        j = unit_json(bad[i]);
        assert_int_equal(faults_add_body(f, j, known_op, NULL, &err), -1);
        assert_string_equal(err.p, "faults: expected a rule object or a non-empty array of rules");
        strbuf_truncate(&err, 0);
        json_decref(j);
    }
    /* The next id was not used up by the failed bodies. */
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"status\":500}"), 4);
    /* Too many for the room left: nothing added. */
    json_t *many = json_array();
    for (int i = 0; i < FAULTS_MAX_RULES - 3; i++)
        json_array_append_new(many, unit_json("{\"operation\":\"*\",\"latency_ms\":1}"));
    assert_int_equal(faults_add_body(f, many, known_op, NULL, &err), -1);
    assert_string_equal(err.p, "faults: at most 1000 rules are held (4 now); clear them first");
    assert_int_equal(faults_count(f), 4);
    json_array_remove(many, 0);
    assert_int_equal(faults_add_body(f, many, known_op, NULL, NULL), 5);
    assert_int_equal(faults_count(f), FAULTS_MAX_RULES);
    json_decref(many);
    strbuf_free(&err);
    faults_free(f);
}

/* ---- listing, ids, clear -------------------------------------------- */

static void test_list_normalized_and_counters(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 5);
    char *s = list_text(f);
    assert_string_equal(s, "[]");
    free(s);
    add_ok(f, "{\"status\":503,\"operation\":\"list\",\"times\":1}");
    add_ok(f, "{\"operation\":\"*\",\"latency_ms\":250,\"drop\":true,\"after\":2,"
              "\"probability\":0.25}");
    add_ok(f, "{\"operation\":\"create\",\"latency_ms\":[10,20],"
              "\"rate_limit\":{\"window_ms\":1000,\"limit\":3}}");
    s = list_text(f);
    assert_string_equal(
        s, "[{\"id\":1,\"operation\":\"list\",\"status\":503,\"latency_ms\":null,\"drop\":false,"
           "\"times\":1,\"after\":0,\"probability\":1.0,\"rate_limit\":null,\"matched\":0,"
           "\"fired\":0},"
           "{\"id\":2,\"operation\":\"*\",\"status\":null,\"latency_ms\":[250,250],\"drop\":true,"
           "\"times\":null,\"after\":2,\"probability\":0.25,\"rate_limit\":null,\"matched\":0,"
           "\"fired\":0},"
           "{\"id\":3,\"operation\":\"create\",\"status\":null,\"latency_ms\":[10,20],"
           "\"drop\":false,\"times\":null,\"after\":0,\"probability\":1.0,"
           "\"rate_limit\":{\"limit\":3,\"window_ms\":1000},\"matched\":0,\"fired\":0}]");
    free(s);
    fault_action a;
    decide(f, "list", 0, &a); /* rule 1 fires */
    assert_action(a, 503, 0, 0, 0, 1);
    decide(f, "list", 0, &a);       /* rule 1 spent; rule 2 skips (after) */
    decide(f, "create", 0, &a);     /* rule 2 skips; rule 3 within limit */
    decide(f, "retrieve", 0, &a);   /* rule 2 matched, past after: one draw */
    decide(f, NULL, 0, &a);         /* no operation: nothing matched */
    assert_action(a, 0, 0, 0, 0, 0);
    json_t *l = faults_list(f);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "matched")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "fired")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 1), "matched")), 3);
    json_int_t fired2 = json_integer_value(json_object_get(json_array_get(l, 1), "fired"));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 2), "matched")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 2), "fired")), 0);
    json_decref(l);
    /* The draw for retrieve: u < 0.25 decides rule 2. */
    rng_gen g;
    rng_gen_seed(&g, 5);
    assert_int_equal(fired2, rng_gen_unit(&g) < 0.25 ? 1 : 0);
    faults_free(f);
}

static void test_ids_and_clear(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 11);
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":[0,1000]}"), 1);
    assert_int_equal(add_ok(f, "{\"operation\":\"list\",\"status\":500}"), 2);
    add_err("{\"operation\":\"nope\",\"status\":500}", "operation: unknown operation id \"nope\"");
    assert_int_equal(add_ok(f, "{\"operation\":\"list\",\"status\":501}"), 3);
    int64_t first[20];
    fault_action a;
    for (int i = 0; i < 20; i++) {
        decide(f, "create", i, &a);
        assert_int_equal(a.rule, 1);
        first[i] = a.delay_ms;
    }
    faults_clear(f);
    assert_int_equal(faults_count(f), 0);
    char *s = list_text(f);
    assert_string_equal(s, "[]");
    free(s);
    decide(f, "create", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    /* Ids restart; the generator restarts from the seed. */
    assert_int_equal(add_ok(f, "{\"operation\":\"*\",\"latency_ms\":[0,1000]}"), 1);
    for (int i = 0; i < 20; i++) {
        decide(f, "create", i, &a);
        assert_int_equal(a.delay_ms, first[i]);
    }
    /* The seeded draws are rng_gen's, from the same seed. */
    rng_gen g;
    rng_gen_seed(&g, 11);
    for (int i = 0; i < 20; i++)
        assert_int_equal(first[i], (int64_t)rng_gen_below(&g, 1001));
    faults_free(f);
    faults_free(NULL);
}

/* ---- decision ------------------------------------------------------- */

static void test_times(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    add_ok(f, "{\"operation\":\"create\",\"status\":503,\"times\":2}");
    fault_action a;
    decide(f, "list", 0, &a); /* other operation: not matched, not counted */
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "create", 0, &a);
    assert_action(a, 503, 0, 0, 0, 1);
    decide(f, "create", 0, &a);
    assert_action(a, 503, 0, 0, 0, 1);
    for (int i = 0; i < 3; i++) {
        decide(f, "create", 0, &a); /* recovered */
        assert_action(a, 0, 0, 0, 0, 0);
    }
    json_t *l = faults_list(f);
    json_t *r = json_array_get(l, 0);
    assert_int_equal(json_integer_value(json_object_get(r, "matched")), 5);
    assert_int_equal(json_integer_value(json_object_get(r, "fired")), 2);
    json_decref(l);
    faults_free(f);
}

static void test_after(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    add_ok(f, "{\"operation\":\"list\",\"status\":500,\"after\":2}");
    add_ok(f, "{\"operation\":\"create\",\"status\":502,\"after\":1,\"times\":2}");
    fault_action a;
    decide(f, "list", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "list", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    for (int i = 0; i < 4; i++) {
        decide(f, "list", 0, &a);
        assert_action(a, 500, 0, 0, 0, 1);
    }
    /* after 1, times 2: pass, fire, fire, then recovered. */
    int want[] = {0, 502, 502, 0, 0};
    for (int i = 0; i < 5; i++) {
        decide(f, "create", 0, &a);
        assert_int_equal(a.status, want[i]);
        assert_int_equal(a.rule, want[i] ? 2 : 0);
    }
    faults_free(f);
}

static void test_probability_draws(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 99);
    add_ok(f, "{\"operation\":\"list\",\"status\":500,\"probability\":0.3}");
    add_ok(f, "{\"operation\":\"list\",\"latency_ms\":[100,200]}");
    /* Model: one unit draw per call for rule 1; when it fails, rule 2 fires
     * with one below(101) draw. */
    rng_gen g;
    rng_gen_seed(&g, 99);
    int fired = 0;
    fault_action a;
    for (int i = 0; i < 1000; i++) {
        decide(f, "list", i, &a);
        if (rng_gen_unit(&g) < 0.3) {
            assert_action(a, 500, 0, 0, 0, 1);
            fired++;
        } else {
            assert_action(a, 0, 0, 100 + (int64_t)rng_gen_below(&g, 101), 0, 2);
        }
    }
    assert_true(fired > 240 && fired < 360);
    json_t *l = faults_list(f);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "matched")), 1000);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "fired")), fired);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 1), "matched")),
                     1000 - fired);
    json_decref(l);
    faults_free(f);
}

static void test_probability_with_times(void **state)
{
    (void)state;
    /* times counts firings: a 0.5 rule with times 3 fires exactly 3 times. */
    sm_faults *f = faults_new(1, 4);
    add_ok(f, "{\"operation\":\"*\",\"status\":503,\"probability\":0.5,\"times\":3}");
    fault_action a;
    int fired = 0;
    for (int i = 0; i < 100; i++) {
        decide(f, "retrieve", i, &a);
        fired += a.rule == 1;
    }
    assert_int_equal(fired, 3);
    faults_free(f);
}

static void test_no_draw_when_certain(void **state)
{
    (void)state;
    /* Probability 1 and a fixed latency take no draw: the range draws of
     * the create calls are the same with and without the list rule. */
    sm_faults *a = faults_new(1, 8), *b = faults_new(1, 8);
    add_ok(a, "{\"operation\":\"create\",\"latency_ms\":[0,60000]}");
    add_ok(b, "{\"operation\":\"list\",\"status\":503,\"latency_ms\":7,\"probability\":1}");
    add_ok(b, "{\"operation\":\"create\",\"latency_ms\":[0,60000]}");
    fault_action x, y;
    for (int i = 0; i < 50; i++) {
        decide(b, "list", i, &y);
        assert_action(y, 503, 0, 7, 0, 1);
        decide(a, "create", i, &x);
        decide(b, "create", i, &y);
        assert_int_equal(x.delay_ms, y.delay_ms);
        assert_int_equal(y.rule, 2);
    }
    faults_free(a);
    faults_free(b);
}

static void test_rate_limit_windows(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    add_ok(f, "{\"operation\":\"list\",\"rate_limit\":{\"limit\":2,\"window_ms\":10000}}");
    struct {
        int64_t t;
        int status, retry;
    } steps[] = {
        {1000, 0, 0},      /* opens [1000, 11000) */
        {1500, 0, 0},      /* second within the limit */
        {2000, 429, 9},    /* 9000 ms left */
        {2001, 429, 9},    /* 8999 -> 9 */
        {10000, 429, 1},   /* 1000 -> 1 */
        {10001, 429, 1},   /* 999 -> 1 */
        {10999, 429, 1},   /* 1 ms -> 1 */
        {11000, 0, 0},     /* at the end: new window [11000, 21000) */
        {11000, 0, 0},
        {11000, 429, 10},  /* 10000 -> 10 */
        {20999, 429, 1},
        {50000, 0, 0},     /* long after: window [50000, 60000) */
        {50000, 0, 0},
        {59000, 429, 1},   /* exactly 1000 left */
        {58999, 429, 2},   /* same window, 1001 left (equal times are allowed) */
    };
    fault_action a;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        decide(f, "list", steps[i].t, &a);
        assert_int_equal(a.status, steps[i].status);
        assert_int_equal(a.retry_after, steps[i].retry);
        assert_int_equal(a.rule, steps[i].status ? 1 : 0);
        assert_int_equal(a.drop, 0);
        assert_int_equal(a.delay_ms, 0);
    }
    decide(f, "create", 59000, &a); /* other operation: not limited */
    assert_action(a, 0, 0, 0, 0, 0);
    json_t *l = faults_list(f);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "matched")), 15);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "fired")), 9);
    json_decref(l);
    faults_free(f);
}

static void test_rate_limit_short_window_and_clock_back(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    add_ok(f, "{\"operation\":\"*\",\"rate_limit\":{\"limit\":1,\"window_ms\":1500}}");
    fault_action a;
    decide(f, "list", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "create", 1, &a); /* "*": one window for every operation */
    assert_action(a, 429, 0, 0, 2, 1);
    decide(f, "list", 1499, &a);
    assert_action(a, 429, 0, 0, 1, 1);
    decide(f, "list", 1500, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    /* A clock that went back restarts the window at that call. */
    decide(f, "list", 100, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "list", 100, &a);
    assert_action(a, 429, 0, 0, 2, 1);
    faults_free(f);
}

static void test_rate_limit_with_after_times_latency(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    /* after: the skipped calls do not open or fill the window. */
    add_ok(f, "{\"operation\":\"list\",\"after\":1,\"latency_ms\":30,"
              "\"rate_limit\":{\"limit\":1,\"window_ms\":10000}}");
    /* times: only the first 429 is sent. */
    add_ok(f, "{\"operation\":\"create\",\"times\":1,"
              "\"rate_limit\":{\"limit\":1,\"window_ms\":10000}}");
    fault_action a;
    decide(f, "list", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "list", 5000, &a); /* opens [5000, 15000) */
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "list", 6000, &a); /* the 429 carries the latency */
    assert_action(a, 429, 0, 30, 9, 1);
    decide(f, "create", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    decide(f, "create", 1, &a);
    assert_action(a, 429, 0, 0, 10, 2);
    decide(f, "create", 2, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    faults_free(f);
}

static void test_rate_limit_passes_to_later_rules(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    add_ok(f, "{\"operation\":\"list\",\"rate_limit\":{\"limit\":2,\"window_ms\":1000}}");
    add_ok(f, "{\"operation\":\"*\",\"latency_ms\":40}");
    fault_action a;
    decide(f, "list", 0, &a);
    assert_action(a, 0, 0, 40, 0, 2);
    decide(f, "list", 0, &a);
    assert_action(a, 0, 0, 40, 0, 2);
    decide(f, "list", 0, &a);
    assert_action(a, 429, 0, 0, 1, 1);
    faults_free(f);
}

static void test_first_acting_rule(void **state)
{
    (void)state;
    sm_faults *f = faults_new(1, 1);
    add_ok(f, "{\"operation\":\"list\",\"status\":500,\"after\":1,\"times\":1}");
    add_ok(f, "{\"operation\":\"*\",\"status\":503,\"times\":2}");
    add_ok(f, "{\"operation\":\"list\",\"latency_ms\":50}");
    add_ok(f, "{\"operation\":\"create\",\"drop\":true,\"latency_ms\":100}");
    fault_action a;
    decide(f, "list", 0, &a); /* 1 skips (after), 2 fires */
    assert_action(a, 503, 0, 0, 0, 2);
    decide(f, "list", 0, &a); /* 1 fires */
    assert_action(a, 500, 0, 0, 0, 1);
    decide(f, "create", 0, &a); /* 2 fires (its second) */
    assert_action(a, 503, 0, 0, 0, 2);
    decide(f, "list", 0, &a); /* 1, 2 spent: latency only */
    assert_action(a, 0, 0, 50, 0, 3);
    decide(f, "create", 0, &a); /* 2 spent: 4 sees its first call */
    assert_action(a, 0, 1, 100, 0, 4);
    decide(f, "retrieve", 0, &a); /* 2 spent: nothing */
    assert_action(a, 0, 0, 0, 0, 0);
    json_t *l = faults_list(f);
    int matched[] = {3, 5, 1, 1}, fired[] = {1, 2, 1, 1};
    for (int i = 0; i < 4; i++) {
        json_t *r = json_array_get(l, (size_t)i);
        assert_int_equal(json_integer_value(json_object_get(r, "matched")), matched[i]);
        assert_int_equal(json_integer_value(json_object_get(r, "fired")), fired[i]);
    }
    json_decref(l);
    faults_decide(NULL, "list", 0, &a);
    assert_action(a, 0, 0, 0, 0, 0);
    faults_free(f);
}

/* ---- determinism ---------------------------------------------------- */

static const char *const MIXED[] = {
    "{\"operation\":\"list\",\"status\":503,\"times\":3,\"after\":2}",
    "{\"operation\":\"create\",\"status\":500,\"probability\":0.2}",
    "{\"operation\":\"*\",\"rate_limit\":{\"limit\":8,\"window_ms\":700},\"latency_ms\":[0,50]}",
    "{\"operation\":\"retrieve\",\"drop\":true,\"probability\":0.3,\"latency_ms\":[5,500]}",
    "{\"operation\":\"*\",\"latency_ms\":[0,60000],\"probability\":0.7}",
};

static void run_mixed(sm_faults *f, fault_action *out, int n)
{
    static const char *const ops[] = {"list", "create", "retrieve", "create", "list", "other"};
    for (size_t i = 0; i < sizeof MIXED / sizeof *MIXED; i++)
        add_ok(f, MIXED[i]);
    int64_t t = 0;
    for (int i = 0; i < n; i++) {
        t += (i * 37) % 101; /* uneven steps; some calls at the same time */
        faults_decide(f, ops[(i * 7) % 6], t, &out[i]);
    }
}

static void test_determinism(void **state)
{
    (void)state;
    enum { N = 200 };
    fault_action x[N], y[N], z[N];
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    memset(z, 0, sizeof z);
    /* Faults never touch the data generator. */
    rng_seed(77);
    unsigned char before[16], after[16];
    rng_bytes(before, sizeof before);
    rng_reset();

    sm_faults *a = faults_new(1, 12345), *b = faults_new(1, 12345), *c = faults_new(1, 12346);
    run_mixed(a, x, N);
    run_mixed(b, y, N);
    run_mixed(c, z, N);
    assert_memory_equal(x, y, sizeof x);
    char *la = list_text(a), *lb = list_text(b);
    assert_string_equal(la, lb);
    free(la);
    free(lb);

    /* Every kind of action happened, so the comparison covers them. */
    int seen[6] = {0}, n429 = 0, ndrop = 0;
    for (int i = 0; i < N; i++) {
        seen[x[i].rule]++;
        n429 += x[i].status == 429;
        ndrop += x[i].drop;
    }
    for (int r = 0; r <= 5; r++)
        assert_true(seen[r] > 0);
    assert_true(n429 > 0 && ndrop > 0);

    /* Another seed: the latency sequence differs. */
    int64_t dx[N], dz[N];
    for (int i = 0; i < N; i++) {
        dx[i] = x[i].delay_ms;
        dz[i] = z[i].delay_ms;
    }
    assert_memory_not_equal(dx, dz, sizeof dx);

    /* A clear restarts the same schedule. */
    faults_clear(a);
    memset(y, 0, sizeof y);
    run_mixed(a, y, N);
    assert_memory_equal(x, y, sizeof x);

    rng_bytes(after, sizeof after);
    assert_memory_equal(before, after, sizeof before);
    faults_free(a);
    faults_free(b);
    faults_free(c);

    /* Unseeded: the OS picks the draws (two schedules disagree). */
    a = faults_new(0, 12345);
    b = faults_new(0, 12345);
    run_mixed(a, x, N);
    run_mixed(b, y, N);
    for (int i = 0; i < N; i++) {
        dx[i] = x[i].delay_ms;
        dz[i] = y[i].delay_ms;
        assert_true(x[i].delay_ms >= 0 && x[i].delay_ms <= 60000);
    }
    assert_memory_not_equal(dx, dz, sizeof dx);
    faults_free(a);
    faults_free(b);
    rng_use_os();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_gen_matches_global),
        cmocka_unit_test(test_rng_gen_below_and_unit),
        cmocka_unit_test(test_err_not_object),
        cmocka_unit_test(test_err_unknown_member),
        cmocka_unit_test(test_err_operation),
        cmocka_unit_test(test_err_status),
        cmocka_unit_test(test_err_latency),
        cmocka_unit_test(test_err_drop),
        cmocka_unit_test(test_err_times),
        cmocka_unit_test(test_err_after),
        cmocka_unit_test(test_err_probability),
        cmocka_unit_test(test_err_rate_limit),
        cmocka_unit_test(test_err_no_effect),
        cmocka_unit_test(test_err_combinations),
        cmocka_unit_test(test_accepts_edges),
        cmocka_unit_test(test_too_many_rules),
        cmocka_unit_test(test_add_body),
        cmocka_unit_test(test_list_normalized_and_counters),
        cmocka_unit_test(test_ids_and_clear),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_after),
        cmocka_unit_test(test_probability_draws),
        cmocka_unit_test(test_probability_with_times),
        cmocka_unit_test(test_no_draw_when_certain),
        cmocka_unit_test(test_rate_limit_windows),
        cmocka_unit_test(test_rate_limit_short_window_and_clock_back),
        cmocka_unit_test(test_rate_limit_with_after_times_latency),
        cmocka_unit_test(test_rate_limit_passes_to_later_rules),
        cmocka_unit_test(test_first_acting_rule),
        cmocka_unit_test(test_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
