/*
 * conntrack.c — connection tracking for the graceful shutdown and the
 * accept guard (see conntrack.h).  Split out of server.c, which calls it
 * from its set-up, its request callback, server_drain and server_free.
 */
#include "conntrack.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One accepted connection.  busy: a byte of a request has arrived and its
 * answer has not been completely written yet. */
typedef struct sm_conn {
    struct sm_conn *prev, *next;      /* t->conns, or t->pending          */
    struct sm_conntrack *t;
    struct bufferevent *bev;
    struct evhttp_connection *evcon;  /* NULL until adopted               */
    struct evbuffer_cb_entry *in_cb;
    int fd;
    int busy;
} sm_conn;

struct sm_conntrack {
    struct event_base *base;
    sm_conn *pending;     /* created by the bufferevent hook, not adopted */
    sm_conn *conns;       /* adopted: closecb set                         */
    sm_conn **by_fd;      /* the adopted connection on each descriptor    */
    size_t nfd;
    struct event *adopt_ev, *reap_ev, *deadline_ev;
    int draining;
    void (*drained)(void *, unsigned);
    void *drained_arg;
    struct evconnlistener *listener; /* guarded (accept_failed)         */
    struct event *resume_ev; /* re-enables accepting after running out of */
                             /* descriptors                              */
    int cap_said;            /* the pause was reported since the last accept */
};

/* ---- connections and the graceful shutdown ------------------------------
 *
 * libevent 2.1 has no per-connection hook on the server side (evhttp's
 * newreqcb is 2.2), so connections are tracked through the public pieces:
 *   - evhttp_set_bevcb: we create each connection's bufferevent (exactly
 *     as evhttp would: a socket bufferevent, options 0) and watch its input
 *     buffer: any byte arriving makes the connection busy;
 *   - adoption: evhttp sets the bufferevent's callback argument to its
 *     evhttp_connection right after the hook returns, still inside the
 *     accept callback; an event activated from the hook runs in the same
 *     pass of the loop, before any I/O on the new socket, and registers the
 *     close callback there (evhttp frees a connection inside the accept
 *     callback only when an allocation fails);
 *   - conntrack_request (from server_cb) sets an on-complete callback on
 *     every request: when the answer is completely written the connection
 *     is idle again (unless bytes of a next request are already buffered);
 *   - the close callback (evhttp_connection_free, also from evhttp_free)
 *     forgets the connection. */

static void conn_push(sm_conn **head, sm_conn *c)
{
    c->prev = NULL;
    c->next = *head;
    if (*head)
        (*head)->prev = c;
    *head = c;
}

static void conn_unlink(sm_conn **head, sm_conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        *head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

static unsigned busy_count(const sm_conntrack *t)
{
    unsigned n = 0;
    for (const sm_conn *c = t->conns; c; c = c->next)
        n += c->busy != 0;
    for (const sm_conn *c = t->pending; c; c = c->next)
        n += c->busy != 0;
    return n;
}

/* Tells the drain's caller, once: left is 0 when every request in progress
 * finished, else how many were still in progress at the deadline. */
static void drain_finish(sm_conntrack *t, unsigned left)
{
    void (*cb)(void *, unsigned) = t->drained;
    if (!t->draining || !cb)
        return;
    t->drained = NULL;
    if (t->deadline_ev)
        event_del(t->deadline_ev);
    cb(t->drained_arg, left);
}

static void drain_check(sm_conntrack *t)
{
    if (t->draining && t->drained && busy_count(t) == 0)
        drain_finish(t, 0);
}

static void conn_input(struct evbuffer *b, const struct evbuffer_cb_info *info,
                       void *arg)
{
    (void)b;
    if (info->n_added)
        ((sm_conn *)arg)->busy = 1;
}

static void conn_closed(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    sm_conn *c = arg;
    sm_conntrack *t = c->t;
    int was_busy = c->busy;
    evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->in_cb);
    if (c->fd >= 0 && (size_t)c->fd < t->nfd && t->by_fd[c->fd] == c)
        t->by_fd[c->fd] = NULL;
    conn_unlink(&t->conns, c);
    free(c);
    if (was_busy)
        drain_check(t);
}

