/* The admin API of the directory (/admin/api/...): users, organisations, groups,
 * memberships, CSV import, account actions and the security event list. The dispatcher
 * already requires an administrator (ROUTE_ADMIN); each handler asks acl_admin() again in case
 * a route is ever registered without the flag. Every write is recorded with event_log(). */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/clock.h"
#include "domain/acl.h"
#include "domain/dir.h"
#include "domain/event.h"
#include "domain/event_list.h"

#include <string.h>

/* ---- body readers: absent or null = not given; a wrong type is a field error ---- */

static bool
get_str(struct req *r, json_t *p, const char *key, const char **out)
{
    json_t *v = json_object_get(p, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        fail_field(&r->fail, key, MSG_BAD_TYPE, NULL);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

static bool
get_bool(struct req *r, json_t *p, const char *key, int *out)
{
    json_t *v = json_object_get(p, key);
    *out = -1;
    if (!v || json_is_null(v))
        return true;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (json_is_string(v) && (!strcmp(json_string_value(v), "true") ||
                              !strcmp(json_string_value(v), "false"))) {
        *out = !strcmp(json_string_value(v), "true");
        return true;
    }
    fail_field(&r->fail, key, MSG_BAD_TYPE, NULL);
    return false;
}

static bool
get_int(struct req *r, json_t *p, const char *key, bool *set, int64_t *out)
{
    json_t *v = json_object_get(p, key);
    *set = false;
    *out = 0;
    if (!v || json_is_null(v))
        return true;
    if (!jx_to_int(v, out)) {
        fail_field(&r->fail, key, MSG_NOT_NUMBER, NULL);
        return false;
    }
    *set = true;
    return true;
}

static bool
get_list(struct req *r, json_t *p, const char *key, bool *set, const char *const **out, size_t *n)
{
    json_t *v = json_object_get(p, key);
    *set = false;
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_array(v)) {
        fail_field(&r->fail, key, MSG_BAD_TYPE, NULL);
        return false;
    }
    const char **a = arena_alloc(r->arena, (json_array_size(v) + 1) * sizeof(char *));
    for (size_t i = 0; i < json_array_size(v); i++) {
        a[i] = json_string_value(json_array_get(v, i));
        if (!a[i]) {
            fail_field(&r->fail, arena_printf(r->arena, "%s[%zu]", key, i), MSG_BAD_TYPE, NULL);
            return false;
        }
    }
    *set = true;
    *out = a;
    *n = json_array_size(v);
    return true;
}

static enum err
need_code(struct req *r, json_t *p, const char *key, const char **out)
{
    if (!get_str(r, p, key, out))
        return ERR_INVALID;
    if (!*out || !**out) {
        fail_field(&r->fail, key, MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    return ERR_OK;
}

static const char *
action_name(enum dir_action a)
{
    return a == DIR_CREATED ? "created" : a == DIR_UPDATED ? "updated" : "unchanged";
}

/* {"id","code","result"[,"password"]}; the generated password is in this answer only. */
static enum err
answer(struct req *r, const char *code, const struct dir_result *res)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "id", api_i64(r, res->id), "code", code, "result",
                          action_name(res->action));
    if (res->password)
        json_object_set_new(o, "password", json_string(res->password));
    return api_json(r, o);
}

static enum err
logged(struct req *r, const char *action, const char *code, const struct dir_result *res)
{
    event_log(&r->ctx, action, NULL, code, res->detail);
    return answer(r, code, res);
}

/* ---- users ---- */

static enum err
user_write(struct req *r, json_t *p, enum dir_mode mode)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    struct dir_user_in in;
    memset(&in, 0, sizeof(in));
    bool ok = get_str(r, p, "code", &in.code);
    ok &= get_str(r, p, "name", &in.name);
    ok &= get_str(r, p, "nameEn", &in.name_en);
    ok &= get_str(r, p, "email", &in.email);
    ok &= get_str(r, p, "primaryOrg", &in.primary_org);
    ok &= get_list(r, p, "orgs", &in.set_orgs, &in.orgs, &in.norgs);
    ok &= get_list(r, p, "groups", &in.set_groups, &in.groups, &in.ngroups);
    ok &= get_bool(r, p, "admin", &in.admin);
    ok &= get_bool(r, p, "service", &in.service);
    ok &= get_bool(r, p, "disabled", &in.disabled);
    ok &= get_int(r, p, "sortOrder", &in.set_sort, &in.sort_order);
    ok &= get_str(r, p, "password", &in.password);
    if (!ok)
        return ERR_INVALID;
    struct dir_result res;
    e = dir_user_save(&r->ctx, &in, mode, &res);
    if (e != ERR_OK)
        return e;
    return logged(r, mode == DIR_CREATE ? "admin.user.create" : "admin.user.update", in.code,
                  &res);
}

