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
 */
#ifndef SM_API_H
#define SM_API_H

#include <stdint.h>

#define SM_API_ABI_VERSION 1

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
    SM_F_ITEM_NULLABLE = 1u << 8 /* array items may be null                 */
};

/* Where the server takes a value from when it fills a field itself. */
typedef enum sm_fill {
    SM_FILL_NONE = 0, /* client value, else default_json, else omitted/null */
    SM_FILL_AUTO,     /* next sequential id per resource and project        */
    SM_FILL_NOW,      /* the server clock at the write (datetime)           */
    SM_FILL_CALLER,   /* the calling key's user object                      */
    SM_FILL_UUID,     /* a fresh UUID                                       */
    SM_FILL_TOKEN,    /* a fresh URL-safe random token                      */
    SM_FILL_PARAM     /* the value of path parameter fill_arg               */
} sm_fill;

typedef struct sm_field {
    const char *name;
    uint8_t type;         /* sm_type                                        */
    uint8_t item_type;    /* sm_type of items when type == SM_T_ARRAY       */
    uint16_t flags;       /* sm_field_flag bits                             */
    int16_t ref;          /* enum/model index for type (or item_type), -1   */
    uint8_t fill;         /* sm_fill                                        */
    const char *fill_arg; /* SM_FILL_PARAM: the path parameter's name       */
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
    SM_HIDE_RETRIEVE = 1u << 1  /* soft-deleted rows answer 404 on retrieve */
};

typedef struct sm_resource {
    const char *name;        /* spec name, also the store namespace         */
    int16_t model;           /* full representation (create/retrieve/update)*/
    int16_t list_model;      /* list item representation, -1 = model        */
    int16_t id_field;        /* index into model's fields of the id, -1 none*/
    int16_t soft_delete;     /* index into model's fields, -1 = none        */
    uint8_t hides;           /* sm_hide bits for soft_delete                */
    const char *scope;       /* scope object, NULL if none                  */
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
    SM_OP_DESTROY,  /* DELETE one, hard, status (204)                       */
    SM_OP_REFUSE    /* DELETE one refused: status (405), empty body         */
} sm_op_kind;

typedef enum sm_scope_mode {
    SM_SCOPE_OBJECT = 1, /* needs <scope_object>:read (GET) or :write       */
    SM_SCOPE_NONE,       /* personal keys refused: "does not support ..."   */
    SM_SCOPE_INTERNAL    /* only "*" keys and sessions pass                 */
} sm_scope_mode;

enum sm_op_flag {
    SM_OPF_PAGINATED  = 1u << 0, /* list: limit/offset envelope             */
    SM_OPF_EMPTY_BODY = 1u << 1  /* success answers with no body            */
};

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
