/*
 * ast.h — the in-memory spec: what the parser builds, the checker resolves
 * and the emitters read.
 *
 * Ownership: a `spec` owns everything reachable from it (every `char *`, every
 * array); spec_free() releases it all.  Locations borrow the file paths given
 * on the command line.
 *
 * Fields marked "check:" are filled by check_spec(); before that they hold
 * -1 / NULL / 0.  The emitters run only on a spec that checked clean.
 */
#ifndef SMGEN_AST_H
#define SMGEN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Value types; the order matches sm_type in runtime/sm_api.h. */
typedef enum ty_kind {
    TY_NONE = 0,
    TY_INT, TY_NUMBER, TY_BOOL, TY_STRING, TY_DATETIME, TY_UUID, TY_OBJECT,
    TY_ANY, TY_ENUM, TY_MODEL, TY_ARRAY,
    TY_NAMED /* parser: a name not yet resolved to TY_ENUM or TY_MODEL     */
} ty_kind;

typedef struct ast_type {
    ty_kind kind;      /* TY_ARRAY for [T]                                  */
    ty_kind item;      /* arrays: the item type                             */
    char *name;        /* TY_NAMED/ENUM/MODEL (or such an item): the name   */
    sm_loc loc;        /* the type's first token                            */
    bool item_nullable;/* [T?]                                              */
    int ref;           /* check: enum or model index, -1                    */
} ast_type;

typedef enum lit_kind {
    LIT_STRING = 1, LIT_INT, LIT_TRUE, LIT_FALSE, LIT_NULL,
    LIT_EMPTY_ARRAY, LIT_EMPTY_OBJECT
} lit_kind;

typedef struct ast_lit {
    lit_kind kind;
    char *str;         /* LIT_STRING                                        */
    int64_t num;       /* LIT_INT                                           */
    sm_loc loc;
} ast_lit;

/* Field flags; the bits match sm_field_flag in runtime/sm_api.h. */
enum {
    AF_NULLABLE = 1u << 0, AF_READONLY = 1u << 1, AF_WRITEONLY = 1u << 2,
    AF_REQUIRED = 1u << 3, AF_MAXLEN = 1u << 4, AF_MIN = 1u << 5,
    AF_MAX = 1u << 6, AF_NOTBLANK = 1u << 7, AF_ITEM_NULLABLE = 1u << 8,
    AF_HIDDEN = 1u << 9 /* v2 */
};

/* Server fills; the order matches sm_fill. */
typedef enum fill_kind {
    FILL_NONE = 0, FILL_AUTO, FILL_NOW, FILL_CALLER, FILL_UUID, FILL_TOKEN,
    FILL_PARAM,
    /* v2 */
    FILL_SEGMENTS, FILL_COPY, FILL_CHILDREN, FILL_USER
} fill_kind;

typedef struct ast_field {
    char *name;
    sm_loc loc;
    ast_type type;
    unsigned flags;           /* AF_* bits                                  */
    int64_t maxlen, min, max; /* with AF_MAXLEN / AF_MIN / AF_MAX           */
    sm_loc maxlen_loc, min_loc, max_loc, notblank_loc; /* the modifiers     */
    sm_loc hidden_loc;
    bool has_default;
    ast_lit def;
    fill_kind fill;
    char *fill_arg;           /* PARAM: the parameter; CALLER: a member of  */
                              /* the user model (NULL: whole object);       */
                              /* SEGMENTS/COPY/USER: a field; CHILDREN: a   */
                              /* resource                                   */
    sm_loc fill_loc;          /* the fill keyword (FILL_PARAM: the name)    */
} ast_field;

typedef struct ast_model {
    char *name;
    sm_loc loc;
    ast_field *fields;
    size_t nfields, cap;
} ast_model;

typedef struct ast_enum {
    char *name;
    sm_loc loc;
    bool is_int;
    ast_lit *values;          /* LIT_STRING or LIT_INT                      */
    size_t nvalues, cap;
} ast_enum;

/* Path parameter kinds; the order matches sm_param_kind. */
typedef enum param_kind { PK_INT = 1, PK_UUID, PK_STRING } param_kind;

typedef struct ast_param {
    char *name;
    sm_loc loc;
    param_kind kind;
    char *alias;              /* NULL if none                               */
    char *notfound;           /* never NULL after parsing ("Not found.")    */
} ast_param;

/* Operation kinds, methods and scope modes; orders match sm_api.h. */
typedef enum op_kind {
    OP_LIST = 1, OP_CREATE, OP_RETRIEVE, OP_UPDATE, OP_DESTROY, OP_REFUSE,
    OP_ACTION, OP_STREAM, OP_CONTENT /* v2 */
} op_kind;
typedef enum http_method {
    M_GET = 1, M_POST, M_PUT, M_PATCH, M_DELETE
} http_method;
typedef enum scope_mode {
    SCOPE_INHERIT = 0, SCOPE_OBJECT, SCOPE_NONE, SCOPE_INTERNAL
} scope_mode;

