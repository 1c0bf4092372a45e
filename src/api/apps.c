/* App settings: app.json, apps.json, preview/app.json (create), form fields and layout, views,
 * settings, process status (read-only until workflow lands) and deploy. Settings are edited
 * on the preview version and published by deploy, as in kintone. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/text.h"
#include "domain/acl.h"
#include "domain/field.h"
#include "domain/query.h"

#include <string.h>

/* Reading pre-live settings needs app management rights (they may hold unpublished changes);
 * the live ones only record viewing. */
static unsigned
read_perm(struct req *r)
{
    return r->ctx.preview ? ACL_MANAGE : ACL_VIEW;
}

static enum err
reply_revision(struct req *r, int64_t rev)
{
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

enum err
api_app_get(struct req *r, json_t *p)
{
    int64_t id;
    json_t *out;
    enum err e = api_id(r, p, "id", &id);
    if (e == ERR_OK)
        e = acl_app(&r->ctx, id, ACL_VIEW);
    if (e == ERR_OK)
        e = app_info(&r->ctx, id, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_apps_get(struct req *r, json_t *p)
{
    int64_t limit = 100, offset = 0;
    json_t *out;
    if (json_object_get(p, "limit") && (!params_int(p, "limit", &limit) || limit < 1 || limit > 100))
        return api_param_error(r, "limit", MSG_TOO_BIG, "100");
    if (json_object_get(p, "offset") && (!params_int(p, "offset", &offset) || offset < 0))
        return api_param_error(r, "offset", MSG_BAD_PARAM, NULL);
    json_t *ids = json_object_get(p, "ids");
    json_t *codes = json_object_get(p, "codes");
    if (json_is_string(ids)) {
        json_object_set_new(p, "ids", json_pack("[O]", ids));
        ids = json_object_get(p, "ids");
    }
    if (json_is_string(codes)) {
        json_object_set_new(p, "codes", json_pack("[O]", codes));
        codes = json_object_get(p, "codes");
    }
    /* API tokens see only their own apps: narrow the id filter before paging */
    json_t *mine = NULL;
    if (r->ctx.who.kind == PRIN_TOKEN) {
        mine = json_array();
        for (int k = 0; k < r->ctx.who.ntokens; k++) {
            int64_t id = r->ctx.who.tokens[k].app_id;
            bool asked = !json_array_size(ids);
            size_t i;
            json_t *v;
            json_array_foreach(ids, i, v)
            {
                int64_t x;
                asked |= jx_to_int(v, &x) && x == id;
            }
            if (asked)
                json_array_append_new(mine, json_integer(id));
        }
        if (!json_array_size(mine)) {
            json_decref(mine);
            return api_json(r, json_pack("{s:[]}", "apps"));
        }
        ids = mine;
    }
    enum err e = app_list(&r->ctx, ids, codes, params_str(p, "name"), limit, offset, &out);
    json_decref(mine);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_app_post(struct req *r, json_t *p)
{
    const char *name = params_str(p, "name");
    int64_t id, rev;
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    if (!name || !*name)
        return api_param_error(r, "name", MSG_REQUIRED, NULL);
    if (text_length(name, strlen(name)) > 64)
        return api_param_error(r, "name", MSG_TOO_LONG, "65");
    const char *code = params_str(p, "code");
    if (code && (text_length(code, strlen(code)) > 64 || !field_code_valid(code)))
        return api_param_error(r, "code", MSG_BAD_PARAM, NULL);
    e = app_create(&r->ctx, name, params_str(p, "code"), params_str(p, "description"), &id, &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s, s:s}", "app", api_i64(r, id), "revision", api_i64(r, rev)));
}

enum err
api_fields_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", read_perm(r), &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:O, s:s}", "properties", d.props, "revision",
                                 api_i64(r, d.revision)));
}

/* Replaces every layout reference to field `from` by `to` (layout elements are objects with a
 * "code", nested in "fields" and "layout" arrays). */
static void
layout_rename(json_t *node, const char *from, const char *to)
{
    size_t i;
    json_t *v;
    if (json_is_array(node)) {
        json_array_foreach(node, i, v) layout_rename(v, from, to);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *code = json_string_value(json_object_get(node, "code"));
    if (code && strcmp(code, from) == 0)
        json_object_set_new(node, "code", json_string(to));
    layout_rename(json_object_get(node, "fields"), from, to);
    layout_rename(json_object_get(node, "layout"), from, to);
}

/* PUT fields renames a field when the "code" inside differs from the key. The data follows at
 * deploy (app.c), so the preview remembers {original code: current code}. */
static void
record_renames(struct app_def *d, const json_t *changes)
{
    const char *key;
    json_t *def;
    json_t *renames = json_object_get(d->root, "renames");
    json_object_foreach((json_t *)changes, key, def)
    {
        const char *to = json_string_value(json_object_get(def, "code"));
        if (!to || strcmp(to, key) == 0)
            continue;
        if (!renames) {
            renames = json_object();
            json_object_set_new(d->root, "renames", renames);
        }
        /* a → key earlier, key → to now: a → to */
        const char *orig = key;
        const char *k2;
        json_t *v2;
        json_object_foreach(renames, k2, v2)
        {
            if (strcmp(json_string_value(v2), key) == 0)
                orig = k2;
        }
        json_object_set_new(renames, orig, json_string(to));
        layout_rename(d->layout, key, to);
        size_t i;
        json_t *view;
        const char *vn;
        json_object_foreach(d->views, vn, view)
        {
            json_t *vf = json_object_get(view, "fields");
            json_array_foreach(vf, i, v2)
            {
                if (json_is_string(v2) && strcmp(json_string_value(v2), key) == 0)
                    json_array_set_new(vf, i, json_string(to));
            }
        }
    }
}

/* A field that a view filters or sorts on cannot be deleted (the view would break at deploy);
 * a field a view only shows is removed from the view. */
static enum err
check_views_after_delete(struct req *r, struct app_def *d, const json_t *codes,
                         const json_t *new_props)
{
    const char *vn;
    json_t *view;
    enum err e = ERR_OK;
    json_object_foreach(d->views, vn, view)
    {
        const char *filter = json_string_value(json_object_get(view, "filterCond"));
        const char *sort = json_string_value(json_object_get(view, "sort"));
        char *q = arena_printf(r->arena, "%s%s%s", filter && *filter ? filter : "",
                               sort && *sort ? " order by " : "", sort && *sort ? sort : "");
        struct fail scratch;
        fail_init(&scratch, r->arena, r->ctx.lang);
        struct ctx probe = r->ctx;
        probe.fail = &scratch;
        struct query_plan plan;
        if (*q &&
            query_compile(&probe, d->id, new_props, q, db_kind(r->db), 0, &plan) != ERR_OK) {
            size_t i;
            json_t *c;
            json_array_foreach(codes, i, c)
            {
                if (json_is_string(c) && strstr(q, json_string_value(c)))
                    fail_field(&r->fail, arena_printf(r->arena, "fields[%zu]", i),
                               MSG_TEXT,
                               arena_printf(r->arena, r->ctx.lang == LANG_EN
                                                          ? "The view \"%s\" uses this field."
                                                          : "一覧「%s」で使われています。",
                                            vn));
            }
            e = ERR_INVALID;
            continue;
        }
        json_t *vf = json_object_get(view, "fields");
        for (size_t i = json_array_size(vf); i-- > 0;)
            if (!field_find(new_props, json_string_value(json_array_get(vf, i)), NULL))
                json_array_remove(vf, i);
    }
    if (e != ERR_OK && !fail_has_fields(&r->fail))
        fail_field(&r->fail, "fields", MSG_BAD_PARAM, NULL);
    return e;
}

static enum err
change_fields(struct req *r, json_t *p, int mode /* 0 add, 1 update, 2 delete */)
{
    struct app_def d;
    json_t *props = NULL;
    int64_t rev;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    app_def_copy(&r->ctx, &d);
    e = app_check_revision(&r->ctx, json_object_get(p, "revision"), d.revision);
    if (e != ERR_OK)
        return e;
    json_t *changes = json_object_get(p, "properties");
    if (mode == 2) {
        json_t *codes = json_object_get(p, "fields");
        if (!json_is_array(codes) || !json_array_size(codes))
            return api_param_error(r, "fields", MSG_REQUIRED, NULL);
        e = field_props_delete(&r->ctx, d.props, codes, &props);
        if (e == ERR_OK)
            e = check_views_after_delete(r, &d, codes, props);
    } else {
        if (!json_is_object(changes))
            return api_param_error(r, "properties", MSG_REQUIRED, NULL);
        e = field_props_apply(&r->ctx, d.props, changes, mode == 0, &props);
    }
    if (e != ERR_OK) {
        json_decref(props);
        return e;
    }
    json_object_set_new(d.root, "properties", props);
    if (mode == 1)
        record_renames(&d, changes);
    json_object_set_new(d.root, "layout", field_layout_sync(d.layout, props));
    e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return reply_revision(r, rev);
}

enum err
api_fields_post(struct req *r, json_t *p)
{
    return change_fields(r, p, 0);
}

enum err
api_fields_put(struct req *r, json_t *p)
{
    return change_fields(r, p, 1);
}

enum err
api_fields_delete(struct req *r, json_t *p)
{
    return change_fields(r, p, 2);
}

enum err
api_layout_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", read_perm(r), &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:O, s:s}", "layout", d.layout ? d.layout : json_array(),
                                 "revision", api_i64(r, d.revision)));
}

