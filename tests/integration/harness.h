/*
 * harness.h — black-box integration harness for the specmock binary.
 *
 * Starts the real server (SPECMOCK_BIN, overridable at run time with the
 * environment variable SPECMOCK_TEST_BIN) on 127.0.0.1 with --port 0 and a
 * private temporary directory, waits for its "listening on" line, and talks
 * to it over HTTP with libcurl.  Every wait is bounded; nothing leaves
 * 127.0.0.1.
 *
 * The assertion helpers report through cmocka (file and line of the caller)
 * and print expected vs actual on failure.
 */
#ifndef SPECMOCK_ITEST_HARNESS_H
#define SPECMOCK_ITEST_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

#define DEFAULT_KEY "phx_specmock_dev"
#define FIXED_CLOCK "2026-01-01T00:00:00Z"

/* ---- server ------------------------------------------------------------ */

typedef struct server_opts {
    const char *keys_json;   /* written to <tmp>/keys.json, passed as --keys */
    bool no_db;              /* start without --db (temporary store)         */
    const char *clock;       /* --clock value, NULL for the wall clock       */
    const char *const *extra_args; /* NULL-terminated, appended last         */
} server_opts;

typedef struct server {
    pid_t pid;               /* 0 when not running                           */
    int port;
    char tmpdir[512];        /* private directory, removed by server_cleanup */
    char db[600];            /* <tmpdir>/db                                  */
    char keys[600];          /* <tmpdir>/keys.json when keys_json was given  */
    char out_path[600];      /* stdout of the current run                    */
    char err_path[600];      /* stderr of the current run                    */
    char *startup;           /* stdout up to and including the listening line*/
    int runs;                /* how many times the binary was started        */
    char *argv[32];          /* argv used for every (re)start                */
    int argc;
    int exit_status;         /* waitpid status of the last stopped run, or -1*/
} server;

/* Start a server; fails the current test (with everything it printed) when
 * the listening line does not show up within 10 s. */
server *server_start(const server_opts *opts);
/* SIGTERM, wait up to 5 s, then SIGKILL.  Returns the exit code (0..255),
 * 128+signal when killed by a signal, -1 when it had to be SIGKILLed. */
int server_stop(server *s);
/* The same with another signal (SIGINT ...). */
int server_stop_signal(server *s, int sig);
/* Send sig without waiting (the server keeps running until it exits). */
void server_signal(server *s, int sig);
/* Wait up to timeout_ms for the server to exit; returns its status as
 * server_stop does, or -2 when it is still running (it is not killed). */
int server_wait(server *s, int timeout_ms);
/* SIGKILL and reap. */
void server_kill(server *s);
/* Start again with the same arguments and the same db directory. */
void server_restart(server *s);
/* Stop if running, remove the temporary directory, free. */
void server_cleanup(server *s);
/* Everything the current run wrote to stdout / stderr so far (malloc'd). */
char *server_stdout(const server *s);
char *server_stderr(const server *s);

/* Run the binary with args (NULL-terminated, program name excluded), TMPDIR
 * set to a private directory, and wait up to timeout_ms for it to exit;
 * captures stdout and stderr.  status is the exit code, 128+sig after a
 * signal, or -1 when it had to be killed (timeout, or it started listening:
 * then listened is true). */
typedef struct run_result {
    int status;
    char *out;
    char *err;
    bool listened;   /* stdout contained a "listening on" line */
} run_result;
void run_binary(const char *const *args, int timeout_ms, run_result *r);
void run_result_free(run_result *r);

const char *specmock_bin(void);

/* ---- HTTP ---------------------------------------------------------------- */

/* Sentinel for the auth / content_type / host options: send no such header. */
extern const char HTTP_NONE[];

typedef struct http_req {
    const char *method;       /* "GET", "POST", ..., "HEAD", "OPTIONS"        */
    const char *path;         /* path and query, sent as is                   */
    const char *body;         /* NULL: no body                                */
    size_t body_len;          /* 0: strlen(body)                              */
    const char *auth;         /* NULL: "Bearer phx_specmock_dev"; HTTP_NONE:  */
                              /* no Authorization header; else the full value */
    const char *content_type; /* NULL: application/json when body != NULL;    */
                              /* HTTP_NONE: no Content-Type header            */
    const char *host;         /* Host header value, NULL: curl's default      */
    const char *extra[8];     /* more raw "Name: value" header lines          */
} http_req;

