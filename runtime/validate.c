/*
 * validate.c — DRF field semantics over sm_model tables (see validate.h).
 *
 * Per field, in DRF's order: CharField's blank test, then null, then the
 * type conversion (to_internal_value), then the validators (max_length,
 * null characters, max_value, min_value).  Comments name the DRF field class
 * each type imitates.
 */
#include "validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pytext.h"
#include "strbuf.h"

#define DRF_MAX_STRING_LENGTH 1000

typedef struct vctx {
    const sm_api *api;
    unsigned flags;
    strbuf path;
    sm_verror *err;
} vctx;

static int fail(vctx *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(vctx *c, const char *code, const char *fmt, ...)
{
    strbuf d = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&d, fmt, ap);
    va_end(ap);
    c->err->code = code;
    c->err->detail = strbuf_steal(&d);
    c->err->attr = c->path.len ? sm_xstrndup(c->path.p, c->path.len) : NULL;
    return -1;
}

static size_t path_push(vctx *c, const char *name)
{
    size_t at = c->path.len;
    if (at)
        strbuf_adds(&c->path, "__");
    strbuf_adds(&c->path, name);
    return at;
}

static size_t path_push_index(vctx *c, size_t i)
{
    size_t at = c->path.len;
    strbuf_addf(&c->path, at ? "__%zu" : "%zu", i);
    return at;
}

static int v_value(vctx *c, const sm_field *f, const json_t *v, json_t **out);

static int v_model(vctx *c, int model, const json_t *obj, json_t **out)
{
    const sm_model *m = &c->api->models[model];
    json_t *res = json_object();
    for (uint16_t i = 0; i < m->nfields; i++) {
        const sm_field *f = &m->fields[i];
        if ((f->flags & SM_F_READONLY) && !(c->flags & VALIDATE_READONLY))
            continue;
        const json_t *v = json_object_get(obj, f->name);
        size_t at = path_push(c, f->name);
        if (!v) {
            if (!(c->flags & VALIDATE_PARTIAL) && (f->flags & SM_F_REQUIRED) &&
                !(f->flags & SM_F_READONLY)) {
                fail(c, "required", "This field is required.");
                json_decref(res);
                return -1;
            }
        } else {
            json_t *norm = NULL;
            if (v_value(c, f, v, &norm) < 0) {
                json_decref(res);
                return -1;
            }
            json_object_set_new(res, f->name, norm);
        }
        strbuf_truncate(&c->path, at);
    }
    *out = res;
    return 0;
}

/* CharField: numbers become strings, the result is stripped. */
static int v_string(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    strbuf s = STRBUF_INIT;
    switch (json_typeof(v)) {
    case JSON_STRING: {
        size_t st;
        size_t n = pytext_strip(json_string_value(v), json_string_length(v), &st);
        strbuf_add(&s, json_string_value(v) + st, n);
        break;
    }
    case JSON_INTEGER:
    case JSON_REAL:
        pytext_str(&s, v);
        break;
    default:
        return fail(c, "invalid_input", "Not a valid string.");
    }
    if (!s.p)
        strbuf_add(&s, "", 0);
    if ((f->flags & SM_F_MAXLEN) &&
        (int64_t)pytext_utf8_len(s.p, s.len) > f->maxlen) {
        strbuf_free(&s);
        return fail(c, "max_length",
                    "Ensure this field has no more than %lld characters.",
                    (long long)f->maxlen);
    }
    if (memchr(s.p, '\0', s.len)) {
        strbuf_free(&s);
        return fail(c, "null_characters_not_allowed",
                    "Null characters are not allowed.");
    }
    *out = json_stringn(s.p, s.len);
    strbuf_free(&s);
    return 0;
}