enum err
api_layout_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t rev;
    json_t *layout = json_object_get(p, "layout");
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    if (!json_is_array(layout))
        return api_param_error(r, "layout", MSG_REQUIRED, NULL);
    e = field_layout_validate(&r->ctx, d.props, layout);
    if (e != ERR_OK)
        return e;
    app_def_copy(&r->ctx, &d);
    json_object_set_new(d.root, "layout", field_layout_sync(layout, d.props));
    e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return reply_revision(r, rev);
}

enum err
api_views_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", read_perm(r), &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:O, s:s}", "views", d.views ? d.views : json_object(),
                                 "revision", api_i64(r, d.revision)));
}

/* Checks one view and fills in what kintone fills in (id, index as string, defaults). */
static enum err
check_view(struct req *r, struct app_def *d, const char *name, json_t *v, int64_t id)
{
    const char *key = arena_printf(r->arena, "views.%s", name);
    if (!json_is_object(v))
        return api_param_error(r, key, MSG_BAD_TYPE, NULL);
    const char *type = params_str(v, "type");
    if (!type || (strcmp(type, "LIST") && strcmp(type, "CALENDAR") && strcmp(type, "CUSTOM")))
        return api_param_error(r, arena_printf(r->arena, "%s.type", key), MSG_BAD_PARAM, NULL);
    int64_t index;
    if (!params_int(v, "index", &index))
        return api_param_error(r, arena_printf(r->arena, "%s.index", key), MSG_REQUIRED, NULL);
    const char *filter = params_str(v, "filterCond");
    const char *sort = params_str(v, "sort");
    struct query_plan plan;
    if (filter && *filter) {
        enum err e = query_compile(&r->ctx, d->id, d->props, filter, DB_SQLITE, QUERY_NO_ORDER, &plan);
        if (e != ERR_OK)
            return e;
    }
    if (sort && *sort) {
        enum err e = query_compile(&r->ctx, d->id, d->props,
                                   arena_printf(r->arena, "order by %s", sort), DB_SQLITE, 0, &plan);
        if (e != ERR_OK)
            return e;
    }
    const json_t *fields = json_object_get(v, "fields");
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        if (!json_is_string(f) || !field_find(d->props, json_string_value(f), NULL))
            return api_param_error(r, arena_printf(r->arena, "%s.fields[%zu]", key, i),
                                   MSG_UNKNOWN_FIELD, json_string_value(f));
    }
    json_object_set_new(v, "name", json_string(name));
    json_object_set_new(v, "index", json_string(api_i64(r, index)));
    if (!json_object_get(v, "id"))
        json_object_set_new(v, "id", json_string(api_i64(r, id)));
    if (!filter)
        json_object_set_new(v, "filterCond", json_string(""));
    if (!sort)
        json_object_set_new(v, "sort", json_string(""));
    return ERR_OK;
}

