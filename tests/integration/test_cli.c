/*
 * test_cli.c — the server's command line, start-up lines, signals and the
 * store's lifetime (docs/contracts.md §3, §7).
 */
#include "harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BANNER_PREFIX                                                          \
    "specmock 0.1.0: PostHog environments API (53 operations) from spec/posthog/api.spec, "

/* Split text into lines (modifies it); returns the count. */
static int split_lines(char *text, char **lines, int max)
{
    int n = 0;
    char *p = text;
    while (*p && n < max) {
        char *nl = strchr(p, '\n');
        lines[n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return n;
}

static void assert_starts_with(const char *s, const char *prefix, const char *what)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0) {
        print_error("%s: expected to start with \"%s\", got \"%s\"\n", what, prefix, s);
        fail();
    }
}

/* A refused start: exit 2, exactly one line "specmock: <prefix>..." on
 * stderr, no listening line. */
static void assert_usage_error(const run_result *r, const char *prefix)
{
    if (r->status != 2 || r->listened) {
        print_error("expected exit 2 without listening; got status %d%s\n"
                    "  stdout: %s\n  stderr: %s\n",
                    r->status, r->listened ? " (it started listening)" : "", r->out, r->err);
        fail();
    }
    const char *nl = strchr(r->err, '\n');
    if (strncmp(r->err, prefix, strlen(prefix)) != 0 || !nl || nl[1] != '\0') {
        print_error("expected one stderr line starting with \"%s\"; got:\n%s\n", prefix, r->err);
        fail();
    }
}

static void test_startup_lines_default(void **state)
{
    (void)state;
    server_opts o = {.no_db = true};
    server *s = server_start(&o);
    char *text = strdup(s->startup);
    char *lines[16] = {0};
    int n = split_lines(text, lines, 16);
    if (n != 4) {
        print_error("expected 4 start-up lines, got %d:\n%s\n", n, s->startup);
        fail();
    }
    assert_starts_with(lines[0], BANNER_PREFIX, "banner");
    char *store = xprintf("store: %s/", s->tmpdir); /* under $TMPDIR */
    assert_starts_with(lines[1], store, "store line");
    size_t l1 = strlen(lines[1]);
    const char *suffix = " (temporary)";
    if (l1 < strlen(suffix) || strcmp(lines[1] + l1 - strlen(suffix), suffix) != 0) {
        print_error("store line should end with \"%s\": \"%s\"\n", suffix, lines[1]);
        fail();
    }
    ASSERT_STR_EQ(lines[2], "default key: phx_specmock_dev (session: every operation allowed)",
                  "default key line");
    char *listen = xprintf("listening on http://127.0.0.1:%d", s->port);
    ASSERT_STR_EQ(lines[3], listen, "listening line");
    /* The port printed is the port that answers. */
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    free(listen);
    free(store);
    free(text);
    server_cleanup(s);
}

