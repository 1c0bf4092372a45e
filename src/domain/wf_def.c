/* The process definition: validation of PUT app/status.json (kintone's shape plus the ward's
 * extensions) and the GET shape. Stored normalised in the definition's "process" object:
 *   {enable, states:{name:{name, index, assignee:{type, entities}, applicantLabel?}},
 *    actions:[{name, from, to, filterCond, type, executableUser:{entities}, reason, set, applicant,
 *              applicantReply}],
 *    autoActions:[{name, action?, condition?, status?, afterDays?, notify?}]} */
#include "wf.h"
#include "wf_int.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/field.h"
#include "domain/numbering.h"
#include "domain/query.h"
#include "domain/wf_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const json_t *
wf_process(const struct app_def *d)
{
    const json_t *p = d && d->root ? json_object_get(d->root, "process") : NULL;
    return json_is_object(p) && json_is_true(json_object_get(p, "enable")) ? p : NULL;
}

static enum err
bad(struct ctx *c, const char *key, enum msg m, const char *arg)
{
    fail_field(c->fail, key, m, arg);
    return ERR_INVALID;
}

static bool
exists(struct ctx *c, const char *sql, const char *code)
{
    struct db_param p[] = { DBP_TEXT(code) };
    int64_t v;
    bool found = false;
    return db_query_int(c->db, sql, p, 1, &v, &found) == DB_OK && found;
}

static const char *const entity_types[] = { "USER", "GROUP", "ORGANIZATION", "FIELD_ENTITY",
                                            "CREATOR", NULL };

static bool
in_names(const char *s, const char *const *names)
{
    for (; s && *names; names++)
        if (strcmp(s, *names) == 0)
            return true;
    return false;
}

/* A user/org/group-select field (or creator/modifier) the record can name assignees by. */
static bool
entity_field(const json_t *props, const char *code)
{
    const json_t *f = json_object_get(props, code);
    const char *t = json_string_value(json_object_get(f, "type"));
    return t && (strcmp(t, "USER_SELECT") == 0 || strcmp(t, "ORGANIZATION_SELECT") == 0 ||
                 strcmp(t, "GROUP_SELECT") == 0 || strcmp(t, "CREATOR") == 0 ||
                 strcmp(t, "MODIFIER") == 0);
}

/* Normalises an entity list [{entity:{type,code}, includeSubs}] into out. */
static enum err
norm_entities(struct ctx *c, const json_t *props, const json_t *in, const char *key, json_t *out)
{
    if (in && !json_is_array(in))
        return bad(c, key, MSG_BAD_TYPE, NULL);
    size_t i;
    const json_t *e;
    json_array_foreach(in, i, e)
    {
        const json_t *ent = json_object_get(e, "entity");
        const char *type = json_string_value(json_object_get(ent, "type"));
        const char *code = json_string_value(json_object_get(ent, "code"));
        const char *k = arena_printf(c->arena, "%s[%zu].entity", key, i);
        if (!in_names(type, entity_types))
            return bad(c, arena_printf(c->arena, "%s.type", k), MSG_BAD_PARAM, NULL);
        bool creator = strcmp(type, "CREATOR") == 0;
        if (!creator && (!code || !*code))
            return bad(c, arena_printf(c->arena, "%s.code", k), MSG_REQUIRED, NULL);
        const char *ck = arena_printf(c->arena, "%s.code", k);
        if (strcmp(type, "USER") == 0 && !exists(c, WF_SQL_USER_ENABLED, code))
            return bad(c, ck, MSG_BAD_ENTITY, code);
        if (strcmp(type, "GROUP") == 0 && strcmp(code, "everyone") != 0 &&
            !exists(c, WF_SQL_GROUP_EXISTS, code))
            return bad(c, ck, MSG_BAD_ENTITY, code);
        if (strcmp(type, "ORGANIZATION") == 0 && !exists(c, WF_SQL_ORG_EXISTS, code))
            return bad(c, ck, MSG_BAD_ENTITY, code);
        if (strcmp(type, "FIELD_ENTITY") == 0 && !entity_field(props, code))
            return bad(c, ck, MSG_UNKNOWN_FIELD, code);
        json_t *n = json_pack("{s:{s:s,s:o},s:b}", "entity", "type", type, "code",
                              creator ? json_null() : json_string(code), "includeSubs",
                              json_is_true(json_object_get(e, "includeSubs")));
        json_array_append_new(out, n);
    }
    return ERR_OK;
}

