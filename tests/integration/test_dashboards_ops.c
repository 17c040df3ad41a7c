/*
 * test_dashboards_ops.c — dashboards operations #1–#9 of
 * seed-endpoints.md as described in spec/posthog/dashboards.spec (v2):
 * list order and the unlisted filter, create, retrieve, partial_update,
 * the refused DELETE, move_tile, stream_tiles, create_from_template_json
 * and create_unlisted_dashboard, each with its documented statuses
 * (posthog-behavior.md §1.3, §2.2, §4, §5.3, §6.1).
 *
 * Ownership: SPEC-1 helper (issue 4).  Dashboards holding tiles are loaded
 * with --fixtures (docs/spec-v2.md "Fixtures"): no seed operation creates
 * tiles.  The fixture file is written by this test into a private
 * temporary file.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)
#define NO_PERSONAL_KEYS(r)                                                    \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "This action does not support personal API key access", NULL)

/* The default key stays a session (every operation allowed); the others are
 * personal keys. */
static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_star\", \"scopes\": [\"*\"]},\n"
    " {\"key\": \"phx_dash_read\", \"scopes\": [\"dashboard:read\"]},\n"
    " {\"key\": \"phx_export_read\", \"scopes\": [\"export:read\"]}\n"
    "]\n";

/* Two dashboards in project 1: "src" with three tiles, "dst" with none. */
#define TILE1 "{\"id\":11,\"text\":{\"body\":\"one\"},\"color\":null}"
#define TILE2 "{\"id\":12,\"text\":{\"body\":\"two\"},\"color\":\"blue\"}"
#define TILE3 "{\"id\":13,\"insight\":{\"id\":5},\"color\":null}"
#define FIX_AT "2025-12-31T00:00:00Z"
static const char FIXTURES[] =
    "{\"dashboards\": [\n"
    " {\"id\": 1, \"name\": \"src\", \"created_at\": \"" FIX_AT "\", \"created_by\": null,\n"
    "  \"team_id\": 1, \"tiles\": [" TILE1 ", " TILE2 ", " TILE3 "]},\n"
    " {\"id\": 2, \"name\": \"dst\", \"created_at\": \"" FIX_AT "\", \"created_by\": null,\n"
    "  \"team_id\": 1, \"tiles\": []}\n"
    "]}\n";

static char fixture_path[64];

static int setup_keys(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

static int setup_tiles(void **state)
{
    snprintf(fixture_path, sizeof fixture_path, "/tmp/specmock-dash-fixXXXXXX");
    int fd = mkstemp(fixture_path);
    if (fd < 0)
        return -1;
    size_t len = strlen(FIXTURES);
    if (write(fd, FIXTURES, len) != (ssize_t)len) {
        close(fd);
        return -1;
    }
    close(fd);
    static const char *args[4];
    args[0] = "--fixtures";
    args[1] = fixture_path;
    args[2] = NULL;
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS, .extra_args = args};
    *state = server_start(&o);
    return 0;
}

static int teardown_tiles(void **state)
{
    fixture_stop_server(state);
    unlink(fixture_path);
    return 0;
}

/* One request with an explicit Authorization value and content type. */
static void req(server *s, const char *method, const char *path, const char *auth,
                const char *ctype, const char *body, http_resp *r)
{
    http_req q = {.method = method, .path = path, .auth = auth,
                  .content_type = ctype, .body = body};
    http_do(s, &q, r);
}

/* The statuses every operation documents besides its own: 401 without a
 * key, 403 with key403 (a personal key lacking the scope, or "*" for
 * scope-none operations), 404 for a project that does not parse. */
static const char NO_PAK[] = "This action does not support personal API key access";

static char *page_of(int count, const char *items)
{
    return xprintf("{\"count\":%d,\"next\":null,\"previous\":null,\"results\":[%s]}",
                   count, items);
}

/* ---- #1 list ---- */