static void test_startup_lines_with_db(void **state)
{
    (void)state;
    server *s = server_start(NULL);
    char *text = strdup(s->startup);
    char *lines[16] = {0};
    int n = split_lines(text, lines, 16);
    assert_true(n >= 3);
    assert_starts_with(lines[0], BANNER_PREFIX, "banner");
    int found = 0;
    for (int i = 0; i < n; i++)
        if (!strncmp(lines[i], "store: ", 7)) {
            found = 1;
            ASSERT_CONTAINS(lines[i], s->db, "store line names the --db directory");
            if (strstr(lines[i], "(temporary)")) {
                print_error("a --db store is not temporary: \"%s\"\n", lines[i]);
                fail();
            }
        }
    assert_true(found);
    /* --db DIR is created when missing. */
    struct stat st;
    assert_int_equal(stat(s->db, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    free(text);
    server_cleanup(s);
}

static void test_startup_lines_with_keys(void **state)
{
    (void)state;
    server_opts o = {.keys_json = "[{\"key\":\"phx_only\",\"scopes\":[\"*\"]}]"};
    server *s = server_start(&o);
    char *text = strdup(s->startup);
    char *lines[16] = {0};
    int n = split_lines(text, lines, 16);
    assert_starts_with(lines[0], BANNER_PREFIX, "banner");
    for (int i = 0; i < n; i++)
        if (strstr(lines[i], "default key")) {
            print_error("no default key line expected with --keys:\n%s\n", s->startup);
            fail();
        }
    char *listen = xprintf("listening on http://127.0.0.1:%d", s->port);
    ASSERT_STR_EQ(lines[n - 1], listen, "last start-up line");
    /* The default key does not exist when --keys is given. */
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_ERROR(&r, 401, "authentication_error", "authentication_failed",
                 "Personal API key found in request Authorization header is invalid.", NULL);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1, "Bearer phx_only", NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    free(listen);
    free(text);
    server_cleanup(s);
}

static void test_help(void **state)
{
    (void)state;
    const char *args[] = {"--help", NULL};
    run_result r;
    run_binary(args, 5000, &r);
    if (r.status != 0 || r.listened) {
        print_error("--help: status %d\n  stdout: %s\n  stderr: %s\n", r.status, r.out, r.err);
        fail();
    }
    const char *flags[] = {"--host", "--port", "--db", "--keys", "--clock", "--sync",
                           "--fixtures", "--journal", "--journal-file",
                           "--admin-token", "--max-connections", "--seed", "--log",
                           "--help", "--version", NULL};
    for (int i = 0; flags[i]; i++)
        ASSERT_CONTAINS(r.out, flags[i], "--help output (stdout)");
    /* every flag that takes a value states its default */
    const char *defaults[] = {"(default 127.0.0.1)", "(default 8010)",
                              "(default: temporary)", "(default: that key)",
                              "(default: the wall clock)", "(default: off)",
                              "(default: none, real randomness)", NULL};
    for (int i = 0; defaults[i]; i++)
        ASSERT_CONTAINS(r.out, defaults[i], "--help output (stdout)");
    run_result_free(&r);
}

static void test_version(void **state)
{
    (void)state;
    const char *args[] = {"--version", NULL};
    run_result r;
    run_binary(args, 5000, &r);
    if (r.status != 0 || r.listened) {
        print_error("--version: status %d\n  stdout: %s\n  stderr: %s\n", r.status, r.out, r.err);
        fail();
    }
    ASSERT_STR_EQ(r.out, "specmock 0.1.0\n", "--version output");
    run_result_free(&r);
}

static void check_refused(const char *const *args, const char *prefix)
{
    run_result r;
    run_binary(args, 5000, &r);
    assert_usage_error(&r, prefix);
    run_result_free(&r);
}

static void test_bad_flag(void **state)
{
    (void)state;
    const char *a1[] = {"--host", "127.0.0.1", "--port", "0", "--frobnicate", NULL};
    check_refused(a1, "specmock: ");
    const char *a2[] = {"--host", "127.0.0.1", "--port", "0", "extra-positional", NULL};
    check_refused(a2, "specmock: ");
}

static void test_missing_value(void **state)
{
    (void)state;
    const char *a1[] = {"--host", "127.0.0.1", "--port", NULL};
    check_refused(a1, "specmock: ");
    const char *a2[] = {"--host", "127.0.0.1", "--port", "0", "--db", NULL};
    check_refused(a2, "specmock: ");
    const char *a3[] = {"--host", "127.0.0.1", "--port", "0", "--clock", NULL};
    check_refused(a3, "specmock: ");
}

static void test_bad_number(void **state)
{
    (void)state;
    const char *a1[] = {"--host", "127.0.0.1", "--port", "abc", NULL};
    check_refused(a1, "specmock: ");
    const char *a2[] = {"--host", "127.0.0.1", "--port", "80x", NULL};
    check_refused(a2, "specmock: ");
    const char *a3[] = {"--host", "127.0.0.1", "--port", "70000", NULL};
    check_refused(a3, "specmock: ");
}

static void test_bad_clock(void **state)
{
    (void)state;
    const char *a1[] = {"--host", "127.0.0.1", "--port", "0", "--clock", "yesterday", NULL};
    check_refused(a1, "specmock: ");
    const char *a2[] = {"--host", "127.0.0.1", "--port", "0", "--clock",
                        "2026-13-45T00:00:00Z", NULL};
    check_refused(a2, "specmock: ");
}

/* --max-body and --map-size take a byte count (K/M/G suffixes) in range. */
static void test_bad_sizes(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"--max-body", "0"},     {"--max-body", "-1"},   {"--max-body", "2G"},
        {"--max-body", "1X"},    {"--max-body", ""},     {"--max-body", "4MB"},
        {"--map-size", "1000"},  {"--map-size", "abc"},  {"--map-size", "2000G"},
        {"--map-size", "99999999999999999999999"},       {"--map-size", " 1G"},
        {"--timeout", "0"},      {"--timeout", "1K"},    {"--timeout", "3601"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *a[] = {"--host", "127.0.0.1", "--port", "0", bad[i][0], bad[i][1], NULL};
        check_refused(a, "specmock: ");
    }
}

static void test_bad_seed_and_log(void **state)
{
    (void)state;
    const char *a1[] = {"--port", "0", "--seed", "-1", NULL};
    check_refused(a1, "specmock: --seed: '-1' is not a seed");
    const char *a2[] = {"--port", "0", "--seed", "12x", NULL};
    check_refused(a2, "specmock: --seed: '12x' is not a seed");
    const char *a3[] = {"--port", "0", "--seed", "18446744073709551616", NULL};
    check_refused(a3, "specmock: --seed: ");
    const char *a4[] = {"--port", "0", "--seed", NULL};
    check_refused(a4, "specmock: option '--seed' needs a value");
    const char *a5[] = {"--port", "0", "--log", "xml", NULL};
    check_refused(a5, "specmock: --log: 'xml' is not 'text' or 'json'");
    const char *a6[] = {"--port", "0", "--log", NULL};
    check_refused(a6, "specmock: option '--log' needs a value");
    /* --journal is a ring size now; a file name points to --journal-file */
    const char *a7[] = {"--port", "0", "--journal", "j.jsonl", NULL};
    check_refused(a7, "specmock: --journal: 'j.jsonl' is not a number of "
                      "exchanges (0-1000000; a file is --journal-file)");
    const char *a8[] = {"--port", "0", "--admin-token=", NULL};
    check_refused(a8, "specmock: --admin-token: empty token");
    const char *a9[] = {"--port", "0", "--max-connections", "8", NULL};
    check_refused(a9, "specmock: --max-connections: '8' is not a number of "
                      "connections (16-1000000)");
}

/* --fixtures / --journal-file files that cannot be used: one line naming the
 * file, exit 2. */
static void test_bad_files(void **state)
{
    (void)state;
    const char *a1[] = {"--port", "0", "--fixtures", "/nonexistent/fx.json", NULL};
    check_refused(a1, "specmock: /nonexistent/fx.json: ");
    char dir[512];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/specmock-itest-fx-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    char *path = xprintf("%s/fx.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"dashboards\": [", f);
    fclose(f);
    char *prefix = xprintf("specmock: %s:1:16: ", path);
    const char *a2[] = {"--port", "0", "--fixtures", path, NULL};
    check_refused(a2, prefix);
    const char *a3[] = {"--port", "0", "--journal-file", dir, NULL};
    char *jprefix = xprintf("specmock: %s: ", dir);
    check_refused(a3, jprefix);
    unlink(path);
    rmdir(dir);
    free(prefix);
    free(jprefix);
    free(path);
}

/* --log text / json: one line per request on stderr, stdout untouched. */
static void test_log_lines(void **state)
{
    (void)state;
    static const char *const text[] = {"--log", "text", NULL};
    static const char *const js[] = {"--log", "json", NULL};
    const char *const *modes[] = {text, js};
    const char *expect[] = {
        "GET /api/environments/1/dashboards/?limit=1 200 "
        "dashboards_list ",
        "{\"op\":\"dashboards_list\",\"method\":\"GET\","
        "\"path\":\"/api/environments/1/dashboards/?limit=1\",\"status\":200,"
        "\"ms\":"};
    const char *expect404[] = {"GET /nope 404 - ",
                               "{\"op\":null,\"method\":\"GET\",\"path\":\"/nope\","
                               "\"status\":404,\"ms\":"};
    for (int m = 0; m < 2; m++) {
        server_opts o = {.extra_args = modes[m]};
        server *s = server_start(&o);
        http_resp r;
        http(s, "GET", DASH1 "?limit=1", NULL, &r);
        ASSERT_STATUS(&r, 200);
        http_resp_free(&r);
        http(s, "GET", "/nope", NULL, &r);
        ASSERT_STATUS(&r, 404);
        http_resp_free(&r);
        char *err = server_stderr(s);
        assert_starts_with(err, expect[m], "first --log line");
        char *second = strchr(err, '\n');
        assert_non_null(second);
        assert_starts_with(second + 1, expect404[m], "second --log line");
        assert_int_equal(strchr(second + 1, '\n')[1], '\0');
        free(err);
        char *out = server_stdout(s);
        assert_null(strstr(out, "/nope"));
        free(out);
        server_cleanup(s);
    }
    /* default: no request lines */
    server *s = server_start(&(server_opts){0});
    http_resp r;
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    char *err = server_stderr(s);
    ASSERT_STR_EQ(err, "", "stderr without --log");
    free(err);
    server_cleanup(s);
}

/* Write a keys file in a fresh directory; returns its path (malloc'd). */
static char *keys_file(const char *text, char *dir, size_t cap)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, cap, "%s/specmock-itest-keys-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    char *path = xprintf("%s/keys.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void drop_keys_file(char *path, const char *dir)
{
    unlink(path);
    rmdir(dir);
    free(path);
}

static void test_keys_unreadable(void **state)
{
    (void)state;
    const char *path = "/nonexistent-specmock-dir/keys.json";
    const char *a[] = {"--host", "127.0.0.1", "--port", "0", "--keys", path, NULL};
    char *prefix = xprintf("specmock: %s: ", path);
    check_refused(a, prefix);
    free(prefix);
}

/* Write TEXT as a keys file, start the server on it, expect exit 2 with a
 * message starting "specmock: <file>: " followed by TAIL ("" or "entry "). */
static void check_keys_refused(const char *text, const char *tail)
{
    char dir[512];
    char *path = keys_file(text, dir, sizeof dir);
    const char *a[] = {"--host", "127.0.0.1", "--port", "0", "--keys", path, NULL};
    char *prefix = xprintf("specmock: %s: %s", path, tail);
    print_message("keys file: %s\n", text);
    check_refused(a, prefix);
    free(prefix);
    drop_keys_file(path, dir);
}

static void test_keys_malformed(void **state)
{
    (void)state;
    check_keys_refused("[{\"key\": \"phx_a\", \"scopes\": [", "");
}

static void test_keys_not_an_array(void **state)
{
    (void)state;
    check_keys_refused("{\"key\": \"phx_a\"}", "");
}

static void test_keys_unknown_scope_object(void **state)
{
    (void)state;
    check_keys_refused("[{\"key\":\"phx_ok\",\"scopes\":[\"dashboard:read\"]},\n"
                       " {\"key\":\"phx_bad\",\"scopes\":[\"widget:read\"]}]\n",
                       "entry ");
}

static void test_keys_bad_entries(void **state)
{
    (void)state;
    const char *bad[] = {
        "[{\"scopes\":[\"*\"]}]",                                         /* no key */
        "[{\"key\":\"a\",\"scopes\":[\"*\"]},{\"key\":\"a\",\"scopes\":[]}]", /* dup */
        "[{\"key\":\"a\",\"scopes\":[\"dashboard:admin\"]}]",             /* bad level */
        "[{\"key\":\"a\",\"scopes\":[\"*\"],\"project\":\"two\"}]",        /* project */
        NULL};
    for (int i = 0; bad[i]; i++)
        check_keys_refused(bad[i], "entry ");
}

static void test_sigterm_exits_0_and_removes_temporary_store(void **state)
{
    (void)state;
    server_opts o = {.no_db = true};
    server *s = server_start(&o);
    const char *p = strstr(s->startup, "store: ");
    assert_non_null(p);
    p += strlen("store: ");
    const char *end = strstr(p, " (temporary)");
    assert_non_null(end);
    char *dir = strndup(p, (size_t)(end - p));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        print_error("temporary store %s does not exist while serving\n", dir);
        fail();
    }
    /* A write lands in it. */
    create_dashboard(s, 1, "temp");
    int rc = server_stop(s);
    if (rc != 0) {
        char *err = server_stderr(s);
        print_error("exit status after SIGTERM: %d (expected 0)\nstderr:\n%s\n", rc, err);
        free(err);
        fail();
    }
    errno = 0;
    if (stat(dir, &st) == 0 || errno != ENOENT) {
        print_error("temporary store %s still exists after SIGTERM\n", dir);
        fail();
    }
    free(dir);
    server_cleanup(s);
}

