/*
 * fixture_api.h — a small hand-written "widgets" API in the sm_api format,
 * shared by the unit tests.  It exercises every field type, fill, flag,
 * parameter kind, scope mode and operation kind the runtime knows, without
 * naming any real API.
 */
#ifndef FIXTURE_API_H
#define FIXTURE_API_H

#include "sm_api.h"

extern const sm_api fixture_api;

/* Indices into fixture_api's tables. */
enum { FX_ENUM_COLOR, FX_ENUM_LEVEL };
enum { FX_MODEL_OWNER, FX_MODEL_GADGET, FX_MODEL_WIDGET, FX_MODEL_WIDGET_BASIC };
enum { FX_RES_WIDGETS, FX_RES_GEARS, FX_RES_SECRETS, FX_RES_INTERNALS };
enum {
    FX_OP_GEARS_LIST,
    FX_OP_GEARS_CREATE,
    FX_OP_GEARS_DESTROY,
    FX_OP_INTERNAL_LIST,
    FX_OP_SECRETS_LIST,
    FX_OP_WIDGETS_LIST,
    FX_OP_WIDGETS_CREATE,
    FX_OP_WIDGETS_SPECIAL,
    FX_OP_WIDGETS_RETRIEVE,
    FX_OP_WIDGETS_PUT,
    FX_OP_WIDGETS_PATCH,
    FX_OP_WIDGETS_DESTROY,
    FX_OP_WIDGETS_PART,
    FX_OP_COUNT
};

#endif