static int v_bounds(vctx *c, const sm_field *f, double v)
{
    if ((f->flags & SM_F_MAX) && v > (double)f->max)
        return fail(c, "max_value",
                    "Ensure this value is less than or equal to %lld.",
                    (long long)f->max);
    if ((f->flags & SM_F_MIN) && v < (double)f->min)
        return fail(c, "min_value",
                    "Ensure this value is greater than or equal to %lld.",
                    (long long)f->min);
    return 0;
}

/* IntegerField: int(re.sub(r'\.0*\s*$', '', str(data))). */
static int v_int(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    int64_t n = 0;
    int ok = 0;
    if (json_is_integer(v)) {
        n = json_integer_value(v);
        ok = 1;
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        /* str(float) is "12.0" (accepted) up to 1e16, "1e+16" beyond. */
        if (isfinite(d) && d == floor(d) && fabs(d) < 1e16) {
            n = (int64_t)d;
            ok = 1;
        }
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (len > DRF_MAX_STRING_LENGTH)
            return fail(c, "max_string_length", "String value too large.");
        /* strip r'\.0*\s*$' */
        size_t e = len;
        while (e > 0 && (s[e - 1] == ' ' || (s[e - 1] >= '\t' && s[e - 1] <= '\r')))
            e--;
        size_t z = e;
        while (z > 0 && s[z - 1] == '0')
            z--;
        if (z > 0 && s[z - 1] == '.')
            len = z - 1;
        ok = !memchr(s, '\0', len) && pytext_parse_int(s, len, &n) == 0;
    }
    if (!ok)
        return fail(c, "invalid_input", "A valid integer is required.");
    if (v_bounds(c, f, (double)n) < 0)
        return -1;
    *out = json_integer(n);
    return 0;
}

/* FloatField: float(data); bools are numbers to Python. */
static int v_number(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    double d = 0;
    int ok = 1;
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        d = (double)json_integer_value(v);
        break;
    case JSON_REAL:
        d = json_real_value(v);
        break;
    case JSON_TRUE:
        d = 1;
        break;
    case JSON_FALSE:
        d = 0;
        break;
    case JSON_STRING:
        if (json_string_length(v) > DRF_MAX_STRING_LENGTH)
            return fail(c, "max_string_length", "String value too large.");
        ok = !memchr(json_string_value(v), '\0', json_string_length(v)) &&
             pytext_parse_float(json_string_value(v), json_string_length(v),
                                &d) == 0;
        break;
    default:
        ok = 0;
    }
    if (!ok)
        return fail(c, "invalid_input", "A valid number is required.");
    if (v_bounds(c, f, d) < 0)
        return -1;
    *out = json_real(d);
    return 0;
}

/* BooleanField's TRUE_VALUES / FALSE_VALUES / NULL_VALUES. */
static int v_bool(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    static const char *const truthy[] = {"t", "T", "y", "Y", "yes", "Yes",
                                         "YES", "true", "True", "TRUE", "on",
                                         "On", "ON", "1"};
    static const char *const falsy[] = {"f", "F", "n", "N", "no", "No",
                                        "NO", "false", "False", "FALSE",
                                        "off", "Off", "OFF", "0"};
    static const char *const nully[] = {"null", "Null", "NULL", ""};
    switch (json_typeof(v)) {
    case JSON_TRUE:
        *out = json_true();
        return 0;
    case JSON_FALSE:
        *out = json_false();
        return 0;
    case JSON_INTEGER:
        if (json_integer_value(v) == 1 || json_integer_value(v) == 0) {
            *out = json_boolean(json_integer_value(v) == 1);
            return 0;
        }
        break;
    case JSON_REAL:
        if (json_real_value(v) == 1.0 || json_real_value(v) == 0.0) {
            *out = json_boolean(json_real_value(v) == 1.0);
            return 0;
        }
        break;
    case JSON_STRING: {
        const char *s = json_string_value(v);
        if (strlen(s) != json_string_length(v))
            break;
        for (size_t i = 0; i < sizeof truthy / sizeof *truthy; i++)
            if (strcmp(s, truthy[i]) == 0) {
                *out = json_true();
                return 0;
            }
        for (size_t i = 0; i < sizeof falsy / sizeof *falsy; i++)
            if (strcmp(s, falsy[i]) == 0) {
                *out = json_false();
                return 0;
            }
        if (f->flags & SM_F_NULLABLE)
            for (size_t i = 0; i < sizeof nully / sizeof *nully; i++)
                if (strcmp(s, nully[i]) == 0) {
                    *out = json_null();
                    return 0;
                }
        break;
    }
    default:
        break;
    }
    return fail(c, "invalid_input", "Must be a valid boolean.");
}