static void test_sigint_exits_0_and_removes_temporary_store(void **state)
{
    (void)state;
    server_opts o = {.no_db = true};
    server *s = server_start(&o);
    const char *p = strstr(s->startup, "store: ");
    assert_non_null(p);
    p += strlen("store: ");
    const char *end = strstr(p, " (temporary)");
    assert_non_null(end);
    char *dir = strndup(p, (size_t)(end - p));
    create_dashboard(s, 1, NULL);
    int rc = server_stop_signal(s, SIGINT);
    if (rc != 0) {
        print_error("exit status after SIGINT: %d (expected 0)\n", rc);
        fail();
    }
    struct stat st;
    errno = 0;
    if (stat(dir, &st) == 0 || errno != ENOENT) {
        print_error("temporary store %s still exists after SIGINT\n", dir);
        fail();
    }
    free(dir);
    server_cleanup(s);
}

/* With --db the directory and its data stay after a clean exit. */
static void test_db_dir_kept_after_exit(void **state)
{
    (void)state;
    server *s = server_start(NULL);
    create_dashboard(s, 1, NULL);
    assert_int_equal(server_stop(s), 0);
    struct stat st;
    if (stat(s->db, &st) != 0 || !S_ISDIR(st.st_mode)) {
        print_error("--db directory %s was removed on exit\n", s->db);
        fail();
    }
    server_cleanup(s);
}