static enum err
norm_states(struct ctx *c, const json_t *props, const json_t *in, json_t *out)
{
    if (!json_is_object(in) || !json_object_size(in))
        return bad(c, "states", MSG_REQUIRED, NULL);
    if (json_object_size(in) > 100)
        return bad(c, "states", MSG_MAX_ITEMS, "100");
    const char *name;
    const json_t *s;
    int64_t seen[100];
    int n = 0;
    json_object_foreach((json_t *)in, name, s)
    {
        const char *key = arena_printf(c->arena, "states.%s", name);
        if (!json_is_object(s))
            return bad(c, key, MSG_BAD_TYPE, NULL);
        const char *nm = json_string_value(json_object_get(s, "name"));
        if (!nm)
            nm = name;
        if (!*nm || strcmp(nm, name) != 0 || strlen(nm) > 64)
            return bad(c, arena_printf(c->arena, "%s.name", key), MSG_BAD_PARAM, NULL);
        const json_t *ix = json_object_get(s, "index");
        int64_t index = -1;
        if (json_is_integer(ix))
            index = json_integer_value(ix);
        else if (json_is_string(ix) && *json_string_value(ix))
            index = strtoll(json_string_value(ix), NULL, 10);
        if (index < 0 || index > 999)
            return bad(c, arena_printf(c->arena, "%s.index", key), MSG_BAD_PARAM, NULL);
        for (int k = 0; k < n; k++)
            if (seen[k] == index)
                return bad(c, arena_printf(c->arena, "%s.index", key), MSG_DUPLICATE, NULL);
        seen[n++] = index;
        const json_t *as = json_object_get(s, "assignee");
        const char *type = as ? json_string_value(json_object_get(as, "type")) : "ONE";
        if (!type || (strcmp(type, "ONE") && strcmp(type, "ANY") && strcmp(type, "ALL")))
            return bad(c, arena_printf(c->arena, "%s.assignee.type", key), MSG_BAD_PARAM, NULL);
        json_t *ents = json_array();
        json_t *st = json_pack("{s:s,s:s,s:{s:s,s:o}}", "name", nm, "index",
                               arena_printf(c->arena, "%lld", (long long)index), "assignee",
                               "type", type, "entities", ents);
        json_object_set_new(out, nm, st);
        enum err e = norm_entities(c, props, json_object_get(as, "entities"),
                                   arena_printf(c->arena, "%s.assignee.entities", key), ents);
        if (e != ERR_OK)
            return e;
        const char *label = json_string_value(json_object_get(s, "applicantLabel"));
        if (label && *label)
            json_object_set_new(st, "applicantLabel", json_string(label));
    }
    return ERR_OK;
}

static bool
cond_ok(struct ctx *c, const struct app_def *d, const char *cond)
{
    if (!cond || !*cond)
        return true;
    struct query_plan plan;
    struct strbuf sb;
    struct fail quiet;
    struct fail *saved = c->fail;
    memset(&plan, 0, sizeof(plan));
    strbuf_init(&sb, c->arena, 0);
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    enum err e = query_append_cond(c, d->id, d->props, cond, db_kind(c->db), &plan, &sb);
    c->fail = saved;
    return e == ERR_OK;
}

