/* The dispatcher: everything generic that happens around a handler, in one fixed order
 * (see api.h). A handler error rolls the whole transaction back, so a failed request never
 * leaves a partial write. */
#include "api.h"

#include "api/params.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/auth.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct api_config config = { .max_body = 100u * 1024 * 1024, .tz = "Asia/Tokyo" };

void
api_configure(const struct api_config *cfg)
{
    config = *cfg;
    if (!config.tz)
        config.tz = "Asia/Tokyo";
}

const struct api_config *
api_config(void)
{
    return &config;
}

static enum lang
pick_lang(const char *al)
{
    if (!al)
        return LANG_JA;
    while (*al == ' ')
        al++;
    return strncasecmp(al, "en", 2) == 0 ? LANG_EN : LANG_JA;
}

static void
decref(void *p)
{
    json_decref(p);
}

enum err
api_json(struct req *r, json_t *obj)
{
    if (r->result)
        json_decref(r->result);
    r->result = obj;
    return ERR_OK;
}

void
api_error(struct req *r, enum err e)
{
    if (r->fail.code == ERR_OK || r->fail.code != e) {
        if (r->fail.code == ERR_OK || e != ERR_INVALID)
            fail_set(&r->fail, e, NULL);
    }
    e = r->fail.code;
    if (e == ERR_OK)
        e = ERR_INTERNAL;
    if (r->result && r->result_is_error) {
        char *s = json_dumps(r->result, JSON_COMPACT);
        json_decref(r->result);
        r->result = NULL;
        req_set_body(r, err_status(e), "application/json; charset=utf-8", s, strlen(s));
        r->log_note = err_code(e);
        return;
    }
    json_t *body = json_pack("{s:s, s:s, s:s}", "code", err_code(e), "id", r->id, "message",
                             r->fail.message ? r->fail.message : err_template(e, r->ctx.lang));
    if (!body)
        body = json_pack("{s:s,s:s,s:s}", "code", err_code(e), "id", r->id, "message", "error");
    if (r->fail.errors && json_object_size(r->fail.errors))
        json_object_set(body, "errors", r->fail.errors);
    if (r->result) {
        json_decref(r->result);
        r->result = NULL;
    }
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    req_set_body(r, err_status(e), "application/json; charset=utf-8", s, strlen(s));
    req_set_header(r, "X-Cybozu-Error", err_code(e));
    r->log_note = err_code(e);
}

/* "/k/v1/x.json", "/k/guest/5/v1/x.json", "/k/v1/preview/x.json" → "/x.json" + preview flag. */
static const char *
strip_prefix(const char *path, bool *preview)
{
    const char *p;
    *preview = false;
    if (strncmp(path, "/k/v1/", 6) == 0) {
        p = path + 5;
    } else if (strncmp(path, "/k/guest/", 9) == 0) {
        p = path + 9;
        if (*p < '0' || *p > '9')
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
        if (strncmp(p, "/v1/", 4) != 0)
            return NULL;
        p += 3;
    } else {
        return NULL;
    }
    if (strncmp(p, "/preview/", 9) == 0) {
        *preview = true;
        p += 8;
    }
    return p;
}

