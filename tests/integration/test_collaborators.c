/*
 * test_collaborators.c — dashboard collaborators, operations #10–#12 of
 * seed-endpoints.md as described in spec/posthog/collaborators.spec (v2):
 * the plain-array list, create with its non-field refusals, and the hard
 * delete (posthog-behavior.md §3, §4, §5.4).
 *
 * Ownership: SPEC-1 helper (issue 4).  Collaborators are users the server
 * knows: the keys file gives Bob his own UUID.
 */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define DASH_NOT_FOUND(r)                                                      \
    ASSERT_ERROR((r), 404, "invalid_request", "not_found", "Dashboard not found.", NULL)
#define NON_FIELD(r, detail) ASSERT_VALIDATION((r), "invalid_input", (detail), NULL)

#define BOB_UUID "01936a3e-5c1f-7000-8000-000000000002"
#define NOBODY_UUID "01936a3e-5c1f-7000-8000-0000000000ff"

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_dash_read\", \"scopes\": [\"dashboard:read\"]},\n"
    " {\"key\": \"phx_export_read\", \"scopes\": [\"export:read\"]},\n"
    " {\"key\": \"phx_bob\", \"scopes\": [\"*\"], \"user\": {\"id\": 2,\n"
    "  \"uuid\": \"" BOB_UUID "\", \"distinct_id\": \"bob\",\n"
    "  \"first_name\": \"Bob\", \"email\": \"bob@example.com\"}}\n"
    "]\n";

/* Bob as a UserBasic: the keys file's members over the defaults. */
#define BOB_JSON                                                               \
    "{\"id\":2,\"uuid\":\"" BOB_UUID "\",\"distinct_id\":\"bob\","             \
    "\"first_name\":\"Bob\",\"last_name\":\"\",\"email\":\"bob@example.com\"," \
    "\"is_email_verified\":true,\"hedgehog_config\":null,"                     \
    "\"role_at_organization\":\"engineering\"}"

#define COLL1 API1 "/dashboards/1/collaborators/"
#define COLL2 API1 "/dashboards/2/collaborators/"
#define ADD_BOB "{\"user_uuid\":\"" BOB_UUID "\",\"level\":37}"

/* Dashboard 1 on the lowest restriction level (21), dashboard 2 on 37. */
static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    server *s = server_start(&o);
    *state = s;
    create_dashboard(s, 1, "open");       /* +0 s */
    create_dashboard(s, 1, "restricted"); /* +1 s */
    http_resp r;
    http(s, "PATCH", DASH1 "2/", "{\"restriction_level\":37}", &r); /* +2 s */
    h_assert_status(&r, 200, __FILE__, __LINE__);
    h_assert_json_field(&r, "effective_restriction_level", "37", __FILE__, __LINE__);
    http_resp_free(&r);
    return 0;
}

