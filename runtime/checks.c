/*
 * checks.c — an operation's preconditions and field writes (see checks.h).
 *
 * Ownership: written by the RT-AUX helper (issue 4); handlers.c calls
 * checks_run() after validation (and again with CHECKS_NEW after
 * rendering) and sets_apply() on create and actions.
 *
 * A DRF-style refusal takes the errors.def row of its status (400
 * INVALID_INPUT, 401 NOT_AUTHENTICATED, 403 PERMISSION_DENIED, 404
 * NOT_FOUND, 405, 409 CONFLICT, 413, 415, 507) so type and default code
 * follow drf-exceptions-hog; any other status uses SERVER_ERROR's row
 * ("server_error"/"error") with the check's own status.
 */
#include "checks.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jsonio.h"
#include "render.h"
#include "strbuf.h"

const json_t *checks_path(const json_t *v, const char *path)
{
    if (!v || !path)
        return NULL;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (json_is_object(v)) {
            char *seg = sm_xstrndup(p, n);
            v = json_object_get(v, seg);
            free(seg);
        } else if (json_is_array(v) && n > 0 && n < 10 &&
                   strspn(p, "0123456789") == n) {
            v = json_array_get(v, (size_t)strtoul(p, NULL, 10)); /* "tiles.0" */
        } else {
            return NULL;
        }
        if (!v || !dot)
            return v;
        p = dot + 1;
    }
}

static json_t *parse_json(const char *text)
{
    return text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
}

/* ---- checks ------------------------------------------------------------ */

/* Number of UTF-8 code points (Python's len()). */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Splits c->name on spaces into a malloc'd array of malloc'd names. */
static size_t split_fields(const char *s, char ***out)
{
    char **v = NULL;
    size_t n = 0;
    while (s && *s) {
        while (*s == ' ')
            s++;
        const char *b = s;
        while (*s && *s != ' ')
            s++;
        if (s > b) {
            v = sm_xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = sm_xstrndup(b, (size_t)(s - b));
        }
    }
    *out = v;
    return n;
}

static void free_fields(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Python's truthiness of field name of source: absent, null, false, 0,
 * "", [] and {} are false (a query parameter: present and not empty). */
static int truthy(int source, const check_env *env, const char *name)
{
    const json_t *v = NULL;
    switch (source) {
    case SM_SRC_BODY:   v = checks_path(env->body, name); break;
    case SM_SRC_PARENT: v = checks_path(env->parent, name); break;
    case SM_SRC_RECORD: v = checks_path(env->record, name); break;
    case SM_SRC_NEW:    v = checks_path(env->fresh, name); break;
    case SM_SRC_QUERY: {
        const query_pair *p = env->query ? query_get(env->query, name) : NULL;
        return p && p->value_len > 0;
    }
    default: break;
    }
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_real(v))
        return json_real_value(v) != 0.0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_object(v))
        return json_object_size(v) > 0;
    return 1;
}

/* 1 when check c passes.  *shown is the value "{name}" shows (borrowed
 * from the sources, or *owned when it had to be made). */
