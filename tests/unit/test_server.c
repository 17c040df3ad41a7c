/*
 * test_server.c — the evhttp side (server_cb) over the fixture API: the
 * Content-Type of JSON, event-stream and content answers (also for HEAD),
 * no Content-Type on empty 204s, and the journal lines.  Client requests
 * run on the same event base (evhttp's client), so no threads or forks.
 * Also: an accepted connection has TCP_NODELAY (inherited from the listener,
 * server_listen) without any per-request setsockopt.
 * Owned by the RT-CORE helper.
 */
#include "unit.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "clock.h"
#include "fixture_api.h"
#include "handlers.h"
#include "journal.h"
#include "router.h"
#include "server.h"
#include "store.h"

typedef struct answer {
    int status;
    char ctype[64];
    char clen[16];
    strbuf body;
    struct event_base *base;
} answer;

static void on_done(struct evhttp_request *req, void *arg)
{
    answer *a = arg;
    if (req) {
        a->status = evhttp_request_get_response_code(req);
        struct evkeyvalq *h = evhttp_request_get_input_headers(req);
        const char *ct = evhttp_find_header(h, "Content-Type");
        const char *cl = evhttp_find_header(h, "Content-Length");
        snprintf(a->ctype, sizeof a->ctype, "%s", ct ? ct : "<none>");
        snprintf(a->clen, sizeof a->clen, "%s", cl ? cl : "<none>");
        struct evbuffer *b = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(b);
        strbuf_truncate(&a->body, 0);
        if (n)
            strbuf_add(&a->body, evbuffer_pullup(b, -1), n);
    }
    event_base_loopbreak(a->base);
}

static void call(struct event_base *base, int port, enum evhttp_cmd_type cmd,
                 const char *path, const char *body, answer *a)
{
    struct evhttp_connection *conn =
        evhttp_connection_base_new(base, NULL, "127.0.0.1", (ev_uint16_t)port);
    a->base = base;
    a->status = 0;
    struct evhttp_request *req = evhttp_request_new(on_done, a);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", "t.test");
    evhttp_add_header(h, "Authorization", "Bearer sess");
    if (body) {
        evhttp_add_header(h, "Content-Type", "application/json");
        evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
    }
    assert_int_equal(evhttp_make_request(conn, req, cmd, path), 0);
    event_base_dispatch(base);
    evhttp_connection_free(conn);
}

/* TCP_NODELAY of the server's side of a fresh connection to port: a plain
 * client socket connects, the loop runs until evhttp has accepted it, and the
 * accepted socket is the descriptor whose peer is the client's own address.
 * -1 when it was not found. */
static int accepted_nodelay(struct event_base *base, int port)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    assert_int_equal(getsockname(c, (struct sockaddr *)&me, &ml), 0);
    int found = -1;
    for (int tries = 0; tries < 200 && found < 0; tries++) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        for (int fd = 0; fd < 1024 && found < 0; fd++) {
            struct sockaddr_in peer;
            socklen_t pl = sizeof peer;
            if (fd == c || getpeername(fd, (struct sockaddr *)&peer, &pl) < 0 ||
                peer.sin_family != AF_INET || peer.sin_port != me.sin_port ||
                peer.sin_addr.s_addr != me.sin_addr.s_addr)
                continue;
            int v = 0;
            socklen_t vl = sizeof v;
            assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0);
            found = v != 0;
        }
        if (found < 0)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    close(c);
    event_base_loop(base, EVLOOP_NONBLOCK); /* the server sees the close */
    return found;
}

