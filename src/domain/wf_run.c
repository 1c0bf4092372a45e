/* Running a status action: who may, from where, with what reason; ALL steps that wait for
 * every assignee; the action's field writes; the two revisions; the next assignees, their
 * inbox, the legal clock and the automatic rules that follow. Also assignee changes and the
 * list of actions open to the caller. */
#include "wf.h"
#include "wf_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/audit.h"
#include "domain/lclock.h"
#include "domain/numbering.h"
#include "domain/record.h"
#include "domain/wf_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wf_row {
    int64_t revision, created_at, status_rev;
    const char *status, *creator;
    json_t *assignees, *data; /* arena-owned */
};

static json_t *
owned(struct ctx *c, json_t *v)
{
    if (v)
        arena_defer(c->arena, wf_decref, v);
    return v;
}

static enum err
not_found(struct ctx *c, int64_t id)
{
    return fail_set(c->fail, ERR_RECORD_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)id));
}

static enum err
load_row(struct ctx *c, const struct app_def *d, int64_t id, struct wf_row *r)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, db_kind(c->db) == DB_PG ? WF_SQL_RECORD_PG : WF_SQL_RECORD, p, 2,
                      &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        r->revision = db_col_int(res, 0);
        r->status = db_col_null(res, 1) ? NULL : arena_strdup(c->arena, db_col_text(res, 1));
        r->assignees = owned(c, db_col_null(res, 2) ? NULL
                                                    : json_loadb(db_col_text(res, 2),
                                                                 db_col_len(res, 2), 0, NULL));
        r->data = owned(c, json_loadb(db_col_text(res, 3), db_col_len(res, 3), 0, NULL));
        r->creator = arena_strdup(c->arena, db_col_text(res, 4));
        r->created_at = db_col_int(res, 5);
        r->status_rev = db_col_null(res, 6) ? 0 : db_col_int(res, 6);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return not_found(c, id);
    if (!r->assignees)
        r->assignees = owned(c, json_array());
    if (!r->data)
        r->data = owned(c, json_object());
    return ERR_OK;
}

static bool
is_system(const struct ctx *c)
{
    return c->who.kind == PRIN_SYSTEM;
}

/* May the caller act on this record now (as an assignee, or an editor when nobody is
 * assigned)? API tokens act as the app's administrator, as in kintone. */
static enum err
may_act(struct ctx *c, const struct app_def *d, int64_t id, const struct wf_row *r,
        const json_t *action)
{
    if (is_system(c))
        return ERR_OK;
    if (c->who.kind == PRIN_TOKEN)
        return acl_record(c, d, id, ACL_EDIT);
    const json_t *ents = json_object_get(json_object_get(action, "executableUser"), "entities");
    if (json_array_size(ents)) {
        json_t *allowed = NULL;
        enum err e = wf_resolve(c, ents, r->creator, r->data, &allowed);
        if (e != ERR_OK)
            return e;
        bool ok = wf_list_has(allowed, c->who.login);
        json_decref(allowed);
        if (!ok)
            return fail_set(c->fail, ERR_WF_NOT_ASSIGNEE, NULL);
    }
    if (json_array_size(r->assignees))
        return wf_list_has(r->assignees, c->who.login) ? ERR_OK
                                                        : fail_set(c->fail, ERR_WF_NOT_ASSIGNEE, NULL);
    return acl_record(c, d, id, ACL_EDIT);
}

static const char *
fn_value(struct ctx *c, const char *v)
{
    char buf[32];
    int64_t local = c->now + (int64_t)c->tz_offset * 60;
    if (strcmp(v, "TODAY()") == 0) {
        clock_format_date(local / 86400, buf);
        return arena_strdup(c->arena, buf);
    }
    if (strcmp(v, "NOW()") == 0) {
        clock_format_utc_min(c->now, buf);
        return arena_strdup(c->arena, buf);
    }
    return v;
}

