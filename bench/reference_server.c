/* specmock-bench-ref: the benchmark's reference server.
 *
 * A bare libevent evhttp server configured like specmock's (runtime/server.c:
 * same allowed methods, body/header limits, 30 s timeout, lingering close,
 * TCP_NODELAY on the listener, which Linux copies to every accepted socket,
 * so no per-request setsockopt) that answers
 * every request with 200 and one fixed JSON body of --size bytes.  It does no
 * routing, auth, validation, storage or rendering: the distance between it
 * and specmock is what specmock's own work costs.
 *
 *   specmock-bench-ref [--host H] [--port P] [--size BYTES]
 *
 * --port 0 picks a free port; the last start-up line is exactly
 * "listening on http://HOST:PORT", as with specmock.  SIGINT/SIGTERM: exit 0.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

/* Kept equal to runtime/server.h. */
#define REF_HTTP_TIMEOUT_SECS 30
#define REF_BODY_HARD_LIMIT ((size_t)16 << 20)
#define REF_DEFAULT_SIZE 1024
#define REF_MIN_SIZE 16

static char *body;
static size_t body_len;

/* A JSON object of exactly n bytes: {"id":1,"pad":"xxxx…"} */
static char *make_body(size_t n)
{
    static const char head[] = "{\"id\":1,\"pad\":\"";
    static const char tail[] = "\"}";
    size_t hl = sizeof head - 1, tl = sizeof tail - 1;
    char *b = malloc(n + 1);
    if (!b)
        return NULL;
    memcpy(b, head, hl);
    memset(b + hl, 'x', n - hl - tl);
    memcpy(b + n - tl, tail, tl);
    b[n] = '\0';
    return b;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    (void)arg;
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    evhttp_add_header(out, "Content-Type", "application/json");
    struct evbuffer *ob = evbuffer_new();
    if (!ob) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    evbuffer_add_reference(ob, body, body_len, NULL, NULL);
    evhttp_send_reply(req, 200, "OK", ob);
    evbuffer_free(ob);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    event_base_loopbreak((struct event_base *)arg);
}

static int parse_num(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: specmock-bench-ref [--host H] [--port P] [--size BYTES]\n"
          "  --host H      address to bind (default 127.0.0.1)\n"
          "  --port P      port (default 8011; 0 picks a free port)\n"
          "  --size BYTES  JSON body size of every answer (default 1024)\n",
          f);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 8011, size = REF_DEFAULT_SIZE;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--host") && strcmp(a, "--port") && strcmp(a, "--size")) {
            fprintf(stderr, "specmock-bench-ref: unknown flag '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "specmock-bench-ref: %s needs a value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--host")) {
            host = v;
        } else if (!strcmp(a, "--port")) {
            if (parse_num(v, 0, 65535, &port) < 0) {
                fprintf(stderr, "specmock-bench-ref: bad port '%s'\n", v);
                return 2;
            }
        } else if (parse_num(v, REF_MIN_SIZE, (long)REF_BODY_HARD_LIMIT,
                             &size) < 0) {
            fprintf(stderr, "specmock-bench-ref: bad size '%s' (%d..%zu)\n", v,
                    REF_MIN_SIZE, REF_BODY_HARD_LIMIT);
            return 2;
        }
    }

    body_len = (size_t)size;
    if (!(body = make_body(body_len))) {
        fputs("specmock-bench-ref: out of memory\n", stderr);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct event_base *base = event_base_new();
    struct evhttp *http = base ? evhttp_new(base) : NULL;
    if (!http) {
        fputs("specmock-bench-ref: cannot create the event loop\n", stderr);
        return 1;
    }
    evhttp_set_allowed_methods(http,
                               EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                   EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                   EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
                                   EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
                                   EVHTTP_REQ_PATCH);
    evhttp_set_default_content_type(http, NULL);
    evhttp_set_max_body_size(http, (ev_ssize_t)REF_BODY_HARD_LIMIT);
    evhttp_set_max_headers_size(http, 64 * 1024);
    evhttp_set_timeout(http, REF_HTTP_TIMEOUT_SECS);
    evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE);
    evhttp_set_gencb(http, on_request, NULL);

    errno = 0;
    struct evhttp_bound_socket *sock =
        evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port);
    if (!sock) {
        fprintf(stderr, "specmock-bench-ref: cannot listen on %s:%ld: %s\n",
                host, port, errno ? strerror(errno) : "cannot resolve or bind");
        return 1;
    }
    evutil_socket_t fd = evhttp_bound_socket_get_fd(sock);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }

    struct event *sigint = evsignal_new(base, SIGINT, on_signal, base);
    struct event *sigterm = evsignal_new(base, SIGTERM, on_signal, base);
    if (!sigint || !sigterm || event_add(sigint, NULL) < 0 ||
        event_add(sigterm, NULL) < 0) {
        fputs("specmock-bench-ref: cannot install signal handlers\n", stderr);
        return 1;
    }
    printf("specmock-bench-ref: fixed %zu-byte JSON body\n", body_len);
    printf("listening on http://%s:%ld\n", host, port);

    event_base_dispatch(base);

    event_free(sigint);
    event_free(sigterm);
    evhttp_free(http);
    event_base_free(base);
    free(body);
    return 0;
}
