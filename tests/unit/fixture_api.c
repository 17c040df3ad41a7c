/*
 * fixture_api.c — the "widgets" API tables (see fixture_api.h), written
 * with designated initializers like the generator's output (zero members
 * left out).  Owned by the RT-CORE helper.
 *
 * v1 part: widgets (every field type and fill), gears, secrets, internals.
 * v2 part: boards (order, filters, soft delete hiding update, actions,
 * stream, content, media, children, caller member, segments, copy), notes
 * (string key under a board parent, unique check), settings (a singleton
 * under a board) and switches (children of the singleton), members (write-
 * only uuid key, user fill, build tombstones, upsert, required filter,
 * results envelope), folders (ancestors, owner), colors (static rows), bins
 * and drops (parent build).
 */
#include "fixture_api.h"

#include <stddef.h>

#define NF(a) (uint16_t)(sizeof a / sizeof *a)

static const char *const color_values[] = {"red", "green", "blue", ""};
static const int64_t level_values[] = {1, 2, 3};

static const sm_enum enums[] = {
    {.name = "Color", .is_int = 0, .nvalues = 4, .strs = color_values},
    {.name = "Level", .is_int = 1, .nvalues = 3, .ints = level_values},
};

#define F(n, t) .name = n, .type = t, .ref = -1

static const sm_field owner_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY, .default_json = "1"},
    {F("name", SM_T_STRING), .flags = SM_F_MAXLEN, .default_json = "\"Owner\"", .maxlen = 20},
    {F("email", SM_T_STRING), .default_json = "\"owner@example.test\""},
    {F("active", SM_T_BOOL), .flags = SM_F_NULLABLE, .default_json = "true"},
    {F("uuid", SM_T_UUID), .flags = SM_F_NULLABLE, .default_json = "null"},
};

static const sm_field gadget_fields[] = {
    {F("label", SM_T_STRING), .flags = SM_F_REQUIRED | SM_F_NOTBLANK},
    {F("size", SM_T_INT), .flags = SM_F_MIN | SM_F_MAX, .default_json = "1", .min = 1, .max = 10},
};

static const sm_field widget_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_AUTO},
    {F("name", SM_T_STRING), .flags = SM_F_NULLABLE | SM_F_MAXLEN, .default_json = "null", .maxlen = 10},
    {F("title", SM_T_STRING), .flags = SM_F_REQUIRED | SM_F_NOTBLANK},
    {F("count", SM_T_INT), .flags = SM_F_MIN | SM_F_MAX, .default_json = "0", .min = 0, .max = 100},
    {F("ratio", SM_T_NUMBER), .flags = SM_F_NULLABLE | SM_F_MIN | SM_F_MAX, .default_json = "null", .min = 0, .max = 1},
    {F("enabled", SM_T_BOOL), .default_json = "false"},
    {F("maybe", SM_T_BOOL), .flags = SM_F_NULLABLE, .default_json = "null"},
    {.name = "color", .type = SM_T_ENUM, .ref = FX_ENUM_COLOR, .default_json = "\"red\""},
    {.name = "level", .type = SM_T_ENUM, .ref = FX_ENUM_LEVEL, .default_json = "1"},
    {F("when", SM_T_DATETIME), .flags = SM_F_NULLABLE, .default_json = "null"},
    {F("ref", SM_T_UUID), .flags = SM_F_NULLABLE, .default_json = "null"},
    {F("meta", SM_T_OBJECT), .default_json = "{}"},
    {F("extra", SM_T_ANY), .flags = SM_F_NULLABLE, .default_json = "null"},
    {F("tags", SM_T_ARRAY), .item_type = SM_T_STRING, .flags = SM_F_MAXLEN, .default_json = "[]", .maxlen = 5},
    {F("scores", SM_T_ARRAY), .item_type = SM_T_INT, .flags = SM_F_ITEM_NULLABLE, .default_json = "[]"},
    {.name = "gadget", .type = SM_T_MODEL, .flags = SM_F_NULLABLE, .ref = FX_MODEL_GADGET, .default_json = "null"},
    {.name = "gadgets", .type = SM_T_ARRAY, .item_type = SM_T_MODEL, .ref = FX_MODEL_GADGET, .default_json = "[]"},
    {F("created_at", SM_T_DATETIME), .flags = SM_F_READONLY, .fill = SM_FILL_NOW},
    {.name = "owner", .type = SM_T_MODEL, .flags = SM_F_READONLY | SM_F_NULLABLE, .ref = FX_MODEL_OWNER, .fill = SM_FILL_CALLER},
    {F("org", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_PARAM, .fill_arg = "org_id"},
    {F("token", SM_T_STRING), .flags = SM_F_READONLY, .fill = SM_FILL_TOKEN},
    {F("uid", SM_T_UUID), .flags = SM_F_READONLY, .fill = SM_FILL_UUID},
    {F("archived", SM_T_BOOL), .default_json = "false"},
    {F("secret", SM_T_STRING), .flags = SM_F_WRITEONLY},
};

