/* h2o glue: event loops, the worker pool, and the hand-over between them (see server.h). */
#include "server.h"

#include "core/arena.h"
#include "core/log.h"
#include "http/request.h"

#include <errno.h>
#include <h2o.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTENERS 8
#define MAX_LOOPS 64

struct loop;

struct job {
    h2o_multithread_message_t msg; /* first: the message list links through it */
    struct job *next;              /* worker queue / pending-large queue */
    struct loop *loop;
    h2o_req_t *h2o;   /* NULL once the client went away (loop thread only) */
    struct job **slot; /* in the h2o request pool; cleared when the job is freed */
    bool large;
    struct req r;
    int64_t start_ns;
    char *hdrbuf; /* copies of content type and response headers once the arena is gone */
};

struct loop {
    h2o_context_t ctx;
    h2o_accept_ctx_t accept;
    h2o_multithread_queue_t *queue;
    h2o_multithread_receiver_t receiver;
    h2o_socket_t *listeners[MAX_LISTENERS];
    int nlisteners;
    struct job *pending_head, *pending_tail; /* large bodies waiting for a slot */
    long inflight; /* loop thread only */
    pthread_t tid;
    int tls_gen;          /* generation of accept.ssl_ctx (loop thread only) */
    atomic_int tls_seen;  /* the same, published for the reloading thread */
};

static const struct http_server_config *cfg;
static h2o_globalconf_t globalconf;
static struct loop loops[MAX_LOOPS];
static int nloops;
static int listen_fds[MAX_LOOPS][MAX_LISTENERS];
static int nlisten_per_loop;

static pthread_mutex_t q_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct job *q_head, *q_tail;
static bool q_closed;
static atomic_int large_inflight;
static atomic_int stop_requested; /* set from the signal handler (lock-free atomic) */
static atomic_int reload_requested; /* SIGHUP */

/* TLS: tls_current holds one reference to the newest context; each loop holds its own in
 * accept.ssl_ctx and swaps it on its own thread when tls_gen moves. Connections keep theirs
 * through their SSL object, so an old context lives exactly as long as something uses it. */
static bool tls_on;
static pthread_mutex_t tls_mutex = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX *tls_current;
static atomic_int tls_gen;
static char hsts_buf[64];
static h2o_iovec_t hsts_value;

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
http_server_stop(void)
{
    stop_requested = 1;
}

static void
on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_requested = 1;
    else
        stop_requested = 1;
}

/* ---- TLS ------------------------------------------------------------------------------ */

/* ECDHE only (forward secrecy), AEAD only; TLS 1.3 keeps OpenSSL's default suites. */
static const char tls12_ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/* Logs with OpenSSL's reasons, oldest first ("no start line; PEM lib"): the last alone is
 * often just the layer that gave up. */
static void
tls_log_error(const char *what, const char *file)
{
    char buf[512] = "";
    size_t n = 0;
    unsigned long e;
    while ((e = ERR_get_error()) != 0) {
        const char *reason = ERR_reason_error_string(e);
        char code[32];
        if (!reason) {
            snprintf(code, sizeof(code), "error %lx", e);
            reason = code;
        }
        if (n < sizeof(buf))
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "; " : "", reason);
    }
    log_error("TLS: %s %s: %s", what, file, n ? buf : "unknown error");
}

/* OpenSSL's message for a missing file is cryptic; say it plainly first. */
static bool
tls_readable(const char *what, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        log_error("TLS: cannot read %s %s: %s", what, file, strerror(errno));
        return false;
    }
    fclose(f);
    return true;
}

/* Subject and expiry of the context's certificate, for the log. */
static void
tls_describe(SSL_CTX *ctx, const char *verb)
{
    X509 *x = SSL_CTX_get0_certificate(ctx);
    char subject[256] = "?", until[64] = "?";
    struct tm tm;
    if (!x)
        return;
    X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject));
    if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
        strftime(until, sizeof(until), "%Y-%m-%d %H:%M:%S UTC", &tm);
    log_info("TLS: %s certificate %s (%s, valid until %s)", verb, cfg->tls_cert, subject, until);
    if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
        log_warn("TLS: certificate %s has EXPIRED (%s)", cfg->tls_cert, until);
    else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
        log_warn("TLS: certificate %s is not valid yet", cfg->tls_cert);
}

