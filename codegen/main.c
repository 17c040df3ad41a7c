/*
 * main.c — the specmock-gen command line.
 *
 *   specmock-gen --out DIR   SPEC...   check, then write DIR/<api>_api.c and
 *                                      DIR/<api>.openapi.json (only files
 *                                      whose bytes change)
 *   specmock-gen --check DIR SPEC...   generate in memory and compare with DIR
 *
 * Exit status: 0 ok; 1 spec errors (nothing written); 2 bad usage or an
 * I/O error; 3 --check found drift.  Owns: argument parsing, reading the
 * spec files and running the stages in order (parse every file → check →
 * emit).  When any file has syntax errors the semantic checks are skipped:
 * they would mostly repeat the damage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "check.h"
#include "diag.h"
#include "emit.h"
#include "parser.h"

#define VERSION "0.1.0"

static void usage(FILE *f)
{
    fputs("usage: specmock-gen --out DIR SPEC...\n"
          "       specmock-gen --check DIR SPEC...\n"
          "\n"
          "  --out DIR     check the specs, then write DIR/<api>_api.c and\n"
          "                DIR/<api>.openapi.json (files whose bytes change)\n"
          "  --check DIR   generate in memory and compare with DIR; exit 3\n"
          "                on any difference\n"
          "  --help        show this help\n"
          "  --version     show the version\n"
          "\n"
          "Exit status: 0 ok, 1 spec errors, 2 usage or I/O error, 3 drift.\n",
          f);
}

/* Read a whole file; malloc'd, NUL-terminated.  NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sbuf b;
    sb_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_putn(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err) {
        sb_free(&b);
        errno = EIO;
        return NULL;
    }
    sb_putn(&b, "", 0);
    *len = b.n;
    return b.p;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int check_mode = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            puts("specmock-gen " VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "--check") == 0) {
            if (dir) {
                fprintf(stderr, "specmock-gen: give one of --out and --check, "
                        "once\n");
                return 2;
            }
            if (i + 1 >= argc) {
                fprintf(stderr, "specmock-gen: %s needs a directory\n",
                        argv[i]);
                return 2;
            }
            check_mode = strcmp(argv[i], "--check") == 0;
            dir = argv[++i];
            continue;
        }
        fprintf(stderr, "specmock-gen: unknown option '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }
    if (!dir || i >= argc) {
        fprintf(stderr, "specmock-gen: %s\n", !dir
                ? "missing --out DIR or --check DIR" : "no spec files given");
        usage(stderr);
        return 2;
    }
    const char **files = (const char **)&argv[i];
    size_t nfiles = (size_t)(argc - i);

    /* read every file first: an unreadable one is a usage error */
    char **texts = calloc(nfiles, sizeof *texts);
    size_t *lens = calloc(nfiles, sizeof *lens);
    if (!texts || !lens)
        diag_oom();
    int rc = 0;
    for (size_t k = 0; k < nfiles; k++) {
        texts[k] = slurp(files[k], &lens[k]);
        if (!texts[k]) {
            fprintf(stderr, "specmock-gen: cannot read '%s': %s\n", files[k],
                    strerror(errno));
            rc = 2;
        }
    }

    diag d;
    spec s;
    diag_init(&d, files, nfiles);
    spec_init(&s, files, nfiles);
    if (rc == 0) {
        for (size_t k = 0; k < nfiles; k++)
            parse_file(&s, &d, files[k], texts[k], lens[k]);
        if (diag_count(&d) == 0)
            check_spec(&s, &d);
        if (diag_print(&d, stderr) > 0)
            rc = 1;
    }

    if (rc == 0) {
        sbuf c, j;
        sb_init(&c);
        sb_init(&j);
        emit_c(&s, &c);
        if (emit_openapi(&s, &j) != 0)
            rc = 2;
        const char *api = s.apis[0].name;
        char *cname = malloc(strlen(api) + 16);
        char *jname = malloc(strlen(api) + 16);
        if (!cname || !jname)
            diag_oom();
        sprintf(cname, "%s_api.c", api);
        sprintf(jname, "%s.openapi.json", api);
        if (rc == 0 && check_mode) {
            int a = emit_compare(dir, cname, &c);
            int b = emit_compare(dir, jname, &j);
            rc = (a < 0 || b < 0) ? 2 : (a || b) ? 3 : 0;
        } else if (rc == 0) {
            int a = emit_write(dir, cname, &c);
            int b = a < 0 ? -1 : emit_write(dir, jname, &j);
            rc = (a < 0 || b < 0) ? 2 : 0;
        }
        free(cname);
        free(jname);
        sb_free(&c);
        sb_free(&j);
    }

    spec_free(&s);
    diag_free(&d);
    for (size_t k = 0; k < nfiles; k++)
        free(texts[k]);
    free(texts);
    free(lens);
    return rc;
}
