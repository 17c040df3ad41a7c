/*
 * test_shutdown.c — graceful shutdown (issue 7; runtime/main.c, server.h
 * "Shutdown"): on SIGTERM/SIGINT the server stops accepting, closes idle
 * connections, lets a request in progress finish with its full answer,
 * closes the store and exits 0; a second signal exits at once with 128 +
 * the signal; data written before the signal is there after a restart on
 * the same --db.
 *
 * The in-flight request is made observable without timing: it is sent with
 * "Expect: 100-continue", and evhttp answers "100 Continue" only once it has
 * read the headers, so the request is known to be in progress before the
 * signal goes out.  Every wait is bounded; --timeout 60 keeps evhttp's own
 * timeout out of the way (the bounded waits are far shorter).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *const extra[] = {"--timeout", "60", NULL};

static long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A connected socket, or -1 with errno (ECONNREFUSED once the listening
 * socket is closed). */
static int try_connect(const server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}

static int connect_to(const server *s)
{
    int fd = try_connect(s);
    if (fd < 0) {
        print_error("connect to port %d: %s\n", s->port, strerror(errno));
        fail();
    }
    return fd;
}

/* 1 once a new connection is refused (within timeout_ms). */
static int refused_within(const server *s, int timeout_ms)
{
    long end = ms_now() + timeout_ms;
    while (ms_now() < end) {
        int fd = try_connect(s);
        if (fd < 0 && errno == ECONNREFUSED)
            return 1;
        if (fd >= 0)
            close(fd);
        struct timespec d = {0, 20 * 1000000L};
        nanosleep(&d, NULL);
    }
    return 0;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            print_error("write: %s\n", strerror(errno));
            fail();
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Reads into buf (NUL-terminated) until marker appears (marker NULL: until
 * EOF) or timeout_ms passes; returns the bytes read, -1 on a reset. */
static long read_until(int fd, const char *marker, char *buf, size_t cap,
                       int timeout_ms)
{
    size_t len = 0;
    long end = ms_now() + timeout_ms;
    buf[0] = '\0';
    while (ms_now() < end && len + 1 < cap) {
        if (marker && strstr(buf, marker))
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
    }
    return (long)len;
}

/* 1 when the server closed fd (EOF or reset) within timeout_ms. */
static int closed_within(int fd, int timeout_ms)
{
    char buf[4096];
    long end = ms_now() + timeout_ms;
    while (ms_now() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                return 1;
        }
    }
    return 0;
}

/* Sends the headers of POST DASH1 with a body of body_len bytes and
 * "Expect: 100-continue", and waits for evhttp's "100 Continue": from then
 * on the request is in progress on the server. */
static int start_upload(server *s, size_t body_len)
{
    int fd = connect_to(s);
    char *head = xprintf("POST " DASH1 " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Authorization: Bearer " DEFAULT_KEY "\r\n"
                         "Content-Type: application/json\r\n"
                         "Content-Length: %zu\r\nExpect: 100-continue\r\n\r\n",
                         body_len);
    send_all(fd, head, strlen(head));
    free(head);
    char buf[256];
    read_until(fd, "\r\n\r\n", buf, sizeof buf, 10000);
    ASSERT_STR_EQ(buf, "HTTP/1.1 100 Continue\r\n\r\n", "interim answer");
    return fd;
}