/* A new server context from the PEM files, or NULL after logging why (file named). */
static SSL_CTX *
tls_load(const char *cert, const char *key)
{
    SSL_CTX *ctx = NULL;
    if (!tls_readable("certificate", cert) || !tls_readable("private key", key))
        return NULL;
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        tls_log_error("cannot create a context for", cert);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                 SSL_OP_PRIORITIZE_CHACHA | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_cipher_list(ctx, tls12_ciphers) != 1) {
        tls_log_error("cipher list rejected for", cert);
        goto fail;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
        tls_log_error("cannot use the certificate chain", cert);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        tls_log_error("cannot use the private key", key);
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        log_error("TLS: private key %s does not match certificate %s", key, cert);
        ERR_clear_error();
        goto fail;
    }
    /* h2, then http/1.1 (h2o_alpn_protocols is h2o_http2_alpn_protocols plus http/1.1) */
    h2o_ssl_register_alpn_protocols(ctx, h2o_alpn_protocols);
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

/* Loop thread: take the current context if it is newer than the one accepting. */
static void
tls_adopt(struct loop *l)
{
    pthread_mutex_lock(&tls_mutex);
    SSL_CTX *n = tls_current;
    SSL_CTX_up_ref(n);
    int gen = atomic_load(&tls_gen);
    pthread_mutex_unlock(&tls_mutex);
    SSL_CTX *old = l->accept.ssl_ctx;
    l->accept.ssl_ctx = n;
    l->tls_gen = gen;
    if (old)
        SSL_CTX_free(old); /* connections still using it hold their own reference */
    atomic_store(&l->tls_seen, gen);
}

/* Main thread, after SIGHUP: reread the files; on success publish and wait until every loop
 * accepts with the new context, so the log line means "new connections get the new one". */
static void
tls_reload(void)
{
    if (!tls_on) {
        log_info("SIGHUP: TLS is off (no tls_cert/tls_key), nothing to reload");
        return;
    }
    SSL_CTX *n = tls_load(cfg->tls_cert, cfg->tls_key);
    if (!n) {
        log_error("TLS: reload failed, still serving the previous certificate");
        return;
    }
    pthread_mutex_lock(&tls_mutex);
    SSL_CTX *old = tls_current;
    tls_current = n;
    int gen = atomic_fetch_add(&tls_gen, 1) + 1;
    pthread_mutex_unlock(&tls_mutex);
    SSL_CTX_free(old);
    for (int i = 0; i < nloops && !stop_requested; i++) {
        while (atomic_load(&loops[i].tls_seen) < gen && !stop_requested) {
            struct timespec ts = { 0, 5000000 };
            nanosleep(&ts, NULL);
        }
    }
    tls_describe(n, "reloaded");
}

static bool
conn_is_tls(h2o_conn_t *conn)
{
    if (!tls_on || !conn->callbacks->get_socket)
        return false;
    h2o_socket_t *sock = conn->callbacks->get_socket(conn);
    return sock && sock->ssl;
}

/* ---- worker side ---------------------------------------------------------------------- */

static void
queue_push(struct job *j)
{
    pthread_mutex_lock(&q_mutex);
    j->next = NULL;
    if (q_tail)
        q_tail->next = j;
    else
        q_head = j;
    q_tail = j;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_mutex);
}

/* Next job; NULL when closed. After 5 idle seconds it returns with *idle set (once per idle
 * period) so the worker can give memory back. */