static int check_passes(const sm_check *c, const check_env *env,
                        const json_t **shown, json_t **owned)
{
    const json_t *v = NULL;
    *owned = NULL;
    if (c->test == SM_TEST_UNIQUE) {
        char **fields;
        size_t n = split_fields(c->name, &fields);
        int dup = 0;
        if (n > 0 && env->fresh && env->same_exists)
            dup = env->same_exists(env->arg, (const char *const *)fields, n,
                                   env->fresh);
        /* "{name}": the first field's value in the new record; a
         * one-element array shows its element (a tag list built by
         * `wrap body` reads as the tag the client sent) */
        *shown = n > 0 ? checks_path(env->fresh, fields[0]) : NULL;
        if (*shown && json_is_array(*shown) && json_array_size(*shown) == 1)
            *shown = json_array_get(*shown, 0);
        free_fields(fields, n);
        return !dup;
    }
    if (c->test == SM_TEST_ANY) {
        char **fields;
        size_t n = split_fields(c->name, &fields);
        int any = 0;
        for (size_t i = 0; i < n && !any; i++)
            any = truthy(c->source, env, fields[i]);
        free_fields(fields, n);
        *shown = NULL;
        return any;
    }
    switch (c->source) {
    case SM_SRC_BODY:   v = checks_path(env->body, c->name); break;
    case SM_SRC_PARENT: v = checks_path(env->parent, c->name); break;
    case SM_SRC_RECORD: v = checks_path(env->record, c->name); break;
    case SM_SRC_NEW:    v = checks_path(env->fresh, c->name); break;
    case SM_SRC_QUERY: {
        const query_pair *p = env->query ? query_get(env->query, c->name) : NULL;
        if (p) {
            /* not UTF-8: a byte string jansson refuses; shown as absent */
            *owned = json_stringn(p->value, p->value_len);
            v = *owned;
        }
        break;
    }
    default: break;
    }
    *shown = v;

    switch (c->test) {
    case SM_TEST_PRESENT:
        return v && !json_is_null(v) &&
               !(json_is_string(v) && json_string_length(v) == 0);
    case SM_TEST_EQ:
    case SM_TEST_NE: {
        json_t *want = parse_json(c->value_json);
        int eq = v && want && json_equal((json_t *)v, want);
        json_decref(want);
        return c->test == SM_TEST_EQ ? eq : !eq;
    }
    case SM_TEST_IN: {
        if (!v)
            return 1;
        json_t *set = parse_json(c->value_json);
        int in = 0;
        size_t i;
        json_t *x;
        if (json_is_array(set))
            json_array_foreach(set, i, x) {
                if (json_equal((json_t *)v, x)) {
                    in = 1;
                    break;
                }
            }
        json_decref(set);
        return in;
    }
    case SM_TEST_MINLEN:
        if (!v || json_is_null(v))
            return 1;
        return json_is_string(v) &&
               (int64_t)utf8_chars(json_string_value(v),
                                   json_string_length(v)) >= c->n;
    case SM_TEST_EXISTS:
        if (!v || json_is_null(v) || !env->key_exists)
            return 1;
        return env->key_exists(env->arg, c->value_json, v) != 0;
    case SM_TEST_USER:
        if (!v || json_is_null(v) || !env->user_known)
            return 1;
        return json_is_string(v) &&
               env->user_known(env->arg, json_string_value(v)) != 0;
    default:
        return 1; /* unknown test: a generator bug; refuse nothing */
    }
}

/* message with every "{name}" replaced by v's text: a string as it is,
 * absent as "", anything else as compact JSON. */
static char *substitute(const char *message, const json_t *v)
{
    strbuf out = STRBUF_INIT, val = STRBUF_INIT;
    if (json_is_string(v))
        strbuf_add(&val, json_string_value(v), json_string_length(v));
    else if (v)
        jsonio_dump(&val, v);
    const char *p = message ? message : "";
    const char *hit;
    while ((hit = strstr(p, "{name}")) != NULL) {
        strbuf_add(&out, p, (size_t)(hit - p));
        strbuf_add(&out, val.p ? val.p : "", val.len);
        p = hit + 6;
    }
    strbuf_adds(&out, p);
    strbuf_free(&val);
    return strbuf_steal(&out);
}

static sm_err row_for(int status)
{
    switch (status) {
    case 400: return SM_ERR_INVALID_INPUT;
    case 401: return SM_ERR_NOT_AUTHENTICATED;
    case 403: return SM_ERR_PERMISSION_DENIED;
    case 404: return SM_ERR_NOT_FOUND;
    case 405: return SM_ERR_METHOD_NOT_ALLOWED;
    case 409: return SM_ERR_CONFLICT;
    case 413: return SM_ERR_REQUEST_TOO_LARGE;
    case 415: return SM_ERR_UNSUPPORTED_MEDIA_TYPE;
    case 507: return SM_ERR_INSUFFICIENT_STORAGE;
    default:  return SM_ERR_SERVER_ERROR;
    }
}

