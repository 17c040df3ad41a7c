/*
 * test_faults.c — the fault schedule and the keys of the admin plane
 * (issue 5; runtime/faults.h, runtime/admin.h), driven over real HTTP:
 * forced statuses with the API's own envelopes (and no handler run), "*"
 * rules, after / times / probability and rule order, rate_limit (429 +
 * Retry-After), drop (alone, after a latency, in the journals), latency
 * (fixed, range, HEAD, in parallel, pipelined, a client gone before the
 * delayed answer, a held answer at shutdown), determinism under --seed
 * (and after clearing; generated values untouched), clearing (DELETE,
 * reset), refused rule bodies and the rule cap, POST /__specmock/keys,
 * --admin-token and clients that are not on loopback.
 *
 * Forced answers are off-contract by design, so this binary journals
 * nothing for the contract gate (tests/integration/CMakeLists.txt).
 * Owned by the faults integration helper (issue 5).
 */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAULTS "/__specmock/faults"
#define KEYS "/__specmock/keys"
#define EMPTY_LIST "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}"
#define NO_FAULTS "{\"results\":[]}"

/* One listed rule, as faults_list normalizes it (faults.h).  status, times,
 * after, matched, fired: bare tokens; lat, prob, rl: JSON text literals. */
#define RULE(id, op, status, lat, drop, times, after, prob, rl, matched, fired) \
    "{\"id\":" #id ",\"operation\":\"" op "\",\"status\":" #status             \
    ",\"latency_ms\":" lat ",\"drop\":" #drop ",\"times\":" #times             \
    ",\"after\":" #after ",\"probability\":" prob ",\"rate_limit\":" rl        \
    ",\"matched\":" #matched ",\"fired\":" #fired "}"
/* A plain status rule on op with no other member. */
#define STATUS_RULE(id, op, status, matched, fired)                            \
    RULE(id, op, status, "null", false, null, 0, "1.0", "null", matched, fired)

#define SERVER_ERROR_503(r)                                                    \
    ASSERT_ERROR((r), 503, "server_error", "error", "A server error occurred.", NULL)
#define SCOPE_403(r, scope)                                                    \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)
#define BAD_KEY_401(r)                                                         \
    ASSERT_ERROR((r), 401, "authentication_error", "authentication_failed",    \
                 "Personal API key found in request Authorization header is invalid.", \
                 NULL)

/* ---- helpers ------------------------------------------------------------ */

/* An admin request: no API key (the admin plane needs none on loopback). */
static void admin(server *s, const char *method, const char *path,
                  const char *body, http_resp *r)
{
    http_req q = {.method = method, .path = path, .body = body, .auth = HTTP_NONE};
    http_do(s, &q, r);
}

/* An admin request whose answer must be exactly status + JSON body. */
#define ADMIN_EXPECT(s, m, p, body, st, resp)                                  \
    do {                                                                       \
        http_resp r_;                                                          \
        admin((s), (m), (p), (body), &r_);                                     \
        ASSERT_JSON_RESP(&r_, (st), (resp));                                   \
        http_resp_free(&r_);                                                   \
    } while (0)

/* POST one rule (or an array) to /faults; the answer must be 201 with the
 * rule(s) as listed. */
#define ADD_RULE(s, rule, listed) ADMIN_EXPECT((s), "POST", FAULTS, (rule), 201, (listed))

/* GET /faults must be exactly {"results":[...]}. */
#define EXPECT_FAULTS(s, results)                                              \
    ADMIN_EXPECT((s), "GET", FAULTS, NULL, 200, "{\"results\":[" results "]}")

/* A refused rule body: 400 {"error": msg}, and the listing is unchanged. */
#define REFUSED(s, body, msg)                                                  \
    do {                                                                       \
        char *before_ = faults_body(s);                                        \
        ADMIN_EXPECT((s), "POST", FAULTS, (body), 400, "{\"error\":" msg "}"); \
        char *after_ = faults_body(s);                                         \
        ASSERT_STR_EQ(after_, before_, "listing after a refused rule");        \
        free(before_);                                                         \
        free(after_);                                                          \
    } while (0)

/* The body of GET /faults (malloc'd). */
static char *faults_body(server *s)
{
    http_resp r;
    admin(s, "GET", FAULTS, NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *b = strdup(r.body);
    http_resp_free(&r);
    return b;
}

/* Waits (at most 5 s, polling) until GET /faults shows "matched":n: the
 * server has read a request sent on a raw connection.  A bounded wait, not
 * a timing assertion. */
static void wait_matched(server *s, int n)
{
    char *needle = xprintf("\"matched\":%d,", n);
    int seen = 0;
    for (int i = 0; i < 500 && !seen; i++) {
        char *l = faults_body(s);
        seen = strstr(l, needle) != NULL;
        free(l);
        if (!seen)
            poll(NULL, 0, 10);
    }
    if (!seen) {
        print_error("GET " FAULTS " never showed %s\n", needle);
        fail();
    }
    free(needle);
}

/* GET DASH1 with the default key: exactly 200 and the empty list. */
static void list_ok(server *s)
{
    EXPECT_KEY(s, "GET", DASH1, NULL, NULL, 200, EMPTY_LIST);
}

/* A raw connection to the server (closed by the caller). */
static int connect_to(const server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static server *start(const char *const *extra)
{
    server_opts o = {.no_db = true, .clock = FIXED_CLOCK, .extra_args = extra};
    return server_start(&o);
}

/* ---- 1. forced statuses ------------------------------------------------- */

/* times: 2 fails the first two calls with 503 and then recovers; the
 * listing counts every call that reached the rule and the two it acted on. */
static void test_status_times(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"status\":503,\"times\":2}",
             RULE(1, "dashboards_list", 503, "null", false, 2, 0, "1.0", "null", 0, 0));
    http_resp r;
    for (int i = 0; i < 2; i++) {
        http(s, "GET", DASH1, NULL, &r);
        SERVER_ERROR_503(&r);
        ASSERT_BODY(&r, "{\"type\":\"server_error\",\"code\":\"error\","
                        "\"detail\":\"A server error occurred.\",\"attr\":null}");
        ASSERT_HEADER(&r, "Allow", ALLOW_LIST); /* the path's Allow, as usual */
        ASSERT_NO_HEADER(&r, "Retry-After");
        http_resp_free(&r);
    }
    list_ok(s);
    list_ok(s);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 503, "null", false, 2, 0, "1.0",
                          "null", 4, 2));
    /* other operations never see the rule */
    EXPECT_KEY(s, "GET", API1 "/batch_exports/", NULL, NULL, 200, EMPTY_LIST);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 503, "null", false, 2, 0, "1.0",
                          "null", 4, 2));
    server_cleanup(s);
}

/* Forced statuses use the catalogue's envelope for that status
 * (runtime/errors.def), or the generic one of its class. */
