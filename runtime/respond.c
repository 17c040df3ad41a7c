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
}

void reply_free(sm_reply *r)
{
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
    json_decref(env);
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
    strbuf_truncate(&r->body, 0);
    r->status = status;
    jsonio_dump(&r->body, v);
}

void respond_bytes(sm_reply *r, int status, const char *json, size_t len)
{
    reply_content_type(r, NULL);
    strbuf_truncate(&r->body, 0);
    r->status = status;
    strbuf_add(&r->body, json, len);
}

void respond_empty(sm_reply *r, int status)
{
    reply_content_type(r, NULL);
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
    case 507: return "Insufficient Storage";
    default: return status < 300 ? "OK" : "Error";
    }
}