static const sm_field widget_basic_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY},
    {F("title", SM_T_STRING), .flags = SM_F_READONLY},
    {F("archived", SM_T_BOOL), .flags = SM_F_READONLY},
    {F("missing", SM_T_STRING), .flags = SM_F_READONLY, .default_json = "\"dflt\""},
};

/* ---- v2 models ---- */

static const sm_field board_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_AUTO},
    {F("name", SM_T_STRING), .default_json = "\"\""},
    {F("pinned", SM_T_BOOL), .default_json = "false"},
    {F("path", SM_T_STRING), .default_json = "\"\""},
    {F("depth", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_SEGMENTS, .fill_arg = "path"},
    {F("name_copy", SM_T_STRING), .flags = SM_F_READONLY, .fill = SM_FILL_COPY, .fill_arg = "name"},
    {F("author_email", SM_T_STRING), .flags = SM_F_READONLY | SM_F_NULLABLE, .fill = SM_FILL_CALLER, .fill_arg = "email"},
    {F("kind", SM_T_STRING), .default_json = "\"plain\""},
    {F("items", SM_T_ARRAY), .item_type = SM_T_ANY, .default_json = "[]"},
    {F("mime", SM_T_STRING), .default_json = "\"text/plain\""},
    {F("share_token", SM_T_STRING), .flags = SM_F_READONLY | SM_F_NULLABLE, .default_json = "null"},
    {F("gone", SM_T_BOOL), .default_json = "false"},
    {F("notes", SM_T_ARRAY), .item_type = SM_T_OBJECT, .flags = SM_F_READONLY, .fill = SM_FILL_CHILDREN, .fill_arg = "notes"},
};

static const sm_field board_basic_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY},
    {F("name", SM_T_STRING), .flags = SM_F_READONLY},
    {F("pinned", SM_T_BOOL), .flags = SM_F_READONLY},
};

static const sm_field share_body_fields[] = {
    {F("reason", SM_T_STRING), .flags = SM_F_REQUIRED},
};

static const sm_field note_fields[] = {
    {F("slug", SM_T_STRING), .flags = SM_F_REQUIRED | SM_F_NOTBLANK},
    {F("text", SM_T_STRING), .default_json = "\"\""},
    {F("board", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_PARAM, .fill_arg = "board_id"},
};

static const sm_field setting_fields[] = {
    {F("enabled", SM_T_BOOL), .default_json = "false"},
    {F("token", SM_T_STRING), .flags = SM_F_READONLY, .fill = SM_FILL_TOKEN},
    {F("created_at", SM_T_DATETIME), .flags = SM_F_READONLY | SM_F_NULLABLE, .fill = SM_FILL_NOW},
};

static const sm_field switch_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_AUTO},
    {F("on", SM_T_BOOL), .default_json = "false"},
};

static const sm_field member_fields[] = {
    {F("user_uuid", SM_T_UUID), .flags = SM_F_WRITEONLY | SM_F_REQUIRED},
    {.name = "user", .type = SM_T_MODEL, .flags = SM_F_READONLY | SM_F_NULLABLE, .ref = FX_MODEL_OWNER, .fill = SM_FILL_USER, .fill_arg = "user_uuid"},
    {F("level", SM_T_INT), .default_json = "1"},
    {F("removed", SM_T_BOOL), .default_json = "false"},
};

