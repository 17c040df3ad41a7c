/*
 * test_symbol_sets.c — error_tracking/symbol_sets/: the paginated list (#29)
 * and the CLI upload (#30: multipart or raw file only, chunk_id required,
 * upsert by ref, {"ok": true})
 * (spec/posthog/symbol_sets.spec; posthog-behavior.md §1.3, §5.9, §6.7, §8).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SS API1 "/error_tracking/symbol_sets/"
#define OCTET "application/octet-stream"
#define MULTIPART "multipart/form-data; boundary=XyZ"
#define MULTIPART_BODY                                                         \
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chunk.js.map\"\r\n" \
    "Content-Type: application/octet-stream\r\n\r\n{\"version\":3}\r\n--XyZ--\r\n"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_et_read\", \"scopes\": [\"error_tracking:read\"]},\n"
    " {\"key\": \"phx_et_write\", \"scopes\": [\"error_tracking:write\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"dashboard:write\"]}\n"
    "]\n";

static const char EMPTY_PAGE[] = "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}";

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

/* POST path with a body of the given media type and key (NULL: session,
 * HTTP_NONE: no credentials). */
static void upload(server *s, const char *path, const char *ctype, const char *body,
                   const char *key, http_resp *r)
{
    char *auth = key && key != HTTP_NONE ? xprintf("Bearer %s", key) : NULL;
    http_req q = {.method = "POST", .path = path, .body = body, .content_type = ctype,
                  .auth = key == HTTP_NONE ? HTTP_NONE : auth};
    http_do(s, &q, r);
    free(auth);
}

static bool is_uuid(const char *u)
{
    if (!u || strlen(u) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? u[i] != '-' : !strchr("0123456789abcdef", u[i]))
            return false;
    }
    return true;
}

/* results.<i>.id of a list body (malloc'd). */
static char *result_id(const http_resp *r, int i)
{
    json_t *j = json_loads(r->body, 0, NULL);
    const char *v = json_string_value(
        json_object_get(json_array_get(json_object_get(j, "results"), (size_t)i), "id"));
    char *out = v ? strdup(v) : NULL;
    json_decref(j);
    if (!is_uuid(out)) {
        print_error("results.%d.id is not a canonical uuid: %s\n", i, r->body);
        fail();
    }
    return out;
}

static char *set_json(const char *id, const char *ref, const char *created)
{
    return xprintf("{\"id\":\"%s\",\"ref\":\"%s\",\"team_id\":1,\"created_at\":\"%s\","
                   "\"last_used\":null,\"storage_ptr\":null,\"failure_reason\":null,"
                   "\"release\":null}",
                   id, ref, created);
}

static void expect_get(server *s, const char *path, const char *key, long status,
                       const char *body)
{
    http_resp r;
    if (key) {
        char *auth = xprintf("Bearer %s", key);
        http_auth(s, "GET", path, auth, NULL, &r);
        free(auth);
    } else {
        http(s, "GET", path, NULL, &r);
    }
    ASSERT_JSON_RESP(&r, status, body);
    http_resp_free(&r);
}

static void test_upload_then_list(void **state)
{
    server *s = *state;
    http_resp r;
    upload(s, SS "?chunk_id=chunk-a", OCTET, "//# sourceMappingURL=a.js.map", NULL, &r);
    ASSERT_JSON_RESP(&r, 201, "{\"ok\":true}");
    http_resp_free(&r);

    http(s, "GET", SS, NULL, &r);
    char *a = result_id(&r, 0);
    char *ja = set_json(a, "chunk-a", clock_at(0));
    char *list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", ja);
    ASSERT_JSON_RESP(&r, 200, list);
    http_resp_free(&r);
    free(list);

    /* multipart upload of another chunk; newest first */
    upload(s, SS "?chunk_id=chunk-b&multipart=true", MULTIPART, MULTIPART_BODY, "phx_et_write",
           &r);
    ASSERT_JSON_RESP(&r, 201, "{\"ok\":true}");
    http_resp_free(&r);
    http(s, "GET", SS, NULL, &r);
    char *b = result_id(&r, 0);
    char *jb = set_json(b, "chunk-b", clock_at(1));
    list = xprintf("{\"count\":2,\"next\":null,\"previous\":null,\"results\":[%s,%s]}", jb, ja);
    ASSERT_JSON_RESP(&r, 200, list);
    http_resp_free(&r);
    free(list);

    /* ?ref= filters exactly */
    list = xprintf("{\"count\":1,\"next\":null,\"previous\":null,\"results\":[%s]}", ja);
    expect_get(s, SS "?ref=chunk-a", NULL, 200, list);
    free(list);
    expect_get(s, SS "?ref=chunk", NULL, 200, EMPTY_PAGE);
    /* paging */
    http(s, "GET", SS "?limit=1", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "2");
    ASSERT_FIELD(&r, "previous", "null");
    ASSERT_FIELD(&r, "results.0.ref", "\"chunk-b\"");
    http_resp_free(&r);
    /* other projects see nothing */
    expect_get(s, "/api/environments/2/error_tracking/symbol_sets/", NULL, 200, EMPTY_PAGE);
    free(a);
    free(b);
    free(ja);
    free(jb);
}

