/* App definitions; see app.h. */
#include "app.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/app_sql.h"
#include "domain/field.h"
#include "domain/query.h"
#include "domain/wf.h"
#include "domain/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP_CACHE 16

struct cached_def {
    int64_t app_id;
    bool preview;
    int64_t revision;
    json_t *root;
    unsigned long used;
};

static _Thread_local struct cached_def cache[APP_CACHE];
static _Thread_local unsigned long cache_clock;

static void
decref(void *p)
{
    json_decref(p);
}

enum err
app_db_fail(struct ctx *c, int rc)
{
    log_error("db: %s", db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static enum err
not_found(struct ctx *c, int64_t app_id)
{
    return fail_set(c->fail, ERR_APP_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)app_id));
}

void
app_cache_clear(void)
{
    for (int i = 0; i < APP_CACHE; i++) {
        if (cache[i].root)
            json_decref(cache[i].root);
        cache[i].root = NULL;
        cache[i].app_id = 0;
    }
}

static json_t *
cache_get(int64_t app_id, bool preview, int64_t revision)
{
    for (int i = 0; i < APP_CACHE; i++) {
        if (cache[i].root && cache[i].app_id == app_id && cache[i].preview == preview &&
            cache[i].revision == revision) {
            cache[i].used = ++cache_clock;
            return cache[i].root;
        }
    }
    return NULL;
}

static void
cache_put(int64_t app_id, bool preview, int64_t revision, json_t *root)
{
    struct cached_def *victim = &cache[0];
    for (int i = 0; i < APP_CACHE; i++) {
        if (cache[i].root && cache[i].app_id == app_id && cache[i].preview == preview) {
            victim = &cache[i];
            break;
        }
        if (!cache[i].root || cache[i].used < victim->used)
            victim = &cache[i];
    }
    if (victim->root)
        json_decref(victim->root);
    victim->app_id = app_id;
    victim->preview = preview;
    victim->revision = revision;
    victim->root = json_incref(root);
    victim->used = ++cache_clock;
}

static void
bind_parts(struct app_def *d)
{
    d->props = json_object_get(d->root, "properties");
    d->layout = json_object_get(d->root, "layout");
    d->views = json_object_get(d->root, "views");
    d->settings = json_object_get(d->root, "settings");
    d->acl = json_object_get(d->root, "acl");
}