static void test_list_order_and_unlisted(void **state)
{
    server *s = *state;
    http_resp r;
    create_dashboard(s, 1, "b");      /* id 1, +0 s */
    create_dashboard(s, 1, "A");      /* id 2, +1 s */
    create_dashboard(s, 1, "c");      /* id 3, +2 s */
    http(s, "PATCH", DASH1 "3/", "{\"pinned\":true}", &r); /* +3 s */
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "POST", DASH1 "create_unlisted_dashboard/", "{\"tag\":\"llm-analytics\"}", &r);
    ASSERT_STATUS(&r, 200); /* id 4, +4 s */
    http_resp_free(&r);

    /* -pinned, then name case-insensitively; the unlisted one left out */
    char *b3 = dash_basic_json(3, clock_at(2), 1, "{\"name\":\"c\",\"pinned\":true}");
    char *b2 = dash_basic_json(2, clock_at(1), 1, "{\"name\":\"A\"}");
    char *b1 = dash_basic_json(1, clock_at(0), 1, "{\"name\":\"b\"}");
    char *b4 = dash_basic_json(4, clock_at(4), 1,
                               "{\"creation_mode\":\"unlisted\",\"tags\":[\"llm-analytics\"]}");
    char *items = xprintf("%s,%s,%s", b3, b2, b1);
    char *page = page_of(3, items);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, page);
    http_resp_free(&r);
    /* ?creation_mode= lists only that mode, unlisted included */
    char *page4 = page_of(1, b4);
    http(s, "GET", DASH1 "?creation_mode=unlisted", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, page4);
    http_resp_free(&r);
    http(s, "GET", DASH1 "?creation_mode=default", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, page);
    http_resp_free(&r);
    /* a soft-deleted dashboard leaves the list */
    http(s, "PATCH", DASH1 "2/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "2");
    ASSERT_FIELD(&r, "results.0.id", "3");
    ASSERT_FIELD(&r, "results.1.id", "1");
    http_resp_free(&r);
    free(b1), free(b2), free(b3), free(b4), free(items), free(page), free(page4);
}

static void test_list_guards(void **state)
{
    expect_guards(*state, "GET", "dashboards/", NULL, "phx_export_read",
                  "API key missing required scope 'dashboard:read'");
}

/* ---- #2 create ---- */

static void test_create(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1, "{\"name\":\"n\",\"restriction_level\":37}", &r);
    /* effective_restriction_level copies restriction_level */
    char *exp = dash_json(1, clock_at(0), 1,
                          "{\"name\":\"n\",\"restriction_level\":37,"
                          "\"effective_restriction_level\":37}");
    ASSERT_JSON_RESP(&r, 201, exp);
    http_resp_free(&r);
    free(exp);
}

static void test_create_errors(void **state)
{
    server *s = *state;
    http_resp r;
    char name[420];
    memset(name, 'x', 401);
    name[401] = '\0';
    char *body = xprintf("{\"name\":\"%s\"}", name);
    http(s, "POST", DASH1, body, &r);
    ASSERT_VALIDATION(&r, "max_length", "Ensure this field has no more than 400 characters.",
                      "name");
    http_resp_free(&r);
    free(body);
    req(s, "POST", DASH1, NULL, "text/plain", "{}", &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    expect_guards(s, "POST", "dashboards/", "{}", "phx_dash_read",
                  "API key missing required scope 'dashboard:write'");
}

/* ---- #3 retrieve ---- */

static void test_retrieve(void **state)
{
    server *s = *state;
    http_resp r;
    create_dashboard(s, 1, "one");
    char *exp = dash_json(1, clock_at(0), 1, "{\"name\":\"one\"}");
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http_auth(s, "GET", DASH1 "1/", "Bearer phx_dash_read", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "GET", DASH1 "2/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "GET", "dashboards/1/", NULL, "phx_export_read",
                  "API key missing required scope 'dashboard:read'");
    free(exp);
}

/* ---- #4 partial_update, soft delete and restore (§4) ---- */

static void test_partial_update(void **state)
{
    server *s = *state;
    http_resp r;
    create_dashboard(s, 1, "one");
    http(s, "PATCH", DASH1 "1/", "{\"description\":\"d\",\"restriction_level\":37}", &r);
    char *exp = dash_json(1, clock_at(0), 1,
                          "{\"name\":\"one\",\"description\":\"d\",\"restriction_level\":37,"
                          "\"effective_restriction_level\":37}");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);

    http(s, "PATCH", DASH1 "1/", "{\"restriction_level\":5}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"5\" is not a valid choice.", "restriction_level");
    http_resp_free(&r);
    req(s, "PATCH", DASH1 "1/", NULL, "text/plain", "{}", &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);

    /* soft delete: 200, then retrieve and a second delete are 404 */
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "deleted", "true");
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"name\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* restore reaches it */
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":false}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "deleted", "false");
    ASSERT_FIELD(&r, "name", "\"one\"");
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "9/", "{}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "PATCH", "dashboards/1/", "{}", "phx_dash_read",
                  "API key missing required scope 'dashboard:write'");
}

/* ---- #5 destroy: 405, empty body ---- */