static struct job *
queue_pop(bool *idle)
{
    *idle = false;
    pthread_mutex_lock(&q_mutex);
    while (!q_head && !q_closed) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 5;
        if (pthread_cond_timedwait(&q_cond, &q_mutex, &until) == ETIMEDOUT && !q_head &&
            !q_closed) {
            *idle = true;
            break;
        }
    }
    struct job *j = q_head;
    if (j) {
        q_head = j->next;
        if (!q_head)
            q_tail = NULL;
    }
    pthread_mutex_unlock(&q_mutex);
    return j;
}

/* The request arena (and the JSON it owns) is released on the worker that used it; the loop
 * only needs the status, headers and body, copied into one block here. */
static void
detach_arena(struct job *j)
{
    size_t n = (j->r.content_type ? strlen(j->r.content_type) : 0) + 1;
    for (int i = 0; i < j->r.nresp_headers; i++)
        n += strlen(j->r.resp_headers[i].name) + strlen(j->r.resp_headers[i].value) + 2;
    char *p = j->hdrbuf = xmalloc(n);
    if (j->r.content_type) {
        size_t k = strlen(j->r.content_type) + 1;
        memcpy(p, j->r.content_type, k);
        j->r.content_type = p;
        p += k;
    }
    for (int i = 0; i < j->r.nresp_headers; i++) {
        size_t a = strlen(j->r.resp_headers[i].name) + 1;
        size_t b = strlen(j->r.resp_headers[i].value) + 1;
        memcpy(p, j->r.resp_headers[i].name, a);
        j->r.resp_headers[i].name = p;
        p += a;
        memcpy(p, j->r.resp_headers[i].value, b);
        j->r.resp_headers[i].value = p;
        p += b;
    }
    arena_free(j->r.arena);
    j->r.arena = NULL;
}

struct worker {
    pthread_t tid;
    int index;
    void *state;
    int init_rc;
};

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct job *j;
    bool idle, was_idle = false;
    for (;;) {
        j = queue_pop(&idle);
        if (idle) {
            if (!was_idle && cfg->worker_idle)
                cfg->worker_idle(w->state);
            was_idle = true;
            continue;
        }
        if (!j)
            break;
        was_idle = false;
        cfg->handle(w->state, &j->r);
        double ms = (double)(now_ns() - j->start_ns) / 1e6;
        log_info("%s %s %s%s%s %d %zu %.2fms%s%s", j->r.id, j->r.method, j->r.path,
                 *j->r.query ? "?" : "", *j->r.query ? j->r.query : "", j->r.status,
                 j->r.resp_len, ms, j->r.log_note ? " " : "", j->r.log_note ? j->r.log_note : "");
        detach_arena(j);
        h2o_multithread_send_message(&j->loop->receiver, &j->msg);
    }
    /* on this thread: the state may hold thread-local caches */
    if (cfg->worker_fini)
        cfg->worker_fini(w->state);
    return NULL;
}

/* ---- loop side ------------------------------------------------------------------------ */

static void
job_free(struct job *j)
{
    if (j->slot)
        *j->slot = NULL;
    free(j->r.resp_body);
    free(j->hdrbuf);
    arena_free(j->r.arena); /* NULL unless the job never reached a worker */
    free(j);
}

static void
on_req_dispose(void *p)
{
    struct job **slot = p;
    if (*slot) {
        (*slot)->h2o = NULL;
        (*slot)->slot = NULL;
    }
}

static void
free_body(void *p)
{
    free(*(char **)p);
}

/* Copies the body (the only large copy) and hands the job to the workers. */
static void
job_start(struct job *j)
{
    h2o_req_t *hr = j->h2o;
    char *body = arena_alloc(j->r.arena, hr->entity.len + 1);
    if (hr->entity.len)
        memcpy(body, hr->entity.base, hr->entity.len);
    body[hr->entity.len] = '\0';
    j->r.body = body;
    j->r.body_len = hr->entity.len;
    queue_push(j);
}

static void
start_pending(struct loop *l)
{
    while (l->pending_head && atomic_load(&large_inflight) < cfg->max_large) {
        struct job *j = l->pending_head;
        l->pending_head = j->next;
        if (!l->pending_head)
            l->pending_tail = NULL;
        if (!j->h2o) { /* client left while waiting */
            l->inflight--;
            job_free(j);
            continue;
        }
        atomic_fetch_add(&large_inflight, 1);
        job_start(j);
    }
}

