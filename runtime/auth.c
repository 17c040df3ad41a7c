/*
 * auth.c — keys, credentials and scope decisions (see auth.h).
 */
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "render.h"
#include "validate.h"

static int scope_index(const sm_api *api, const char *obj, size_t len)
{
    for (uint16_t i = 0; i < api->nscopes; i++)
        if (strlen(api->scopes[i]) == len &&
            memcmp(api->scopes[i], obj, len) == 0)
            return i;
    return -1;
}

static void key_clear(sm_key *k)
{
    free(k->key);
    free(k->scopes);
    json_decref(k->user);
    memset(k, 0, sizeof *k);
}

void auth_keys_free(sm_keys *keys)
{
    if (!keys)
        return;
    for (size_t i = 0; i < keys->n; i++)
        key_clear(&keys->v[i]);
    free(keys->v);
    free(keys);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const sm_key *)a)->key, ((const sm_key *)b)->key);
}

/* The caller object: user-model defaults overlaid with overrides. */
static json_t *caller_object(const sm_api *api, const json_t *overrides)
{
    if (api->user_model < 0 || api->user_model >= api->nmodels)
        return overrides ? json_deep_copy(overrides) : json_null();
    return render_create(api, api->user_model, overrides, NULL);
}

/* Validates the "user" member against the user model; on failure appends
 * the reason to err. */
static json_t *user_overrides(const sm_api *api, const json_t *user,
                              strbuf *err)
{
    if (!json_is_object(user)) {
        strbuf_adds(err, "'user' must be an object");
        return NULL;
    }
    if (api->user_model < 0 || api->user_model >= api->nmodels)
        return json_deep_copy(user);
    const sm_model *m = &api->models[api->user_model];
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)user, k, v) {
        uint16_t i;
        for (i = 0; i < m->nfields; i++)
            if (strcmp(m->fields[i].name, k) == 0)
                break;
        if (i == m->nfields) {
            strbuf_addf(err, "user: unknown field '%s'", k);
            return NULL;
        }
    }
    json_t *out;
    sm_verror ve;
    if (validate_body(api, api->user_model, user,
                      VALIDATE_PARTIAL | VALIDATE_READONLY, &out, &ve) < 0) {
        strbuf_adds(err, "user.");
        for (const char *p = ve.attr ? ve.attr : ""; *p; p++) {
            if (p[0] == '_' && p[1] == '_') {
                strbuf_addc(err, '.');
                p++;
            } else {
                strbuf_addc(err, *p);
            }
        }
        strbuf_addf(err, ": %s", ve.detail);
        validate_error_clear(&ve);
        return NULL;
    }
    return out;
}

/* Fills k from one keys-file entry; on failure appends the reason. */
static int key_from_entry(const sm_api *api, const json_t *e, sm_key *k,
                          strbuf *why)
{
    const char *name;
    json_t *v;
    if (!json_is_object(e)) {
        strbuf_adds(why, "expected an object");
        return -1;
    }
    json_object_foreach((json_t *)e, name, v) {
        if (strcmp(name, "key") && strcmp(name, "scopes") &&
            strcmp(name, "session") && strcmp(name, "project") &&
            strcmp(name, "user")) {
            strbuf_addf(why, "unknown member '%s'", name);
            return -1;
        }
    }
    v = json_object_get(e, "key");
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        strbuf_adds(why, "'key' must be a non-empty string");
        return -1;
    }
    for (const char *p = json_string_value(v); *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            strbuf_adds(why, "'key' must not contain whitespace or control "
                             "characters");
            return -1;
        }
    k->key = sm_xstrdup(json_string_value(v));
    k->project = 1;
    k->scopes = calloc(api->nscopes ? api->nscopes : 1, 1);
    if (!k->scopes)
        abort();

    if ((v = json_object_get(e, "session")) != NULL) {
        if (!json_is_boolean(v)) {
            strbuf_adds(why, "'session' must be true or false");
            return -1;
        }
        k->session = json_is_true(v);
    }
    if ((v = json_object_get(e, "project")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            strbuf_adds(why, "'project' must be a positive integer");
            return -1;
        }
        k->project = json_integer_value(v);
    }
    if ((v = json_object_get(e, "scopes")) != NULL) {
        if (!json_is_array(v)) {
            strbuf_adds(why, "'scopes' must be an array of strings");
            return -1;
        }
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *s = json_array_get(v, i);
            if (!json_is_string(s)) {
                strbuf_adds(why, "'scopes' must be an array of strings");
                return -1;
            }
            const char *t = json_string_value(s);
            const char *colon = strrchr(t, ':');
            int idx;
            if (strcmp(t, "*") == 0) {
                k->star = 1;
            } else if (strcmp(t, "INTERNAL") == 0) {
                k->internal = 1;
            } else if (!colon || (strcmp(colon, ":read") &&
                                  strcmp(colon, ":write"))) {
                strbuf_addf(why,
                            "scope '%s' is not '*', 'INTERNAL' or "
                            "'<object>:read|write'",
                            t);
                return -1;
            } else if ((idx = scope_index(api, t, (size_t)(colon - t))) < 0) {
                strbuf_addf(why, "scope '%s' names an object the spec does "
                                 "not declare",
                            t);
                return -1;
            } else {
                k->scopes[idx] |= strcmp(colon, ":write") == 0 ? AUTH_WRITE
                                                               : AUTH_READ;
            }
        }
    }
    json_t *over = NULL;
    if ((v = json_object_get(e, "user")) != NULL &&
        !(over = user_overrides(api, v, why)))
        return -1;
    k->user = caller_object(api, over);
    json_decref(over);
    return 0;
}

