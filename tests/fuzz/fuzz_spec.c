/*
 * fuzz_spec.c — fuzz target for the spec compiler (codegen/): one input is
 * one .spec file; it is lexed, parsed, checked and, when accepted, emitted
 * as C tables and OpenAPI in memory.  Any crash, leak or sanitizer report is
 * a finding; diagnostics are the expected outcome for most inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "check.h"
#include "diag.h"
#include "emit.h"
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the parser takes NUL-terminated text with its length */
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    const char *files[1] = {"fuzz.spec"};
    diag d;
    spec s;
    diag_init(&d, files, 1);
    spec_init(&s, files, 1);
    parse_file(&s, &d, files[0], src, size);
    if (diag_count(&d) == 0)
        check_spec(&s, &d);
    if (diag_count(&d) == 0) {
        sbuf c, j;
        sb_init(&c);
        sb_init(&j);
        emit_c(&s, &c);
        emit_openapi(&s, &j);
        sb_free(&c);
        sb_free(&j);
    }
    spec_free(&s);
    diag_free(&d);
    free(src);
    return 0;
}
