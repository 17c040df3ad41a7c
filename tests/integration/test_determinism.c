/*
 * test_determinism.c — --seed and --clock (issue 5, docs/contracts.md §3):
 * two fresh servers with the same seed and clock answer one scripted
 * sequence, touching every kind of generated value (UUID fills of
 * file_system, dataset items, batch exports and collaborators; token fills
 * and `set ... token` of sharing; timestamps), with the same bytes (status,
 * Content-Type, Allow, body); a different seed changes the generated
 * values and nothing else; without --seed two runs differ.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DS1 "d93f2be0-02b1-4d87-8b6e-fc5cba21ed8d"
#define BOB_UUID "01936a3e-5c1f-7000-8000-000000000002"

/* The default session key and Bob, a collaborator to add. */
static const char KEYS[] =
    "[{\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_bob\", \"scopes\": [\"*\"], \"user\": {\"id\": 2,\n"
    "  \"uuid\": \"" BOB_UUID "\", \"distinct_id\": \"bob\"}}]\n";

typedef struct step {
    const char *method;
    const char *path;
    const char *body;
    long status;
    int generated; /* 1: the answer carries a seeded UUID or token */
} step;

static const step SCRIPT[] = {
    {"POST", DASH1, "{\"name\":\"a\"}", 201, 0},
    /* unsaved sharing: a fresh token on every GET */
    {"GET", API1 "/dashboards/1/sharing/", NULL, 200, 1},
    {"GET", API1 "/dashboards/1/sharing/", NULL, 200, 1},
    {"POST", API1 "/dashboards/1/sharing/refresh/", NULL, 200, 1},
    {"GET", API1 "/dashboards/1/sharing/", NULL, 200, 1},
    {"PATCH", API1 "/dashboards/1/sharing/",
     "{\"enabled\":true,\"password_required\":true}", 200, 1},
    {"POST", API1 "/dashboards/1/sharing/passwords/", "{}", 200, 1},
    {"POST", API1 "/file_system/", "{\"path\":\"a/b\"}", 201, 1},
    {"POST", API1 "/file_system/", "{\"path\":\"c\",\"type\":\"folder\"}", 201, 1},
    {"GET", API1 "/file_system/", NULL, 200, 1},
    {"POST", API1 "/dataset_items/", "{\"dataset\":\"" DS1 "\"}", 201, 1},
    {"GET", API1 "/dataset_items/", NULL, 200, 1},
    {"POST", API1 "/batch_exports/",
     "{\"name\":\"nightly\",\"destination\":{\"type\":\"S3\","
     "\"config\":{\"bucket_name\":\"b\"}},\"interval\":\"hour\"}",
     201, 1},
    {"GET", API1 "/batch_exports/", NULL, 200, 1},
    {"POST", API1 "/exports/", "{\"dashboard\":1,\"export_format\":\"image/png\"}", 201, 0},
    {"POST", API1 "/subscriptions/",
     "{\"target_type\":\"email\",\"target_value\":\"a@example.com\","
     "\"frequency\":\"daily\",\"start_date\":\"2026-01-02T09:00:00Z\"}",
     201, 0},
    {"GET", API1 "/subscriptions/", NULL, 200, 0},
    {"PATCH", DASH1 "1/", "{\"restriction_level\":37}", 200, 0},
    {"POST", API1 "/dashboards/1/collaborators/",
     "{\"user_uuid\":\"" BOB_UUID "\",\"level\":37}", 201, 1},
    {"GET", API1 "/dashboards/1/collaborators/", NULL, 200, 1},
    {"GET", DASH1 "1/", NULL, 200, 0},
    {"DELETE", API1 "/dashboards/1/sharing/passwords/1/", NULL, 204, 0},
    {"GET", API1 "/nope/", NULL, 404, 0},
};
#define NSTEPS (sizeof SCRIPT / sizeof SCRIPT[0])

