/* App-level access decisions, the caller's directory facts, and validation of the three kinds
 * of rights documents; record and field rules are in acl_record.c. See acl.h. */
#include "acl.h"

#include "acl_int.h"
#include "core/arena.h"
#include "db/db.h"
#include "domain/acl_sql.h"
#include "domain/event.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- directory facts of the caller -------------------------------------------------------
 * Three small indexed queries per user; cached per worker thread for a short time so a hot
 * API client does not pay them on every request, and short enough that a membership change
 * is in force within seconds. */

#define FACTS_TTL 2
#define FACTS_SLOTS 16

struct facts_entry {
    int64_t user_id, expires;
    char *blob; /* NUL-separated strings: primary, groups..., orgs..., tree... */
    size_t blob_len;
    int ngroups, norgs, ntree;
};

static _Thread_local struct facts_entry facts_cache[FACTS_SLOTS];

static enum err
load_list(struct ctx *c, const char *sql, int64_t user_id, const char ***out, int *n,
          const char *extra1, const char *extra2)
{
    struct db_param p[] = { DBP_INT(user_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    int cap = 8, k = 0;
    const char **v = arena_alloc(c->arena, sizeof(*v) * (size_t)cap);
    if (extra1)
        v[k++] = extra1;
    if (extra2)
        v[k++] = extra2;
    while ((rc = db_step(res)) == 1) {
        if (k == cap) {
            const char **nv = arena_alloc(c->arena, sizeof(*v) * (size_t)cap * 2);
            memcpy(nv, v, sizeof(*v) * (size_t)cap);
            v = nv;
            cap *= 2;
        }
        v[k++] = arena_strdup(c->arena, db_col_text(res, 0));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    *out = v;
    *n = k;
    return ERR_OK;
}

static void
facts_store(struct ctx *c)
{
    struct principal *w = &c->who;
    size_t len = strlen(w->primary_org ? w->primary_org : "") + 1;
    for (int i = 0; i < w->ngroups; i++)
        len += strlen(w->groups[i]) + 1;
    for (int i = 0; i < w->norgs; i++)
        len += strlen(w->orgs[i]) + 1;
    for (int i = 0; i < w->norg_tree; i++)
        len += strlen(w->org_tree[i]) + 1;
    char *blob = malloc(len), *p = blob;
    if (!blob)
        return;
    p = stpcpy(p, w->primary_org ? w->primary_org : "") + 1;
    for (int i = 0; i < w->ngroups; i++)
        p = stpcpy(p, w->groups[i]) + 1;
    for (int i = 0; i < w->norgs; i++)
        p = stpcpy(p, w->orgs[i]) + 1;
    for (int i = 0; i < w->norg_tree; i++)
        p = stpcpy(p, w->org_tree[i]) + 1;
    struct facts_entry *e = &facts_cache[(uint64_t)w->user_id % FACTS_SLOTS];
    free(e->blob);
    *e = (struct facts_entry){ .user_id = w->user_id, .expires = c->now + FACTS_TTL,
                               .blob = blob, .blob_len = len, .ngroups = w->ngroups,
                               .norgs = w->norgs, .ntree = w->norg_tree };
}

static const char **
unpack(struct ctx *c, const char **p, int n)
{
    const char **v = arena_alloc(c->arena, sizeof(*v) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        v[i] = *p;
        *p += strlen(*p) + 1;
    }
    return v;
}

static bool
facts_lookup(struct ctx *c)
{
    struct facts_entry *e = &facts_cache[(uint64_t)c->who.user_id % FACTS_SLOTS];
    if (!e->blob || e->user_id != c->who.user_id || e->expires < c->now ||
        e->expires > c->now + FACTS_TTL)
        return false;
    char *copy = arena_alloc(c->arena, e->blob_len);
    memcpy(copy, e->blob, e->blob_len);
    const char *p = copy;
    struct principal *w = &c->who;
    w->primary_org = *p ? p : NULL;
    p += strlen(p) + 1;
    w->groups = unpack(c, &p, e->ngroups);
    w->ngroups = e->ngroups;
    w->orgs = unpack(c, &p, e->norgs);
    w->norgs = e->norgs;
    w->org_tree = unpack(c, &p, e->ntree);
    w->norg_tree = e->ntree;
    return true;
}

void
acl_facts_cache_clear(void)
{
    for (int i = 0; i < FACTS_SLOTS; i++) {
        free(facts_cache[i].blob);
        facts_cache[i].blob = NULL;
    }
}

enum err
acl_load_principal(struct ctx *c)
{
    struct principal *w = &c->who;
    if (w->dir_loaded)
        return ERR_OK;
    if (w->kind != PRIN_USER || w->user_id <= 0) {
        static const char *everyone[] = { "everyone" };
        w->groups = everyone;
        w->ngroups = 1;
        w->norgs = w->norg_tree = 0;
        w->dir_loaded = true;
        return ERR_OK;
    }
    if (facts_lookup(c)) {
        w->dir_loaded = true;
        return ERR_OK;
    }
    enum err e = load_list(c, ACL_SQL_USER_GROUPS, w->user_id, &w->groups, &w->ngroups,
                           "everyone", w->is_admin ? "Administrators" : NULL);
    if (e == ERR_OK)
        e = load_list(c, ACL_SQL_USER_ORGS, w->user_id, &w->orgs, &w->norgs, NULL, NULL);
    if (e == ERR_OK)
        e = load_list(c, ACL_SQL_USER_ORG_TREE, w->user_id, &w->org_tree, &w->norg_tree, NULL,
                      NULL);
    const char **prim = NULL;
    int nprim = 0;
    if (e == ERR_OK)
        e = load_list(c, ACL_SQL_USER_PRIMARY_ORG, w->user_id, &prim, &nprim, NULL, NULL);
    if (e != ERR_OK)
        return e;
    w->primary_org = nprim ? prim[0] : NULL;
    w->dir_loaded = true;
    facts_store(c);
    return ERR_OK;
}

static bool
in_list(const char *s, const char *const *v, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, v[i]) == 0)
            return true;
    return false;
}

enum acl_match
acl_entity_match(struct ctx *c, const json_t *entity, bool subs, const char *app_creator)
{
    const char *type = json_string_value(json_object_get(entity, "type"));
    const char *code = json_string_value(json_object_get(entity, "code"));
    const struct principal *w = &c->who;
    if (!type)
        return ACL_MATCH_NO;
    if (strcmp(type, "FIELD_ENTITY") == 0)
        return code ? ACL_MATCH_FIELD : ACL_MATCH_NO;
    if (strcmp(type, "CREATOR") == 0)
        return app_creator && w->login && strcmp(app_creator, w->login) == 0 ? ACL_MATCH_YES
                                                                              : ACL_MATCH_NO;
    if (!code)
        return ACL_MATCH_NO;
    if (strcmp(type, "USER") == 0)
        return w->login && strcmp(code, w->login) == 0 ? ACL_MATCH_YES : ACL_MATCH_NO;
    if (strcmp(type, "GROUP") == 0)
        return in_list(code, w->groups, w->ngroups) ? ACL_MATCH_YES : ACL_MATCH_NO;
    if (strcmp(type, "ORGANIZATION") == 0)
        return in_list(code, subs ? w->org_tree : w->orgs, subs ? w->norg_tree : w->norgs)
                   ? ACL_MATCH_YES
                   : ACL_MATCH_NO;
    return ACL_MATCH_NO;
}

/* ---- app rights ---- */

static const struct {
    const char *key;
    unsigned bit;
} app_bits[] = {
    { "appEditable", ACL_MANAGE },       { "recordViewable", ACL_VIEW },
    { "recordAddable", ACL_ADD },        { "recordEditable", ACL_EDIT },
    { "recordDeletable", ACL_DELETE },   { "recordImportable", ACL_IMPORT },
    { "recordExportable", ACL_EXPORT },
};
#define NAPP_BITS (sizeof(app_bits) / sizeof(app_bits[0]))

json_t *
acl_default_app_rights(void)
{
    return json_pack("[{s:{s:s,s:n}, s:b, s:b,s:b,s:b,s:b,s:b,s:b,s:b},"
                     " {s:{s:s,s:s}, s:b, s:b,s:b,s:b,s:b,s:b,s:b,s:b}]",
                     "entity", "type", "CREATOR", "code", "includeSubs", 0, "appEditable", 1,
                     "recordViewable", 1, "recordAddable", 1, "recordEditable", 1,
                     "recordDeletable", 1, "recordImportable", 1, "recordExportable", 1,
                     "entity", "type", "GROUP", "code", "everyone", "includeSubs", 0,
                     "appEditable", 0, "recordViewable", 1, "recordAddable", 1, "recordEditable",
                     1, "recordDeletable", 1, "recordImportable", 1, "recordExportable", 1);
}

/* The default rights of apps that never set theirs (most of them), built once: read-only
 * after that, so threads share it without touching its reference count. */
static json_t *default_rights_doc;
static pthread_once_t default_rights_once = PTHREAD_ONCE_INIT;

static void
default_rights_init(void)
{
    default_rights_doc = acl_default_app_rights();
}

static const json_t *
default_rights(void)
{
    pthread_once(&default_rights_once, default_rights_init);
    return default_rights_doc;
}

static unsigned
bits_of(const json_t *right)
{
    unsigned b = 0;
    for (size_t i = 0; i < NAPP_BITS; i++)
        if (json_is_true(json_object_get(right, app_bits[i].key)))
            b |= app_bits[i].bit;
    /* kintone: changing, deleting, importing and exporting records all need viewing */
    if (!(b & ACL_VIEW))
        b &= ~(unsigned)(ACL_EDIT | ACL_DELETE | ACL_EXPORT | ACL_IMPORT);
    return b;
}

unsigned
acl_app_rights(struct ctx *c, const struct app_def *live)
{
    const struct principal *w = &c->who;
    if (w->kind == PRIN_SYSTEM)
        return ACL_ALL;
    if (w->kind == PRIN_TOKEN) {
        unsigned have = 0;
        for (int i = 0; i < w->ntokens; i++)
            if (w->tokens[i].app_id == live->id)
                have |= w->tokens[i].perms;
        return have;
    }
    if (w->kind != PRIN_USER)
        return 0;
    struct acl_cache *ac = acl_cache_for(c, live);
    if (ac && ac->have_app_rights)
        return ac->app_rights;
    if (acl_load_principal(c) != ERR_OK)
        return 0;
    const json_t *rights = json_object_get(live->acl, "app");
    if (!json_is_array(rights))
        rights = default_rights();
    unsigned bits = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(rights, i, r)
    {
        if (acl_entity_match(c, json_object_get(r, "entity"),
                             json_is_true(json_object_get(r, "includeSubs")),
                             live->creator) == ACL_MATCH_YES) {
            bits = bits_of(r);
            break;
        }
    }
    bool granted = w->is_admin && !(bits & ACL_MANAGE);
    if (w->is_admin)
        bits |= ACL_MANAGE; /* named administrators can always repair an app's settings */
    if (ac) {
        ac->app_rights = bits;
        ac->have_app_rights = true;
        ac->admin_granted = granted;
    }
    return bits;
}

enum err
acl_app_def(struct ctx *c, const struct app_def *live, unsigned need)
{
    switch (c->who.kind) {
    case PRIN_SYSTEM:
        return ERR_OK;
    case PRIN_TOKEN: {
        bool any = false;
        for (int i = 0; i < c->who.ntokens; i++)
            any = any || c->who.tokens[i].app_id == live->id;
        if (!any)
            return fail_set(c->fail, ERR_TOKEN_APP, NULL);
        break;
    }
    case PRIN_USER:
        break;
    default:
        return fail_set(c->fail, ERR_AUTH_REQUIRED, NULL);
    }
    unsigned have = acl_app_rights(c, live);
    if ((have & need) != need)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    struct acl_cache *ac = acl_cache_for(c, live);
    if ((need & ACL_MANAGE) && ac && ac->admin_granted && !ac->admin_logged) {
        /* administrator rights used where the app's own permissions would refuse */
        ac->admin_logged = true;
        event_log(c, "admin.use", NULL, arena_printf(c->arena, "app:%lld", (long long)live->id),
                  "{\"right\":\"appEditable\"}");
    }
    return ERR_OK;
}

enum err
acl_app(struct ctx *c, int64_t app_id, unsigned need)
{
    if (c->who.kind == PRIN_SYSTEM)
        return ERR_OK;
    if (c->who.kind == PRIN_TOKEN) {
        /* a token answers for its own apps only, with its own rights: no need to load the
         * app (one query less on the hottest path) */
        bool any = false;
        unsigned have = 0;
        for (int i = 0; i < c->who.ntokens; i++) {
            if (c->who.tokens[i].app_id == app_id) {
                any = true;
                have |= c->who.tokens[i].perms;
            }
        }
        if (!any)
            return fail_set(c->fail, ERR_TOKEN_APP, NULL);
        return (have & need) == need ? ERR_OK : fail_set(c->fail, ERR_FORBIDDEN, NULL);
    } else if (c->who.kind != PRIN_USER) {
        return fail_set(c->fail, ERR_AUTH_REQUIRED, NULL);
    }
    struct app_def live;
    enum err e = app_load(c, app_id, false, &live);
    if (e != ERR_OK)
        return e;
    return acl_app_def(c, &live, need);
}

enum err
acl_admin(struct ctx *c)
{
    if (c->who.kind == PRIN_SYSTEM || (c->who.kind == PRIN_USER && c->who.is_admin))
        return ERR_OK;
    return fail_set(c->fail, ERR_FORBIDDEN, NULL);
}

/* ---- validation of rights documents ---- */

static enum err
bad(struct ctx *c, const char *key)
{
    fail_field(c->fail, key, MSG_BAD_PARAM, NULL);
    return ERR_INVALID;
}

/* {type, code} of an entity; allowed: a space-separated list of types. */
static enum err
check_entity(struct ctx *c, const json_t *ent, const char *key, const char *allowed,
             const struct app_def *d, json_t **out)
{
    const char *type = json_string_value(json_object_get(ent, "type"));
    const json_t *codev = json_object_get(ent, "code");
    const char *code = json_string_value(codev);
    if (!json_is_object(ent) || !type || !*type)
        return bad(c, arena_printf(c->arena, "%s.type", key));
    const char *hit = strstr(allowed, type);
    size_t tl = strlen(type);
    if (!hit || (hit != allowed && hit[-1] != ' ') || (hit[tl] != ' ' && hit[tl] != '\0'))
        return bad(c, arena_printf(c->arena, "%s.type", key));
    if (strcmp(type, "CREATOR") == 0) {
        *out = json_pack("{s:s, s:n}", "type", type, "code");
        return ERR_OK;
    }
    if (!code || !*code || strlen(code) > 128)
        return bad(c, arena_printf(c->arena, "%s.code", key));
    if (strcmp(type, "FIELD_ENTITY") == 0) {
        const char *ft = json_string_value(json_object_get(json_object_get(d->props, code), "type"));
        if (!ft || (strcmp(ft, "USER_SELECT") && strcmp(ft, "ORGANIZATION_SELECT") &&
                    strcmp(ft, "GROUP_SELECT") && strcmp(ft, "CREATOR") &&
                    strcmp(ft, "MODIFIER") && strcmp(ft, "STATUS_ASSIGNEE")))
            return bad(c, arena_printf(c->arena, "%s.code", key));
    }
    *out = json_pack("{s:s, s:s}", "type", type, "code", code);
    return ERR_OK;
}

enum err
acl_check_app_rights(struct ctx *c, const json_t *rights, json_t **out)
{
    *out = NULL;
    if (!json_is_array(rights) || json_array_size(rights) > 1000)
        return bad(c, "rights");
    json_t *res = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach(rights, i, r)
    {
        const char *key = arena_printf(c->arena, "rights[%zu]", i);
        json_t *ent = NULL;
        if (!json_is_object(r)) {
            json_decref(res);
            return bad(c, key);
        }
        enum err e = check_entity(c, json_object_get(r, "entity"),
                                  arena_printf(c->arena, "%s.entity", key),
                                  "USER GROUP ORGANIZATION CREATOR", NULL, &ent);
        if (e != ERR_OK) {
            json_decref(res);
            return e;
        }
        json_t *o = json_pack("{s:o, s:b}", "entity", ent, "includeSubs",
                              json_is_true(json_object_get(r, "includeSubs")));
        for (size_t k = 0; k < NAPP_BITS; k++) {
            const json_t *v = json_object_get(r, app_bits[k].key);
            if (v && !json_is_boolean(v) &&
                !(json_is_string(v) && (!strcmp(json_string_value(v), "true") ||
                                        !strcmp(json_string_value(v), "false")))) {
                json_decref(o);
                json_decref(res);
                return bad(c, arena_printf(c->arena, "%s.%s", key, app_bits[k].key));
            }
            bool on = json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
            json_object_set_new(o, app_bits[k].key, json_boolean(on));
        }
        json_array_append_new(res, o);
    }
    *out = res;
    return ERR_OK;
}

static bool
flag_of(const json_t *v, bool *out)
{
    if (!v || json_is_null(v)) {
        *out = false;
        return true;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (json_is_string(v) && (!strcmp(json_string_value(v), "true") ||
                              !strcmp(json_string_value(v), "false"))) {
        *out = !strcmp(json_string_value(v), "true");
        return true;
    }
    return false;
}

enum err
acl_check_record_rights(struct ctx *c, const struct app_def *d, const json_t *rights,
                        json_t **out)
{
    *out = NULL;
    if (!json_is_array(rights) || json_array_size(rights) > 1000)
        return bad(c, "rights");
    json_t *res = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach(rights, i, r)
    {
        const char *key = arena_printf(c->arena, "rights[%zu]", i);
        const json_t *fc = json_object_get(r, "filterCond");
        const json_t *ents = json_object_get(r, "entities");
        if (!json_is_object(r) || (fc && !json_is_string(fc) && !json_is_null(fc)) ||
            !json_is_array(ents) || json_array_size(ents) > 1000) {
            json_decref(res);
            return bad(c, key);
        }
        const char *cond = json_is_string(fc) ? json_string_value(fc) : "";
        /* the condition must compile against the app's fields */
        struct query_plan plan;
        memset(&plan, 0, sizeof(plan));
        struct strbuf sb;
        strbuf_init(&sb, c->arena, 0);
        struct fail quiet;
        struct fail *saved = c->fail;
        fail_init(&quiet, c->arena, c->lang);
        c->fail = &quiet;
        enum err e = query_append_cond(c, d->id, d->props, cond, DB_SQLITE, &plan, &sb);
        c->fail = saved;
        if (e != ERR_OK) {
            json_decref(res);
            return bad(c, arena_printf(c->arena, "%s.filterCond", key));
        }
        json_t *list = json_array();
        size_t k;
        const json_t *en;
        json_array_foreach(ents, k, en)
        {
            const char *ekey = arena_printf(c->arena, "%s.entities[%zu]", key, k);
            json_t *ent = NULL;
            bool v, ed, de;
            e = json_is_object(en) ? check_entity(c, json_object_get(en, "entity"),
                                                  arena_printf(c->arena, "%s.entity", ekey),
                                                  "USER GROUP ORGANIZATION FIELD_ENTITY", d, &ent)
                                   : bad(c, ekey);
            if (e == ERR_OK && (!flag_of(json_object_get(en, "viewable"), &v) ||
                                !flag_of(json_object_get(en, "editable"), &ed) ||
                                !flag_of(json_object_get(en, "deletable"), &de))) {
                json_decref(ent);
                e = bad(c, ekey);
            }
            if (e != ERR_OK) {
                json_decref(list);
                json_decref(res);
                return e;
            }
            json_array_append_new(list, json_pack("{s:o, s:b, s:b, s:b, s:b}", "entity", ent,
                                                  "viewable", v, "editable", v && ed,
                                                  "deletable", v && de, "includeSubs",
                                                  json_is_true(json_object_get(en, "includeSubs"))));
        }
        json_array_append_new(res, json_pack("{s:s, s:o}", "filterCond", cond, "entities", list));
    }
    *out = res;
    return ERR_OK;
}

enum err
acl_check_field_rights(struct ctx *c, const struct app_def *d, const json_t *rights,
                       json_t **out)
{
    *out = NULL;
    if (!json_is_array(rights) || json_array_size(rights) > 1000)
        return bad(c, "rights");
    json_t *res = json_array();
    json_t *seen = json_object();
    size_t i;
    const json_t *r;
    enum err e = ERR_OK;
    json_array_foreach(rights, i, r)
    {
        const char *key = arena_printf(c->arena, "rights[%zu]", i);
        const char *code = json_string_value(json_object_get(r, "code"));
        const json_t *ents = json_object_get(r, "entities");
        const json_t *prop = code ? json_object_get(d->props, code) : NULL;
        const char *ft = json_string_value(json_object_get(prop, "type"));
        /* top-level fields and whole tables; the record number cannot be hidden */
        if (!json_is_object(r) || !prop || !ft || !strcmp(ft, "RECORD_NUMBER") ||
            !strcmp(ft, "__ID__") || !strcmp(ft, "__REVISION__") || json_object_get(seen, code)) {
            e = bad(c, arena_printf(c->arena, "%s.code", key));
            break;
        }
        if (!json_is_array(ents) || json_array_size(ents) > 1000) {
            e = bad(c, arena_printf(c->arena, "%s.entities", key));
            break;
        }
        json_object_set_new(seen, code, json_true());
        json_t *list = json_array();
        size_t k;
        const json_t *en;
        json_array_foreach(ents, k, en)
        {
            const char *ekey = arena_printf(c->arena, "%s.entities[%zu]", key, k);
            const char *acc = json_string_value(json_object_get(en, "accessibility"));
            json_t *ent = NULL;
            if (!json_is_object(en) || !acc ||
                (strcmp(acc, "READ") && strcmp(acc, "WRITE") && strcmp(acc, "NONE"))) {
                e = bad(c, arena_printf(c->arena, "%s.accessibility", ekey));
                break;
            }
            e = check_entity(c, json_object_get(en, "entity"),
                             arena_printf(c->arena, "%s.entity", ekey),
                             "USER GROUP ORGANIZATION FIELD_ENTITY", d, &ent);
            if (e != ERR_OK)
                break;
            json_array_append_new(list, json_pack("{s:s, s:o, s:b}", "accessibility", acc,
                                                  "entity", ent, "includeSubs",
                                                  json_is_true(json_object_get(en, "includeSubs"))));
        }
        if (e != ERR_OK) {
            json_decref(list);
            break;
        }
        json_array_append_new(res, json_pack("{s:s, s:o}", "code", code, "entities", list));
    }
    json_decref(seen);
    if (e != ERR_OK) {
        json_decref(res);
        return e;
    }
    *out = res;
    return ERR_OK;
}