static const sm_field folder_fields[] = {
    {F("path", SM_T_STRING), .flags = SM_F_REQUIRED},
    {F("kind", SM_T_STRING), .default_json = "\"file\""},
    {.name = "creator", .type = SM_T_MODEL, .flags = SM_F_READONLY | SM_F_NULLABLE, .ref = FX_MODEL_OWNER, .fill = SM_FILL_CALLER},
};

static const sm_field colorrow_fields[] = {
    {F("code", SM_T_STRING)},
    {F("label", SM_T_STRING)},
};

static const sm_field bin_fields[] = {
    {F("code", SM_T_STRING), .flags = SM_F_REQUIRED},
    {F("label", SM_T_STRING), .default_json = "\"unnamed\""},
};

static const sm_field drop_fields[] = {
    {F("id", SM_T_INT), .flags = SM_F_READONLY, .fill = SM_FILL_AUTO},
    {F("what", SM_T_STRING), .default_json = "\"\""},
};

#undef F

static const sm_model models[] = {
    {"Owner", NF(owner_fields), owner_fields},
    {"Gadget", NF(gadget_fields), gadget_fields},
    {"Widget", NF(widget_fields), widget_fields},
    {"WidgetBasic", NF(widget_basic_fields), widget_basic_fields},
    {"Board", NF(board_fields), board_fields},
    {"BoardBasic", NF(board_basic_fields), board_basic_fields},
    {"ShareBody", NF(share_body_fields), share_body_fields},
    {"Note", NF(note_fields), note_fields},
    {"Setting", NF(setting_fields), setting_fields},
    {"Switch", NF(switch_fields), switch_fields},
    {"Member", NF(member_fields), member_fields},
    {"Folder", NF(folder_fields), folder_fields},
    {"ColorRow", NF(colorrow_fields), colorrow_fields},
    {"Bin", NF(bin_fields), bin_fields},
    {"Drop", NF(drop_fields), drop_fields},
};

static const sm_param params[] = {
    {.name = "org_id", .kind = SM_P_INT, .alias = "@mine", .notfound_detail = "Org not found."},
    {.name = "id", .kind = SM_P_INT, .notfound_detail = "Not found."},
    {.name = "slug", .kind = SM_P_STRING},
    {.name = "uid", .kind = SM_P_UUID, .notfound_detail = "No such thing."},
    {.name = "board_id", .kind = SM_P_INT, .notfound_detail = "Bad board id."},
    {.name = "user_uuid", .kind = SM_P_UUID},
    {.name = "path", .kind = SM_P_STRING},
    {.name = "code", .kind = SM_P_STRING},
    {.name = "bin_code", .kind = SM_P_STRING},
};

