/*
 * test_sharing.c — sharing configurations, operations #13–#16 and #40 of
 * seed-endpoints.md as described in spec/posthog/sharing.spec (v2): the
 * dashboard sharing singleton (unsaved GET, PATCH, refresh), its share
 * passwords (create with {"error"} and DRF refusals, hard delete) and the
 * session recording sharing GET (posthog-behavior.md §1.3, §4, §5.5, §6.3).
 *
 * Ownership: SPEC-1 helper (issue 4).
 */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define DASH_NOT_FOUND(r)                                                      \
    ASSERT_ERROR((r), 404, "invalid_request", "not_found", "Dashboard not found.", NULL)
#define PASSWORD_NOT_FOUND(r)                                                  \
    ASSERT_ERROR((r), 404, "invalid_request", "not_found", "Password not found", NULL)

/* The runtime's token fill: 32 random bytes, base64url without padding
 * (PostHog's access_token is token_urlsafe(22): 30 characters). */
#define TOKEN_LEN 43

static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_share_read\", \"scopes\": [\"sharing_configuration:read\"]},\n"
    " {\"key\": \"phx_share_write\", \"scopes\": [\"sharing_configuration:write\"]},\n"
    " {\"key\": \"phx_dash_write\", \"scopes\": [\"dashboard:write\"]}\n"
    "]\n";

#define SHARE1 API1 "/dashboards/1/sharing/"
#define PW1 SHARE1 "passwords/"
#define REC_SHARE API1 "/session_recordings/0193-abc/sharing/"

/* One dashboard (id 1, created at +0 s). */
static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    server *s = server_start(&o);
    *state = s;
    create_dashboard(s, 1, "shared");
    return 0;
}

static bool is_token(const char *t)
{
    if (!t || strlen(t) != TOKEN_LEN)
        return false;
    for (const char *p = t; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    }
    return true;
}

/* The string member `name` of r's JSON body (malloc'd), failing the test
 * unless it is a token. */
static char *token_of(const http_resp *r, const char *name)
{
    json_t *o = json_loadb(r->body, r->len, 0, NULL);
    const char *t = json_string_value(json_object_get(o, name));
    if (!is_token(t))
        fail_msg("%s is not a %d-character URL-safe token: %s", name, TOKEN_LEN, r->body);
    char *c = xprintf("%s", t);
    json_decref(o);
    return c;
}

/* A SharingConfiguration body; created_at NULL renders null. */
static char *sharing_json(const char *created_at, bool enabled, const char *token,
                          const char *settings, bool password_required,
                          const char *passwords)
{
    char *ca = created_at ? xprintf("\"%s\"", created_at) : xprintf("null");
    char *j = xprintf("{\"created_at\":%s,\"enabled\":%s,\"access_token\":\"%s\","
                      "\"settings\":%s,\"password_required\":%s,\"share_passwords\":%s}",
                      ca, enabled ? "true" : "false", token, settings,
                      password_required ? "true" : "false", passwords);
    free(ca);
    return j;
}

/* ---- #13 GET: one object, not saved, a new token per read ---- */

static void test_get_unsaved(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", SHARE1, "Bearer phx_share_read", NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *t1 = token_of(&r, "access_token");
    char *exp = sharing_json(NULL, false, t1, "null", false, "[]");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    http(s, "GET", SHARE1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *t2 = token_of(&r, "access_token");
    ASSERT_FIELD(&r, "created_at", "null");
    if (strcmp(t1, t2) == 0)
        fail_msg("an unsaved configuration kept its token: %s", t1);
    http_resp_free(&r);
    free(t1);
    free(t2);
    /* the GET did not write: the next write is still at +1 s */
    http(s, "POST", DASH1, "{}", &r);
    ASSERT_FIELD(&r, "created_at", "\"2026-01-01T00:00:01Z\"");
    http_resp_free(&r);
}

static void test_get_errors(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "GET", API1 "/dashboards/9/sharing/", NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "PATCH", DASH1 "1/", "{\"deleted\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "GET", SHARE1, NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "GET", "dashboards/1/sharing/", NULL, "phx_dash_write",
                  "API key missing required scope 'sharing_configuration:read'");
}

/* ---- PATCH (PostHog's, not a seed operation): saves the configuration ---- */

