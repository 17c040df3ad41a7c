/*
 * fixture_api.c — the "widgets" API tables (see fixture_api.h).
 */
#include "fixture_api.h"

#include <stddef.h>

static const char *const color_values[] = {"red", "green", "blue", ""};
static const int64_t level_values[] = {1, 2, 3};

static const sm_enum enums[] = {
    {"Color", 0, 4, color_values, NULL},
    {"Level", 1, 3, NULL, level_values},
};

static const sm_field owner_fields[] = {
    {"id", SM_T_INT, 0, SM_F_READONLY, -1, SM_FILL_NONE, NULL, "1", 0, 0, 0},
    {"name", SM_T_STRING, 0, SM_F_MAXLEN, -1, SM_FILL_NONE, NULL, "\"Owner\"", 20, 0, 0},
    {"email", SM_T_STRING, 0, 0, -1, SM_FILL_NONE, NULL, "\"owner@example.test\"", 0, 0, 0},
    {"active", SM_T_BOOL, 0, SM_F_NULLABLE, -1, SM_FILL_NONE, NULL, "true", 0, 0, 0},
};

static const sm_field gadget_fields[] = {
    {"label", SM_T_STRING, 0, SM_F_REQUIRED | SM_F_NOTBLANK, -1, SM_FILL_NONE, NULL, NULL, 0, 0, 0},
    {"size", SM_T_INT, 0, SM_F_MIN | SM_F_MAX, -1, SM_FILL_NONE, NULL, "1", 0, 1, 10},
};

static const sm_field widget_fields[] = {
    {"id", SM_T_INT, 0, SM_F_READONLY, -1, SM_FILL_AUTO, NULL, NULL, 0, 0, 0},
    {"name", SM_T_STRING, 0, SM_F_NULLABLE | SM_F_MAXLEN, -1, SM_FILL_NONE, NULL, "null", 10, 0, 0},
    {"title", SM_T_STRING, 0, SM_F_REQUIRED | SM_F_NOTBLANK, -1, SM_FILL_NONE, NULL, NULL, 0, 0, 0},
    {"count", SM_T_INT, 0, SM_F_MIN | SM_F_MAX, -1, SM_FILL_NONE, NULL, "0", 0, 0, 100},
    {"ratio", SM_T_NUMBER, 0, SM_F_NULLABLE | SM_F_MIN | SM_F_MAX, -1, SM_FILL_NONE, NULL, "null", 0, 0, 1},
    {"enabled", SM_T_BOOL, 0, 0, -1, SM_FILL_NONE, NULL, "false", 0, 0, 0},
    {"maybe", SM_T_BOOL, 0, SM_F_NULLABLE, -1, SM_FILL_NONE, NULL, "null", 0, 0, 0},
    {"color", SM_T_ENUM, 0, 0, FX_ENUM_COLOR, SM_FILL_NONE, NULL, "\"red\"", 0, 0, 0},
    {"level", SM_T_ENUM, 0, 0, FX_ENUM_LEVEL, SM_FILL_NONE, NULL, "1", 0, 0, 0},
    {"when", SM_T_DATETIME, 0, SM_F_NULLABLE, -1, SM_FILL_NONE, NULL, "null", 0, 0, 0},
    {"ref", SM_T_UUID, 0, SM_F_NULLABLE, -1, SM_FILL_NONE, NULL, "null", 0, 0, 0},
    {"meta", SM_T_OBJECT, 0, 0, -1, SM_FILL_NONE, NULL, "{}", 0, 0, 0},
    {"extra", SM_T_ANY, 0, SM_F_NULLABLE, -1, SM_FILL_NONE, NULL, "null", 0, 0, 0},
    {"tags", SM_T_ARRAY, SM_T_STRING, SM_F_MAXLEN, -1, SM_FILL_NONE, NULL, "[]", 5, 0, 0},
    {"scores", SM_T_ARRAY, SM_T_INT, SM_F_ITEM_NULLABLE, -1, SM_FILL_NONE, NULL, "[]", 0, 0, 0},
    {"gadget", SM_T_MODEL, 0, SM_F_NULLABLE, FX_MODEL_GADGET, SM_FILL_NONE, NULL, "null", 0, 0, 0},
    {"gadgets", SM_T_ARRAY, SM_T_MODEL, 0, FX_MODEL_GADGET, SM_FILL_NONE, NULL, "[]", 0, 0, 0},
    {"created_at", SM_T_DATETIME, 0, SM_F_READONLY, -1, SM_FILL_NOW, NULL, NULL, 0, 0, 0},
    {"owner", SM_T_MODEL, 0, SM_F_READONLY | SM_F_NULLABLE, FX_MODEL_OWNER, SM_FILL_CALLER, NULL, NULL, 0, 0, 0},
    {"org", SM_T_INT, 0, SM_F_READONLY, -1, SM_FILL_PARAM, "org_id", NULL, 0, 0, 0},
    {"token", SM_T_STRING, 0, SM_F_READONLY, -1, SM_FILL_TOKEN, NULL, NULL, 0, 0, 0},
    {"uid", SM_T_UUID, 0, SM_F_READONLY, -1, SM_FILL_UUID, NULL, NULL, 0, 0, 0},
    {"archived", SM_T_BOOL, 0, 0, -1, SM_FILL_NONE, NULL, "false", 0, 0, 0},
    {"secret", SM_T_STRING, 0, SM_F_WRITEONLY, -1, SM_FILL_NONE, NULL, NULL, 0, 0, 0},
};

