/*
 * harness.c — see harness.h.
 */
#include "harness.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#ifndef SPECMOCK_BIN
#define SPECMOCK_BIN "specmock"
#endif

#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 5000
#define HTTP_TIMEOUT_MS 5000

const char HTTP_NONE[] = "<none>";

static void print_long(const char *label, const char *text, size_t len);

/* ---- small utilities ------------------------------------------------------ */

char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (!s)
        abort();
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char *read_file_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return xstrdup("");
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

static int write_file_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char *child = xprintf("%s/%s", path, e->d_name);
                rm_rf(child);
                free(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

const char *specmock_bin(void)
{
    const char *b = getenv("SPECMOCK_TEST_BIN");
    return (b && *b) ? b : SPECMOCK_BIN;
}

static int make_tmpdir(char *out, size_t cap)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(out, cap, "%s/specmock-itest-XXXXXX", base);
    return mkdtemp(out) ? 0 : -1;
}

/* Decode a waitpid status: exit code, or 128+signal. */
static int decode_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

/* fork/exec argv with stdout/stderr to files, stdin from /dev/null and
 * TMPDIR set to tmpdir.  The child dies with the test process. */
static pid_t spawn(char *const argv[], const char *out_path,
                   const char *err_path, const char *tmpdir)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        close(in);
        close(out);
        close(err);
        setenv("TMPDIR", tmpdir, 1);
        execv(argv[0], argv);
        dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

/* Wait up to timeout_ms for pid; returns decoded status or -2 on timeout. */
static int wait_timeout(pid_t pid, long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        int st;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            return decode_status(st);
        if (w < 0 && errno != EINTR)
            return -3;
        if (now_ms() >= deadline)
            return -2;
        sleep_ms(5);
    }
}

/* Find "listening on http://HOST:PORT\n" in text; returns the port or 0. */
static int find_listening(const char *text, size_t *end)
{
    const char *p = text;
    while ((p = strstr(p, "listening on http://")) != NULL) {
        if (p == text || p[-1] == '\n') {
            const char *nl = strchr(p, '\n');
            if (!nl)
                return 0; /* line not complete yet */
            const char *colon = NULL;
            for (const char *q = p + strlen("listening on http://"); q < nl; q++)
                if (*q == ':')
                    colon = q;
            if (!colon)
                return 0;
            int port = atoi(colon + 1);
            if (end)
                *end = (size_t)(nl + 1 - text);
            return port;
        }
        p++;
    }
    return 0;
}

/* ---- server ------------------------------------------------------------- */

static void server_launch(server *s)
{
    s->runs++;
    snprintf(s->out_path, sizeof s->out_path, "%s/stdout.%d.txt", s->tmpdir, s->runs);
    snprintf(s->err_path, sizeof s->err_path, "%s/stderr.%d.txt", s->tmpdir, s->runs);
    free(s->startup);
    s->startup = NULL;
    s->port = 0;
    s->exit_status = -1;
    s->pid = spawn(s->argv, s->out_path, s->err_path, s->tmpdir);
    if (s->pid < 0) {
        s->pid = 0;
        print_error("harness: fork failed: %s\n", strerror(errno));
        fail();
    }
    /* After one start timed out, later ones in this process get a short
     * wait, so a hanging binary cannot push the suite past its time limit. */
    static bool earlier_start_timed_out;
    long deadline = now_ms() + (earlier_start_timed_out ? 1000 : START_TIMEOUT_MS);
    for (;;) {
        char *out = read_file_all(s->out_path);
        size_t end = 0;
        int port = find_listening(out, &end);
        if (port > 0) {
            out[end] = '\0';
            s->startup = out;
            s->port = port;
            return;
        }
        int st;
        pid_t w = waitpid(s->pid, &st, WNOHANG);
        bool exited = (w == s->pid);
        bool late = now_ms() >= deadline;
        if (exited || late) {
            if (!exited) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &st, 0);
                earlier_start_timed_out = true;
            }
            s->pid = 0;
            char *err = read_file_all(s->err_path);
            char *cmd = xstrdup("");
            for (int i = 0; i < s->argc; i++) {
                char *n = xprintf("%s%s%s", cmd, i ? " " : "", s->argv[i]);
                free(cmd);
                cmd = n;
            }
            print_error("harness: %s\n",
                        exited ? "server exited before its listening line"
                               : "no listening line in time (10 s, 1 s after a first timeout)");
            print_long("  command: ", cmd, strlen(cmd));
            print_long("  --- stdout ---\n", out, strlen(out));
            print_long("  --- stderr ---\n", err, strlen(err));
            if (exited)
                print_error("  exit status: %d\n", decode_status(st));
            free(cmd);
            free(err);
            free(out);
            if (s->runs == 1) /* nobody holds this server yet */
                rm_rf(s->tmpdir);
            fail();
        }
        free(out);
        sleep_ms(5);
    }
}