/* (a) + (c): SIGTERM while a request is in progress. */
static void test_sigterm_finishes_request_in_progress(void **state)
{
    (void)state;
    server_opts o = {.clock = FIXED_CLOCK, .extra_args = extra};
    server *s = server_start(&o);
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"before\",\"tags\":[\"t\"]}", &r);
    ASSERT_STATUS(&r, 201);
    char *before = strdup(r.body);
    http_resp_free(&r);

    int idle = connect_to(s); /* connected, never sends: not in progress */
    static const char body[] = "{\"name\":\"in flight\",\"description\":\"d\"}";
    int up = start_upload(s, sizeof body - 1);

    server_signal(s, SIGTERM);
    if (!refused_within(s, 10000)) {
        print_error("new connections are still accepted 10 s after SIGTERM\n");
        fail();
    }
    if (!closed_within(idle, 10000)) {
        print_error("an idle connection was not closed on SIGTERM\n");
        fail();
    }
    close(idle);
    assert_int_equal(server_wait(s, 0), -2); /* still finishing the upload */

    /* the rest of the request: the whole answer comes back */
    send_all(up, body, sizeof body - 1);
    static char ans[16384];
    long n = read_until(up, NULL, ans, sizeof ans, 10000);
    close(up);
    assert_true(n > 0);
    const char *sep = strstr(ans, "\r\n\r\n");
    assert_non_null(sep);
    const char *got = sep + 4;
    ASSERT_CONTAINS(ans, "HTTP/1.1 201 Created\r\n", "status line");
    assert_true(strncmp(ans, "HTTP/1.1 201 Created\r\n", 22) == 0);
    ASSERT_CONTAINS(ans, "\r\nConnection: close\r\n", "headers while draining");
    char *clen = xprintf("\r\nContent-Length: %zu\r\n", strlen(got));
    ASSERT_CONTAINS(ans, clen, "Content-Length of the whole body");
    free(clen);
    char *created = strdup(got);

    int rc = server_wait(s, 10000);
    if (rc != 0) {
        char *err = server_stderr(s);
        print_error("exit status after SIGTERM: %d (expected 0)\nstderr:\n%s\n", rc, err);
        free(err);
        fail();
    }
    char *err = server_stderr(s);
    ASSERT_CONTAINS(err, "specmock: SIGTERM: not accepting; finishing 1 request "
                         "in progress (at most 60 s)\n", "stderr");
    free(err);

    /* (c) everything written before and during the drain is there */
    server_restart(s);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, before);
    http_resp_free(&r);
    http(s, "GET", DASH1 "2/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, created);
    ASSERT_FIELD(&r, "name", "\"in flight\"");
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "2");
    http_resp_free(&r);
    assert_int_equal(create_dashboard(s, 1, "after"), 3);
    free(before);
    free(created);
    assert_int_equal(server_stop(s), 0);
    server_cleanup(s);
}

/* A large answer still being written when SIGTERM arrives is written in
 * full: the client's receive buffer is small, so most of the answer is
 * still in the server's output buffer then. */
static void test_sigterm_finishes_large_answer(void **state)
{
    (void)state;
    enum { N = 400, DESC = 3000 };
    char fx[] = "/tmp/specmock-shutdown-fx-XXXXXX";
    int ffd = mkstemp(fx);
    assert_true(ffd >= 0);
    FILE *f = fdopen(ffd, "w");
    assert_non_null(f);
    fputs("{\"dashboards\":[", f);
    for (int i = 0; i < N; i++) {
        fprintf(f, "%s{\"name\":\"d%d\",\"description\":\"", i ? "," : "", i);
        for (int k = 0; k < DESC; k++)
            fputc('x', f);
        fputs("\"}", f);
    }
    fputs("]}\n", f);
    fclose(f);
    const char *const args[] = {"--timeout", "60", "--fixtures", fx, NULL};
    server_opts o = {.clock = FIXED_CLOCK, .extra_args = args};
    server *s = server_start(&o);
    unlink(fx);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    static const char get[] = "GET " DASH1 "?limit=100000 HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer " DEFAULT_KEY "\r\n\r\n";
    send_all(fd, get, sizeof get - 1);
    size_t cap = (size_t)N * (DESC + 1024) + 65536;
    char *ans = malloc(cap);
    assert_non_null(ans);
    /* the answer has started */
    long n = read_until(fd, "\r\n\r\n", ans, 4096, 10000);
    assert_true(n > 0);
    ASSERT_CONTAINS(ans, "HTTP/1.1 200 OK\r\n", "status line");

    server_signal(s, SIGTERM);
    if (!refused_within(s, 10000)) {
        print_error("new connections are still accepted 10 s after SIGTERM\n");
        fail();
    }
    long rest = read_until(fd, NULL, ans + n, cap - (size_t)n, 50000);
    close(fd);
    assert_true(rest > 0);
    const char *sep = strstr(ans, "\r\n\r\n");
    assert_non_null(sep);
    size_t blen = (size_t)(n + rest) - (size_t)(sep + 4 - ans);
    char *clen = xprintf("\r\nContent-Length: %zu\r\n", blen);
    ASSERT_CONTAINS(ans, clen, "Content-Length of the whole body");
    free(clen);
    char *count = xprintf("{\"count\":%d,", N);
    assert_true(strncmp(sep + 4, count, strlen(count)) == 0);
    free(count);
    assert_true(blen > (size_t)N * DESC);
    assert_true(ans[n + rest - 1] == '}');
    free(ans);
    assert_int_equal(server_wait(s, 20000), 0);
    server_cleanup(s);
}