static const sm_resource resources[] = {
    [FX_RES_WIDGETS] = {.name = "widgets", .model = FX_MODEL_WIDGET, .list_model = FX_MODEL_WIDGET_BASIC,
                        .id_field = 0, .soft_delete = 22,
                        .hides = SM_HIDE_LIST | SM_HIDE_RETRIEVE | SM_HIDE_UPDATE, .scope = "widget"},
    [FX_RES_GEARS] = {.name = "gears", .model = FX_MODEL_GADGET, .list_model = -1, .id_field = -1,
                      .soft_delete = -1, .scope = "gear"},
    [FX_RES_SECRETS] = {.name = "secrets", .model = FX_MODEL_GADGET, .list_model = -1, .id_field = -1,
                        .soft_delete = -1},
    [FX_RES_INTERNALS] = {.name = "internals", .model = FX_MODEL_GADGET, .list_model = -1, .id_field = -1,
                          .soft_delete = -1},
    [FX_RES_BOARDS] = {.name = "boards", .model = FX_MODEL_BOARD, .list_model = FX_MODEL_BOARD_BASIC,
                       .id_field = 0, .soft_delete = 11,
                       .hides = SM_HIDE_LIST | SM_HIDE_RETRIEVE | SM_HIDE_UPDATE,
                       .notfound = "No such board.", .order = "-pinned ~name"},
    [FX_RES_NOTES] = {.name = "notes", .model = FX_MODEL_NOTE, .list_model = -1, .id_field = -1,
                      .soft_delete = -1, .key = "slug", .parent = "boards", .parent_param = "board_id",
                      .parent_notfound = "Board not found.", .order = "~slug"},
    [FX_RES_SETTINGS] = {.name = "settings", .model = FX_MODEL_SETTING, .list_model = -1, .id_field = -1,
                         .soft_delete = -1, .parent = "boards", .parent_param = "board_id",
                         .parent_notfound = "Board not found.", .rflags = SM_R_SINGLETON},
    [FX_RES_SWITCHES] = {.name = "switches", .model = FX_MODEL_SWITCH, .list_model = -1, .id_field = 0,
                         .soft_delete = -1, .parent = "settings"},
    [FX_RES_MEMBERS] = {.name = "members", .model = FX_MODEL_MEMBER, .list_model = -1, .id_field = -1,
                        .soft_delete = 3, .hides = SM_HIDE_LIST | SM_HIDE_RETRIEVE,
                        .key = "user_uuid", .parent = "boards", .parent_param = "board_id",
                        .rflags = SM_R_BUILD},
    [FX_RES_FOLDERS] = {.name = "folders", .model = FX_MODEL_FOLDER, .list_model = -1, .id_field = -1,
                        .soft_delete = -1, .key = "path", .owner = "creator",
                        .ancestors = "path", .ancestor_json = "{\"kind\": \"folder\"}"},
    [FX_RES_COLORS] = {.name = "colors", .model = FX_MODEL_COLOR_ROW, .list_model = -1, .id_field = -1,
                       .soft_delete = -1, .key = "code", .rflags = SM_R_STATIC,
                       .rows_json = "[{\"code\":\"r\",\"label\":\"Red\"},{\"code\":\"g\",\"label\":\"Green\"}]"},
    [FX_RES_BINS] = {.name = "bins", .model = FX_MODEL_BIN, .list_model = -1, .id_field = -1,
                     .soft_delete = -1, .key = "code"},
    [FX_RES_DROPS] = {.name = "drops", .model = FX_MODEL_DROP, .list_model = -1, .id_field = 0,
                      .soft_delete = -1, .parent = "bins", .parent_param = "bin_code",
                      .rflags = SM_R_PARENT_BUILD},
};

static const uint16_t st200[] = {200}, st201[] = {201}, st204[] = {204},
                      st405[] = {405};

static const char *const f_name[] = {"name"}, *const f_pinned[] = {"pinned"},
                         *const f_gone[] = {"gone"}, *const f_level[] = {"level"},
                         *const f_text[] = {"text", "slug"};

static const sm_filter board_filters[] = {
    {.query = "search", .match = SM_MATCH_ICONTAINS, .nfields = 1, .fields = f_name},
    {.query = "pinned", .match = SM_MATCH_EQ, .nfields = 1, .fields = f_pinned},
    {.query = "gone", .match = SM_MATCH_EQ, .nfields = 1, .fields = f_gone},
};
static const sm_filter note_filters[] = {
    {.query = "q", .match = SM_MATCH_WORDS, .nfields = 2, .fields = f_text},
};
static const sm_filter member_filters[] = {
    {.query = "level", .match = SM_MATCH_EQ, .flags = SM_FILTER_REQUIRED, .nfields = 1,
     .fields = f_level, .message = "level is required."},
};

