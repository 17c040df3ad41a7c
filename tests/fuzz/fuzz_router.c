/*
 * fuzz_router.c — fuzz target for request routing against the generated
 * route table: one input is "METHOD PATH[?QUERY]" (the first space splits
 * the method).  The path goes through router_match()/router_op(); the query
 * through query_parse() and pagination_params() and, for a match, the
 * pagination link builders, as a list request would use them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pagination.h"
#include "query.h"
#include "router.h"
#include "sm_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sm_router *router;

static int method_of(const char *m)
{
    static const char *names[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(m, names[i]))
            return SM_GET + i;
    return SM_GET;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!router) {
        char err[256];
        router = router_new(&specmock_api, err, sizeof err);
        if (!router)
            abort();
    }
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0'; /* an embedded NUL ends the request line, as in evhttp */
    char *path = strchr(buf, ' ');
    const char *method = "GET";
    if (path) {
        *path++ = '\0';
        method = buf;
    } else {
        path = buf;
    }
    char *qs = strchr(path, '?');
    if (qs)
        *qs++ = '\0';

    sm_route_match m;
    memset(&m, 0, sizeof m);
    int hit = router_match(router, path, &m);
    if (hit) {
        int op = router_op(&m, method_of(method));
        if (op >= 0 && op >= (int)specmock_api.nops)
            abort(); /* an op index outside the table is a bug */
    }
    router_match_free(&m);

    query_list q = {0};
    query_parse(&q, qs);
    for (size_t i = 0; i < q.n; i++)
        (void)query_get(&q, q.v[i].key);
    query_free(&q);

    int64_t limit = 0, offset = 0;
    pagination_params(qs, &limit, &offset);
    if (limit <= 0 || offset < 0)
        abort(); /* documented: positive limit, non-negative offset */
    if (hit) {
        char *next = pagination_next("127.0.0.1:1", path, qs, INT64_MAX, limit, offset);
        char *prev = pagination_previous("127.0.0.1:1", path, qs, limit, offset);
        free(next);
        free(prev);
    }
    free(buf);
    return 0;
}
