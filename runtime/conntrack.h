/*
 * conntrack.h — the connections of one evhttp server, tracked for the
 * graceful shutdown, and its listener's guard against running out of
 * descriptors.  Used by server.c only; knows nothing of requests' contents.
 *
 * Tracking: every accepted connection is known, with whether it is busy (a
 * byte of a request has arrived and its answer is not completely written).
 * Draining closes the idle ones at once, each busy one as soon as its
 * answer is written, and reports when none is left or the deadline passed.
 *
 * Accept guard: when accept(2) fails for want of descriptors or memory the
 * listener is paused for a moment (instead of spinning on the backlog) and
 * one line goes to stderr until a connection is accepted again.
 */
#ifndef SPECMOCK_CONNTRACK_H
#define SPECMOCK_CONNTRACK_H

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

typedef struct sm_conntrack sm_conntrack;

/* Installs the tracking on http (its bufferevent hook); NULL when out of
 * memory.  Going away: conntrack_close() (no more drain report, the
 * listener unguarded), evhttp_free(http) (which reports every close to
 * the tracker), then conntrack_free(). */
sm_conntrack *conntrack_new(struct event_base *base, struct evhttp *http);
void conntrack_close(sm_conntrack *t);
void conntrack_free(sm_conntrack *t);

/* Guards l (the accept guard above); NULL stops guarding (before the
 * listener goes away). */
void conntrack_watch_listener(sm_conntrack *t, struct evconnlistener *l);

/* Called for every request: its connection is busy until the answer is
 * completely written. */
void conntrack_request(sm_conntrack *t, struct evhttp_request *req);

/* 1 once conntrack_drain() was called. */
int conntrack_draining(const sm_conntrack *t);

/* Starts draining (stop guarding the listener first: the caller closes
 * it): closes the idle connections and returns how many requests are in
 * progress; drained(arg, left) is called once, when none is left (maybe
 * before this returns) or after deadline_secs with how many still were.
 * A second call only returns the count. */
unsigned conntrack_drain(sm_conntrack *t, int deadline_secs,
                         void (*drained)(void *arg, unsigned left), void *arg);

#endif
