/*
 * test_hostile.c — hostile and malformed input (issue 7).  Every case is
 * answered with the API's error envelope, or the connection is closed where
 * HTTP itself is broken, and after every case a normal client still gets a
 * correct answer (the "normal" helper).  Idle connections are held open
 * while other clients are served.  Raw sockets send what libcurl cannot.
 * Also: --max-body (413 with the limit in the detail), --map-size (507,
 * reads keep working), --timeout (idle and slow-loris connections closed).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define TOO_LARGE(r, n)                                                        \
    ASSERT_ERROR((r), 413, "invalid_request", "request_too_large",            \
                 "Request body exceeds the " #n "-byte limit.", NULL)
#define PARSE_ERROR(r, d)                                                      \
    ASSERT_ERROR((r), 400, "invalid_request", "parse_error", (d), NULL)

/* A normal client: dashboard 1 exists (created by the fixture) and reads
 * back exactly. */
static void normal(server *s)
{
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "id", "1");
    ASSERT_FIELD(&r, "name", "\"normal\"");
    http_resp_free(&r);
}

static server *start(const char *const *extra)
{
    server_opts o = {.clock = FIXED_CLOCK, .extra_args = extra};
    server *s = server_start(&o);
    assert_int_equal(create_dashboard(s, 1, "normal"), 1);
    return s;
}

static void post_raw(server *s, const char *body, size_t len, http_resp *r)
{
    http_req q = {.method = "POST", .path = DASH1, .body = body, .body_len = len};
    http_do(s, &q, r);
}

static int connect_to(const server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* 1 when the server closed fd (EOF or reset) within timeout_ms, reading and
 * dropping whatever it answered first. */
static int closed_within(int fd, int timeout_ms)
{
    char buf[4096];
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                return 1;
        }
    }
    return 0;
}

static void test_malformed_bodies(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    post_raw(s, "{\"name\":", 0, &r);
    PARSE_ERROR(&r, "JSON parse error - Expecting value: line 1 column 9 (char 8)");
    http_resp_free(&r);
    normal(s);
    post_raw(s, "{\"name\":\"\xff\xfe\"}", 0, &r);
    PARSE_ERROR(&r, "JSON parse error - 'utf-8' codec can't decode byte 0xff in "
                    "position 9: invalid start byte");
    http_resp_free(&r);
    normal(s);
    post_raw(s, "{\"name\":\"a\0b\"}", 14, &r);
    PARSE_ERROR(&r, "JSON parse error - Invalid control character at: line 1 column 11 (char 10)");
    http_resp_free(&r);
    normal(s);
    post_raw(s, "\0\0\0\0", 4, &r);
    ASSERT_STATUS(&r, 400);
    ASSERT_FIELD(&r, "code", "\"parse_error\"");
    http_resp_free(&r);
    normal(s);

    /* 10,000 deep, arrays and objects */
    size_t depth = 10000;
    char *deep = malloc(7 * depth + 64);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    post_raw(s, deep, 2 * depth, &r);
    PARSE_ERROR(&r, "JSON parse error - maximum parsing depth reached near '['");
    http_resp_free(&r);
    size_t n = 0;
    n += (size_t)sprintf(deep, "{\"filters\":");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(deep + n, "{\"a\":");
    deep[n++] = '1';
    memset(deep + n, '}', depth + 1);
    n += depth + 1;
    post_raw(s, deep, n, &r);
    PARSE_ERROR(&r, "JSON parse error - maximum parsing depth reached near '{'");
    http_resp_free(&r);
    free(deep);
    normal(s);
    server_stop(s);
    server_cleanup(s);
}