static const sm_field widget_basic_fields[] = {
    {"id", SM_T_INT, 0, SM_F_READONLY, -1, SM_FILL_NONE, NULL, NULL, 0, 0, 0},
    {"title", SM_T_STRING, 0, SM_F_READONLY, -1, SM_FILL_NONE, NULL, NULL, 0, 0, 0},
    {"archived", SM_T_BOOL, 0, SM_F_READONLY, -1, SM_FILL_NONE, NULL, NULL, 0, 0, 0},
    {"missing", SM_T_STRING, 0, SM_F_READONLY, -1, SM_FILL_NONE, NULL, "\"dflt\"", 0, 0, 0},
};

static const sm_model models[] = {
    {"Owner", 4, owner_fields},
    {"Gadget", 2, gadget_fields},
    {"Widget", sizeof widget_fields / sizeof *widget_fields, widget_fields},
    {"WidgetBasic", 4, widget_basic_fields},
};

static const sm_param params[] = {
    {"org_id", SM_P_INT, "@mine", "Org not found."},
    {"id", SM_P_INT, NULL, "Not found."},
    {"slug", SM_P_STRING, NULL, NULL},
    {"uid", SM_P_UUID, NULL, "No such thing."},
};

static const sm_resource resources[] = {
    {"widgets", FX_MODEL_WIDGET, FX_MODEL_WIDGET_BASIC, 0, 22, SM_HIDE_LIST | SM_HIDE_RETRIEVE, "widget"},
    {"gears", FX_MODEL_GADGET, -1, -1, -1, 0, "gear"},
    {"secrets", FX_MODEL_GADGET, -1, -1, -1, 0, NULL},
    {"internals", FX_MODEL_GADGET, -1, -1, -1, 0, NULL},
};

static const uint16_t st200[] = {200}, st201[] = {201}, st204[] = {204},
                      st405[] = {405};

#define P "/api/orgs/{org_id}"
static const sm_op ops[] = {
    {"gears_list", P "/gears/", SM_GET, SM_OP_LIST, SM_SCOPE_OBJECT, 0, 200, FX_RES_GEARS, "gear", -1, FX_MODEL_GADGET, 1, st200},
    {"gears_create", P "/gears/", SM_POST, SM_OP_CREATE, SM_SCOPE_OBJECT, 0, 201, FX_RES_GEARS, "gear", FX_MODEL_GADGET, FX_MODEL_GADGET, 1, st201},
    {"gears_destroy", P "/gears/{id}/", SM_DELETE, SM_OP_REFUSE, SM_SCOPE_OBJECT, SM_OPF_EMPTY_BODY, 405, FX_RES_GEARS, "gear", -1, -1, 1, st405},
    {"internal_list", P "/internal/", SM_GET, SM_OP_LIST, SM_SCOPE_INTERNAL, 0, 200, FX_RES_INTERNALS, NULL, -1, FX_MODEL_GADGET, 1, st200},
    {"secrets_list", P "/secrets/", SM_GET, SM_OP_LIST, SM_SCOPE_NONE, 0, 200, FX_RES_SECRETS, NULL, -1, FX_MODEL_GADGET, 1, st200},
    {"widgets_list", P "/widgets/", SM_GET, SM_OP_LIST, SM_SCOPE_OBJECT, SM_OPF_PAGINATED, 200, FX_RES_WIDGETS, "widget", -1, FX_MODEL_WIDGET_BASIC, 1, st200},
    {"widgets_create", P "/widgets/", SM_POST, SM_OP_CREATE, SM_SCOPE_OBJECT, 0, 201, FX_RES_WIDGETS, "widget", FX_MODEL_WIDGET, FX_MODEL_WIDGET, 1, st201},
    {"widgets_special", P "/widgets/special/", SM_GET, SM_OP_LIST, SM_SCOPE_OBJECT, 0, 200, FX_RES_WIDGETS, "widget", -1, FX_MODEL_WIDGET_BASIC, 1, st200},
    {"widgets_retrieve", P "/widgets/{id}/", SM_GET, SM_OP_RETRIEVE, SM_SCOPE_OBJECT, 0, 200, FX_RES_WIDGETS, "widget", -1, FX_MODEL_WIDGET, 1, st200},
    {"widgets_update", P "/widgets/{id}/", SM_PUT, SM_OP_UPDATE, SM_SCOPE_OBJECT, 0, 200, FX_RES_WIDGETS, "widget", FX_MODEL_WIDGET, FX_MODEL_WIDGET, 1, st200},
    {"widgets_partial_update", P "/widgets/{id}/", SM_PATCH, SM_OP_UPDATE, SM_SCOPE_OBJECT, 0, 200, FX_RES_WIDGETS, "widget", FX_MODEL_WIDGET, FX_MODEL_WIDGET, 1, st200},
    {"widgets_destroy", P "/widgets/{id}/", SM_DELETE, SM_OP_DESTROY, SM_SCOPE_OBJECT, 0, 204, FX_RES_WIDGETS, "widget", -1, -1, 1, st204},
    {"widgets_part", P "/widgets/{id}/parts/{slug}/", SM_GET, SM_OP_RETRIEVE, SM_SCOPE_OBJECT, 0, 200, FX_RES_WIDGETS, "widget", -1, FX_MODEL_WIDGET, 1, st200},
};
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
    .nenums = 2,
    .enums = enums,
    .nmodels = 4,
    .models = models,
    .nparams = 4,
    .params = params,
    .nresources = 4,
    .resources = resources,
    .nops = FX_OP_COUNT,
    .ops = ops,
};
