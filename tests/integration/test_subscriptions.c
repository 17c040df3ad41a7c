/*
 * test_subscriptions.c — subscriptions/: list (#43, newest first, the
 * deleted/dashboard/insight filters), create (#44, dashboard must be this
 * project's), retrieve (#45, deleted ones too), PATCH (#46, soft delete and
 * restore), the refused DELETE (#47: 405, empty body)
 * (spec/posthog/subscriptions.spec; posthog-behavior.md §1.2, §4, §5.12, §6.8).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUB API1 "/subscriptions/"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)
#define NOT_YOUR_DASHBOARD(r)                                                  \
    ASSERT_VALIDATION((r), "invalid_input", "This dashboard does not belong to your team.", \
                      "dashboard")

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_sub_read\", \"scopes\": [\"subscription:read\"]},\n"
    " {\"key\": \"phx_sub_write\", \"scopes\": [\"subscription:write\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"dashboard:write\"]}\n"
    "]\n";

static const char EMPTY_PAGE[] = "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}";

static const char EMAIL_BODY[] =
    "{\"target_type\":\"email\",\"target_value\":\"a@example.com\",\"frequency\":\"daily\","
    "\"start_date\":\"2026-01-02T09:00:00Z\"}";

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

/* The Subscription made from EMAIL_BODY; `dashboard` and `deleted` are JSON
 * text. */
static char *email_sub(int id, const char *dashboard, const char *deleted, int clock_s)
{
    return xprintf(
        "{\"id\":%d,\"dashboard\":%s,\"insight\":null,\"target_type\":\"email\","
        "\"target_value\":\"a@example.com\",\"frequency\":\"daily\",\"interval\":1,"
        "\"byweekday\":null,\"bysetpos\":null,\"count\":null,"
        "\"start_date\":\"2026-01-02T09:00:00Z\",\"until_date\":null,\"created_at\":\"%s\","
        "\"created_by\":" USER_DEFAULT_JSON ",\"deleted\":%s,\"title\":null,"
        "\"summary\":\"sent on a schedule\",\"next_delivery_date\":null}",
        id, dashboard, clock_at(clock_s), deleted);
}

static char *page(const char *items, int count)
{
    return xprintf("{\"count\":%d,\"next\":null,\"previous\":null,\"results\":[%s]}", count,
                   items);
}