static const sm_check share_checks[] = {
    {.source = SM_SRC_BODY, .test = SM_TEST_MINLEN, .n = 2, .status = 400, .name = "reason",
     .message = "Too short: {name}", .attr = "reason"},
    {.source = SM_SRC_RECORD, .test = SM_TEST_NE, .status = 403, .name = "kind",
     .value_json = "\"locked\"", .style = SM_STYLE_ERROR, .message = "Board is locked."},
};
static const sm_check note_checks[] = {
    {.source = SM_SRC_NEW, .test = SM_TEST_UNIQUE, .status = 409, .name = "slug",
     .style = SM_STYLE_DETAIL, .message = "Slug {name} is taken."},
    {.source = SM_SRC_PARENT, .test = SM_TEST_NE, .status = 400, .name = "kind",
     .value_json = "\"frozen\"", .message = "Board is frozen."},
};
static const sm_check member_checks[] = {
    {.source = SM_SRC_BODY, .test = SM_TEST_USER, .status = 400, .name = "user_uuid",
     .message = "Unknown user {name}.", .attr = "user_uuid"},
};

static const sm_check drop_checks[] = {
    {.source = SM_SRC_BODY, .test = SM_TEST_EXISTS, .status = 400, .name = "what",
     .value_json = "colors", .message = "No color {name}.", .attr = "what"},
    {.source = SM_SRC_QUERY, .test = SM_TEST_EXISTS, .status = 404, .name = "also",
     .value_json = "bins", .message = "No bin {name}."},
};

static const sm_set import_sets[] = {
    {.field = "code", .from = SM_SET_LITERAL, .arg = "\"imported\""},
    {.field = "label", .from = SM_SET_QUERY, .arg = "label"},
};

static const sm_set share_sets[] = {
    {.field = "share_token", .from = SM_SET_TOKEN},
    {.field = "kind", .from = SM_SET_LITERAL, .arg = "\"shared\""},
};
static const sm_set upload_sets[] = {
    {.field = "kind", .from = SM_SET_LITERAL, .arg = "\"uploaded\""},
};
static const sm_set rotate_sets[] = {
    {.field = "token", .from = SM_SET_TOKEN},
    {.field = "enabled", .from = SM_SET_LITERAL, .arg = "true"},
};

#define P "/api/orgs/{org_id}"
/* id, path, method, kind, resource, status, scope mode, request and
 * response models (ABI-1 members: -1 is "none", so always written) */
#define OPX(i, p, m, k, r, st, sm, rq, rs) .id = i, .path = P p, .method = m, \
    .kind = k, .scope_mode = sm, .resource = r, .status = st, \
    .request_model = rq, .response_model = rs, .nstatuses = 1