static const char *
reason_of(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

static void
send_response(struct job *j)
{
    h2o_req_t *hr = j->h2o;
    static h2o_generator_t generator = { NULL, NULL };
    hr->res.status = j->r.status;
    hr->res.reason = reason_of(j->r.status);
    if (j->r.content_type) {
        size_t n = strlen(j->r.content_type);
        char *ct = h2o_mem_alloc_pool(&hr->pool, n + 1);
        memcpy(ct, j->r.content_type, n + 1);
        h2o_add_header(&hr->pool, &hr->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, ct, n);
    }
    for (int i = 0; i < j->r.nresp_headers; i++) {
        /* HTTP/2 wants lower-case names (and the security filter compares them so); HTTP/1
         * still prints the handler's spelling */
        const char *n = j->r.resp_headers[i].name, *v = j->r.resp_headers[i].value;
        size_t nl = strlen(n), vl = strlen(v);
        char *orig = h2o_mem_alloc_pool(&hr->pool, nl + 1);
        memcpy(orig, n, nl + 1);
        char *lower = h2o_mem_alloc_pool(&hr->pool, nl + 1);
        memcpy(lower, n, nl + 1);
        h2o_strtolower(lower, nl);
        char *vc = h2o_mem_alloc_pool(&hr->pool, vl + 1);
        memcpy(vc, v, vl + 1);
        h2o_add_header_by_str(&hr->pool, &hr->res.headers, lower, nl, 1,
                              strcmp(orig, lower) ? orig : NULL, vc, vl);
    }
    h2o_iovec_t body = h2o_iovec_init(j->r.resp_body ? j->r.resp_body : "", j->r.resp_len);
    if (j->r.resp_body) {
        /* the body must outlive this call: h2o may still be writing it; free it with the pool */
        char **owner = h2o_mem_alloc_shared(&hr->pool, sizeof(char *), free_body);
        *owner = j->r.resp_body;
        j->r.resp_body = NULL;
    }
    hr->res.content_length = body.len;
    h2o_start_response(hr, &generator);
    /* HEAD: the headers of the GET (Content-Length included), never its body */
    if (h2o_memis(hr->method.base, hr->method.len, H2O_STRLIT("HEAD")))
        body.len = 0;
    h2o_send(hr, &body, 1, H2O_SEND_STATE_FINAL);
}

static void
on_job_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    struct loop *l = H2O_STRUCT_FROM_MEMBER(struct loop, receiver, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *m =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&m->link);
        struct job *j = (struct job *)m;
        if (j->large)
            atomic_fetch_sub(&large_inflight, 1);
        if (j->h2o)
            send_response(j);
        l->inflight--;
        job_free(j);
    }
    start_pending(l);
}

static char *
dup_iov(struct arena *a, h2o_iovec_t v)
{
    return arena_strndup(a, v.base ? v.base : "", v.len);
}

static unsigned int boot_id;

static void
make_request_id(char *out)
{
    static atomic_uint_fast64_t seq;
    unsigned int boot = boot_id;
    uint64_t n = atomic_fetch_add(&seq, 1);
    snprintf(out, 24, "%08x%08llx", boot, (unsigned long long)n);
}