static enum err
norm_sets(struct ctx *c, const struct app_def *d, const json_t *in, const char *key, json_t *out)
{
    if (in && !json_is_array(in))
        return bad(c, key, MSG_BAD_TYPE, NULL);
    size_t i;
    const json_t *s;
    json_array_foreach(in, i, s)
    {
        const char *field = json_string_value(json_object_get(s, "field"));
        const json_t *v = json_object_get(s, "value");
        const char *k = arena_printf(c->arena, "%s[%zu].field", key, i);
        const json_t *f = field ? json_object_get(d->props, field) : NULL;
        const char *t = json_string_value(json_object_get(f, "type"));
        if (!t)
            return bad(c, k, MSG_UNKNOWN_FIELD, field ? field : "");
        if (field_type_is_system(field_type(t)) || strcmp(t, "SUBTABLE") == 0 ||
            strcmp(t, "CALC") == 0 || strcmp(t, "FILE") == 0)
            return bad(c, k, MSG_NOT_WRITABLE, NULL);
        const char *why;
        if (json_is_object(v) && !num_spec_valid(v, &why))
            return bad(c, arena_printf(c->arena, "%s[%zu].value.%s", key, i, why), MSG_BAD_PARAM,
                       NULL);
        if (!json_is_string(v) && !json_is_array(v) && !json_is_object(v))
            return bad(c, arena_printf(c->arena, "%s[%zu].value", key, i), MSG_BAD_TYPE, NULL);
        json_array_append_new(out, json_pack("{s:s,s:O}", "field", field, "value", v));
    }
    return ERR_OK;
}

static enum err
norm_actions(struct ctx *c, const struct app_def *d, const json_t *states, const json_t *in,
             json_t *out)
{
    if (in && !json_is_array(in))
        return bad(c, "actions", MSG_BAD_TYPE, NULL);
    if (json_array_size(in) > 300)
        return bad(c, "actions", MSG_MAX_ITEMS, "300");
    size_t i;
    const json_t *a;
    json_array_foreach(in, i, a)
    {
        const char *key = arena_printf(c->arena, "actions[%zu]", i);
        const char *name = json_string_value(json_object_get(a, "name"));
        const char *from = json_string_value(json_object_get(a, "from"));
        const char *to = json_string_value(json_object_get(a, "to"));
        const char *cond = json_string_value(json_object_get(a, "filterCond"));
        const char *type = json_string_value(json_object_get(a, "type"));
        const char *reason = json_string_value(json_object_get(a, "reason"));
        if (!name || !*name || strlen(name) > 64)
            return bad(c, arena_printf(c->arena, "%s.name", key), MSG_REQUIRED, NULL);
        if (!from || !json_object_get(states, from))
            return bad(c, arena_printf(c->arena, "%s.from", key), MSG_BAD_PARAM, NULL);
        if (!to || !json_object_get(states, to))
            return bad(c, arena_printf(c->arena, "%s.to", key), MSG_BAD_PARAM, NULL);
        size_t k;
        const json_t *o;
        json_array_foreach(out, k, o)
        if (strcmp(json_string_value(json_object_get(o, "name")), name) == 0 &&
            strcmp(json_string_value(json_object_get(o, "from")), from) == 0)
            return bad(c, arena_printf(c->arena, "%s.name", key), MSG_DUPLICATE, NULL);
        if (!cond_ok(c, d, cond))
            return bad(c, arena_printf(c->arena, "%s.filterCond", key), MSG_BAD_PARAM, NULL);
        if (type && strcmp(type, "PRIMARY") && strcmp(type, "SECONDARY"))
            return bad(c, arena_printf(c->arena, "%s.type", key), MSG_BAD_PARAM, NULL);
        if (reason && strcmp(reason, "NONE") && strcmp(reason, "OPTIONAL") &&
            strcmp(reason, "REQUIRED"))
            return bad(c, arena_printf(c->arena, "%s.reason", key), MSG_BAD_PARAM, NULL);
        json_t *ents = json_array(), *sets = json_array();
        /* applicantReply: the action a reply to a request runs (修正回答); it is the
         * applicant's, but no button: the reply form is how they take it */
        bool reply = json_is_true(json_object_get(a, "applicantReply"));
        json_t *n = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:o},s:s,s:o,s:b,s:b}", "name", name,
                              "from", from, "to", to, "filterCond", cond ? cond : "", "type",
                              type ? type : "PRIMARY", "executableUser", "entities", ents,
                              "reason", reason ? reason : "NONE", "set", sets, "applicant",
                              reply || json_is_true(json_object_get(a, "applicant")),
                              "applicantReply", reply);
        json_array_append_new(out, n);
        enum err e = norm_entities(
            c, d->props, json_object_get(json_object_get(a, "executableUser"), "entities"),
            arena_printf(c->arena, "%s.executableUser.entities", key), ents);
        if (e == ERR_OK)
            e = norm_sets(c, d, json_object_get(a, "set"), arena_printf(c->arena, "%s.set", key),
                          sets);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