static void test_persistence_across_sigterm(void **state)
{
    (void)state;
    server_opts o = {.clock = FIXED_CLOCK};
    server *s = server_start(&o);
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"keep me\",\"tags\":[\"a\",\"b\"],\"pinned\":true}", &r);
    ASSERT_STATUS(&r, 201);
    char *created = strdup(r.body);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, created);
    http_resp_free(&r);

    assert_int_equal(server_stop(s), 0);
    server_restart(s);

    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, created); /* byte-identical */
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
    assert_int_equal(create_dashboard(s, 1, NULL), 2); /* ids are never reused */
    free(created);
    server_cleanup(s);
}

static void test_persistence_across_sigkill(void **state)
{
    (void)state;
    server_opts o = {.clock = FIXED_CLOCK};
    server *s = server_start(&o);
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"acknowledged\"}", &r);
    ASSERT_STATUS(&r, 201);
    char *created = strdup(r.body);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"description\":\"patched\"}", &r);
    ASSERT_STATUS(&r, 200);
    char *patched = strdup(r.body);
    http_resp_free(&r);

    server_kill(s); /* no clean shutdown */
    server_restart(s);

    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, patched);
    http_resp_free(&r);
    assert_int_equal(create_dashboard(s, 1, NULL), 2);
    free(created);
    free(patched);
    server_cleanup(s);
}

