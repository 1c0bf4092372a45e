/* server: the HTTP server. h2o event loops (one per core, SO_REUSEPORT listeners) do all socket
 * I/O; every request is copied into a job and run on a fixed pool of worker threads as plain
 * blocking C; the response is posted back to its loop. If the client goes away meanwhile, the
 * job is flagged from the request pool's dispose callback and its response dropped, so a
 * handler never touches freed h2o memory. SIGTERM/SIGINT: stop accepting, finish requests in
 * flight, return. Only src/http/ knows h2o.
 * TLS (tls_cert + tls_key): TLS 1.2+ with ECDHE/AEAD ciphers, ALPN h2 and http/1.1. SIGHUP
 * rereads both files; new connections get the new certificate, open ones keep theirs, and a
 * bad file is logged and ignored (the old certificate stays). Without TLS, SIGHUP only logs.
 * Every response (handlers' and h2o's own errors) carries the security headers (CSP, nosniff,
 * Referrer-Policy, X-Frame-Options, COOP, CORP, Permissions-Policy), Cache-Control: no-store
 * unless the response sets Cache-Control, and HSTS over TLS; a handler that sets one of these
 * headers itself (req_set_header, same name) replaces the default. */
#ifndef MADO_SERVER_H
#define MADO_SERVER_H

#include <stddef.h>

struct req;

struct http_server_config {
    const char *listen; /* "HOST:PORT", "[v6]:PORT"; every address HOST resolves to is bound */
    int loops;          /* event loop threads (0 = number of cores) */
    int workers;        /* handler threads (0 = 2 x cores) */
    size_t max_body;    /* bytes; larger bodies get 413 */
    size_t large_body;  /* bodies above this many bytes take one of max_large slots */
    int max_large;
    /* HTTPS when both are set (PEM files; reloaded on SIGHUP without dropping connections). */
    const char *tls_cert, *tls_key;
    long hsts_max_age; /* Strict-Transport-Security max-age under TLS (0 = none) */
    /* Per worker thread: create its state (a DB connection). Return 0 on success. */
    int (*worker_init)(void **state, int index);
    void (*worker_fini)(void *state);
    /* Called on a worker thread that has had nothing to do for a few seconds (may be NULL). */
    void (*worker_idle)(void *state);
    /* Runs on a worker thread: fill r's response. */
    void (*handle)(void *state, struct req *r);
    /* Called once after the listeners are bound (e.g. print "listening"). */
    void (*on_ready)(const char *addresses);
};

/* Blocks until a shutdown signal; returns 0 after a clean stop, -1 on start-up failure. */
int http_server_run(const struct http_server_config *cfg);
/* Asks a running server to stop (also what SIGTERM does). Async-signal-safe. */
void http_server_stop(void);

#endif
