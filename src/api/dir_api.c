/* The cybozu User API reads (/v1/users.json, organizations, groups and memberships) in
 * cybozu's shapes. Any signed-in user or service account may read the directory; kintone API
 * tokens may not (they belong to one app, and kintone's tokens cannot read users either). */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "domain/dir.h"

#include <string.h>

static enum err
reader(struct req *r)
{
    switch (r->ctx.who.kind) {
    case PRIN_USER:
    case PRIN_SYSTEM:
        return ERR_OK;
    case PRIN_TOKEN:
        return fail_set(&r->fail, ERR_FORBIDDEN, NULL);
    default:
        return fail_set(&r->fail, ERR_AUTH_REQUIRED, NULL);
    }
}

/* params[key] as a list: an array, or one value (a single query-string item). */
static const json_t *
list_param(json_t *p, const char *key, size_t *n)
{
    json_t *v = json_object_get(p, key);
    if (!v || json_is_null(v)) {
        *n = 0;
        return NULL;
    }
    if (!json_is_array(v)) {
        json_t *a = json_pack("[O]", v);
        json_object_set_new(p, key, a);
        v = a;
    }
    *n = json_array_size(v);
    return v;
}

static enum err
int_param(struct req *r, json_t *p, const char *key, int64_t def, int64_t min, int64_t max,
          int64_t *out)
{
    json_t *v = json_object_get(p, key);
    *out = def;
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!jx_to_int(v, out)) {
        fail_field(&r->fail, key, MSG_NOT_NUMBER, NULL);
        return ERR_INVALID;
    }
    if (*out < min) {
        fail_field(&r->fail, key, MSG_TOO_SMALL, api_i64(r, min));
        return ERR_INVALID;
    }
    if (*out > max) {
        fail_field(&r->fail, key, MSG_TOO_BIG, api_i64(r, max));
        return ERR_INVALID;
    }
    return ERR_OK;
}

/* ids / codes (exclusive, ≤ 100), offset, size (1..100, default 100). */
static enum err
read_query(struct req *r, json_t *p, struct dir_query *q)
{
    size_t nids, ncodes;
    const json_t *ids = list_param(p, "ids", &nids), *codes = list_param(p, "codes", &ncodes);
    memset(q, 0, sizeof(*q));
    if (nids && ncodes) {
        fail_field(&r->fail, "ids", MSG_TEXT,
                   r->ctx.lang == LANG_EN ? "Specify either ids or codes, not both."
                                          : "idsとcodesは同時に指定できません。");
        return ERR_INVALID;
    }
    if (nids > DIR_LIST_MAX || ncodes > DIR_LIST_MAX) {
        fail_field(&r->fail, nids ? "ids" : "codes", MSG_MAX_ITEMS, "100");
        return ERR_INVALID;
    }
    if (nids) {
        int64_t *v = arena_alloc(r->arena, nids * sizeof(int64_t));
        for (size_t i = 0; i < nids; i++) {
            if (!jx_to_int(json_array_get(ids, i), &v[i]) || v[i] <= 0) {
                fail_field(&r->fail, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
                return ERR_INVALID;
            }
        }
        q->ids = v;
        q->nkeys = nids;
    } else if (ncodes) {
        const char **v = arena_alloc(r->arena, ncodes * sizeof(char *));
        for (size_t i = 0; i < ncodes; i++) {
            v[i] = json_string_value(json_array_get(codes, i));
            if (!v[i]) {
                fail_field(&r->fail, arena_printf(r->arena, "codes[%zu]", i), MSG_BAD_TYPE, NULL);
                return ERR_INVALID;
            }
        }
        q->codes = v;
        q->nkeys = ncodes;
    }
    enum err e = int_param(r, p, "offset", 0, 0, INT32_MAX, &q->offset);
    if (e == ERR_OK)
        e = int_param(r, p, "size", DIR_LIST_MAX, 1, DIR_LIST_MAX, &q->limit);
    return e;
}

static enum err
code_param(struct req *r, json_t *p, const char **out)
{
    *out = params_str(p, "code");
    if (!*out || !**out) {
        fail_field(&r->fail, "code", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    return ERR_OK;
}

static json_t *
users_array(const struct dir_user *u, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, dir_user_json(&u[i], api_config()->tz));
    return a;
}

enum err
api_v1_users(struct req *r, json_t *params)
{
    struct dir_query q;
    struct dir_user *u;
    size_t n;
    enum err e = reader(r);
    if (e == ERR_OK)
        e = read_query(r, params, &q);
    if (e == ERR_OK)
        e = dir_users_list(&r->ctx, &q, &u, &n);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:o}", "users", users_array(u, n)));
}

enum err
api_v1_orgs(struct req *r, json_t *params)
{
    struct dir_query q;
    struct dir_org *o;
    size_t n;
    enum err e = reader(r);
    if (e == ERR_OK)
        e = read_query(r, params, &q);
    if (e == ERR_OK)
        e = dir_orgs_list(&r->ctx, &q, &o, &n);
    if (e != ERR_OK)
        return e;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, dir_org_json(&o[i]));
    return api_json(r, json_pack("{s:o}", "organizations", a));
}