/* Nothing in progress: SIGTERM (and SIGINT) exit 0 with idle connections
 * open, without waiting for them. */
static void test_idle_connections_do_not_hold_shutdown(void **state)
{
    (void)state;
    static const int sigs[] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        server_opts o = {.clock = FIXED_CLOCK, .extra_args = extra};
        server *s = server_start(&o);
        assert_int_equal(create_dashboard(s, 1, "x"), 1);
        int idle[3];
        for (int k = 0; k < 3; k++)
            idle[k] = connect_to(s);
        /* one kept-alive connection that has been answered */
        static const char get[] = "GET " DASH1 "1/ HTTP/1.1\r\nHost: x\r\n"
                                  "Authorization: Bearer " DEFAULT_KEY "\r\n\r\n";
        int ka = connect_to(s);
        send_all(ka, get, sizeof get - 1);
        char buf[4096];
        read_until(ka, "\"name\":\"x\"", buf, sizeof buf, 10000);
        ASSERT_CONTAINS(buf, "HTTP/1.1 200 OK\r\n", "kept-alive answer");
        server_signal(s, sigs[i]);
        int rc = server_wait(s, 20000); /* far below --timeout 60 */
        assert_int_equal(rc, 0);
        for (int k = 0; k < 3; k++) {
            assert_true(closed_within(idle[k], 10000));
            close(idle[k]);
        }
        assert_true(closed_within(ka, 10000));
        close(ka);
        server_restart(s);
        http_resp r;
        http(s, "GET", DASH1 "1/", NULL, &r);
        ASSERT_STATUS(&r, 200);
        ASSERT_FIELD(&r, "name", "\"x\"");
        http_resp_free(&r);
        server_cleanup(s);
    }
}

/* (b): a connection stuck mid-body holds the drain (up to --timeout); a
 * second signal exits at once with 128 + signal, and the store opens again
 * with what was written. */
static void test_second_signal_exits_at_once(void **state)
{
    (void)state;
    static const int sigs[] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        server_opts o = {.clock = FIXED_CLOCK, .extra_args = extra};
        server *s = server_start(&o);
        assert_int_equal(create_dashboard(s, 1, "kept"), 1);
        int up = start_upload(s, 100);
        send_all(up, "{\"name\":\"x", 10); /* 10 of 100 bytes, then nothing */

        server_signal(s, sigs[i]);
        if (!refused_within(s, 10000)) {
            print_error("new connections are still accepted 10 s after the signal\n");
            fail();
        }
        assert_int_equal(server_wait(s, 0), -2); /* waiting for the body */
        server_signal(s, sigs[i]);
        int rc = server_wait(s, 20000); /* far below --timeout 60 */
        assert_int_equal(rc, 128 + sigs[i]);
        assert_true(closed_within(up, 10000));
        close(up);
        char *err = server_stderr(s);
        char *want = xprintf("specmock: second signal (%s): exiting now\n",
                             sigs[i] == SIGTERM ? "SIGTERM" : "SIGINT");
        ASSERT_CONTAINS(err, want, "stderr");
        free(want);
        free(err);

        server_restart(s);
        http_resp r;
        http(s, "GET", DASH1, NULL, &r);
        ASSERT_STATUS(&r, 200);
        ASSERT_FIELD(&r, "count", "1"); /* the cut upload wrote nothing */
        ASSERT_FIELD(&r, "results.0.name", "\"kept\"");
        http_resp_free(&r);
        assert_int_equal(create_dashboard(s, 1, NULL), 2);
        server_cleanup(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_finishes_request_in_progress),
        cmocka_unit_test(test_sigterm_finishes_large_answer),
        cmocka_unit_test(test_idle_connections_do_not_hold_shutdown),
        cmocka_unit_test(test_second_signal_exits_at_once),
    };
    return cmocka_run_group_tests_name("integration_shutdown", tests, NULL, NULL);
}
