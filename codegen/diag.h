/*
 * diag.h — compiler-style diagnostics for specmock-gen.
 *
 * Owns: source locations and the list of errors found while reading and
 * checking a spec.  Every stage reports through diag_error()/diag_note();
 * nothing is printed until diag_print(), which sorts the errors by source
 * position (files in command-line order) so the output reads top to bottom,
 * prints each as
 *
 *     file:line:col: error: message
 *     file:line:col: note: message          (attached to the error above)
 *
 * and stops after DIAG_MAX_SHOWN errors.  Messages follow git's
 * CodingGuidelines: lower-case start, no final full stop, what is wrong
 * first, names in single quotes.
 *
 * Columns count characters (UTF-8 code points), starting at 1.
 */
#ifndef SMGEN_DIAG_H
#define SMGEN_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* Errors printed at most; the rest are counted in one closing line. */
#define DIAG_MAX_SHOWN 50

/* A position in a spec file.  `file` is borrowed: it points at the path as
 * given on the command line, which outlives every diagnostic. */
typedef struct sm_loc {
    const char *file;
    int line;
    int col;
} sm_loc;

typedef struct diag_entry {
    sm_loc loc;
    int is_note;   /* 1: a note attached to the preceding error            */
    size_t seq;    /* report order, the tie-break when sorting              */
    char *msg;     /* owned                                                 */
} diag_entry;

typedef struct diag {
    const char **files;  /* borrowed paths, in command-line order           */
    size_t nfiles;
    diag_entry *v;       /* owned, report order                              */
    size_t n, cap;
    size_t nerrors;
} diag;

/* Start empty.  `files` (borrowed) gives the order errors sort in. */
void diag_init(diag *d, const char **files, size_t nfiles);
/* Free every message; `d` can be diag_init()ed again. */
void diag_free(diag *d);

/* Record an error at `loc`.  The message is formatted and copied. */
void diag_error(diag *d, sm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Attach a note to the error recorded last. */
void diag_note(diag *d, sm_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Errors recorded so far (notes not counted). */
size_t diag_count(const diag *d);

/* Sort and print to `out` (see the head comment).  Returns diag_count(). */
size_t diag_print(diag *d, FILE *out);

/* Allocation failure: print "specmock-gen: out of memory" and exit 2.  The
 * generator has no way to degrade gracefully, and a half-reported spec would
 * mislead, so every module calls this instead of returning NULL. */
_Noreturn void diag_oom(void);

/* The i-th error or note in report order, formatted as it would print, into
 * `buf` (for tests).  Returns `buf`, or NULL when i is out of range. */
char *diag_format(const diag *d, size_t i, char *buf, size_t size);

#endif /* SMGEN_DIAG_H */