#define OP(i, p, m, k, r, st) OPX(i, p, m, k, r, st, SM_SCOPE_OBJECT, -1, -1)
static const sm_op ops[] = {
    [FX_OP_GEARS_LIST] = {OPX("gears_list", "/gears/", SM_GET, SM_OP_LIST, FX_RES_GEARS, 200, SM_SCOPE_OBJECT, -1, FX_MODEL_GADGET), .scope = "gear", .statuses = st200},
    [FX_OP_GEARS_CREATE] = {OPX("gears_create", "/gears/", SM_POST, SM_OP_CREATE, FX_RES_GEARS, 201, SM_SCOPE_OBJECT, FX_MODEL_GADGET, FX_MODEL_GADGET), .scope = "gear", .statuses = st201},
    [FX_OP_GEARS_DESTROY] = {OP("gears_destroy", "/gears/{id}/", SM_DELETE, SM_OP_REFUSE, FX_RES_GEARS, 405), .scope = "gear", .flags = SM_OPF_EMPTY_BODY, .statuses = st405},
    [FX_OP_INTERNAL_LIST] = {OPX("internal_list", "/internal/", SM_GET, SM_OP_LIST, FX_RES_INTERNALS, 200, SM_SCOPE_INTERNAL, -1, FX_MODEL_GADGET), .statuses = st200},
    [FX_OP_SECRETS_LIST] = {OPX("secrets_list", "/secrets/", SM_GET, SM_OP_LIST, FX_RES_SECRETS, 200, SM_SCOPE_NONE, -1, FX_MODEL_GADGET), .statuses = st200},
    [FX_OP_WIDGETS_LIST] = {OPX("widgets_list", "/widgets/", SM_GET, SM_OP_LIST, FX_RES_WIDGETS, 200, SM_SCOPE_OBJECT, -1, FX_MODEL_WIDGET_BASIC), .scope = "widget", .flags = SM_OPF_PAGINATED, .statuses = st200},
    [FX_OP_WIDGETS_CREATE] = {OPX("widgets_create", "/widgets/", SM_POST, SM_OP_CREATE, FX_RES_WIDGETS, 201, SM_SCOPE_OBJECT, FX_MODEL_WIDGET, FX_MODEL_WIDGET), .scope = "widget", .statuses = st201},
    [FX_OP_WIDGETS_SPECIAL] = {OPX("widgets_special", "/widgets/special/", SM_GET, SM_OP_LIST, FX_RES_WIDGETS, 200, SM_SCOPE_OBJECT, -1, FX_MODEL_WIDGET_BASIC), .scope = "widget", .statuses = st200},
    [FX_OP_WIDGETS_RETRIEVE] = {OPX("widgets_retrieve", "/widgets/{id}/", SM_GET, SM_OP_RETRIEVE, FX_RES_WIDGETS, 200, SM_SCOPE_OBJECT, -1, FX_MODEL_WIDGET), .scope = "widget", .statuses = st200},
    [FX_OP_WIDGETS_PUT] = {OPX("widgets_update", "/widgets/{id}/", SM_PUT, SM_OP_UPDATE, FX_RES_WIDGETS, 200, SM_SCOPE_OBJECT, FX_MODEL_WIDGET, FX_MODEL_WIDGET), .scope = "widget", .statuses = st200},
    [FX_OP_WIDGETS_PATCH] = {OPX("widgets_partial_update", "/widgets/{id}/", SM_PATCH, SM_OP_UPDATE, FX_RES_WIDGETS, 200, SM_SCOPE_OBJECT, FX_MODEL_WIDGET, FX_MODEL_WIDGET), .scope = "widget", .statuses = st200},
    [FX_OP_WIDGETS_DESTROY] = {OP("widgets_destroy", "/widgets/{id}/", SM_DELETE, SM_OP_DESTROY, FX_RES_WIDGETS, 204), .scope = "widget", .statuses = st204},
    [FX_OP_WIDGETS_PART] = {OPX("widgets_part", "/widgets/{id}/parts/{slug}/", SM_GET, SM_OP_RETRIEVE, FX_RES_WIDGETS, 200, SM_SCOPE_OBJECT, -1, FX_MODEL_WIDGET), .scope = "widget", .statuses = st200},
    /* v2 */
    [FX_OP_BOARDS_LIST] = {OP("boards_list", "/boards/", SM_GET, SM_OP_LIST, FX_RES_BOARDS, 200), .statuses = st200, .envelope = SM_ENV_COUNTED, .nfilters = 3, .filters = board_filters},
    [FX_OP_BOARDS_CREATE] = {OP("boards_create", "/boards/", SM_POST, SM_OP_CREATE, FX_RES_BOARDS, 201), .statuses = st201},
    [FX_OP_BOARDS_PING] = {OP("boards_ping", "/boards/ping/", SM_POST, SM_OP_ACTION, FX_RES_BOARDS, 200), .statuses = st200, .returns_json = "{\"pong\": true}"},
    [FX_OP_BOARDS_RETRIEVE] = {OP("boards_retrieve", "/boards/{id}/", SM_GET, SM_OP_RETRIEVE, FX_RES_BOARDS, 200), .statuses = st200},
    [FX_OP_BOARDS_UPDATE] = {OP("boards_partial_update", "/boards/{id}/", SM_PATCH, SM_OP_UPDATE, FX_RES_BOARDS, 200), .statuses = st200},
    [FX_OP_BOARDS_DESTROY] = {OP("boards_destroy", "/boards/{id}/", SM_DELETE, SM_OP_DESTROY, FX_RES_BOARDS, 204), .statuses = st204},
    [FX_OP_BOARDS_CONTENT] = {OP("boards_content", "/boards/{id}/content/", SM_GET, SM_OP_CONTENT, FX_RES_BOARDS, 200), .statuses = st200, .content_type = "mime"},
    [FX_OP_BOARDS_MOVE] = {OP("boards_move", "/boards/{id}/move/", SM_POST, SM_OP_ACTION, FX_RES_BOARDS, 200), .flags = SM_OPF_ITEM, .statuses = st200, .move_field = "items", .move_item = "item.id", .move_to = "to"},
    [FX_OP_BOARDS_SHARE] = {OPX("boards_share", "/boards/{id}/share/", SM_POST, SM_OP_ACTION, FX_RES_BOARDS, 200, SM_SCOPE_OBJECT, FX_MODEL_SHARE_BODY, -1), .flags = SM_OPF_ITEM, .statuses = st200, .nchecks = 2, .checks = share_checks, .nsets = 2, .sets = share_sets},
    [FX_OP_BOARDS_STREAM] = {OP("boards_stream", "/boards/{id}/stream/", SM_GET, SM_OP_STREAM, FX_RES_BOARDS, 200), .statuses = st200, .stream_field = "items", .stream_key = "board", .stream_item = "item", .stream_head = 1},
    [FX_OP_BOARDS_UPLOAD] = {OP("boards_upload", "/boards/{id}/upload/", SM_POST, SM_OP_ACTION, FX_RES_BOARDS, 200), .flags = SM_OPF_ITEM | SM_OPF_EMPTY_BODY, .statuses = st200, .nsets = 1, .sets = upload_sets, .media = "application/octet-stream multipart/form-data"},
    [FX_OP_MEMBERS_LIST] = {OP("members_list", "/boards/{board_id}/members/", SM_GET, SM_OP_LIST, FX_RES_MEMBERS, 200), .statuses = st200, .envelope = SM_ENV_RESULTS, .extra_json = "{\"stale\": false}", .nfilters = 1, .filters = member_filters},
    [FX_OP_MEMBERS_CREATE] = {OP("members_create", "/boards/{board_id}/members/", SM_POST, SM_OP_CREATE, FX_RES_MEMBERS, 201), .flags = SM_OPF_UPSERT, .statuses = st201, .nchecks = 1, .checks = member_checks},
    [FX_OP_MEMBERS_RETRIEVE] = {OP("members_retrieve", "/boards/{board_id}/members/{user_uuid}/", SM_GET, SM_OP_RETRIEVE, FX_RES_MEMBERS, 200), .statuses = st200},
    [FX_OP_MEMBERS_UPDATE] = {OP("members_partial_update", "/boards/{board_id}/members/{user_uuid}/", SM_PATCH, SM_OP_UPDATE, FX_RES_MEMBERS, 200), .statuses = st200},
    [FX_OP_MEMBERS_DESTROY] = {OP("members_destroy", "/boards/{board_id}/members/{user_uuid}/", SM_DELETE, SM_OP_DESTROY, FX_RES_MEMBERS, 204), .statuses = st204},
    [FX_OP_NOTES_LIST] = {OP("notes_list", "/boards/{board_id}/notes/", SM_GET, SM_OP_LIST, FX_RES_NOTES, 200), .statuses = st200, .nfilters = 1, .filters = note_filters},
    [FX_OP_NOTES_CREATE] = {OP("notes_create", "/boards/{board_id}/notes/", SM_POST, SM_OP_CREATE, FX_RES_NOTES, 201), .statuses = st201, .nchecks = 2, .checks = note_checks},
    [FX_OP_NOTES_RETRIEVE] = {OP("notes_retrieve", "/boards/{board_id}/notes/{slug}/", SM_GET, SM_OP_RETRIEVE, FX_RES_NOTES, 200), .statuses = st200},
    [FX_OP_NOTES_DESTROY] = {OP("notes_destroy", "/boards/{board_id}/notes/{slug}/", SM_DELETE, SM_OP_DESTROY, FX_RES_NOTES, 204), .statuses = st204},
    [FX_OP_SETTINGS_RETRIEVE] = {OP("settings_retrieve", "/boards/{board_id}/settings/", SM_GET, SM_OP_RETRIEVE, FX_RES_SETTINGS, 200), .statuses = st200},
    [FX_OP_SETTINGS_UPDATE] = {OP("settings_partial_update", "/boards/{board_id}/settings/", SM_PATCH, SM_OP_UPDATE, FX_RES_SETTINGS, 200), .statuses = st200},
    [FX_OP_SETTINGS_ROTATE] = {OP("settings_rotate", "/boards/{board_id}/settings/rotate/", SM_POST, SM_OP_ACTION, FX_RES_SETTINGS, 200), .statuses = st200, .nsets = 2, .sets = rotate_sets},
    [FX_OP_SWITCHES_LIST] = {OP("switches_list", "/boards/{board_id}/settings/switches/", SM_GET, SM_OP_LIST, FX_RES_SWITCHES, 200), .statuses = st200},
    [FX_OP_SWITCHES_CREATE] = {OP("switches_create", "/boards/{board_id}/settings/switches/", SM_POST, SM_OP_CREATE, FX_RES_SWITCHES, 201), .statuses = st201},
    [FX_OP_BINS_CREATE] = {OP("bins_create", "/bins/", SM_POST, SM_OP_CREATE, FX_RES_BINS, 201), .statuses = st201},
    [FX_OP_BINS_IMPORT] = {OP("bins_import", "/bins/import/", SM_POST, SM_OP_CREATE, FX_RES_BINS, 201), .statuses = st201, .media = "text/csv", .nsets = 2, .sets = import_sets},
    [FX_OP_BINS_RETRIEVE] = {OP("bins_retrieve", "/bins/{code}/", SM_GET, SM_OP_RETRIEVE, FX_RES_BINS, 200), .statuses = st200},
    [FX_OP_DROPS_LIST] = {OP("drops_list", "/bins/{bin_code}/drops/", SM_GET, SM_OP_LIST, FX_RES_DROPS, 200), .statuses = st200},
    [FX_OP_DROPS_CREATE] = {OP("drops_create", "/bins/{bin_code}/drops/", SM_POST, SM_OP_CREATE, FX_RES_DROPS, 201), .statuses = st201, .nchecks = 2, .checks = drop_checks},
    [FX_OP_COLORS_LIST] = {OP("colors_list", "/colors/", SM_GET, SM_OP_LIST, FX_RES_COLORS, 200), .statuses = st200},
    [FX_OP_COLORS_RETRIEVE] = {OP("colors_retrieve", "/colors/{code}/", SM_GET, SM_OP_RETRIEVE, FX_RES_COLORS, 200), .statuses = st200},
    [FX_OP_FOLDERS_LIST] = {OP("folders_list", "/folders/", SM_GET, SM_OP_LIST, FX_RES_FOLDERS, 200), .statuses = st200},
    [FX_OP_FOLDERS_CREATE] = {OP("folders_create", "/folders/", SM_POST, SM_OP_CREATE, FX_RES_FOLDERS, 201), .statuses = st201},
    [FX_OP_FOLDERS_RETRIEVE] = {OP("folders_retrieve", "/folders/{path}/", SM_GET, SM_OP_RETRIEVE, FX_RES_FOLDERS, 200), .statuses = st200},
};
#undef OP
#undef OPX
#undef P

static const char *const scopes[] = {"gear", "widget"};

const sm_api fixture_api = {
    .abi_version = SM_API_ABI_VERSION,
    .name = "fixture",
    .title = "Widgets fixture API",
    .version = "0.0.1",
    .spec_path = "tests/unit/fixture_api.c",
    .prefix = "/api/orgs/{org_id}",
    .default_key = "fx_dev",
    .user_model = FX_MODEL_OWNER,
    .nscopes = 2,
    .scopes = scopes,
    .nenums = NF(enums),
    .enums = enums,
    .nmodels = NF(models),
    .models = models,
    .nparams = NF(params),
    .params = params,
    .nresources = FX_RES_COUNT,
    .resources = resources,
    .nops = FX_OP_COUNT,
    .ops = ops,
};