enum err
api_admin_users_post(struct req *r, json_t *params)
{
    return user_write(r, params, DIR_CREATE);
}

enum err
api_admin_users_put(struct req *r, json_t *params)
{
    return user_write(r, params, DIR_UPDATE);
}

/* Users are never deleted (records, revisions and comments name them): DELETE disables. */
enum err
api_admin_users_delete(struct req *r, json_t *params)
{
    const char *code;
    enum err e = acl_admin(&r->ctx);
    if (e == ERR_OK)
        e = need_code(r, params, "code", &code);
    if (e != ERR_OK)
        return e;
    struct dir_user_in in = { .code = code, .admin = -1, .service = -1, .disabled = 1,
                              .no_password = true };
    struct dir_result res;
    e = dir_user_save(&r->ctx, &in, DIR_UPDATE, &res);
    if (e != ERR_OK)
        return e;
    return logged(r, "admin.user.disable", code, &res);
}

enum err
api_admin_memberships_put(struct req *r, json_t *params)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    struct dir_user_in in = { .admin = -1, .service = -1, .disabled = -1, .no_password = true };
    if ((e = need_code(r, params, "user", &in.code)) != ERR_OK)
        return e;
    bool ok = get_list(r, params, "orgs", &in.set_orgs, &in.orgs, &in.norgs);
    ok &= get_list(r, params, "groups", &in.set_groups, &in.groups, &in.ngroups);
    ok &= get_str(r, params, "primaryOrg", &in.primary_org);
    if (!ok)
        return ERR_INVALID;
    /* this call replaces the memberships: a list left out means "none" */
    in.set_orgs = in.set_groups = true;
    struct dir_result res;
    e = dir_user_save(&r->ctx, &in, DIR_UPDATE, &res);
    if (e != ERR_OK)
        return e;
    return logged(r, "admin.memberships.update", in.code, &res);
}

static enum err
user_action(struct req *r, json_t *params, const char *action,
            enum err (*fn)(struct ctx *, const char *, struct dir_result *))
{
    const char *code;
    struct dir_result res;
    enum err e = acl_admin(&r->ctx);
    if (e == ERR_OK)
        e = need_code(r, params, "code", &code);
    if (e == ERR_OK)
        e = fn(&r->ctx, code, &res);
    if (e != ERR_OK)
        return e;
    return logged(r, action, code, &res);
}

enum err
api_admin_user_unlock(struct req *r, json_t *params)
{
    return user_action(r, params, "admin.user.unlock", dir_user_unlock);
}

enum err
api_admin_user_reset_mfa(struct req *r, json_t *params)
{
    return user_action(r, params, "admin.user.reset-mfa", dir_user_reset_mfa);
}

/* Always a temporary password: the administrator must not know a password in use. */
enum err
api_admin_user_password(struct req *r, json_t *params)
{
    const char *code, *pw;
    struct dir_result res;
    enum err e = acl_admin(&r->ctx);
    if (e == ERR_OK)
        e = need_code(r, params, "code", &code);
    if (e == ERR_OK && !get_str(r, params, "password", &pw))
        e = ERR_INVALID;
    if (e == ERR_OK)
        e = dir_user_password(&r->ctx, code, pw && *pw ? pw : NULL, true, &res);
    if (e != ERR_OK)
        return e;
    return logged(r, "admin.user.password", code, &res);
}

/* ---- organisations and groups ---- */

static enum err
org_write(struct req *r, json_t *p, enum dir_mode mode)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    struct dir_org_in in;
    memset(&in, 0, sizeof(in));
    bool ok = get_str(r, p, "code", &in.code);
    ok &= get_str(r, p, "name", &in.name);
    ok &= get_str(r, p, "nameEn", &in.name_en);
    ok &= get_int(r, p, "sortOrder", &in.set_sort, &in.sort_order);
    /* "parentCode": null moves the organisation to the top level, like "" */
    json_t *pc = json_object_get(p, "parentCode");
    if (pc && json_is_null(pc))
        in.parent = "";
    else
        ok &= get_str(r, p, "parentCode", &in.parent);
    if (!ok)
        return ERR_INVALID;
    struct dir_result res;
    if ((e = dir_org_save(&r->ctx, &in, mode, &res)) != ERR_OK)
        return e;
    return logged(r, mode == DIR_CREATE ? "admin.org.create" : "admin.org.update", in.code, &res);
}

enum err
api_admin_orgs_post(struct req *r, json_t *params)
{
    return org_write(r, params, DIR_CREATE);
}