static int
on_req(h2o_handler_t *self, h2o_req_t *hr)
{
    (void)self;
    struct loop *l = H2O_STRUCT_FROM_MEMBER(struct loop, ctx, hr->conn->ctx);
    struct job *j = calloc(1, sizeof(*j));
    if (!j)
        return -1;
    struct arena *a = arena_new();
    req_init(&j->r, a);
    j->loop = l;
    j->h2o = hr;
    j->start_ns = now_ns();
    make_request_id(j->r.id);
    j->r.method = dup_iov(a, hr->method);
    size_t plen = hr->query_at != SIZE_MAX ? hr->query_at : hr->path.len;
    j->r.path = arena_strndup(a, hr->path.base, plen);
    j->r.query = hr->query_at != SIZE_MAX
                     ? arena_strndup(a, hr->path.base + plen + 1, hr->path.len - plen - 1)
                     : "";
    j->r.nheaders = hr->headers.size;
    j->r.headers = arena_alloc(a, sizeof(struct http_header) * (hr->headers.size + 1));
    for (size_t i = 0; i < hr->headers.size; i++) {
        j->r.headers[i].name = dup_iov(a, *hr->headers.entries[i].name);
        j->r.headers[i].value = dup_iov(a, hr->headers.entries[i].value);
    }
    struct sockaddr_storage ss;
    socklen_t sl = hr->conn->callbacks->get_peername(hr->conn, (struct sockaddr *)&ss);
    char host[NI_MAXHOST];
    size_t hl = sl ? h2o_socket_getnumerichost((struct sockaddr *)&ss, sl, host) : SIZE_MAX;
    j->r.remote_addr = hl != SIZE_MAX ? arena_strndup(a, host, hl) : "";
    j->r.tls = conn_is_tls(hr->conn);

    j->slot = h2o_mem_alloc_shared(&hr->pool, sizeof(struct job *), on_req_dispose);
    *j->slot = j;
    l->inflight++;
    if (hr->entity.len > cfg->large_body) {
        j->large = true;
        j->next = NULL;
        if (l->pending_tail)
            l->pending_tail->next = j;
        else
            l->pending_head = j;
        l->pending_tail = j;
        start_pending(l);
    } else {
        job_start(j);
    }
    return 0;
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
    struct loop *l = listener->data;
    if (err)
        return;
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock)
        h2o_accept(&l->accept, sock);
}

/* h2o answers a body over max_request_entity_size itself, before reading it, with a text/plain
 * 413. This filter (on the host's fallback path, where h2o routes such early errors) swaps that
 * body for the kintone error JSON the API promises everywhere. */
struct json413 {
    h2o_ostream_t super;
};

static const char body_413[] =
    "{\"code\":\"CB_IL02\",\"id\":\"413\",\"message\":\"リクエストのサイズが上限を超えています。"
    "(The request is too large.)\"}";

static void
json413_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t n, h2o_send_state_t st)
{
    (void)bufs;
    (void)n;
    if (h2o_send_state_is_in_progress(st)) {
        h2o_ostream_send_next(self, req, NULL, 0, st);
        return;
    }
    h2o_iovec_t b = h2o_iovec_init(body_413, sizeof(body_413) - 1);
    h2o_ostream_send_next(self, req, &b, 1, st);
}

static void
json413_setup(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    (void)self;
    if (req->res.status == 413) {
        h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
                       H2O_STRLIT("application/json; charset=utf-8"), 1);
        req->res.content_length = sizeof(body_413) - 1;
        struct json413 *o = (struct json413 *)h2o_add_ostream(req, sizeof(*o), slot);
        o->super.do_send = json413_send;
        slot = &o->super.next;
    }
    h2o_setup_next_ostream(req, slot);
}

/* Security headers on every response: the handlers' (send_response), h2o's own errors (413,
 * 400, ... on the fallback path) alike. Values are static, so adding them costs a vector append
 * each; a header the handler set itself (same lower-case name) is left alone. Cache-Control:
 * no-store unless the response says otherwise (API data must not sit in shared caches). */
#define CSP                                                                                      \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "           \
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "                 \
    "form-action 'self'; frame-ancestors 'none'"
#define IOV(s) { (char *)(s), sizeof(s) - 1 }

struct sec_header {
    h2o_iovec_t name; /* lower case (none of these is an h2o token) */
    const char *orig; /* HTTP/1 spelling */
    h2o_iovec_t value;
};