static void test_create_retrieve_list(void **state)
{
    server *s = *state;
    EXPECT_KEY(s, "GET", SUB, NULL, NULL, 200, EMPTY_PAGE);
    char *s1 = email_sub(1, "null", "false", 0);
    EXPECT_KEY(s, "POST", SUB, NULL, EMAIL_BODY, 201, s1);
    /* a full body: every writable field; invite_message is never rendered */
    create_dashboard(s, 1, "weekly review"); /* clock 1 */
    const char *full =
        "{\"dashboard\":1,\"insight\":42,\"target_type\":\"slack\",\"target_value\":\"C0123\","
        "\"frequency\":\"monthly\",\"interval\":2,\"byweekday\":[\"monday\",\"friday\"],"
        "\"bysetpos\":-1,\"count\":12,\"start_date\":\"2026-01-05T10:00:00+01:00\","
        "\"until_date\":\"2027-01-01T00:00:00Z\",\"title\":\"Monthly\","
        "\"invite_message\":\"hello\",\"summary\":\"x\",\"next_delivery_date\":"
        "\"2026-02-01T00:00:00Z\",\"created_by\":null}";
    char *s2 = xprintf(
        "{\"id\":2,\"dashboard\":1,\"insight\":42,\"target_type\":\"slack\","
        "\"target_value\":\"C0123\",\"frequency\":\"monthly\",\"interval\":2,"
        "\"byweekday\":[\"monday\",\"friday\"],\"bysetpos\":-1,\"count\":12,"
        "\"start_date\":\"2026-01-05T09:00:00Z\",\"until_date\":\"2027-01-01T00:00:00Z\","
        "\"created_at\":\"%s\",\"created_by\":" USER_DEFAULT_JSON ",\"deleted\":false,"
        "\"title\":\"Monthly\",\"summary\":\"sent on a schedule\",\"next_delivery_date\":null}",
        clock_at(2));
    EXPECT_KEY(s, "POST", SUB, "phx_sub_write", full, 201, s2);
    EXPECT_KEY(s, "GET", SUB "1/", NULL, NULL, 200, s1);
    EXPECT_KEY(s, "GET", SUB "2/", "phx_sub_read", NULL, 200, s2);
    /* newest first */
    char *items = xprintf("%s,%s", s2, s1);
    char *p = page(items, 2);
    EXPECT_KEY(s, "GET", SUB, NULL, NULL, 200, p);
    free(p);
    free(items);
    /* ?dashboard= and ?insight= */
    p = page(s2, 1);
    EXPECT_KEY(s, "GET", SUB "?dashboard=1", NULL, NULL, 200, p);
    EXPECT_KEY(s, "GET", SUB "?insight=42", NULL, NULL, 200, p);
    free(p);
    EXPECT_KEY(s, "GET", SUB "?dashboard=7", NULL, NULL, 200, EMPTY_PAGE);
    EXPECT_KEY(s, "GET", "/api/environments/2/subscriptions/", NULL, NULL, 200, EMPTY_PAGE);
    http_resp r;
    http_key(s, "GET", SUB "3/", NULL, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    http_key(s, "GET", "/api/environments/2/subscriptions/1/", NULL, NULL, &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
    free(s1);
    free(s2);
}

static void test_create_validation(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", SUB, NULL, "{}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "target_type");
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL, "{\"target_type\":\"sms\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"sms\" is not a valid choice.", "target_type");
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL, "{\"target_type\":\"email\",\"target_value\":\"x\"}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "frequency");
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL,
         "{\"target_type\":\"email\",\"target_value\":\"x\",\"frequency\":\"hourly\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"hourly\" is not a valid choice.", "frequency");
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL,
         "{\"target_type\":\"email\",\"target_value\":\"x\",\"frequency\":\"weekly\","
         "\"byweekday\":[\"monday\",\"funday\"],\"start_date\":\"2026-01-02T09:00:00Z\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"funday\" is not a valid choice.", "byweekday__1");
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL,
         "{\"target_type\":\"email\",\"target_value\":\"x\",\"frequency\":\"weekly\"}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "start_date");
    http_resp_free(&r);
    char big[160];
    memset(big, 't', 101);
    big[101] = '\0';
    char *body = xprintf("{\"target_type\":\"email\",\"target_value\":\"x\",\"frequency\":"
                         "\"weekly\",\"start_date\":\"2026-01-02T09:00:00Z\",\"title\":\"%s\"}",
                         big);
    http_key(s, "POST", SUB, NULL, body, &r);
    ASSERT_VALIDATION(&r, "max_length", "Ensure this field has no more than 100 characters.",
                      "title");
    http_resp_free(&r);
    free(body);
    http_req q = {.method = "POST", .path = SUB, .body = EMAIL_BODY, .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", SUB, NULL, NULL, 200, EMPTY_PAGE);
}