static bool is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (!s || strlen(s) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Assert r's body is one collaborator (or the array element at index, when
 * index >= 0) with a fresh UUID id; returns the id (malloc'd). */
static char *assert_collaborator(const http_resp *r, int index, int dashboard,
                                 const char *at)
{
    json_t *root = json_loadb(r->body, r->len, 0, NULL);
    assert_non_null(root);
    json_t *o = index >= 0 ? json_array_get(root, (size_t)index) : root;
    assert_non_null(o);
    const char *id = json_string_value(json_object_get(o, "id"));
    if (!is_uuid(id))
        fail_msg("collaborator id is not a UUID: %s", r->body);
    char *idc = xprintf("%s", id);
    char *exp = xprintf("{\"id\":\"%s\",\"dashboard_id\":%d,\"user\":" BOB_JSON
                        ",\"level\":37,\"added_at\":\"%s\",\"updated_at\":\"%s\"}",
                        idc, dashboard, at, at);
    char *got = json_dumps(o, JSON_COMPACT);
    ASSERT_STR_EQ(got, exp, "collaborator");
    free(got);
    free(exp);
    json_decref(root);
    return idc;
}

/* ---- #10 list ---- */

static void test_list(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", COLL2, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "[]");
    http_resp_free(&r);
    http(s, "POST", COLL2, ADD_BOB, &r); /* +3 s */
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    /* a plain array, not the paginated envelope; readable with dashboard:read */
    http_auth(s, "GET", COLL2, "Bearer phx_dash_read", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    char *id = assert_collaborator(&r, 0, 2, clock_at(3));
    ASSERT_FIELD(&r, "1", NULL);
    http_resp_free(&r);
    free(id);
    /* per dashboard */
    http(s, "GET", COLL1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "[]");
    http_resp_free(&r);
    http(s, "GET", API1 "/dashboards/9/collaborators/", NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "GET", "dashboards/2/collaborators/", NULL, "phx_export_read",
                  "API key missing required scope 'dashboard:read'");
}

/* ---- #11 create ---- */

static void test_create(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", COLL2, ADD_BOB, &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    char *id = assert_collaborator(&r, -1, 2, clock_at(3));
    http_resp_free(&r);
    free(id);
}

static void test_create_refusals(void **state)
{
    server *s = *state;
    http_resp r;
    /* field validation first, in declared order */
    http(s, "POST", COLL2, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "level");
    http_resp_free(&r);
    http(s, "POST", COLL2, "{\"level\":37}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "user_uuid");
    http_resp_free(&r);
    http(s, "POST", COLL2, "{\"user_uuid\":\"" BOB_UUID "\",\"level\":5}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"5\" is not a valid choice.", "level");
    http_resp_free(&r);
    /* the lowest restriction level comes before everything else */
    http(s, "POST", COLL1, "{\"user_uuid\":\"" NOBODY_UUID "\",\"level\":21}", &r);
    NON_FIELD(&r, "Cannot add collaborators to a dashboard on the lowest restriction level.");
    http_resp_free(&r);
    http(s, "POST", COLL2, "{\"user_uuid\":\"" BOB_UUID "\",\"level\":21}", &r);
    NON_FIELD(&r, "Only edit access can be explicitly specified currently.");
    http_resp_free(&r);
    http(s, "POST", COLL2, "{\"user_uuid\":\"" NOBODY_UUID "\",\"level\":37}", &r);
    NON_FIELD(&r, "User does not exist.");
    http_resp_free(&r);
    http(s, "POST", COLL2, ADD_BOB, &r); /* +3 s */
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http(s, "POST", COLL2, ADD_BOB, &r);
    NON_FIELD(&r, "User already is a collaborator.");
    http_resp_free(&r);
    /* the same user on another restricted dashboard is fine */
    http(s, "POST", DASH1, "{\"restriction_level\":37}", &r); /* id 3, +4 s */
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http(s, "POST", API1 "/dashboards/3/collaborators/", ADD_BOB, &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "dashboard_id", "3");
    http_resp_free(&r);
    /* 415 */
    http_req q = {.method = "POST", .path = COLL2, .body = ADD_BOB,
                  .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    /* an unknown or soft-deleted dashboard */
    http(s, "POST", API1 "/dashboards/9/collaborators/", ADD_BOB, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "3/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "GET", API1 "/dashboards/3/collaborators/", NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    /* only one collaborator on dashboard 2 */
    http(s, "GET", COLL2, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "0.user.uuid", "\"" BOB_UUID "\"");
    ASSERT_FIELD(&r, "1", NULL);
    http_resp_free(&r);
    expect_guards(s, "POST", "dashboards/2/collaborators/", ADD_BOB, "phx_dash_read",
                  "API key missing required scope 'dashboard:write'");
}

/* ---- #12 destroy ---- */

static void test_destroy(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", COLL2, ADD_BOB, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http(s, "DELETE", COLL2 BOB_UUID "/", NULL, &r);
    ASSERT_STATUS(&r, 204);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http(s, "GET", COLL2, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "[]");
    http_resp_free(&r);
    /* hard delete: a second DELETE is 404, and Bob can be added again */
    http(s, "DELETE", COLL2 BOB_UUID "/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "DELETE", COLL2 "not-a-uuid/", NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "POST", COLL2, ADD_BOB, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http(s, "DELETE", API1 "/dashboards/9/collaborators/" BOB_UUID "/", NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "DELETE", "dashboards/2/collaborators/" BOB_UUID "/", NULL,
                  "phx_dash_read", "API key missing required scope 'dashboard:write'");
}

/* Back on the lowest level, a collaborator cannot be removed. */
static void test_destroy_on_lowest_level(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", COLL2, ADD_BOB, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "2/", "{\"restriction_level\":21}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "effective_restriction_level", "21");
    http_resp_free(&r);
    http(s, "DELETE", COLL2 BOB_UUID "/", NULL, &r);
    NON_FIELD(&r, "Cannot remove collaborators from a dashboard on the lowest restriction level.");
    http_resp_free(&r);
    http(s, "GET", COLL2, NULL, &r);
    ASSERT_FIELD(&r, "0.user.uuid", "\"" BOB_UUID "\"");
    http_resp_free(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_list),
        T(test_create),
        T(test_create_refusals),
        T(test_destroy),
        T(test_destroy_on_lowest_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