static void test_status_envelopes(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *body;
    } cases[] = {
        {404, "{\"type\":\"invalid_request\",\"code\":\"not_found\","
              "\"detail\":\"Not found.\",\"attr\":null}"},
        {400, "{\"type\":\"validation_error\",\"code\":\"invalid_input\","
              "\"detail\":\"Invalid input.\",\"attr\":null}"},
        {401, "{\"type\":\"authentication_error\",\"code\":\"not_authenticated\","
              "\"detail\":\"Authentication credentials were not provided.\",\"attr\":null}"},
        {403, "{\"type\":\"authentication_error\",\"code\":\"permission_denied\","
              "\"detail\":\"You do not have permission to perform this action.\","
              "\"attr\":null}"},
        {409, "{\"type\":\"server_error\",\"code\":\"conflict\","
              "\"detail\":\"Conflict.\",\"attr\":null}"},
        {429, "{\"type\":\"throttled_error\",\"code\":\"throttled\","
              "\"detail\":\"Request was throttled. Expected available in 1 second.\","
              "\"attr\":null}"},
        {500, "{\"type\":\"server_error\",\"code\":\"error\","
              "\"detail\":\"A server error occurred.\",\"attr\":null}"},
        {507, "{\"type\":\"server_error\",\"code\":\"insufficient_storage\","
              "\"detail\":\"The store is full; nothing was written.\",\"attr\":null}"},
        /* no catalogue row: the generic envelope of the class */
        {402, "{\"type\":\"invalid_request\",\"code\":\"error\","
              "\"detail\":\"Payment Required.\",\"attr\":null}"},
        {502, "{\"type\":\"server_error\",\"code\":\"error\","
              "\"detail\":\"A server error occurred.\",\"attr\":null}"},
    };
    server *s = start(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        http_resp r;
        admin(s, "DELETE", FAULTS, NULL, &r);
        ASSERT_STATUS(&r, 204);
        http_resp_free(&r);
        char *rule = xprintf("{\"operation\":\"dashboards_list\",\"status\":%d}",
                             cases[i].status);
        admin(s, "POST", FAULTS, rule, &r);
        ASSERT_STATUS(&r, 201);
        char st[8];
        snprintf(st, sizeof st, "%d", cases[i].status);
        ASSERT_FIELD(&r, "status", st);
        http_resp_free(&r);
        free(rule);
        http(s, "GET", DASH1, NULL, &r);
        ASSERT_JSON_RESP(&r, cases[i].status, cases[i].body);
        if (cases[i].status == 429)
            ASSERT_HEADER(&r, "Retry-After", "1"); /* as the detail says */
        else
            ASSERT_NO_HEADER(&r, "Retry-After");
        http_resp_free(&r);
    }
    server_cleanup(s);
}

/* ---- 2. "*" ------------------------------------------------------------- */

/* "*" matches every operation (before authentication: a forced answer runs
 * no gate), but not the admin plane, not unknown paths and not a method the
 * path does not have. */
static void test_star_rule(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"*\",\"status\":503}", STATUS_RULE(1, "*", 503, 0, 0));
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    http(s, "POST", DASH1, "{\"name\":\"x\"}", &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    http(s, "GET", API1 "/batch_exports/", NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    http_key(s, "GET", DASH1 "1/", HTTP_NONE, NULL, &r); /* no key at all */
    SERVER_ERROR_503(&r);
    ASSERT_HEADER(&r, "Allow", ALLOW_DETAIL);
    http_resp_free(&r);
    EXPECT_FAULTS(s, STATUS_RULE(1, "*", 503, 4, 4));

    /* not the admin plane */
    admin(s, "GET", "/__specmock/health", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "status", "\"ok\"");
    http_resp_free(&r);
    admin(s, "GET", "/__specmock/nope", NULL, &r);
    ASSERT_STATUS(&r, 404);
    ASSERT_CONTAINS(r.body, "no admin endpoint \\\"/__specmock/nope\\\"", "admin 404");
    http_resp_free(&r);
    /* not unknown paths: the API's 404 as usual */
    http(s, "GET", API1 "/nope/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "GET", "/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* not a method the path lacks: 405 as usual */
    http(s, "PUT", DASH1, "{}", &r);
    ASSERT_ERROR(&r, 405, "invalid_request", "method_not_allowed",
                 "Method \"PUT\" not allowed.", NULL);
    http_resp_free(&r);
    /* none of these reached the rule */
    EXPECT_FAULTS(s, STATUS_RULE(1, "*", 503, 4, 4));
    server_cleanup(s);
}

/* ---- 3. after, probability, unknown operation --------------------------- */

static void test_after_and_times(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"status\":500,\"after\":2}",
             RULE(1, "dashboards_list", 500, "null", false, null, 2, "1.0", "null", 0, 0));
    list_ok(s);
    list_ok(s);
    for (int i = 0; i < 2; i++) {
        http_resp r;
        http(s, "GET", DASH1, NULL, &r);
        ASSERT_ERROR(&r, 500, "server_error", "error", "A server error occurred.", NULL);
        http_resp_free(&r);
    }
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 500, "null", false, null, 2, "1.0",
                          "null", 4, 2));

    /* after 1, times 1: pass, fail once, recover; the first rule (500 on
     * every call) is on another operation */
    ADD_RULE(s, "{\"operation\":\"batch_exports_list\",\"status\":404,"
                "\"after\":1,\"times\":1}",
             RULE(2, "batch_exports_list", 404, "null", false, 1, 1, "1.0", "null", 0, 0));
    EXPECT_KEY(s, "GET", API1 "/batch_exports/", NULL, NULL, 200, EMPTY_LIST);
    http_resp r;
    http(s, "GET", API1 "/batch_exports/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", API1 "/batch_exports/", NULL, NULL, 200, EMPTY_LIST);
    EXPECT_KEY(s, "GET", API1 "/batch_exports/", NULL, NULL, 200, EMPTY_LIST);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 500, "null", false, null, 2, "1.0",
                          "null", 4, 2) ","
                     RULE(2, "batch_exports_list", 404, "null", false, 1, 1, "1.0",
                          "null", 4, 1));
    server_cleanup(s);
}

/* A rule that passes hands the call to the next one; "matched" counts only
 * the calls that reached a rule. */
static void test_rules_in_order(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "[{\"operation\":\"dashboards_list\",\"status\":404,\"times\":1},"
                "{\"operation\":\"*\",\"status\":503,\"times\":1}]",
             "[" RULE(1, "dashboards_list", 404, "null", false, 1, 0, "1.0", "null", 0, 0) ","
                 RULE(2, "*", 503, "null", false, 1, 0, "1.0", "null", 0, 0) "]");
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 404, "null", false, 1, 0, "1.0", "null", 1, 1) ","
                     RULE(2, "*", 503, "null", false, 1, 0, "1.0", "null", 0, 0));
    http(s, "GET", DASH1, NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    list_ok(s);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 404, "null", false, 1, 0, "1.0", "null", 3, 1) ","
                     RULE(2, "*", 503, "null", false, 1, 0, "1.0", "null", 2, 1));
    server_cleanup(s);
}

/* probability, under --seed so that the counts are reproducible: a tiny
 * chance never fires in 20 calls, 0.5 fires on some and not on others and
 * "fired" is exactly the number of forced answers. */
