/*
 * test_auth.c — keys file loading (every error names file and entry),
 * caller objects, credential extraction, and scope decisions: write implies
 * read, '*', SM_SCOPE_NONE, SM_SCOPE_INTERNAL, sessions.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fixture_api.h"

static char *dir;

static int group_setup(void **state)
{
    (void)state;
    dir = unit_tmpdir();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unit_rmdir(dir);
    free(dir);
    return 0;
}

static char *write_keys(const char *text)
{
    strbuf p = STRBUF_INIT;
    strbuf_addf(&p, "%s/keys.json", dir);
    FILE *f = fopen(p.p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return strbuf_steal(&p);
}

static sm_keys *load(const char *text, strbuf *err)
{
    char *path = write_keys(text);
    sm_keys *k = auth_keys_load(&fixture_api, path, err);
    free(path);
    return k;
}

static void expect_load_error(const char *text, const char *msg)
{
    strbuf err = STRBUF_INIT;
    sm_keys *k = load(text, &err);
    if (k)
        fail_msg("accepted: %s", text);
    strbuf want = STRBUF_INIT;
    strbuf_addf(&want, "%s/keys.json: %s", dir, msg);
    assert_string_equal(err.p, want.p);
    strbuf_free(&want);
    strbuf_free(&err);
}

static void test_keys_file_errors(void **state)
{
    (void)state;
    expect_load_error("{}", "expected a JSON array of key entries");
    expect_load_error("[1]", "entry 1: expected an object");
    expect_load_error("[{\"key\":\"a\"},{}]", "entry 2: 'key' must be a non-empty string");
    expect_load_error("[{\"key\":\"\"}]", "entry 1: 'key' must be a non-empty string");
    expect_load_error("[{\"key\":\"a b\"}]", "entry 1: 'key' must not contain whitespace or control characters");
    expect_load_error("[{\"key\":\"a\"},{\"key\":\"b\"},{\"key\":\"a\"}]", "entry 3: duplicate key 'a' (also entry 1)");
    expect_load_error("[{\"key\":\"a\",\"scope\":[]}]", "entry 1: unknown member 'scope'");
    expect_load_error("[{\"key\":\"a\",\"scopes\":\"*\"}]", "entry 1: 'scopes' must be an array of strings");
    expect_load_error("[{\"key\":\"a\",\"scopes\":[1]}]", "entry 1: 'scopes' must be an array of strings");
    expect_load_error("[{\"key\":\"a\",\"scopes\":[\"widget\"]}]",
                      "entry 1: scope 'widget' is not '*', 'INTERNAL' or '<object>:read|write'");
    expect_load_error("[{\"key\":\"a\",\"scopes\":[\"widget:delete\"]}]",
                      "entry 1: scope 'widget:delete' is not '*', 'INTERNAL' or '<object>:read|write'");
    expect_load_error("[{\"key\":\"a\",\"scopes\":[\"gizmo:read\"]}]",
                      "entry 1: scope 'gizmo:read' names an object the spec does not declare");
    expect_load_error("[{\"key\":\"a\",\"session\":1}]", "entry 1: 'session' must be true or false");
    expect_load_error("[{\"key\":\"a\",\"project\":\"2\"}]", "entry 1: 'project' must be a positive integer");
    expect_load_error("[{\"key\":\"a\",\"project\":0}]", "entry 1: 'project' must be a positive integer");
    expect_load_error("[{\"key\":\"a\",\"user\":[]}]", "entry 1: 'user' must be an object");
    expect_load_error("[{\"key\":\"a\",\"user\":{\"nick\":\"x\"}}]", "entry 1: user: unknown field 'nick'");
    expect_load_error("[{\"key\":\"a\",\"user\":{\"name\":true}}]", "entry 1: user.name: Not a valid string.");
    expect_load_error("[{\"key\":\"a\"", "invalid JSON at line 1 column 11: '}' expected near end of file");

    strbuf err = STRBUF_INIT;
    assert_null(auth_keys_load(&fixture_api, "/nonexistent/keys.json", &err));
    assert_string_equal(err.p, "/nonexistent/keys.json: cannot read: No such file or directory");
    strbuf_free(&err);
}

static void test_keys_file_ok(void **state)
{
    (void)state;
    strbuf err = STRBUF_INIT;
    sm_keys *k = load("[{\"key\":\"zz_reader\",\"scopes\":[\"widget:read\"]},"
                      " {\"key\":\"aa_admin\",\"scopes\":[\"*\"],\"project\":2},"
                      " {\"key\":\"mm_browser\",\"session\":true,"
                      "  \"user\":{\"id\":7,\"name\":\" Ana \",\"active\":\"no\"}}]",
                      &err);
    assert_non_null(k);
    assert_int_equal(k->n, 3);
    const sm_key *r = auth_lookup(k, "zz_reader"), *a = auth_lookup(k, "aa_admin"),
                 *b = auth_lookup(k, "mm_browser");
    assert_non_null(r);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(auth_lookup(k, "zz_reade"));
    assert_null(auth_lookup(k, ""));
    assert_int_equal(r->project, 1);
    assert_int_equal(a->project, 2);
    assert_int_equal(a->star, 1);
    assert_int_equal(b->session, 1);
    char *u = unit_dump(b->user);
    assert_string_equal(u, "{\"id\":7,\"name\":\"Ana\",\"email\":\"owner@example.test\",\"active\":false,\"uuid\":null}");
    free(u);
    u = unit_dump(r->user);
    assert_string_equal(u, "{\"id\":1,\"name\":\"Owner\",\"email\":\"owner@example.test\",\"active\":true,\"uuid\":null}");
    free(u);
    auth_keys_free(k);

    k = load("[]", &err);
    assert_non_null(k);
    assert_int_equal(k->n, 0);
    assert_null(auth_lookup(k, "fx_dev"));
    auth_keys_free(k);
    strbuf_free(&err);
}

static void test_default_key(void **state)
{
    (void)state;
    sm_keys *k = auth_keys_default(&fixture_api);
    assert_int_equal(k->n, 1);
    const sm_key *d = auth_lookup(k, "fx_dev");
    assert_non_null(d);
    assert_int_equal(d->session, 1);
    assert_int_equal(d->project, 1);
    auth_keys_free(k);
}

static void expect_cred(const char *header, const char *query, const char *key,
                        auth_source src)
{
    auth_source got;
    char *k = auth_credential(header, query, &got);
    if (key) {
        assert_non_null(k);
        assert_string_equal(k, key);
    } else {
        assert_null(k);
    }
    assert_int_equal(got, src);
    free(k);
}

static void test_credentials(void **state)
{
    (void)state;
    expect_cred("Bearer abc", NULL, "abc", AUTH_SRC_HEADER);
    expect_cred("Bearer \t abc  ", NULL, "abc", AUTH_SRC_HEADER);
    expect_cred("Bearer a b", NULL, "a b", AUTH_SRC_HEADER);
    expect_cred("bearer abc", NULL, NULL, AUTH_SRC_NONE);
    expect_cred("Token abc", NULL, NULL, AUTH_SRC_NONE);
    expect_cred("Bearerabc", NULL, NULL, AUTH_SRC_NONE);
    expect_cred("Bearer a", NULL, NULL, AUTH_SRC_NONE); /* \S.+ needs 2 chars */
    expect_cred("Bearer ", NULL, NULL, AUTH_SRC_NONE);
    expect_cred(NULL, "limit=1&personal_api_key=phx%5Fq+1", "phx_q 1", AUTH_SRC_QUERY);
    expect_cred(NULL, "personal_api_key=a&personal_api_key=b", "b", AUTH_SRC_QUERY);
    expect_cred(NULL, "personal_api_key=", "", AUTH_SRC_QUERY);
    expect_cred(NULL, "personal_api_keyx=a", NULL, AUTH_SRC_NONE);
    expect_cred("Bearer hdr", "personal_api_key=q", "hdr", AUTH_SRC_HEADER);
    expect_cred("Basic xyz", "personal_api_key=q", "q", AUTH_SRC_QUERY);
}