typedef struct answer {
    long status;
    char *ctype;
    char *allow;
    char *body;
} answer;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Runs the script against a fresh server started with args. */
static void run_script(const char *const *args, answer *out)
{
    server_opts o = {.no_db = true, .keys_json = KEYS, .extra_args = args};
    server *s = server_start(&o);
    for (size_t i = 0; i < NSTEPS; i++) {
        http_resp r;
        http(s, SCRIPT[i].method, SCRIPT[i].path, SCRIPT[i].body, &r);
        if (r.status != SCRIPT[i].status) {
            print_error("step %zu %s %s: status %ld, expected %ld\n%s\n", i,
                        SCRIPT[i].method, SCRIPT[i].path, r.status,
                        SCRIPT[i].status, r.body);
            fail();
        }
        out[i].status = r.status;
        out[i].ctype = dup_or_null(resp_header(&r, "Content-Type"));
        out[i].allow = dup_or_null(resp_header(&r, "Allow"));
        out[i].body = strdup(r.body);
        http_resp_free(&r);
    }
    server_cleanup(s);
}

static void free_answers(answer *a)
{
    for (size_t i = 0; i < NSTEPS; i++) {
        free(a[i].ctype);
        free(a[i].allow);
        free(a[i].body);
    }
}

static int same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static const char *const SEED42[] = {"--seed", "42", "--clock", FIXED_CLOCK, NULL};
static const char *const SEED43[] = {"--seed", "43", "--clock", FIXED_CLOCK, NULL};
static const char *const UNSEEDED[] = {"--clock", FIXED_CLOCK, NULL};

static void test_same_seed_same_bytes(void **state)
{
    (void)state;
    answer a[NSTEPS], b[NSTEPS];
    run_script(SEED42, a);
    run_script(SEED42, b);
    for (size_t i = 0; i < NSTEPS; i++) {
        assert_int_equal(a[i].status, b[i].status);
        if (!same_opt(a[i].ctype, b[i].ctype) || !same_opt(a[i].allow, b[i].allow) ||
            strcmp(a[i].body, b[i].body)) {
            print_error("step %zu %s %s differs between two runs with --seed 42:\n"
                        "  %s\n  %s\n",
                        i, SCRIPT[i].method, SCRIPT[i].path, a[i].body, b[i].body);
            fail();
        }
    }
    /* the sequence is really the generator's, not a constant */
    assert_string_not_equal(a[1].body, a[2].body);
    free_answers(a);
    free_answers(b);
}

static void test_other_seed_other_values(void **state)
{
    (void)state;
    answer a[NSTEPS], c[NSTEPS];
    run_script(SEED42, a);
    run_script(SEED43, c);
    for (size_t i = 0; i < NSTEPS; i++) {
        assert_int_equal(a[i].status, c[i].status);
        assert_true(same_opt(a[i].ctype, c[i].ctype));
        assert_true(same_opt(a[i].allow, c[i].allow));
        int same = !strcmp(a[i].body, c[i].body);
        if (SCRIPT[i].generated ? same : !same) {
            print_error("step %zu %s %s: seed 42 vs 43 should %s:\n  %s\n  %s\n", i,
                        SCRIPT[i].method, SCRIPT[i].path,
                        SCRIPT[i].generated ? "differ" : "agree", a[i].body, c[i].body);
            fail();
        }
    }
    free_answers(a);
    free_answers(c);
}

static void test_unseeded_runs_differ(void **state)
{
    (void)state;
    answer a[NSTEPS], b[NSTEPS];
    run_script(UNSEEDED, a);
    run_script(UNSEEDED, b);
    for (size_t i = 0; i < NSTEPS; i++) {
        int same = !strcmp(a[i].body, b[i].body);
        if (SCRIPT[i].generated ? same : !same) {
            print_error("step %zu %s %s: two unseeded runs should %s:\n  %s\n  %s\n", i,
                        SCRIPT[i].method, SCRIPT[i].path,
                        SCRIPT[i].generated ? "differ" : "agree", a[i].body, b[i].body);
            fail();
        }
    }
    free_answers(a);
    free_answers(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_bytes),
        cmocka_unit_test(test_other_seed_other_values),
        cmocka_unit_test(test_unseeded_runs_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
