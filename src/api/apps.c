/* App settings: app.json, apps.json, preview/app.json (create), form fields and layout, views,
 * settings, process status (read-only until workflow lands) and deploy. Settings are edited
 * on the preview version and published by deploy, as in kintone. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "domain/acl.h"
#include "domain/field.h"
#include "domain/query.h"

#include <string.h>

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
    enum err e = app_list(&r->ctx, ids, codes, params_str(p, "name"), limit, offset, &out);
    if (e != ERR_OK)
        return e;
    /* API tokens see only their own apps */
    if (r->ctx.who.kind == PRIN_TOKEN) {
        json_t *apps = json_object_get(out, "apps");
        for (size_t i = json_array_size(apps); i-- > 0;) {
            int64_t id = 0;
            params_int(json_array_get(apps, i), "appId", &id);
            bool mine = false;
            for (int k = 0; k < r->ctx.who.ntokens; k++)
                mine |= r->ctx.who.tokens[k].app_id == id;
            if (!mine)
                json_array_remove(apps, i);
        }
    }
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
    if (strlen(name) > 64 * 4)
        return api_param_error(r, "name", MSG_TOO_LONG, "64");
    e = app_create(&r->ctx, name, params_str(p, "code"), params_str(p, "description"), &id, &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s, s:s}", "app", api_i64(r, id), "revision", api_i64(r, rev)));
}

enum err
api_fields_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:O, s:s}", "properties", d.props, "revision",
                                 api_i64(r, d.revision)));
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
    if (mode == 2) {
        json_t *codes = json_object_get(p, "fields");
        if (!json_is_array(codes) || !json_array_size(codes))
            return api_param_error(r, "fields", MSG_REQUIRED, NULL);
        e = field_props_delete(&r->ctx, d.props, codes, &props);
    } else {
        json_t *changes = json_object_get(p, "properties");
        if (!json_is_object(changes))
            return api_param_error(r, "properties", MSG_REQUIRED, NULL);
        e = field_props_apply(&r->ctx, d.props, changes, mode == 0, &props);
    }
    if (e != ERR_OK)
        return e;
    json_object_set_new(d.root, "properties", props);
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
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
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
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
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
    int64_t next_id = 1000000 + d.revision * 100;
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
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    json_t *s = json_deep_copy(d.settings ? d.settings : json_object());
    json_object_set_new(s, "name", json_string(d.name));
    if (!json_object_get(s, "description"))
        json_object_set_new(s, "description", json_string(""));
    json_object_set_new(s, "revision", json_string(api_i64(r, d.revision)));
    return api_json(r, s);
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
    const char *keys[] = { "description", "theme", "titleField", "enableThumbnails",
                           "enableBulkDeletion", "enableComments", "firstMonthOfFiscalYear" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (json_object_get(p, keys[i]))
            json_object_set(s, keys[i], json_object_get(p, keys[i]));
    e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return reply_revision(r, rev);
}

enum err
api_status_get(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:b, s:n, s:n, s:s}", "enable", 0, "states", "actions",
                                 "revision", api_i64(r, d.revision)));
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
            e = acl_app(&r->ctx, id, ACL_VIEW);
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