static void test_content_types_and_methods(void **state)
{
    (void)state;
    server *s = start(NULL);
    http_resp r;
    http_req q = {.method = "POST", .path = DASH1, .body = "{}", .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    q.content_type = "";
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"\" in request.", NULL);
    http_resp_free(&r);
    normal(s);
    /* evhttp 2.1 answers a method it does not know itself (501, HTML; no
     * callback reaches the server: docs/contracts.md "Reliability") */
    char buf[4096];
    static const char brew[] = "BREW " DASH1 " HTTP/1.1\r\nHost: x\r\n\r\n";
    long got = raw_exchange(s, brew, sizeof brew - 1, true, buf, sizeof buf, 3000);
    assert_true(got > 0);
    ASSERT_CONTAINS(buf, "HTTP/1.1 501 Not Implemented", "BREW");
    normal(s);
    /* a broken request line: 400 from evhttp, or the connection closed */
    static const char junk[] = "garbage\r\n\r\n";
    got = raw_exchange(s, junk, sizeof junk - 1, true, buf, sizeof buf, 3000);
    assert_true(got == 0 || strstr(buf, "HTTP/1.1 400") == buf);
    normal(s);
    static const char bin[] = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\0\0\r\n\r\n";
    got = raw_exchange(s, bin, sizeof bin - 1, true, buf, sizeof buf, 3000);
    assert_true(got == 0 || strstr(buf, "HTTP/1.1 400") == buf);
    normal(s);
    server_stop(s);
    server_cleanup(s);
}

static void test_paths_and_queries(void **state)
{
    (void)state;
    server *s = start(NULL);
    static const char *const notfound[] = {
        DASH1 "../../../etc/passwd", DASH1 "%2e%2e%2f1/", DASH1 "%00/",
        DASH1 "1%2f/", DASH1 "%ZZ/", DASH1 "%", "/api/environments/1/../1/dashboards/1/x/",
        "//api//environments//1//dashboards//", DASH1 "1/%2e%2e/",
    };
    for (size_t i = 0; i < sizeof notfound / sizeof notfound[0]; i++) {
        http_resp r;
        http(s, "GET", notfound[i], NULL, &r);
        if (r.status != 404 && r.status != 400) {
            print_error("%s: status %ld\n", notfound[i], r.status);
            fail();
        }
        ASSERT_FIELD(&r, "type", "\"invalid_request\"");
        http_resp_free(&r);
        normal(s);
    }
    static const char *const queries[] = {
        "?limit=99999999999999999999999&offset=-5", "?limit=-1&offset=99999999999999999999",
        "?limit=0&offset=0", "?limit=1e3&offset=%2B4", "?limit=&offset=&&=",
        "?limit=9223372036854775807&offset=9223372036854775807",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *p = xprintf("%s%s", DASH1, queries[i]);
        http_resp r;
        http(s, "GET", p, NULL, &r);
        ASSERT_STATUS(&r, 200);
        ASSERT_FIELD(&r, "count", "1");
        http_resp_free(&r);
        free(p);
    }
    server_stop(s);
    server_cleanup(s);
}

