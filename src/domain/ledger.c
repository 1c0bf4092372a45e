/* The 審査台帳 mirror; see ledger.h. */
#include "domain/ledger.h"

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/field.h"
#include "domain/ledger_sql.h"
#include "domain/record.h"

#include <stdio.h>
#include <string.h>

static void
ledger_decref(void *p)
{
    json_decref(p);
}

/* A stored value (records.data) in the write shape of a field of type t. */
static json_t *
write_value(enum ftype t, const json_t *v)
{
    if (t == FT_USER_SELECT || t == FT_ORGANIZATION_SELECT || t == FT_GROUP_SELECT) {
        json_t *out = json_array();
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_string(e))
                json_array_append_new(out, json_pack("{s:O}", "code", e));
            else if (json_is_object(e) && json_object_get(e, "code"))
                json_array_append_new(out, json_pack("{s:O}", "code", json_object_get(e, "code")));
        }
        return out;
    }
    if ((t == FT_SINGLE_LINE_TEXT || t == FT_MULTI_LINE_TEXT) && json_is_array(v)) {
        /* a choice list shown as text */
        char buf[1024] = "";
        size_t used = 0, i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            const char *s = json_string_value(e);
            if (s)
                used += (size_t)snprintf(buf + used, used < sizeof(buf) ? sizeof(buf) - used : 0,
                                         "%s%s", i ? "・" : "", s);
            if (used >= sizeof(buf))
                break;
        }
        return json_string(buf);
    }
    return json_deep_copy(v);
}

static const char *
site_text(struct ctx *c, const struct app_def *d, const json_t *data)
{
    const json_t *sf = json_object_get(json_object_get(d->settings, "routing"), "siteField");
    const char *out = "";
    size_t n = json_is_array(sf) ? json_array_size(sf) : 1;
    for (size_t i = 0; i < n; i++) {
        const char *code = json_string_value(json_is_array(sf) ? json_array_get(sf, i) : sf);
        const json_t *v = code ? json_object_get(data, code) : NULL;
        if (json_is_array(v))
            v = json_array_get(v, 0);
        if (json_is_string(v))
            out = arena_printf(c->arena, "%s%s", out, json_string_value(v));
    }
    return out;
}

/* The ledger record (write shape) for the source row. */
static json_t *
ledger_record(struct ctx *c, const struct app_def *d, const struct app_def *ld,
              const json_t *conf, int64_t id, const json_t *data, const char *status)
{
    json_t *rec = json_object();
    const char *dst;
    const json_t *srcv;
    json_object_foreach(json_object_get(conf, "fields"), dst, srcv)
    {
        const char *src = json_string_value(srcv);
        const json_t *ldef = json_object_get(ld->props, dst);
        if (!src || !ldef)
            continue;
        enum ftype t = field_def_type(ldef);
        json_t *v = NULL;
        if (!strcmp(src, "$app"))
            v = json_string(d->name ? d->name : "");
        else if (!strcmp(src, "$appId"))
            v = json_string(arena_printf(c->arena, "%lld", (long long)d->id));
        else if (!strcmp(src, "$id"))
            v = json_string(arena_printf(c->arena, "%lld", (long long)id));
        else if (!strcmp(src, "$status"))
            v = json_string(status ? status : "");
        else if (!strcmp(src, "$site"))
            v = json_string(site_text(c, d, data));
        else if (json_object_get(data, src))
            v = write_value(t, json_object_get(data, src));
        else
            continue;
        json_object_set_new(rec, dst, json_pack("{s:o}", "value", v));
    }
    return rec;
}