enum err
app_load(struct ctx *c, int64_t app_id, bool preview, struct app_def *out)
{
    memset(out, 0, sizeof(*out));
    if (app_id <= 0)
        return not_found(c, app_id);
    struct db_param p[] = { DBP_INT(app_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, APP_SQL_HEAD, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        out->id = app_id;
        out->revision = db_col_int(res, preview ? 1 : 0);
        out->code = arena_strdup(c->arena, db_col_text(res, 2));
        out->name = arena_strdup(c->arena, db_col_text(res, 3));
        out->deploy_status = arena_strdup(c->arena, db_col_text(res, 4));
        out->creator = arena_strdup(c->arena, db_col_text(res, 5));
        out->render_rev = db_col_int(res, 6);
        out->acl_rev = db_col_int(res, 7);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return not_found(c, app_id);

    json_t *root = cache_get(app_id, preview, out->revision);
    if (!root) {
        rc = db_query(c->db, preview ? APP_SQL_PREVIEW_DEF : APP_SQL_LIVE_DEF, p, 1, &res);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        rc = db_step(res);
        if (rc == 1)
            root = json_loadb(db_col_text(res, 0), db_col_len(res, 0), 0, NULL);
        db_res_free(res);
        if (rc < 0)
            return app_db_fail(c, rc);
        if (!root || !json_is_object(root)) {
            json_decref(root);
            log_error("app %lld: unreadable definition", (long long)app_id);
            return fail_set(c->fail, ERR_INTERNAL, NULL);
        }
        cache_put(app_id, preview, out->revision, root);
    } else {
        json_incref(root);
    }
    arena_defer(c->arena, decref, root);
    out->root = root;
    bind_parts(out);
    return ERR_OK;
}

void
app_def_copy(struct ctx *c, struct app_def *d)
{
    json_t *copy = json_deep_copy(d->root);
    arena_defer(c->arena, decref, copy);
    d->root = copy;
    bind_parts(d);
}

enum err
app_check_revision(struct ctx *c, const json_t *expected, int64_t current)
{
    int64_t want;
    if (!expected || json_is_null(expected))
        return ERR_OK;
    if (json_is_string(expected) && !*json_string_value(expected))
        return ERR_OK;
    if (json_is_integer(expected)) {
        want = json_integer_value(expected);
    } else if (json_is_string(expected)) {
        char *end;
        want = strtoll(json_string_value(expected), &end, 10);
        if (*end) {
            fail_field(c->fail, "revision", MSG_BAD_PARAM, NULL);
            return ERR_INVALID;
        }
    } else {
        fail_field(c->fail, "revision", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    if (want == -1 || want == current)
        return ERR_OK;
    if (want < -1) {
        fail_field(c->fail, "revision", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    return fail_set(c->fail, ERR_REVISION, NULL);
}

enum err
app_save_preview(struct ctx *c, struct app_def *d, const json_t *expected, int64_t *revision)
{
    enum err e = app_check_revision(c, expected, d->revision);
    if (e != ERR_OK)
        return e;
    char *text = json_dumps(d->root, JSON_COMPACT);
    arena_defer(c->arena, free, text);
    struct db_param p[] = { DBP_INT(d->id), DBP_TEXT(text), DBP_TEXT(c->who.login),
                            DBP_INT(c->now) };
    bool found;
    int rc = db_query_int(c->db, APP_SQL_SAVE_PREVIEW, p, 4, revision, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    d->revision = *revision;
    return ERR_OK;
}

enum err
app_create(struct ctx *c, const char *name, const char *code, const char *description,
           int64_t *id, int64_t *revision)
{
    if (code && *code) {
        struct db_param pc[] = { DBP_TEXT(code) };
        int64_t one;
        bool taken = false;
        int qrc = db_query_int(c->db, APP_SQL_CODE_TAKEN, pc, 1, &one, &taken);
        if (qrc != DB_OK)
            return app_db_fail(c, qrc);
        if (taken) {
            fail_field(c->fail, "code", MSG_DUPLICATE, NULL);
            return ERR_INVALID;
        }
    }
    json_t *root = json_pack("{s:o, s:[], s:{}, s:{}}", "properties", field_props_new_app(c->lang),
                             "layout", "views", "settings");
    arena_defer(c->arena, decref, root);
    json_t *layout = field_layout_sync(json_object_get(root, "layout"),
                                       json_object_get(root, "properties"));
    json_object_set_new(root, "layout", layout);
    char *text = json_dumps(root, JSON_COMPACT);
    arena_defer(c->arena, free, text);
    struct db_param p[] = { DBP_TEXT(code ? code : ""), DBP_TEXT(name),
                            DBP_TEXT(description ? description : ""), DBP_TEXT(text),
                            DBP_TEXT(c->who.login ? c->who.login : "Administrator"),
                            DBP_INT(c->now) };
    bool found;
    int rc = db_query_int(c->db, APP_SQL_INSERT, p, 6, id, &found);
    if (rc == DB_OK) {
        struct db_param ps[] = { DBP_INT(*id) };
        rc = db_exec(c->db, APP_SQL_SEQ_INSERT, ps, 1, NULL);
    }
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *revision = 1;
    return ERR_OK;
}

struct unique_ctx {
    struct ctx *c;
    int64_t app_id, record_id;
    int rc;
    const char *dup_code;
};

static void
unique_insert(void *arg, const char *code, const char *value)
{
    struct unique_ctx *u = arg;
    if (u->rc != DB_OK)
        return;
    struct db_param p[] = { DBP_INT(u->app_id), DBP_TEXT(code), DBP_TEXT(value),
                            DBP_INT(u->record_id) };
    u->rc = db_exec(u->c->db, APP_SQL_UNIQUE_INSERT, p, 4, NULL);
    if (u->rc == DB_CONSTRAINT)
        u->dup_code = arena_strdup(u->c->arena, code);
}

/* Rebuilds the unique-value index of an app from its records (when the set of unique fields
 * changed at deploy); existing duplicates make the deploy fail. */
static enum err
rebuild_unique(struct ctx *c, int64_t app_id, const json_t *props)
{
    struct db_param p[] = { DBP_INT(app_id) };
    int rc = db_exec(c->db, APP_SQL_UNIQUE_CLEAR, p, 1, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct db_res *res = NULL;
    rc = db_query(c->db, APP_SQL_RECORDS_DATA, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct unique_ctx u = { .c = c, .app_id = app_id, .rc = DB_OK };
    while ((rc = db_step(res)) == 1 && u.rc == DB_OK) {
        u.record_id = db_col_int(res, 0);
        json_t *data = json_loadb(db_col_text(res, 1), db_col_len(res, 1), 0, NULL);
        if (data)
            value_unique_each(props, data, unique_insert, &u);
        json_decref(data);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (u.rc == DB_CONSTRAINT) {
        fail_field(c->fail, arena_printf(c->arena, "properties.%s.unique", u.dup_code),
                   MSG_DUPLICATE, NULL);
        return ERR_INVALID;
    }
    if (u.rc != DB_OK)
        return app_db_fail(c, u.rc);
    return ERR_OK;
}

/* "code1\ncode2..." of unique-constrained fields, to notice a change at deploy. */
static const char *
unique_signature(struct ctx *c, const json_t *props)
{
    const char *code;
    json_t *f;
    const char *sig = "";
    json_object_foreach((json_t *)props, code, f)
    {
        if (json_is_true(json_object_get(f, "unique")))
            sig = arena_printf(c->arena, "%s%s\n", sig, code);
    }
    return sig;
}

/* Applies one rename (to != NULL) or drop of a top-level field to stored records and their
 * unique and search rows. */
static enum err
migrate_field(struct ctx *c, int64_t app_id, const char *from, const char *to)
{
    bool pg = db_kind(c->db) == DB_PG;
    const char *k1 = pg ? from : arena_printf(c->arena, "$.\"%s\"", from);
    const char *k2 = !to ? NULL : pg ? to : arena_printf(c->arena, "$.\"%s\"", to);
    struct db_param p[] = { DBP_INT(app_id), DBP_TEXT(k1), DBP_TEXT(k2) };
    struct db_param q[] = { DBP_INT(app_id), DBP_TEXT(from), DBP_TEXT(to) };
    int rc;
    if (to) {
        rc = db_exec(c->db, pg ? APP_SQL_RENAME_DATA_PG : APP_SQL_RENAME_DATA_SQLITE, p, 3, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, pg ? APP_SQL_RENAME_REVS_PG : APP_SQL_RENAME_REVS_SQLITE, p, 3, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, APP_SQL_RENAME_UNIQUE, q, 3, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, APP_SQL_RENAME_SEARCH, q, 3, NULL);
    } else {
        rc = db_exec(c->db, pg ? APP_SQL_DROP_DATA_PG : APP_SQL_DROP_DATA_SQLITE, p, 2, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, APP_SQL_DROP_UNIQUE, q, 2, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, APP_SQL_DROP_SEARCH, q, 2, NULL);
    }
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

/* kintone keeps a field's data across a rename and drops it with the field. Renames made in
 * preview are recorded in the preview's "renames" ({old: new}); deploy replays them, drops the
 * values of deleted fields, then clears the list. */
static enum err
migrate_records(struct ctx *c, int64_t app_id, const struct app_def *live,
                const struct app_def *prev)
{
    json_t *renames = json_object_get(prev->root, "renames");
    const char *code;
    json_t *def;
    enum err e;
    json_object_foreach(live->props, code, def)
    {
        if (field_type_is_system(field_def_type(def)) || json_object_get(prev->props, code))
            continue;
        const char *to = json_string_value(json_object_get(renames, code));
        if (to && !json_object_get(prev->props, to))
            to = NULL;
        e = migrate_field(c, app_id, code, to);
        if (e != ERR_OK)
            return e;
    }
    if (renames) {
        struct app_def copy = *prev;
        app_def_copy(c, &copy);
        json_object_del(copy.root, "renames");
        char *text = json_dumps(copy.root, JSON_COMPACT);
        arena_defer(c->arena, free, text);
        struct db_param p[] = { DBP_INT(app_id), DBP_TEXT(text) };
        int rc = db_exec(c->db, APP_SQL_SET_PREVIEW_TEXT, p, 2, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    return ERR_OK;
}

enum err
app_deploy(struct ctx *c, int64_t app_id, const json_t *expected, bool revert)
{
    struct app_def live, prev;
    enum err e = app_load(c, app_id, false, &live);
    if (e == ERR_OK)
        e = app_load(c, app_id, true, &prev);
    if (e != ERR_OK)
        return e;
    e = app_check_revision(c, expected, prev.revision);
    if (e != ERR_OK)
        return e;
    if (!revert) {
        /* record permissions name fields: a deploy that removes one would leave every read of
         * the app failing, so refuse it until the conditions are fixed */
        const json_t *rights = json_object_get(prev.acl, "record");
        size_t i;
        const json_t *r;
        json_array_foreach(rights, i, r)
        {
            struct query_plan plan;
            struct strbuf sb;
            struct fail quiet;
            struct fail *saved = c->fail;
            memset(&plan, 0, sizeof(plan));
            strbuf_init(&sb, c->arena, 0);
            fail_init(&quiet, c->arena, c->lang);
            c->fail = &quiet;
            e = query_append_cond(c, app_id, prev.props,
                                  json_string_value(json_object_get(r, "filterCond")), DB_SQLITE,
                                  &plan, &sb);
            c->fail = saved;
            if (e != ERR_OK) {
                fail_field(c->fail, arena_printf(c->arena, "recordAcl.rights[%zu].filterCond", i),
                           MSG_BAD_PARAM, NULL);
                return ERR_INVALID;
            }
        }
    }
    struct db_param p[] = { DBP_INT(app_id) };
    int rc;
    if (!revert) {
        e = migrate_records(c, app_id, &live, &prev);
        if (e != ERR_OK)
            return e;
    }
    /* renderings depend on the fields only: a deploy of permissions, views or settings keeps
     * them (and the records untouched) */
    bool same_fields = !revert && json_equal(live.props, prev.props);
    rc = db_exec(c->db,
                 revert ? APP_SQL_REVERT
                        : same_fields ? APP_SQL_DEPLOY_KEEP_RENDER : APP_SQL_DEPLOY,
                 p, 1, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (revert)
        return ERR_OK;
    {
        /* a process switched on: records without a status get the first one (before the
         * renderings below are made, which show it) */
        struct app_def fresh;
        e = app_load(c, app_id, false, &fresh);
        if (e == ERR_OK)
            e = wf_on_deploy(c, &fresh);
        if (e != ERR_OK)
            return e;
    }
    const char *new_name = json_string_value(json_object_get(prev.settings, "name"));
    if (new_name && *new_name) {
        struct db_param pn[] = { DBP_INT(app_id), DBP_TEXT(new_name) };
        rc = db_exec(c->db, APP_SQL_SET_NAME, pn, 2, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    if (strcmp(unique_signature(c, live.props), unique_signature(c, prev.props)) != 0) {
        e = rebuild_unique(c, app_id, prev.props);
        if (e != ERR_OK)
            return e;
    }
    /* indexes for what views filter and sort on */
    const char *name;
    json_t *view;
    json_object_foreach(prev.views, name, view)
    {
        const char *filter = json_string_value(json_object_get(view, "filterCond"));
        const char *sort = json_string_value(json_object_get(view, "sort"));
        e = query_ensure_view_index(c, app_id, prev.props, filter ? filter : "", sort ? sort : "");
        if (e != ERR_OK)
            return e;
    }
    /* record rules are pre-evaluated per record when they or the fields change */
    bool same_rules = json_equal(json_object_get(live.acl, "record") ? json_object_get(live.acl, "record") : json_null(),
                                 json_object_get(prev.acl, "record") ? json_object_get(prev.acl, "record") : json_null());
    if (!same_fields || !same_rules) {
        rc = db_exec(c->db, APP_SQL_SET_ACL_REV, p, 1, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        struct app_def fresh;
        e = app_load(c, app_id, false, &fresh);
        if (e == ERR_OK)
            e = acl_bits_refresh(c, &fresh, 0);
        if (e != ERR_OK)
            return e;
    }
    if (same_fields)
        return ERR_OK;
    /* stored renderings follow the new definition */
    rc = db_exec(c->db, APP_SQL_SET_RENDER_REV, p, 1, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct app_def now;
    e = app_load(c, app_id, false, &now);
    if (e == ERR_OK)
        e = app_rerender_records(c, &now);
    return e;
}

enum err
app_deploy_status(struct ctx *c, int64_t app_id, const char **status)
{
    struct db_param p[] = { DBP_INT(app_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, APP_SQL_DEPLOY_STATUS, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1)
        *status = arena_strdup(c->arena, db_col_text(res, 0));
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return rc == 1 ? ERR_OK : not_found(c, app_id);
}

static json_t *
info_row(struct ctx *c, struct db_res *res)
{
    char created[24], modified[24];
    clock_format_utc(db_col_int(res, 5), created);
    clock_format_utc(db_col_int(res, 7), modified);
    (void)c;
    return json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s}}",
                     "appId", arena_printf(c->arena, "%lld", (long long)db_col_int(res, 0)),
                     "code", db_col_text(res, 1), "name", db_col_text(res, 2), "description",
                     db_col_text(res, 3), "spaceId", "threadId", "createdAt", created, "creator",
                     "code", db_col_text(res, 4), "name", db_col_text(res, 4), "modifiedAt",
                     modified, "modifier", "code", db_col_text(res, 6), "name",
                     db_col_text(res, 6));
}

enum err
app_info(struct ctx *c, int64_t app_id, json_t **out)
{
    struct db_param p[] = { DBP_INT(app_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, APP_SQL_INFO, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1)
        *out = info_row(c, res);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return rc == 1 ? ERR_OK : not_found(c, app_id);
}

static bool
in_list(const json_t *list, const char *s, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && s && strcmp(json_string_value(v), s) == 0)
            return true;
        if (json_is_string(v) && !s && strtoll(json_string_value(v), NULL, 10) == id)
            return true;
        if (json_is_integer(v) && !s && json_integer_value(v) == id)
            return true;
    }
    return false;
}

static bool
app_visible(struct ctx *c, int64_t id)
{
    struct app_def live;
    struct fail quiet;
    struct fail *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    bool ok = app_load(c, id, false, &live) == ERR_OK && (acl_app_rights(c, &live) & ACL_VIEW);
    c->fail = saved;
    return ok;
}

enum err
app_list(struct ctx *c, const json_t *ids, const json_t *codes, const char *name, int64_t limit,
         int64_t offset, json_t **out)
{
    /* filters are applied in C: the number of apps is small (hundreds at most) */
    struct db_param p[] = { DBP_INT(100000), DBP_INT(0) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, APP_SQL_LIST, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *apps = json_array();
    int64_t skipped = 0;
    while ((rc = db_step(res)) == 1) {
        int64_t id = db_col_int(res, 0);
        if (json_array_size(ids) && !in_list(ids, NULL, id))
            continue;
        if (json_array_size(codes) && !in_list(codes, db_col_text(res, 1), 0))
            continue;
        if (name && *name && !strstr(db_col_text(res, 2), name))
            continue;
        if (c->who.kind == PRIN_USER && !(app_visible(c, id)))
            continue; /* apps the caller may not open are not listed */
        if (skipped++ < offset)
            continue;
        if ((int64_t)json_array_size(apps) >= limit)
            break;
        json_array_append_new(apps, info_row(c, res));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(apps);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{s:o}", "apps", apps);
    return ERR_OK;
}

enum err
app_next_record_ids(struct ctx *c, int64_t app_id, int64_t n, int64_t *first)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(n) };
    bool found;
    int rc;
    if (db_kind(c->db) == DB_SQLITE) {
        /* a read instead of a counter update: one page less in every insert's WAL */
        rc = db_query_int(c->db, APP_SQL_MAX_RECORD_ID, p, 1, first, &found);
        return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
    }
    rc = db_query_int(c->db, APP_SQL_NEXT_RECORD_IDS, p, 2, first, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    return found ? ERR_OK : not_found(c, app_id);
}

enum err
app_next_row_id(struct ctx *c, int64_t app_id, int64_t *id)
{
    struct db_param p[] = { DBP_INT(app_id) };
    bool found;
    int rc = db_query_int(c->db, APP_SQL_NEXT_ROW_ID, p, 1, id, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    return found ? ERR_OK : not_found(c, app_id);
}