static void refuse(const sm_check *c, const json_t *shown, sm_reply *rep)
{
    int status = c->status ? c->status : 400;
    if (c->style == SM_STYLE_EMPTY) {
        respond_empty(rep, status);
        return;
    }
    char *msg = substitute(c->message, shown);
    if (c->style == SM_STYLE_ERROR || c->style == SM_STYLE_DETAIL) {
        json_t *o = json_object();
        json_object_set_new(o, c->style == SM_STYLE_ERROR ? "error" : "detail",
                            json_string(msg));
        respond_json(rep, status, o);
        json_decref(o);
    } else {
        respond_error(rep, row_for(status), c->message ? msg : NULL, c->code,
                      c->attr);
        rep->status = status; /* SERVER_ERROR's row for an unusual status */
    }
    free(msg);
}

int checks_run(const sm_op *op, int phase, const check_env *env,
               sm_reply *rep)
{
    for (uint16_t i = 0; i < op->nchecks; i++) {
        const sm_check *c = &op->checks[i];
        int is_new = c->source == SM_SRC_NEW;
        if (is_new != (phase == CHECKS_NEW))
            continue;
        const json_t *shown = NULL;
        json_t *owned = NULL;
        int ok = check_passes(c, env, &shown, &owned);
        if (!ok)
            refuse(c, shown, rep);
        json_decref(owned);
        if (!ok)
            return -1;
    }
    return 0;
}

/* ---- sets -------------------------------------------------------------- */

/* Same text as render.c's uuid fill: a version-4 UUID, lower-case hex. */
static json_t *fresh_uuid(void)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    char s[37];
    size_t o = 0;
    render_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[o++] = '-';
        s[o++] = hex[b[i] >> 4];
        s[o++] = hex[b[i] & 15];
    }
    s[o] = '\0';
    return json_string(s);
}

/* Same as render.c's token fill (secrets.token_urlsafe()): 32 random
 * bytes, base64url without padding = 43 characters. */
static json_t *fresh_token(void)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char b[33];
    char s[45];
    size_t o = 0;
    render_random(b, 32);
    b[32] = 0;
    for (int i = 0; i < 33; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
        s[o++] = b64[(v >> 18) & 63];
        s[o++] = b64[(v >> 12) & 63];
        s[o++] = b64[(v >> 6) & 63];
        s[o++] = b64[v & 63];
    }
    s[43] = '\0';
    return json_string(s);
}

void sets_apply(const sm_op *op, json_t *rec, const json_t *body,
                const query_list *q, int64_t now_us)
{
    if (!json_is_object(rec))
        return;
    for (uint16_t i = 0; i < op->nsets; i++) {
        const sm_set *s = &op->sets[i];
        json_t *v = NULL;
        switch (s->from) {
        case SM_SET_LITERAL:
            v = parse_json(s->arg);
            break;
        case SM_SET_NOW: {
            char t[40];
            size_t n = clock_format(now_us, t);
            v = json_stringn(t, n);
            break;
        }
        case SM_SET_TOKEN:
            v = fresh_token();
            break;
        case SM_SET_UUID:
            v = fresh_uuid();
            break;
        case SM_SET_BODY:
        case SM_SET_BODY_WRAP: {
            const json_t *b = checks_path(body, s->arg);
            if (b) {
                v = json_deep_copy(b);
                if (s->from == SM_SET_BODY_WRAP) {
                    json_t *a = json_array();
                    json_array_append_new(a, v);
                    v = a;
                }
            }
            break;
        }
        case SM_SET_QUERY: {
            const query_pair *p = q && s->arg ? query_get(q, s->arg) : NULL;
            if (p) /* not UTF-8: jansson refuses it; the field is left */
                v = json_stringn(p->value, p->value_len);
            break;
        }
        default:
            break;
        }
        if (v) /* replacing a member keeps its place in the object */
            json_object_set_new(rec, s->field, v);
    }
}