const json_t *
wf_find_action(const json_t *proc, const char *name, const char *from)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(proc, "actions"), i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "name")), name) == 0 &&
            (!from || strcmp(json_string_value(json_object_get(a, "from")), from) == 0))
            return a;
    }
    return NULL;
}

static enum err
norm_auto(struct ctx *c, const struct app_def *d, const json_t *proc, const json_t *in,
          json_t *out)
{
    if (in && !json_is_array(in))
        return bad(c, "autoActions", MSG_BAD_TYPE, NULL);
    size_t i;
    const json_t *a;
    json_array_foreach(in, i, a)
    {
        const char *key = arena_printf(c->arena, "autoActions[%zu]", i);
        const char *name = json_string_value(json_object_get(a, "name"));
        const char *action = json_string_value(json_object_get(a, "action"));
        const char *cond = json_string_value(json_object_get(a, "condition"));
        const char *status = json_string_value(json_object_get(a, "status"));
        const json_t *days = json_object_get(a, "afterDays");
        const json_t *notify = json_object_get(a, "notify");
        if (!name || !*name)
            return bad(c, arena_printf(c->arena, "%s.name", key), MSG_REQUIRED, NULL);
        const json_t *act = action ? wf_find_action(proc, action, status) : NULL;
        if (action && !act)
            return bad(c, arena_printf(c->arena, "%s.action", key), MSG_BAD_PARAM, NULL);
        if (!action && !notify)
            return bad(c, arena_printf(c->arena, "%s.action", key), MSG_REQUIRED, NULL);
        if (!cond_ok(c, d, cond))
            return bad(c, arena_printf(c->arena, "%s.condition", key), MSG_BAD_PARAM, NULL);
        if (days && (!json_is_integer(days) || json_integer_value(days) < 1 ||
                     json_integer_value(days) > 3650))
            return bad(c, arena_printf(c->arena, "%s.afterDays", key), MSG_BAD_PARAM, NULL);
        if (!status && act)
            status = json_string_value(json_object_get(act, "from"));
        if (!status || !json_object_get(json_object_get(proc, "states"), status))
            return bad(c, arena_printf(c->arena, "%s.status", key), MSG_BAD_PARAM, NULL);
        if (!days && !action)
            return bad(c, arena_printf(c->arena, "%s.afterDays", key), MSG_REQUIRED, NULL);
        json_t *n = json_pack("{s:s,s:s,s:s}", "name", name, "status", status, "condition",
                              cond ? cond : "");
        if (action)
            json_object_set_new(n, "action", json_string(action));
        if (days)
            json_object_set_new(n, "afterDays", json_integer(json_integer_value(days)));
        if (notify) {
            const char *to = json_string_value(json_object_get(notify, "to"));
            const char *title = json_string_value(json_object_get(notify, "title"));
            if (!to || (strcmp(to, "ASSIGNEES") && strcmp(to, "CREATOR")))
                return bad(c, arena_printf(c->arena, "%s.notify.to", key), MSG_BAD_PARAM, NULL);
            json_object_set_new(n, "notify", json_pack("{s:s,s:s}", "to", to, "title",
                                                       title && *title ? title : name));
        }
        json_array_append_new(out, n);
    }
    return ERR_OK;
}

