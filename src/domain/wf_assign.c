/* Who a status or an action names: assignee and executable-user entities resolved to users
 * through the directory and the record; conditions evaluated on one record; the first status
 * of new records and of records that existed before the process was switched on. */
#include "wf.h"
#include "wf_int.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/query.h"
#include "domain/wf_sql.h"

#include <stdlib.h>
#include <string.h>

bool
wf_list_has(const json_t *logins, const char *login)
{
    size_t i;
    const json_t *v;
    if (!login)
        return false;
    json_array_foreach(logins, i, v)
    if (json_is_string(v) && strcmp(json_string_value(v), login) == 0)
        return true;
    return false;
}

static void
add_login(json_t *out, const char *login)
{
    if (login && *login && !wf_list_has(out, login))
        json_array_append_new(out, json_string(login));
}

static enum err
add_query(struct ctx *c, const char *sql, const char *code, json_t *out)
{
    struct db_param p[] = { DBP_TEXT(code) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, p, code ? 1 : 0, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    while ((rc = db_step(res)) == 1)
        add_login(out, db_col_text(res, 0));
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

/* The logins a FIELD_ENTITY names on this record. */
static enum err
add_field(struct ctx *c, const char *code, const char *creator, const json_t *data,
          bool subs, json_t *out)
{
    /* CREATOR / MODIFIER fields are not in data; the code is the field's */
    const json_t *v = json_object_get(data, code);
    if (!v) {
        if (creator && (strcmp(code, "作成者") == 0 || strcmp(code, "Created_by") == 0))
            add_login(out, creator);
        return ERR_OK;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x))
            continue;
        /* user, organisation or group codes: try each kind; codes are unique per kind */
        const char *s = json_string_value(x);
        struct db_param p[] = { DBP_TEXT(s) };
        int64_t one;
        bool found = false;
        if (db_query_int(c->db, WF_SQL_USER_ENABLED, p, 1, &one, &found) == DB_OK && found) {
            add_login(out, s);
            continue;
        }
        enum err e = add_query(c, subs ? WF_SQL_USERS_IN_ORG_TREE : WF_SQL_USERS_IN_ORG, s, out);
        if (e == ERR_OK)
            e = add_query(c, WF_SQL_USERS_IN_GROUP, s, out);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

enum err
wf_resolve(struct ctx *c, const json_t *entities, const char *creator, const json_t *data,
           json_t **out)
{
    json_t *list = json_array();
    size_t i;
    const json_t *e;
    enum err err = ERR_OK;
    json_array_foreach(entities, i, e)
    {
        const json_t *ent = json_object_get(e, "entity");
        const char *type = json_string_value(json_object_get(ent, "type"));
        const char *code = json_string_value(json_object_get(ent, "code"));
        bool subs = json_is_true(json_object_get(e, "includeSubs"));
        if (!type)
            continue;
        if (strcmp(type, "CREATOR") == 0)
            add_login(list, creator);
        else if (!code)
            continue;
        else if (strcmp(type, "USER") == 0)
            err = add_query(c, WF_SQL_USER_ENABLED, code, list);
        else if (strcmp(type, "GROUP") == 0)
            err = strcmp(code, "everyone") == 0 ? add_query(c, WF_SQL_USERS_ALL, NULL, list)
                                                 : add_query(c, WF_SQL_USERS_IN_GROUP, code, list);
        else if (strcmp(type, "ORGANIZATION") == 0)
            err = add_query(c, subs ? WF_SQL_USERS_IN_ORG_TREE : WF_SQL_USERS_IN_ORG, code, list);
        else if (strcmp(type, "FIELD_ENTITY") == 0)
            err = add_field(c, code, creator, data, subs, list);
        if (err != ERR_OK) {
            json_decref(list);
            return err;
        }
    }
    *out = list;
    return ERR_OK;
}

enum err
wf_cond_match(struct ctx *c, const struct app_def *d, int64_t id, const char *cond, bool *match)
{
    *match = true;
    if (!cond || !*cond)
        return ERR_OK;
    struct query_plan plan;
    memset(&plan, 0, sizeof(plan));
    plan.params = arena_alloc(c->arena, sizeof(struct db_param) * 2);
    plan.params[0] = DBP_INT(d->id);
    plan.params[1] = DBP_INT(id);
    plan.nparams = 2;
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, WF_SQL_MATCH_PREFIX "(");
    enum err e = query_append_cond(c, d->id, d->props, cond, db_kind(c->db), &plan, &sb);
    if (e != ERR_OK)
        return e;
    strbuf_addc(&sb, ')');
    int64_t one;
    bool found = false;
    int rc = db_query_int(c->db, sb.buf, plan.params, plan.nparams, &one, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *match = found;
    return ERR_OK;
}

/* Assignees on entering status st: everyone the entities name for ANY / ALL; for ONE the one
 * candidate there is (several: nobody until someone is chosen). */
static enum err
entry_assignees(struct ctx *c, const json_t *st, const char *creator, const json_t *data,
                json_t **out)
{
    const json_t *as = json_object_get(st, "assignee");
    enum err e = wf_resolve(c, json_object_get(as, "entities"), creator, data, out);
    if (e != ERR_OK)
        return e;
    const char *type = json_string_value(json_object_get(as, "type"));
    if (type && strcmp(type, "ONE") == 0 && json_array_size(*out) > 1)
        json_array_clear(*out);
    return ERR_OK;
}

enum err
wf_initial(struct ctx *c, const struct app_def *d, const char *creator, const json_t *data,
           const char **status, json_t **assignees)
{
    const json_t *proc = wf_process(d);
    *status = NULL;
    *assignees = NULL;
    if (!proc)
        return ERR_OK;
    *status = wf_first_state(proc);
    if (!*status)
        return ERR_OK;
    return entry_assignees(c, json_object_get(json_object_get(proc, "states"), *status), creator,
                           data, assignees);
}

enum err
wf_on_deploy(struct ctx *c, const struct app_def *live)
{
    if (!wf_process(live))
        return ERR_OK;
    int64_t last = 0;
    for (;;) {
        struct db_param p[] = { DBP_INT(live->id), DBP_INT(last) };
        struct db_res *res = NULL;
        int rc = db_query(c->db, WF_SQL_DEPLOY_PENDING, p, 2, &res);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        int64_t ids[500];
        const char *creators[500];
        json_t *datas[500];
        int n = 0;
        while (n < 500 && (rc = db_step(res)) == 1) {
            ids[n] = db_col_int(res, 0);
            datas[n] = json_loadb(db_col_text(res, 1), db_col_len(res, 1), 0, NULL);
            creators[n] = arena_strdup(c->arena, db_col_text(res, 2));
            n++;
        }
        db_res_free(res);
        enum err e = rc < 0 ? app_db_fail(c, rc) : ERR_OK;
        for (int i = 0; i < n; i++) {
            const char *status = NULL;
            json_t *as = NULL;
            if (e == ERR_OK)
                e = wf_initial(c, live, creators[i], datas[i], &status, &as);
            if (e == ERR_OK) {
                char *text = as ? json_dumps(as, JSON_COMPACT) : strdup("[]");
                struct db_param u[] = { DBP_INT(live->id), DBP_INT(ids[i]), DBP_TEXT(status),
                                        DBP_TEXT(text), DBP_INT(c->now) };
                rc = db_exec(c->db, WF_SQL_DEPLOY_SET, u, 5, NULL);
                free(text);
                if (rc != DB_OK)
                    e = app_db_fail(c, rc);
            }
            json_decref(as);
            json_decref(datas[i]);
        }
        if (e != ERR_OK)
            return e;
        if (n < 500)
            return ERR_OK;
        last = ids[n - 1];
    }
}
