/*
 * sm_api.h — the table format shared by the generator and the runtime.
 *
 * Ownership: this header is the contract between codegen/ (which emits
 * constant tables of these types into generated/<api>_api.c) and runtime/
 * (which serves whatever API those tables describe).  It is hand-written;
 * the generated file includes it and defines exactly one object:
 *
 *     const sm_api specmock_api;
 *
 * Everything API-specific (paths, models, scopes, messages) lives in the
 * tables; the runtime interprets them and knows no API by name.
 *
 * All tables are constant data with static storage; nothing here allocates.
 * Indices between tables are plain array indices (int16_t, -1 = none), so the
 * generated file is data only, like redis' commands.def or protobuf-c's
 * descriptors.
 *
 * Bump SM_API_ABI_VERSION whenever a struct below changes shape; generated
 * files record the version they were written for and refuse to compile
 * against another (see SM_API_CHECK_ABI).
 *
 * ABI 2 rule: every member added in version 2 sits after the version-1
 * members of its struct and is zero (0 / NULL) when unused, so a row that
 * leaves it out means "not used".  References added in v2 are therefore
 * names (field or resource names, resolved by the runtime once at start-up)
 * rather than -1-terminated indices.  The generator writes designated
 * initializers and leaves zero members out.
 */
#ifndef SM_API_H
#define SM_API_H

#include <stdint.h>

#define SM_API_ABI_VERSION 2

/* Placed by the generator at the top of every generated .c file. */
#define SM_API_CHECK_ABI(v)                                                    \
    _Static_assert((v) == SM_API_ABI_VERSION,                                  \
                   "generated tables were written for another sm_api.h; "     \
                   "regenerate them")

/* ---- value types ------------------------------------------------------- */

typedef enum sm_type {
    SM_T_INT = 1,   /* JSON integer (DRF IntegerField: also "12" and 12.0)   */
    SM_T_NUMBER,    /* JSON number                                           */
    SM_T_BOOL,      /* JSON true/false (DRF BooleanField also takes "true",  */
                    /* "false", 1, 0, "1", "0")                              */
    SM_T_STRING,    /* JSON string (DRF CharField also takes numbers)        */
    SM_T_DATETIME,  /* ISO 8601, rendered in UTC with 'Z', .uuuuuu if non-0 */
    SM_T_UUID,      /* canonical 8-4-4-4-12 hex string                       */
    SM_T_OBJECT,    /* any JSON object (a free-form dict)                    */
    SM_T_ANY,       /* any JSON value                                        */
    SM_T_ENUM,      /* one of sm_api.enums[ref]                              */
    SM_T_MODEL,     /* an object shaped by sm_api.models[ref]                */
    SM_T_ARRAY      /* JSON array; items typed by item_type / item_ref       */
} sm_type;

/* ---- fields ------------------------------------------------------------ */

enum sm_field_flag {
    SM_F_NULLABLE  = 1u << 0, /* null is a valid value                      */
    SM_F_READONLY  = 1u << 1, /* ignored on input, always rendered          */
    SM_F_WRITEONLY = 1u << 2, /* accepted on input, never rendered          */
    SM_F_REQUIRED  = 1u << 3, /* must be present on create                  */
    SM_F_MAXLEN    = 1u << 4, /* maxlen is set (strings)                    */
    SM_F_MIN       = 1u << 5, /* min is set (ints, numbers)                 */
    SM_F_MAX       = 1u << 6, /* max is set (ints, numbers)                 */
    SM_F_NOTBLANK  = 1u << 7, /* "" refused with code "blank"               */
    SM_F_ITEM_NULLABLE = 1u << 8, /* array items may be null                */
    /* v2 */
    SM_F_HIDDEN    = 1u << 9  /* stored with the record, never rendered: a  */
                              /* server fill (with SM_F_READONLY) that     */
                              /* filters use but no response shows         */
};

/* Where the server takes a value from when it fills a field itself. */
typedef enum sm_fill {
    SM_FILL_NONE = 0, /* client value, else default_json, else omitted/null */
    SM_FILL_AUTO,     /* next sequential id per resource and project        */
    SM_FILL_NOW,      /* the server clock at the write (datetime)           */
    SM_FILL_CALLER,   /* the calling key's user object                      */
    SM_FILL_UUID,     /* a fresh UUID                                       */
    SM_FILL_TOKEN,    /* a fresh URL-safe random token                      */
    SM_FILL_PARAM,    /* the value of path parameter fill_arg               */
    /* v2 */
    SM_FILL_SEGMENTS, /* int: '/'-separated segments of field fill_arg      */
                      /* ("a/b/c" -> 3; "\\/" does not split), on create  */
                      /* and update                                         */
    SM_FILL_COPY,     /* the value of field fill_arg, on create and update  */
    SM_FILL_CHILDREN, /* live, never stored: the visible list items of      */
                      /* resource fill_arg whose parent is this record      */
    SM_FILL_USER      /* the known user (keys file) whose uuid is the input */
                      /* field fill_arg; no such user: null                 */
} sm_fill;