enum err
api_views_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t rev;
    json_t *views = json_object_get(p, "views");
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    if (!json_is_object(views))
        return api_param_error(r, "views", MSG_REQUIRED, NULL);
    const char *name;
    json_t *v;
    /* new views get ids above every id the app has used */
    int64_t next_id = 1000000;
    json_object_foreach(d.views, name, v)
    {
        int64_t id;
        if (params_int(v, "id", &id) && id >= next_id)
            next_id = id + 1;
    }
    int64_t used = json_integer_value(json_object_get(d.settings, "lastViewId"));
    if (used >= next_id)
        next_id = used + 1;
    json_object_foreach(views, name, v)
    {
        /* keep the id of an existing view of the same name */
        json_t *old = json_object_get(d.views, name);
        if (old && json_object_get(old, "id") && json_is_object(v) && !json_object_get(v, "id"))
            json_object_set(v, "id", json_object_get(old, "id"));
        e = check_view(r, &d, name, v, next_id++);
        if (e != ERR_OK)
            return e;
    }
    app_def_copy(&r->ctx, &d);
    json_object_set(d.root, "views", views);
    if (!json_is_object(d.settings)) {
        d.settings = json_object();
        json_object_set_new(d.root, "settings", d.settings);
    }
    json_object_set_new(d.settings, "lastViewId", json_integer(next_id - 1));
    e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    json_t *ids = json_object();
    json_object_foreach(views, name, v)
    {
        json_object_set_new(ids, name, json_pack("{s:O}", "id", json_object_get(v, "id")));
    }
    return api_json(r, json_pack("{s:o, s:s}", "views", ids, "revision", api_i64(r, rev)));
}