/* A name used as a reference, with where it was written. */
typedef struct ast_ref {
    char *name;               /* NULL when absent                           */
    sm_loc loc;
    int index;                /* check: resolved index, -1                  */
} ast_ref;

/* v2 list envelopes, filters, checks and sets; orders match sm_api.h. */
enum { ENV_ARRAY = 0, ENV_PAGINATED, ENV_COUNTED, ENV_RESULTS };
enum { MATCH_EQ = 1, MATCH_ICONTAINS, MATCH_WORDS, MATCH_TOKENS };
/* `prefix` matches; the order matches sm_prefix_match. */
enum { PM_CONTAINS = 1, PM_PARENTS, PM_BASENAME, PM_EXACT, PM_EXACT_PREFIX,
       PM_USER };
enum { SRC_BODY = 1, SRC_QUERY, SRC_PARENT, SRC_RECORD, SRC_NEW };
enum { TEST_PRESENT = 1, TEST_EQ, TEST_NE, TEST_IN, TEST_MINLEN, TEST_UNIQUE,
       TEST_EXISTS, TEST_USER, TEST_ANY };
enum { STYLE_DRF = 0, STYLE_ERROR, STYLE_DETAIL, STYLE_EMPTY };
enum { SET_LITERAL = 1, SET_NOW, SET_TOKEN, SET_UUID, SET_BODY, SET_BODY_WRAP,
       SET_QUERY, SET_JSON /* parser only: emitted as SET_LITERAL */ };

/* v2: a declared NAME: of a `tokens` filter (the `prefix` option). */
typedef struct ast_prefix {
    sm_loc loc;               /* the 'prefix' keyword                       */
    char *name;
    sm_loc name_loc;
    int how;                  /* PM_*                                       */
    ast_ref *fields;          /* index: field of the resource model         */
    size_t nfields, cap;
    char **members;           /* PM_USER: member texts of the user object   */
    sm_loc *member_locs;
    size_t nmembers, cmembers, cmember_locs;
} ast_prefix;

typedef struct ast_filter {
    sm_loc loc;               /* the 'filter' keyword                       */
    char *query;
    int match;                /* MATCH_*                                    */
    ast_ref *fields;          /* index: field of the resource model         */
    size_t nfields, cap;
    char *message;            /* `required STRING`, NULL if not required    */
    bool has_exclude;
    ast_lit exclude;
    ast_prefix *prefixes;     /* v2: `prefix` options after the filter      */
    size_t nprefixes, cprefixes;
} ast_filter;

typedef struct ast_check {
    sm_loc loc;               /* the 'check' keyword                        */
    int source;               /* SRC_*                                      */
    char *name;               /* field, parameter or dotted path            */
    sm_loc name_loc;
    int test;                 /* TEST_*                                     */
    sm_loc test_loc;
    ast_lit lit;              /* EQ/NE                                      */
    char *arg;                /* IN: JSON array text; EXISTS: resource      */
    sm_loc arg_loc;
    int64_t n;                /* MINLEN                                     */
    int status;
    sm_loc status_loc;
    int style;                /* STYLE_*                                    */
    char *message, *code, *attr;
    char *value_json;         /* check: EQ/NE/IN compact JSON, EXISTS name  */
} ast_check;

typedef struct ast_set {
    sm_loc loc;               /* the 'set' keyword                          */
    ast_ref field;            /* index: field of the resource model         */
    int from;                 /* SET_*                                      */
    ast_lit lit;              /* SET_LITERAL                                */
    char *arg;                /* JSON text, body path or query name         */
    sm_loc arg_loc;
    char *value_json;         /* check: LITERAL/JSON as compact JSON text   */
} ast_set;

typedef struct ast_op {
    op_kind kind;
    sm_loc loc;               /* the kind keyword: where the line starts    */
    http_method method;
    sm_loc method_loc;
    char *subpath;
    sm_loc subpath_loc;
    int status;
    sm_loc status_loc;
    bool paginated;
    sm_loc paginated_loc;
    scope_mode scope_mode;    /* SCOPE_INHERIT unless `scope` was given     */
    char *scope;              /* SCOPE_OBJECT given on the line             */
    sm_loc scope_loc;
    char *id;                 /* `id NAME`, NULL if none                    */
    sm_loc id_loc;
    int *errors;              /* `errors N ...`                             */
    sm_loc *error_locs;
    size_t nerrors, errors_cap, error_locs_cap;

    /* v2 options (locations: the option keyword) */
    bool has_envelope;
    int envelope;             /* ENV_*                                      */
    sm_loc envelope_loc;
    char *extra;              /* JSON object text (compacted by check)      */
    sm_loc extra_loc;
    ast_ref body;             /* request model                              */
    char *media;
    sm_loc media_loc;
    ast_filter *filters;
    size_t nfilters, cfilters;
    ast_check *checks;
    size_t nchecks, cchecks;
    ast_set *sets;
    size_t nsets, csets;
    char *returns;            /* JSON text (compacted by check)             */
    bool returns_empty;
    sm_loc returns_loc;
    bool upsert;
    sm_loc upsert_loc;
    ast_ref stream_field;     /* index: field of the resource model         */
    char *stream_key, *stream_item;
    int stream_head;
    ast_ref content_type;
    ast_ref move_field;
    char *move_item, *move_to;
    unsigned seen;            /* parser: options given (bit per option)     */

    /* check: */
    int resource;             /* index into spec.resources                  */
    char *op_id;              /* final operation id                         */
    char *path;               /* prefix + resource path + subpath           */
    scope_mode eff_scope_mode;/* SCOPE_OBJECT/NONE/INTERNAL                 */
    const char *eff_scope;    /* SCOPE_OBJECT: the object (borrowed)        */
    int request_model, response_model;
    unsigned flags;           /* sm_op_flag bits                            */
    int eff_envelope;         /* ENV_* (paginated: ENV_PAGINATED)           */
    bool reads_body;          /* create, update, non-GET action (step 6)    */
    bool may_write;           /* may write the store (507 when it is full)  */
    uint16_t *statuses;       /* success first, then errors ascending       */
    size_t nstatuses;
} ast_op;