/* The same chunk_id again replaces the record: same id, still one. */
static void test_upload_is_an_upsert(void **state)
{
    server *s = *state;
    http_resp r;
    upload(s, SS "?chunk_id=same", OCTET, "v1", NULL, &r);
    ASSERT_JSON_RESP(&r, 201, "{\"ok\":true}");
    http_resp_free(&r);
    http(s, "GET", SS, NULL, &r);
    char *first = result_id(&r, 0);
    http_resp_free(&r);
    upload(s, SS "?chunk_id=same", MULTIPART, MULTIPART_BODY, NULL, &r);
    ASSERT_JSON_RESP(&r, 201, "{\"ok\":true}");
    http_resp_free(&r);
    http(s, "GET", SS, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "1");
    char *again = result_id(&r, 0);
    ASSERT_STR_EQ(again, first, "id after the second upload");
    ASSERT_FIELD(&r, "results.0.ref", "\"same\"");
    http_resp_free(&r);
    free(first);
    free(again);
}

static void test_upload_errors(void **state)
{
    server *s = *state;
    http_resp r;
    /* chunk_id is required: {"detail": ...} only */
    upload(s, SS, OCTET, "x", NULL, &r);
    ASSERT_JSON_RESP(&r, 400, "{\"detail\":\"chunk_id query parameter is required\"}");
    http_resp_free(&r);
    upload(s, SS "?chunk_id=", MULTIPART, MULTIPART_BODY, NULL, &r);
    ASSERT_JSON_RESP(&r, 400, "{\"detail\":\"chunk_id query parameter is required\"}");
    http_resp_free(&r);
    upload(s, SS "?multipart=true", MULTIPART, MULTIPART_BODY, NULL, &r);
    ASSERT_JSON_RESP(&r, 400, "{\"detail\":\"chunk_id query parameter is required\"}");
    http_resp_free(&r);
    /* JSON (and other types) are 415, with or without chunk_id */
    upload(s, SS "?chunk_id=j", "application/json", "{\"ref\":\"j\"}", NULL, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"application/json\" in request.", NULL);
    http_resp_free(&r);
    upload(s, SS, "application/json", "{}", NULL, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"application/json\" in request.", NULL);
    http_resp_free(&r);
    upload(s, SS "?chunk_id=t", "text/plain", "x", NULL, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    /* nothing was stored */
    expect_get(s, SS, NULL, 200, EMPTY_PAGE);
}

static void test_auth_and_scopes(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", SS, HTTP_NONE, NULL, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    upload(s, SS "?chunk_id=a", OCTET, "x", HTTP_NONE, &r);
    NOT_AUTHENTICATED(&r);
    http_resp_free(&r);
    upload(s, SS "?chunk_id=a", OCTET, "x", "phx_et_read", &r);
    MISSING_SCOPE(&r, "error_tracking:write");
    http_resp_free(&r);
    upload(s, SS "?chunk_id=a", OCTET, "x", "phx_other", &r);
    MISSING_SCOPE(&r, "error_tracking:write");
    http_resp_free(&r);
    http_auth(s, "GET", SS, "Bearer phx_other", NULL, &r);
    MISSING_SCOPE(&r, "error_tracking:read");
    http_resp_free(&r);
    expect_get(s, SS, "phx_et_read", 200, EMPTY_PAGE);
    expect_get(s, SS, "phx_et_write", 200, EMPTY_PAGE);
    upload(s, SS "?chunk_id=a", OCTET, "x", "phx_et_write", &r);
    ASSERT_JSON_RESP(&r, 201, "{\"ok\":true}");
    http_resp_free(&r);
    http_auth(s, "GET", SS, "Bearer phx_et_read", NULL, &r);
    ASSERT_FIELD(&r, "count", "1");
    http_resp_free(&r);
}

/* An unknown or non-integer project is 404 "Project not found." */
static void test_project_not_found(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", "/api/environments/abc/error_tracking/symbol_sets/", NULL, &r);
    ASSERT_ERROR(&r, 404, "invalid_request", "not_found", "Project not found.", NULL);
    http_resp_free(&r);
    upload(s, "/api/environments/abc/error_tracking/symbol_sets/?chunk_id=a", OCTET, "x", NULL,
           &r);
    ASSERT_ERROR(&r, 404, "invalid_request", "not_found", "Project not found.", NULL);
    http_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upload_then_list, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_upload_is_an_upsert, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_upload_errors, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
