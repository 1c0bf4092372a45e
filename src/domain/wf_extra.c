/* Around the actions: opinions (意見) attached to the step a record is at, the in-app inbox of
 * notifications, and the time rules that the server's housekeeping runs (a reminder when
 * nobody replied to a correction request in N days, or an action run as the system). */
#include "wf.h"
#include "wf_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/audit.h"
#include "domain/wf_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
iso(struct ctx *c, int64_t secs)
{
    char buf[32];
    clock_format_utc(secs, buf);
    return arena_strdup(c->arena, buf);
}

static const char *
num(struct ctx *c, int64_t v)
{
    return arena_printf(c->arena, "%lld", (long long)v);
}

enum err
wf_opinion_add(struct ctx *c, const struct app_def *d, int64_t id, const char *text,
               int64_t *opinion_id)
{
    if (!wf_process(d))
        return fail_set(c->fail, ERR_STATUS_DISABLED, NULL);
    if (!text || !*text) {
        fail_field(c->fail, "opinion.text", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    if (strlen(text) > 65535) {
        fail_field(c->fail, "opinion.text", MSG_TOO_LONG, "65535");
        return ERR_INVALID;
    }
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, WF_SQL_RECORD, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    const char *status = NULL;
    int64_t status_rev = 0;
    json_t *assignees = NULL;
    if (rc == 1) {
        status = db_col_null(res, 1) ? "" : arena_strdup(c->arena, db_col_text(res, 1));
        assignees = db_col_null(res, 2) ? NULL
                                        : json_loadb(db_col_text(res, 2), db_col_len(res, 2), 0,
                                                     NULL);
        status_rev = db_col_null(res, 6) ? 0 : db_col_int(res, 6);
    }
    db_res_free(res);
    if (assignees)
        arena_defer(c->arena, wf_decref, assignees);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return fail_set(c->fail, ERR_RECORD_NOT_FOUND, num(c, id));
    enum err e = acl_record(c, d, id, ACL_VIEW);
    if (e != ERR_OK)
        return e;
    /* the step's assignees give their opinion; otherwise whoever may edit the record */
    if (!wf_list_has(assignees, c->who.login)) {
        e = acl_record(c, d, id, ACL_EDIT);
        if (e != ERR_OK)
            return e;
    }
    int64_t next = 0;
    bool found = false;
    rc = db_query_int(c->db, WF_SQL_OPINION_NEXT, p, 2, &next, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct db_param ins[] = { DBP_INT(d->id),      DBP_INT(id),   DBP_INT(next),
                              DBP_TEXT(status),    DBP_INT(status_rev), DBP_TEXT(text),
                              DBP_TEXT(c->who.login), DBP_INT(c->now) };
    rc = db_exec(c->db, WF_SQL_OPINION_ADD, ins, 8, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    audit_note(c, "opinion", json_pack("{s:I,s:s}", "id", (json_int_t)next, "status", status));
    *opinion_id = next;
    return ERR_OK;
}

enum err
wf_opinion_list(struct ctx *c, const struct app_def *d, int64_t id, json_t **out)
{
    enum err e = acl_record(c, d, id, ACL_VIEW);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, WF_SQL_OPINIONS, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    while ((rc = db_step(res)) == 1) {
        const char *login = db_col_text(res, 4);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "id", num(c, db_col_int(res, 0)),
                            "status", db_col_text(res, 1), "statusRevision",
                            num(c, db_col_int(res, 2)), "text", db_col_text(res, 3), "createdAt",
                            iso(c, db_col_int(res, 5)), "creator", "code", login, "name",
                            db_col_null(res, 6) ? login : db_col_text(res, 6)));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{s:o}", "opinions", list);
    return ERR_OK;
}

enum err
wf_notify(struct ctx *c, const json_t *logins, int64_t app_id, int64_t record_id,
          const char *kind, const char *title, const char *detail_json)
{
    size_t i;
    const json_t *v;
    json_array_foreach(logins, i, v)
    {
        const char *login = json_string_value(v);
        /* nobody needs telling about their own action */
        if (!login || (c->who.login && strcmp(login, c->who.login) == 0))
            continue;
        struct db_param p[] = { DBP_TEXT(login), DBP_INT(app_id),  DBP_INT(record_id),
                                DBP_TEXT(kind),  DBP_TEXT(title),  DBP_TEXT(detail_json ? detail_json : "{}"),
                                DBP_INT(c->now) };
        int rc = db_exec(c->db, WF_SQL_INBOX_ADD, p, 7, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    return ERR_OK;
}

enum err
wf_inbox_list(struct ctx *c, bool unread_only, int64_t after_id, int64_t limit, json_t **out)
{
    if (c->who.kind != PRIN_USER)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    struct db_param p[] = { DBP_TEXT(c->who.login), DBP_INT(after_id), DBP_INT(unread_only ? 1 : 0),
                            DBP_INT(limit) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, WF_SQL_INBOX_LIST, p, 4, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *items = json_array();
    while ((rc = db_step(res)) == 1) {
        json_t *det = json_loadb(db_col_text(res, 5), db_col_len(res, 5), 0, NULL);
        json_array_append_new(
            items, json_pack("{s:s,s:s,s:s?,s:s,s:s,s:s,s:o,s:s,s:b}", "id",
                             num(c, db_col_int(res, 0)), "app", num(c, db_col_int(res, 1)),
                             "appName", db_col_null(res, 8) ? NULL : db_col_text(res, 8), "record",
                             num(c, db_col_int(res, 2)), "kind", db_col_text(res, 3), "title",
                             db_col_text(res, 4), "detail", det ? det : json_object(),
                             "createdAt", iso(c, db_col_int(res, 6)), "read",
                             !db_col_null(res, 7)));
    }
    db_res_free(res);
    int64_t unread = 0;
    bool found;
    if (rc >= 0)
        rc = db_query_int(c->db, WF_SQL_INBOX_UNREAD, p, 1, &unread, &found);
    if (rc < 0) {
        json_decref(items);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{s:o,s:s}", "items", items, "unread", num(c, unread));
    return ERR_OK;
}

enum err
wf_inbox_mark_read(struct ctx *c, const json_t *ids, bool all)
{
    if (c->who.kind != PRIN_USER)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    if (all) {
        struct db_param p[] = { DBP_TEXT(c->who.login), DBP_INT(c->now) };
        int rc = db_exec(c->db, WF_SQL_INBOX_READ_ALL, p, 2, NULL);
        return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
    }
    if (!json_is_array(ids) || json_array_size(ids) > 500) {
        fail_field(c->fail, "ids", MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v)
    {
        int64_t id = json_is_integer(v)  ? json_integer_value(v)
                     : json_is_string(v) ? strtoll(json_string_value(v), NULL, 10)
                                         : 0;
        if (id <= 0) {
            fail_field(c->fail, arena_printf(c->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
            return ERR_INVALID;
        }
        /* ids of other users' notifications simply match nothing */
        struct db_param p[] = { DBP_TEXT(c->who.login), DBP_INT(id), DBP_INT(c->now) };
        int rc = db_exec(c->db, WF_SQL_INBOX_READ, p, 3, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    return ERR_OK;
}

/* ---- time rules ------------------------------------------------------------------------ */

struct due {
    int64_t id, status_rev;
};

/* One rule on one record, in its own transaction; a failure is audited and the rule is not
 * tried again for this visit of the status. */
static bool
fire(struct db *db, int64_t now, int64_t app_id, const json_t *rule, const struct due *x)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c = { .arena = a, .db = db, .fail = &f, .lang = LANG_JA, .now = now,
                     .tz_offset = 540, .ip = "" };
    fail_init(&f, a, LANG_JA);
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    c.who.name = "システム";
    const char *name = json_string_value(json_object_get(rule, "name"));
    const char *action = json_string_value(json_object_get(rule, "action"));
    const json_t *notify = json_object_get(rule, "notify");
    const char *target = arena_printf(a, "app:%lld/record:%lld", (long long)app_id, (long long)x->id);
    bool ok = false;
    enum err e = ERR_INTERNAL;
    if (db_begin(db, true) == DB_OK) {
        struct app_def d;
        bool match = false;
        e = app_load(&c, app_id, false, &d);
        if (e == ERR_OK)
            e = wf_cond_match(&c, &d, x->id, json_string_value(json_object_get(rule, "condition")),
                              &match);
        if (e == ERR_OK && match && notify) {
            const char *to = json_string_value(json_object_get(notify, "to"));
            const char *sql = strcmp(to, "CREATOR") == 0
                                  ? "SELECT json_array(creator) FROM records WHERE app_id = $1 AND id = $2"
                                  : "SELECT assignees FROM records WHERE app_id = $1 AND id = $2";
            if (db_kind(db) == DB_PG && strcmp(to, "CREATOR") == 0)
                sql = "SELECT json_build_array(creator)::text FROM records WHERE app_id = $1 AND id = $2";
            struct db_param p[] = { DBP_INT(app_id), DBP_INT(x->id) };
            struct db_res *res = NULL;
            json_t *logins = NULL;
            if (db_query(db, sql, p, 2, &res) == DB_OK) {
                if (db_step(res) == 1 && !db_col_null(res, 0))
                    logins = json_loadb(db_col_text(res, 0), db_col_len(res, 0), 0, NULL);
                db_res_free(res);
            }
            e = wf_notify(&c, logins, app_id, x->id, "reminder",
                          arena_printf(a, "%s #%lld: %s", d.name ? d.name : "", (long long)x->id,
                                       json_string_value(json_object_get(notify, "title"))),
                          NULL);
            json_decref(logins);
        }
        if (e == ERR_OK && match && action)
            e = wf_run_system(&c, &d, x->id, action, name, 1);
        struct db_param rp[] = { DBP_INT(app_id), DBP_INT(x->id), DBP_TEXT(name),
                                 DBP_INT(x->status_rev), DBP_INT(now) };
        if (e == ERR_OK && db_exec(db, WF_SQL_RULE_RAN, rp, 5, NULL) != DB_OK)
            e = ERR_INTERNAL;
        if (e == ERR_OK && match) {
            json_t *dj = json_pack("{s:s?,s:s?}", "rule", name, "action", action);
            char *text = json_dumps(dj, JSON_COMPACT);
            json_decref(dj);
            e = audit_add(&c, "workflow.rule", target, "ok", text);
            free(text);
        }
        if (e == ERR_OK && db_commit(db) == DB_OK) {
            ok = match;
        } else {
            db_rollback(db);
            if (e == ERR_OK)
                e = ERR_INTERNAL;
        }
    }
    if (e != ERR_OK) {
        log_warn("workflow rule %s on app %lld record %lld: %s", name ? name : "?",
                 (long long)app_id, (long long)x->id, err_code(e));
        /* remember the failure so the rule does not retry every minute */
        if (db_begin(db, true) == DB_OK) {
            fail_init(&f, a, LANG_JA);
            struct db_param rp[] = { DBP_INT(app_id), DBP_INT(x->id), DBP_TEXT(name),
                                     DBP_INT(x->status_rev), DBP_INT(now) };
            enum err e2 = db_exec(db, WF_SQL_RULE_RAN, rp, 5, NULL) == DB_OK ? ERR_OK : ERR_INTERNAL;
            if (e2 == ERR_OK)
                e2 = audit_add(&c, "workflow.rule", target, "error", NULL);
            if (e2 == ERR_OK)
                db_commit(db);
            else
                db_rollback(db);
        }
    }
    arena_free(a);
    return ok;
}

int
wf_auto_tick(struct db *db, int64_t now)
{
    int fired = 0;
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct ctx c = { .arena = a, .db = db, .fail = &f, .lang = LANG_JA, .now = now, .ip = "" };
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    struct db_res *res = NULL;
    int64_t apps[1024];
    int napps = 0;
    if (db_query(db, WF_SQL_APPS_LIVE, NULL, 0, &res) == DB_OK) {
        while (napps < 1024 && db_step(res) == 1)
            apps[napps++] = db_col_int(res, 0);
        db_res_free(res);
    }
    for (int i = 0; i < napps; i++) {
        struct app_def d;
        if (app_load(&c, apps[i], false, &d) != ERR_OK)
            continue;
        const json_t *autos = json_object_get(wf_process(&d), "autoActions");
        size_t k;
        const json_t *rule;
        json_array_foreach(autos, k, rule)
        {
            const json_t *days = json_object_get(rule, "afterDays");
            if (!days)
                continue;
            const char *status = json_string_value(json_object_get(rule, "status"));
            const char *name = json_string_value(json_object_get(rule, "name"));
            struct db_param p[] = { DBP_INT(apps[i]), DBP_TEXT(status),
                                    DBP_INT(now - json_integer_value(days) * 86400),
                                    DBP_TEXT(name) };
            struct due due[200];
            int n = 0;
            if (db_query(db, WF_SQL_RULE_DUE, p, 4, &res) != DB_OK)
                continue;
            while (n < 200 && db_step(res) == 1) {
                due[n].id = db_col_int(res, 0);
                due[n].status_rev = db_col_null(res, 1) ? 0 : db_col_int(res, 1);
                n++;
            }
            db_res_free(res);
            for (int j = 0; j < n; j++)
                fired += fire(db, now, apps[i], rule, &due[j]);
        }
    }
    arena_free(a);
    return fired;
}
