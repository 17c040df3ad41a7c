/*
 * test_sessions.c — sessions/property_definitions/ (#41) and sessions/values/
 * (#42): static rows, their filters and envelopes, the query:read scope
 * (spec/posthog/sessions.spec and its rows files; posthog-behavior.md §2.5,
 * §6.8).
 * Owner: SPEC-2 helper.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PD API1 "/sessions/property_definitions/"
#define VALS API1 "/sessions/values/"

#define MISSING_SCOPE(r, scope)                                                \
    ASSERT_ERROR((r), 403, "authentication_error", "permission_denied",        \
                 "API key missing required scope '" scope "'", NULL)

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_query_read\", \"scopes\": [\"query:read\"]},\n"
    " {\"key\": \"phx_star\", \"scopes\": [\"*\"]},\n"
    " {\"key\": \"phx_other\", \"scopes\": [\"dashboard:read\"]}\n"
    "]\n";

/* spec/posthog/sessions_property_definitions.json, in file order. */
static const struct { const char *name, *type; } DEFS[] = {
    {"$start_timestamp", "DateTime"},   {"$end_timestamp", "DateTime"},
    {"$entry_current_url", "String"},   {"$entry_pathname", "String"},
    {"$end_current_url", "String"},     {"$end_pathname", "String"},
    {"$entry_utm_source", "String"},    {"$entry_utm_campaign", "String"},
    {"$entry_utm_medium", "String"},    {"$entry_utm_term", "String"},
    {"$entry_utm_content", "String"},   {"$entry_referring_domain", "String"},
    {"$entry_gclid", "String"},         {"$pageview_count", "Numeric"},
    {"$autocapture_count", "Numeric"},  {"$screen_count", "Numeric"},
    {"$channel_type", "String"},        {"$session_duration", "Numeric"},
    {"$is_bounce", "Boolean"},          {"$last_external_click_url", "String"},
};
#define NDEFS (sizeof DEFS / sizeof DEFS[0])

/* PostHog's POSSIBLE_CHANNEL_TYPES, in its order. */
static const char *const CHANNELS[] = {
    "Cross Network", "Paid Search", "Paid Social", "Paid Video", "Paid Shopping",
    "Paid Unknown", "Direct", "Organic Search", "Organic Social", "Organic Video",
    "Organic Shopping", "Push", "SMS", "Audio", "Email", "Referral", "Affiliate", "Unknown",
};

static int setup(void **state)
{
    server_opts o = {.keys_json = KEYS};
    *state = server_start(&o);
    return 0;
}

static void call(server *s, const char *path, const char *key, http_resp *r)
{
    if (!key) {
        http(s, "GET", path, NULL, r);
    } else if (key == HTTP_NONE) {
        http_auth(s, "GET", path, HTTP_NONE, NULL, r);
    } else {
        char *auth = xprintf("Bearer %s", key);
        http_auth(s, "GET", path, auth, NULL, r);
        free(auth);
    }
}

static void expect(server *s, const char *path, const char *key, const char *body)
{
    http_resp r;
    call(s, path, key, &r);
    ASSERT_JSON_RESP(&r, 200, body);
    http_resp_free(&r);
}

/* {"count": N, "results": [...]} of the DEFS rows whose index is picked by
 * the predicate (NULL: all). */
static char *defs_body(bool (*pick)(size_t i))
{
    char *items = xprintf("%s", "");
    int n = 0;
    for (size_t i = 0; i < NDEFS; i++) {
        if (pick && !pick(i))
            continue;
        char *next = xprintf(
            "%s%s{\"id\":\"%s\",\"name\":\"%s\",\"is_numerical\":%s,\"property_type\":\"%s\","
            "\"is_seen_on_filtered_events\":null,\"tags\":[]}",
            items, n ? "," : "", DEFS[i].name, DEFS[i].name,
            strcmp(DEFS[i].type, "Numeric") == 0 ? "true" : "false", DEFS[i].type);
        free(items);
        items = next;
        n++;
    }
    char *body = xprintf("{\"count\":%d,\"results\":[%s]}", n, items);
    free(items);
    return body;
}

static bool numeric(size_t i) { return strcmp(DEFS[i].type, "Numeric") == 0; }
static bool not_numeric(size_t i) { return !numeric(i); }
static bool entry_utm(size_t i) { return strstr(DEFS[i].name, "$entry_utm_") != NULL; }
static bool numeric_count(size_t i) { return numeric(i) && strstr(DEFS[i].name, "count"); }