/* The action's field writes as a kintone write record ({code:{value}}) in *out, or NULL. */
static enum err
set_input(struct ctx *c, const json_t *action, json_t **out)
{
    const json_t *sets = json_object_get(action, "set");
    *out = NULL;
    if (!json_array_size(sets))
        return ERR_OK;
    json_t *in = owned(c, json_object());
    size_t i;
    const json_t *s;
    json_array_foreach(sets, i, s)
    {
        const char *field = json_string_value(json_object_get(s, "field"));
        const json_t *v = json_object_get(s, "value");
        json_t *val;
        if (json_is_object(v)) { /* a number drawn from a sequence (収受番号) */
            const char *text;
            enum err e = num_next_formatted(c, v, &text);
            if (e != ERR_OK)
                return e;
            val = json_string(text);
        } else if (json_is_string(v) && strcmp(json_string_value(v), "LOGINUSER()") == 0)
            val = json_pack("{s:s}", "code", c->who.login ? c->who.login : "");
        else if (json_is_string(v))
            val = json_string(fn_value(c, json_string_value(v)));
        else
            val = json_deep_copy(v);
        /* user fields take [{code}] */
        if (json_is_object(val)) {
            json_t *arr = json_array();
            json_array_append_new(arr, val);
            val = arr;
        }
        json_object_set_new(in, field, json_pack("{s:o}", "value", val));
    }
    *out = in;
    return ERR_OK;
}

static json_t *
minus(const json_t *list, const char *login)
{
    json_t *out = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    if (!json_is_string(v) || !login || strcmp(json_string_value(v), login) != 0)
        json_array_append(out, (json_t *)v);
    return out;
}

/* Assignees of the status the action leads to. */
static enum err
next_assignees(struct ctx *c, const json_t *st, const struct wf_row *r, const json_t *data,
               const char *chosen, const char *prefix, json_t **out)
{
    const json_t *as = json_object_get(st, "assignee");
    json_t *cands = NULL;
    enum err e = wf_resolve(c, json_object_get(as, "entities"), r->creator, data, &cands);
    if (e != ERR_OK)
        return e;
    owned(c, cands);
    const char *type = json_string_value(json_object_get(as, "type"));
    const char *key = arena_printf(c->arena, "%s%sassignee", prefix, *prefix ? "." : "");
    if (type && strcmp(type, "ONE") == 0) {
        if (chosen && *chosen) {
            if (!wf_list_has(cands, chosen)) {
                fail_field(c->fail, key, MSG_BAD_ENTITY, chosen);
                return ERR_INVALID;
            }
            *out = owned(c, json_pack("[s]", chosen));
            return ERR_OK;
        }
        if (json_array_size(cands) > 1) {
            fail_field(c->fail, key, MSG_REQUIRED, NULL);
            return ERR_INVALID;
        }
    }
    *out = cands;
    return ERR_OK;
}

static const char *
detail(struct ctx *c, json_t *obj)
{
    char *s = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    const char *out = arena_strdup(c->arena, s ? s : "{}");
    free(s);
    return out;
}

static void
note(struct ctx *c, int64_t id, const char *action, const char *from, const char *to,
     const char *rule)
{
    json_t *t = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "action", action, "from",
                          from, "to", to);
    if (rule)
        json_object_set_new(t, "rule", json_string(rule));
    /* a request may move many records (records/status.json, rules that follow): one list */
    json_t *notes = audit_notes(c);
    json_t *list = json_object_get(notes, "transitions");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(notes, "transitions", list);
    }
    json_array_append_new(list, t);
}

static enum err run(struct ctx *c, const struct app_def *d, const struct wf_request *rq,
                    const char *prefix, int64_t *revision, int depth, const char *rule);

/* Set once at start-up (before any worker runs), read afterwards: no lock needed. */
static wf_status_hook_fn status_hook;

void
wf_set_status_hook(wf_status_hook_fn fn)
{
    status_hook = fn;
}

enum err
wf_run(struct ctx *c, const struct app_def *d, const struct wf_request *rq, const char *prefix,
       int64_t *revision)
{
    return run(c, d, rq, prefix, revision, 0, NULL);
}