enum err
api_admin_orgs_put(struct req *r, json_t *params)
{
    return org_write(r, params, DIR_UPDATE);
}

enum err
api_admin_orgs_delete(struct req *r, json_t *params)
{
    return user_action(r, params, "admin.org.delete", dir_org_delete);
}

static enum err
group_write(struct req *r, json_t *p, enum dir_mode mode)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    struct dir_group_in in;
    memset(&in, 0, sizeof(in));
    bool ok = get_str(r, p, "code", &in.code);
    ok &= get_str(r, p, "name", &in.name);
    ok &= get_str(r, p, "nameEn", &in.name_en);
    ok &= get_str(r, p, "description", &in.description);
    if (!ok)
        return ERR_INVALID;
    struct dir_result res;
    if ((e = dir_group_save(&r->ctx, &in, mode, &res)) != ERR_OK)
        return e;
    return logged(r, mode == DIR_CREATE ? "admin.group.create" : "admin.group.update", in.code,
                  &res);
}

enum err
api_admin_groups_post(struct req *r, json_t *params)
{
    return group_write(r, params, DIR_CREATE);
}

enum err
api_admin_groups_put(struct req *r, json_t *params)
{
    return group_write(r, params, DIR_UPDATE);
}

enum err
api_admin_groups_delete(struct req *r, json_t *params)
{
    return user_action(r, params, "admin.group.delete", dir_group_delete);
}

/* ---- import ---- */

enum err
api_admin_import(struct req *r, json_t *params)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    const char *kind_s, *csv;
    int dry = -1;
    enum dir_import_kind kind;
    if ((e = need_code(r, params, "kind", &kind_s)) != ERR_OK)
        return e;
    if (!dir_import_kind_parse(kind_s, &kind)) {
        fail_field(&r->fail, "kind", MSG_BAD_OPTION, kind_s);
        return ERR_INVALID;
    }
    if (!get_str(r, params, "csv", &csv) || !get_bool(r, params, "dryRun", &dry))
        return ERR_INVALID;
    if (!csv) {
        fail_field(&r->fail, "csv", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    struct dir_import_report rep;
    e = dir_import(&r->ctx, kind, csv, strlen(csv), dry == 1, &rep);
    if (e != ERR_OK)
        return e;
    if (!rep.dry_run)
        event_log(&r->ctx, "admin.import", NULL, kind_s, rep.detail);
    json_t *rows = json_array();
    for (size_t i = 0; i < rep.nrows; i++) {
        json_t *o = json_pack("{s:i, s:s, s:s}", "line", rep.rows[i].line, "code",
                              rep.rows[i].code, "action", action_name(rep.rows[i].action));
        if (rep.rows[i].password)
            json_object_set_new(o, "password", json_string(rep.rows[i].password));
        json_array_append_new(rows, o);
    }
    return api_json(r, json_pack("{s:s, s:b, s:I, s:I, s:I, s:o}", "kind", kind_s, "dryRun",
                                 rep.dry_run, "created", (json_int_t)rep.created, "updated",
                                 (json_int_t)rep.updated, "unchanged", (json_int_t)rep.unchanged,
                                 "rows", rows));
}

/* ---- security events ---- */

/* ISO 8601 date-time or Unix seconds. */
static bool
get_time(struct req *r, json_t *p, const char *key, int64_t *out)
{
    json_t *v = json_object_get(p, key);
    *out = 0;
    if (!v || json_is_null(v))
        return true;
    if (jx_to_int(v, out) && *out >= 0)
        return true;
    if (json_is_string(v) && clock_parse_datetime(json_string_value(v), out))
        return true;
    fail_field(&r->fail, key, MSG_BAD_DATETIME, NULL);
    return false;
}

enum err
api_admin_events(struct req *r, json_t *params)
{
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    struct event_filter f;
    memset(&f, 0, sizeof(f));
    bool set;
    bool ok = get_time(r, params, "since", &f.since);
    ok &= get_time(r, params, "until", &f.until);
    ok &= get_str(r, params, "action", &f.action);
    ok &= get_str(r, params, "actor", &f.actor);
    ok &= get_int(r, params, "limit", &set, &f.limit);
    if (ok && set && (f.limit < 1 || f.limit > EVENT_LIST_MAX)) {
        fail_field(&r->fail, "limit", f.limit < 1 ? MSG_TOO_SMALL : MSG_TOO_BIG,
                   f.limit < 1 ? "1" : "500");
        ok = false;
    }
    if (!ok)
        return ERR_INVALID;
    json_t *events;
    if ((e = event_list(&r->ctx, &f, &events)) != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:o}", "events", events));
}