typedef struct sm_field {
    const char *name;
    uint8_t type;         /* sm_type                                        */
    uint8_t item_type;    /* sm_type of items when type == SM_T_ARRAY       */
    uint16_t flags;       /* sm_field_flag bits                             */
    int16_t ref;          /* enum/model index for type (or item_type), -1   */
    uint8_t fill;         /* sm_fill                                        */
    const char *fill_arg; /* SM_FILL_PARAM: the path parameter's name;      */
                          /* CALLER: a member of the caller object (NULL:  */
                          /* the whole object); SEGMENTS, COPY, USER: a    */
                          /* field name; CHILDREN: a resource name         */
    const char *default_json; /* JSON text of the default, NULL if none     */
    int64_t maxlen;       /* valid with SM_F_MAXLEN                         */
    int64_t min, max;     /* valid with SM_F_MIN / SM_F_MAX                 */
} sm_field;

typedef struct sm_model {
    const char *name;
    uint16_t nfields;
    const sm_field *fields; /* declared order = render and validation order */
} sm_model;

typedef struct sm_enum {
    const char *name;
    uint8_t is_int;             /* 1: ints[] holds the values, 0: strs[]    */
    uint16_t nvalues;
    const char *const *strs;    /* string values (is_int == 0)              */
    const int64_t *ints;        /* integer values (is_int == 1)             */
} sm_enum;

/* ---- path parameters --------------------------------------------------- */

typedef enum sm_param_kind {
    SM_P_INT = 1, /* decimal integer                                         */
    SM_P_UUID,    /* canonical UUID                                          */
    SM_P_STRING   /* any non-empty segment                                   */
} sm_param_kind;

typedef struct sm_param {
    const char *name;           /* as written in path templates, no braces  */
    uint8_t kind;               /* sm_param_kind                            */
    const char *alias;          /* a literal also accepted (e.g. "@current" */
                                /* resolving to the key's project), or NULL */
    const char *notfound_detail;/* 404 detail when the value does not parse */
} sm_param;

/* ---- resources --------------------------------------------------------- */

enum sm_hide {
    SM_HIDE_LIST     = 1u << 0, /* soft-deleted rows left out of lists      */
    SM_HIDE_RETRIEVE = 1u << 1, /* soft-deleted rows answer 404 on retrieve,*/
                                /* actions, streams, content, destroy       */
    SM_HIDE_UPDATE   = 1u << 2  /* v2: and on update, except an update that */
                                /* sets the field false (a restore)         */
};

enum sm_resource_flag {        /* v2 */
    SM_R_SINGLETON    = 1u << 0, /* at most one record per parent; its ops */
                                 /* have no key parameter.  retrieve of an */
                                 /* unsaved one renders it without storing */
                                 /* (fills run, except `now`: null), so a  */
                                 /* token fill differs on every read;      */
                                 /* update and an action with sets save it */
    SM_R_PARENT_BUILD = 1u << 1, /* a missing parent is built on first use */
                                 /* (a record with only its key), not 404  */
    SM_R_BUILD        = 1u << 2, /* destroy of a missing key succeeds and  */
                                 /* leaves a soft-deleted tombstone        */
    SM_R_STATIC       = 1u << 3  /* read-only rows from rows_json; no store*/
};