static void test_probability(void **state)
{
    (void)state;
    static const char *const SEED[] = {"--seed", "7", NULL};
    server *s = start(SEED);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"status\":503,\"probability\":0.001}",
             RULE(1, "dashboards_list", 503, "null", false, null, 0, "0.001", "null", 0, 0));
    for (int i = 0; i < 20; i++)
        list_ok(s);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", 503, "null", false, null, 0, "0.001",
                          "null", 20, 0));

    ADMIN_EXPECT(s, "POST", FAULTS,
                 "{\"operation\":\"batch_exports_list\",\"status\":502,\"probability\":0.5}",
                 201, RULE(2, "batch_exports_list", 502, "null", false, null, 0, "0.5",
                           "null", 0, 0));
    int forced = 0;
    for (int i = 0; i < 20; i++) {
        http_resp r;
        http(s, "GET", API1 "/batch_exports/", NULL, &r);
        if (r.status == 502) {
            ASSERT_ERROR(&r, 502, "server_error", "error", "A server error occurred.", NULL);
            forced++;
        } else {
            ASSERT_JSON_RESP(&r, 200, EMPTY_LIST);
        }
        http_resp_free(&r);
    }
    assert_true(forced > 0 && forced < 20);
    char *want = xprintf("{\"results\":["
                         RULE(1, "dashboards_list", 503, "null", false, null, 0, "0.001",
                              "null", 20, 0) ","
                         "{\"id\":2,\"operation\":\"batch_exports_list\",\"status\":502,"
                         "\"latency_ms\":null,\"drop\":false,\"times\":null,\"after\":0,"
                         "\"probability\":0.5,\"rate_limit\":null,\"matched\":20,"
                         "\"fired\":%d}]}", forced);
    char *got = faults_body(s);
    ASSERT_STR_EQ(got, want, "listing after 20 calls at probability 0.5");
    free(got);
    free(want);
    server_cleanup(s);
}

static void test_unknown_operation(void **state)
{
    (void)state;
    server *s = start(NULL);
    REFUSED(s, "{\"operation\":\"dashboards_nope\",\"status\":503}",
            "\"operation: unknown operation id \\\"dashboards_nope\\\"\"");
    REFUSED(s, "{\"status\":503}", "\"operation: required (an operation id or \\\"*\\\")\"");
    REFUSED(s, "{\"operation\":7,\"status\":503}",
            "\"operation: must be a string (an operation id or \\\"*\\\")\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":503,\"probability\":0}",
            "\"probability: must be a number in (0, 1]\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":503,\"probability\":1.5}",
            "\"probability: must be a number in (0, 1]\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":503,\"after\":-1}",
            "\"after: must be an integer >= 0\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":503,\"times\":0}",
            "\"times: must be an integer >= 1\"");
    EXPECT_FAULTS(s, "");
    list_ok(s);
    server_cleanup(s);
}

/* ---- 4. rate_limit ------------------------------------------------------ */

static void test_rate_limit(void **state)
{
    (void)state;
    server *s = start(NULL);
#define RL "{\"limit\":2,\"window_ms\":3600000}"
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"rate_limit\":" RL "}",
             RULE(1, "dashboards_list", null, "null", false, null, 0, "1.0", RL, 0, 0));
    list_ok(s);
    list_ok(s);
    for (int i = 0; i < 2; i++) {
        http_resp r;
        http(s, "GET", DASH1, NULL, &r);
        ASSERT_STATUS(&r, 429);
        /* the window is real time: a slow run may be a second into it */
        const char *ra = resp_header(&r, "Retry-After");
        assert_non_null(ra);
        if (strcmp(ra, "3600") && strcmp(ra, "3599")) {
            print_error("Retry-After: %s, expected 3600 or 3599\n", ra);
            fail();
        }
        char *detail = xprintf("Request was throttled. Expected available in %s seconds.", ra);
        ASSERT_ERROR(&r, 429, "throttled_error", "throttled", detail, NULL);
        free(detail);
        http_resp_free(&r);
    }
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", null, "null", false, null, 0, "1.0", RL, 4, 2));
    /* the window is the rule's: other operations are not counted */
    EXPECT_KEY(s, "GET", API1 "/batch_exports/", NULL, NULL, 200, EMPTY_LIST);
    REFUSED(s, "{\"operation\":\"*\",\"status\":503,\"rate_limit\":" RL "}",
            "\"rate_limit: cannot be combined with status (it answers 429)\"");
    REFUSED(s, "{\"operation\":\"*\",\"rate_limit\":{\"limit\":0,\"window_ms\":1}}",
            "\"rate_limit.limit: must be an integer >= 1\"");
    REFUSED(s, "{\"operation\":\"*\",\"rate_limit\":{\"limit\":1,\"window_ms\":3600001}}",
            "\"rate_limit.window_ms: must be an integer 1-3600000\"");
    REFUSED(s, "{\"operation\":\"*\",\"rate_limit\":{\"limit\":1}}",
            "\"rate_limit.window_ms: required (an integer 1-3600000)\"");
#undef RL
    server_cleanup(s);
}

/* A forced answer runs no handler: a create answered 500 stores nothing,
 * takes no id and does not tick the fixed clock. */
static void test_forced_runs_no_handler(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_create\",\"status\":500,\"times\":3}",
             RULE(1, "dashboards_create", 500, "null", false, 3, 0, "1.0", "null", 0, 0));
    for (int i = 0; i < 3; i++) {
        http_resp r;
        http(s, "POST", DASH1, "{\"name\":\"ghost\"}", &r);
        ASSERT_ERROR(&r, 500, "server_error", "error", "A server error occurred.", NULL);
        http_resp_free(&r);
    }
    list_ok(s);
    /* the next create is the first: id 1, at the clock's start */
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"real\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "1");
    ASSERT_FIELD(&r, "name", "\"real\"");
    ASSERT_FIELD(&r, "created_at", "\"" FIXED_CLOCK "\"");
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    ASSERT_FIELD(&r, "results.0.name", "\"real\"");
    http_resp_free(&r);
    /* a forced delete deletes nothing either */
    ADD_RULE(s, "{\"operation\":\"dashboards_destroy\",\"status\":409}",
             RULE(2, "dashboards_destroy", 409, "null", false, null, 0, "1.0", "null", 0, 0));
    http(s, "DELETE", DASH1 "1/", NULL, &r);
    ASSERT_ERROR(&r, 409, "server_error", "conflict", "Conflict.", NULL);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "deleted", "false");
    http_resp_free(&r);
    server_cleanup(s);
}

/* ---- 5. drop ------------------------------------------------------------ */

static void test_drop(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"drop\":true,\"times\":2}",
             RULE(1, "dashboards_list", null, "null", true, 2, 0, "1.0", "null", 0, 0));
    /* curl: the server closed the connection without a byte */
    http_req q = {.method = "GET", .path = DASH1};
    http_resp r;
    int rc = http_try(s, &q, &r);
    assert_int_equal(rc, CURLE_GOT_NOTHING);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    /* a raw socket reads nothing before the close */
    static const char REQ[] = "GET " DASH1 " HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer " DEFAULT_KEY "\r\n\r\n";
    char buf[4096];
    long n = raw_exchange(s, REQ, sizeof REQ - 1, false, buf, sizeof buf, 3000);
    assert_int_equal(n, 0);
    /* the server keeps serving, the rule is spent */
    list_ok(s);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", null, "null", true, 2, 0, "1.0", "null", 3, 2));
    REFUSED(s, "{\"operation\":\"*\",\"drop\":true,\"status\":503}",
            "\"drop: cannot be combined with status (nothing is sent)\"");
    REFUSED(s, "{\"operation\":\"*\",\"drop\":\"yes\"}", "\"drop: must be true or false\"");
    /* drop: false is no effect */
    REFUSED(s, "{\"operation\":\"*\",\"drop\":false}",
            "\"rule: needs an effect: status, latency_ms, drop or rate_limit\"");
    server_cleanup(s);
}