static void test_destroy_refused(void **state)
{
    server *s = *state;
    http_resp r;
    create_dashboard(s, 1, "one");
    http(s, "DELETE", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http_auth(s, "DELETE", DASH1 "1/", "Bearer phx_star", NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    /* still there */
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    expect_guards(s, "DELETE", "dashboards/1/", NULL, "phx_dash_read",
                  "API key missing required scope 'dashboard:write'");
}

/* ---- #6 move_tile ---- */

static void test_move_tile(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"toDashboard\":2,\"tile\":{\"id\":12}}", &r);
    /* the source dashboard, without the tile */
    char *src = dash_json(1, FIX_AT, 1,
                          "{\"name\":\"src\",\"created_by\":null,"
                          "\"tiles\":[" TILE1 "," TILE3 "]}");
    ASSERT_JSON_RESP(&r, 200, src);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, src);
    http_resp_free(&r);
    /* the tile went to the end of the target's tiles */
    http(s, "GET", DASH1 "2/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "tiles", "[" TILE2 "]");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"toDashboard\":2,\"tile\":{\"id\":11}}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "tiles", "[" TILE3 "]");
    http_resp_free(&r);
    http(s, "GET", DASH1 "2/", NULL, &r);
    ASSERT_FIELD(&r, "tiles", "[" TILE2 "," TILE1 "]");
    http_resp_free(&r);
    free(src);
}

static void test_move_tile_not_found(void **state)
{
    server *s = *state;
    http_resp r;
    /* a tile that is not on the source (it is on dashboard 2: none) */
    http(s, "PATCH", DASH1 "2/move_tile/", "{\"toDashboard\":1,\"tile\":{\"id\":11}}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* an unknown tile id, an unknown target, a missing key */
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"toDashboard\":2,\"tile\":{\"id\":99}}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"toDashboard\":7,\"tile\":{\"id\":11}}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"tile\":{\"id\":11}}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* an unknown source */
    http(s, "PATCH", DASH1 "5/move_tile/", "{\"toDashboard\":2,\"tile\":{\"id\":11}}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* a soft-deleted source is 404 too (hides retrieve covers actions) */
    http(s, "PATCH", DASH1 "2/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "2/move_tile/", "{\"toDashboard\":1,\"tile\":{\"id\":11}}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    /* nothing moved */
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_FIELD(&r, "tiles", "[" TILE1 "," TILE2 "," TILE3 "]");
    http_resp_free(&r);
    /* the body is validated like a create (MoveTileRequest): 400 */
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"toDashboard\":\"x\",\"tile\":{\"id\":11}}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "A valid integer is required.", "toDashboard");
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/move_tile/", "{\"toDashboard\":2,\"tile\":[11]}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Expected a dictionary of items but got type \"list\".",
                      "tile");
    http_resp_free(&r);
    /* a body that is not JSON media: 415 */
    req(s, "PATCH", DASH1 "1/move_tile/", NULL, "text/plain", "{}", &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
}

static void test_move_tile_guards(void **state)
{
    /* scope-less action: even a "*" key is refused */
    expect_guards(*state, "PATCH", "dashboards/1/move_tile/",
                  "{\"toDashboard\":2,\"tile\":{\"id\":11}}", "phx_star", NO_PAK);
}

/* ---- #7 stream_tiles ---- */

static void test_stream_tiles(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", DASH1 "1/stream_tiles/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "text/event-stream");
    char *meta = dash_json(1, FIX_AT, 1,
                           "{\"name\":\"src\",\"created_by\":null,"
                           "\"tiles\":[" TILE1 "," TILE2 "]}");
    char *exp = xprintf("data: {\"type\":\"metadata\",\"dashboard\":%s}\n\n"
                        "data: {\"type\":\"tile\",\"order\":2,\"tile\":" TILE3 "}\n\n"
                        "data: {\"type\":\"complete\"}\n\n",
                        meta);
    ASSERT_BODY(&r, exp);
    http_resp_free(&r);
    free(meta);
    free(exp);
    /* no tiles: metadata and complete only */
    http(s, "GET", DASH1 "2/stream_tiles/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    meta = dash_json(2, FIX_AT, 1, "{\"name\":\"dst\",\"created_by\":null}");
    exp = xprintf("data: {\"type\":\"metadata\",\"dashboard\":%s}\n\n"
                  "data: {\"type\":\"complete\"}\n\n",
                  meta);
    ASSERT_BODY(&r, exp);
    http_resp_free(&r);
    free(meta);
    free(exp);
    /* unknown dashboard: the usual JSON 404 */
    http(s, "GET", DASH1 "3/stream_tiles/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "GET", "dashboards/1/stream_tiles/", NULL, "phx_star", NO_PAK);
}

/* ---- #8 create_from_template_json ---- */

static void test_create_from_template_json(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1 "create_from_template_json/",
         "{\"template\":{\"template_name\":\"Web\",\"dashboard_description\":\"desc\","
         "\"dashboard_filters\":{\"date_from\":\"-7d\"},\"tags\":[\"web\"],"
         "\"tiles\":[{\"type\":\"TEXT\",\"body\":\"hi\"}]}}",
         &r);
    char *exp = dash_json(1, clock_at(0), 1,
                          "{\"name\":\"Web\",\"description\":\"desc\","
                          "\"creation_mode\":\"template\","
                          "\"filters\":{\"date_from\":\"-7d\"},\"tags\":[\"web\"],"
                          "\"tiles\":[{\"type\":\"TEXT\",\"body\":\"hi\"}]}");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    /* a template with none of the mapped members: a plain template dashboard */
    http(s, "POST", DASH1 "create_from_template_json/", "{\"template\":{}}", &r);
    exp = dash_json(2, clock_at(1), 1, "{\"creation_mode\":\"template\"}");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
}

static void test_create_from_template_json_errors(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", DASH1 "create_from_template_json/", "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "template");
    http_resp_free(&r);
    req(s, "POST", DASH1 "create_from_template_json/", NULL, "text/plain", "{}", &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    /* nothing was created */
    http(s, "GET", DASH1, NULL, &r);
    ASSERT_FIELD(&r, "count", "0");
    http_resp_free(&r);
    expect_guards(s, "POST", "dashboards/create_from_template_json/", "{\"template\":{}}",
                  "phx_star", NO_PAK);
}

/* ---- #9 create_unlisted_dashboard ---- */

static void test_create_unlisted_dashboard(void **state)
{
    server *s = *state;
    http_resp r;
    const char *path = DASH1 "create_unlisted_dashboard/";
    http(s, "POST", path, "{\"tag\":\"llm-analytics\"}", &r);
    char *exp = dash_json(1, clock_at(0), 1,
                          "{\"creation_mode\":\"unlisted\",\"tags\":[\"llm-analytics\"],"
                          "\"filters\":{\"__template_version\":1}}");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "GET", DASH1 "1/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);

    /* one per tag per project: 409 with an {"error"} body */
    http(s, "POST", path, "{\"tag\":\"llm-analytics\"}", &r);
    ASSERT_JSON_RESP(&r, 409, "{\"error\":\"Unlisted dashboard with tag 'llm-analytics' already exists\"}");
    http_resp_free(&r);
    /* another project has its own */
    http(s, "POST", "/api/environments/2/dashboards/create_unlisted_dashboard/",
         "{\"tag\":\"llm-analytics\"}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "team_id", "2");
    http_resp_free(&r);
    /* an ordinary dashboard with the same tag does not count */
    http(s, "POST", DASH1, "{\"tags\":[\"llm-analytics\"]}", &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    /* a deleted unlisted dashboard no longer counts */
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "POST", path, "{\"tag\":\"llm-analytics\"}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "creation_mode", "\"unlisted\"");
    http_resp_free(&r);
}

static void test_create_unlisted_dashboard_errors(void **state)
{
    server *s = *state;
    http_resp r;
    const char *path = DASH1 "create_unlisted_dashboard/";
    http(s, "POST", path, "{}", &r);
    ASSERT_JSON_RESP(&r, 400, "{\"error\":\"tag is required\"}");
    http_resp_free(&r);
    http(s, "POST", path, "{\"tag\":\"\"}", &r);
    ASSERT_JSON_RESP(&r, 400, "{\"error\":\"tag is required\"}");
    http_resp_free(&r);
    http(s, "POST", path, "{\"tag\":\"web\"}", &r);
    ASSERT_JSON_RESP(&r, 400, "{\"error\":\"Unknown template tag: web\"}");
    http_resp_free(&r);
    req(s, "POST", path, NULL, "text/plain", "{}", &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    http(s, "GET", DASH1 "?creation_mode=unlisted", NULL, &r);
    ASSERT_FIELD(&r, "count", "0");
    http_resp_free(&r);
    expect_guards(s, "POST", "dashboards/create_unlisted_dashboard/",
                  "{\"tag\":\"llm-analytics\"}", "phx_star", NO_PAK);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_keys, fixture_stop_server)
#define TT(f) cmocka_unit_test_setup_teardown(f, setup_tiles, teardown_tiles)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_list_order_and_unlisted),
        T(test_list_guards),
        T(test_create),
        T(test_create_errors),
        T(test_retrieve),
        T(test_partial_update),
        T(test_destroy_refused),
        TT(test_move_tile),
        TT(test_move_tile_not_found),
        TT(test_move_tile_guards),
        TT(test_stream_tiles),
        T(test_create_from_template_json),
        T(test_create_from_template_json_errors),
        T(test_create_unlisted_dashboard),
        T(test_create_unlisted_dashboard_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