static void test_property_definitions(void **state)
{
    server *s = *state;
    char *all = defs_body(NULL);
    expect(s, PD, NULL, all);
    expect(s, PD "?search=", NULL, all);
    expect(s, PD, "phx_query_read", all);
    free(all);
    /* every search word must appear in the name (case-insensitive) */
    char *b = defs_body(entry_utm);
    expect(s, PD "?search=utm%20ENTRY", NULL, b);
    free(b);
    b = defs_body(numeric);
    expect(s, PD "?is_numerical=true", NULL, b);
    free(b);
    b = defs_body(not_numeric);
    expect(s, PD "?is_numerical=false", NULL, b);
    free(b);
    b = defs_body(numeric_count);
    expect(s, PD "?search=count&is_numerical=true", "phx_star", b);
    free(b);
    expect(s, PD "?search=nothing%20like%20this", NULL, "{\"count\":0,\"results\":[]}");
    /* not paginated: limit/offset change nothing */
    all = defs_body(NULL);
    expect(s, PD "?limit=1&offset=3", NULL, all);
    free(all);
}

/* {"results":[{"name":…}…],"refreshing":false} */
static char *values_body(const char *const *names, size_t n)
{
    char *items = xprintf("%s", "");
    for (size_t i = 0; i < n; i++) {
        char *next = xprintf("%s%s{\"name\":\"%s\"}", items, i ? "," : "", names[i]);
        free(items);
        items = next;
    }
    char *body = xprintf("{\"results\":[%s],\"refreshing\":false}", items);
    free(items);
    return body;
}

static void test_values(void **state)
{
    server *s = *state;
    char *b = values_body(CHANNELS, sizeof CHANNELS / sizeof CHANNELS[0]);
    expect(s, VALS "?key=$channel_type", NULL, b);
    expect(s, VALS "?key=%24channel_type", "phx_query_read", b);
    free(b);
    static const char *const paid[] = {"Paid Search", "Paid Social", "Paid Video",
                                       "Paid Shopping", "Paid Unknown"};
    b = values_body(paid, 5);
    expect(s, VALS "?key=$channel_type&value=paid", NULL, b);
    free(b);
    static const char *const organic_social[] = {"Organic Social"};
    b = values_body(organic_social, 1);
    expect(s, VALS "?key=$channel_type&value=c%20soc", NULL, b);
    free(b);
    /* boolean properties answer "1" and "0" */
    static const char *const bounce[] = {"1", "0"};
    b = values_body(bounce, 2);
    expect(s, VALS "?key=$is_bounce", NULL, b);
    free(b);
    /* an unknown key has no values */
    expect(s, VALS "?key=$nope", NULL, "{\"results\":[],\"refreshing\":false}");
    expect(s, VALS "?key=$channel_type&value=zzz", NULL, "{\"results\":[],\"refreshing\":false}");
}

static void test_values_key_required(void **state)
{
    server *s = *state;
    const char *paths[] = {VALS, VALS "?key=", VALS "?value=Direct", NULL};
    for (int i = 0; paths[i]; i++) {
        http_resp r;
        call(s, paths[i], NULL, &r);
        ASSERT_VALIDATION(&r, "invalid_input", "Key not provided", NULL);
        http_resp_free(&r);
    }
}

static void test_auth_and_scopes(void **state)
{
    server *s = *state;
    const char *paths[] = {PD, VALS "?key=$is_bounce", NULL};
    for (int i = 0; paths[i]; i++) {
        http_resp r;
        call(s, paths[i], HTTP_NONE, &r);
        NOT_AUTHENTICATED(&r);
        http_resp_free(&r);
        call(s, paths[i], "phx_other", &r);
        MISSING_SCOPE(&r, "query:read");
        http_resp_free(&r);
        call(s, paths[i], "phx_star", &r);
        ASSERT_STATUS(&r, 200);
        http_resp_free(&r);
    }
    /* the scope answers before the missing key */
    http_resp r;
    call(s, VALS, "phx_other", &r);
    MISSING_SCOPE(&r, "query:read");
    http_resp_free(&r);
    /* read-only rows: no write routes */
    http(s, "POST", PD, "{}", &r);
    ASSERT_ERROR(&r, 405, "invalid_request", "method_not_allowed",
                 "Method \"POST\" not allowed.", NULL);
    http_resp_free(&r);
}

/* An unknown or non-integer project is 404 "Project not found." on every
 * route (collection routes have no other 404). */
static void test_project_not_found(void **state)
{
    server *s = *state;
    struct { const char *m, *p, *body; } ops[] = {
        {"GET", "/api/environments/abc/sessions/property_definitions/", NULL},
        {"GET", "/api/environments/abc/sessions/values/?key=$is_bounce", NULL},
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
        cmocka_unit_test_setup_teardown(test_property_definitions, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_values, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_values_key_required, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_auth_and_scopes, setup, fixture_stop_server),
        cmocka_unit_test_setup_teardown(test_project_not_found, setup, fixture_stop_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