/* latency_ms with drop waits, then closes (faults.h): still no answer;
 * a client that leaves before the timer, and a held drop at shutdown, leave
 * the server serving / exiting 0.  (That it waits is not asserted: no
 * timing assertions.) */
static void test_drop_after_latency(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_retrieve\",\"drop\":true,\"latency_ms\":[100,200]}",
             RULE(1, "dashboards_retrieve", null, "[100,200]", true, null, 0, "1.0", "null", 0, 0));
    http_req q = {.method = "GET", .path = DASH1 "1/"};
    http_resp r;
    assert_int_equal(http_try(s, &q, &r), CURLE_GOT_NOTHING);
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    static const char REQ[] = "GET " DASH1 "1/ HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer " DEFAULT_KEY "\r\n\r\n";
    char buf[4096];
    assert_int_equal(raw_exchange(s, REQ, sizeof REQ - 1, false, buf, sizeof buf, 20), 0);
    list_ok(s);
    /* waits out the earlier timer, and is dropped too */
    assert_int_equal(http_try(s, &q, &r), CURLE_GOT_NOTHING);
    http_resp_free(&r);
    list_ok(s);
    EXPECT_FAULTS(s, RULE(1, "dashboards_retrieve", null, "[100,200]", true, null, 0, "1.0",
                          "null", 3, 3));
    int fd = connect_to(s);
    assert_int_equal(send(fd, REQ, sizeof REQ - 1, MSG_NOSIGNAL), (ssize_t)(sizeof REQ - 1));
    wait_matched(s, 4);
    assert_int_equal(server_stop(s), 0);
    close(fd);
    server_cleanup(s);
}

/* A dropped call sent no answer: the file journal (--journal-file, "one
 * line per answered request") has no line for it; the admin journal keeps
 * it with status 0 and no response body. */
static void test_drop_journal(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char *path = xprintf("%s/itest_faults_%d.jsonl", tmp && *tmp ? tmp : "/tmp",
                         (int)getpid());
    unlink(path);
    const char *const args[] = {"--journal-file", path, NULL};
    server *s = start(args);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"drop\":true,\"times\":1}",
             RULE(1, "dashboards_list", null, "null", true, 1, 0, "1.0", "null", 0, 0));
    http_req q = {.method = "GET", .path = DASH1};
    http_resp r;
    assert_int_equal(http_try(s, &q, &r), CURLE_GOT_NOTHING);
    http_resp_free(&r);
    list_ok(s);
    admin(s, "GET", "/__specmock/journal", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "2");
    ASSERT_FIELD(&r, "results.0.operation", "\"dashboards_list\"");
    ASSERT_FIELD(&r, "results.0.status", "0");
    ASSERT_FIELD(&r, "results.0.response.body", "null");
    ASSERT_FIELD(&r, "results.0.response.size", "0");
    ASSERT_FIELD(&r, "results.1.status", "200");
    http_resp_free(&r);
    assert_int_equal(server_stop(s), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    ASSERT_STR_EQ(buf,
                  "{\"op\":\"dashboards_list\",\"method\":\"GET\","
                  "\"path\":\"/api/environments/1/dashboards/\",\"status\":200,"
                  "\"content_type\":\"application/json\","
                  "\"body\":\"{\\\"count\\\":0,\\\"next\\\":null,"
                  "\\\"previous\\\":null,\\\"results\\\":[]}\"}\n",
                  "--journal-file after a drop and a normal call");
    unlink(path);
    free(path);
    server_cleanup(s);
}

/* ---- 6. latency --------------------------------------------------------- */

static void test_latency(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"latency_ms\":150}",
             RULE(1, "dashboards_list", null, "[150,150]", false, null, 0, "1.0", "null", 0, 0));
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, EMPTY_LIST);
    ASSERT_HEADER(&r, "Allow", ALLOW_LIST);
    http_resp_free(&r);
    /* a delayed HEAD: the GET's headers, no body */
    http(s, "HEAD", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Length", "52");
    assert_int_equal(r.len, 0);
    http_resp_free(&r);
    /* a delayed write still writes, once */
    ADD_RULE(s, "{\"operation\":\"dashboards_create\",\"latency_ms\":[20,80]}",
             RULE(2, "dashboards_create", null, "[20,80]", false, null, 0, "1.0", "null", 0, 0));
    assert_int_equal(create_dashboard(s, 1, "slow"), 1);
    /* status with latency: the forced answer, late */
    ADD_RULE(s, "{\"operation\":\"dashboards_retrieve\",\"status\":503,\"latency_ms\":[0,60]}",
             RULE(3, "dashboards_retrieve", 503, "[0,60]", false, null, 0, "1.0", "null", 0, 0));
    http(s, "GET", DASH1 "1/", NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    ASSERT_FIELD(&r, "results.0.name", "\"slow\"");
    http_resp_free(&r);
    EXPECT_FAULTS(s, RULE(1, "dashboards_list", null, "[150,150]", false, null, 0, "1.0", "null", 3, 3) ","
                     RULE(2, "dashboards_create", null, "[20,80]", false, null, 0, "1.0", "null", 1, 1) ","
                     RULE(3, "dashboards_retrieve", 503, "[0,60]", false, null, 0, "1.0", "null", 1, 1));
    REFUSED(s, "{\"operation\":\"*\",\"latency_ms\":[80,20]}",
            "\"latency_ms: must be an integer 0-60000 or [lo, hi] with 0 <= lo <= hi <= 60000\"");
    REFUSED(s, "{\"operation\":\"*\",\"latency_ms\":60001}",
            "\"latency_ms: must be an integer 0-60000 or [lo, hi] with 0 <= lo <= hi <= 60000\"");
    REFUSED(s, "{\"operation\":\"*\",\"latency_ms\":[1,2,3]}",
            "\"latency_ms: must be an integer 0-60000 or [lo, hi] with 0 <= lo <= hi <= 60000\"");
    server_cleanup(s);
}

/* Two requests pipelined on one connection, the first delayed: the answers
 * come in request order (HTTP/1.1), the delayed one first. */
static void test_latency_pipelined(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"latency_ms\":150,\"times\":1}",
             RULE(1, "dashboards_list", null, "[150,150]", false, 1, 0, "1.0", "null", 0, 0));
    static const char REQS[] =
        "GET " DASH1 " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " DEFAULT_KEY "\r\n\r\n"
        "GET " API1 "/nope/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " DEFAULT_KEY "\r\n"
        "Connection: close\r\n\r\n";
    char out[8192];
    assert_true(raw_exchange(s, REQS, sizeof REQS - 1, false, out, sizeof out, 5000) > 0);
    const char *first = strstr(out, "HTTP/1.1 200 OK\r\n");
    const char *second = strstr(out, "HTTP/1.1 404 Not Found\r\n");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second);
    ASSERT_CONTAINS(first, "\r\n\r\n" EMPTY_LIST "HTTP/1.1 404", "first answer's body");
    ASSERT_CONTAINS(second, "\r\n\r\n{\"type\":\"invalid_request\",\"code\":\"not_found\","
                            "\"detail\":\"Not found.\",\"attr\":null}", "second answer's body");
    list_ok(s);
    server_cleanup(s);
}