/* Contract gate (tests/contract/): when SPECMOCK_JOURNAL_DIR is set, every
 * server started here journals what it answers to
 * <dir>/<test binary>-<pid>-<n>.jsonl (n counts servers in this process;
 * a restart appends to the same file).  NULL when the variable is unset or
 * empty.  The directory is created when missing. */
static char *journal_path(void)
{
    static int n;
    const char *dir = getenv("SPECMOCK_JOURNAL_DIR");
    if (!dir || !*dir)
        return NULL;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        print_error("harness: SPECMOCK_JOURNAL_DIR %s: %s\n", dir, strerror(errno));
        fail();
    }
    char exe[512];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *name = "itest";
    if (len > 0) {
        exe[len] = '\0';
        const char *slash = strrchr(exe, '/');
        name = slash ? slash + 1 : exe;
    }
    char cwd[512] = "";
    if (dir[0] != '/' && !getcwd(cwd, sizeof cwd)) /* the server runs elsewhere */
        cwd[0] = '\0';
    return xprintf("%s%s%s/%s-%d-%d.jsonl", cwd, cwd[0] ? "/" : "", dir, name,
                   (int)getpid(), ++n);
}

server *server_start(const server_opts *opts)
{
    static const server_opts none = {0};
    if (!opts)
        opts = &none;
    server *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->exit_status = -1;
    if (make_tmpdir(s->tmpdir, sizeof s->tmpdir) != 0) {
        print_error("harness: mkdtemp: %s\n", strerror(errno));
        free(s);
        fail();
    }
    snprintf(s->db, sizeof s->db, "%s/db", s->tmpdir);
    int a = 0;
    s->argv[a++] = xstrdup(specmock_bin());
    s->argv[a++] = xstrdup("--host");
    s->argv[a++] = xstrdup("127.0.0.1");
    s->argv[a++] = xstrdup("--port");
    s->argv[a++] = xstrdup("0");
    if (!opts->no_db) {
        s->argv[a++] = xstrdup("--db");
        s->argv[a++] = xstrdup(s->db);
    }
    if (opts->clock) {
        s->argv[a++] = xstrdup("--clock");
        s->argv[a++] = xstrdup(opts->clock);
    }
    if (opts->keys_json) {
        snprintf(s->keys, sizeof s->keys, "%s/keys.json", s->tmpdir);
        if (write_file_all(s->keys, opts->keys_json) != 0) {
            print_error("harness: cannot write %s\n", s->keys);
            fail();
        }
        s->argv[a++] = xstrdup("--keys");
        s->argv[a++] = xstrdup(s->keys);
    }
    char *journal = journal_path();
    if (journal) { /* before extra_args: a test's own --journal-file wins */
        s->argv[a++] = xstrdup("--journal-file");
        s->argv[a++] = journal;
    }
    for (int i = 0; opts->extra_args && opts->extra_args[i] && a < 31; i++)
        s->argv[a++] = xstrdup(opts->extra_args[i]);
    s->argv[a] = NULL;
    s->argc = a;
    server_launch(s);
    return s;
}