static h2o_iovec_t no_store = IOV("no-store");
static struct sec_header sec_headers[] = {
    { IOV("content-security-policy"), "Content-Security-Policy", IOV(CSP) },
    { IOV("x-content-type-options"), "X-Content-Type-Options", IOV("nosniff") },
    { IOV("referrer-policy"), "Referrer-Policy", IOV("same-origin") },
    { IOV("x-frame-options"), "X-Frame-Options", IOV("DENY") },
    { IOV("cross-origin-opener-policy"), "Cross-Origin-Opener-Policy", IOV("same-origin") },
    { IOV("cross-origin-resource-policy"), "Cross-Origin-Resource-Policy",
      IOV("same-origin") },
    { IOV("permissions-policy"), "Permissions-Policy",
      IOV("camera=(), microphone=(), geolocation=()") },
};
#define NSEC (sizeof(sec_headers) / sizeof(sec_headers[0]))

static void
push_header(h2o_req_t *req, h2o_iovec_t *name, const char *orig, h2o_iovec_t value)
{
    h2o_header_t *h = req->res.headers.entries + req->res.headers.size++;
    h->name = name;
    h->orig_name = orig;
    h->value = value;
}

static void
sechdr_setup(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    (void)self;
    h2o_headers_t *hs = &req->res.headers;
    bool own = hs->size > 0; /* only then can the handler have set one of ours */
    /* room for all of them at once: one reservation, then plain appends */
    h2o_vector_reserve(&req->pool, hs, hs->size + NSEC + 2);
    for (size_t i = 0; i < NSEC; i++) {
        struct sec_header *sh = &sec_headers[i];
        if (own && h2o_find_header_by_str(hs, sh->name.base, sh->name.len, -1) >= 0)
            continue;
        push_header(req, &sh->name, sh->orig, sh->value);
    }
    if (!own || h2o_find_header(hs, H2O_TOKEN_CACHE_CONTROL, -1) < 0)
        push_header(req, (h2o_iovec_t *)&H2O_TOKEN_CACHE_CONTROL->buf, "Cache-Control", no_store);
    if (hsts_value.len && conn_is_tls(req->conn) &&
        (!own || h2o_find_header(hs, H2O_TOKEN_STRICT_TRANSPORT_SECURITY, -1) < 0))
        push_header(req, (h2o_iovec_t *)&H2O_TOKEN_STRICT_TRANSPORT_SECURITY->buf,
                    "Strict-Transport-Security", hsts_value);
    h2o_setup_next_ostream(req, slot);
}

/* Counts requests whose head has arrived but whose answer has not gone out (a body may still
 * be uploading); idle keep-alive connections have no method yet and do not count. */
static int
count_active(h2o_req_t *req, void *data)
{
    if (req->input.method.len > 0)
        ++*(int *)data;
    return 0;
}

static int
active_requests(struct loop *l)
{
    int n = 0;
    l->ctx.globalconf->http1.callbacks.foreach_request(&l->ctx, count_active, &n);
    l->ctx.globalconf->http2.callbacks.foreach_request(&l->ctx, count_active, &n);
    return n;
}

static pthread_barrier_t loops_ready;

static void *
loop_main(void *arg)
{
    struct loop *l = arg;
    int idx = (int)(l - loops);
    /* everything of this loop is created here, on its own thread: h2o recycles socket buffers
     * through thread-local lists captured when a socket is created */
    h2o_context_init(&l->ctx, h2o_evloop_create(), &globalconf);
    l->accept.ctx = &l->ctx;
    l->accept.hosts = globalconf.hosts;
    l->queue = h2o_multithread_create_queue(l->ctx.loop);
    h2o_multithread_register_receiver(l->queue, &l->receiver, on_job_done);
    if (tls_on)
        tls_adopt(l);
    pthread_barrier_wait(&loops_ready);
    for (int i = 0; i < nlisten_per_loop; i++) {
        h2o_socket_t *s =
            h2o_evloop_socket_create(l->ctx.loop, listen_fds[idx][i], H2O_SOCKET_FLAG_DONT_READ);
        s->data = l;
        h2o_socket_read_start(s, on_accept);
        l->listeners[l->nlisteners++] = s;
    }
    bool stopping = false;
    int64_t stop_at = 0;
    for (;;) {
        h2o_evloop_run(l->ctx.loop, 100);
        if (tls_on && atomic_load(&tls_gen) != l->tls_gen)
            tls_adopt(l);
        if (stop_requested && !stopping) {
            stopping = true;
            stop_at = now_ns();
            for (int i = 0; i < l->nlisteners; i++) {
                h2o_socket_read_stop(l->listeners[i]);
                h2o_socket_close(l->listeners[i]);
            }
            l->nlisteners = 0;
            h2o_context_request_shutdown(&l->ctx);
        }
        /* finish what is in flight, including requests still sending their body (their
         * connections stay open until answered), bounded by 30 s */
        if (stopping && ((l->inflight == 0 && active_requests(l) == 0) ||
                         now_ns() - stop_at > 30000000000LL))
            break;
    }
    SSL_CTX_free(l->accept.ssl_ctx); /* NULL without TLS; open connections keep theirs */
    l->accept.ssl_ctx = NULL;
    return NULL;
}

