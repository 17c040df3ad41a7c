/*
 * lexer.h — tokens of the spec language.
 *
 * Owns: turning one spec file's bytes into tokens, on demand, and reporting
 * lexical errors (unterminated or badly escaped strings, bad numbers, stray
 * characters).  The language is line-oriented, so end of line is a token.
 *
 *   word     [A-Za-z_][A-Za-z0-9_-]*   identifiers and keywords ('-' is for
 *                                      keywords such as list-model; the
 *                                      parser refuses it in names)
 *   int      -?[0-9]+                  64-bit signed
 *   string   "..." with \" and \\      must be valid UTF-8
 *   { } [ ] ?                          punctuation
 *   newline                            '\n' (or "\r\n"); '#' starts a comment
 *
 * After a lexical error the lexer reports it and carries on, so one pass
 * finds every such error in the file.
 */
#ifndef SMGEN_LEXER_H
#define SMGEN_LEXER_H

#include <stdint.h>
#include <stddef.h>

#include "diag.h"

typedef enum tok_kind {
    TOK_EOF = 0,
    TOK_NEWLINE,
    TOK_WORD,
    TOK_INT,
    TOK_STRING,
    TOK_LBRACE,
    TOK_RBRACE,
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_QUESTION
} tok_kind;

typedef struct token {
    tok_kind kind;
    sm_loc loc;        /* first character                                   */
    const char *text;  /* WORD: into the source, `len` bytes, not terminated */
                       /* STRING: decoded, NUL-terminated, in the lexer's    */
                       /* buffer — valid until the next lexer_next()         */
    size_t len;        /* bytes of text (STRING: decoded length)            */
    int64_t ival;      /* INT                                               */
    int bad;           /* a lexical error was reported for this token: the  */
                       /* parser does not report it again                   */
} token;

typedef struct lexer {
    const char *file;  /* borrowed, for locations                           */
    const char *src;   /* borrowed, the whole file                          */
    size_t len, pos;
    int line, col;
    diag *d;           /* borrowed                                          */
    char *sbuf;        /* owned: the decoded text of the last string token  */
    size_t scap;
} lexer;

/* Borrows `file`, `src` (len bytes, need not be NUL-terminated) and `d`. */
void lexer_init(lexer *lx, const char *file, const char *src, size_t len,
                diag *d);
/* Frees the string buffer. */
void lexer_free(lexer *lx);

/* The next token; TOK_EOF forever at the end. */
void lexer_next(lexer *lx, token *t);

/* Short human description of a token for "expected X, got Y" messages:
 * "end of line", "'{'", "'word'", "string \"...\"", "integer 12". */
const char *token_describe(const token *t, char *buf, size_t size);

/* 1 when `t` is the word `w`. */
int token_is(const token *t, const char *w);

#endif /* SMGEN_LEXER_H */
