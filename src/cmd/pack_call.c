/* The installer's requests through the real route table; see pack_int.h. */
#include "cmd/pack_int.h"

#include "api/api.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/pack.h"
#include "http/request.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
pack_run_open(struct pack_run *p, struct runtime *rt)
{
    p->rt = rt;
    p->a = arena_new();
    runtime_ctx(rt, &p->c, p->a, &p->f);
    p->apps = json_object();
    /* a password nobody knows: 32 random bytes, hex */
    unsigned char raw[32];
    char pw[65];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
    int64_t id;
    enum err e;
    if (db_begin(rt->db, true) != DB_OK)
        goto fail;
    if (auth_user_name(&p->c, PACK_INSTALLER))
        e = auth_user_set_password(&p->c, PACK_INSTALLER, pw);
    else
        e = auth_user_add(&p->c, PACK_INSTALLER, "パック導入 (pack installer)", pw, true, true, &id);
    if (e != ERR_OK || db_commit(rt->db) != DB_OK) {
        (void)db_rollback(rt->db);
        goto fail;
    }
    char cred[128];
    snprintf(cred, sizeof(cred), "%s:%s", PACK_INSTALLER, pw);
    sodium_bin2base64(p->auth, sizeof(p->auth), (const unsigned char *)cred, strlen(cred),
                      sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(cred, sizeof(cred));
    return 0;
fail:
    fprintf(stderr, "madoguchi pack: cannot prepare the installer account: %s\n",
            p->f.message ? p->f.message : db_errmsg(rt->db));
    return 1;
}

void
pack_run_close(struct pack_run *p)
{
    if (p->rt)
        pack_tokens_revoke_all(p);
    json_decref(p->resp);
    json_decref(p->manifest);
    json_decref(p->chocho);
    json_decref(p->tree);
    json_decref(p->route_map);
    json_decref(p->route_check);
    json_decref(p->apps);
    json_decref(p->ledger_def);
    sodium_memzero(p->auth, sizeof(p->auth));
    arena_free(p->a);
    memset(p, 0, sizeof(*p));
}

static int
request(struct pack_run *p, const char *method, const char *target, const char *body, size_t len,
        const char *content_type, const char *token)
{
    json_decref(p->resp);
    p->resp = NULL;
    struct arena *a = arena_new();
    struct req r;
    req_init(&r, a);
    snprintf(r.id, sizeof(r.id), "pack");
    r.method = method;
    const char *q = strchr(target, '?');
    r.path = q ? arena_strndup(a, target, (size_t)(q - target)) : arena_strdup(a, target);
    r.query = q ? q + 1 : "";
    char *copy = arena_alloc(a, len + 1);
    if (len)
        memcpy(copy, body, len);
    copy[len] = '\0';
    r.body = copy;
    r.body_len = len;
    r.remote_addr = "";
    r.headers = arena_alloc(a, sizeof(struct http_header) * 3);
    r.headers[r.nheaders++] = (struct http_header){ "content-type", content_type };
    if (token)
        r.headers[r.nheaders++] = (struct http_header){ "x-cybozu-api-token", token };
    else
        r.headers[r.nheaders++] = (struct http_header){ "x-cybozu-authorization", p->auth };
    api_handle(p->rt->db, &r);
    p->status = r.status;
    if (r.resp_body)
        p->resp = json_loadb(r.resp_body, r.resp_len, 0, NULL);
    free(r.resp_body);
    arena_free(a);
    return p->status;
}

int
pack_call(struct pack_run *p, const char *method, const char *path, const json_t *body,
          const char *token)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    int st = request(p, method, path, text, text ? strlen(text) : 0, "application/json", token);
    free(text);
    return st;
}

