/* Permission settings (app/acl.json, record/acl.json, field/acl.json, live or preview), their
 * evaluation for records (records/acl/evaluate.json) and the administrators' access report. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/query.h"

#include <string.h>

#define MAX_EVALUATE 100

static json_t *
stored_rights(const struct app_def *d, const char *kind)
{
    const json_t *r = json_object_get(d->acl, kind);
    if (json_is_array(r))
        return json_deep_copy(r);
    return strcmp(kind, "app") == 0 ? acl_default_app_rights() : json_array();
}

static enum err
get_rights(struct req *r, json_t *p, const char *kind)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:o, s:s}", "rights", stored_rights(&d, kind), "revision",
                                 api_i64(r, d.revision)));
}

static enum err
put_rights(struct req *r, json_t *p, const char *kind)
{
    struct app_def d;
    int64_t rev;
    json_t *norm = NULL;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    const json_t *rights = json_object_get(p, "rights");
    if (!rights)
        return api_param_error(r, "rights", MSG_REQUIRED, NULL);
    if (strcmp(kind, "app") == 0)
        e = acl_check_app_rights(&r->ctx, rights, &norm);
    else if (strcmp(kind, "record") == 0)
        e = acl_check_record_rights(&r->ctx, &d, rights, &norm);
    else
        e = acl_check_field_rights(&r->ctx, &d, rights, &norm);
    if (e != ERR_OK)
        return e;
    app_def_copy(&r->ctx, &d);
    json_t *acl = json_object_get(d.root, "acl");
    if (!json_is_object(acl)) {
        acl = json_object();
        json_object_set_new(d.root, "acl", acl);
    }
    json_object_set_new(acl, kind, norm);
    e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

enum err
api_app_acl_get(struct req *r, json_t *p)
{
    return get_rights(r, p, "app");
}

enum err
api_app_acl_put(struct req *r, json_t *p)
{
    return put_rights(r, p, "app");
}

enum err
api_record_acl_get(struct req *r, json_t *p)
{
    return get_rights(r, p, "record");
}

enum err
api_record_acl_put(struct req *r, json_t *p)
{
    return put_rights(r, p, "record");
}

enum err
api_field_acl_get(struct req *r, json_t *p)
{
    return get_rights(r, p, "field");
}

enum err
api_field_acl_put(struct req *r, json_t *p)
{
    return put_rights(r, p, "field");
}

enum err
api_acl_evaluate(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    json_t *ids = json_object_get(p, "ids");
    if (json_is_string(ids) || json_is_integer(ids)) { /* ids=5: one repeated key */
        json_object_set_new(p, "ids", json_pack("[O]", ids));
        ids = json_object_get(p, "ids");
    }
    if (!json_is_array(ids) || !json_array_size(ids))
        return api_param_error(r, "ids", MSG_REQUIRED, NULL);
    if (json_array_size(ids) > MAX_EVALUATE)
        return api_param_error(r, "ids", MSG_MAX_ITEMS, api_i64(r, MAX_EVALUATE));
    int64_t *v = arena_alloc(r->arena, sizeof(*v) * json_array_size(ids));
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x)
    {
        if (!jx_to_int(x, &v[i]) || v[i] <= 0)
            return api_param_error(r, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
    }
    json_t *out;
    e = acl_evaluate(&r->ctx, &d, v, (int)json_array_size(ids), &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

/* ---- access report (S4: periodic review of who can see and change what) ---- */

#define REPORT_SQL_USERS                                                                           \
    "SELECT id, login, name, is_admin, is_service FROM users WHERE disabled = 0 ORDER BY login"

static json_t *
str_array(const char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

enum err
api_access_report(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t app_id;
    enum err e = acl_admin(&r->ctx);
    if (e == ERR_OK)
        e = api_id(r, p, "app", &app_id);
    if (e == ERR_OK)
        e = app_load(&r->ctx, app_id, false, &d);
    if (e != ERR_OK)
        return e;
    struct db_res *res = NULL;
    int rc = db_query(r->db, REPORT_SQL_USERS, NULL, 0, &res);
    if (rc != DB_OK)
        return app_db_fail(&r->ctx, rc);
    /* evaluate as each user in turn: the same code path their own requests take */
    struct principal me = r->ctx.who;
    void *cache = r->ctx.acl_cache;
    json_t *users = json_array();
    while (e == ERR_OK && (rc = db_step(res)) == 1) {
        struct principal u = { .kind = PRIN_USER };
        u.user_id = db_col_int(res, 0);
        u.login = arena_strdup(r->arena, db_col_text(res, 1));
        u.name = arena_strdup(r->arena, db_col_text(res, 2));
        u.is_admin = db_col_int(res, 3) != 0;
        u.is_service = db_col_int(res, 4) != 0;
        r->ctx.who = u;
        r->ctx.acl_cache = NULL;
        unsigned bits = acl_app_rights(&r->ctx, &d);
        const struct acl_fields *f = NULL;
        e = acl_fields_for(&r->ctx, &d, &f);
        struct query_plan plan;
        memset(&plan, 0, sizeof(plan));
        struct strbuf sb[3];
        static const unsigned perms[] = { ACL_VIEW, ACL_EDIT, ACL_DELETE };
        for (int k = 0; e == ERR_OK && k < 3; k++) {
            strbuf_init(&sb[k], r->arena, 0);
            e = acl_record_sql(&r->ctx, &d, perms[k], &plan, &sb[k]);
        }
        if (e != ERR_OK)
            break;
        json_array_append_new(
            users,
            json_pack("{s:s, s:s, s:b, s:b, s:{s:b,s:b,s:b,s:b,s:b,s:b,s:b},"
                      " s:{s:b,s:b,s:b}, s:{s:o,s:o,s:o}}",
                      "code", u.login, "name", u.name, "admin", u.is_admin, "service", u.is_service,
                      "app", "manage", (bits & ACL_MANAGE) != 0, "view", (bits & ACL_VIEW) != 0,
                      "add", (bits & ACL_ADD) != 0, "edit", (bits & ACL_EDIT) != 0, "delete",
                      (bits & ACL_DELETE) != 0, "import", (bits & ACL_IMPORT) != 0, "export",
                      (bits & ACL_EXPORT) != 0,
                      "recordsLimited", "view", strcmp(sb[0].buf, "TRUE") != 0, "edit",
                      strcmp(sb[1].buf, "TRUE") != 0, "delete", strcmp(sb[2].buf, "TRUE") != 0,
                      "fields", "hidden", str_array(f->hidden, f->nhidden), "readOnly",
                      str_array(f->readonly, f->nreadonly), "perRecord",
                      str_array(f->dynamic, f->ndynamic)));
    }
    db_res_free(res);
    r->ctx.who = me;
    r->ctx.acl_cache = cache;
    if (e == ERR_OK && rc < 0)
        e = app_db_fail(&r->ctx, rc);
    if (e != ERR_OK) {
        json_decref(users);
        return e;
    }
    return api_json(r, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "app", api_i64(r, d.id),
                                 "revision", api_i64(r, d.revision), "appAcl",
                                 stored_rights(&d, "app"), "recordAcl",
                                 stored_rights(&d, "record"), "fieldAcl",
                                 stored_rights(&d, "field"), "users", users));
}
