/*
 * ast.c — allocation helpers and spec_free() for the spec tree (ast.h).
 */
#include "ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *ast_push(void *v, size_t *cap, size_t n, size_t size)
{
    void **pv = v;
    if (n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        void *p = realloc(*pv, nc * size);
        if (!p)
            diag_oom();
        *pv = p;
        *cap = nc;
    }
    char *slot = (char *)*pv + n * size;
    memset(slot, 0, size);
    return slot;
}

char *ast_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        diag_oom();
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ast_strdup(const char *s)
{
    return s ? ast_strndup(s, strlen(s)) : NULL;
}

void spec_init(spec *s, const char **files, size_t nfiles)
{
    memset(s, 0, sizeof *s);
    s->files = files;
    s->nfiles = nfiles;
}

static void free_op(ast_op *o)
{
    free(o->subpath);
    free(o->scope);
    free(o->id);
    free(o->errors);
    free(o->error_locs);
    free(o->op_id);
    free(o->path);
    free(o->statuses);
    free(o->extra); free(o->body.name); free(o->media); free(o->returns);
    for (size_t i = 0; i < o->nfilters; i++) {
        ast_filter *f = &o->filters[i];
        free(f->query); free(f->message); free(f->exclude.str);
        for (size_t k = 0; k < f->nfields; k++)
            free(f->fields[k].name);
        free(f->fields);
        for (size_t k = 0; k < f->nprefixes; k++) {
            ast_prefix *x = &f->prefixes[k];
            free(x->name);
            for (size_t j = 0; j < x->nfields; j++)
                free(x->fields[j].name);
            free(x->fields);
            for (size_t j = 0; j < x->nmembers; j++)
                free(x->members[j]);
            free(x->members);
            free(x->member_locs);
        }
        free(f->prefixes);
    }
    free(o->filters);
    for (size_t i = 0; i < o->nchecks; i++) {
        ast_check *c = &o->checks[i];
        free(c->name); free(c->lit.str); free(c->arg); free(c->message);
        free(c->code); free(c->attr); free(c->value_json);
    }
    free(o->checks);
    for (size_t i = 0; i < o->nsets; i++) {
        ast_set *t = &o->sets[i];
        free(t->field.name); free(t->lit.str); free(t->arg);
        free(t->value_json);
    }
    free(o->sets);
    free(o->stream_field.name); free(o->stream_key); free(o->stream_item);
    free(o->content_type.name); free(o->move_field.name);
    free(o->move_item); free(o->move_to);
}

void spec_free(spec *s)
{
    for (size_t i = 0; i < s->napis; i++) {
        ast_api *a = &s->apis[i];
        free(a->name); free(a->title); free(a->version); free(a->prefix);
        free(a->default_key); free(a->auth); free(a->errors);
        free(a->user.name);
        for (size_t k = 0; k < a->nscopes; k++)
            free(a->scopes[k].name);
        free(a->scopes);
    }
    free(s->apis);
    for (size_t i = 0; i < s->nparams; i++) {
        free(s->params[i].name);
        free(s->params[i].alias);
        free(s->params[i].notfound);
    }
    free(s->params);
    for (size_t i = 0; i < s->nenums; i++) {
        ast_enum *e = &s->enums[i];
        free(e->name);
        for (size_t k = 0; k < e->nvalues; k++)
            free(e->values[k].str);
        free(e->values);
    }
    free(s->enums);
    for (size_t i = 0; i < s->nmodels; i++) {
        ast_model *m = &s->models[i];
        free(m->name);
        for (size_t k = 0; k < m->nfields; k++) {
            ast_field *f = &m->fields[k];
            free(f->name);
            free(f->type.name);
            free(f->def.str);
            free(f->fill_arg);
        }
        free(m->fields);
    }
    free(s->models);
    for (size_t i = 0; i < s->nresources; i++) {
        ast_resource *r = &s->resources[i];
        free(r->name); free(r->model.name); free(r->list_model.name);
        free(r->path); free(r->scope.name); free(r->soft_delete.name);
        free(r->key.name); free(r->notfound); free(r->parent.name);
        free(r->parent_param.name); free(r->parent_notfound);
        free(r->owner.name); free(r->order); free(r->rows);
        free(r->rows_path); free(r->rows_json); free(r->ancestors.name);
        free(r->ancestor_json);
        for (size_t k = 0; k < r->nops; k++)
            free_op(&r->ops[k]);
        free(r->ops);
    }
    free(s->resources);
    free(s->ops);
    free(s->scopes);
    memset(s, 0, sizeof *s);
}

const char *ty_name(ty_kind k)
{
    static const char *const names[] = {
        "?", "int", "number", "bool", "string", "datetime", "uuid", "object",
        "any", "enum", "model", "array", "named"
    };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

const char *op_kind_name(op_kind k)
{
    static const char *const names[] = {
        "?", "list", "create", "retrieve", "update", "destroy", "refuse",
        "action", "stream", "content"
    };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

const char *method_name(http_method m)
{
    static const char *const names[] = {
        "?", "GET", "POST", "PUT", "PATCH", "DELETE"
    };
    return (unsigned)m < sizeof names / sizeof *names ? names[m] : "?";
}
