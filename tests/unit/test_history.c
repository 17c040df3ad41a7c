/*
 * test_history.c — the admin journal ring (history.h): members and their
 * order, oldest first, the bound (the oldest dropped, seq keeps counting),
 * body truncation at body_cap with the real size, the 400 problem, filters
 * (operation, status range, newest-limit), clear, and a zero-capacity ring.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "history.h"

static history_entry entry(const char *op, int status, const char *body)
{
    history_entry e = {0, op, "GET", "/api/things/", NULL, status,
                       NULL, NULL, 0, body ? "application/json" : NULL,
                       body, body ? strlen(body) : 0, 0};
    return e;
}

static char *dump(const sm_history *h, const history_filter *f)
{
    json_t *v = history_query(h, f);
    char *t = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(v);
    return t;
}

static void test_members_and_problem(void **state)
{
    (void)state;
    sm_history *h = history_new(4, 8);
    history_entry e = {1000000, "things_create", "POST", "/api/things/", "a=1",
                       400, "application/json", "{\"name\":5}", 10,
                       "application/json",
                       "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
                       "\"detail\":\"Not a valid string.\",\"attr\":\"name\"}",
                       0, 1};
    e.resp_len = strlen(e.resp_body);
    history_record(h, &e);
    char *t = dump(h, NULL);
    /* the 8-byte cap cuts both bodies; the problem comes from the kept
     * bytes, so a cut envelope gives null */
    assert_string_equal(t,
        "{\"capacity\":4,\"recorded\":1,\"count\":1,\"results\":[{\"seq\":1,"
        "\"time\":\"1970-01-01T00:00:01Z\",\"method\":\"POST\","
        "\"path\":\"/api/things/\",\"query\":\"a=1\","
        "\"operation\":\"things_create\",\"status\":400,"
        "\"request\":{\"content_type\":\"application/json\",\"size\":10,"
        "\"truncated\":true,\"body\":\"{\\\"name\\\":\"},"
        "\"response\":{\"content_type\":\"application/json\",\"size\":95,"
        "\"truncated\":true,\"body\":\"{\\\"type\\\":\"},\"problem\":null}]}");
    free(t);
    history_free(h);

    h = history_new(4, 4096);
    history_record(h, &e);
    json_t *v = history_query(h, NULL);
    json_t *p = json_object_get(json_array_get(json_object_get(v, "results"), 0),
                                "problem");
    t = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(t, "{\"attr\":\"name\",\"code\":\"invalid_input\","
                           "\"detail\":\"Not a valid string.\"}");
    free(t);
    json_decref(v);
    history_free(h);
}

static void test_bound_filters_clear(void **state)
{
    (void)state;
    sm_history *h = history_new(3, 64);
    static const int statuses[] = {200, 404, 201, 401, 200};
    static const char *const ops[] = {"a", NULL, "b", "a", "a"};
    for (int i = 0; i < 5; i++) {
        history_entry e = entry(ops[i], statuses[i], NULL);
        history_record(h, &e);
    }
    json_t *v = history_query(h, NULL);
    assert_int_equal(json_integer_value(json_object_get(v, "recorded")), 5);
    json_t *res = json_object_get(v, "results");
    assert_int_equal(json_array_size(res), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(res, i), "seq")),
                         3 + i);
    json_decref(v);

    history_filter f = {"a", 0, 0, 0};
    v = history_query(h, &f);
    assert_int_equal(json_integer_value(json_object_get(v, "count")), 2);
    json_decref(v);
    history_filter g = {NULL, 200, 299, 0};
    v = history_query(h, &g);
    assert_int_equal(json_integer_value(json_object_get(v, "count")), 2); /* 201, 200 */
    json_decref(v);
    history_filter l = {NULL, 0, 0, 1};
    v = history_query(h, &l);
    res = json_object_get(v, "results");
    assert_int_equal(json_array_size(res), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(res, 0), "seq")), 5);
    json_decref(v);
    history_filter al = {"a", 0, 0, 5}; /* limit above the matches */
    v = history_query(h, &al);
    assert_int_equal(json_integer_value(json_object_get(v, "count")), 2);
    json_decref(v);

    history_clear(h);
    char *t = dump(h, NULL);
    assert_string_equal(t, "{\"capacity\":3,\"recorded\":0,\"count\":0,\"results\":[]}");
    free(t);
    history_entry e = entry("c", 204, "");
    history_record(h, &e);
    v = history_query(h, NULL);
    json_t *one = json_array_get(json_object_get(v, "results"), 0);
    assert_int_equal(json_integer_value(json_object_get(one, "seq")), 1);
    assert_true(json_is_null(json_object_get(json_object_get(one, "response"), "body")));
    json_decref(v);
    history_free(h);

    sm_history *none = history_new(0, 64);
    history_record(none, &e);
    t = dump(none, NULL);
    assert_string_equal(t, "{\"capacity\":0,\"recorded\":0,\"count\":0,\"results\":[]}");
    free(t);
    history_free(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members_and_problem),
        cmocka_unit_test(test_bound_filters_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