static void expect_verdict(const sm_key *k, int op, int write, auth_verdict v,
                           const char *scope)
{
    strbuf s = STRBUF_INIT;
    auth_verdict got = auth_decide(&fixture_api, k, &fixture_api.ops[op], write, &s);
    assert_int_equal(got, v);
    if (scope)
        assert_string_equal(s.p, scope);
    strbuf_free(&s);
}

static void test_scopes(void **state)
{
    (void)state;
    strbuf err = STRBUF_INIT;
    sm_keys *k = load("[{\"key\":\"r\",\"scopes\":[\"widget:read\"]},"
                      " {\"key\":\"w\",\"scopes\":[\"widget:write\",\"gear:read\"]},"
                      " {\"key\":\"star\",\"scopes\":[\"*\"]},"
                      " {\"key\":\"int\",\"scopes\":[\"INTERNAL\"]},"
                      " {\"key\":\"none\"},"
                      " {\"key\":\"sess\",\"session\":true}]",
                      &err);
    assert_non_null(k);
    const sm_key *r = auth_lookup(k, "r"), *w = auth_lookup(k, "w"),
                 *star = auth_lookup(k, "star"), *in = auth_lookup(k, "int"),
                 *none = auth_lookup(k, "none"), *sess = auth_lookup(k, "sess");

    expect_verdict(r, FX_OP_WIDGETS_LIST, 0, AUTH_ALLOW, NULL);
    expect_verdict(r, FX_OP_WIDGETS_CREATE, 1, AUTH_MISSING_SCOPE, "widget:write");
    expect_verdict(r, FX_OP_GEARS_LIST, 0, AUTH_MISSING_SCOPE, "gear:read");
    expect_verdict(w, FX_OP_WIDGETS_LIST, 0, AUTH_ALLOW, NULL); /* write implies read */
    expect_verdict(w, FX_OP_WIDGETS_PATCH, 1, AUTH_ALLOW, NULL);
    expect_verdict(w, FX_OP_GEARS_CREATE, 1, AUTH_MISSING_SCOPE, "gear:write");
    expect_verdict(none, FX_OP_WIDGETS_RETRIEVE, 0, AUTH_MISSING_SCOPE, "widget:read");
    expect_verdict(star, FX_OP_WIDGETS_DESTROY, 1, AUTH_ALLOW, NULL);
    expect_verdict(star, FX_OP_GEARS_CREATE, 1, AUTH_ALLOW, NULL);

    /* SM_SCOPE_NONE: no personal key, not even '*' */
    expect_verdict(star, FX_OP_SECRETS_LIST, 0, AUTH_UNSUPPORTED, NULL);
    expect_verdict(w, FX_OP_SECRETS_LIST, 0, AUTH_UNSUPPORTED, NULL);
    expect_verdict(sess, FX_OP_SECRETS_LIST, 0, AUTH_ALLOW, NULL);

    /* SM_SCOPE_INTERNAL: '*' or INTERNAL */
    expect_verdict(star, FX_OP_INTERNAL_LIST, 0, AUTH_ALLOW, NULL);
    expect_verdict(in, FX_OP_INTERNAL_LIST, 0, AUTH_ALLOW, NULL);
    expect_verdict(w, FX_OP_INTERNAL_LIST, 0, AUTH_MISSING_SCOPE, "INTERNAL");
    expect_verdict(in, FX_OP_WIDGETS_LIST, 0, AUTH_MISSING_SCOPE, "widget:read");

    /* sessions pass everything */
    expect_verdict(sess, FX_OP_WIDGETS_CREATE, 1, AUTH_ALLOW, NULL);
    expect_verdict(sess, FX_OP_INTERNAL_LIST, 0, AUTH_ALLOW, NULL);
    auth_keys_free(k);
    strbuf_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_file_errors),
        cmocka_unit_test(test_keys_file_ok),
        cmocka_unit_test(test_default_key),
        cmocka_unit_test(test_credentials),
        cmocka_unit_test(test_scopes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
