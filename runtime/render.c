/*
 * render.c — representations in declared field order (see render.h).
 * Owned by the RT-CORE helper.
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "rng.h"

/* Every generated value draws from the app's one generator (rng.h):
 * seeded by --seed, else the OS. */
void render_random(void *buf, size_t n)
{
    rng_bytes(buf, n);
}

static json_t *fresh_uuid(void)
{
    unsigned char b[16];
    char s[37];
    render_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            s[o++] = '-';
        s[o++] = hex[b[i] >> 4];
        s[o++] = hex[b[i] & 15];
    }
    s[o] = '\0';
    return json_string(s);
}

/* secrets.token_urlsafe(): 32 random bytes, base64url without padding. */
static json_t *fresh_token(void)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char b[33];
    char s[45];
    render_random(b, 32);
    b[32] = 0;
    size_t o = 0;
    for (int i = 0; i < 33; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
        s[o++] = b64[(v >> 18) & 63];
        s[o++] = b64[(v >> 12) & 63];
        s[o++] = b64[(v >> 6) & 63];
        s[o++] = b64[v & 63];
    }
    s[43] = '\0'; /* 32 bytes = 43 characters */
    return json_string(s);
}

static json_t *parse_default(const sm_field *f)
{
    if (!f->default_json)
        return NULL;
    return json_loads(f->default_json, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

static json_t *create_impl(const sm_api *api, const sm_defaults *defs,
                           int model, const json_t *input,
                           const sm_render_ctx *ctx);

/* A nested model value: an object is re-rendered with the model's fields. */
static json_t *nested(const sm_api *api, const sm_defaults *defs,
                      const sm_field *f, json_t *v)
{
    if (v && f->type == SM_T_MODEL && json_is_object(v) && f->ref >= 0 &&
        f->ref < api->nmodels) {
        json_t *r = create_impl(api, defs, f->ref, v, NULL);
        json_decref(v);
        return r;
    }
    return v;
}

struct sm_defaults {
    const sm_api *api;
    uint32_t *base;  /* per model: its first slot in v                  */
    json_t **v;      /* per (model, field): the rendered default or NULL */
};

sm_defaults *render_defaults_new(const sm_api *api)
{
    sm_defaults *d = calloc(1, sizeof *d);
    size_t n = 0;
    if (d)
        d->base = calloc(api->nmodels ? api->nmodels : 1, sizeof *d->base);
    if (!d || !d->base)
        abort();
    d->api = api;
    for (uint16_t m = 0; m < api->nmodels; m++) {
        d->base[m] = (uint32_t)n;
        n += api->models[m].nfields;
    }
    d->v = calloc(n ? n : 1, sizeof *d->v);
    if (!d->v)
        abort();
    /* nested model defaults render through the parsing path (defs NULL) */
    for (uint16_t m = 0; m < api->nmodels; m++)
        for (uint16_t i = 0; i < api->models[m].nfields; i++) {
            const sm_field *f = &api->models[m].fields[i];
            d->v[d->base[m] + i] = nested(api, NULL, f, parse_default(f));
        }
    return d;
}

void render_defaults_free(sm_defaults *d)
{
    if (!d)
        return;
    for (uint16_t m = 0; m < d->api->nmodels; m++)
        for (uint16_t i = 0; i < d->api->models[m].nfields; i++)
            json_decref(d->v[d->base[m] + i]);
    free(d->v);
    free(d->base);
    free(d);
}

const json_t *render_default(const sm_defaults *d, int model, int field)
{
    if (!d || model < 0 || model >= d->api->nmodels || field < 0 ||
        field >= d->api->models[model].nfields)
        return NULL;
    return d->v[d->base[model] + (unsigned)field];
}

/* A fresh default value for field i of model (NULL: none).  Scalars are
 * shared (nothing modifies a scalar in place); containers are copied, since
 * callers may change them. */
static json_t *default_value(const sm_api *api, const sm_defaults *defs,
                             int model, uint16_t i)
{
    const sm_field *f = &api->models[model].fields[i];
    if (!defs)
        return nested(api, NULL, f, parse_default(f));
    json_t *v = (json_t *)render_default(defs, model, i);
    if (!v)
        return NULL;
    return json_is_object(v) || json_is_array(v) ? json_deep_copy(v)
                                                 : json_incref(v);
}

static json_t *user_fill(const sm_field *f, const json_t *input,
                         const sm_render_ctx *ctx)
{
    const json_t *u = f->fill_arg && input ? json_object_get(input, f->fill_arg)
                                           : NULL;
    const json_t *found = json_is_string(u) && ctx && ctx->user_by_uuid
                              ? ctx->user_by_uuid(ctx->user_arg,
                                                  json_string_value(u))
                              : NULL;
    return found ? json_deep_copy(found) : json_null();
}

static json_t *fill(const sm_field *f, const sm_render_ctx *ctx,
                    const json_t *input)
{
    char buf[40];
    switch (f->fill) {
    case SM_FILL_AUTO:
        return json_integer(ctx->id);
    case SM_FILL_NOW: {
        if (ctx->no_now)
            return json_null();
        size_t n = clock_format(ctx->now_us, buf);
        return json_stringn(buf, n);
    }
    case SM_FILL_CALLER: {
        const json_t *c = ctx->caller;
        if (c && f->fill_arg)
            c = json_object_get(c, f->fill_arg);
        return c ? json_deep_copy(c) : json_null();
    }
    case SM_FILL_USER:
        return user_fill(f, input, ctx);
    case SM_FILL_CHILDREN: /* live: filled in at read time */
        return json_array();
    case SM_FILL_SEGMENTS: /* derived after the other fields */
    case SM_FILL_COPY:
        return json_null();
    case SM_FILL_UUID:
        return fresh_uuid();
    case SM_FILL_TOKEN:
        return fresh_token();
    case SM_FILL_PARAM: {
        const json_t *v = f->fill_arg && ctx->params
                              ? json_object_get(ctx->params, f->fill_arg)
                              : NULL;
        return v ? json_deep_copy(v) : json_null();
    }
    default:
        return NULL;
    }
}

static json_t *create_impl(const sm_api *api, const sm_defaults *defs,
                           int model, const json_t *input,
                           const sm_render_ctx *ctx)
{
    json_t *out = json_object();
    if (model < 0 || model >= api->nmodels)
        return out;
    const sm_model *m = &api->models[model];
    for (uint16_t i = 0; i < m->nfields; i++) {
        const sm_field *f = &m->fields[i];
        if (f->flags & SM_F_WRITEONLY)
            continue;
        json_t *v = NULL;
        const json_t *in = input ? json_object_get(input, f->name) : NULL;
        if (ctx && ctx->input_first && in)
            v = nested(api, defs, f, json_deep_copy(in));
        if (!v && ctx)
            v = fill(f, ctx, input);
        if (!v && in)
            v = nested(api, defs, f, json_deep_copy(in));
        if (!v)
            v = default_value(api, defs, model, i);
        json_object_set_new(out, f->name, v ? v : json_null());
    }
    if (ctx)
        render_derive(api, model, out, input);
    return out;
}

json_t *render_create(const sm_api *api, int model, const json_t *input,
                      const sm_render_ctx *ctx)
{
    return create_impl(api, ctx ? ctx->defaults : NULL, model, input, ctx);
}

int64_t render_segments(const char *s)
{
    if (!s || !*s)
        return 0;
    int64_t n = 1;
    for (; *s; s++) {
        if (*s == '\\' && s[1] == '/')
            s++;
        else if (*s == '/')
            n++;
    }
    return n;
}

void render_derive(const sm_api *api, int model, json_t *rec,
                   const json_t *input)
{
    if (model < 0 || model >= api->nmodels || !json_is_object(rec))
        return;
    const sm_model *m = &api->models[model];
    for (uint16_t i = 0; i < m->nfields; i++) {
        const sm_field *f = &m->fields[i];
        if ((f->fill != SM_FILL_SEGMENTS && f->fill != SM_FILL_COPY) ||
            !f->fill_arg || (f->flags & SM_F_WRITEONLY))
            continue;
        const json_t *src = json_object_get(rec, f->fill_arg);
        if (!src && input)
            src = json_object_get(input, f->fill_arg);
        json_t *v;
        if (f->fill == SM_FILL_COPY)
            v = src ? json_deep_copy(src) : json_null();
        else
            v = json_is_string(src)
                    ? json_integer(render_segments(json_string_value(src)))
                    : json_null();
        json_object_set_new(rec, f->name, v);
    }
}

json_t *render_update(const sm_api *api, int model, const json_t *stored,
                      const json_t *input)
{
    return render_update_ctx(api, model, stored, input, NULL);
}

json_t *render_update_ctx(const sm_api *api, int model, const json_t *stored,
                          const json_t *input, const sm_render_ctx *ctx)
{
    json_t *out = json_object();
    if (model < 0 || model >= api->nmodels)
        return out;
    const sm_model *m = &api->models[model];
    const sm_defaults *defs = ctx ? ctx->defaults : NULL;
    for (uint16_t i = 0; i < m->nfields; i++) {
        const sm_field *f = &m->fields[i];
        if (f->flags & SM_F_WRITEONLY)
            continue;
        const json_t *in = input ? json_object_get(input, f->name) : NULL;
        json_t *v = NULL;
        if (in && !(f->flags & SM_F_READONLY))
            v = nested(api, defs, f, json_deep_copy(in));
        if (!v && f->fill == SM_FILL_USER && f->fill_arg && input &&
            json_object_get(input, f->fill_arg))
            v = user_fill(f, input, ctx);
        if (!v) {
            const json_t *old = stored ? json_object_get(stored, f->name) : NULL;
            /* shared, not copied: stored is only read after this, and
             * every later change to the new record replaces whole members */
            v = old ? json_incref((json_t *)old)
                    : default_value(api, defs, model, i);
        }
        json_object_set_new(out, f->name, v ? v : json_null());
    }
    render_derive(api, model, out, input);
    return out;
}

json_t *render_project(const sm_api *api, const sm_defaults *defs,
                       int list_model, const json_t *full)
{
    json_t *out = json_object();
    if (list_model < 0 || list_model >= api->nmodels)
        return out;
    const sm_model *m = &api->models[list_model];
    for (uint16_t i = 0; i < m->nfields; i++) {
        const sm_field *f = &m->fields[i];
        if (f->flags & (SM_F_WRITEONLY | SM_F_HIDDEN))
            continue;
        const json_t *v = full ? json_object_get(full, f->name) : NULL;
        json_t *c = v ? json_incref((json_t *)v)
                      : default_value(api, defs, list_model, i);
        json_object_set_new(out, f->name, c ? c : json_null());
    }
    return out;
}