/* STATUS / STATUS_ASSIGNEE fields show in records exactly when the process is enabled. */
static void
switch_status_fields(json_t *props, bool on)
{
    const char *code;
    json_t *f;
    json_object_foreach(props, code, f)
    {
        const char *t = json_string_value(json_object_get(f, "type"));
        if (t && (strcmp(t, "STATUS") == 0 || strcmp(t, "STATUS_ASSIGNEE") == 0))
            json_object_set_new(f, "enabled", json_boolean(on));
    }
}

enum err
wf_put(struct ctx *c, struct app_def *d, const json_t *req)
{
    json_t *cur = json_object_get(d->root, "process");
    json_t *proc = json_object();
    arena_defer(c->arena, wf_decref, proc);
    const json_t *en = json_object_get(req, "enable");
    if (en && !json_is_boolean(en))
        return bad(c, "enable", MSG_BAD_TYPE, NULL);
    bool enable = en ? json_is_true(en) : json_is_true(json_object_get(cur, "enable"));
    json_object_set_new(proc, "enable", json_boolean(enable));
    const json_t *states_in = json_object_get(req, "states");
    const json_t *actions_in = json_object_get(req, "actions");
    const json_t *auto_in = json_object_get(req, "autoActions");
    if (!states_in)
        states_in = json_object_get(cur, "states");
    if (!actions_in)
        actions_in = json_object_get(cur, "actions");
    if (!auto_in)
        auto_in = json_object_get(cur, "autoActions");
    json_t *states = json_object(), *actions = json_array(), *autos = json_array();
    json_object_set_new(proc, "states", states);
    json_object_set_new(proc, "actions", actions);
    json_object_set_new(proc, "autoActions", autos);
    enum err e = ERR_OK;
    if (states_in || enable)
        e = norm_states(c, d->props, states_in, states);
    if (e == ERR_OK)
        e = norm_actions(c, d, states, actions_in, actions);
    if (e == ERR_OK)
        e = norm_auto(c, d, proc, auto_in, autos);
    if (e != ERR_OK)
        return e;
    json_object_set(d->root, "process", proc);
    switch_status_fields(d->props, enable);
    return ERR_OK;
}

json_t *
wf_get(struct ctx *c, const struct app_def *d)
{
    (void)c;
    const json_t *p = json_object_get(d->root, "process");
    json_t *out = json_pack("{s:b,s:n,s:n,s:s}", "enable", json_is_true(json_object_get(p, "enable")),
                            "states", "actions", "revision",
                            arena_printf(c->arena, "%lld", (long long)d->revision));
    if (json_object_get(p, "states") && json_object_size(json_object_get(p, "states")))
        json_object_set_new(out, "states", json_deep_copy(json_object_get(p, "states")));
    if (json_array_size(json_object_get(p, "actions")))
        json_object_set_new(out, "actions", json_deep_copy(json_object_get(p, "actions")));
    if (json_array_size(json_object_get(p, "autoActions")))
        json_object_set_new(out, "autoActions", json_deep_copy(json_object_get(p, "autoActions")));
    return out;
}

const char *
wf_first_state(const json_t *proc)
{
    const char *name, *best = NULL;
    const json_t *s;
    long long low = 0;
    json_object_foreach((json_t *)json_object_get(proc, "states"), name, s)
    {
        long long ix = strtoll(json_string_value(json_object_get(s, "index")), NULL, 10);
        if (!best || ix < low) {
            best = name;
            low = ix;
        }
    }
    return best;
}

void
wf_decref(void *p)
{
    json_decref(p);
}