static void test_sync_flag(void **state)
{
    (void)state;
    const char *extra[] = {"--sync", NULL};
    server_opts o = {.clock = FIXED_CLOCK, .extra_args = extra};
    server *s = server_start(&o);
    assert_int_equal(create_dashboard(s, 1, "synced"), 1);
    assert_int_equal(server_stop(s), 0);
    server_restart(s);
    http_resp r;
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "name", "\"synced\"");
    http_resp_free(&r);
    server_cleanup(s);
}

/* --clock takes any RFC 3339 time; timestamps are rendered in UTC, with
 * microseconds only when they are not zero (DRF). */
static void test_clock_offset_and_fraction(void **state)
{
    (void)state;
    server_opts o = {.clock = "2026-01-01T00:00:00+01:00"};
    server *s = server_start(&o);
    http_resp r;
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "created_at", "\"2025-12-31T23:00:00Z\"");
    http_resp_free(&r);
    server_cleanup(s);

    server_opts o2 = {.clock = "2026-01-01T00:00:00.25Z"};
    s = server_start(&o2);
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "created_at", "\"2026-01-01T00:00:00.250000Z\"");
    http_resp_free(&r);
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_FIELD(&r, "created_at", "\"2026-01-01T00:00:01.250000Z\"");
    http_resp_free(&r);
    server_cleanup(s);
}