/* Delayed answers are held by timers, not by blocking the loop: several at
 * once all complete with their exact answers. */
static void test_latency_parallel(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"*\",\"latency_ms\":[50,200]}",
             RULE(1, "*", null, "[50,200]", false, null, 0, "1.0", "null", 0, 0));
    enum { N = 8 };
    http_req q = {.method = "GET", .path = DASH1};
    http_resp out[N];
    http_parallel(s, &q, N, out);
    for (int i = 0; i < N; i++) {
        ASSERT_JSON_RESP(&out[i], 200, EMPTY_LIST);
        ASSERT_HEADER(&out[i], "Allow", ALLOW_LIST);
        http_resp_free(&out[i]);
    }
    EXPECT_FAULTS(s, RULE(1, "*", null, "[50,200]", false, null, 0, "1.0", "null", 8, 8));
    server_cleanup(s);
}

/* A client that leaves before its delayed answer: the timer later finds
 * the request detached; the server keeps serving.  A held answer at
 * shutdown: the server still exits 0 (the ASan build checks the frees). */
static void test_latency_client_gone(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"dashboards_retrieve\",\"latency_ms\":700}",
             RULE(1, "dashboards_retrieve", null, "[700,700]", false, null, 0, "1.0", "null", 0, 0));
    static const char REQ[] = "GET " DASH1 "1/ HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer " DEFAULT_KEY "\r\n\r\n";
    char buf[4096];
    /* leave after 50 ms, long before the 700 ms answer */
    assert_int_equal(raw_exchange(s, REQ, sizeof REQ - 1, false, buf, sizeof buf, 50), 0);
    /* the same, half-closed first */
    assert_int_equal(raw_exchange(s, REQ, sizeof REQ - 1, true, buf, sizeof buf, 50), 0);
    list_ok(s);
    /* wait out the timers (one more delayed answer, read in full) */
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    list_ok(s);
    /* a held answer when the server is told to stop, its client waiting */
    int fd = connect_to(s);
    assert_int_equal(send(fd, REQ, sizeof REQ - 1, MSG_NOSIGNAL), (ssize_t)(sizeof REQ - 1));
    /* wait (bounded) until the server has read it: the rule counts it */
    wait_matched(s, 4);
    assert_int_equal(server_stop(s), 0);
    close(fd);
    server_cleanup(s);
}

/* ---- 7. determinism ----------------------------------------------------- */

#define DET_CALLS 40
static const char DET_RULES[] =
    "[{\"operation\":\"*\",\"status\":503,\"probability\":0.5},"
    "{\"operation\":\"*\",\"latency_ms\":[0,20]}]";

/* Posts DET_RULES and makes 40 identical calls; fills seq with one letter
 * per call ('F' forced 503, '.' answered). */
