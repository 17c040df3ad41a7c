/*
 * test_file_system.c — file system entries, operations #21–#22 of
 * seed-endpoints.md as described in spec/posthog/file_system.spec (v2):
 * create with depth and automatic parent folders, the list in
 * case-insensitive path order with its filters and search syntax
 * (posthog-behavior.md §3, §5.7, §6.6).
 *
 * Ownership: SPEC-1 helper (issue 4).
 */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>


static const char KEYS[] =
    "[\n"
    " {\"key\": \"phx_specmock_dev\", \"session\": true},\n"
    " {\"key\": \"phx_fs_read\", \"scopes\": [\"file_system:read\"]},\n"
    " {\"key\": \"phx_fs_write\", \"scopes\": [\"file_system:write\"]},\n"
    " {\"key\": \"phx_export_read\", \"scopes\": [\"export:read\"]},\n"
    " {\"key\": \"phx_bob\", \"scopes\": [\"*\"], \"user\": {\"id\": 2,\n"
    "  \"uuid\": \"01936a3e-5c1f-7000-8000-000000000002\", \"first_name\": \"Bob\",\n"
    "  \"last_name\": \"Stone\", \"email\": \"bob@example.com\"}}\n"
    "]\n";

#define FS1 API1 "/file_system/"

static int setup(void **state)
{
    server_opts o = {.clock = FIXED_CLOCK, .keys_json = KEYS};
    *state = server_start(&o);
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

/* o (one FileSystem object) equals expected_without_id plus a UUID id in
 * first position. */
static void assert_entry(json_t *o, const char *expected_without_id, const char *what)
{
    if (!o)
        fail_msg("%s: missing", what);
    const char *id = json_string_value(json_object_get(o, "id"));
    if (!is_uuid(id))
        fail_msg("%s: id is not a UUID", what);
    char *exp = xprintf("{\"id\":\"%s\",%s", id, expected_without_id + 1);
    char *got = json_dumps(o, JSON_COMPACT);
    ASSERT_STR_EQ(got, exp, what);
    free(got);
    free(exp);
}

/* The whole entry after "id": path, depth, type, ref, href, meta, shortcut,
 * created_at, last_viewed_at. */
static char *entry(const char *path_json, int depth, const char *type, const char *ref,
                   const char *created_at)
{
    return xprintf("{\"path\":%s,\"depth\":%d,\"type\":\"%s\",\"ref\":%s,\"href\":null,"
                   "\"meta\":null,\"shortcut\":false,\"created_at\":\"%s\","
                   "\"last_viewed_at\":null}",
                   path_json, depth, type, ref, created_at);
}

/* GET path and assert the results' paths, in order (a NULL-terminated list
 * of JSON strings), and count. */
static void expect_paths(server *s, const char *path, const char *const *paths)
{
    http_resp r;
    http(s, "GET", path, NULL, &r);
    ASSERT_STATUS(&r, 200);
    json_t *root = json_loadb(r.body, r.len, 0, NULL);
    json_t *res = json_object_get(root, "results");
    size_t n = 0;
    while (paths[n])
        n++;
    char *cnt = xprintf("%zu", n);
    ASSERT_FIELD(&r, "count", cnt);
    free(cnt);
    if (json_array_size(res) != n)
        fail_msg("GET %s: %zu results, expected %zu: %s", path, json_array_size(res), n, r.body);
    for (size_t i = 0; i < n; i++) {
        char *got = json_dumps(json_object_get(json_array_get(res, i), "path"),
                               JSON_ENCODE_ANY | JSON_COMPACT);
        ASSERT_STR_EQ(got, paths[i], path);
        free(got);
    }
    json_decref(root);
    http_resp_free(&r);
}

static void post_fs(server *s, const char *body)
{
    http_resp r;
    http(s, "POST", FS1, body, &r);
    ASSERT_STATUS(&r, 201);
    http_resp_free(&r);
}

/* ---- #22 create ---- */

static void test_create(void **state)
{
    server *s = *state;
    http_resp r;
    http_auth(s, "POST", FS1, "Bearer phx_fs_write",
              "{\"path\":\"Reports/Web/Traffic\",\"type\":\"dashboard\",\"ref\":\"7\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_HEADER(&r, "Content-Type", "application/json");
    json_t *o = json_loadb(r.body, r.len, 0, NULL);
    char *e = entry("\"Reports/Web/Traffic\"", 3, "dashboard", "\"7\"", clock_at(0));
    assert_entry(o, e, "created entry");
    json_decref(o);
    free(e);
    http_resp_free(&r);

    /* the missing parents exist now, as folders (not in the response) */
    http(s, "GET", FS1, NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "3");
    json_t *root = json_loadb(r.body, r.len, 0, NULL);
    json_t *res = json_object_get(root, "results");
    e = entry("\"Reports\"", 1, "folder", "null", clock_at(0));
    assert_entry(json_array_get(res, 0), e, "folder Reports");
    free(e);
    e = entry("\"Reports/Web\"", 2, "folder", "null", clock_at(0));
    assert_entry(json_array_get(res, 1), e, "folder Reports/Web");
    free(e);
    e = entry("\"Reports/Web/Traffic\"", 3, "dashboard", "\"7\"", clock_at(0));
    assert_entry(json_array_get(res, 2), e, "entry");
    free(e);
    json_decref(root);
    http_resp_free(&r);

    /* existing parents are not duplicated */
    post_fs(s, "{\"path\":\"Reports/Web/Funnels\",\"type\":\"insight\"}");
    static const char *const after[] = {"\"Reports\"", "\"Reports/Web\"",
                                        "\"Reports/Web/Funnels\"",
                                        "\"Reports/Web/Traffic\"", NULL};
    expect_paths(s, FS1, after);

    /* "\/" stays inside one segment */
    http(s, "POST", FS1, "{\"path\":\"a\\\\/b/c\",\"shortcut\":true,\"meta\":{\"k\":1}}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "depth", "2");
    ASSERT_FIELD(&r, "shortcut", "true");
    ASSERT_FIELD(&r, "meta", "{\"k\":1}");
    ASSERT_FIELD(&r, "type", "\"\"");
    http_resp_free(&r);
    expect_paths(s, FS1 "?path=a%5C%2Fb", (const char *const[]){"\"a\\\\/b\"", NULL});
}

static void test_create_errors(void **state)
{
    server *s = *state;
    http_resp r;
    http(s, "POST", FS1, "{\"type\":\"folder\"}", &r);
    ASSERT_VALIDATION(&r, "required", "This field is required.", "path");
    http_resp_free(&r);
    http(s, "POST", FS1, "{\"path\":\"\"}", &r);
    ASSERT_VALIDATION(&r, "blank", "This field may not be blank.", "path");
    http_resp_free(&r);
    char type[120];
    memset(type, 't', 101);
    type[101] = '\0';
    char *body = xprintf("{\"path\":\"p\",\"type\":\"%s\"}", type);
    http(s, "POST", FS1, body, &r);
    ASSERT_VALIDATION(&r, "max_length", "Ensure this field has no more than 100 characters.",
                      "type");
    http_resp_free(&r);
    free(body);
    http_req q = {.method = "POST", .path = FS1, .body = "{\"path\":\"p\"}",
                  .content_type = "text/plain"};
    http_do(s, &q, &r);
    ASSERT_ERROR(&r, 415, "invalid_request", "unsupported_media_type",
                 "Unsupported media type \"text/plain\" in request.", NULL);
    http_resp_free(&r);
    expect_paths(s, FS1, (const char *const[]){NULL});
    expect_guards(s, "POST", "file_system/", "{\"path\":\"p\"}", "phx_fs_read",
                  "API key missing required scope 'file_system:write'");
}

/* ---- #21 list ---- */

static void test_list_order_and_filters(void **state)
{
    server *s = *state;
    post_fs(s, "{\"path\":\"beta/Report\",\"type\":\"insight\",\"ref\":\"12\"}");
    post_fs(s, "{\"path\":\"Alpha\",\"type\":\"dashboard\",\"ref\":\"3\"}");
    post_fs(s, "{\"path\":\"alpha two\",\"type\":\"notebook\"}");
    /* case-insensitive path order; the folder "beta" was created too */
    static const char *const all[] = {"\"Alpha\"", "\"alpha two\"", "\"beta\"",
                                      "\"beta/Report\"", NULL};
    expect_paths(s, FS1, all);
    http_resp r;
    http_auth(s, "GET", FS1, "Bearer phx_fs_read", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "next", "null");
    ASSERT_FIELD(&r, "previous", "null");
    http_resp_free(&r);

    /* eq filters */
    expect_paths(s, FS1 "?depth=1", (const char *const[]){"\"Alpha\"", "\"alpha two\"",
                                                          "\"beta\"", NULL});
    expect_paths(s, FS1 "?depth=2", (const char *const[]){"\"beta/Report\"", NULL});
    expect_paths(s, FS1 "?type=folder", (const char *const[]){"\"beta\"", NULL});
    expect_paths(s, FS1 "?path=beta/Report", (const char *const[]){"\"beta/Report\"", NULL});
    expect_paths(s, FS1 "?path=beta/report", (const char *const[]){NULL});
    expect_paths(s, FS1 "?ref=3", (const char *const[]){"\"Alpha\"", NULL});
    expect_paths(s, FS1 "?type=insight&depth=2", (const char *const[]){"\"beta/Report\"", NULL});

    /* search: plain tokens match path or type, case-insensitively; tokens
     * are ANDed; quotes keep words together; - and ! negate (the prefixes
     * are in test_search_prefixes) */
    expect_paths(s, FS1 "?search=ALPHA", (const char *const[]){"\"Alpha\"", "\"alpha two\"", NULL});
    expect_paths(s, FS1 "?search=notebook", (const char *const[]){"\"alpha two\"", NULL});
    expect_paths(s, FS1 "?search=alpha%20two", (const char *const[]){"\"alpha two\"", NULL});
    expect_paths(s, FS1 "?search=%22alpha%20two%22", (const char *const[]){"\"alpha two\"", NULL});
    expect_paths(s, FS1 "?search=-alpha", (const char *const[]){"\"beta\"", "\"beta/Report\"", NULL});
    expect_paths(s, FS1 "?search=!alpha%20report", (const char *const[]){"\"beta/Report\"", NULL});
    expect_paths(s, FS1 "?search=type:folder", (const char *const[]){"\"beta\"", NULL});
    /* path: is a parent segment; "beta/" is in no parent */
    expect_paths(s, FS1 "?search=path:beta/", (const char *const[]){NULL});
    expect_paths(s, FS1 "?search=path:beta", (const char *const[]){"\"beta/Report\"", NULL});
    expect_paths(s, FS1 "?search=zzz", (const char *const[]){NULL});

    /* paginated, limit/offset */
    http(s, "GET", FS1 "?limit=2&offset=1", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "4");
    ASSERT_FIELD(&r, "results.0.path", "\"alpha two\"");
    ASSERT_FIELD(&r, "results.1.path", "\"beta\"");
    ASSERT_FIELD(&r, "results.2", NULL);
    http_resp_free(&r);

    /* per project */
    http(s, "GET", "/api/environments/2/file_system/", NULL, &r);
    ASSERT_JSON_RESP(&r, 200, "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}");
    http_resp_free(&r);
    expect_guards(s, "GET", "file_system/", NULL, "phx_export_read",
                  "API key missing required scope 'file_system:read'");
}

/* ---- #21 search prefixes (posthog-behavior.md §6.6) ---- */

/* GET FS1?search=<query, already URL-encoded> as auth (NULL: the default
 * session key, user 1 "Dev"), expecting the given paths (JSON strings). */
static void expect_search(server *s, const char *auth, const char *query,
                          const char *const *paths)
{
    char *url = xprintf(FS1 "?search=%s", query);
    if (!auth) {
        expect_paths(s, url, paths);
        free(url);
        return;
    }
    http_resp r;
    http_auth(s, "GET", url, auth, NULL, &r);
    ASSERT_STATUS(&r, 200);
    json_t *root = json_loadb(r.body, r.len, 0, NULL);
    json_t *res = json_object_get(root, "results");
    size_t n = 0;
    while (paths[n])
        n++;
    if (json_array_size(res) != n)
        fail_msg("GET %s: %zu results, expected %zu: %s", url, json_array_size(res), n, r.body);
    for (size_t i = 0; i < n; i++) {
        char *got = json_dumps(json_object_get(json_array_get(res, i), "path"),
                               JSON_ENCODE_ANY | JSON_COMPACT);
        ASSERT_STR_EQ(got, paths[i], url);
        free(got);
    }
    json_decref(root);
    http_resp_free(&r);
    free(url);
}

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})
/* The six entries, in list order (~path). */
#define GO "\"Go\\\\/Revenue\""          /* one segment: "Go\/Revenue" */
#define HOG "\"Go\\\\/Revenue/Hog fn\""
#define TEAM "\"Team\""
#define FOLDER "\"Team/Folder x:y\""
#define REPORTS "\"Team/Reports\""
#define ALPHA "\"Team/Reports/Alpha report\""

static void test_search_prefixes(void **state)
{
    server *s = *state;
    http_resp r;
    /* Dev (user 1) creates Team, Team/Reports and the insight; Bob (user
     * 2) the folder under Team and the hog function with its parent */
    post_fs(s, "{\"path\":\"Team/Reports/Alpha report\",\"type\":\"insight\",\"ref\":\"abc\"}");
    http_auth(s, "POST", FS1, "Bearer phx_bob",
              "{\"path\":\"Team/Folder x:y\",\"type\":\"folder\"}", &r);
    ASSERT_STATUS(&r, 201);
    /* the creator is stored, not rendered */
    ASSERT_FIELD(&r, "created_by", NULL);
    http_resp_free(&r);
    http_auth(s, "POST", FS1, "Bearer phx_bob",
              "{\"path\":\"Go\\\\/Revenue/Hog fn\",\"type\":\"hog_function/destination\","
              "\"ref\":\"Abc\"}", &r);
    ASSERT_STATUS(&r, 201);
    ASSERT_FIELD(&r, "depth", "2");
    http_resp_free(&r);
    expect_search(s, NULL, "", P(GO, HOG, TEAM, FOLDER, REPORTS, ALPHA));
    http(s, "GET", FS1 "?search=team&limit=1", NULL, &r);
    ASSERT_STATUS(&r, 200);
    ASSERT_FIELD(&r, "count", "4");
    ASSERT_FIELD(&r, "results.0.created_by", NULL);
    http_resp_free(&r);

    /* plain tokens: path or type; a '/' also matches an escaped "\/" */
    expect_search(s, NULL, "team", P(TEAM, FOLDER, REPORTS, ALPHA));
    expect_search(s, NULL, "DESTINATION", P(HOG));
    expect_search(s, NULL, "go/revenue", P(GO, HOG));
    expect_search(s, NULL, "go%5C/revenue", P(GO, HOG)); /* shlex drops the \ */

    /* path: a parent segment only */
    expect_search(s, NULL, "path:reports", P(ALPHA));
    expect_search(s, NULL, "path:team", P(FOLDER, REPORTS, ALPHA));
    expect_search(s, NULL, "path:revenue", P(HOG));
    expect_search(s, NULL, "path:alpha", NONE);
    expect_search(s, NULL, "PATH:Reports", P(ALPHA));
    /* name: the last segment only */
    expect_search(s, NULL, "name:report", P(REPORTS, ALPHA));
    expect_search(s, NULL, "name:revenue", P(GO));
    expect_search(s, NULL, "name:team", P(TEAM));
    expect_search(s, NULL, "name:%22alpha%20report%22", P(ALPHA));
    expect_search(s, NULL, "Name:%22%20x:Y%20%22", P(FOLDER)); /* trimmed */

    /* user: / author: — me is the caller; else full name or email */
    expect_search(s, NULL, "user:me", P(TEAM, REPORTS, ALPHA));
    expect_search(s, "Bearer phx_bob", "user:me", P(GO, HOG, FOLDER));
    expect_search(s, "Bearer phx_bob", "AUTHOR:ME", P(GO, HOG, FOLDER));
    expect_search(s, NULL, "-user:me", P(GO, HOG, FOLDER));
    expect_search(s, NULL, "author:bob", P(GO, HOG, FOLDER));
    expect_search(s, NULL, "user:%22b%20stone%22", P(GO, HOG, FOLDER));
    expect_search(s, NULL, "user:%22bob%20stone%22", P(GO, HOG, FOLDER));
    expect_search(s, NULL, "user:SPECMOCK.local", P(TEAM, REPORTS, ALPHA));
    expect_search(s, NULL, "user:nobody", NONE);

    /* type: exact (case-sensitive), a trailing / a prefix; ref: exact */
    expect_search(s, NULL, "type:folder", P(GO, TEAM, FOLDER, REPORTS));
    expect_search(s, NULL, "type:FOLDER", NONE);
    expect_search(s, NULL, "type:fold", NONE);
    expect_search(s, NULL, "type:hog_function", NONE);
    expect_search(s, NULL, "type:hog_function/", P(HOG));
    expect_search(s, NULL, "ref:abc", P(ALPHA));
    expect_search(s, NULL, "ref:Abc", P(HOG));
    expect_search(s, NULL, "ref:ab", NONE);

    /* an unknown NAME: the whole token in path or type */
    expect_search(s, NULL, "x:y", P(FOLDER));
    expect_search(s, NULL, "X:Y", P(FOLDER));
    expect_search(s, NULL, "foo:bar", NONE);
    expect_search(s, NULL, "created_by:bob", NONE);

    /* negation, AND, quotes */
    expect_search(s, NULL, "-type:folder", P(HOG, ALPHA));
    expect_search(s, NULL, "!type:folder%20team", P(ALPHA));
    expect_search(s, NULL, "team%20-type:folder", P(ALPHA));
    expect_search(s, NULL, "type:folder%20-user:me", P(GO, FOLDER));
    expect_search(s, NULL, "-%22team%20reports%22", P(GO, HOG, TEAM, FOLDER, REPORTS, ALPHA));
    expect_search(s, NULL, "-team%20reports", NONE);
    expect_search(s, NULL, "%27alpha%20report%27", P(ALPHA));
    expect_search(s, NULL, "%22alpha", NONE); /* unclosed: the quote stays */
    expect_search(s, NULL, "-%20!%20%22%22", P(GO, HOG, TEAM, FOLDER, REPORTS, ALPHA));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, fixture_stop_server)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create),
        T(test_create_errors),
        T(test_list_order_and_filters),
        T(test_search_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