static int
open_listeners(const char *listen_spec, char *desc, size_t desclen)
{
    char host[256], port[16];
    const char *colon = strrchr(listen_spec, ':');
    if (!colon || colon == listen_spec || strlen(colon + 1) >= sizeof(port)) {
        log_error("invalid --listen '%s' (expected HOST:PORT)", listen_spec);
        return -1;
    }
    size_t hlen = (size_t)(colon - listen_spec);
    if (listen_spec[0] == '[' && hlen >= 2 && listen_spec[hlen - 1] == ']') {
        memcpy(host, listen_spec + 1, hlen - 2);
        host[hlen - 2] = '\0';
    } else {
        if (hlen >= sizeof(host))
            return -1;
        memcpy(host, listen_spec, hlen);
        host[hlen] = '\0';
    }
    snprintf(port, sizeof(port), "%s", colon + 1);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (gai != 0) {
        log_error("cannot resolve '%s': %s", listen_spec, gai_strerror(gai));
        return -1;
    }
    nlisten_per_loop = 0;
    desc[0] = '\0';
    for (struct addrinfo *ai = res; ai && nlisten_per_loop < MAX_LISTENERS; ai = ai->ai_next) {
        bool dup = false;
        for (struct addrinfo *p = res; p != ai; p = p->ai_next)
            if (p->ai_addrlen == ai->ai_addrlen && memcmp(p->ai_addr, ai->ai_addr, ai->ai_addrlen) == 0)
                dup = true;
        if (dup)
            continue;
        for (int li = 0; li < nloops; li++) {
            int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
            int on = 1;
            if (fd < 0)
                goto fail;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
            if (ai->ai_family == AF_INET6)
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
                log_error("cannot listen on %s: %s", listen_spec, strerror(errno));
                close(fd);
                goto fail;
            }
            listen_fds[li][nlisten_per_loop] = fd;
        }
        char nh[NI_MAXHOST];
        getnameinfo(ai->ai_addr, ai->ai_addrlen, nh, sizeof(nh), NULL, 0, NI_NUMERICHOST);
        size_t dl = strlen(desc);
        snprintf(desc + dl, desclen - dl, "%s%s%s%s:%s", dl ? " " : "",
                 ai->ai_family == AF_INET6 ? "[" : "", nh, ai->ai_family == AF_INET6 ? "]" : "",
                 port);
        nlisten_per_loop++;
    }
    freeaddrinfo(res);
    return nlisten_per_loop > 0 ? 0 : -1;
fail:
    freeaddrinfo(res);
    return -1;
}