int
pack_get(struct pack_run *p, const char *fmt, ...)
{
    char target[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(target, sizeof(target), fmt, ap);
    va_end(ap);
    return request(p, "GET", target, NULL, 0, "application/json", NULL);
}

const char *
pack_upload(struct pack_run *p, const char *rel)
{
    size_t len;
    char *data = pack_read_text(p, rel, &len, true);
    if (!data)
        return NULL;
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    const char *boundary = "----madoguchi-pack-boundary-7f3a9c";
    char head[1024];
    int hn = snprintf(head, sizeof(head),
                      "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                      "Content-Type: application/octet-stream\r\n\r\n",
                      boundary, base);
    char tail[128];
    int tn = snprintf(tail, sizeof(tail), "\r\n--%s--\r\n", boundary);
    size_t total = (size_t)hn + len + (size_t)tn;
    char *body = malloc(total);
    memcpy(body, head, (size_t)hn);
    memcpy(body + hn, data, len);
    memcpy(body + (size_t)hn + len, tail, (size_t)tn);
    free(data);
    char ct[128];
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", boundary);
    int st = request(p, "POST", "/k/v1/file.json", body, total, ct, NULL);
    free(body);
    const char *key = json_string_value(json_object_get(p->resp, "fileKey"));
    if (st != 200 || !key) {
        pack_fail(p, rel);
        return NULL;
    }
    return arena_strdup(p->a, key);
}

int
pack_fail(struct pack_run *p, const char *what)
{
    char *text = p->resp ? json_dumps(p->resp, JSON_COMPACT) : NULL;
    fprintf(stderr, "madoguchi pack: %s: %s: HTTP %d %s\n", p->file ? p->file : "-", what,
            p->status, text ? text : "");
    free(text);
    return 1;
}

static char *
path_of(struct pack_run *p, const char *rel)
{
    size_t n = strlen(p->dir) + strlen(rel) + 2;
    char *s = arena_alloc(p->a, n);
    snprintf(s, n, "%s/%s", p->dir, rel);
    return s;
}

char *
pack_read_text(struct pack_run *p, const char *rel, size_t *len, bool must)
{
    const char *path = path_of(p, rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (must)
            fprintf(stderr, "madoguchi pack: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

json_t *
pack_read_json(struct pack_run *p, const char *rel, bool must)
{
    const char *path = path_of(p, rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (must)
            fprintf(stderr, "madoguchi pack: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    json_error_t err;
    json_t *j = json_loadf(f, 0, &err);
    fclose(f);
    if (!j)
        fprintf(stderr, "madoguchi pack: %s: line %d: %s\n", path, err.line, err.text);
    return j;
}

int
pack_records(struct pack_run *p, long long app, const char *query)
{
    struct strbuf t;
    strbuf_init(&t, NULL, 1 << 20);
    strbuf_addf(&t, "/k/v1/records.json?app=%lld&fields[0]=$id&query=", app);
    strbuf_add_url_escaped(&t, query);
    int st = request(p, "GET", t.buf, NULL, 0, "application/json", NULL);
    strbuf_release(&t);
    return st;
}

const char *
pack_app_token(struct pack_run *p, long long app)
{
    char key[32], out[64];
    snprintf(key, sizeof(key), "%lld", app);
    if (!p->tokens)
        p->tokens = json_object();
    const char *had = json_string_value(json_object_get(p->tokens, key));
    if (had)
        return had;
    if (db_begin(p->rt->db, true) != DB_OK)
        return NULL;
    if (auth_token_create(&p->c, app, ACL_ALL, PACK_DEMO_TOKEN, "", out) != ERR_OK ||
        db_commit(p->rt->db) != DB_OK) {
        (void)db_rollback(p->rt->db);
        fprintf(stderr, "madoguchi pack: cannot create a token for app %lld\n", app);
        return NULL;
    }
    json_object_set_new(p->tokens, key, json_string(out));
    sodium_memzero(out, sizeof(out));
    return json_string_value(json_object_get(p->tokens, key));
}

void
pack_tokens_revoke_all(struct pack_run *p)
{
    if (!p->tokens)
        return;
    if (db_begin(p->rt->db, true) == DB_OK && pack_tokens_revoke(&p->c, PACK_DEMO_TOKEN) == ERR_OK)
        (void)db_commit(p->rt->db);
    else
        (void)db_rollback(p->rt->db);
    json_decref(p->tokens);
    p->tokens = NULL;
}
