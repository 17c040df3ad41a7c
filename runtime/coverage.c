/*
 * coverage.c — per-operation status counters (see coverage.h).
 *
 * Each operation has a small array of (status, count): its documented
 * statuses, in the spec's order, then statuses nobody documented, ascending,
 * inserted where they belong when first answered.  Counting is a linear
 * scan of a handful of entries; reports read the array as it is.
 */
#include "coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"
#include "strbuf.h"

typedef struct tally {
    uint16_t status;
    uint8_t documented;
    uint64_t count;
} tally;

typedef struct op_cov {
    tally *v;
    size_t n, cap;
    uint64_t calls;
} op_cov;

struct sm_coverage {
    const sm_api *api;
    op_cov *ops;      /* per api->ops index */
    op_cov unmatched; /* requests no operation answered */
};

/* The tally of status, added when missing: documented ones are appended
 * (seeding, in the spec's order), others inserted in ascending order after
 * them, so the array is always in report order and reading it sorts
 * nothing. */
static tally *find_or_add(op_cov *o, int status, int documented)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].status == status)
            return &o->v[i];
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 4;
        o->v = sm_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    size_t at = o->n;
    while (!documented && at > 0 && !o->v[at - 1].documented &&
           o->v[at - 1].status > status)
        at--;
    memmove(o->v + at + 1, o->v + at, (o->n - at) * sizeof *o->v);
    o->n++;
    tally *t = &o->v[at];
    t->status = (uint16_t)status;
    t->documented = (uint8_t)(documented != 0);
    t->count = 0;
    return t;
}

static void seed_documented(sm_coverage *c)
{
    for (uint16_t i = 0; i < c->api->nops; i++) {
        const sm_op *op = &c->api->ops[i];
        op_cov *o = &c->ops[i];
        o->n = 0;
        o->calls = 0;
        find_or_add(o, op->status, 1);
        for (uint8_t k = 0; k < op->nstatuses; k++)
            find_or_add(o, op->statuses[k], 1);
    }
    c->unmatched.n = 0;
    c->unmatched.calls = 0;
}

sm_coverage *coverage_new(const sm_api *api)
{
    sm_coverage *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->api = api;
    c->ops = calloc(api->nops ? api->nops : 1, sizeof *c->ops);
    if (!c->ops)
        abort();
    seed_documented(c);
    return c;
}

void coverage_free(sm_coverage *c)
{
    if (!c)
        return;
    for (uint16_t i = 0; i < c->api->nops; i++)
        free(c->ops[i].v);
    free(c->ops);
    free(c->unmatched.v);
    free(c);
}

void coverage_clear(sm_coverage *c)
{
    if (c)
        seed_documented(c);
}

void coverage_count(sm_coverage *c, int op, int status)
{
    if (!c)
        return;
    op_cov *o = op >= 0 && op < c->api->nops ? &c->ops[op] : &c->unmatched;
    o->calls++;
    find_or_add(o, status, 0)->count++;
}

static int covered(const sm_op *op, const op_cov *o)
{
    for (size_t k = 0; k < o->n; k++)
        if (o->v[k].status == op->status)
            return o->v[k].count > 0;
    return 0;
}

json_t *coverage_json(const sm_coverage *c)
{
    json_t *out = json_object(), *never = json_array(), *results = json_array();
    size_t called = 0, ncovered = 0;
    for (uint16_t i = 0; i < c->api->nops; i++) {
        const sm_op *op = &c->api->ops[i];
        const op_cov *o = &c->ops[i];
        int cov = covered(op, o);
        called += o->calls > 0;
        ncovered += cov;
        if (!o->calls)
            json_array_append_new(never, json_string(op->id));
        json_t *sts = json_array();
        for (size_t k = 0; k < o->n; k++) {
            json_t *t = json_object();
            json_object_set_new(t, "status", json_integer(o->v[k].status));
            json_object_set_new(t, "documented", json_boolean(o->v[k].documented));
            json_object_set_new(t, "count", json_integer((json_int_t)o->v[k].count));
            json_array_append_new(sts, t);
        }
        json_t *r = json_object();
        json_object_set_new(r, "operation", json_string(op->id));
        json_object_set_new(r, "method", json_string(router_method_name(op->method)));
        json_object_set_new(r, "path", json_string(op->path));
        json_object_set_new(r, "success", json_integer(op->status));
        json_object_set_new(r, "calls", json_integer((json_int_t)o->calls));
        json_object_set_new(r, "covered", json_boolean(cov));
        json_object_set_new(r, "statuses", sts);
        json_array_append_new(results, r);
    }
    const op_cov *u = &c->unmatched;
    json_t *us = json_array();
    for (size_t k = 0; k < u->n; k++) {
        json_t *t = json_object();
        json_object_set_new(t, "status", json_integer(u->v[k].status));
        json_object_set_new(t, "count", json_integer((json_int_t)u->v[k].count));
        json_array_append_new(us, t);
    }
    json_t *um = json_object();
    json_object_set_new(um, "calls", json_integer((json_int_t)u->calls));
    json_object_set_new(um, "statuses", us);

    json_object_set_new(out, "operations", json_integer(c->api->nops));
    json_object_set_new(out, "called", json_integer((json_int_t)called));
    json_object_set_new(out, "covered", json_integer((json_int_t)ncovered));
    json_object_set_new(out, "never_called", never);
    json_object_set_new(out, "results", results);
    json_object_set_new(out, "unmatched", um);
    return out;
}

void coverage_text(const sm_coverage *c, strbuf *out)
{
    size_t w = strlen("OPERATION"), called = 0, ncovered = 0;
    for (uint16_t i = 0; i < c->api->nops; i++) {
        size_t l = strlen(c->api->ops[i].id);
        if (l > w)
            w = l;
    }
    strbuf_addf(out, "%-*s  %-6s  %6s  %s\n", (int)w, "OPERATION", "METHOD",
                "CALLS", "STATUS:COUNT (* documented, + covered)");
    for (uint16_t i = 0; i < c->api->nops; i++) {
        const sm_op *op = &c->api->ops[i];
        const op_cov *o = &c->ops[i];
        int cov = covered(op, o);
        called += o->calls > 0;
        ncovered += cov;
        strbuf_addf(out, "%-*s  %-6s  %6llu  %c", (int)w, op->id,
                    router_method_name(op->method), (unsigned long long)o->calls,
                    cov ? '+' : o->calls ? ' ' : '-');
        for (size_t k = 0; k < o->n; k++)
            strbuf_addf(out, " %u%s:%llu", o->v[k].status,
                        o->v[k].documented ? "*" : "",
                        (unsigned long long)o->v[k].count);
        strbuf_addc(out, '\n');
    }
    const op_cov *u = &c->unmatched;
    strbuf_addf(out, "%-*s  %-6s  %6llu   ", (int)w, "(no operation)", "-",
                (unsigned long long)u->calls);
    for (size_t k = 0; k < u->n; k++)
        strbuf_addf(out, " %u:%llu", u->v[k].status,
                    (unsigned long long)u->v[k].count);
    strbuf_addc(out, '\n');
    strbuf_addf(out, "covered %zu of %u operations (documented success status "
                     "answered); called %zu; never called %zu\n",
                ncovered, (unsigned)c->api->nops, called,
                (size_t)c->api->nops - called);
}