static enum err
run(struct ctx *c, const struct app_def *d, const struct wf_request *rq, const char *prefix,
    int64_t *revision, int depth, const char *rule)
{
    const json_t *proc = wf_process(d);
    if (!proc)
        return fail_set(c->fail, ERR_STATUS_DISABLED, NULL);
    struct wf_row r;
    enum err e = load_row(c, d, rq->id, &r);
    if (e == ERR_OK && !is_system(c))
        e = acl_record(c, d, rq->id, ACL_VIEW);
    if (e != ERR_OK)
        return e;
    if (rq->expected_revision != -1 && rq->expected_revision != r.revision)
        return fail_set(c->fail, ERR_REVISION, NULL);
    const json_t *action = r.status && rq->action ? wf_find_action(proc, rq->action, r.status)
                                                  : NULL;
    if (!action)
        return fail_set(c->fail, ERR_WF_ACTION, NULL);
    bool match;
    e = wf_cond_match(c, d, rq->id, json_string_value(json_object_get(action, "filterCond")),
                      &match);
    if (e != ERR_OK)
        return e;
    if (!match)
        return fail_set(c->fail, ERR_WF_ACTION, NULL);
    e = may_act(c, d, rq->id, &r, action);
    if (e != ERR_OK)
        return e;
    const char *reason_rule = json_string_value(json_object_get(action, "reason"));
    bool needs_reason = reason_rule && strcmp(reason_rule, "REQUIRED") == 0;
    const char *reason = rq->reason && *rq->reason ? rq->reason : NULL;
    if (needs_reason && !reason && !is_system(c)) {
        fail_field(c->fail, arena_printf(c->arena, "%s%sreason", prefix, *prefix ? "." : ""),
                   MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    const char *from = r.status;
    const char *to = json_string_value(json_object_get(action, "to"));
    const char *name = json_string_value(json_object_get(action, "name"));
    const json_t *states = json_object_get(proc, "states");
    const json_t *here = json_object_get(states, from);
    const char *type = json_string_value(json_object_get(json_object_get(here, "assignee"), "type"));

    /* an ALL step: each assignee approves in turn; the last one moves the record on. Actions
     * that need a reason (send back, reject, withdraw) apply at once. */
    if (type && strcmp(type, "ALL") == 0 && !needs_reason && c->who.kind == PRIN_USER &&
        json_array_size(r.assignees) > 1) {
        struct db_param ap[] = { DBP_INT(d->id),          DBP_INT(rq->id),
                                 DBP_INT(r.status_rev),    DBP_TEXT(c->who.login),
                                 DBP_TEXT(name),           DBP_INT(c->now) };
        int rc = db_exec(c->db, WF_SQL_APPROVAL_ADD, ap, 6, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        json_t *rest = owned(c, minus(r.assignees, c->who.login));
        struct rec_wf_write w = {
            .id = rq->id,
            .revision = r.revision + 1,
            .status = from,
            .assignees = rest,
            .action = "approval",
            .reason = reason,
            .detail_json = detail(c, json_pack("{s:s,s:s,s:s,s:O}", "action", name, "from", from,
                                               "to", to, "pending", rest)),
        };
        e = rec_wf_store(c, d, &w);
        if (e != ERR_OK)
            return e;
        note(c, rq->id, name, from, from, rule);
        *revision = w.revision;
        return ERR_OK;
    }

    /* revision 1: the action, with its field writes */
    json_t *data = NULL;
    json_t *in;
    e = set_input(c, action, &in);
    if (e != ERR_OK)
        return e;
    if (in) {
        e = rec_merge_values(c, d, rq->id, r.data, in, prefix && *prefix ? prefix : "record",
                             &data);
        if (e != ERR_OK)
            return e;
        owned(c, data);
    }
    json_t *next = NULL;
    e = next_assignees(c, json_object_get(states, to), &r, data ? data : r.data, rq->assignee,
                       prefix, &next);
    if (e != ERR_OK)
        return e;
    json_t *dj = json_pack("{s:s,s:s,s:s}", "action", name, "from", from, "to", to);
    if (rule)
        json_object_set_new(dj, "rule", json_string(rule));
    struct rec_wf_write w1 = { .id = rq->id,
                               .revision = r.revision + 1,
                               .data = data,
                               .status = from,
                               .assignees = r.assignees,
                               .action = "action",
                               .reason = reason,
                               .detail_json = detail(c, dj) };
    e = rec_wf_store(c, d, &w1);
    if (e != ERR_OK)
        return e;
    /* revision 2: the status change */
    struct rec_wf_write w2 = {
        .id = rq->id,
        .revision = r.revision + 2,
        .status = to,
        .assignees = next,
        .enters_status = true,
        .action = "status",
        .detail_json = detail(c, json_pack("{s:s,s:s,s:s,s:O}", "action", name, "from", from, "to",
                                           to, "assignees", next)),
    };
    e = rec_wf_store(c, d, &w2);
    if (e == ERR_OK)
        e = lclock_on_status(c, d, rq->id, from, to);
    if (e == ERR_OK) {
        const char *title = arena_printf(c->arena, "%s #%lld: %s → %s", d->name ? d->name : "",
                                         (long long)rq->id, from, to);
        e = wf_notify(c, next, d->id, rq->id, needs_reason ? "returned" : "assigned", title,
                      detail(c, json_pack("{s:s,s:s,s:s,s:s?}", "action", name, "from", from,
                                          "to", to, "reason", reason)));
    }
    if (e != ERR_OK)
        return e;
    /* e.g. documents issued on entering the status: they belong to this action, so their
     * failure fails it */
    if (status_hook && (e = status_hook(c, d, rq->id, to)) != ERR_OK)
        return e;
    note(c, rq->id, name, from, to, rule);
    *revision = w2.revision;
    if (depth < 5) {
        /* rules that now match run on (as the system), within the same transaction */
        const json_t *autos = json_object_get(proc, "autoActions");
        size_t i;
        const json_t *a;
        json_array_foreach(autos, i, a)
        {
            const char *st = json_string_value(json_object_get(a, "status"));
            const char *an = json_string_value(json_object_get(a, "action"));
            if (!an || json_object_get(a, "afterDays") || strcmp(st, to) != 0)
                continue;
            e = wf_cond_match(c, d, rq->id, json_string_value(json_object_get(a, "condition")),
                              &match);
            if (e == ERR_OK && match) {
                e = wf_run_system(c, d, rq->id, an, json_string_value(json_object_get(a, "name")),
                                  depth + 1);
                if (e == ERR_OK)
                    break; /* the status moved on; its own rules ran inside */
            }
            if (e != ERR_OK)
                return e;
        }
    }
    return ERR_OK;
}

enum err
wf_run_system(struct ctx *c, const struct app_def *d, int64_t id, const char *action,
              const char *rule, int depth)
{
    struct principal saved = c->who;
    memset(&c->who, 0, sizeof(c->who));
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "system";
    c->who.name = "システム";
    struct wf_request rq = { .id = id, .action = action, .expected_revision = -1 };
    int64_t rev;
    enum err e = run(c, d, &rq, "", &rev, depth, rule);
    c->who = saved;
    return e;
}

enum err
wf_auto_after_write(struct ctx *c, const struct app_def *d, int64_t id)
{
    const json_t *proc = wf_process(d);
    const json_t *autos = json_object_get(proc, "autoActions");
    if (!json_array_size(autos))
        return ERR_OK;
    struct wf_row r;
    enum err e = load_row(c, d, id, &r);
    if (e != ERR_OK || !r.status)
        return e;
    size_t i;
    const json_t *a;
    json_array_foreach(autos, i, a)
    {
        const char *st = json_string_value(json_object_get(a, "status"));
        const char *an = json_string_value(json_object_get(a, "action"));
        if (!an || json_object_get(a, "afterDays") || strcmp(st, r.status) != 0)
            continue;
        bool match;
        e = wf_cond_match(c, d, id, json_string_value(json_object_get(a, "condition")), &match);
        if (e == ERR_OK && match)
            return wf_run_system(c, d, id, an, json_string_value(json_object_get(a, "name")), 1);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

static bool
is_manager(struct ctx *c, const struct app_def *d)
{
    struct fail quiet, *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    enum err e = acl_app_def(c, d, ACL_MANAGE);
    c->fail = saved;
    return e == ERR_OK;
}

enum err
wf_set_assignees(struct ctx *c, const struct app_def *d, int64_t id, const json_t *logins,
                 int64_t expected_revision, int64_t *revision)
{
    const json_t *proc = wf_process(d);
    if (!proc)
        return fail_set(c->fail, ERR_STATUS_DISABLED, NULL);
    if (!json_is_array(logins) || json_array_size(logins) > 100) {
        fail_field(c->fail, "assignees", MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    struct wf_row r;
    enum err e = load_row(c, d, id, &r);
    if (e == ERR_OK)
        e = acl_record(c, d, id, ACL_VIEW);
    if (e != ERR_OK)
        return e;
    if (expected_revision != -1 && expected_revision != r.revision)
        return fail_set(c->fail, ERR_REVISION, NULL);
    /* the current assignees hand over; with nobody assigned, editors; app managers always */
    if (c->who.kind == PRIN_TOKEN || !json_array_size(r.assignees))
        e = acl_record(c, d, id, ACL_EDIT);
    else if (!wf_list_has(r.assignees, c->who.login) && !is_manager(c, d))
        e = fail_set(c->fail, ERR_WF_NOT_ASSIGNEE, NULL);
    if (e != ERR_OK)
        return e;
    const json_t *st = json_object_get(json_object_get(proc, "states"), r.status);
    const char *type = json_string_value(json_object_get(json_object_get(st, "assignee"), "type"));
    if (type && strcmp(type, "ONE") == 0 && json_array_size(logins) > 1) {
        fail_field(c->fail, "assignees", MSG_MAX_ITEMS, "1");
        return ERR_INVALID;
    }
    json_t *list = owned(c, json_array());
    size_t i;
    const json_t *v;
    json_array_foreach(logins, i, v)
    {
        const char *login = json_string_value(v);
        struct db_param p[] = { DBP_TEXT(login ? login : "") };
        int64_t one;
        bool found = false;
        if (login && db_query_int(c->db, WF_SQL_USER_ENABLED, p, 1, &one, &found) != DB_OK)
            return app_db_fail(c, DB_ERROR);
        if (!found) {
            fail_field(c->fail, arena_printf(c->arena, "assignees[%zu]", i), MSG_BAD_ENTITY,
                       login ? login : "");
            return ERR_INVALID;
        }
        if (!wf_list_has(list, login))
            json_array_append(list, (json_t *)v);
    }
    json_t *added = owned(c, json_array());
    json_array_foreach(list, i, v)
    if (!wf_list_has(r.assignees, json_string_value(v)))
        json_array_append(added, (json_t *)v);
    struct rec_wf_write w = {
        .id = id,
        .revision = r.revision + 1,
        .status = r.status,
        .assignees = list,
        .action = "assignees",
        .detail_json = detail(c, json_pack("{s:O,s:O}", "from", r.assignees, "to", list)),
    };
    e = rec_wf_store(c, d, &w);
    if (e == ERR_OK)
        e = wf_notify(c, added, d->id, id, "assigned",
                      arena_printf(c->arena, "%s #%lld: %s", d->name ? d->name : "",
                                   (long long)id, r.status ? r.status : ""),
                      NULL);
    if (e == ERR_OK)
        *revision = w.revision;
    return e;
}

enum err
wf_actions_for(struct ctx *c, const struct app_def *d, int64_t id, json_t **out)
{
    const json_t *proc = wf_process(d);
    if (!proc)
        return fail_set(c->fail, ERR_STATUS_DISABLED, NULL);
    struct wf_row r;
    enum err e = load_row(c, d, id, &r);
    if (e == ERR_OK)
        e = acl_record(c, d, id, ACL_VIEW);
    if (e != ERR_OK)
        return e;
    json_t *list = json_array();
    json_t *res = json_pack("{s:s?,s:O,s:o}", "status", r.status, "assignees", r.assignees,
                            "actions", list);
    owned(c, res);
    const json_t *states = json_object_get(proc, "states");
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(proc, "actions"), i, a)
    {
        if (!r.status || strcmp(json_string_value(json_object_get(a, "from")), r.status) != 0)
            continue;
        bool match;
        e = wf_cond_match(c, d, id, json_string_value(json_object_get(a, "filterCond")), &match);
        if (e != ERR_OK)
            return e;
        if (!match)
            continue;
        struct fail quiet, *saved = c->fail;
        fail_init(&quiet, c->arena, c->lang);
        c->fail = &quiet;
        e = may_act(c, d, id, &r, a);
        c->fail = saved;
        if (e == ERR_INTERNAL || e == ERR_UNAVAILABLE)
            return fail_set(c->fail, e, NULL);
        if (e != ERR_OK)
            continue;
        const char *to = json_string_value(json_object_get(a, "to"));
        json_t *item = json_pack("{s:s,s:s,s:s,s:s,s:b}", "name",
                                 json_string_value(json_object_get(a, "name")), "to", to,
                                 "reason", json_string_value(json_object_get(a, "reason")),
                                 "type", json_string_value(json_object_get(a, "type")),
                                 "applicant", json_is_true(json_object_get(a, "applicant")));
        const json_t *as = json_object_get(json_object_get(states, to), "assignee");
        const char *type = json_string_value(json_object_get(as, "type"));
        if (type && strcmp(type, "ONE") == 0) {
            json_t *cands = NULL;
            e = wf_resolve(c, json_object_get(as, "entities"), r.creator, r.data, &cands);
            if (e != ERR_OK) {
                json_decref(item);
                return e;
            }
            json_object_set_new(item, "assigneeCandidates", cands);
        }
        json_array_append_new(list, item);
    }
    *out = json_incref(res);
    return ERR_OK;
}

enum err
wf_applicant_actions(struct ctx *c, const struct app_def *d, int64_t id, json_t **out)
{
    const json_t *proc = wf_process(d);
    json_t *list = json_array();
    *out = list;
    if (!proc)
        return ERR_OK;
    struct wf_row r;
    enum err e = load_row(c, d, id, &r);
    if (e != ERR_OK)
        return e;
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(proc, "actions"), i, a)
    {
        if (!json_is_true(json_object_get(a, "applicant")) || !r.status ||
            strcmp(json_string_value(json_object_get(a, "from")), r.status) != 0)
            continue;
        bool match;
        e = wf_cond_match(c, d, id, json_string_value(json_object_get(a, "filterCond")), &match);
        if (e != ERR_OK)
            return e;
        if (match)
            json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "name",
                                                  json_string_value(json_object_get(a, "name")),
                                                  "reason",
                                                  json_string_value(json_object_get(a, "reason")),
                                                  "reply",
                                                  json_is_true(json_object_get(a, "applicantReply"))));
    }
    return ERR_OK;
}

enum err
wf_run_applicant(struct ctx *c, const struct app_def *d, int64_t id, const char *action,
                 const char *reason, int64_t *revision)
{
    const json_t *proc = wf_process(d);
    if (!proc)
        return fail_set(c->fail, ERR_STATUS_DISABLED, NULL);
    struct wf_row r;
    enum err e = load_row(c, d, id, &r);
    if (e != ERR_OK)
        return e;
    const json_t *a = r.status && action ? wf_find_action(proc, action, r.status) : NULL;
    if (!a || !json_is_true(json_object_get(a, "applicant")))
        return fail_set(c->fail, ERR_WF_ACTION, NULL);
    const char *rule = json_string_value(json_object_get(a, "reason"));
    if (rule && !strcmp(rule, "REQUIRED") && (!reason || !*reason)) {
        fail_field(c->fail, "reason", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    struct principal saved = c->who;
    memset(&c->who, 0, sizeof(c->who));
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "applicant";
    c->who.name = "申請者（オンライン申請）";
    struct wf_request rq = { .id = id, .action = action, .reason = reason, .expected_revision = -1 };
    e = run(c, d, &rq, "", revision, 0, NULL);
    c->who = saved;
    return e;
}