typedef struct sm_resource {
    const char *name;        /* spec name, also the store namespace         */
    int16_t model;           /* full representation (create/retrieve/update)*/
    int16_t list_model;      /* list item representation, -1 = model        */
    int16_t id_field;        /* index into model's fields of the id, -1 none*/
    int16_t soft_delete;     /* index into model's fields, -1 = none        */
    uint8_t hides;           /* sm_hide bits for soft_delete                */
    const char *scope;       /* scope object, NULL if none                  */

    /* v2 — zero when unused */
    const char *key;         /* field whose value names a record in a path; */
                             /* NULL: the id field.  May be a writeonly     */
                             /* input field: the store keeps the key text   */
    const char *notfound;    /* 404 detail for a missing record, NULL:      */
                             /* "Not found."                                */
    const char *parent;      /* resource name of the parent, NULL: none     */
    const char *parent_param;/* path parameter holding the parent's key;    */
                             /* NULL when the parent is a singleton (it is  */
                             /* found through its own parent's parameter)   */
    const char *parent_notfound; /* 404 detail for a missing parent         */
    uint8_t rflags;          /* sm_resource_flag bits                       */
    const char *owner;       /* field holding a user object: only the user  */
                             /* with that "id" sees the record, else 404    */
    const char *order;       /* list order: space-separated field names,    */
                             /* "-name" descending, "~name" case-insensitive*/
                             /* ("-pinned ~name"); ties and NULL: creation  */
                             /* order (descending if the first key is)      */
    const char *rows_json;   /* SM_R_STATIC: JSON array of full records     */
    const char *ancestors;   /* create: field with a '/'-path whose missing */
                             /* ancestors are created as records too        */
    const char *ancestor_json; /* JSON object of field values those         */
                             /* ancestor records get (e.g. type "folder")  */
} sm_resource;

/* ---- operations -------------------------------------------------------- */

typedef enum sm_method {
    SM_GET = 1, SM_POST, SM_PUT, SM_PATCH, SM_DELETE
} sm_method;

typedef enum sm_op_kind {
    SM_OP_LIST = 1, /* GET collection, paginated or plain array             */
    SM_OP_CREATE,   /* POST collection                                      */
    SM_OP_RETRIEVE, /* GET one                                              */
    SM_OP_UPDATE,   /* PATCH (partial) or PUT one                           */
    SM_OP_DESTROY,  /* DELETE one, status (204); soft when the resource has */
                    /* soft_delete (sets it), else the record is removed    */
    SM_OP_REFUSE,   /* DELETE one refused: status (405), empty body         */
    /* v2 */
    SM_OP_ACTION,   /* a custom route on one record (path ends after the    */
                    /* key parameter + a literal), on the collection, or on */
                    /* a singleton: checks, then sets (persisted), then the */
                    /* answer: canned returns_json, else the record         */
    SM_OP_STREAM,   /* GET one record as Server-Sent Events (see stream_*)  */
    SM_OP_CONTENT   /* GET one record's content: empty body whose           */
                    /* Content-Type is the value of field content_type      */
} sm_op_kind;

typedef enum sm_scope_mode {
    SM_SCOPE_OBJECT = 1, /* needs <scope_object>:read (GET) or :write       */
    SM_SCOPE_NONE,       /* personal keys refused: "does not support ..."   */
    SM_SCOPE_INTERNAL    /* only "*" keys and sessions pass                 */
} sm_scope_mode;

enum sm_op_flag {
    SM_OPF_PAGINATED  = 1u << 0, /* list: limit/offset envelope             */
    SM_OPF_EMPTY_BODY = 1u << 1, /* success answers with no body            */
    /* v2 */
    SM_OPF_UPSERT     = 1u << 2, /* create: a record with the same key is   */
                                 /* replaced (keeps its id), not a new one  */
    SM_OPF_ITEM       = 1u << 3  /* action: on one record (path has a key)  */
};

/* v2: the list envelope (SM_OPF_PAGINATED still selects PAGINATED). */
typedef enum sm_envelope {
    SM_ENV_ARRAY = 0,   /* [items]                                          */
    SM_ENV_PAGINATED,   /* {"count","next","previous","results"}            */
    SM_ENV_COUNTED,     /* {"count","results"}, every match, no paging      */
    SM_ENV_RESULTS      /* {"results"} + the members of extra_json          */
} sm_envelope;

/* v2: a list filter taken from the query string. */
typedef enum sm_match {
    SM_MATCH_EQ = 1,  /* field's value as text == the parameter (ints in    */
                      /* decimal, bools "true"/"false" also "1"/"0", case-  */
                      /* insensitive for bools)                             */
    SM_MATCH_ICONTAINS, /* case-insensitive substring of one of the fields  */
    SM_MATCH_WORDS,   /* every space-separated word is a case-insensitive   */
                      /* substring of one of the fields                     */
    SM_MATCH_TOKENS   /* search syntax: tokens read as Python's shlex     */
                      /* (spaces split, "double"/'single' quotes keep words */
                      /* together), a leading '-' or '!' negates, a plain   */
                      /* token is a case-insensitive substring of one of    */
                      /* the fields ('/' also matching "\/"); "NAME:value"  */
                      /* matches a declared prefix (sm_filter.prefixes; an  */
                      /* undeclared NAME: the whole token is plain), or     */
                      /* with none declared field NAME of the record (a     */
                      /* substring; a value ending in '/' is a prefix);     */
                      /* all tokens ANDed (listing.c has the details)       */
} sm_match;