/* The dashboard must be one of this project's visible dashboards. */
static void test_dashboard_must_belong_to_team(void **state)
{
    server *s = *state;
    create_dashboard(s, 2, "other team"); /* dashboard 1 of project 2 */
    http_resp r;
    const char *bad[] = {
        "{\"dashboard\":1,\"target_type\":\"email\",\"target_value\":\"a\",\"frequency\":"
        "\"daily\",\"start_date\":\"2026-01-02T09:00:00Z\"}",
        "{\"dashboard\":99,\"target_type\":\"email\",\"target_value\":\"a\",\"frequency\":"
        "\"daily\",\"start_date\":\"2026-01-02T09:00:00Z\"}",
        NULL};
    for (int i = 0; bad[i]; i++) {
        http_key(s, "POST", SUB, NULL, bad[i], &r);
        NOT_YOUR_DASHBOARD(&r);
        http_resp_free(&r);
    }
    /* a soft-deleted dashboard of this project does not count either */
    create_dashboard(s, 1, "deleted later"); /* dashboard 1 of project 1 */
    http_key(s, "PATCH", DASH1 "1/", NULL, "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL, bad[0], &r);
    NOT_YOUR_DASHBOARD(&r);
    http_resp_free(&r);
    EXPECT_KEY(s, "GET", SUB, NULL, NULL, 200, EMPTY_PAGE);
    /* restored, it is accepted; null is always fine */
    http_key(s, "PATCH", DASH1 "1/", NULL, "{\"deleted\":false}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http_key(s, "POST", SUB, NULL, bad[0], &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "dashboard", "1");
    http_resp_free(&r);
    /* PATCH runs the same check */
    http_key(s, "PATCH", SUB "1/", NULL, "{\"dashboard\":99}", &r);
    NOT_YOUR_DASHBOARD(&r);
    http_resp_free(&r);
    http_key(s, "PATCH", SUB "1/", NULL, "{\"dashboard\":null}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "dashboard", "null");
    http_resp_free(&r);
}

/* PATCH deleted=true: out of the list, retrieve still answers; ?deleted=
 * chooses which ones are listed; PATCH deleted=false restores. */
static void test_soft_delete(void **state)
{
    server *s = *state;
    http_resp r;
    for (int i = 0; i < 2; i++) {
        http_key(s, "POST", SUB, NULL, EMAIL_BODY, &r);
        ASSERT_STATUS(&r, 201);
        http_resp_free(&r);
    }
    char *s1del = email_sub(1, "null", "true", 0);
    char *s1 = email_sub(1, "null", "false", 0);
    char *s2 = email_sub(2, "null", "false", 1);
    EXPECT_KEY(s, "PATCH", SUB "1/", NULL, "{\"deleted\":true}", 200, s1del);
    EXPECT_KEY(s, "GET", SUB "1/", NULL, NULL, 200, s1del);
    char *p = page(s2, 1);
    EXPECT_KEY(s, "GET", SUB, NULL, NULL, 200, p);
    EXPECT_KEY(s, "GET", SUB "?deleted=false", NULL, NULL, 200, p);
    free(p);
    p = page(s1del, 1);
    EXPECT_KEY(s, "GET", SUB "?deleted=true", NULL, NULL, 200, p);
    free(p);
    /* PATCH reaches a deleted subscription */
    char *titled = xprintf("%s", s1del);
    char *at = strstr(titled, "\"title\":null");
    char *t2 = xprintf("%.*s\"title\":\"T\"%s", (int)(at - titled), titled,
                       at + strlen("\"title\":null"));
    EXPECT_KEY(s, "PATCH", SUB "1/", NULL, "{\"title\":\"T\"}", 200, t2);
    free(titled);
    free(t2);
    /* restore */
    http_key(s, "PATCH", SUB "1/", NULL, "{\"deleted\":false,\"title\":null}", &r);
    ASSERT_JSON_RESP(&r, 200, s1);
    http_resp_free(&r);
    char *items = xprintf("%s,%s", s2, s1);
    p = page(items, 2);
    EXPECT_KEY(s, "GET", SUB, NULL, NULL, 200, p);
    free(p);
    free(items);
    EXPECT_KEY(s, "GET", SUB "?deleted=true", NULL, NULL, 200, EMPTY_PAGE);
    free(s1del);
    free(s1);
    free(s2);
}

static void test_patch(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", SUB, NULL, EMAIL_BODY, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_key(s, "PATCH", SUB "1/", "phx_sub_write",
         "{\"frequency\":\"weekly\",\"byweekday\":[\"tuesday\"],\"interval\":3}", &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "frequency", "\"weekly\"");
    ASSERT_FIELD(&r, "byweekday", "[\"tuesday\"]");
    ASSERT_FIELD(&r, "interval", "3");
    ASSERT_FIELD(&r, "target_value", "\"a@example.com\"");
    ASSERT_FIELD(&r, "created_at", "\"2026-01-01T00:00:00Z\"");
    ASSERT_FIELD(&r, "summary", "\"sent on a schedule\"");
    http_resp_free(&r);
    http_key(s, "PATCH", SUB "1/", NULL, "{\"frequency\":\"hourly\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_choice", "\"hourly\" is not a valid choice.", "frequency");
    http_resp_free(&r);
    http_key(s, "PATCH", SUB "1/", NULL, "{\"interval\":\"often\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "A valid integer is required.", "interval");
    http_resp_free(&r);
    http_key(s, "PATCH", SUB "2/", NULL, "{\"title\":\"x\"}", &r);
    ASSERT_NOT_FOUND(&r);
    http_resp_free(&r);
}

/* ForbidDestroyModel: 405 with an empty body; the record stays. */
static void test_delete_refused(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", SUB, NULL, EMAIL_BODY, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    http_key(s, "DELETE", SUB "1/", NULL, NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http_key(s, "DELETE", SUB "1/", "phx_sub_write", NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    /* refused without looking the record up (ForbidDestroyModel.destroy) */
    http_key(s, "DELETE", SUB "99/", NULL, NULL, &r);
    ASSERT_STATUS(&r, 405);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    char *s1 = email_sub(1, "null", "false", 0);
    EXPECT_KEY(s, "GET", SUB "1/", NULL, NULL, 200, s1);
    free(s1);
}

static void test_auth_and_scopes(void **state)
{
    server *s = *state;
    http_resp r;
    http_key(s, "POST", SUB, NULL, EMAIL_BODY, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", SUB, NULL},        {"POST", SUB, EMAIL_BODY},
        {"GET", SUB "1/", NULL},   {"PATCH", SUB "1/", "{\"deleted\":true}"},
        {"DELETE", SUB "1/", NULL},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        print_message("%s %s\n", ops[i].m, ops[i].p);
        bool write = strcmp(ops[i].m, "GET") != 0;
        http_key(s, ops[i].m, ops[i].p, HTTP_NONE, ops[i].body, &r);
        NOT_AUTHENTICATED(&r);
        http_resp_free(&r);
        http_key(s, ops[i].m, ops[i].p, "phx_other", ops[i].body, &r);
        if (write)
            MISSING_SCOPE(&r, "subscription:write");
        else
            MISSING_SCOPE(&r, "subscription:read");
        http_resp_free(&r);
        if (write) {
            http_key(s, ops[i].m, ops[i].p, "phx_sub_read", ops[i].body, &r);
            MISSING_SCOPE(&r, "subscription:write");
            http_resp_free(&r);
        }
    }
    char *s1 = email_sub(1, "null", "false", 0);
    EXPECT_KEY(s, "GET", SUB "1/", "phx_sub_read", NULL, 200, s1);
    free(s1);
}

/* An unknown or non-integer project is 404 "Project not found." on every
 * route (collection routes have no other 404). */
static void test_project_not_found(void **state)
{
    server *s = *state;
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", "/api/environments/abc/subscriptions/", NULL},
        {"POST", "/api/environments/abc/subscriptions/", EMAIL_BODY},
        {"DELETE", "/api/environments/abc/subscriptions/1/", NULL},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        print_message("%s %s\n", ops[i].m, ops[i].p);
        http_resp r;
        http(s, ops[i].m, ops[i].p, ops[i].body, &r);
        ASSERT_ERROR(&r, 404, "invalid_request", "not_found", "Project not found.", NULL);
        http_resp_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_retrieve_list, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_create_validation, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_dashboard_must_belong_to_team, setup,
                                        fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_soft_delete, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_patch, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_delete_refused, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