int server_stop(server *s) { return server_stop_signal(s, SIGTERM); }

int server_stop_signal(server *s, int sig)
{
    if (!s || !s->pid)
        return s ? s->exit_status : -1;
    kill(s->pid, sig);
    int rc = wait_timeout(s->pid, STOP_TIMEOUT_MS);
    if (rc == -2) {
        print_error("harness: server %d ignored signal %d for 5 s; SIGKILL\n", (int)s->pid, sig);
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        rc = -1;
    }
    s->pid = 0;
    s->exit_status = rc;
    return rc;
}

void server_signal(server *s, int sig)
{
    if (s && s->pid)
        kill(s->pid, sig);
}

int server_wait(server *s, int timeout_ms)
{
    if (!s || !s->pid)
        return s ? s->exit_status : -1;
    int rc = wait_timeout(s->pid, timeout_ms);
    if (rc == -2)
        return -2;
    s->pid = 0;
    s->exit_status = rc;
    return rc;
}

void server_kill(server *s)
{
    if (!s || !s->pid)
        return;
    kill(s->pid, SIGKILL);
    int st;
    waitpid(s->pid, &st, 0);
    s->exit_status = decode_status(st);
    s->pid = 0;
}

void server_restart(server *s)
{
    if (s->pid)
        server_stop(s);
    server_launch(s);
}

void server_cleanup(server *s)
{
    if (!s)
        return;
    if (s->pid) {
        int rc = server_stop(s);
        if (rc != 0) {
            char *err = read_file_all(s->err_path);
            print_error("harness: warning: server exit status %d on SIGTERM "
                        "(contract: 0)\n", rc);
            print_long("  --- stderr ---\n", err, strlen(err));
            free(err);
        }
    }
    rm_rf(s->tmpdir);
    for (int i = 0; i < s->argc; i++)
        free(s->argv[i]);
    free(s->startup);
    free(s);
}

char *server_stdout(const server *s) { return read_file_all(s->out_path); }
char *server_stderr(const server *s) { return read_file_all(s->err_path); }

void run_binary(const char *const *args, int timeout_ms, run_result *r)
{
    memset(r, 0, sizeof *r);
    char dir[512];
    if (make_tmpdir(dir, sizeof dir) != 0) {
        print_error("harness: mkdtemp: %s\n", strerror(errno));
        fail();
    }
    char *out_path = xprintf("%s/stdout.txt", dir);
    char *err_path = xprintf("%s/stderr.txt", dir);
    char *argv[40];
    int a = 0;
    argv[a++] = (char *)specmock_bin();
    for (int i = 0; args[i] && a < 39; i++)
        argv[a++] = (char *)args[i];
    argv[a] = NULL;
    pid_t pid = spawn(argv, out_path, err_path, dir);
    long deadline = now_ms() + timeout_ms;
    int rc = -2;
    for (;;) {
        int st;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            rc = decode_status(st);
            break;
        }
        char *out = read_file_all(out_path);
        bool listening = find_listening(out, NULL) > 0;
        free(out);
        if (listening || now_ms() >= deadline) {
            r->listened = listening;
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            rc = -1;
            break;
        }
        sleep_ms(5);
    }
    r->status = rc;
    r->out = read_file_all(out_path);
    r->err = read_file_all(err_path);
    if (find_listening(r->out, NULL) > 0)
        r->listened = true;
    rm_rf(dir);
    free(out_path);
    free(err_path);
}

void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- HTTP ----------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    buf_add(ud, ptr, size * nmemb);
    return size * nmemb;
}

