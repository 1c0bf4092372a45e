/* JSON shapes of directory entries: cybozu's User API types (what clients of
 * /v1/users.json etc. expect: ids as strings, unset items as null) and the administrator's
 * view. */
#include "domain/dir.h"

#include "core/clock.h"

#include <stdio.h>

static json_t *
id_str(int64_t id)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)id);
    return json_string(buf);
}

static json_t *
str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *
time_or_null(int64_t secs)
{
    if (!secs)
        return json_null();
    char buf[32];
    clock_format_utc(secs, buf);
    return json_string(buf);
}

json_t *
dir_user_json(const struct dir_user *u, const char *tz)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", id_str(u->id));
    json_object_set_new(o, "code", json_string(u->code));
    json_object_set_new(o, "ctime", time_or_null(u->created_at));
    json_object_set_new(o, "mtime", time_or_null(u->updated_at ? u->updated_at : u->created_at));
    json_object_set_new(o, "valid", json_boolean(!u->disabled));
    json_object_set_new(o, "name", json_string(u->name));
    static const char *const unset[] = { "surName", "givenName", "surNameReading",
                                         "givenNameReading" };
    for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
        json_object_set_new(o, unset[i], json_null());
    json_object_set_new(o, "localName", str_or_null(u->name_en));
    json_object_set_new(o, "localNameLocale", u->name_en && *u->name_en ? json_string("en")
                                                                        : json_null());
    json_object_set_new(o, "timezone", json_string(tz ? tz : "Asia/Tokyo"));
    json_object_set_new(o, "locale", json_string("ja"));
    static const char *const unset2[] = { "description", "phone", "mobilePhone",
                                          "extensionNumber" };
    for (size_t i = 0; i < sizeof(unset2) / sizeof(unset2[0]); i++)
        json_object_set_new(o, unset2[i], json_null());
    json_object_set_new(o, "email", str_or_null(u->email));
    static const char *const unset3[] = { "callto", "url", "employeeNumber", "birthDate",
                                          "joinDate" };
    for (size_t i = 0; i < sizeof(unset3) / sizeof(unset3[0]); i++)
        json_object_set_new(o, unset3[i], json_null());
    json_object_set_new(o, "primaryOrganization",
                        u->primary_org_id ? id_str(u->primary_org_id) : json_null());
    json_object_set_new(o, "sortOrder", json_integer(u->sort_order));
    json_object_set_new(o, "customItemValues", json_array());
    return o;
}

json_t *
dir_org_json(const struct dir_org *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", id_str(g->id));
    json_object_set_new(o, "code", json_string(g->code));
    json_object_set_new(o, "name", json_string(g->name));
    json_object_set_new(o, "localName", str_or_null(g->name_en));
    json_object_set_new(o, "localNameLocale", g->name_en && *g->name_en ? json_string("en")
                                                                        : json_null());
    json_object_set_new(o, "parentCode", str_or_null(g->parent));
    json_object_set_new(o, "description", json_null());
    json_object_set_new(o, "sortOrder", json_integer(g->sort_order));
    return o;
}

json_t *
dir_group_json(const struct dir_group *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", id_str(g->id));
    json_object_set_new(o, "code", json_string(g->code));
    json_object_set_new(o, "name", json_string(g->name));
    json_object_set_new(o, "description", str_or_null(g->description));
    return o;
}

json_t *
dir_user_admin_json(const struct dir_user *u, const char *tz, const struct dir_org *orgs,
                    size_t norgs, const struct dir_group *groups, size_t ngroups)
{
    json_t *o = dir_user_json(u, tz);
    json_object_set_new(o, "primaryOrgCode", str_or_null(u->primary_org));
    json_object_set_new(o, "admin", json_boolean(u->is_admin));
    json_object_set_new(o, "service", json_boolean(u->is_service));
    json_object_set_new(o, "passwordSet", json_boolean(u->has_password));
    json_object_set_new(o, "mustChangePassword", json_boolean(u->must_change_password));
    json_object_set_new(o, "totpEnabled", json_boolean(u->totp_enabled));
    json_object_set_new(o, "failedLogins", json_integer(u->failed_logins));
    json_object_set_new(o, "lockedUntil", time_or_null(u->locked_until));
    json_object_set_new(o, "lastLoginAt", time_or_null(u->last_login_at));
    json_object_set_new(o, "lastLoginIp", str_or_null(u->last_login_ip));
    if (orgs) {
        json_t *a = json_array();
        for (size_t i = 0; i < norgs; i++)
            json_array_append_new(a, json_string(orgs[i].code));
        json_object_set_new(o, "orgs", a);
    }
    if (groups) {
        json_t *a = json_array();
        for (size_t i = 0; i < ngroups; i++)
            json_array_append_new(a, json_string(groups[i].code));
        json_object_set_new(o, "groups", a);
    }
    return o;
}