static enum err
sync_one(struct ctx *sys, const struct app_def *d, const struct app_def *ld, const json_t *conf,
         int64_t id)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(sys->db, LEDGER_SQL_ROW, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(sys, rc);
    json_t *data = NULL;
    const char *status = NULL;
    bool deleted = true;
    if ((rc = db_step(res)) == 1) {
        data = json_loadb(db_col_text(res, 0), db_col_len(res, 0), 0, NULL);
        status = db_col_null(res, 1) ? NULL : arena_strdup(sys->arena, db_col_text(res, 1));
        deleted = !db_col_null(res, 2);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(sys, rc);
    if (!data)
        data = json_object();
    arena_defer(sys->arena, ledger_decref, data);
    if (deleted)
        status = "削除済み";
    const char *key = json_string_value(json_object_get(conf, "key"));
    json_t *rec = ledger_record(sys, d, ld, conf, id, data, status);
    arena_defer(sys->arena, ledger_decref, rec);
    const char *kv = arena_printf(sys->arena, "%lld-%lld", (long long)d->id, (long long)id);
    json_object_set_new(rec, key, json_pack("{s:s}", "value", kv));
    json_t *uk = json_pack("{s:s,s:s}", "field", key, "value", kv);
    arena_defer(sys->arena, ledger_decref, uk);
    json_object_del(rec, key); /* the key goes in updateKey, not in the record */
    struct rec_target t = { .id = 0, .update_key = uk, .expected_revision = -1 };
    int64_t out_id, rev;
    bool inserted;
    return rec_update(sys, ld, &t, rec, "ledger", true, &out_id, &rev, &inserted);
}

/* The system acting inside the caller's request (same arena, database and clock). */
static void
system_ctx(const struct ctx *c, struct ctx *sys)
{
    *sys = *c;
    memset(&sys->who, 0, sizeof(sys->who));
    sys->who.kind = PRIN_SYSTEM;
    sys->who.login = "system";
    sys->who.name = "system";
    sys->who.is_admin = true;
    sys->acl_cache = NULL;
    sys->audit = NULL;
    sys->preview = false;
}

static bool
ledger_of(struct ctx *sys, const struct app_def *d, const json_t **conf, struct app_def *ld)
{
    *conf = json_object_get(d->settings, "ledger");
    json_int_t app = json_integer_value(json_object_get(*conf, "app"));
    if (!app) {
        const char *s = json_string_value(json_object_get(*conf, "app"));
        app = s ? (json_int_t)strtoll(s, NULL, 10) : 0;
    }
    if (!app || app == d->id || !json_string_value(json_object_get(*conf, "key")))
        return false;
    return app_load(sys, app, false, ld) == ERR_OK;
}

enum err
ledger_sync(struct ctx *c, const struct app_def *d, int64_t id)
{
    if (!json_object_get(d->settings, "ledger"))
        return ERR_OK;
    struct ctx sys;
    struct fail f;
    system_ctx(c, &sys);
    fail_init(&f, c->arena, c->lang);
    sys.fail = &f;
    const json_t *conf;
    struct app_def ld;
    if (db_exec(c->db, LEDGER_SQL_SAVEPOINT, NULL, 0, NULL) != DB_OK)
        return app_db_fail(c, DB_ERROR);
    enum err e = ledger_of(&sys, d, &conf, &ld) ? sync_one(&sys, d, &ld, conf, id) : ERR_NOT_FOUND;
    if (e != ERR_OK) {
        log_warn("ledger: app %lld record %lld not mirrored: %s", (long long)d->id, (long long)id,
                 f.message ? f.message : "no ledger app");
        if (db_exec(c->db, LEDGER_SQL_ROLLBACK_TO, NULL, 0, NULL) != DB_OK)
            return app_db_fail(c, DB_ERROR);
    }
    if (db_exec(c->db, LEDGER_SQL_RELEASE, NULL, 0, NULL) != DB_OK)
        return app_db_fail(c, DB_ERROR);
    return ERR_OK;
}

enum err
ledger_sync_all(struct ctx *c, const struct app_def *d, int64_t *count)
{
    *count = 0;
    struct db_param p[] = { DBP_INT(d->id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, LEDGER_SQL_IDS, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    size_t n = 0, cap = 256;
    int64_t *ids = arena_alloc(c->arena, sizeof(int64_t) * cap);
    while ((rc = db_step(res)) == 1) {
        if (n == cap) {
            int64_t *more = arena_alloc(c->arena, sizeof(int64_t) * cap * 2);
            memcpy(more, ids, sizeof(int64_t) * n);
            ids = more;
            cap *= 2;
        }
        ids[n++] = db_col_int(res, 0);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    for (size_t i = 0; i < n; i++) {
        enum err e = ledger_sync(c, d, ids[i]);
        if (e != ERR_OK)
            return e;
    }
    *count = (int64_t)n;
    return ERR_OK;
}