enum { HIDE_LIST = 1u << 0, HIDE_RETRIEVE = 1u << 1, HIDE_UPDATE = 1u << 2 };
/* Resource flags; the bits match sm_resource_flag. */
enum { RF_SINGLETON = 1u << 0, RF_PARENT_BUILD = 1u << 1, RF_BUILD = 1u << 2,
       RF_STATIC = 1u << 3 };

typedef struct ast_resource {
    char *name;
    sm_loc loc;
    ast_ref model, list_model;
    char *path;
    sm_loc path_loc;
    ast_ref scope;            /* index unused                               */
    ast_ref soft_delete;      /* index: field of the model (check)          */
    unsigned hides;           /* HIDE_* bits                                */
    ast_op *ops;
    size_t nops, cap;
    int id_field;             /* check: index of the model's `id`, -1       */

    /* v2 (locations: the statement keyword unless said otherwise) */
    ast_ref key;              /* index: field of the model                  */
    char *notfound;
    sm_loc notfound_loc;
    ast_ref parent;           /* index: resource                            */
    ast_ref parent_param;     /* index: param                               */
    char *parent_notfound;
    unsigned rflags;          /* RF_* (RF_STATIC set by check)              */
    sm_loc singleton_loc, build_loc;
    ast_ref owner;            /* index: field of the model                  */
    char *order;
    sm_loc order_loc;         /* the string                                 */
    char *rows;               /* as written                                 */
    sm_loc rows_loc;          /* the string                                 */
    char *rows_path;          /* check: relative to the spec file's dir     */
    char *rows_json;          /* check: compact JSON array                  */
    ast_ref ancestors;        /* index: field of the model                  */
    char *ancestor_json;      /* compacted by check                         */
    sm_loc ancestor_json_loc;
} ast_resource;

typedef struct ast_api {
    char *name;
    sm_loc loc;
    char *title, *version, *prefix, *default_key;
    sm_loc title_loc, version_loc, prefix_loc, default_key_loc;
    char *auth, *errors;      /* "bearer", "drf"                            */
    ast_ref user;
    ast_ref *scopes;          /* in declared order                          */
    size_t nscopes, cap;
} ast_api;

typedef struct spec {
    const char **files;       /* borrowed command-line paths, in order      */
    size_t nfiles;
    ast_api *apis;            /* exactly one after a clean check            */
    size_t napis, capis;
    ast_param *params;
    size_t nparams, cparams;
    ast_enum *enums;
    size_t nenums, cenums;
    ast_model *models;
    size_t nmodels, cmodels;
    ast_resource *resources;
    size_t nresources, cresources;

    /* check: */
    ast_op **ops;             /* every operation, sorted by path, method    */
    size_t nops;
    const char **scopes;      /* declared scope objects, sorted (borrowed)  */
    size_t nscopes;
} spec;

/* Empty spec over `files` (borrowed). */
void spec_init(spec *s, const char **files, size_t nfiles);
/* Frees everything the spec owns. */
void spec_free(spec *s);

/* Grow `*v` (elements of `size` bytes, `*cap` allocated) to hold one more
 * than `n`, and return a pointer to the zeroed new element at index n.
 * The caller increments its count.  Aborts on allocation failure. */
void *ast_push(void *v, size_t *cap, size_t n, size_t size);
/* strdup / strndup that abort on allocation failure; free() the result. */
char *ast_strdup(const char *s);
char *ast_strndup(const char *s, size_t n);

/* Spec-language names of the enums above, for messages and emitters. */
const char *ty_name(ty_kind k);       /* "int", ..., "enum", "model", "array" */
const char *op_kind_name(op_kind k);  /* "list", ...                        */
const char *method_name(http_method m); /* "GET", ...                       */

#endif /* SMGEN_AST_H */