static struct bufferevent *conn_new(struct event_base *base, void *arg)
{
    sm_conntrack *t = arg;
    t->cap_said = 0; /* accepting again */
    /* what evhttp creates itself when the hook returns NULL */
    struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
    if (!bev)
        return NULL; /* evhttp tries its own; that one goes untracked */
    sm_conn *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->t = t;
    c->bev = bev;
    c->fd = -1;
    c->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), conn_input, c);
    if (!c->in_cb)
        abort();
    conn_push(&t->pending, c);
    event_active(t->adopt_ev, EV_TIMEOUT, 1);
    return bev;
}

static void conns_adopt(sm_conntrack *t)
{
    sm_conn *c;
    while ((c = t->pending) != NULL) {
        conn_unlink(&t->pending, c);
        void *arg = NULL;
        bufferevent_getcb(c->bev, NULL, NULL, NULL, &arg);
        struct evhttp_connection *evcon = arg;
        int fd = (int)bufferevent_getfd(c->bev);
        if (!evcon || evhttp_connection_get_bufferevent(evcon) != c->bev ||
            fd < 0) {
            /* not evhttp's layout: serve it untracked */
            evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->in_cb);
            free(c);
            continue;
        }
        if ((size_t)fd >= t->nfd) {
            size_t n = t->nfd ? t->nfd : 64;
            while (n <= (size_t)fd)
                n *= 2;
            sm_conn **p = realloc(t->by_fd, n * sizeof *p);
            if (!p)
                abort();
            memset(p + t->nfd, 0, (n - t->nfd) * sizeof *p);
            t->by_fd = p;
            t->nfd = n;
        }
        c->evcon = evcon;
        c->fd = fd;
        t->by_fd[fd] = c;
        evhttp_connection_set_closecb(evcon, conn_closed, c);
        conn_push(&t->conns, c);
    }
}

static void adopt_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    conns_adopt(arg);
}

/* Draining: closes every idle connection (the close callback frees it). */
static void reap_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    sm_conntrack *t = arg;
    sm_conn *next;
    for (sm_conn *c = t->conns; c; c = next) {
        next = c->next;
        if (!c->busy)
            evhttp_connection_free(c->evcon);
    }
}

static void deadline_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    sm_conntrack *t = arg;
    drain_finish(t, busy_count(t));
}

/* The answer is completely written (evhttp_send_done, before evhttp frees
 * the connection or waits for the next request on it). */
static void reply_done(struct evhttp_request *req, void *arg)
{
    (void)req;
    sm_conn *c = arg;
    c->busy = evbuffer_get_length(bufferevent_get_input(c->bev)) > 0;
    if (c->t->draining && !c->busy) {
        event_active(c->t->reap_ev, EV_TIMEOUT, 1); /* after evhttp is done */
        drain_check(c->t);
    }
}

void conntrack_request(sm_conntrack *t, struct evhttp_request *req)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    if (!bev)
        return;
    evutil_socket_t fd = bufferevent_getfd(bev);
    sm_conn *c = fd >= 0 && (size_t)fd < t->nfd ? t->by_fd[fd] : NULL;
    if (c && c->bev == bev) {
        c->busy = 1;
        evhttp_request_set_on_complete_cb(req, reply_done, c);
    }
}

int conntrack_draining(const sm_conntrack *t)
{
    return t->draining;
}

unsigned conntrack_drain(sm_conntrack *t, int deadline_secs,
                         void (*drained)(void *arg, unsigned left), void *arg)
{
    if (t->draining)
        return busy_count(t);
    t->draining = 1;
    conns_adopt(t);
    reap_cb(-1, 0, t);
    t->drained = drained;
    t->drained_arg = arg;
    unsigned n = busy_count(t);
    struct timeval tv = {deadline_secs > 0 ? deadline_secs : 1, 0};
    if (n)
        event_add(t->deadline_ev, &tv);
    drain_check(t);
    return n;
}