static void headers_clear(http_resp *r)
{
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->nheaders = 0;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    http_resp *r = ud;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(ptr, "HTTP/", 5)) { /* a new status line */
        headers_clear(r);
        return n;
    }
    const char *colon = memchr(ptr, ':', n);
    if (!colon)
        return n;
    size_t nl = (size_t)(colon - ptr);
    const char *v = colon + 1;
    const char *end = ptr + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' ||
                       end[-1] == '\t'))
        end--;
    r->headers = realloc(r->headers, (r->nheaders + 1) * sizeof *r->headers);
    if (!r->headers)
        abort();
    r->headers[r->nheaders].name = strndup(ptr, nl);
    r->headers[r->nheaders].value = strndup(v, (size_t)(end - v));
    r->nheaders++;
    return n;
}

static void curl_init_once(void)
{
    static bool done;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = true;
    }
}

typedef struct xfer {
    CURL *c;
    struct curl_slist *hl;
    char *url;
    buf body;
    http_resp *r;
} xfer;

static void xfer_setup(xfer *x, server *s, const http_req *req, http_resp *r, CURL *reuse)
{
    curl_init_once();
    memset(r, 0, sizeof *r);
    memset(x, 0, sizeof *x);
    x->r = r;
    if (!s || !s->port) {
        print_error("harness: request to a server that is not running\n");
        fail();
    }
    CURL *c = reuse ? reuse : curl_easy_init();
    if (!c)
        abort();
    x->c = c;
    x->url = xprintf("http://127.0.0.1:%d%s", s->port, req->path);
    struct curl_slist *hl = NULL;
    char *tmp;

    curl_easy_setopt(c, CURLOPT_URL, x->url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    /* A fresh connection per request unless the caller reuses a handle. */
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, reuse ? 0L : 1L);

    const char *method = req->method ? req->method : "GET";
    size_t blen = req->body ? (req->body_len ? req->body_len : strlen(req->body)) : 0;
    curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    if (!strcmp(method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(method, "POST")) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    } else {
        if (strcmp(method, "GET") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (req->body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
        }
    }

    if (req->auth != HTTP_NONE) {
        tmp = xprintf("Authorization: %s", req->auth ? req->auth : "Bearer " DEFAULT_KEY);
        hl = curl_slist_append(hl, tmp);
        free(tmp);
    }
    if (req->content_type == HTTP_NONE) {
        hl = curl_slist_append(hl, "Content-Type:"); /* remove curl's default */
    } else if (req->content_type) {
        tmp = xprintf("Content-Type: %s", req->content_type);
        hl = curl_slist_append(hl, tmp);
        free(tmp);
    } else if (req->body) {
        hl = curl_slist_append(hl, "Content-Type: application/json");
    } else if (!strcmp(method, "POST")) {
        hl = curl_slist_append(hl, "Content-Type:"); /* no body, no type */
    }
    if (req->host && req->host != HTTP_NONE) {
        tmp = xprintf("Host: %s", req->host);
        hl = curl_slist_append(hl, tmp);
        free(tmp);
    }
    hl = curl_slist_append(hl, "Expect:");
    for (int i = 0; i < 8 && req->extra[i]; i++)
        hl = curl_slist_append(hl, req->extra[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    x->hl = hl;
}

/* Collect the response of a finished transfer; fails the test on error. */
static void xfer_finish(xfer *x, server *s, const http_req *req, CURLcode rc, bool keep_handle)
{
    http_resp *r = x->r;
    if (rc != CURLE_OK) {
        char *err = server_stderr(s);
        print_error("harness: %s %s: curl: %s\n", req->method ? req->method : "GET", req->path,
                    curl_easy_strerror(rc));
        print_long("  --- server stderr ---\n", err, strlen(err));
        free(err);
        curl_slist_free_all(x->hl);
        if (!keep_handle)
            curl_easy_cleanup(x->c);
        free(x->url);
        free(x->body.p);
        headers_clear(r);
        fail();
    }
    curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &r->status);
    r->body = x->body.p ? x->body.p : xstrdup("");
    r->len = x->body.len;
    curl_slist_free_all(x->hl);
    if (!keep_handle)
        curl_easy_cleanup(x->c);
    free(x->url);
}

void http_do(server *s, const http_req *req, http_resp *r)
{
    xfer x;
    xfer_setup(&x, s, req, r, NULL);
    CURLcode rc = curl_easy_perform(x.c);
    xfer_finish(&x, s, req, rc, false);
}

int http_try(server *s, const http_req *req, http_resp *r)
{
    xfer x;
    xfer_setup(&x, s, req, r, NULL);
    CURLcode rc = curl_easy_perform(x.c);
    if (rc != CURLE_OK) {
        curl_slist_free_all(x.hl);
        curl_easy_cleanup(x.c);
        free(x.url);
        free(x.body.p);
        headers_clear(r);
        memset(r, 0, sizeof *r);
        r->body = xstrdup("");
        return (int)rc;
    }
    xfer_finish(&x, s, req, rc, false);
    return 0;
}

long raw_exchange(server *s, const char *data, size_t len, bool shut_wr, char *out,
                  size_t cap, int timeout_ms)
{
    return raw_exchange_at(htonl(INADDR_LOOPBACK), s->port, data, len, shut_wr,
                           out, cap, timeout_ms);
}

long raw_exchange_at(uint32_t addr, int port, const char *data, size_t len,
                     bool shut_wr, char *out, size_t cap, int timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = addr;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (shut_wr)
        shutdown(fd, SHUT_WR);
    size_t got = 0;
    long deadline = now_ms() + timeout_ms;
    while (got + 1 < cap) {
        long left = deadline - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t n = recv(fd, out + got, cap - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    out[got] = '\0';
    close(fd);
    return (long)got;
}

void http_parallel(server *s, const http_req *req, int n, http_resp *out)
{
    curl_init_once();
    CURLM *m = curl_multi_init();
    xfer *xs = calloc((size_t)n, sizeof *xs);
    for (int i = 0; i < n; i++) {
        xfer_setup(&xs[i], s, req, &out[i], NULL);
        curl_multi_add_handle(m, xs[i].c);
    }
    int running = n;
    long deadline = now_ms() + HTTP_TIMEOUT_MS + 1000;
    while (running > 0 && now_ms() < deadline) {
        curl_multi_perform(m, &running);
        if (running)
            curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    CURLcode *codes = calloc((size_t)n, sizeof *codes);
    for (int i = 0; i < n; i++)
        codes[i] = CURLE_OPERATION_TIMEDOUT;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        for (int i = 0; i < n; i++)
            if (xs[i].c == msg->easy_handle)
                codes[i] = msg->data.result;
    }
    for (int i = 0; i < n; i++)
        curl_multi_remove_handle(m, xs[i].c);
    curl_multi_cleanup(m);
    for (int i = 0; i < n; i++)
        xfer_finish(&xs[i], s, req, codes[i], false);
    free(codes);
    free(xs);
}

long http_keepalive(server *s, const http_req *reqs, int n, http_resp *out)
{
    curl_init_once();
    CURL *c = curl_easy_init();
    long conns = 0;
    for (int i = 0; i < n; i++) {
        xfer x;
        xfer_setup(&x, s, &reqs[i], &out[i], c);
        CURLcode rc = curl_easy_perform(c);
        long nc = 0;
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nc);
        conns += nc;
        xfer_finish(&x, s, &reqs[i], rc, true);
    }
    curl_easy_cleanup(c);
    return conns;
}

void http(server *s, const char *method, const char *path, const char *body,
          http_resp *r)
{
    http_req q = {.method = method, .path = path, .body = body};
    http_do(s, &q, r);
}

void http_auth(server *s, const char *method, const char *path,
               const char *auth, const char *body, http_resp *r)
{
    http_req q = {.method = method, .path = path, .body = body, .auth = auth};
    http_do(s, &q, r);
}

void http_key(server *s, const char *method, const char *path, const char *key,
              const char *body, http_resp *r)
{
    if (!key || key == HTTP_NONE) {
        http_auth(s, method, path, key, body, r);
        return;
    }
    char *auth = xprintf("Bearer %s", key);
    http_auth(s, method, path, auth, body, r);
    free(auth);
}

void h_expect_key(server *s, const char *method, const char *path,
                  const char *key, const char *body, long status,
                  const char *resp, const char *file, int line)
{
    http_resp r;
    http_key(s, method, path, key, body, &r);
    h_assert_resp(&r, status, resp, file, line);
    http_resp_free(&r);
}

void expect_guards(server *s, const char *method, const char *rest,
                   const char *body, const char *key403, const char *detail403)
{
    http_resp r;
    char *path = xprintf(API1 "/%s", rest);
    http_auth(s, method, path, HTTP_NONE, body, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    char *auth = xprintf("Bearer %s", key403);
    http_auth(s, method, path, auth, body, &r);
    ASSERT_ERROR(&r, 403, "authentication_error", "permission_denied", detail403, NULL);
    http_resp_free(&r);
    free(path);
    path = xprintf("/api/environments/abc/%s", rest);
    http(s, method, path, body, &r);
    PROJECT_NOT_FOUND(&r);
    http_resp_free(&r);
    free(path);
    free(auth);
}

void http_resp_free(http_resp *r)
{
    free(r->body);
    r->body = NULL;
    headers_clear(r);
}

const char *resp_header(const http_resp *r, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < r->nheaders; i++)
        if (!strcasecmp(r->headers[i].name, name))
            v = r->headers[i].value;
    return v;
}

/* ---- assertions ------------------------------------------------------------- */

/* cmocka's print_error formats into a fixed-size buffer: print long text in
 * pieces. */
static void print_long(const char *label, const char *text, size_t len)
{
    enum { CHUNK = 400 };
    print_error("%s", label);
    for (size_t off = 0; off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        print_error("%.*s", (int)n, text + off);
    }
    print_error("\n");
}

static void dump_resp(const http_resp *r)
{
    print_error("  --- actual response: %ld ---\n", r->status);
    for (size_t i = 0; i < r->nheaders; i++)
        print_error("  %s: %s\n", r->headers[i].name, r->headers[i].value);
    char label[64];
    snprintf(label, sizeof label, "  body (%zu bytes): ", r->len);
    print_long(label, r->body ? r->body : "", r->len > 8000 ? 8000 : r->len);
}

void h_assert_status(const http_resp *r, long status, const char *file, int line)
{
    if (r->status != status) {
        print_error("%s:%d: status: expected %ld, got %ld\n", file, line, status, r->status);
        dump_resp(r);
        _fail(file, line);
    }
}

void h_assert_body(const http_resp *r, const char *expected, const char *file, int line)
{
    size_t n = strlen(expected);
    if (r->len != n || memcmp(r->body, expected, n) != 0) {
        size_t i = 0;
        while (i < n && i < r->len && r->body[i] == expected[i])
            i++;
        print_error("%s:%d: body differs at byte %zu\n", file, line, i);
        char label[64];
        snprintf(label, sizeof label, "  expected (%zu bytes): ", n);
        print_long(label, expected, n);
        snprintf(label, sizeof label, "  actual   (%zu bytes): ", r->len);
        print_long(label, r->body, r->len > 8000 ? 8000 : r->len);
        size_t ctx = i > 40 ? i - 40 : 0;
        print_long("  expected near the difference: ...", expected + ctx,
                   n - ctx > 200 ? 200 : n - ctx);
        print_long("  actual near the difference:   ...", r->body + ctx,
                   r->len - ctx > 200 ? 200 : r->len - ctx);
        _fail(file, line);
    }
}

void h_assert_header(const http_resp *r, const char *name, const char *value,
                     const char *file, int line)
{
    const char *v = resp_header(r, name);
    if (!v || strcmp(v, value) != 0) {
        print_error("%s:%d: header %s: expected \"%s\", got %s%s%s\n", file, line, name,
                    value, v ? "\"" : "", v ? v : "(absent)", v ? "\"" : "");
        dump_resp(r);
        _fail(file, line);
    }
}

void h_assert_no_header(const http_resp *r, const char *name, const char *file, int line)
{
    const char *v = resp_header(r, name);
    if (v) {
        print_error("%s:%d: header %s: expected absent, got \"%s\"\n", file, line, name, v);
        dump_resp(r);
        _fail(file, line);
    }
}

void h_assert_resp(const http_resp *r, long status, const char *body, const char *file,
                   int line)
{
    h_assert_status(r, status, file, line);
    h_assert_body(r, body, file, line);
    h_assert_header(r, "Content-Type", "application/json", file, line);
}

static char *json_str(const char *s)
{
    json_t *j = json_string(s);
    char *out = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    return out;
}

void h_assert_error(const http_resp *r, long status, const char *type, const char *code,
                    const char *detail, const char *attr, const char *file, int line)
{
    char *d = json_str(detail);
    char *a = attr ? json_str(attr) : xstrdup("null");
    char *exp = xprintf("{\"type\":\"%s\",\"code\":\"%s\",\"detail\":%s,\"attr\":%s}",
                        type, code, d, a);
    h_assert_resp(r, status, exp, file, line);
    free(exp);
    free(d);
    free(a);
}

void h_assert_json_field(const http_resp *r, const char *path, const char *expected_json,
                         const char *file, int line)
{
    json_error_t e;
    json_t *root = json_loadb(r->body, r->len, JSON_DECODE_ANY, &e);
    if (!root) {
        print_error("%s:%d: body is not JSON (%s)\n", file, line, e.text);
        dump_resp(r);
        _fail(file, line);
        return;
    }
    json_t *cur = root;
    char *p = xstrdup(path);
    char *save = NULL;
    for (char *tok = strtok_r(p, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur)) {
            char *endp;
            long i = strtol(tok, &endp, 10);
            cur = (*endp == '\0' && i >= 0) ? json_array_get(cur, (size_t)i) : NULL;
        } else if (json_is_object(cur)) {
            cur = json_object_get(cur, tok);
        } else {
            cur = NULL;
        }
        if (!cur)
            break;
    }
    bool ok;
    char *actual = cur ? json_dumps(cur, JSON_ENCODE_ANY | JSON_COMPACT) : xstrdup("(absent)");
    if (!expected_json) {
        ok = (cur == NULL);
    } else {
        json_t *exp = json_loads(expected_json, JSON_DECODE_ANY, &e);
        if (!exp) {
            print_error("%s:%d: bad expected JSON %s (%s)\n", file, line, expected_json, e.text);
            _fail(file, line);
        }
        ok = cur && json_equal(cur, exp);
        json_decref(exp);
    }
    if (!ok) {
        print_error("%s:%d: field \"%s\": expected %s, got %s\n", file, line, path,
                    expected_json ? expected_json : "(absent)", actual);
        dump_resp(r);
    }
    free(actual);
    free(p);
    json_decref(root);
    if (!ok)
        _fail(file, line);
}

void h_assert_str_eq(const char *actual, const char *expected, const char *what,
                     const char *file, int line)
{
    if (!actual || strcmp(actual, expected) != 0) {
        print_error("%s:%d: %s:\n", file, line, what);
        print_long("  expected: ", expected, strlen(expected));
        print_long("  actual:   ", actual ? actual : "(null)", strlen(actual ? actual : "(null)"));
        _fail(file, line);
    }
}

void h_assert_contains(const char *hay, const char *needle, const char *what,
                       const char *file, int line)
{
    if (!hay || !strstr(hay, needle)) {
        print_error("%s:%d: %s:\n", file, line, what);
        print_long("  expected to contain: ", needle, strlen(needle));
        print_long("  actual: ", hay ? hay : "(null)", strlen(hay ? hay : "(null)"));
        _fail(file, line);
    }
}

/* ---- expected bodies ---------------------------------------------------------- */

static const char *const DASH_TEMPLATE =
    "{\"id\":%d,\"name\":null,\"description\":\"\",\"pinned\":false,"
    "\"created_at\":\"%s\",\"created_by\":" USER_DEFAULT_JSON ","
    "\"last_accessed_at\":null,\"last_viewed_at\":null,\"is_shared\":false,"
    "\"deleted\":false,\"creation_mode\":\"default\",\"filters\":{},\"variables\":{},"
    "\"breakdown_colors\":[],\"data_color_theme_id\":null,\"tags\":[],"
    "\"restriction_level\":21,\"effective_restriction_level\":21,"
    "\"effective_privilege_level\":37,\"user_access_level\":\"editor\","
    "\"access_control_version\":\"v2\",\"last_refresh\":null,"
    "\"persisted_filters\":null,\"persisted_variables\":null,\"team_id\":%d,"
    "\"tiles\":[]}";

static const char *const BASIC_FIELDS[] = {
    "id", "name", "description", "pinned", "created_at", "created_by",
    "last_accessed_at", "last_viewed_at", "is_shared", "deleted", "creation_mode",
    "tags", "restriction_level", "effective_restriction_level",
    "effective_privilege_level", "user_access_level", "access_control_version",
    "last_refresh", "team_id", NULL};

static json_t *dash_obj(int id, const char *created_at, int team_id, const char *overrides)
{
    char *text = xprintf(DASH_TEMPLATE, id, created_at, team_id);
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    if (!o) {
        fprintf(stderr, "harness: bad template: %s\n", e.text);
        abort();
    }
    free(text);
    if (overrides) {
        json_t *ov = json_loads(overrides, 0, &e);
        if (!ov) {
            fprintf(stderr, "harness: bad overrides %s: %s\n", overrides, e.text);
            abort();
        }
        const char *k;
        json_t *v;
        json_object_foreach(ov, k, v) json_object_set(o, k, v);
        json_decref(ov);
    }
    return o;
}

char *dash_json(int id, const char *created_at, int team_id, const char *overrides)
{
    json_t *o = dash_obj(id, created_at, team_id, overrides);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

char *dash_basic_json(int id, const char *created_at, int team_id, const char *overrides)
{
    json_t *o = dash_obj(id, created_at, team_id, overrides);
    json_t *b = json_object();
    for (int i = 0; BASIC_FIELDS[i]; i++)
        json_object_set(b, BASIC_FIELDS[i], json_object_get(o, BASIC_FIELDS[i]));
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(o);
    json_decref(b);
    return s;
}

const char *clock_at(int n)
{
    static char bufs[8][32];
    static int next;
    char *b = bufs[next++ % 8];
    int h = n / 3600, m = (n / 60) % 60, sec = n % 60;
    snprintf(b, sizeof bufs[0], "2026-01-01T%02d:%02d:%02dZ", h, m, sec);
    return b;
}

int create_dashboard(server *s, int project, const char *name)
{
    char *path = xprintf("/api/environments/%d/dashboards/", project);
    char *body;
    if (name) {
        char *n = json_str(name);
        body = xprintf("{\"name\":%s}", n);
        free(n);
    } else {
        body = xstrdup("{}");
    }
    http_resp r;
    http(s, "POST", path, body, &r);
    h_assert_status(&r, 201, __FILE__, __LINE__);
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    int id = j ? (int)json_integer_value(json_object_get(j, "id")) : -1;
    json_decref(j);
    http_resp_free(&r);
    free(path);
    free(body);
    return id;
}

int fixture_clock_server(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK};
    *state = server_start(&o);
    return 0;
}

int fixture_stop_server(void **state)
{
    server_cleanup(*state);
    *state = NULL;
    return 0;
}