typedef struct http_header {
    char *name;
    char *value;
} http_header;

typedef struct http_resp {
    long status;
    char *body;               /* NUL-terminated copy, len bytes before it     */
    size_t len;
    http_header *headers;
    size_t nheaders;
} http_resp;

/* Perform a request; fails the test if the transfer itself fails. */
void http_do(server *s, const http_req *req, http_resp *r);
/* Shorthand: default key, JSON content type when body != NULL. */
void http(server *s, const char *method, const char *path, const char *body,
          http_resp *r);
/* Shorthand with an explicit Authorization value (or HTTP_NONE). */
void http_auth(server *s, const char *method, const char *path,
               const char *auth, const char *body, http_resp *r);
/* Shorthand by key: key NULL = the default key, HTTP_NONE = no
 * Authorization header, else "Bearer <key>". */
void http_key(server *s, const char *method, const char *path, const char *key,
              const char *body, http_resp *r);
void http_resp_free(http_resp *r);
/* n identical requests at once (curl multi, one connection each); fills
 * out[0..n) in request order.  Fails the test if a transfer fails. */
void http_parallel(server *s, const http_req *req, int n, http_resp *out);
/* n requests over one kept-alive connection; returns how many connections
 * curl had to open (1 when the server keeps the connection). */
long http_keepalive(server *s, const http_req *reqs, int n, http_resp *out);

/* Like http_do, but a failed transfer is returned (curl's error code, 0 on
 * success) instead of failing the test: for abusive requests. */
int http_try(server *s, const http_req *req, http_resp *r);
/* Connect to the server, send len bytes, optionally half-close, and read
 * until the server closes or timeout_ms passes.  Returns the bytes read
 * (into out, NUL-terminated, at most cap-1), or -1 if it cannot connect. */
long raw_exchange(server *s, const char *data, size_t len, bool shut_wr, char *out,
                  size_t cap, int timeout_ms);
/* The same to addr:port (addr in network byte order): for the tests that
 * must reach the server from an address other than loopback. */
long raw_exchange_at(uint32_t addr, int port, const char *data, size_t len,
                     bool shut_wr, char *out, size_t cap, int timeout_ms);

/* Case-insensitive lookup of the last header with that name; NULL if none. */
const char *resp_header(const http_resp *r, const char *name);

/* ---- assertions (macros report the caller's file and line) --------------- */

void h_assert_status(const http_resp *r, long status, const char *file, int line);
void h_assert_body(const http_resp *r, const char *expected, const char *file,
                   int line);
void h_assert_resp(const http_resp *r, long status, const char *body,
                   const char *file, int line);
void h_assert_error(const http_resp *r, long status, const char *type,
                    const char *code, const char *detail, const char *attr,
                    const char *file, int line);
void h_assert_header(const http_resp *r, const char *name, const char *value,
                     const char *file, int line);
void h_assert_no_header(const http_resp *r, const char *name,
                        const char *file, int line);
void h_assert_json_field(const http_resp *r, const char *path,
                         const char *expected_json, const char *file, int line);
void h_assert_str_eq(const char *actual, const char *expected, const char *what,
                     const char *file, int line);
void h_assert_contains(const char *hay, const char *needle, const char *what,
                       const char *file, int line);

/* Exact status. */
#define ASSERT_STATUS(r, st) h_assert_status((r), (st), __FILE__, __LINE__)
/* Exact body bytes. */
#define ASSERT_BODY(r, b) h_assert_body((r), (b), __FILE__, __LINE__)
/* Exact status + body bytes + Content-Type: application/json. */
#define ASSERT_JSON_RESP(r, st, b) h_assert_resp((r), (st), (b), __FILE__, __LINE__)
/* One request by key (http_key) whose answer must be status + JSON body. */
#define EXPECT_KEY(s, m, p, key, body, st, resp)                               \
    h_expect_key((s), (m), (p), (key), (body), (st), (resp), __FILE__, __LINE__)