int
http_server_run(const struct http_server_config *c)
{
    cfg = c;
    boot_id = (unsigned int)time(NULL) ^ ((unsigned int)getpid() << 16);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1)
        ncpu = 1;
    /* one loop per two cores: the loops only move bytes, the workers do the work, and on a
     * small machine fewer threads mean fewer context switches (measured: 1 loop on 2 cores
     * served 23k reads/s where 2 loops served 12-15k) */
    nloops = c->loops > 0 ? c->loops : (int)(ncpu + 1) / 2;
    if (nloops > MAX_LOOPS)
        nloops = MAX_LOOPS;
    int nworkers = c->workers > 0 ? c->workers : (int)ncpu * 2;
    bool has_cert = c->tls_cert && *c->tls_cert, has_key = c->tls_key && *c->tls_key;
    if (has_cert != has_key) {
        log_error("TLS: tls_cert and tls_key must be set together (got only %s)",
                  has_cert ? "tls_cert" : "tls_key");
        return -1;
    }
    tls_on = has_cert && has_key;
    if (tls_on) {
        tls_current = tls_load(c->tls_cert, c->tls_key);
        if (!tls_current)
            return -1;
        tls_describe(tls_current, "serving HTTPS (HTTP/2, HTTP/1.1) with");
        if (c->hsts_max_age > 0) {
            snprintf(hsts_buf, sizeof(hsts_buf), "max-age=%ld; includeSubDomains",
                     c->hsts_max_age);
            hsts_value = h2o_iovec_init(hsts_buf, strlen(hsts_buf));
        }
    }
    char desc[512];
    if (open_listeners(c->listen, desc, sizeof(desc)) != 0)
        goto fail_tls;

    signal(SIGPIPE, SIG_IGN);
    /* SA_RESTART: a SIGHUP must not make a worker's read or write fail with EINTR */
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    h2o_config_init(&globalconf);
    globalconf.max_request_entity_size = c->max_body;
    globalconf.server_name = h2o_iovec_init(H2O_STRLIT("madoguchi"));
    h2o_hostconf_t *host =
        h2o_config_register_host(&globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    h2o_handler_t *handler = h2o_create_handler(path, sizeof(*handler));
    handler->on_req = on_req;
    h2o_filter_t *filter = h2o_create_filter(path, sizeof(*filter));
    filter->on_setup_ostream = sechdr_setup;
    filter = h2o_create_filter(&host->fallback_path, sizeof(*filter));
    filter->on_setup_ostream = sechdr_setup;
    filter = h2o_create_filter(&host->fallback_path, sizeof(*filter));
    filter->on_setup_ostream = json413_setup;

    struct worker *workers = xcalloc((size_t)nworkers, sizeof(*workers));
    for (int i = 0; i < nworkers; i++) {
        workers[i].index = i;
        if (c->worker_init && c->worker_init(&workers[i].state, i) != 0) {
            log_error("worker %d failed to start", i);
            for (int k = 0; k < i; k++)
                if (c->worker_fini)
                    c->worker_fini(workers[k].state);
            free(workers);
            goto fail_tls;
        }
    }
    /* the threads start with these signals blocked, so they land on this thread (whose sleep
     * they cut short) rather than interrupting a worker */
    sigset_t sigs, oldmask;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, &oldmask);
    for (int i = 0; i < nworkers; i++)
        pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);

    pthread_barrier_init(&loops_ready, NULL, (unsigned)nloops + 1);
    for (int i = 0; i < nloops; i++)
        pthread_create(&loops[i].tid, NULL, loop_main, &loops[i]);
    pthread_barrier_wait(&loops_ready);
    pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
    if (c->on_ready)
        c->on_ready(desc);
    /* this thread only reloads certificates; the loops watch stop_requested themselves */
    while (!stop_requested) {
        if (atomic_exchange(&reload_requested, 0))
            tls_reload();
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < nloops; i++)
        pthread_join(loops[i].tid, NULL);

    pthread_mutex_lock(&q_mutex);
    q_closed = true;
    pthread_cond_broadcast(&q_cond);
    pthread_mutex_unlock(&q_mutex);
    for (int i = 0; i < nworkers; i++)
        pthread_join(workers[i].tid, NULL);
    free(workers);
    SSL_CTX_free(tls_current);
    tls_current = NULL;
    log_info("server stopped");
    return 0;
fail_tls:
    SSL_CTX_free(tls_current);
    tls_current = NULL;
    return -1;
}