static void test_max_body(void **state)
{
    (void)state;
    const char *const extra[] = {"--max-body", "64", NULL};
    server *s = start(extra);
    http_resp r;
    char body[80];
    /* exactly 64 bytes is accepted, 65 refused */
    snprintf(body, sizeof body, "{\"name\":\"%053d\"}", 0);
    assert_int_equal(strlen(body), 64);
    post_raw(s, body, 0, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    snprintf(body, sizeof body, "{\"name\":\"%054d\"}", 0);
    post_raw(s, body, 0, &r);
    TOO_LARGE(&r, 64);
    http_resp_free(&r);
    normal(s);
    server_stop(s);
    server_cleanup(s);

    /* the default: 1 MiB */
    s = start(NULL);
    size_t big = ((size_t)1 << 20) + 1;
    char *huge = malloc(big);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    post_raw(s, huge, big, &r);
    TOO_LARGE(&r, 1048576);
    http_resp_free(&r);
    free(huge);
    normal(s);
    server_stop(s);
    server_cleanup(s);
}

static void test_map_full(void **state)
{
    (void)state;
    const char *const extra[] = {"--map-size", "64K", NULL};
    server *s = start(extra);
    http_resp r;
    int created = 1, full = 0;
    for (int i = 0; i < 2000 && !full; i++) {
        http(s, "POST", DASH1, "{\"name\":\"filler filler filler filler\"}", &r);
        if (r.status == 507) {
            ASSERT_ERROR(&r, 507, "server_error", "insufficient_storage",
                         "The store is full; nothing was written.", NULL);
            full = 1;
        } else {
            ASSERT_STATUS(&r, 201);
            created++;
        }
        http_resp_free(&r);
    }
    assert_true(full);
    normal(s);
    char *p = xprintf("%s?limit=1", DASH1);
    http(s, "GET", p, NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *count = xprintf("%d", created);
    ASSERT_FIELD(&r, "count", count);
    free(count);
    free(p);
    http_resp_free(&r);
    server_stop(s);
    server_cleanup(s);
}

static void test_headers_over_limit(void **state)
{
    (void)state;
    server *s = start(NULL);
    size_t n = 70 * 1024;
    char *req = malloc(n + 256);
    int len = sprintf(req, "GET " DASH1 "1/ HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + len, 'a', n);
    len += (int)n;
    len += sprintf(req + len, "\r\n\r\n");
    char buf[4096];
    long got = raw_exchange(s, req, (size_t)len, true, buf, sizeof buf, 5000);
    /* evhttp refuses (its own 4xx) or closes; it never serves the request */
    assert_true(got >= 0);
    assert_null(strstr(buf, "\"normal\""));
    free(req);
    normal(s);
    server_stop(s);
    server_cleanup(s);
}

/* 2,000 idle connections are held while a normal client is served; with
 * --timeout 1 the server closes them all; a slow-loris body is cut too. */
static void test_idle_and_slow_connections(void **state)
{
    (void)state;
    const char *const extra[] = {"--timeout", "1", NULL};
    server *s = start(extra);
    enum { IDLE = 2000 };
    int *fds = malloc(IDLE * sizeof *fds);
    for (int i = 0; i < IDLE; i++)
        fds[i] = connect_to(s);
    normal(s);
    /* slow loris: headers promise 100 bytes, 10 arrive */
    int slow = connect_to(s);
    static const char part[] = "POST " DASH1 " HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer " DEFAULT_KEY "\r\n"
                               "Content-Type: application/json\r\n"
                               "Content-Length: 100\r\n\r\n{\"name\":\"x";
    assert_int_equal(write(slow, part, sizeof part - 1), (ssize_t)(sizeof part - 1));
    normal(s);
    assert_true(closed_within(slow, 10000));
    close(slow);
    int closed = 0;
    for (int i = 0; i < IDLE; i++) {
        closed += closed_within(fds[i], i == 0 ? 10000 : 1000);
        close(fds[i]);
    }
    free(fds);
    assert_int_equal(closed, IDLE);
    normal(s);
    /* nothing was created by the cut body */
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    server_stop(s);
    server_cleanup(s);
}

/* --max-connections caps what is accepted (the descriptor limit): past it
 * the server pauses accepting instead of spinning on EMFILE, says so once,
 * and serves a normal client as soon as idle connections time out. */
static void test_connection_cap(void **state)
{
    (void)state;
    const char *const extra[] = {"--timeout", "1", "--max-connections", "16", NULL};
    server *s = start(extra);
    enum { OVER = 60 };
    int fds[OVER];
    for (int i = 0; i < OVER; i++)
        fds[i] = connect_to(s); /* the kernel completes them; some wait */
    normal(s); /* served once the idle ones are closed (--timeout 1) */
    for (int i = 0; i < OVER; i++)
        close(fds[i]);
    normal(s);
    char *err = server_stderr(s);
    size_t said = 0;
    for (const char *p = err; (p = strstr(p, "connection cap reached")); p++)
        said++;
    /* at least once, and not once per refused accept (thousands) */
    if (said < 1 || said > 10) {
        print_error("cap messages: %zu\n%s\n", said, err);
        fail();
    }
    free(err);
    assert_int_equal(server_stop(s), 0);
    server_cleanup(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_content_types_and_methods),
        cmocka_unit_test(test_paths_and_queries),
        cmocka_unit_test(test_max_body),
        cmocka_unit_test(test_map_full),
        cmocka_unit_test(test_headers_over_limit),
        cmocka_unit_test(test_idle_and_slow_connections),
        cmocka_unit_test(test_connection_cap),
    };
    return cmocka_run_group_tests_name("integration_hostile", tests, NULL, NULL);
}