static void test_update_saves(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "PATCH", SHARE1, "Bearer phx_share_write",
              "{\"enabled\":true,\"settings\":{\"whitelabel\":true}}", &r);
    ASSERT_STATUS(&r, 200);
    char *t = token_of(&r, "access_token");
    char *exp = sharing_json(clock_at(1), true, t, "{\"whitelabel\":true}", false, "[]");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    /* saved: the token is stable now */
    http(s, "GET", SHARE1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    free(t);
    http(s, "PATCH", SHARE1, "{\"enabled\":\"maybe\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Must be a valid boolean.", "enabled");
    http_resp_free(&r);
    expect_guards(s, "PATCH", "dashboards/1/sharing/", "{}", "phx_share_read",
                  "API key missing required scope 'sharing_configuration:write'");
}

/* ---- #16 refresh: a new saved token ---- */

static void test_refresh(void **state)
{
    server *s = *state;
    http_resp r;
    /* works on a configuration that was never saved */
    http_auth(s, "POST", SHARE1 "refresh/", "Bearer phx_share_write", NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *t1 = token_of(&r, "access_token");
    char *exp = sharing_json(clock_at(1), false, t1, "null", false, "[]");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    /* saved: later reads show the same token and created_at */
    http(s, "GET", SHARE1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    free(t1);
}

static void test_refresh_keeps_settings(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PATCH", SHARE1, "{\"enabled\":true,\"password_required\":true}", &r); /* +1 */
    ASSERT_STATUS(&r, 200);
    char *t1 = token_of(&r, "access_token");
    http_resp_free(&r);
    http(s, "POST", SHARE1 "refresh/", "{}", &r); /* +2 */
    ASSERT_STATUS(&r, 200);
    char *t2 = token_of(&r, "access_token");
    if (strcmp(t1, t2) == 0)
        fail_msg("refresh kept the token %s", t1);
    char *exp = sharing_json(clock_at(2), true, t2, "null", true, "[]");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    http(s, "GET", SHARE1, NULL, &r);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    free(t1);
    free(t2);
    http(s, "POST", API1 "/dashboards/9/sharing/refresh/", NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "POST", "dashboards/1/sharing/refresh/", NULL, "phx_share_read",
                  "API key missing required scope 'sharing_configuration:write'");
}

/* ---- #14 passwords create ---- */

static void test_password_needs_protection(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", PW1, "{\"raw_password\":\"long enough\"}", &r);
    ASSERT_JSON_RESP(&r, 400,
                     "{\"error\":\"Password protection must be enabled before creating passwords\"}");
    http_resp_free(&r);
    /* saved but not protected: the same */
    http(s, "PATCH", SHARE1, "{\"enabled\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "POST", PW1, "{\"raw_password\":\"long enough\"}", &r);
    ASSERT_JSON_RESP(&r, 400,
                     "{\"error\":\"Password protection must be enabled before creating passwords\"}");
    http_resp_free(&r);
}

static void test_password_create(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PATCH", SHARE1, "{\"password_required\":true}", &r); /* +1 */
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "POST", PW1, "{\"raw_password\":\"short\"}", &r);
    ASSERT_VALIDATION(&r, "invalid_input", "Password must be at least 8 characters long.", NULL);
    http_resp_free(&r);
    /* the plaintext once; seed status 200 (the code sends 201) */
    http_auth(s, "POST", PW1, "Bearer phx_share_write",
              "{\"raw_password\":\"correct horse\",\"note\":\"for Ana\"}", &r); /* +2 */
    ASSERT_JSON_RESP(&r, 200,
                     "{\"id\":1,\"password\":\"correct horse\",\"note\":\"for Ana\","
                     "\"created_at\":\"2026-01-01T00:00:02Z\","
                     "\"created_by_email\":\"dev@specmock.local\"}");
    http_resp_free(&r);
    /* without raw_password: a random one */
    http(s, "POST", PW1, "{}", &r); /* +3 */
    ASSERT_STATUS(&r, 200);
    char *pw = token_of(&r, "password");
    char *exp = xprintf("{\"id\":2,\"password\":\"%s\",\"note\":\"\","
                        "\"created_at\":\"2026-01-01T00:00:03Z\","
                        "\"created_by_email\":\"dev@specmock.local\"}", pw);
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    free(pw);
    /* the configuration lists them without the password */
    http(s, "GET", SHARE1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "share_passwords",
                 "[{\"id\":1,\"created_at\":\"2026-01-01T00:00:02Z\",\"note\":\"for Ana\","
                 "\"created_by_email\":\"dev@specmock.local\",\"is_active\":true},"
                 "{\"id\":2,\"created_at\":\"2026-01-01T00:00:03Z\",\"note\":\"\","
                 "\"created_by_email\":\"dev@specmock.local\",\"is_active\":true}]");
    ASSERT_FIELD(&r, "password_required", "true");
    http_resp_free(&r);
    /* note: at most 100 characters */
    char note[120];
    memset(note, 'n', 101);
    note[101] = '\0';
    char *body = xprintf("{\"note\":\"%s\"}", note);
    http(s, "POST", PW1, body, &r);
    ASSERT_VALIDATION(&r, "max_length", "Ensure this field has no more than 100 characters.",
                      "note");
    http_resp_free(&r);
    free(body);
    http_req q = {.method = "POST", .path = PW1, .body = "{}", .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    http(s, "POST", API1 "/dashboards/9/sharing/passwords/", "{}", &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "POST", "dashboards/1/sharing/passwords/", "{}", "phx_share_read",
                  "API key missing required scope 'sharing_configuration:write'");
}

/* ---- #15 passwords destroy ---- */

static void test_password_destroy(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "PATCH", SHARE1, "{\"password_required\":true}", &r);
    ASSERT_STATUS(&r, 200);
    http_resp_free(&r);
    http(s, "POST", PW1, "{\"raw_password\":\"password one\"}", &r);
    ASSERT_FIELD(&r, "id", "1");
    http_resp_free(&r);
    http(s, "POST", PW1, "{\"raw_password\":\"password two\"}", &r);
    ASSERT_FIELD(&r, "id", "2");
    http_resp_free(&r);
    http_auth(s, "DELETE", PW1 "1/", "Bearer phx_share_write", NULL, &r);
    ASSERT_STATUS(&r, 204);
    ASSERT_BODY(&r, "");
    http_resp_free(&r);
    http(s, "GET", SHARE1, NULL, &r);
    ASSERT_FIELD(&r, "share_passwords.0.id", "2");
    ASSERT_FIELD(&r, "share_passwords.1", NULL);
    http_resp_free(&r);
    /* gone: 404 with PostHog's text */
    http(s, "DELETE", PW1 "1/", NULL, &r);
    PASSWORD_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "DELETE", PW1 "77/", NULL, &r);
    PASSWORD_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "DELETE", PW1 "abc/", NULL, &r);
    PASSWORD_NOT_FOUND(&r);
    http_resp_free(&r);
    /* another dashboard's configuration does not hold it */
    create_dashboard(s, 1, "other");
    http(s, "DELETE", API1 "/dashboards/2/sharing/passwords/2/", NULL, &r);
    PASSWORD_NOT_FOUND(&r);
    http_resp_free(&r);
    http(s, "DELETE", API1 "/dashboards/9/sharing/passwords/2/", NULL, &r);
    DASH_NOT_FOUND(&r);
    http_resp_free(&r);
    expect_guards(s, "DELETE", "dashboards/1/sharing/passwords/2/", NULL, "phx_share_read",
                  "API key missing required scope 'sharing_configuration:write'");
}