/* ---- the accept guard ----------------------------------------------------
 *
 * The listener's error callback gets evhttp's callback argument, not ours:
 * which tracker guards a listener is kept here (one entry per guarded
 * listener; cleared before the listener goes). */
static struct {
    struct evconnlistener *l;
    sm_conntrack *t;
} owners[16];

static void owner_set(struct evconnlistener *l, sm_conntrack *t)
{
    for (size_t i = 0; i < sizeof owners / sizeof *owners; i++)
        if (owners[i].l == NULL || owners[i].t == t) {
            owners[i].l = l;
            owners[i].t = l ? t : NULL;
            return;
        }
}

static void owner_clear(sm_conntrack *t)
{
    for (size_t i = 0; i < sizeof owners / sizeof *owners; i++)
        if (owners[i].t == t)
            owners[i].l = NULL, owners[i].t = NULL;
}

/* accept(2) failed.  Out of descriptors (the connection cap: --max-
 * connections sets the limit) or kernel memory, the pending connection
 * stays in the kernel's backlog and the listener would report it again at
 * once, spinning: stop accepting for ACCEPT_PAUSE_MS instead, saying so
 * once per pause; a connection closing meanwhile frees a descriptor. */
#define ACCEPT_PAUSE_MS 100

static void accept_failed(struct evconnlistener *l, void *arg)
{
    (void)arg; /* evhttp's */
    sm_conntrack *t = NULL;
    for (size_t i = 0; i < sizeof owners / sizeof *owners && !t; i++)
        if (owners[i].l == l)
            t = owners[i].t;
    int e = EVUTIL_SOCKET_ERROR();
    if (!t || (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM))
        return; /* the peer gave up (ECONNABORTED ...): nothing to do */
    evconnlistener_disable(l);
    struct timeval tv = {0, ACCEPT_PAUSE_MS * 1000};
    event_add(t->resume_ev, &tv);
    if (!t->cap_said) /* once until a connection is accepted again */
        fprintf(stderr, "specmock: connection cap reached (%s): new "
                        "connections wait until one closes (--max-connections)\n",
                strerror(e));
    t->cap_said = 1;
}

static void accept_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    sm_conntrack *t = arg;
    if (t->listener && !t->draining)
        evconnlistener_enable(t->listener);
}

void conntrack_watch_listener(sm_conntrack *t, struct evconnlistener *l)
{
    owner_clear(t);
    if (t->listener && t->resume_ev)
        event_del(t->resume_ev);
    t->listener = l;
    if (l) {
        owner_set(l, t);
        evconnlistener_set_error_cb(l, accept_failed);
    }
}

/* ---- set-up --------------------------------------------------------------- */

sm_conntrack *conntrack_new(struct event_base *base, struct evhttp *http)
{
    sm_conntrack *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->base = base;
    t->adopt_ev = event_new(base, -1, 0, adopt_cb, t);
    t->reap_ev = event_new(base, -1, 0, reap_cb, t);
    t->deadline_ev = evtimer_new(base, deadline_cb, t);
    t->resume_ev = evtimer_new(base, accept_resume, t);
    if (!t->adopt_ev || !t->reap_ev || !t->deadline_ev || !t->resume_ev) {
        conntrack_free(t);
        return NULL;
    }
    evhttp_set_bevcb(http, conn_new, t);
    return t;
}

void conntrack_close(sm_conntrack *t)
{
    if (!t)
        return;
    t->drained = NULL;
    conntrack_watch_listener(t, NULL);
}

void conntrack_free(sm_conntrack *t)
{
    if (!t)
        return;
    conntrack_close(t);
    sm_conn *c;
    while ((c = t->pending) != NULL) { /* their bufferevents went with evhttp */
        conn_unlink(&t->pending, c);
        free(c);
    }
    while ((c = t->conns) != NULL) {
        conn_unlink(&t->conns, c);
        free(c);
    }
    if (t->adopt_ev)
        event_free(t->adopt_ev);
    if (t->reap_ev)
        event_free(t->reap_ev);
    if (t->deadline_ev)
        event_free(t->deadline_ev);
    if (t->resume_ev)
        event_free(t->resume_ev);
    free(t->by_fd);
    free(t);
}