/* Without --clock: the wall clock, with microseconds. */
static void test_wall_clock(void **state)
{
    (void)state;
    server *s = server_start(NULL);
    http_resp r;
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_STATUS(&r, 201);
    const char *p = strstr(r.body, "\"created_at\":\"");
    assert_non_null(p);
    p += strlen("\"created_at\":\"");
    /* YYYY-MM-DDThh:mm:ss[.ffffff]Z with a plausible year */
    int year = atoi(p);
    assert_true(year >= 2024 && year < 2100);
    const char *z = strchr(p, 'Z');
    assert_non_null(z);
    size_t len = (size_t)(z - p);
    assert_true(len == 19 || len == 26);
    http_resp_free(&r);
    server_cleanup(s);
}

/* After a burst of bad requests the server still answers normally. */
static void test_keeps_serving_after_bad_requests(void **state)
{
    (void)state;
    server_opts o = {.clock = FIXED_CLOCK};
    server *s = server_start(&o);
    http_resp r;
    size_t big = 200000;
    char *huge = malloc(big + 32);
    strcpy(huge, "{\"name\":\"");
    memset(huge + 9, 'x', big);
    strcpy(huge + 9 + big, "\"}");
    for (int round = 0; round < 5; round++) {
        http(s, "POST", DASH1, "{\"name\": ", &r);
        ASSERT_STATUS(&r, 400);
        http_resp_free(&r);
        http(s, "POST", DASH1, "\xff\xfe{}", &r);
        ASSERT_STATUS(&r, 400);
        http_resp_free(&r);
        http_req q = {.method = "POST", .path = DASH1, .body = "name=x",
                      .content_type = "application/x-www-form-urlencoded"};
        http_do(s, &q, &r);
        ASSERT_STATUS(&r, 415);
        http_resp_free(&r);
        http(s, "POST", DASH1, huge, &r);
        ASSERT_STATUS(&r, 400);
        http_resp_free(&r);
        http(s, "GET", "/api/environments/1/nothing/here/", NULL, &r);
        ASSERT_STATUS(&r, 404);
        http_resp_free(&r);
        http(s, "GET", "/%00%ff/../..", NULL, &r);
        ASSERT_STATUS(&r, 404);
        http_resp_free(&r);
        http(s, "PATCH", DASH1 "12345678901234567890123/", "{}", &r);
        ASSERT_STATUS(&r, 404);
        http_resp_free(&r);
        http_auth(s, "GET", DASH1, "Bearer", NULL, &r);
        ASSERT_STATUS(&r, 401);
        http_resp_free(&r);
    }
    free(huge);

    /* Abuse whose answer the contract does not fix: only survival counts. */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 32);
    strcpy(deep, "{\"breakdown_colors\":");
    size_t pre = strlen(deep);
    memset(deep + pre, '[', depth);
    memset(deep + pre + depth, ']', depth);
    strcpy(deep + pre + 2 * depth, "}");
    http(s, "POST", DASH1, deep, &r);
    print_message("deeply nested body: %ld\n", r.status);
    assert_true(r.status == 400 || r.status == 413);
    http_resp_free(&r);
    free(deep);
    char *longpath = malloc(70000);
    strcpy(longpath, DASH1 "?x=");
    memset(longpath + strlen(longpath), 'y', 60000);
    longpath[strlen(DASH1 "?x=") + 60000] = '\0';
    http_req lq = {.method = "GET", .path = longpath};
    int rc = http_try(s, &lq, &r);
    print_message("60 kB URL: curl %d, status %ld\n", rc, r.status);
    http_resp_free(&r);
    free(longpath);
    char buf[4096];
    static const char tls_hello[] = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03";
    long n = raw_exchange(s, tls_hello, sizeof tls_hello - 1, true, buf, sizeof buf, 500);
    print_message("raw TLS hello: %ld bytes back\n", n);
    assert_true(n >= 0);
    const char *raws[] = {
        "HELLO\r\n\r\n",
        "GET /api/environments/1/dashboards/ HTTP/1.1\r\nHost: x\r\n", /* cut short */
        "POST /api/environments/1/dashboards/ HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer phx_specmock_dev\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{\"name\":", /* body shorter than announced */
        "GET /api/environments/1/dashboards/ HTTP/1.1\r\nHost: x\r\n"
        "Content-Length: -5\r\n\r\n",
        NULL};
    for (int i = 0; raws[i]; i++) {
        n = raw_exchange(s, raws[i], strlen(raws[i]), true, buf, sizeof buf, 500);
        print_message("raw %d: %ld bytes back\n", i, n);
        assert_true(n >= 0);
    }
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}");
    http_resp_free(&r);
    /* The failed writes did not advance the clock or consume ids. */
    http(s, "POST", DASH1, "{}", &r);
    char *exp = dash_json(1, clock_at(0), 1, NULL);
    ASSERT_JSON_RESP(&r, 201, exp);
    free(exp);
    http_resp_free(&r);
    assert_int_equal(server_stop(s), 0);
    server_cleanup(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_lines_default),
        cmocka_unit_test(test_startup_lines_with_db),
        cmocka_unit_test(test_startup_lines_with_keys),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_bad_flag),
        cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_bad_number),
        cmocka_unit_test(test_bad_clock),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_bad_seed_and_log),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_log_lines),
        cmocka_unit_test(test_keys_unreadable),
        cmocka_unit_test(test_keys_malformed),
        cmocka_unit_test(test_keys_not_an_array),
        cmocka_unit_test(test_keys_unknown_scope_object),
        cmocka_unit_test(test_keys_bad_entries),
        cmocka_unit_test(test_sigterm_exits_0_and_removes_temporary_store),
        cmocka_unit_test(test_sigint_exits_0_and_removes_temporary_store),
        cmocka_unit_test(test_db_dir_kept_after_exit),
        cmocka_unit_test(test_persistence_across_sigterm),
        cmocka_unit_test(test_persistence_across_sigkill),
        cmocka_unit_test(test_sync_flag),
        cmocka_unit_test(test_clock_offset_and_fraction),
        cmocka_unit_test(test_wall_clock),
        cmocka_unit_test(test_keeps_serving_after_bad_requests),
    };
    return cmocka_run_group_tests_name("integration_cli", tests, NULL, NULL);
}