/* v2: how a declared "NAME:value" token of an SM_MATCH_TOKENS filter
 * matches (value: the text after the first ':', whitespace-trimmed). */
typedef enum sm_prefix_match {
    SM_PM_CONTAINS = 1, /* case-insensitive substring of any of the fields  */
    SM_PM_PARENTS,      /* case-insensitive substring of fields[0], a       */
                        /* '/'-path ("\/" does not split), up to its last  */
                        /* separator: the parent segments only              */
    SM_PM_BASENAME,     /* the same within the last segment only            */
    SM_PM_EXACT,        /* fields[0]'s text equals the value                */
    SM_PM_EXACT_PREFIX, /* the same; a value ending in '/' is a (case-      */
                        /* sensitive) prefix instead                        */
    SM_PM_USER          /* fields[0] holds a user object: value "me" (any   */
                        /* case) matches when its "id" equals the caller's; */
                        /* otherwise a case-insensitive substring of one of */
                        /* the members texts (space-separated member names  */
                        /* in one text: their values joined by one space)   */
} sm_prefix_match;

typedef struct sm_prefix {
    const char *name;           /* NAME before ':', compared ignoring case  */
    uint8_t match;              /* sm_prefix_match                          */
    uint16_t nfields;
    const char *const *fields;  /* record fields                            */
    uint16_t nmembers;
    const char *const *members; /* SM_PM_USER: member texts                 */
} sm_prefix;

enum sm_filter_flag {
    SM_FILTER_REQUIRED = 1u << 0, /* absent or empty: 400 validation_error, */
                                  /* attr null, detail = message            */
    SM_FILTER_EXCLUDE  = 1u << 1  /* absent: records whose first field      */
                                  /* equals exclude_json are left out       */
};

typedef struct sm_filter {
    const char *query;          /* query parameter name                     */
    uint8_t match;              /* sm_match                                 */
    uint8_t flags;              /* sm_filter_flag bits                      */
    uint16_t nfields;
    const char *const *fields;  /* field names of the stored record         */
    const char *message;        /* SM_FILTER_REQUIRED detail                */
    const char *exclude_json;   /* SM_FILTER_EXCLUDE value (JSON text)      */
    /* v2 — zero when unused */
    uint16_t nprefixes;         /* SM_MATCH_TOKENS: the declared NAME:      */
    const sm_prefix *prefixes;  /* prefixes; an undeclared NAME: makes the  */
                                /* whole token a plain one                  */
} sm_filter;

/* v2: a precondition; it answers when its test is FALSE. */
typedef enum sm_check_source {
    SM_SRC_BODY = 1,  /* the validated request body (dotted path "a.b")     */
    SM_SRC_QUERY,     /* a query parameter (raw text)                       */
    SM_SRC_PARENT,    /* the parent record                                  */
    SM_SRC_RECORD,    /* the target record (item operations)                */
    SM_SRC_NEW        /* the record about to be written (create/update)     */
} sm_check_source;

typedef enum sm_check_test {
    SM_TEST_PRESENT = 1, /* present, not null, not ""                       */
    SM_TEST_EQ,          /* JSON-equal to value_json (absent passes NE only)*/
    SM_TEST_NE,
    SM_TEST_IN,          /* one of the JSON array value_json (absent passes)*/
    SM_TEST_MINLEN,      /* a string of at least n characters (absent passes)*/
    SM_TEST_UNIQUE,      /* SM_SRC_NEW: no other visible record in the same */
                         /* project and parent has equal values of all the  */
                         /* space-separated fields in name                  */
    SM_TEST_EXISTS,      /* null/absent, or the key of a visible record of  */
                         /* resource value_json (a resource name, unquoted) */
                         /* in this project                                 */
    SM_TEST_USER,        /* null/absent, or the uuid of a known user        */
    /* v2, later */
    SM_TEST_ANY          /* at least one of the space-separated fields in   */
                         /* name is truthy (as in Python: not absent, null, */
                         /* false, 0, "", [] or {}; a query parameter: not  */
                         /* absent or empty)                                */
} sm_check_test;

/* How a refusal that is not a DRF envelope is written. */
typedef enum sm_style {
    SM_STYLE_DRF = 0, /* {"type","code","detail","attr"}; type from status  */
    SM_STYLE_ERROR,   /* {"error": message}                                 */
    SM_STYLE_DETAIL,  /* {"detail": message}                                */
    SM_STYLE_EMPTY    /* no body                                            */
} sm_style;