/* DateTimeField with ISO 8601 input, rendered in UTC. */
static int v_datetime(vctx *c, const json_t *v, json_t **out)
{
    int64_t us;
    int rc = CLOCK_EFORMAT;
    if (json_is_string(v) &&
        strlen(json_string_value(v)) == json_string_length(v))
        rc = clock_parse(json_string_value(v), json_string_length(v), &us);
    if (rc == CLOCK_ERANGE)
        return fail(c, "overflow", "Datetime value out of range.");
    if (rc != CLOCK_OK)
        return fail(c, "invalid_input",
                    "Datetime has wrong format. Use one of these formats "
                    "instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
    char buf[40];
    size_t n = clock_format(us, buf);
    *out = json_stringn(buf, n);
    return 0;
}

/* UUIDField (hex_verbose): strings via UUID(hex=), ints via UUID(int=). */
static int v_uuid(vctx *c, const json_t *v, json_t **out)
{
    char buf[37];
    int ok = 0;
    if (json_is_string(v)) {
        ok = pytext_parse_uuid(json_string_value(v), json_string_length(v),
                               buf) == 0;
    } else if (json_is_integer(v) && json_integer_value(v) >= 0) {
        pytext_uuid_from_int((uint64_t)json_integer_value(v), buf);
        ok = 1;
    } else if (json_is_boolean(v)) { /* isinstance(True, int) */
        pytext_uuid_from_int(json_is_true(v) ? 1 : 0, buf);
        ok = 1;
    }
    if (!ok)
        return fail(c, "invalid_input", "Must be a valid UUID.");
    *out = json_string(buf);
    return 0;
}

/* ChoiceField: the choice whose str() equals str(data). */
static int v_enum(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    if (f->ref < 0 || f->ref >= c->api->nenums) {
        *out = json_deep_copy(v);
        return 0;
    }
    const sm_enum *e = &c->api->enums[f->ref];
    strbuf s = STRBUF_INIT;
    pytext_str(&s, v);
    if (!s.p)
        strbuf_add(&s, "", 0);
    for (uint16_t i = 0; i < e->nvalues; i++) {
        if (e->is_int) {
            char num[32];
            int n = snprintf(num, sizeof num, "%lld", (long long)e->ints[i]);
            if ((size_t)n == s.len && memcmp(num, s.p, s.len) == 0) {
                strbuf_free(&s);
                *out = json_integer(e->ints[i]);
                return 0;
            }
        } else if (strlen(e->strs[i]) == s.len &&
                   memcmp(e->strs[i], s.p, s.len) == 0) {
            strbuf_free(&s);
            *out = json_string(e->strs[i]);
            return 0;
        }
    }
    fail(c, "invalid_choice", "\"%s\" is not a valid choice.", s.p);
    strbuf_free(&s);
    return -1;
}

static int v_array(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    if (!json_is_array(v))
        return fail(c, "not_a_list",
                    "Expected a list of items but got type \"%s\".",
                    pytext_typename(v));
    sm_field item = *f;
    item.type = f->item_type;
    item.item_type = 0;
    item.flags = (uint16_t)(f->flags & (SM_F_MAXLEN | SM_F_MIN | SM_F_MAX |
                                        SM_F_NOTBLANK));
    if (f->flags & SM_F_ITEM_NULLABLE)
        item.flags |= SM_F_NULLABLE;
    json_t *res = json_array();
    for (size_t i = 0; i < json_array_size(v); i++) {
        size_t at = path_push_index(c, i);
        json_t *norm = NULL;
        if (v_value(c, &item, json_array_get(v, i), &norm) < 0) {
            json_decref(res);
            return -1;
        }
        json_array_append_new(res, norm);
        strbuf_truncate(&c->path, at);
    }
    *out = res;
    return 0;
}

static int v_value(vctx *c, const sm_field *f, const json_t *v, json_t **out)
{
    /* CharField.run_validation: '' (after strip) before anything else. */
    if (f->type == SM_T_STRING && json_is_string(v)) {
        size_t st;
        if (pytext_strip(json_string_value(v), json_string_length(v), &st) == 0) {
            if (f->flags & SM_F_NOTBLANK)
                return fail(c, "blank", "This field may not be blank.");
            *out = json_string("");
            return 0;
        }
    }
    if (json_is_null(v)) {
        if (!(f->flags & SM_F_NULLABLE))
            return fail(c, "null", "This field may not be null.");
        *out = json_null();
        return 0;
    }
    switch (f->type) {
    case SM_T_STRING:
        return v_string(c, f, v, out);
    case SM_T_INT:
        return v_int(c, f, v, out);
    case SM_T_NUMBER:
        return v_number(c, f, v, out);
    case SM_T_BOOL:
        return v_bool(c, f, v, out);
    case SM_T_DATETIME:
        return v_datetime(c, v, out);
    case SM_T_UUID:
        return v_uuid(c, v, out);
    case SM_T_ENUM:
        return v_enum(c, f, v, out);
    case SM_T_OBJECT: /* DictField of unvalidated values */
        if (!json_is_object(v))
            return fail(c, "invalid_input",
                        "Expected a dictionary of items but got type \"%s\".",
                        pytext_typename(v));
        *out = json_deep_copy(v);
        return 0;
    case SM_T_MODEL: /* nested Serializer */
        if (!json_is_object(v))
            return fail(c, "invalid_input",
                        "Invalid data. Expected a dictionary, but got %s.",
                        pytext_typename(v));
        if (f->ref < 0 || f->ref >= c->api->nmodels) {
            *out = json_deep_copy(v);
            return 0;
        }
        return v_model(c, f->ref, v, out);
    case SM_T_ARRAY:
        return v_array(c, f, v, out);
    case SM_T_ANY:
    default:
        *out = json_deep_copy(v);
        return 0;
    }
}

int validate_value(const sm_api *api, const sm_field *f, const json_t *v,
                   unsigned flags, const char *path, json_t **out,
                   sm_verror *err)
{
    vctx c = {api, flags, STRBUF_INIT, err};
    memset(err, 0, sizeof *err);
    *out = NULL;
    if (path && *path)
        strbuf_adds(&c.path, path);
    int rc = v_value(&c, f, v, out);
    strbuf_free(&c.path);
    return rc;
}

int validate_body(const sm_api *api, int model, const json_t *body,
                  unsigned flags, json_t **out, sm_verror *err)
{
    vctx c = {api, flags, STRBUF_INIT, err};
    memset(err, 0, sizeof *err);
    *out = NULL;
    if (!body || json_is_null(body))
        return fail(&c, "null", "No data provided");
    if (!json_is_object(body))
        return fail(&c, "invalid_input",
                    "Invalid data. Expected a dictionary, but got %s.",
                    pytext_typename(body));
    if (model < 0 || model >= api->nmodels) {
        *out = json_object();
        return 0;
    }
    int rc = v_model(&c, model, body, out);
    strbuf_free(&c.path);
    return rc;
}

void validate_error_clear(sm_verror *err)
{
    free(err->detail);
    free(err->attr);
    memset(err, 0, sizeof *err);
}