static enum err
parse_params(struct req *r, const struct route *rt, json_t **out)
{
    json_t *params = json_object();
    arena_defer(r->arena, decref, params);
    *out = params;
    if (*r->query) {
        const char *bad = params_parse_query(r->arena, params, r->query);
        if (bad) {
            fail_field(&r->fail, bad, MSG_BAD_PARAM, NULL);
            return ERR_INVALID;
        }
    }
    if (rt && (rt->flags & ROUTE_RAW))
        return ERR_OK;
    size_t n = r->body_len;
    const char *b = r->body;
    while (n && (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')) {
        b++;
        n--;
    }
    if (n == 0)
        return ERR_OK;
    json_error_t jerr;
    json_t *body = json_loadb(b, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return fail_set(&r->fail, ERR_BAD_JSON, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        return fail_set(&r->fail, ERR_BAD_JSON, NULL);
    }
    json_object_update(params, body);
    json_decref(body);
    json_object_del(params, "__REQUEST_TOKEN__");
    return ERR_OK;
}

/* ---- group commit (SQLite) -------------------------------------------------------------
 * SQLite has one writer at a time, and most of a small write's cost is the commit (WAL pages
 * of the record, its revision, the search index, the indexes). Concurrent writing requests
 * therefore share transactions: the first waiting worker becomes the leader, runs up to
 * GROUP_MAX queued requests on its own connection, each inside a SAVEPOINT (a failing request
 * is rolled back alone), commits once, and wakes the others. Every request still answers
 * only after the commit that holds its write. PostgreSQL commits concurrently itself. */

#define GROUP_MAX 32

struct group_item {
    struct req *r;
    const struct route *rt;
    json_t *params;
    enum err result;
    bool done;
    struct group_item *next;
};

static pthread_mutex_t group_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_cond = PTHREAD_COND_INITIALIZER;
static struct group_item *group_head, *group_tail;
static bool group_leader;

static enum err
db_error(struct req *r, int rc, const char *what)
{
    log_error("%s %s: %s", r->id, what, db_errmsg(r->db));
    return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* Runs a batch on db (the leader's connection). */
static void
group_run(struct db *db, struct group_item *batch)
{
    int rc = db_begin(db, true);
    bool broken = rc != DB_OK;
    for (struct group_item *it = batch; it; it = it->next) {
        struct req *r = it->r;
        struct db *own = r->db;
        r->db = r->ctx.db = db;
        if (broken) {
            it->result = db_error(r, rc, "begin");
        } else if ((rc = db_exec(db, "SAVEPOINT request", NULL, 0, NULL)) != DB_OK) {
            it->result = db_error(r, rc, "savepoint");
            broken = true;
        } else {
            it->result = it->rt->fn(r, it->params);
            rc = db_exec(db, it->result == ERR_OK ? "RELEASE request"
                                                   : "ROLLBACK TO request", NULL, 0, NULL);
            if (rc == DB_OK && it->result != ERR_OK)
                rc = db_exec(db, "RELEASE request", NULL, 0, NULL);
            if (rc != DB_OK) {
                if (it->result == ERR_OK)
                    it->result = db_error(r, rc, "release");
                broken = true;
            }
        }
        r->db = r->ctx.db = own;
    }
    if (!broken) {
        rc = db_commit(db);
        broken = rc != DB_OK;
    } else {
        db_rollback(db);
    }
    if (broken) {
        /* nothing of the batch is stored: no request may report success */
        for (struct group_item *it = batch; it; it = it->next) {
            if (it->result == ERR_OK) {
                log_error("%s: group transaction failed: %s", it->r->id, db_errmsg(db));
                it->result = fail_set(&it->r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL,
                                      NULL);
            }
        }
    }
}

static enum err
run_grouped(struct req *r, const struct route *rt, json_t *params)
{
    struct group_item me = { .r = r, .rt = rt, .params = params };
    pthread_mutex_lock(&group_mutex);
    if (group_tail)
        group_tail->next = &me;
    else
        group_head = &me;
    group_tail = &me;
    while (!me.done) {
        if (group_leader) {
            pthread_cond_wait(&group_cond, &group_mutex);
            continue;
        }
        group_leader = true;
        struct group_item *batch = group_head, *last = batch;
        for (int n = 1; n < GROUP_MAX && last->next; n++)
            last = last->next;
        group_head = last->next;
        if (!group_head)
            group_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&group_mutex);
        group_run(r->db, batch);
        pthread_mutex_lock(&group_mutex);
        for (struct group_item *it = batch; it;) {
            struct group_item *next = it->next; /* it may return and vanish once done */
            it->done = true;
            it = next;
        }
        group_leader = false;
        pthread_cond_broadcast(&group_cond);
    }
    pthread_mutex_unlock(&group_mutex);
    return me.result;
}

static enum err
run_route(struct req *r, const struct route *rt, json_t *params)
{
    enum err e;
    if (!(rt->flags & ROUTE_WRITE))
        return rt->fn(r, params);
    if (db_kind(r->db) == DB_SQLITE)
        return run_grouped(r, rt, params);
    int rc = db_begin(r->db, true);
    if (rc != DB_OK) {
        log_error("%s begin: %s", r->id, db_errmsg(r->db));
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    }
    e = rt->fn(r, params);
    if (e != ERR_OK) {
        db_rollback(r->db);
        return e;
    }
    rc = db_commit(r->db);
    if (rc != DB_OK) {
        log_error("%s commit: %s", r->id, db_errmsg(r->db));
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    }
    return ERR_OK;
}

static void
finish(struct req *r, enum err e)
{
    if (e != ERR_OK) {
        api_error(r, e);
        return;
    }
    if (r->result) {
        char *s = json_dumps(r->result, JSON_COMPACT);
        json_decref(r->result);
        r->result = NULL;
        req_set_body(r, 200, "application/json; charset=utf-8", s, strlen(s));
    } else if (!r->resp_body) {
        req_set_body(r, 200, "application/json; charset=utf-8", strdup("{}"), 2);
    }
}

void
api_handle(void *db_state, struct req *r)
{
    enum err e;
    r->db = db_state;
    r->ctx.lang = pick_lang(req_header(r, "accept-language"));
    fail_init(&r->fail, r->arena, r->ctx.lang);
    r->ctx.arena = r->arena;
    r->ctx.db = r->db;
    r->ctx.fail = &r->fail;
    r->ctx.now = clock_now_ms() / 1000;
    if (!clock_zone_offset(config.tz, &r->ctx.tz_offset))
        r->ctx.tz_offset = 540;

    const char *method = r->method;
    const char *override = req_header(r, "x-http-method-override");
    if (override && strcmp(method, "POST") == 0) {
        if (strcasecmp(override, "GET") == 0)
            method = "GET";
        else if (strcasecmp(override, "PUT") == 0)
            method = "PUT";
        else if (strcasecmp(override, "DELETE") == 0)
            method = "DELETE";
    }

    const struct route *rt = routes_find_plain(method, r->path);
    json_t *params = NULL;
    if (rt) {
        e = rt->fn(r, NULL);
        finish(r, e);
        return;
    }
    bool preview, known;
    const char *rel = strip_prefix(r->path, &preview);
    if (!rel) {
        finish(r, fail_set(&r->fail, ERR_NO_ROUTE, NULL));
        return;
    }
    rt = routes_find(method, rel, preview, &known);
    if (!rt) {
        finish(r, fail_set(&r->fail, known ? ERR_METHOD : ERR_NO_ROUTE, NULL));
        return;
    }
    r->ctx.preview = preview;
    size_t limit = rt->max_body && rt->max_body < config.max_body ? rt->max_body : config.max_body;
    if (r->body_len > limit) {
        finish(r, fail_set(&r->fail, ERR_TOO_LARGE, NULL));
        return;
    }
    e = parse_params(r, rt, &params);
    if (e == ERR_OK && !(rt->flags & ROUTE_PUBLIC))
        e = auth_principal(&r->ctx, req_header_joined(r, "x-cybozu-api-token"),
                           req_header(r, "x-cybozu-authorization"));
    if (e == ERR_OK)
        e = run_route(r, rt, params);
    finish(r, e);
}

enum err
api_call_bulk(struct req *r, const char *method, const char *api_path, json_t *payload,
              json_t **result)
{
    bool preview, known;
    const char *rel = api_path ? strip_prefix(api_path, &preview) : NULL;
    const struct route *rt = rel && method ? routes_find(method, rel, preview, &known) : NULL;
    *result = NULL;
    if (!rt || !(rt->flags & ROUTE_BULK) || !(rt->flags & ROUTE_WRITE)) {
        fail_field(&r->fail, "requests", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    if (!json_is_object(payload)) {
        fail_field(&r->fail, "payload", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    enum err e = rt->fn(r, payload);
    if (e == ERR_OK) {
        *result = r->result ? r->result : json_object();
        r->result = NULL;
    }
    return e;
}

enum err
api_healthz(struct req *r, json_t *params)
{
    (void)params;
    return api_json(r, json_pack("{s:s}", "status", "ok"));
}

enum err
api_readyz(struct req *r, json_t *params)
{
    (void)params;
    int64_t v;
    bool found;
    if (!r->db || db_query_int(r->db, "SELECT 1", NULL, 0, &v, &found) != DB_OK)
        return fail_set(&r->fail, ERR_UNAVAILABLE, NULL);
    return api_json(r, json_pack("{s:s}", "status", "ready"));
}
