/*
 * test_crash.c — crash safety: SIGKILL mid-stream of creates, restart on the
 * same --db directory, every acknowledged write is still there, byte for
 * byte, and ids are never reused (docs/contracts.md §3 --db/--sync, §7).
 *
 * One client (a curl multi handle, WINDOW transfers in flight, one
 * connection each) sends TOTAL creates {"name":"crash-N"}.  Every transfer
 * that completes with CURLE_OK and 201 is "acknowledged": its id and exact
 * body are recorded.  Once KILL_AT(seed) creates have been acknowledged the
 * server is SIGKILLed while the other transfers of the window are still in
 * flight; the remaining creates then fail at the transport level and are
 * not acknowledged.  After a restart on the same directory:
 *   - GET dashboards/{id}/ returns 200 with exactly the acknowledged body;
 *   - the list count is >= the number acknowledged and lists every such id;
 *   - the next create gets an id above every acknowledged and listed id.
 * The kill point comes from SPECMOCK_CRASH_SEED (printed; a time-derived
 * seed when unset), so a failing run can be replayed with the same point.
 */
#include "harness.h"

#include <curl/curl.h>
#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TOTAL 1000
#define WINDOW 16

typedef struct ack {
    long long id;
    char *body;
    size_t len;
    int n; /* the N of crash-N */
} ack;

typedef struct slot {
    CURL *c;
    int n;
    char req[64];
    char *body;
    size_t len;
    size_t cap;
} slot;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    slot *sl = ud;
    size_t n = size * nmemb;
    if (sl->len + n + 1 > sl->cap) {
        size_t nc = sl->cap ? sl->cap * 2 : 1024;
        while (nc < sl->len + n + 1)
            nc *= 2;
        char *p = realloc(sl->body, nc);
        if (!p)
            abort();
        sl->body = p;
        sl->cap = nc;
    }
    memcpy(sl->body + sl->len, ptr, n);
    sl->len += n;
    sl->body[sl->len] = '\0';
    return n;
}

/* print_error formats into a fixed buffer: long bodies go out in pieces. */
static void print_body(const char *p, size_t len)
{
    for (size_t off = 0; off < len; off += 512)
        print_error("%.*s", (int)(len - off < 512 ? len - off : 512), p + off);
    print_error("\n");
}

static unsigned crash_seed(void)
{
    const char *e = getenv("SPECMOCK_CRASH_SEED");
    if (e && *e)
        return (unsigned)strtoul(e, NULL, 10);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned)(ts.tv_nsec ^ (ts.tv_sec << 8) ^ (unsigned)getpid()) % 1000000u;
}

static struct curl_slist *post_headers(void)
{
    struct curl_slist *hl = NULL;
    hl = curl_slist_append(hl, "Authorization: Bearer " DEFAULT_KEY);
    hl = curl_slist_append(hl, "Content-Type: application/json");
    hl = curl_slist_append(hl, "Expect:");
    return hl;
}

static void slot_start(CURLM *m, slot *sl, const char *url, struct curl_slist *hl, int n)
{
    sl->n = n;
    sl->len = 0;
    if (sl->body)
        sl->body[0] = '\0';
    snprintf(sl->req, sizeof sl->req, "{\"name\":\"crash-%d\"}", n);
    CURL *c = curl_easy_init();
    if (!c)
        abort();
    sl->c = c;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(sl->req));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, sl->req);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, sl);
    curl_easy_setopt(c, CURLOPT_PRIVATE, (char *)sl);
    curl_multi_add_handle(m, c);
}