typedef struct sm_check {
    uint8_t source;          /* sm_check_source                             */
    uint8_t test;            /* sm_check_test                               */
    uint8_t style;           /* sm_style of the answer                      */
    uint16_t status;         /* 4xx                                         */
    const char *name;        /* field / parameter / dotted path             */
    const char *value_json;  /* EQ/NE: JSON; IN: JSON array; EXISTS: name  */
    int64_t n;               /* MINLEN                                      */
    const char *message;     /* "{name}" in it becomes the checked value    */
    const char *code;        /* DRF code, NULL: "invalid_input" (400) or    */
                             /* the status' usual code                      */
    const char *attr;        /* DRF attr, NULL: null                        */
} sm_check;

/* v2: a value an operation writes into a field. */
typedef enum sm_set_from {
    SM_SET_LITERAL = 1, /* JSON text in arg                                 */
    SM_SET_NOW,         /* the server clock                                 */
    SM_SET_TOKEN,       /* a fresh URL-safe token                           */
    SM_SET_UUID,        /* a fresh UUID                                     */
    SM_SET_BODY,        /* the request body at dotted path arg; absent:     */
                        /* the field is left as it is                       */
    SM_SET_BODY_WRAP,   /* the same, wrapped in a one-element array         */
    SM_SET_QUERY        /* query parameter arg as a string; absent: left    */
} sm_set_from;

typedef struct sm_set {
    const char *field;       /* field of the resource model                 */
    uint8_t from;            /* sm_set_from                                 */
    const char *arg;
} sm_set;

typedef struct sm_op {
    const char *id;          /* operation id, unique, e.g. "things_list"   */
    const char *path;        /* full template incl. the api prefix         */
    uint8_t method;          /* sm_method                                  */
    uint8_t kind;            /* sm_op_kind                                 */
    uint8_t scope_mode;      /* sm_scope_mode                              */
    uint8_t flags;           /* sm_op_flag bits                            */
    uint16_t status;         /* documented success status                  */
    int16_t resource;        /* index into sm_api.resources                */
    const char *scope;       /* scope object when SM_SCOPE_OBJECT          */
    int16_t request_model;   /* body model, -1 = none                      */
    int16_t response_model;  /* body model, -1 = none                      */
    uint8_t nstatuses;       /* every documented status, success first     */
    const uint16_t *statuses;

    /* v2 — zero when unused */
    uint8_t envelope;        /* sm_envelope (list)                         */
    const char *extra_json;  /* SM_ENV_RESULTS: object merged after results*/
    uint16_t nfilters;
    const sm_filter *filters;
    uint16_t nchecks;        /* run in order after validation              */
    const sm_check *checks;
    uint16_t nsets;          /* create: after fills and input; action:     */
    const sm_set *sets;      /* on the record                              */
    const char *returns_json;/* canned success body (action, create)       */
    const char *media;       /* accepted request media types, space-       */
                             /* separated; NULL: JSON.  A non-JSON body is */
                             /* not parsed (the input is the sets only)    */
    const char *stream_field;/* STREAM: array field streamed one by one    */
    const char *stream_key;  /* STREAM: member holding the record in the   */
                             /* metadata event ("board")                   */
    const char *stream_item; /* STREAM: member holding one item ("tile")   */
    uint8_t stream_head;     /* STREAM: items kept in the metadata record  */
    const char *content_type;/* CONTENT: field holding the media type      */
    const char *move_field;  /* action: array field an item moves out of   */
    const char *move_item;   /* body path of the item's id ("tile.id")     */
    const char *move_to;     /* body path of the target record's key       */
} sm_op;

/* ---- the API ----------------------------------------------------------- */

typedef struct sm_api {
    unsigned abi_version;     /* SM_API_ABI_VERSION when generated          */
    const char *name;         /* spec's api name                            */
    const char *title;
    const char *version;
    const char *spec_path;    /* spec paths as given, joined with ", "      */
    const char *prefix;       /* path prefix, e.g. "/api/v1/{org}"          */
    const char *default_key;  /* key granted a session when no keys file   */
    int16_t user_model;       /* model of caller objects (SM_FILL_CALLER)   */
    uint16_t nscopes;
    const char *const *scopes;/* declared scope objects, sorted             */
    uint16_t nenums;
    const sm_enum *enums;
    uint16_t nmodels;
    const sm_model *models;
    uint16_t nparams;
    const sm_param *params;
    uint16_t nresources;
    const sm_resource *resources;
    uint16_t nops;
    const sm_op *ops;         /* sorted by path, then method                */
} sm_api;

/* Defined by the generated tables file. */
extern const sm_api specmock_api;

#endif /* SM_API_H */