/* ---- #40 session recording sharing: any recording id works ---- */

static void test_recording_sharing(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "GET", REC_SHARE, "Bearer phx_share_read", NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *t1 = token_of(&r, "access_token");
    char *exp = sharing_json(NULL, false, t1, "null", false, "[]");
    ASSERT_JSON_RESP(&r, 200, exp);
    http_resp_free(&r);
    free(exp);
    http(s, "GET", REC_SHARE, NULL, &r);
    ASSERT_STATUS(&r, 200);
    char *t2 = token_of(&r, "access_token");
    if (strcmp(t1, t2) == 0)
        fail_msg("an unsaved recording configuration kept its token: %s", t1);
    http_resp_free(&r);
    free(t1);
    free(t2);
    http(s, "GET", API1 "/session_recordings/another-one/sharing/", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "enabled", "false");
    http_resp_free(&r);
    expect_guards(s, "GET", "session_recordings/0193-abc/sharing/", NULL, "phx_dash_write",
                  "API key missing required scope 'sharing_configuration:read'");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_get_unsaved),
        T(test_get_errors),
        T(test_update_saves),
        T(test_refresh),
        T(test_refresh_keeps_settings),
        T(test_password_needs_protection),
        T(test_password_create),
        T(test_password_destroy),
        T(test_recording_sharing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
