/*
 * respond.c — the error catalogue's table and the body writers (see
 * respond.h).
 */
#include "respond.h"

#include <stdarg.h>
#include <stdlib.h>

#include "jsonio.h"

static const struct {
    int status;
    const char *type, *code, *detail;
} catalogue[] = {
#define SM_ERROR(name, status, type, code, detail) {status, type, code, detail},
#include "errors.def"
#undef SM_ERROR
};

void reply_init(sm_reply *r)
{
    r->status = 500;
    r->body = (strbuf)STRBUF_INIT;
    r->allow = NULL;
    r->content_type = NULL;
    r->op_id = NULL;
    r->op = -1;
    r->problem = 0;
    r->retry_after = 0;
    r->delay_ms = 0;
    r->drop = 0;
    r->shared = NULL;
    r->shared_len = 0;
    r->shared_release = NULL;
    r->shared_arg = NULL;
}

/* Gives a shared body back to its owner (once). */
static void unshare(sm_reply *r)
{
    if (r->shared_release)
        r->shared_release(r->shared, r->shared_len, r->shared_arg);
    r->shared = NULL;
    r->shared_len = 0;
    r->shared_release = NULL;
    r->shared_arg = NULL;
}

void reply_share(sm_reply *r, int status, const char *p, size_t len,
                 reply_release_fn release, void *arg)
{
    unshare(r);
    strbuf_truncate(&r->body, 0);
    r->status = status;
    r->shared = p;
    r->shared_len = len;
    r->shared_release = release;
    r->shared_arg = arg;
}

const char *reply_bytes(const sm_reply *r, size_t *len)
{
    if (r->shared) {
        *len = r->shared_len;
        return r->shared;
    }
    *len = r->body.len;
    return r->body.p;
}

void reply_free(sm_reply *r)
{
    unshare(r);
    strbuf_free(&r->body);
    free(r->content_type);
    r->content_type = NULL;
}

void reply_content_type(sm_reply *r, const char *ct)
{
    free(r->content_type);
    r->content_type = ct ? sm_xstrdup(ct) : NULL;
}

int respond_status(sm_err e)
{
    return catalogue[e].status;
}

void respond_error(sm_reply *r, sm_err e, const char *detail,
                   const char *code, const char *attr)
{
    json_t *env = json_object();
    json_object_set_new(env, "type", json_string(catalogue[e].type));
    json_object_set_new(env, "code", json_string(code ? code : catalogue[e].code));
    json_object_set_new(env, "detail",
                        json_string(detail ? detail : catalogue[e].detail));
    json_object_set_new(env, "attr", attr ? json_string(attr) : json_null());
    respond_json(r, catalogue[e].status, env);
    r->problem = catalogue[e].status == 400;
    json_decref(env);
}

void respond_status_error(sm_reply *r, int status, int retry_after)
{
    if (status == 400) {
        respond_error(r, SM_ERR_INVALID_INPUT, NULL, NULL, NULL);
        return;
    }
    if (status == 429) {
        /* DRF's Throttled text: "second" when the wait is 1.  A forced 429
         * without a window (a status rule) waits 1 s: the Retry-After
         * header says the same as the detail. */
        int wait = retry_after > 0 ? retry_after : 1;
        respond_errorf(r, SM_ERR_THROTTLED,
                       "Request was throttled. Expected available in %d "
                       "second%s.",
                       wait, wait > 1 ? "s" : "");
        r->retry_after = wait;
        return;
    }
    for (int e = 0; e < SM_ERR__COUNT; e++)
        if (catalogue[e].status == status) {
            respond_error(r, (sm_err)e, NULL, NULL, NULL);
            return;
        }
    /* no row: the shape of an unexpected error of that class */
    strbuf d = STRBUF_INIT;
    if (status >= 500)
        strbuf_adds(&d, "A server error occurred.");
    else
        strbuf_addf(&d, "%s.", respond_reason(status));
    json_t *env = json_object();
    json_object_set_new(env, "type", json_string(status >= 500 ? "server_error"
                                                               : "invalid_request"));
    json_object_set_new(env, "code", json_string("error"));
    json_object_set_new(env, "detail", json_string(d.p));
    json_object_set_new(env, "attr", json_null());
    respond_json(r, status, env);
    json_decref(env);
    strbuf_free(&d);
}

void respond_errorf(sm_reply *r, sm_err e, const char *fmt, ...)
{
    strbuf d = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&d, fmt, ap);
    va_end(ap);
    respond_error(r, e, d.p ? d.p : "", NULL, NULL);
    strbuf_free(&d);
}

void respond_json(sm_reply *r, int status, const json_t *v)
{
    reply_content_type(r, NULL);
    unshare(r);
    strbuf_truncate(&r->body, 0);
    r->status = status;
    jsonio_dump(&r->body, v);
}

void respond_bytes(sm_reply *r, int status, const char *json, size_t len)
{
    reply_content_type(r, NULL);
    unshare(r);
    strbuf_truncate(&r->body, 0);
    r->status = status;
    strbuf_add(&r->body, json, len);
}

void respond_empty(sm_reply *r, int status)
{
    reply_content_type(r, NULL);
    unshare(r);
    strbuf_truncate(&r->body, 0);
    r->status = status;
}

const char *respond_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 507: return "Insufficient Storage";
    default: return status < 300 ? "OK" : "Error";
    }
}
