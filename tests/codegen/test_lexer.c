/*
 * test_lexer.c — unit tests of codegen/lexer.c: token kinds, string
 * escapes, integers, locations (columns count characters) and every
 * lexical error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "lexer.h"

#define FILE_NAME "t.spec"

typedef struct fixture {
    diag d;
    lexer lx;
    token t;
} fixture;

static const char *files[] = { FILE_NAME };

/* Start lexing `src`; diag and lexer live in `f`. */
static void start(fixture *f, const char *src)
{
    diag_init(&f->d, files, 1);
    lexer_init(&f->lx, FILE_NAME, src, strlen(src), &f->d);
}

static void finish(fixture *f)
{
    lexer_free(&f->lx);
    diag_free(&f->d);
}

static tok_kind next_kind(fixture *f)
{
    lexer_next(&f->lx, &f->t);
    return f->t.kind;
}

static void expect_msg(fixture *f, size_t i, const char *want)
{
    char buf[512];
    assert_non_null(diag_format(&f->d, i, buf, sizeof buf));
    assert_string_equal(buf, want);
}

static void test_kinds(void **state)
{
    (void)state;
    fixture f;
    start(&f, "model Foo {\n  a [int?]? default -12 # comment { \n}\n");
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_true(token_is(&f.t, "model"));
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_true(token_is(&f.t, "Foo"));
    assert_int_equal(next_kind(&f), TOK_LBRACE);
    assert_int_equal(next_kind(&f), TOK_NEWLINE);
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(next_kind(&f), TOK_LBRACKET);
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(next_kind(&f), TOK_QUESTION);
    assert_int_equal(next_kind(&f), TOK_RBRACKET);
    assert_int_equal(next_kind(&f), TOK_QUESTION);
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(next_kind(&f), TOK_INT);
    assert_int_equal(f.t.ival, -12);
    assert_int_equal(next_kind(&f), TOK_NEWLINE); /* comment skipped */
    assert_int_equal(next_kind(&f), TOK_RBRACE);
    assert_int_equal(next_kind(&f), TOK_NEWLINE);
    assert_int_equal(next_kind(&f), TOK_EOF);
    assert_int_equal(next_kind(&f), TOK_EOF); /* and stays there */
    assert_int_equal(diag_count(&f.d), 0);
    finish(&f);
}

static void test_keywords_with_dash(void **state)
{
    (void)state;
    fixture f;
    start(&f, "list-model soft-delete default-key");
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_true(token_is(&f.t, "list-model"));
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_true(token_is(&f.t, "soft-delete"));
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_true(token_is(&f.t, "default-key"));
    assert_false(token_is(&f.t, "default"));
    finish(&f);
}

static void test_string_escapes(void **state)
{
    (void)state;
    fixture f;
    start(&f, "\"a \\\"q\\\" \\\\ caf\xc3\xa9\" \"\"");
    assert_int_equal(next_kind(&f), TOK_STRING);
    assert_string_equal(f.t.text, "a \"q\" \\ caf\xc3\xa9");
    assert_int_equal(f.t.len, strlen("a \"q\" \\ caf\xc3\xa9"));
    assert_int_equal(next_kind(&f), TOK_STRING);
    assert_string_equal(f.t.text, "");
    assert_int_equal(diag_count(&f.d), 0);
    finish(&f);
}

static void test_integers(void **state)
{
    (void)state;
    fixture f;
    start(&f, "0 9223372036854775807 -9223372036854775808");
    assert_int_equal(next_kind(&f), TOK_INT);
    assert_int_equal(f.t.ival, 0);
    assert_int_equal(next_kind(&f), TOK_INT);
    assert_true(f.t.ival == INT64_MAX);
    assert_int_equal(next_kind(&f), TOK_INT);
    assert_true(f.t.ival == INT64_MIN);
    assert_int_equal(diag_count(&f.d), 0);
    finish(&f);
}

static void test_locations_count_characters(void **state)
{
    (void)state;
    fixture f;
    /* "é" is two bytes but one column; tabs count as one */
    start(&f, "# \xc3\xa9\n\"\xc3\xa9\"\tx\r\ny");
    assert_int_equal(next_kind(&f), TOK_NEWLINE);
    assert_int_equal(next_kind(&f), TOK_STRING);
    assert_int_equal(f.t.loc.line, 2);
    assert_int_equal(f.t.loc.col, 1);
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(f.t.loc.line, 2);
    assert_int_equal(f.t.loc.col, 5);
    assert_int_equal(next_kind(&f), TOK_NEWLINE); /* CRLF */
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(f.t.loc.line, 3);
    assert_int_equal(f.t.loc.col, 1);
    finish(&f);
}

static void test_unterminated_string(void **state)
{
    (void)state;
    fixture f;
    start(&f, "title \"abc\nnext");
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(next_kind(&f), TOK_STRING);
    assert_string_equal(f.t.text, "abc");
    assert_true(f.t.bad);
    assert_int_equal(next_kind(&f), TOK_NEWLINE);
    assert_int_equal(next_kind(&f), TOK_WORD);
    assert_int_equal(diag_count(&f.d), 1);
    expect_msg(&f, 0, "t.spec:1:7: error: unterminated string");
    finish(&f);
}

static void test_errors_keep_going(void **state)
{
    (void)state;
    fixture f;
    start(&f, "a ; b \"x\\n\" 12ab 99999999999999999999 \"\xff\" $");
    while (next_kind(&f) != TOK_EOF)
        ;
    assert_int_equal(diag_count(&f.d), 6);
    expect_msg(&f, 0, "t.spec:1:3: error: stray ';' in spec");
    expect_msg(&f, 1, "t.spec:1:9: error: unknown escape sequence '\\n' in "
                      "string; only '\\\"' and '\\\\' are recognised");
    expect_msg(&f, 2, "t.spec:1:13: error: invalid integer '12ab'");
    expect_msg(&f, 3, "t.spec:1:18: error: integer '99999999999999999999' "
                      "is out of range");
    expect_msg(&f, 4, "t.spec:1:40: error: invalid UTF-8 in string");
    expect_msg(&f, 5, "t.spec:1:43: error: stray '$' in spec");
    finish(&f);
}

static void test_describe(void **state)
{
    (void)state;
    fixture f;
    char buf[128];
    start(&f, "word \"s\" 7 {\n");
    lexer_next(&f.lx, &f.t);
    assert_string_equal(token_describe(&f.t, buf, sizeof buf), "'word'");
    lexer_next(&f.lx, &f.t);
    assert_string_equal(token_describe(&f.t, buf, sizeof buf),
                        "string \"s\"");
    lexer_next(&f.lx, &f.t);
    assert_string_equal(token_describe(&f.t, buf, sizeof buf), "integer 7");
    lexer_next(&f.lx, &f.t);
    assert_string_equal(token_describe(&f.t, buf, sizeof buf), "'{'");
    lexer_next(&f.lx, &f.t);
    assert_string_equal(token_describe(&f.t, buf, sizeof buf),
                        "end of line");
    lexer_next(&f.lx, &f.t);
    assert_string_equal(token_describe(&f.t, buf, sizeof buf),
                        "end of file");
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_keywords_with_dash),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_locations_count_characters),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_errors_keep_going),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
