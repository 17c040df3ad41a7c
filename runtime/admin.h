/*
 * admin.h — the test control plane under the reserved prefix /__specmock/
 * (README "Control plane"): health, reset, fixtures, journal, coverage,
 * routes, openapi.json, faults, keys.  JSON in and out, generic over
 * whatever the spec declares.
 *
 * Access: without --admin-token only loopback clients are answered (others
 * get 403); with a token every client must send "Authorization: Bearer
 * <token>" (401 otherwise).  Admin requests are never journaled, counted in
 * coverage or subject to faults.
 *
 * Errors: {"error": "<what is wrong>"} with 400 (bad body or query), 401,
 * 403, 404 (no such admin endpoint), 405 (with Allow), 409 (a key that
 * exists), 507 (the store is full).  A refused request changes nothing.
 *
 * Ownership: admin_handle() borrows the app and writes only the reply and
 * the app's mutable parts (store, history, coverage, faults, keys, clock).
 */
#ifndef SM_ADMIN_H
#define SM_ADMIN_H

#include "handlers.h"
#include "respond.h"
#include "server.h"

#define SM_ADMIN_PREFIX "/__specmock/"

/* 1 when path belongs to the admin plane (the prefix, or the prefix
 * without its trailing slash). */
int admin_owns(const char *path);

/* Answers one admin request.  loopback: the peer is 127.0.0.0/8 or ::1. */
void admin_handle(const sm_app *app, const sm_request *rq, int loopback,
                  sm_reply *rep);

#endif