sm_keys *auth_keys_load(const sm_api *api, const char *path, strbuf *err)
{
    json_error_t je;
    FILE *f = fopen(path, "rb");
    sm_keys *keys = NULL;
    if (!f) {
        strbuf_addf(err, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    json_t *root = json_loadf(f, JSON_ALLOW_NUL, &je);
    fclose(f);
    if (!root) {
        strbuf_addf(err, "%s: invalid JSON at line %d column %d: %s", path,
                    je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_array(root)) {
        strbuf_addf(err, "%s: expected a JSON array of key entries", path);
        goto fail;
    }
    keys = calloc(1, sizeof *keys);
    if (!keys)
        abort();
    keys->v = calloc(json_array_size(root) + 1, sizeof *keys->v);
    if (!keys->v)
        abort();
    for (size_t i = 0; i < json_array_size(root); i++) {
        strbuf why = STRBUF_INIT;
        sm_key *k = &keys->v[keys->n];
        if (key_from_entry(api, json_array_get(root, i), k, &why) < 0) {
            strbuf_addf(err, "%s: entry %zu: %s", path, i + 1, why.p);
            strbuf_free(&why);
            key_clear(k);
            goto fail;
        }
        keys->n++;
        for (size_t j = 0; j + 1 < keys->n; j++)
            if (strcmp(keys->v[j].key, k->key) == 0) {
                strbuf_addf(err, "%s: entry %zu: duplicate key '%s' (also "
                                 "entry %zu)",
                            path, i + 1, k->key, j + 1);
                goto fail;
            }
    }
    qsort(keys->v, keys->n, sizeof *keys->v, key_cmp);
    json_decref(root);
    return keys;
fail:
    json_decref(root);
    auth_keys_free(keys);
    return NULL;
}

sm_keys *auth_keys_default(const sm_api *api)
{
    sm_keys *keys = calloc(1, sizeof *keys);
    if (!keys)
        abort();
    keys->v = calloc(1, sizeof *keys->v);
    if (!keys->v)
        abort();
    if (!api->default_key || !*api->default_key)
        return keys;
    sm_key *k = &keys->v[0];
    k->key = sm_xstrdup(api->default_key);
    k->session = 1;
    k->project = 1;
    k->scopes = calloc(api->nscopes ? api->nscopes : 1, 1);
    if (!k->scopes)
        abort();
    k->user = caller_object(api, NULL);
    keys->n = 1;
    return keys;
}

int auth_keys_add(const sm_api *api, sm_keys *keys, const json_t *entry,
                  strbuf *err)
{
    sm_key k;
    memset(&k, 0, sizeof k);
    if (key_from_entry(api, entry, &k, err) < 0) {
        key_clear(&k);
        return -1;
    }
    if (auth_lookup(keys, k.key)) {
        strbuf_addf(err, "key '%s' already exists", k.key);
        key_clear(&k);
        return -2;
    }
    sm_key *v = realloc(keys->v, (keys->n + 1) * sizeof *v);
    if (!v)
        abort();
    keys->v = v;
    size_t at = keys->n;
    while (at > 0 && strcmp(v[at - 1].key, k.key) > 0) {
        v[at] = v[at - 1];
        at--;
    }
    v[at] = k;
    keys->n++;
    return 0;
}

const sm_key *auth_lookup(const sm_keys *keys, const char *key)
{
    size_t lo = 0, hi = keys->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(keys->v[mid].key, key);
        if (c == 0)
            return &keys->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

char *auth_credential(const char *authorization, const char *query,
                      auth_source *src)
{
    /* the mocked API: re.match(r"^Bearer\s+(\S.+)$", header), then strip() */
    if (authorization && strncmp(authorization, "Bearer", 6) == 0 &&
        is_space(authorization[6])) {
        const char *p = authorization + 6;
        while (is_space(*p))
            p++;
        const char *e = p + strlen(p);
        if (e - p >= 2) {
            while (e > p && is_space(e[-1]))
                e--;
            *src = AUTH_SRC_HEADER;
            return sm_xstrndup(p, (size_t)(e - p));
        }
    }
    query_list q;
    query_parse(&q, query);
    const query_pair *kp = query_get(&q, "personal_api_key");
    char *key = NULL;
    if (kp) {
        key = sm_xstrndup(kp->value, kp->value_len);
        *src = AUTH_SRC_QUERY;
    } else {
        *src = AUTH_SRC_NONE;
    }
    query_free(&q);
    return key;
}

auth_verdict auth_decide(const sm_api *api, const sm_key *key,
                         const sm_op *op, int write, strbuf *scope)
{
    if (key->session)
        return AUTH_ALLOW;
    switch (op->scope_mode) {
    case SM_SCOPE_INTERNAL:
        if (key->star || key->internal)
            return AUTH_ALLOW;
        strbuf_adds(scope, "INTERNAL");
        return AUTH_MISSING_SCOPE;
    case SM_SCOPE_OBJECT: {
        const char *obj = op->scope;
        if (!obj && op->resource >= 0 && op->resource < api->nresources)
            obj = api->resources[op->resource].scope;
        if (!obj)
            return AUTH_UNSUPPORTED;
        if (key->star)
            return AUTH_ALLOW;
        int idx = scope_index(api, obj, strlen(obj));
        unsigned need = write ? AUTH_WRITE : (AUTH_READ | AUTH_WRITE);
        if (idx >= 0 && (key->scopes[idx] & need))
            return AUTH_ALLOW;
        strbuf_addf(scope, "%s:%s", obj, write ? "write" : "read");
        return AUTH_MISSING_SCOPE;
    }
    default: /* SM_SCOPE_NONE: the check runs before '*' */
        return AUTH_UNSUPPORTED;
    }
}