static void det_calls(server *s, char *seq)
{
    http_resp r;
    admin(s, "POST", FAULTS, DET_RULES, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    for (int i = 0; i < DET_CALLS; i++) {
        http(s, "GET", DASH1, NULL, &r);
        if (r.status == 503)
            SERVER_ERROR_503(&r);
        else
            ASSERT_JSON_RESP(&r, 200, EMPTY_LIST);
        seq[i] = r.status == 503 ? 'F' : '.';
        http_resp_free(&r);
    }
    seq[DET_CALLS] = '\0';
}

/* A fresh server with --seed seed: det_calls, and returns the GET /faults
 * body (malloc'd).  Then, twice, the faults are cleared (DELETE /faults,
 * then POST /reset) and the same calls give the same sequence: clearing
 * restarts the schedule's generator from the seed. */
static char *det_run(const char *seed, char *seq)
{
    const char *const args[] = {"--seed", seed, NULL};
    server *s = start(args);
    det_calls(s, seq);
    char *listing = faults_body(s);
    char again[DET_CALLS + 1];
    http_resp r;
    admin(s, "DELETE", FAULTS, NULL, &r);
    ASSERT_STATUS(&r, 204);
    http_resp_free(&r);
    det_calls(s, again);
    ASSERT_STR_EQ(again, seq, "status sequence after DELETE /faults");
    char *l2 = faults_body(s);
    ASSERT_STR_EQ(l2, listing, "GET /faults after DELETE /faults and the same calls");
    free(l2);
    admin(s, "POST", "/__specmock/reset", NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    det_calls(s, again);
    ASSERT_STR_EQ(again, seq, "status sequence after POST /reset");
    server_cleanup(s);
    return listing;
}

static void test_determinism(void **state)
{
    (void)state;
    char a[DET_CALLS + 1], b[DET_CALLS + 1], c[DET_CALLS + 1];
    char *la = det_run("7", a), *lb = det_run("7", b), *lc = det_run("8", c);
    ASSERT_STR_EQ(b, a, "status sequence, second --seed 7 run");
    ASSERT_STR_EQ(lb, la, "GET /__specmock/faults, second --seed 7 run");
    /* the sequence is really drawn: both outcomes occur */
    assert_non_null(strchr(a, 'F'));
    assert_non_null(strchr(a, '.'));
    if (!strcmp(a, c)) {
        print_error("--seed 8 gave the same sequence as --seed 7: %s\n", a);
        fail();
    }
    /* the listing agrees with the sequence: rule 1 fired on every 'F',
     * rule 2 on every other call */
    int forced = 0;
    for (int i = 0; i < DET_CALLS; i++)
        forced += a[i] == 'F';
    char *want = xprintf(
        "{\"results\":[{\"id\":1,\"operation\":\"*\",\"status\":503,\"latency_ms\":null,"
        "\"drop\":false,\"times\":null,\"after\":0,\"probability\":0.5,\"rate_limit\":null,"
        "\"matched\":%d,\"fired\":%d},{\"id\":2,\"operation\":\"*\",\"status\":null,"
        "\"latency_ms\":[0,20],\"drop\":false,\"times\":null,\"after\":0,"
        "\"probability\":1.0,\"rate_limit\":null,\"matched\":%d,\"fired\":%d}]}",
        DET_CALLS, forced, DET_CALLS - forced, DET_CALLS - forced);
    ASSERT_STR_EQ(la, want, "listing after the seeded run");
    free(want);
    free(la);
    free(lb);
    free(lc);
}

/* Faults draw from their own generator (faults.h): a seeded server with
 * random latencies and probabilities generates the same UUIDs as one with
 * no rule. */
static void test_faults_leave_generated_values(void **state)
{
    (void)state;
    static const char *const SEED[] = {"--seed", "7", NULL};
    char *bodies[2][4];
    int forced = 0;
    for (int run = 0; run < 2; run++) {
        server *s = start(SEED);
        if (run == 1)
            ADD_RULE(s, "[{\"operation\":\"*\",\"status\":503,\"probability\":0.6,"
                        "\"latency_ms\":[0,5]},{\"operation\":\"*\",\"latency_ms\":[0,5]}]",
                     "[" RULE(1, "*", 503, "[0,5]", false, null, 0, "0.6", "null", 0, 0) ","
                         RULE(2, "*", null, "[0,5]", false, null, 0, "1.0", "null", 0, 0) "]");
        for (int i = 0; i < 4; i++) {
            char *body = xprintf("{\"path\":\"f%d\"}", i);
            http_resp r;
            /* retried past forced 503s: only the answered create counts */
            for (int tries = 0;; tries++) {
                http(s, "POST", API1 "/file_system/", body, &r);
                if (r.status != 503 || tries == 20)
                    break;
                SERVER_ERROR_503(&r);
                http_resp_free(&r);
                forced++;
            }
            ASSERT_STATUS(&r, 201);
            bodies[run][i] = strdup(r.body);
            http_resp_free(&r);
            free(body);
        }
        server_cleanup(s);
    }
    assert_true(forced > 0); /* seed 7: the 503 rule did fire */
    for (int i = 0; i < 4; i++) {
        ASSERT_CONTAINS(bodies[0][i], "\"id\":\"", "a generated UUID id");
        ASSERT_STR_EQ(bodies[1][i], bodies[0][i], "file_system create with and without faults");
        free(bodies[0][i]);
        free(bodies[1][i]);
    }
}

/* ---- 8. clearing -------------------------------------------------------- */

static void test_clear(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"*\",\"status\":503}", STATUS_RULE(1, "*", 503, 0, 0));
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    admin(s, "DELETE", FAULTS, NULL, &r);
    ASSERT_STATUS(&r, 204);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    EXPECT_FAULTS(s, "");
    list_ok(s);
    /* ids start again at 1 */
    ADD_RULE(s, "{\"operation\":\"*\",\"status\":503}", STATUS_RULE(1, "*", 503, 0, 0));
    http(s, "GET", DASH1, NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    /* reset clears the faults too (and is itself never faulted) */
    ADMIN_EXPECT(s, "POST", "/__specmock/reset", NULL, 200,
                 "{\"status\":\"reset\",\"loaded\":0}");
    EXPECT_FAULTS(s, "");
    list_ok(s);
    ADD_RULE(s, "{\"operation\":\"*\",\"status\":503}", STATUS_RULE(1, "*", 503, 0, 0));
    /* a refused reset changes nothing, faults included */
    ADMIN_EXPECT(s, "POST", "/__specmock/reset", "{\"bogus\":1}", 400,
                 "{\"error\":\"body: unknown member \\\"bogus\\\"\"}");
    EXPECT_FAULTS(s, STATUS_RULE(1, "*", 503, 0, 0));
    /* methods: PUT is not one of /faults' */
    admin(s, "PUT", FAULTS, "{}", &r);
    ASSERT_JSON_RESP(&r, 405, "{\"error\":\"method PUT not allowed on /__specmock/faults "
                              "(allowed: GET, HEAD, POST, DELETE)\"}");
    ASSERT_HEADER(&r, "Allow", "GET, HEAD, POST, DELETE");
    http_resp_free(&r);
    server_cleanup(s);
}

/* ---- 9. refused bodies -------------------------------------------------- */

static void test_bad_bodies(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADD_RULE(s, "{\"operation\":\"batch_exports_list\",\"status\":404}",
             STATUS_RULE(1, "batch_exports_list", 404, 0, 0));
    REFUSED(s, "not json", "\"body is not JSON: Expecting value: line 1 column 1 (char 0)\"");
    REFUSED(s, "{\"operation\":", "\"body is not JSON: Expecting value: line 1 column 14 (char 13)\"");
    REFUSED(s, NULL, "\"body: expected a fault rule, e.g. {\\\"operation\\\": \\\"*\\\", "
                     "\\\"status\\\": 503}\"");
    REFUSED(s, "[]", "\"faults: expected a rule object or a non-empty array of rules\"");
    REFUSED(s, "\"*\"", "\"faults: expected a rule object or a non-empty array of rules\"");
    REFUSED(s, "{\"operation\":\"*\"}",
            "\"rule: needs an effect: status, latency_ms, drop or rate_limit\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":\"x\"}", "\"status: must be an integer 400-599\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":200}", "\"status: must be an integer 400-599\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":503.0}", "\"status: must be an integer 400-599\"");
    REFUSED(s, "{\"operation\":\"*\",\"status\":503,\"bogus\":1}",
            "\"unknown member \\\"bogus\\\" (allowed: operation, status, latency_ms, drop, "
            "times, after, probability, rate_limit)\"");
    REFUSED(s, "{\"operation\":\"*\",\"rate_limit\":{\"limit\":1,\"window_ms\":1,\"x\":1}}",
            "\"rate_limit: unknown member \\\"x\\\" (allowed: limit, window_ms)\"");
    REFUSED(s, "[1]", "\"[0] rule: must be a JSON object with \\\"operation\\\" and an effect\"");
    /* an array is all or nothing: the good first rule is not added */
    REFUSED(s, "[{\"operation\":\"*\",\"status\":503},{\"operation\":\"*\",\"status\":\"x\"}]",
            "\"[1] status: must be an integer 400-599\"");
    EXPECT_FAULTS(s, STATUS_RULE(1, "batch_exports_list", 404, 0, 0));
    /* and nothing fires but the one rule */
    list_ok(s);
    http_resp r;
    http(s, "GET", API1 "/batch_exports/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* a listed rule posts back (null members count as left out) */
    ADD_RULE(s, "{\"operation\":\"dashboards_list\",\"status\":null,\"latency_ms\":[5,5],"
                "\"drop\":false,\"times\":null,\"after\":0,\"probability\":1.0,"
                "\"rate_limit\":null}",
             RULE(2, "dashboards_list", null, "[5,5]", false, null, 0, "1.0", "null", 0, 0));
    list_ok(s);
    server_cleanup(s);
}

/* At most FAULTS_MAX_RULES (1000) rules are held; an array that would pass
 * the cap is refused whole. */
static void test_rule_cap(void **state)
{
    (void)state;
    server *s = start(NULL);
    size_t cap = 1001 * 48 + 16, n = 0;
    char *arr = malloc(cap);
    assert_non_null(arr);
    arr[n++] = '[';
    for (int i = 0; i < 1001; i++)
        n += (size_t)snprintf(arr + n, cap - n, "%s{\"operation\":\"*\",\"latency_ms\":0}",
                              i ? "," : "");
    arr[n++] = ']';
    arr[n] = '\0';
    REFUSED(s, arr, "\"faults: at most 1000 rules are held (0 now); clear them first\"");
    /* 1000 fit */
    arr[n - 1 - strlen(",{\"operation\":\"*\",\"latency_ms\":0}")] = ']';
    arr[n - strlen(",{\"operation\":\"*\",\"latency_ms\":0}")] = '\0';
    http_resp r;
    admin(s, "POST", FAULTS, arr, &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "999.id", "1000");
    http_resp_free(&r);
    REFUSED(s, "{\"operation\":\"*\",\"status\":503}",
            "\"faults: at most 1000 rules are held (1000 now); clear them first\"");
    list_ok(s); /* the first rule fires (latency 0) on every call */
    admin(s, "GET", FAULTS, NULL, &r);
    ASSERT_FIELD(&r, "results.0.fired", "1");
    ASSERT_FIELD(&r, "results.1.matched", "0");
    ASSERT_FIELD(&r, "results.999.id", "1000");
    http_resp_free(&r);
    free(arr);
    server_cleanup(s);
}

/* ---- 10. keys ----------------------------------------------------------- */

static void test_keys(void **state)
{
    (void)state;
    server *s = start(NULL);
    ADMIN_EXPECT(s, "POST", KEYS, "{\"key\":\"k1\",\"scopes\":[\"dashboard:read\"]}", 201,
                 "{\"added\":1,\"keys\":2}");
    EXPECT_KEY(s, "GET", DASH1, "k1", NULL, 200, EMPTY_LIST);
    http_resp r;
    http_key(s, "POST", DASH1, "k1", "{\"name\":\"x\"}", &r);
    SCOPE_403(&r, "dashboard:write");
    http_resp_free(&r);
    http_key(s, "GET", API1 "/batch_exports/", "k1", NULL, &r);
    SCOPE_403(&r, "batch_export:read");
    http_resp_free(&r);
    /* a key that exists: 409, alone or inside an array (then none added) */
    ADMIN_EXPECT(s, "POST", KEYS, "{\"key\":\"k1\",\"scopes\":[\"*\"]}", 409,
                 "{\"error\":\"key 'k1' already exists\"}");
    ADMIN_EXPECT(s, "POST", KEYS, "[{\"key\":\"k5\",\"scopes\":[\"*\"]},{\"key\":\"k1\"}]", 409,
                 "{\"error\":\"key 'k1' already exists\"}");
    http_key(s, "GET", DASH1, "k5", NULL, &r);
    BAD_KEY_401(&r);
    http_resp_free(&r);
    /* the default key is one that exists */
    ADMIN_EXPECT(s, "POST", KEYS, "{\"key\":\"" DEFAULT_KEY "\",\"scopes\":[\"*\"]}", 409,
                 "{\"error\":\"key '" DEFAULT_KEY "' already exists\"}");
    /* the first scope still holds: k1 was not replaced */
    http_key(s, "POST", DASH1, "k1", "{\"name\":\"x\"}", &r);
    SCOPE_403(&r, "dashboard:write");
    http_resp_free(&r);
    /* one bad entry: 400 naming it, and none of the array is added */
    ADMIN_EXPECT(s, "POST", KEYS,
                 "[{\"key\":\"k2\",\"scopes\":[\"dashboard:read\"]},"
                 "{\"key\":\"k3\",\"scopes\":\"x\"}]", 400,
                 "{\"error\":\"entry 2: 'scopes' must be an array of strings\"}");
    http_key(s, "GET", DASH1, "k2", NULL, &r);
    BAD_KEY_401(&r);
    http_resp_free(&r);
    http_key(s, "GET", DASH1, "k3", NULL, &r);
    BAD_KEY_401(&r);
    http_resp_free(&r);
    ADMIN_EXPECT(s, "POST", KEYS, "[]", 400, "{\"error\":\"body: an empty array adds no key\"}");
    ADMIN_EXPECT(s, "POST", KEYS, "{\"key\":", 400,
                 "{\"error\":\"body is not JSON: Expecting value: line 1 column 8 (char 7)\"}");
    /* the count is still the default key and k1 */
    ADMIN_EXPECT(s, "POST", KEYS,
                 "[{\"key\":\"k2\",\"scopes\":[\"dashboard:write\"]},"
                 "{\"key\":\"s\",\"session\":true}]", 201,
                 "{\"added\":2,\"keys\":4}");
    /* k2 writes, and :write implies :read (PostHog's scope check) */
    http_key(s, "POST", DASH1, "k2", "{\"name\":\"by k2\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "1");
    http_resp_free(&r);
    http_key(s, "GET", DASH1, "k2", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    http_key(s, "GET", API1 "/batch_exports/", "k2", NULL, &r);
    SCOPE_403(&r, "batch_export:read");
    http_resp_free(&r);
    /* a session key calls everything: scoped, unscoped and internal
     * operations alike.  "s" is one character, shorter than the
     * Authorization header's pattern (Bearer\s+(\S.+)), so it goes in the
     * query string. */
    http_key(s, "GET", DASH1 "?personal_api_key=s", HTTP_NONE, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    http_key(s, "GET", DASH1, "s", NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_key(s, "POST", DASH1 "?personal_api_key=s", HTTP_NONE, "{\"name\":\"by s\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "id", "2");
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", API1 "/batch_exports/?personal_api_key=s", HTTP_NONE, NULL, 200,
               EMPTY_LIST);
    /* an INTERNAL operation: refused to k2, allowed to the session */
    http_key(s, "GET", API1 "/batch_exports/test/?destination=S3", "k2", NULL, &r);
    SCOPE_403(&r, "INTERNAL");
    http_resp_free(&r);
    http_key(s, "GET", API1 "/batch_exports/test/?destination=S3&personal_api_key=s",
             HTTP_NONE, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "steps.0.name", "\"Verify destination\"");
    http_resp_free(&r);
    /* an operation personal keys may not call at all: the session may */
    http_key(s, "POST", API1 "/dashboards/create_unlisted_dashboard/?personal_api_key=s",
             HTTP_NONE, "{\"tag\":\"llm-analytics\"}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "creation_mode", "\"unlisted\"");
    http_resp_free(&r);
    http_key(s, "POST", API1 "/dashboards/create_unlisted_dashboard/", "k2",
             "{\"tag\":\"t2\"}", &r);
    ASSERT_ERROR(&r, 403, "authentication_error", "permission_denied",
                 "This action does not support personal API key access", NULL);
    http_resp_free(&r);
    server_cleanup(s);
}

/* ---- 11. --admin-token -------------------------------------------------- */

#define TOKEN_401 "{\"error\":\"the admin API needs \\\"Authorization: Bearer <token>\\\" " \
                  "with the --admin-token value\"}"

static void admin_auth(server *s, const char *method, const char *path,
                       const char *auth, const char *body, http_resp *r)
{
    http_req q = {.method = method, .path = path, .body = body, .auth = auth};
    http_do(s, &q, r);
}

static void test_admin_token(void **state)
{
    (void)state;
    static const char *const TOKEN[] = {"--admin-token", "T0ken", NULL};
    server *s = start(TOKEN);
    http_resp r;
    admin_auth(s, "GET", "/__specmock/health", HTTP_NONE, NULL, &r);
    ASSERT_JSON_RESP(&r, 401, TOKEN_401);
    http_resp_free(&r);
    static const char *const wrong[] = {"Bearer wrong", "Bearer T0ke", "Bearer T0ken2",
                                        "Bearer ", "T0ken", "Basic T0ken",
                                        "Bearer " DEFAULT_KEY};
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        admin_auth(s, "GET", "/__specmock/health", wrong[i], NULL, &r);
        ASSERT_JSON_RESP(&r, 401, TOKEN_401);
        http_resp_free(&r);
    }
    admin_auth(s, "GET", "/__specmock/health", "Bearer T0ken", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "status", "\"ok\"");
    http_resp_free(&r);
    /* every endpoint, the unknown one included: 401 before anything */
    admin_auth(s, "POST", FAULTS, HTTP_NONE, "{\"operation\":\"*\",\"status\":503}", &r);
    ASSERT_JSON_RESP(&r, 401, TOKEN_401);
    http_resp_free(&r);
    admin_auth(s, "GET", "/__specmock/nope", "Bearer wrong", NULL, &r);
    ASSERT_JSON_RESP(&r, 401, TOKEN_401);
    http_resp_free(&r);
    admin_auth(s, "POST", KEYS, "Bearer wrong", "{\"key\":\"k1\",\"scopes\":[\"*\"]}", &r);
    ASSERT_JSON_RESP(&r, 401, TOKEN_401);
    http_resp_free(&r);
    http_key(s, "GET", DASH1, "k1", NULL, &r);
    BAD_KEY_401(&r); /* the refused POST added nothing */
    http_resp_free(&r);
    admin_auth(s, "GET", FAULTS, "Bearer wrong", NULL, &r);
    ASSERT_JSON_RESP(&r, 401, TOKEN_401);
    http_resp_free(&r);
    admin_auth(s, "GET", FAULTS, "Bearer T0ken", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, NO_FAULTS); /* the refused POST added nothing */
    http_resp_free(&r);
    /* API requests are unaffected by the token */
    list_ok(s);
    http_key(s, "GET", DASH1, HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    http_key(s, "GET", DASH1, "T0ken", NULL, &r);
    BAD_KEY_401(&r);
    http_resp_free(&r);
    /* with the token the admin plane works as usual */
    admin_auth(s, "POST", FAULTS, "Bearer T0ken", "{\"operation\":\"*\",\"status\":503}", &r);
    ASSERT_JSON_RESP(&r, 201, STATUS_RULE(1, "*", 503, 0, 0));
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    SERVER_ERROR_503(&r);
    http_resp_free(&r);
    admin_auth(s, "DELETE", FAULTS, "Bearer T0ken", NULL, &r);
    ASSERT_STATUS(&r, 204);
    http_resp_free(&r);
    list_ok(s);
    server_cleanup(s);
}

/* ---- access from a non-loopback address --------------------------------- */

/* This host's first IPv4 address that is not 127.x (network byte
 * order), 0 when it has none. */
static uint32_t local_non_loopback(void)
{
    struct ifaddrs *ifs, *i;
    uint32_t found = 0;
    if (getifaddrs(&ifs) != 0)
        return 0;
    for (i = ifs; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
            continue;
        uint32_t a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
        if ((ntohl(a) >> 24) != 127)
            found = a;
    }
    freeifaddrs(ifs);
    return found;
}

/* One HTTP/1.1 request to addr:port (the connection closed after it); the
 * whole answer into out.  The peer the server sees is addr, not 127.x. */
static void exchange_at(uint32_t addr, int port, const char *req, char *out, size_t cap)
{
    assert_true(raw_exchange_at(addr, port, req, strlen(req), false, out, cap, 5000) > 0);
}

#define LOOPBACK_403 "{\"error\":\"the admin API answers loopback clients only; start " \
                     "specmock with --admin-token to allow others\"}"

/* Without --admin-token a client that is not on loopback gets 403 from the
 * admin plane (and the API as usual); with it, the token lets it in.
 * Skipped on a host with no non-loopback IPv4 address. */
static void test_admin_non_loopback(void **state)
{
    (void)state;
    uint32_t addr = local_non_loopback();
    if (!addr)
        skip();
    static const char *const ANY[] = {"--host", "0.0.0.0", NULL};
    server *s = start(ANY);
    char out[8192];
    exchange_at(addr, s->port, "GET /__specmock/health HTTP/1.1\r\nHost: x\r\n"
                               "Connection: close\r\n\r\n", out, sizeof out);
    ASSERT_CONTAINS(out, "HTTP/1.1 403 Forbidden\r\n", "status line");
    ASSERT_CONTAINS(out, "\r\n\r\n" LOOPBACK_403, "body");
    exchange_at(addr, s->port, "POST " FAULTS " HTTP/1.1\r\nHost: x\r\n"
                               "Content-Length: 30\r\nConnection: close\r\n\r\n"
                               "{\"operation\":\"*\",\"status\":503}", out, sizeof out);
    ASSERT_CONTAINS(out, "HTTP/1.1 403 Forbidden\r\n", "status line");
    EXPECT_FAULTS(s, ""); /* the refused POST added nothing */
    exchange_at(addr, s->port, "GET " DASH1 " HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer " DEFAULT_KEY "\r\n"
                               "Connection: close\r\n\r\n", out, sizeof out);
    ASSERT_CONTAINS(out, "HTTP/1.1 200 OK\r\n", "API status line");
    ASSERT_CONTAINS(out, "\r\n\r\n" EMPTY_LIST, "API body");
    server_cleanup(s);

    static const char *const ANY_TOKEN[] = {"--host", "0.0.0.0", "--admin-token", "T0ken", NULL};
    s = start(ANY_TOKEN);
    exchange_at(addr, s->port, "GET /__specmock/health HTTP/1.1\r\nHost: x\r\n"
                               "Connection: close\r\n\r\n", out, sizeof out);
    ASSERT_CONTAINS(out, "HTTP/1.1 401 Unauthorized\r\n", "status line");
    ASSERT_CONTAINS(out, "\r\n\r\n" TOKEN_401, "body");
    exchange_at(addr, s->port, "GET /__specmock/health HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer T0ken\r\n"
                               "Connection: close\r\n\r\n", out, sizeof out);
    ASSERT_CONTAINS(out, "HTTP/1.1 200 OK\r\n", "status line");
    ASSERT_CONTAINS(out, "\"status\":\"ok\"", "body");
    server_cleanup(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_times),
        cmocka_unit_test(test_status_envelopes),
        cmocka_unit_test(test_star_rule),
        cmocka_unit_test(test_after_and_times),
        cmocka_unit_test(test_rules_in_order),
        cmocka_unit_test(test_probability),
        cmocka_unit_test(test_unknown_operation),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_forced_runs_no_handler),
        cmocka_unit_test(test_drop),
        cmocka_unit_test(test_drop_after_latency),
        cmocka_unit_test(test_drop_journal),
        cmocka_unit_test(test_latency),
        cmocka_unit_test(test_latency_parallel),
        cmocka_unit_test(test_latency_pipelined),
        cmocka_unit_test(test_latency_client_gone),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_faults_leave_generated_values),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_rule_cap),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_admin_token),
        cmocka_unit_test(test_admin_non_loopback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
