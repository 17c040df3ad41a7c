/*
 * diag.c — collects, sorts and prints diagnostics (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(diag *d, const char **files, size_t nfiles)
{
    memset(d, 0, sizeof *d);
    d->files = files;
    d->nfiles = nfiles;
}

void diag_free(diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].msg);
    free(d->v);
    d->v = NULL;
    d->n = d->cap = d->nerrors = 0;
}

_Noreturn void diag_oom(void)
{
    fputs("specmock-gen: out of memory\n", stderr);
    exit(2);
}

/* Append one entry. */
static void add(diag *d, sm_loc loc, int is_note, const char *fmt, va_list ap)
{
    va_list ap2;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        if (!d->v)
            diag_oom();
    }
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *msg = malloc((size_t)len + 1);
    if (!msg)
        diag_oom();
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    d->v[d->n] = (diag_entry){ loc, is_note, d->n, msg };
    d->n++;
    if (!is_note)
        d->nerrors++;
}

void diag_error(diag *d, sm_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, loc, 0, fmt, ap);
    va_end(ap);
}

void diag_note(diag *d, sm_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, loc, 1, fmt, ap);
    va_end(ap);
}

size_t diag_count(const diag *d)
{
    return d->nerrors;
}

/* An error together with its notes: the unit that is sorted. */
typedef struct group {
    const diag *d;
    size_t first, n; /* entries [first, first+n) of d->v                    */
} group;

static size_t file_rank(const diag *d, const char *file)
{
    for (size_t i = 0; i < d->nfiles; i++)
        if (d->files[i] == file || (file && strcmp(d->files[i], file) == 0))
            return i;
    return d->nfiles;
}

static int group_cmp(const void *a, const void *b)
{
    const group *x = a, *y = b;
    const diag_entry *p = &x->d->v[x->first], *q = &y->d->v[y->first];
    size_t fp = file_rank(x->d, p->loc.file), fq = file_rank(y->d, q->loc.file);
    if (fp != fq)
        return fp < fq ? -1 : 1;
    if (p->loc.line != q->loc.line)
        return p->loc.line < q->loc.line ? -1 : 1;
    if (p->loc.col != q->loc.col)
        return p->loc.col < q->loc.col ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

char *diag_format(const diag *d, size_t i, char *buf, size_t size)
{
    if (i >= d->n)
        return NULL;
    const diag_entry *e = &d->v[i];
    snprintf(buf, size, "%s:%d:%d: %s: %s", e->loc.file, e->loc.line,
             e->loc.col, e->is_note ? "note" : "error", e->msg);
    return buf;
}

size_t diag_print(diag *d, FILE *out)
{
    size_t ngroups = 0;
    group *g = malloc((d->nerrors + 1) * sizeof *g);
    if (!g)
        diag_oom();
    for (size_t i = 0; i < d->n; i++) {
        if (!d->v[i].is_note || ngroups == 0)
            g[ngroups++] = (group){ d, i, 1 };
        else
            g[ngroups - 1].n++;
    }
    qsort(g, ngroups, sizeof *g, group_cmp);
    size_t shown = ngroups < DIAG_MAX_SHOWN ? ngroups : DIAG_MAX_SHOWN;
    for (size_t k = 0; k < shown; k++)
        for (size_t i = g[k].first; i < g[k].first + g[k].n; i++) {
            const diag_entry *e = &d->v[i];
            fprintf(out, "%s:%d:%d: %s: %s\n", e->loc.file, e->loc.line,
                    e->loc.col, e->is_note ? "note" : "error", e->msg);
        }
    if (ngroups > shown)
        fprintf(out, "specmock-gen: %zu more errors not shown\n",
                ngroups - shown);
    free(g);
    return d->nerrors;
}
