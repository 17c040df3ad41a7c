/*
 * listtext.h — a record's full JSON text and its list item text, the list
 * item given as pieces of the full text (store_seg) rather than printed
 * again.  (Owned by the RT-CORE helper, next to render.c.)
 *
 * The list item of a record is render_project(): the list model's fields,
 * each taken from the full representation, else the field's default, else
 * null.  Printed by jsonio_dump, each member taken from full is the very
 * `"key":value` text full's dump holds, so the item is a few spans of the
 * full text plus literals (braces, commas, defaults).  Neighbouring pieces
 * that the full text already has side by side merge into one span: a
 * 26-field record listed by 19 of its fields, in its order with two gaps,
 * is three spans and a "}" (~30 bytes).  The store keeps the spans
 * (store.h), so a record costs about its full text instead of twice it.
 *
 * listtext_build() never fails (allocation failure aborts); the text it
 * describes is byte for byte jsonio_dump(render_project(...)).
 *
 * Ownership: a listtext owns its buffers until listtext_free(); seg[i].lit
 * points into it.  full_text.p may be taken with strbuf_steal().
 */
#ifndef SM_LISTTEXT_H
#define SM_LISTTEXT_H

#include <jansson.h>

#include "render.h"
#include "sm_api.h"
#include "store.h"
#include "strbuf.h"

typedef struct listtext {
    strbuf full_text;     /* jsonio_dump(full)                          */
    store_seg *seg;       /* the list item text, in pieces              */
    size_t nseg;
    size_t list_len;      /* the list item text's length                */
    strbuf lit;           /* the literal pieces' bytes (private)        */
} listtext;

#define LISTTEXT_INIT {STRBUF_INIT, NULL, 0, 0, STRBUF_INIT}

/* Prints full (an object) and describes its projection onto list_model
 * (defs: the app's parsed defaults, not NULL).  lt must be LISTTEXT_INIT or
 * freed. */
void listtext_build(listtext *lt, const sm_api *api, const sm_defaults *defs,
                    int list_model, const json_t *full);
/* Writes the list item text (lt->list_len bytes) into out. */
void listtext_write(const listtext *lt, strbuf *out);
void listtext_free(listtext *lt);

#endif