enum err
api_v1_groups(struct req *r, json_t *params)
{
    struct dir_query q;
    struct dir_group *g;
    size_t n;
    enum err e = reader(r);
    if (e == ERR_OK)
        e = read_query(r, params, &q);
    if (e == ERR_OK)
        e = dir_groups_list(&r->ctx, &q, &g, &n);
    if (e != ERR_OK)
        return e;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, dir_group_json(&g[i]));
    return api_json(r, json_pack("{s:o}", "groups", a));
}

enum err
api_v1_user_orgs(struct req *r, json_t *params)
{
    const char *code;
    struct dir_user u;
    struct dir_org *o;
    size_t n;
    enum err e = reader(r);
    if (e == ERR_OK)
        e = code_param(r, params, &code);
    if (e == ERR_OK)
        e = dir_user_get(&r->ctx, code, &u);
    if (e == ERR_OK)
        e = dir_user_orgs(&r->ctx, u.id, &o, &n);
    if (e != ERR_OK)
        return e;
    /* titles (役職) are not modelled: roles are groups here */
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:o, s:n}", "organization", dir_org_json(&o[i]),
                                           "title"));
    return api_json(r, json_pack("{s:o}", "organizationTitles", a));
}

enum err
api_v1_user_groups(struct req *r, json_t *params)
{
    const char *code;
    struct dir_user u;
    struct dir_group *g;
    size_t n;
    enum err e = reader(r);
    if (e == ERR_OK)
        e = code_param(r, params, &code);
    if (e == ERR_OK)
        e = dir_user_get(&r->ctx, code, &u);
    if (e == ERR_OK)
        e = dir_user_groups(&r->ctx, u.id, &g, &n);
    if (e != ERR_OK)
        return e;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, dir_group_json(&g[i]));
    return api_json(r, json_pack("{s:o}", "groups", a));
}

/* Members of an organisation (org=true) or a group, with offset/size. */
static enum err
members(struct req *r, json_t *params, bool org, struct dir_user **u, size_t *n)
{
    struct dir_query q = { 0 };
    const char *code;
    enum err e = reader(r);
    if (e == ERR_OK)
        e = code_param(r, params, &code);
    if (e == ERR_OK)
        e = int_param(r, params, "offset", 0, 0, INT32_MAX, &q.offset);
    if (e == ERR_OK)
        e = int_param(r, params, "size", DIR_LIST_MAX, 1, DIR_LIST_MAX, &q.limit);
    if (e != ERR_OK)
        return e;
    if (org)
        q.org = code;
    else
        q.group = code;
    return dir_users_list(&r->ctx, &q, u, n);
}

enum err
api_v1_org_users(struct req *r, json_t *params)
{
    struct dir_user *u;
    size_t n;
    enum err e = members(r, params, true, &u, &n);
    if (e != ERR_OK)
        return e;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:o, s:n}", "user",
                                           dir_user_json(&u[i], api_config()->tz), "title"));
    return api_json(r, json_pack("{s:o}", "userTitles", a));
}

enum err
api_v1_group_users(struct req *r, json_t *params)
{
    struct dir_user *u;
    size_t n;
    enum err e = members(r, params, false, &u, &n);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:o}", "users", users_array(u, n)));
}