enum err
api_settings_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", read_perm(r), &d);
    if (e != ERR_OK)
        return e;
    json_t *s = d.settings ? json_deep_copy(d.settings) : json_object();
    json_object_del(s, "lastViewId");
    if (!json_is_string(json_object_get(s, "name")))
        json_object_set_new(s, "name", json_string(d.name));
    if (!json_object_get(s, "description"))
        json_object_set_new(s, "description", json_string(""));
    json_object_set_new(s, "revision", json_string(api_i64(r, d.revision)));
    return api_json(r, s);
}

static bool
is_boolish(const json_t *v)
{
    const char *t = json_string_value(v);
    return json_is_boolean(v) || (t && (!strcmp(t, "true") || !strcmp(t, "false")));
}

/* Values kintone accepts in app settings. */
static enum err
check_settings(struct req *r, json_t *p)
{
    static const char *const themes[] = { "WHITE", "RED", "GREEN", "BLUE", "YELLOW", "BLACK",
                                          "CLIPBOARD", "BINDER", "PENCIL", "CLIPS" };
    const json_t *v;
    enum err e = ERR_OK;
    if ((v = json_object_get(p, "name"))) {
        const char *n = json_string_value(v);
        if (!n || !*n || text_length(n, strlen(n)) > 64)
            e = api_param_error(r, "name", n && *n ? MSG_TOO_LONG : MSG_REQUIRED, "65");
    }
    if ((v = json_object_get(p, "description")) && !json_is_string(v))
        e = api_param_error(r, "description", MSG_BAD_TYPE, NULL);
    if ((v = json_object_get(p, "theme"))) {
        bool ok = false;
        for (size_t i = 0; i < sizeof(themes) / sizeof(themes[0]); i++)
            ok |= json_is_string(v) && !strcmp(json_string_value(v), themes[i]);
        if (!ok)
            e = api_param_error(r, "theme", MSG_BAD_PARAM, NULL);
    }
    if ((v = json_object_get(p, "recordRules")) && !json_is_object(v))
        e = api_param_error(r, "recordRules", MSG_BAD_TYPE, NULL);
    if ((v = json_object_get(p, "kpiOfficeField")) && !json_is_string(v) && !json_is_null(v))
        e = api_param_error(r, "kpiOfficeField", MSG_BAD_TYPE, NULL);
    if ((v = json_object_get(p, "kpiExclude")) && !json_is_boolean(v))
        e = api_param_error(r, "kpiExclude", MSG_BAD_TYPE, NULL);
    if ((v = json_object_get(p, "routing")) && !json_is_object(v) && !json_is_null(v))
        e = api_param_error(r, "routing", MSG_BAD_TYPE, NULL);
    if ((v = json_object_get(p, "ledger")) && !json_is_object(v) && !json_is_null(v))
        e = api_param_error(r, "ledger", MSG_BAD_TYPE, NULL);
    int64_t m;
    if ((v = json_object_get(p, "firstMonthOfFiscalYear")) && (!jx_to_int(v, &m) || m < 1 || m > 12))
        e = api_param_error(r, "firstMonthOfFiscalYear", MSG_BAD_PARAM, NULL);
    const char *flags[] = { "enableThumbnails", "enableBulkDeletion", "enableComments",
                            "enableDuplicateRecord" };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if ((v = json_object_get(p, flags[i])) && !is_boolish(v))
            e = api_param_error(r, flags[i], MSG_BAD_TYPE, NULL);
    return e;
}