void h_expect_key(server *s, const char *method, const char *path,
                  const char *key, const char *body, long status,
                  const char *resp, const char *file, int line);
/* Exact PostHog error envelope (attr NULL means JSON null) + content type. */
#define ASSERT_ERROR(r, st, type, code, detail, attr)                          \
    h_assert_error((r), (st), (type), (code), (detail), (attr), __FILE__, __LINE__)
#define ASSERT_HEADER(r, n, v) h_assert_header((r), (n), (v), __FILE__, __LINE__)
#define ASSERT_NO_HEADER(r, n) h_assert_no_header((r), (n), __FILE__, __LINE__)
/* Field at a dotted path ("results.0.id", "created_by.email") equals the
 * JSON text (compared as JSON values, so key order inside does not matter).
 * The path "" means the whole body. Expected NULL asserts the key is absent. */
#define ASSERT_FIELD(r, p, j) h_assert_json_field((r), (p), (j), __FILE__, __LINE__)
#define ASSERT_STR_EQ(a, e, what) h_assert_str_eq((a), (e), (what), __FILE__, __LINE__)
#define ASSERT_CONTAINS(h, n, what) h_assert_contains((h), (n), (what), __FILE__, __LINE__)

/* Envelope shorthands. */
#define ASSERT_NOT_FOUND(r) \
    ASSERT_ERROR((r), 404, "invalid_request", "not_found", "Not found.", NULL)
#define ASSERT_VALIDATION(r, code, detail, attr) \
    ASSERT_ERROR((r), 400, "validation_error", (code), (detail), (attr))

/* ---- expected bodies ------------------------------------------------------ */

/* The default caller, UserBasic defaults from spec/posthog/api.spec. */
#define USER_DEFAULT_JSON                                                      \
    "{\"id\":1,\"uuid\":\"01936a3e-5c1f-7000-8000-000000000001\","            \
    "\"distinct_id\":\"specmock-dev\",\"first_name\":\"Dev\",\"last_name\":\"\"," \
    "\"email\":\"dev@specmock.local\",\"is_email_verified\":true,"            \
    "\"hedgehog_config\":null,\"role_at_organization\":\"engineering\"}"

/* Dashboard as created by POST {} (id, created_at and team_id substituted). */
char *dash_json(int id, const char *created_at, int team_id,
                const char *overrides_json);
/* DashboardBasic (list item) projection of the same. */
char *dash_basic_json(int id, const char *created_at, int team_id,
                      const char *overrides_json);
/* "2026-01-01T00:00:0Ns" style timestamps: FIXED_CLOCK + n seconds. */
const char *clock_at(int n_seconds);

/* Build a string with printf formatting (malloc'd; freed by the caller). */
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* POST {"name": "<name>"} (or {} when name is NULL) in a project, assert 201,
 * return the new id. */
int create_dashboard(server *s, int project, const char *name);

/* cmocka fixtures: a fresh server with --clock FIXED_CLOCK and its own db;
 * teardown stops it and removes its directory. */
int fixture_clock_server(void **state);
int fixture_stop_server(void **state);

/* Paths. */
#define API1 "/api/environments/1"

/* The two refusals every operation shares. */
#define NOT_AUTHENTICATED(r)                                                   \
    ASSERT_ERROR((r), 401, "authentication_error", "not_authenticated",        \
                 "Authentication credentials were not provided.", NULL)
#define PROJECT_NOT_FOUND(r)                                                   \
    ASSERT_ERROR((r), 404, "invalid_request", "not_found", "Project not found.", NULL)

/* The gates of one operation at API1 "/<rest>": 401 without a key, 403
 * detail403 for key403, 404 "Project not found." for project "abc". */
void expect_guards(server *s, const char *method, const char *rest,
                   const char *body, const char *key403, const char *detail403);
#define DASH1 API1 "/dashboards/"
#define ALLOW_LIST "GET, POST, HEAD, OPTIONS"
#define ALLOW_DETAIL "GET, PATCH, DELETE, HEAD, OPTIONS"

#endif