static void test_content_types_and_journal(void **state)
{
    (void)state;
    char *dir = unit_tmpdir();
    strbuf e = STRBUF_INIT, jp = STRBUF_INIT, kp = STRBUF_INIT;
    sm_store *store;
    assert_int_equal(store_open(&store, dir, STORE_DEFAULT_MAPSIZE, 0, &e), STORE_OK);
    uint16_t ns[FX_RES_COUNT];
    for (int i = 0; i < FX_RES_COUNT; i++)
        assert_int_equal(store_namespace(store, fixture_api.resources[i].name, &ns[i]), STORE_OK);
    char rerr[128];
    sm_router *router = router_new(&fixture_api, rerr, sizeof rerr);
    strbuf_addf(&kp, "%s/keys.json", dir);
    FILE *kf = fopen(kp.p, "w");
    fputs("[{\"key\":\"sess\",\"session\":true}]", kf);
    fclose(kf);
    sm_keys *keys = auth_keys_load(&fixture_api, kp.p, &e);
    assert_non_null(keys);
    strbuf_addf(&jp, "%s/journal.jsonl", dir);
    sm_journal *j = journal_open(jp.p, &e);
    assert_non_null(j);
    sm_clock clk;
    int64_t t0;
    clock_parse("2026-01-01T00:00:00Z", 20, &t0);
    clock_init_fixed(&clk, t0);
    sm_app app = {.api = &fixture_api, .router = router, .keys = keys, .store = store,
                  .clock = &clk, .ns = ns, .prefix_params = 1, .self_host = "x:1",
                  .journal = j};
    assert_int_equal(handlers_resolve(&app, &e), 0);
    struct event_base *base = event_base_new();
    sm_server *srv = server_new(base, &app);
    int port = 0;
    assert_int_equal(server_listen(srv, "127.0.0.1", 0, &port, &e), 0);
    assert_int_equal(accepted_nodelay(base, port), 1);

    answer a = {.body = STRBUF_INIT};
    call(base, port, EVHTTP_REQ_POST, "/api/orgs/1/boards/",
         "{\"name\":\"n\",\"mime\":\"image/svg+xml\",\"items\":[1,2]}", &a);
    assert_int_equal(a.status, 201);
    assert_string_equal(a.ctype, "application/json");
    size_t created_len = a.body.len;

    call(base, port, EVHTTP_REQ_GET, "/api/orgs/1/boards/1/content/", NULL, &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.ctype, "image/svg+xml");
    assert_int_equal(a.body.len, 0);
    call(base, port, EVHTTP_REQ_HEAD, "/api/orgs/1/boards/1/content/", NULL, &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.ctype, "image/svg+xml");

    call(base, port, EVHTTP_REQ_GET, "/api/orgs/1/boards/1/stream/", NULL, &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.ctype, "text/event-stream");
    assert_non_null(strstr(a.body.p, "data: {\"type\":\"item\",\"order\":1,\"item\":2}\n\n"
                                     "data: {\"type\":\"complete\"}\n\n"));

    call(base, port, EVHTTP_REQ_HEAD, "/api/orgs/1/boards/1/", NULL, &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.ctype, "application/json");
    char want[16];
    snprintf(want, sizeof want, "%zu", created_len);
    assert_string_equal(a.clen, want);
    assert_int_equal(a.body.len, 0);

    call(base, port, EVHTTP_REQ_DELETE, "/api/orgs/1/boards/1/", NULL, &a);
    assert_int_equal(a.status, 204);
    assert_string_equal(a.ctype, "<none>");
    call(base, port, EVHTTP_REQ_GET, "/nowhere?x=1", NULL, &a);
    assert_int_equal(a.status, 404);

    server_free(srv);
    event_base_free(base);
    journal_close(j);
    /* one line per answer, in order */
    FILE *jf = fopen(jp.p, "r");
    char line[4096];
    const char *ops[] = {"boards_create", "boards_content", "boards_content",
                         "boards_stream", "boards_retrieve", "boards_destroy", NULL};
    const char *cts[] = {"application/json", "image/svg+xml", "image/svg+xml",
                         "text/event-stream", "application/json", NULL, "application/json"};
    for (int i = 0; i < 7; i++) {
        assert_non_null(fgets(line, sizeof line, jf));
        json_t *v = unit_json(line);
        const json_t *op = json_object_get(v, "op");
        if (ops[i])
            assert_string_equal(json_string_value(op), ops[i]);
        else
            assert_true(json_is_null(op));
        const json_t *ct = json_object_get(v, "content_type");
        if (cts[i])
            assert_string_equal(json_string_value(ct), cts[i]);
        else
            assert_true(json_is_null(ct));
        /* HEAD and empty answers carry no body member */
        int has_body = json_object_get(v, "body") != NULL;
        assert_int_equal(has_body, i == 0 || i == 3 || i == 6);
        if (i == 6)
            assert_string_equal(json_string_value(json_object_get(v, "path")), "/nowhere?x=1");
        json_decref(v);
    }
    assert_null(fgets(line, sizeof line, jf));
    fclose(jf);

    strbuf_free(&a.body);
    handlers_release(&app);
    auth_keys_free(keys);
    router_free(router);
    store_close(store);
    unit_rmdir(dir);
    free(dir);
    strbuf_free(&e);
    strbuf_free(&jp);
    strbuf_free(&kp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_types_and_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