static void run_crash(void **state, const char *const *extra)
{
    unsigned seed = crash_seed();
    srand(seed);
    int kill_at = 400 + rand() % 201; /* 400..600 acknowledged */
    print_message("crash: seed %u (SPECMOCK_CRASH_SEED), kill after %d acknowledged, %s\n",
                  seed, kill_at, extra ? extra[0] : "no --sync");

    server_opts o = {.extra_args = extra};
    server *s = server_start(&o);
    *state = s; /* the teardown stops it and removes the directory on failure */

    curl_global_init(CURL_GLOBAL_DEFAULT);
    char *url = xprintf("http://127.0.0.1:%d" DASH1, s->port);
    struct curl_slist *hl = post_headers();
    CURLM *m = curl_multi_init();
    slot slots[WINDOW];
    memset(slots, 0, sizeof slots);
    slot *free_slots[WINDOW];
    int nfree = 0;
    for (int i = 0; i < WINDOW; i++)
        free_slots[nfree++] = &slots[i];

    ack *acks = calloc(TOTAL, sizeof *acks);
    int nack = 0, nfail = 0, nother = 0, next = 1, running = 0;
    int in_flight_at_kill = -1, sent_at_kill = -1;
    bool killed = false;
    char first_err[256] = "";

    while (next <= TOTAL || nfree < WINDOW) {
        while (nfree > 0 && next <= TOTAL)
            slot_start(m, free_slots[--nfree], url, hl, next++);
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int q;
        while ((msg = curl_multi_info_read(m, &q))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot *sl = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&sl);
            long st = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &st);
            CURLcode rc = msg->data.result;
            if (rc == CURLE_OK && st == 201) {
                json_t *j = json_loadb(sl->body ? sl->body : "", sl->len, 0, NULL);
                json_t *jid = j ? json_object_get(j, "id") : NULL;
                if (!json_is_integer(jid)) {
                    print_error("crash: POST %s → 201 without an integer id: %.*s\n",
                                sl->req, (int)sl->len, sl->body ? sl->body : "");
                    fail();
                }
                acks[nack].id = json_integer_value(jid);
                acks[nack].n = sl->n;
                acks[nack].len = sl->len;
                acks[nack].body = malloc(sl->len + 1);
                memcpy(acks[nack].body, sl->body, sl->len);
                acks[nack].body[sl->len] = '\0';
                nack++;
                json_decref(j);
            } else if (rc == CURLE_OK) {
                /* The server answered, but not 201: before the kill this is
                 * a bug in itself; report it. */
                nother++;
                print_error("crash: POST %s → %ld (expected 201): %.*s\n", sl->req, st,
                            (int)sl->len, sl->body ? sl->body : "");
                fail();
            } else {
                if (!killed) {
                    print_error("crash: POST %s failed before the kill: %s\n", sl->req,
                                curl_easy_strerror(rc));
                    fail();
                }
                if (!first_err[0])
                    snprintf(first_err, sizeof first_err, "%s", curl_easy_strerror(rc));
                nfail++;
            }
            curl_multi_remove_handle(m, msg->easy_handle);
            curl_easy_cleanup(msg->easy_handle);
            sl->c = NULL;
            free_slots[nfree++] = sl;
            if (!killed && nack >= kill_at) {
                /* Refill first so the kill lands with a full window. */
                while (nfree > 0 && next <= TOTAL)
                    slot_start(m, free_slots[--nfree], url, hl, next++);
                curl_multi_perform(m, &running);
                in_flight_at_kill = WINDOW - nfree;
                sent_at_kill = next - 1;
                server_kill(s);
                killed = true;
            }
        }
        if (nfree < WINDOW)
            curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    curl_multi_cleanup(m);
    curl_slist_free_all(hl);
    free(url);

    print_message("crash: %d acknowledged, %d failed after the kill (first: %s), "
                  "%d in flight and %d started when killed (exit status %d)\n",
                  nack, nfail, first_err[0] ? first_err : "-", in_flight_at_kill,
                  sent_at_kill, s->exit_status);
    assert_true(killed);
    assert_int_equal(s->exit_status, 128 + 9);
    assert_true(in_flight_at_kill > 0);
    assert_int_equal(nother, 0);
    assert_true(nack >= kill_at);

    /* Acknowledged ids are distinct. */
    long long max_ack = 0;
    for (int i = 0; i < nack; i++) {
        if (acks[i].id > max_ack)
            max_ack = acks[i].id;
        for (int k = 0; k < i; k++)
            if (acks[k].id == acks[i].id) {
                print_error("crash: id %lld acknowledged twice (crash-%d and crash-%d)\n",
                            acks[i].id, acks[k].n, acks[i].n);
                fail();
            }
    }

    server_restart(s);

    /* Every acknowledged record, byte-identical. */
    int bad = 0;
    for (int i = 0; i < nack; i++) {
        char *path = xprintf(DASH1 "%lld/", acks[i].id);
        http_resp r;
        http(s, "GET", path, NULL, &r);
        if (r.status != 200 || r.len != acks[i].len ||
            memcmp(r.body, acks[i].body, r.len) != 0) {
            if (bad++ < 5) {
                /* One call per line: cmocka truncates long messages. */
                print_error("crash: lost/changed acknowledged write\n");
                print_error("  request:  POST " DASH1 " {\"name\":\"crash-%d\"} -> 201\n",
                            acks[i].n);
                print_error("  then:     SIGKILL, restart, GET %s\n", path);
                print_error("  expected: 200 (%zu bytes) ", acks[i].len);
                print_body(acks[i].body, acks[i].len);
                print_error("  actual:   %ld (%zu bytes) ", r.status, r.len);
                print_body(r.body, r.len);
            }
        }
        http_resp_free(&r);
        free(path);
    }
    if (bad) {
        print_error("crash: %d of %d acknowledged records missing or different\n", bad, nack);
        fail();
    }

    /* The list holds at least every acknowledged record. */
    http_resp r;
    http(s, "GET", DASH1 "?limit=5000", NULL, &r);
    ASSERT_STATUS(&r, 200);
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    assert_non_null(j);
    long long count = json_integer_value(json_object_get(j, "count"));
    json_t *results = json_object_get(j, "results");
    print_message("crash: after restart list count %lld (acknowledged %d, started %d)\n",
                  count, nack, next - 1);
    if (count < nack) {
        print_error("crash: list count %lld < %d acknowledged\n", count, nack);
        fail();
    }
    assert_int_equal((long long)json_array_size(results), count);
    long long max_listed = 0;
    size_t idx;
    json_t *it;
    json_array_foreach(results, idx, it) {
        long long id = json_integer_value(json_object_get(it, "id"));
        if (id > max_listed)
            max_listed = id;
    }
    for (int i = 0; i < nack; i++) {
        bool found = false;
        json_array_foreach(results, idx, it) {
            if (json_integer_value(json_object_get(it, "id")) == acks[i].id) {
                found = true;
                break;
            }
        }
        if (!found) {
            print_error("crash: acknowledged id %lld (crash-%d) missing from the list\n",
                        acks[i].id, acks[i].n);
            fail();
        }
    }
    json_decref(j);
    http_resp_free(&r);

    /* No id reuse: the next create is above everything ever acknowledged. */
    int id = create_dashboard(s, 1, "after-crash");
    print_message("crash: next id %d (max acknowledged %lld, max listed %lld)\n", id,
                  max_ack, max_listed);
    if (id <= max_ack || id <= max_listed) {
        print_error("crash: id reuse: POST " DASH1 " {\"name\":\"after-crash\"} → id %d, "
                    "expected > %lld (max acknowledged) and > %lld (max listed)\n",
                    id, max_ack, max_listed);
        fail();
    }

    for (int i = 0; i < nack; i++)
        free(acks[i].body);
    free(acks);
    for (int i = 0; i < WINDOW; i++)
        free(slots[i].body);
}

static void test_crash_nosync(void **state)
{
    run_crash(state, NULL);
}

static void test_crash_sync(void **state)
{
    static const char *const sync_args[] = {"--sync", NULL};
    run_crash(state, sync_args);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_crash_nosync, fixture_stop_server),
        cmocka_unit_test_teardown(test_crash_sync, fixture_stop_server),
    };
    return cmocka_run_group_tests_name("integration_crash", tests, NULL, NULL);
}