enum err
api_settings_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t rev;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    app_def_copy(&r->ctx, &d);
    json_t *s = json_object_get(d.root, "settings");
    if (!json_is_object(s)) {
        s = json_object();
        json_object_set_new(d.root, "settings", s);
    }
    e = check_settings(r, p);
    if (e != ERR_OK)
        return e;
    const char *keys[] = { "name", "description", "theme", "titleField", "enableThumbnails",
                           "enableBulkDeletion", "enableComments", "enableDuplicateRecord",
                           "firstMonthOfFiscalYear", "recordRules" /* the staff record screen's rules */,
                           "kpiOfficeField" /* the dashboard's office field */,
                           "kpiExclude" /* not on the all-apps dashboard */,
                           "routing" /* the office a new record goes to (routing.h) */,
                           "ledger" /* the 審査台帳 this app's records are mirrored to (ledger.h) */ };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (json_object_get(p, keys[i]))
            json_object_set(s, keys[i], json_object_get(p, keys[i]));
    e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return reply_revision(r, rev);
}


enum err
api_deploy_post(struct req *r, json_t *p)
{
    json_t *apps = json_object_get(p, "apps");
    if (!json_is_array(apps) || !json_array_size(apps) || json_array_size(apps) > 300)
        return api_param_error(r, "apps", MSG_REQUIRED, NULL);
    bool revert = params_bool(p, "revert");
    size_t i;
    json_t *a;
    json_array_foreach(apps, i, a)
    {
        int64_t id;
        const char *key = arena_printf(r->arena, "apps[%zu].app", i);
        if (!json_is_object(a) || !params_int(a, "app", &id) || id <= 0)
            return api_param_error(r, key, MSG_REQUIRED, NULL);
        enum err e = acl_app(&r->ctx, id, ACL_MANAGE);
        if (e == ERR_OK)
            e = app_deploy(&r->ctx, id, json_object_get(a, "revision"), revert);
        if (e != ERR_OK)
            return e;
    }
    return api_json(r, json_object());
}

enum err
api_deploy_get(struct req *r, json_t *p)
{
    json_t *apps = json_object_get(p, "apps");
    if (json_is_string(apps)) {
        json_object_set_new(p, "apps", json_pack("[O]", apps));
        apps = json_object_get(p, "apps");
    }
    if (!json_is_array(apps) || !json_array_size(apps))
        return api_param_error(r, "apps", MSG_REQUIRED, NULL);
    json_t *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(apps, i, a)
    {
        int64_t id;
        const char *status;
        enum err e = ERR_OK;
        if (!jx_to_int(a, &id) || id <= 0)
            e = api_param_error(r, arena_printf(r->arena, "apps[%zu]", i), MSG_BAD_PARAM, NULL);
        if (e == ERR_OK)
            e = acl_app(&r->ctx, id, ACL_MANAGE);
        if (e == ERR_OK)
            e = app_deploy_status(&r->ctx, id, &status);
        if (e != ERR_OK) {
            json_decref(out);
            return e;
        }
        json_array_append_new(out, json_pack("{s:s, s:s}", "app", api_i64(r, id), "status", status));
    }
    return api_json(r, json_pack("{s:o}", "apps", out));
}
