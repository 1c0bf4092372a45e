/* Record and field permissions: record/acl.json conditions compiled to SQL, field/acl.json
 * rules resolved for the caller, per-record probes and records/acl/evaluate.json. See acl.h. */
#include "acl.h"

#include "acl_int.h"
#include "core/arena.h"
#include "db/db.h"
#include "domain/acl_sql.h"

#include <stdlib.h>

#include <string.h>

struct acl_cache *
acl_cache_for(struct ctx *c, const struct app_def *live)
{
    if (c->who.kind != PRIN_USER)
        return NULL;
    for (struct acl_cache *a = c->acl_cache; a; a = a->next)
        if (a->app_id == live->id && a->revision == live->revision)
            return a;
    struct acl_cache *a = arena_zalloc(c->arena, sizeof(*a));
    a->app_id = live->id;
    a->revision = live->revision;
    a->next = c->acl_cache;
    c->acl_cache = a;
    return a;
}

static bool
subs_of(const json_t *en)
{
    return json_is_true(json_object_get(en, "includeSubs"));
}

/* ---- FIELD_ENTITY conditions ---------------------------------------------------------- */

static void
add_quoted(struct strbuf *sb, const char *s)
{
    strbuf_addc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            strbuf_addc(sb, '\\');
        strbuf_addc(sb, *s);
    }
    strbuf_addc(sb, '"');
}

/* The query-language condition "the caller is in field code of the record", or NULL when it can
 * never hold (the caller has no organisation, say). */
static const char *
field_entity_cond(struct ctx *c, const struct app_def *d, const char *code, bool subs)
{
    const char *type = json_string_value(json_object_get(json_object_get(d->props, code), "type"));
    const struct principal *w = &c->who;
    const char *const *vals;
    int n;
    if (!type)
        return NULL;
    if (!strcmp(type, "ORGANIZATION_SELECT")) {
        vals = subs ? w->org_tree : w->orgs;
        n = subs ? w->norg_tree : w->norgs;
    } else if (!strcmp(type, "GROUP_SELECT")) {
        vals = w->groups;
        n = w->ngroups;
    } else {
        vals = &w->login;
        n = w->login ? 1 : 0;
    }
    if (n == 0)
        return NULL;
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, code);
    strbuf_adds(&sb, " in (");
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_adds(&sb, ", ");
        add_quoted(&sb, vals[i]);
    }
    strbuf_addc(&sb, ')');
    return sb.buf;
}

/* Appends SQL for "the caller is in field code" (or FALSE). */
static enum err
field_entity_sql(struct ctx *c, const struct app_def *d, const json_t *en,
                 struct query_plan *plan, struct strbuf *sb)
{
    const json_t *ent = json_object_get(en, "entity");
    const char *code = json_string_value(json_object_get(ent, "code"));
    const char *cond = code ? field_entity_cond(c, d, code, subs_of(en)) : NULL;
    if (!cond) {
        strbuf_adds(sb, "FALSE");
        return ERR_OK;
    }
    return query_append_cond(c, d->id, d->props, cond, db_kind(c->db), plan, sb);
}

/* ---- record rights -------------------------------------------------------------------- */

static const char *
perm_key(unsigned perm)
{
    return perm == ACL_EDIT ? "editable" : perm == ACL_DELETE ? "deletable" : "viewable";
}

static const json_t *
record_rights(const struct app_def *d)
{
    const json_t *r = json_object_get(d->acl, "record");
    return json_is_array(r) && json_array_size(r) ? r : NULL;
}

/* Decision of one right's entity list for perm: constant (*dyn = false, *val) or one that
 * needs FIELD_ENTITY tests. */
static void
decide(struct ctx *c, const json_t *ents, unsigned perm, bool *dyn, bool *val)
{
    size_t k;
    const json_t *en;
    *dyn = false;
    *val = false;
    json_array_foreach(ents, k, en)
    {
        enum acl_match m = acl_entity_match(c, json_object_get(en, "entity"), subs_of(en), NULL);
        if (m == ACL_MATCH_FIELD) {
            *dyn = true;
            continue;
        }
        if (m == ACL_MATCH_YES) {
            *val = json_is_true(json_object_get(en, perm_key(perm)));
            return;
        }
    }
}

/* true when the record rights never restrict the caller for perm. */
static enum err
record_unrestricted(struct ctx *c, const struct app_def *d, unsigned perm, bool *out)
{
    const json_t *rights = record_rights(d);
    *out = true;
    if (c->who.kind != PRIN_USER || !rights)
        return ERR_OK;
    enum err e = acl_load_principal(c);
    if (e != ERR_OK)
        return e;
    size_t i;
    const json_t *r;
    json_array_foreach(rights, i, r)
    {
        bool dyn, val;
        decide(c, json_object_get(r, "entities"), perm, &dyn, &val);
        if (dyn || !val) {
            *out = false;
            return ERR_OK;
        }
        if (!*json_string_value(json_object_get(r, "filterCond")))
            return ERR_OK; /* matches every record: later rights never apply */
    }
    return ERR_OK;
}

#define MAX_BITS 62 /* rules beyond this many are always evaluated in the query */

/* Is rule i pre-evaluated in records.acl_bits (record-only condition, low index)? */
static bool
rule_static(struct ctx *c, const struct app_def *d, size_t i, const char *cond)
{
    if (i >= MAX_BITS || !*cond)
        return false;
    struct acl_cache *ac = acl_cache_for(c, d);
    const json_t *rights = record_rights(d);
    if (!ac)
        return query_cond_is_static(c, cond);
    if (!ac->rule_static) {
        ac->nrecord_rules = (int)json_array_size(rights);
        ac->rule_static = arena_alloc(c->arena, (size_t)ac->nrecord_rules);
        memset(ac->rule_static, -1, (size_t)ac->nrecord_rules);
    }
    if ((int)i >= ac->nrecord_rules)
        return false;
    if (ac->rule_static[i] < 0)
        ac->rule_static[i] = query_cond_is_static(c, cond) ? 1 : 0;
    return ac->rule_static[i] == 1;
}

/* "the record matches rule i's condition": the stored bit when it is current, else the
 * condition itself */
static enum err
rule_cond_sql(struct ctx *c, const struct app_def *d, size_t i, const char *cond,
              struct query_plan *plan, struct strbuf *sb)
{
    bool pre = d->acl_rev > 0 && rule_static(c, d, i, cond);
    if (pre)
        strbuf_addf(sb, "(CASE WHEN r.acl_rev = %lld THEN (r.acl_bits & %lld) <> 0 ELSE ",
                    (long long)d->acl_rev, 1LL << i);
    enum err e = query_append_cond(c, d->id, d->props, cond, db_kind(c->db), plan, sb);
    if (e == ERR_OK && pre)
        strbuf_adds(sb, " END)");
    return e;
}

enum err
acl_bits_refresh(struct ctx *c, const struct app_def *live, int64_t id)
{
    const json_t *rights = record_rights(live);
    if (!rights || live->acl_rev <= 0)
        return ERR_OK;
    struct query_plan plan;
    memset(&plan, 0, sizeof(plan));
    plan.params = arena_alloc(c->arena, sizeof(struct db_param) * 3);
    plan.params[0] = DBP_INT(live->id);
    plan.params[1] = DBP_INT(id);
    plan.params[2] = DBP_INT(live->acl_rev);
    plan.nparams = 3;
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, "0");
    size_t i;
    const json_t *r;
    int n = 0;
    json_array_foreach(rights, i, r)
    {
        const char *cond = json_string_value(json_object_get(r, "filterCond"));
        if (!cond || !query_cond_is_static(c, cond) || i >= MAX_BITS || !*cond)
            continue;
        strbuf_adds(&sb, " | (CASE WHEN ");
        enum err e = query_append_cond(c, live->id, live->props, cond, db_kind(c->db), &plan, &sb);
        if (e != ERR_OK)
            return e;
        strbuf_addf(&sb, " THEN %lld ELSE 0 END)", 1LL << i);
        n++;
    }
    if (!n)
        return ERR_OK;
    const char *sql = arena_printf(c->arena,
                                   "UPDATE records SET acl_bits = (SELECT %s FROM records r "
                                   "WHERE r.rid = records.rid), acl_rev = $3 "
                                   "WHERE app_id = $1 AND id %s $2 AND deleted_at IS NULL",
                                   sb.buf, id ? "=" : ">");
    int rc = db_exec(c->db, sql, plan.params, plan.nparams, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
acl_record_sql(struct ctx *c, const struct app_def *d, unsigned perm, struct query_plan *plan,
               struct strbuf *sb)
{
    bool free_all;
    enum err e = record_unrestricted(c, d, perm, &free_all);
    if (e != ERR_OK)
        return e;
    if (free_all) {
        strbuf_adds(sb, "TRUE");
        return ERR_OK;
    }
    enum db_kind kind = db_kind(c->db);
    const json_t *rights = record_rights(d);
    bool catch_all = false;
    size_t i;
    const json_t *r;
    strbuf_adds(sb, "(CASE");
    json_array_foreach(rights, i, r)
    {
        const char *cond = json_string_value(json_object_get(r, "filterCond"));
        const json_t *ents = json_object_get(r, "entities");
        strbuf_adds(sb, " WHEN ");
        e = *cond ? rule_cond_sql(c, d, i, cond, plan, sb)
                  : query_append_cond(c, d->id, d->props, cond, kind, plan, sb);
        if (e != ERR_OK)
            return e;
        strbuf_adds(sb, " THEN ");
        bool dyn, val;
        decide(c, ents, perm, &dyn, &val);
        if (!dyn) {
            strbuf_adds(sb, val ? "TRUE" : "FALSE");
        } else {
            /* entities in order: the first FIELD_ENTITY the record matches, or the first
             * static match, decides */
            strbuf_adds(sb, "(CASE");
            size_t k;
            const json_t *en;
            bool closed = false;
            json_array_foreach(ents, k, en)
            {
                enum acl_match m = acl_entity_match(c, json_object_get(en, "entity"), subs_of(en),
                                                    NULL);
                bool bit = json_is_true(json_object_get(en, perm_key(perm)));
                if (m == ACL_MATCH_YES) {
                    strbuf_addf(sb, " ELSE %s END)", bit ? "TRUE" : "FALSE");
                    closed = true;
                    break;
                }
                if (m != ACL_MATCH_FIELD)
                    continue;
                strbuf_adds(sb, " WHEN ");
                e = field_entity_sql(c, d, en, plan, sb);
                if (e != ERR_OK)
                    return e;
                strbuf_addf(sb, " THEN %s", bit ? "TRUE" : "FALSE");
            }
            if (!closed)
                strbuf_adds(sb, " ELSE FALSE END)");
        }
        if (!*cond) {
            catch_all = true;
            break;
        }
    }
    strbuf_adds(sb, catch_all ? " END)" : " ELSE TRUE END)");
    return ERR_OK;
}

enum err
acl_filter_records(struct ctx *c, const struct app_def *d, unsigned perm, struct query_plan *plan)
{
    bool free_all;
    enum err e = record_unrestricted(c, d, perm, &free_all);
    if (e != ERR_OK || free_all)
        return e;
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, plan->where);
    strbuf_adds(&sb, " AND ");
    e = acl_record_sql(c, d, perm, plan, &sb);
    if (e != ERR_OK)
        return e;
    plan->where = sb.buf;
    return ERR_OK;
}

/* A plan holding $1 = app id, $2 = record id, for probes of one record. */
static void
probe_plan(struct ctx *c, const struct app_def *d, int64_t id, struct query_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->params = arena_alloc(c->arena, sizeof(struct db_param) * 2);
    plan->params[0] = DBP_INT(d->id);
    plan->params[1] = DBP_INT(id);
    plan->nparams = 2;
}

/* Runs "SELECT <cols> FROM records r WHERE r.app_id = $1 AND r.id = $2 AND live" and reads
 * n integer columns; *found = false when there is no such record. */
static enum err
probe(struct ctx *c, struct query_plan *plan, const char *cols, int64_t *vals, int n, bool *found)
{
    const char *sql = arena_printf(c->arena,
                                   "SELECT %s FROM records r WHERE r.app_id = $1 AND r.id = $2 "
                                   "AND r.deleted_at IS NULL",
                                   cols);
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, plan->params, plan->nparams, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    *found = rc == 1;
    if (rc == 1)
        for (int i = 0; i < n; i++)
            vals[i] = db_col_int(res, i);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return ERR_OK;
}

enum err
acl_record(struct ctx *c, const struct app_def *d, int64_t id, unsigned perm)
{
    enum err e = acl_app_def(c, d, perm);
    if (e != ERR_OK)
        return e;
    bool free_all;
    e = record_unrestricted(c, d, perm, &free_all);
    if (e != ERR_OK || free_all)
        return e;
    struct query_plan plan;
    probe_plan(c, d, id, &plan);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, "CASE WHEN ");
    e = acl_record_sql(c, d, perm, &plan, &sb);
    if (e != ERR_OK)
        return e;
    strbuf_adds(&sb, " THEN 1 ELSE 0 END");
    int64_t ok = 0;
    bool found;
    e = probe(c, &plan, sb.buf, &ok, 1, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return fail_set(c->fail, ERR_RECORD_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)id));
    if (!ok)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    return ERR_OK;
}

/* ---- field rights --------------------------------------------------------------------- */

static enum acl_access
access_of(const char *s)
{
    return !strcmp(s, "WRITE") ? ACC_WRITE : !strcmp(s, "READ") ? ACC_READ : ACC_NONE;
}

static void
push(struct ctx *c, const char ***v, int *n, const char *s)
{
    const char **nv = arena_alloc(c->arena, sizeof(*nv) * (size_t)(*n + 2));
    if (*n)
        memcpy(nv, *v, sizeof(*nv) * (size_t)*n);
    nv[(*n)++] = s;
    nv[*n] = NULL;
    *v = nv;
}

enum err
acl_fields_for(struct ctx *c, const struct app_def *d, const struct acl_fields **out)
{
    struct acl_cache *ac = acl_cache_for(c, d);
    const json_t *rights = json_object_get(d->acl, "field");
    if (!ac || !json_is_array(rights) || !json_array_size(rights)) {
        struct acl_fields *none = ac ? &ac->fields : arena_zalloc(c->arena, sizeof(*none));
        none->props = d->props;
        if (ac)
            ac->have_fields = true;
        *out = none;
        return ERR_OK;
    }
    if (ac->have_fields) {
        *out = &ac->fields;
        return ERR_OK;
    }
    enum err e = acl_load_principal(c);
    if (e != ERR_OK)
        return e;
    struct acl_fields *f = &ac->fields;
    ac->nrules = (int)json_array_size(rights);
    ac->rules = arena_zalloc(c->arena, sizeof(*ac->rules) * (size_t)ac->nrules);
    size_t i;
    const json_t *r;
    json_array_foreach(rights, i, r)
    {
        struct acl_field_rule *fr = &ac->rules[i];
        fr->code = json_string_value(json_object_get(r, "code"));
        fr->entities = json_object_get(r, "entities");
        fr->fixed = ACC_NONE;
        size_t k;
        const json_t *en;
        json_array_foreach(fr->entities, k, en)
        {
            enum acl_match m = acl_entity_match(c, json_object_get(en, "entity"), subs_of(en),
                                                NULL);
            if (m == ACL_MATCH_FIELD) {
                fr->dynamic = true;
                break;
            }
            if (m == ACL_MATCH_YES) {
                fr->fixed = access_of(json_string_value(json_object_get(en, "accessibility")));
                break;
            }
        }
        if (!fr->code || !json_object_get(d->props, fr->code))
            continue; /* a field deleted since: nothing to protect */
        if (fr->dynamic)
            push(c, &f->dynamic, &f->ndynamic, fr->code);
        else if (fr->fixed == ACC_NONE)
            push(c, &f->hidden, &f->nhidden, fr->code);
        else if (fr->fixed == ACC_READ)
            push(c, &f->readonly, &f->nreadonly, fr->code);
    }
    f->restricted = f->nhidden || f->nreadonly || f->ndynamic;
    if (f->nhidden || f->ndynamic) {
        /* queries may neither filter nor sort on what the caller cannot see */
        json_t *props = json_copy(d->props);
        for (int k = 0; k < f->nhidden; k++)
            json_object_del(props, f->hidden[k]);
        for (int k = 0; k < f->ndynamic; k++)
            json_object_del(props, f->dynamic[k]);
        arena_defer(c->arena, (void (*)(void *))json_decref, props);
        f->props = props;
    } else {
        f->props = d->props;
    }
    ac->have_fields = true;
    *out = f;
    return ERR_OK;
}

static const struct acl_field_rule *
rule_of(const struct acl_cache *ac, const char *code)
{
    for (int i = 0; i < ac->nrules; i++)
        if (ac->rules[i].code && !strcmp(ac->rules[i].code, code))
            return &ac->rules[i];
    return NULL;
}

/* SQL integer (0 NONE, 1 READ, 2 WRITE) of a dynamic field rule for the current record. */
static enum err
field_access_sql(struct ctx *c, const struct app_def *d, const struct acl_field_rule *fr,
                 struct query_plan *plan, struct strbuf *sb)
{
    strbuf_adds(sb, "(CASE");
    size_t k;
    const json_t *en;
    json_array_foreach(fr->entities, k, en)
    {
        enum acl_match m = acl_entity_match(c, json_object_get(en, "entity"), subs_of(en), NULL);
        int acc = (int)access_of(json_string_value(json_object_get(en, "accessibility")));
        if (m == ACL_MATCH_YES) {
            strbuf_addf(sb, " ELSE %d END)", acc);
            return ERR_OK;
        }
        if (m != ACL_MATCH_FIELD)
            continue;
        strbuf_adds(sb, " WHEN ");
        enum err e = field_entity_sql(c, d, en, plan, sb);
        if (e != ERR_OK)
            return e;
        strbuf_addf(sb, " THEN %d", acc);
    }
    strbuf_adds(sb, " ELSE 0 END)");
    return ERR_OK;
}

enum err
acl_field_columns(struct ctx *c, const struct app_def *d, struct query_plan *plan,
                  struct strbuf *sb)
{
    const struct acl_fields *f;
    enum err e = acl_fields_for(c, d, &f);
    if (e != ERR_OK)
        return e;
    struct acl_cache *ac = acl_cache_for(c, d);
    for (int i = 0; i < f->ndynamic; i++) {
        strbuf_adds(sb, ", ");
        e = field_access_sql(c, d, rule_of(ac, f->dynamic[i]), plan, sb);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

/* Access of every dynamic field on record id into acc[] (f->ndynamic entries). */
static enum err
dynamic_access(struct ctx *c, const struct app_def *d, int64_t id, int64_t *acc, bool *found)
{
    const struct acl_fields *f;
    enum err e = acl_fields_for(c, d, &f);
    if (e != ERR_OK)
        return e;
    *found = true;
    if (!f->ndynamic)
        return ERR_OK;
    struct query_plan plan;
    probe_plan(c, d, id, &plan);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, "0");
    e = acl_field_columns(c, d, &plan, &sb);
    if (e != ERR_OK)
        return e;
    int64_t *vals = arena_zalloc(c->arena, sizeof(*vals) * (size_t)(f->ndynamic + 1));
    e = probe(c, &plan, sb.buf, vals, f->ndynamic + 1, found);
    if (e == ERR_OK)
        memcpy(acc, vals + 1, sizeof(*acc) * (size_t)f->ndynamic);
    return e;
}

enum err
acl_record_hidden(struct ctx *c, const struct app_def *d, int64_t id, const char ***hidden)
{
    const struct acl_fields *f;
    enum err e = acl_fields_for(c, d, &f);
    *hidden = NULL;
    if (e != ERR_OK)
        return e;
    int n = 0;
    const char **v = NULL;
    push(c, &v, &n, NULL); /* an empty, NULL-terminated list */
    n = 0;
    for (int i = 0; i < f->nhidden; i++)
        push(c, &v, &n, f->hidden[i]);
    if (f->ndynamic) {
        int64_t *acc = arena_zalloc(c->arena, sizeof(*acc) * (size_t)f->ndynamic);
        bool found;
        e = dynamic_access(c, d, id, acc, &found);
        if (e != ERR_OK)
            return e;
        for (int i = 0; i < f->ndynamic; i++)
            if (!found || acc[i] == ACC_NONE)
                push(c, &v, &n, f->dynamic[i]);
    }
    *hidden = v;
    return ERR_OK;
}

enum err
acl_check_write(struct ctx *c, const struct app_def *d, int64_t id, const json_t *in)
{
    const struct acl_fields *f;
    enum err e = acl_fields_for(c, d, &f);
    if (e != ERR_OK || !f->restricted || !json_is_object(in))
        return e;
    struct acl_cache *ac = acl_cache_for(c, d);
    int64_t *acc = NULL;
    const char *code;
    const json_t *v;
    json_object_foreach((json_t *)in, code, v)
    {
        const struct acl_field_rule *fr = rule_of(ac, code);
        if (!fr)
            continue;
        enum acl_access a = fr->fixed;
        if (fr->dynamic) {
            if (id == 0)
                continue; /* a new record: the writer fills in who may see it */
            if (!acc) {
                acc = arena_zalloc(c->arena, sizeof(*acc) * (size_t)(f->ndynamic + 1));
                bool found;
                e = dynamic_access(c, d, id, acc, &found);
                if (e != ERR_OK)
                    return e;
            }
            for (int i = 0; i < f->ndynamic; i++)
                if (!strcmp(f->dynamic[i], code))
                    a = (enum acl_access)acc[i];
        }
        if (a != ACC_WRITE)
            return fail_set(c->fail, ERR_FORBIDDEN, NULL); /* never name the field */
    }
    return ERR_OK;
}

enum err
acl_file(struct ctx *c, const struct app_def *d, int64_t id, const char *file_key)
{
    enum err e = acl_record(c, d, id, ACL_VIEW);
    const char **hidden = NULL;
    if (e == ERR_OK)
        e = acl_record_hidden(c, d, id, &hidden);
    if (e != ERR_OK || !hidden || !*hidden)
        return e;
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, ACL_SQL_RECORD_DATA, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *data = NULL;
    rc = db_step(res);
    if (rc == 1)
        data = json_loadb(db_col_text(res, 0), db_col_len(res, 0), 0, NULL);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (!data)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    /* file keys are long random tokens: finding one inside a hidden field's stored value
     * (a file field, or a table holding file fields) is finding the field that holds it */
    bool in_hidden = false;
    for (const char **h = hidden; *h && !in_hidden; h++) {
        const json_t *v = json_object_get(data, *h);
        char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        in_hidden = text && strstr(text, file_key);
        free(text);
    }
    json_decref(data);
    return in_hidden ? fail_set(c->fail, ERR_FORBIDDEN, NULL) : ERR_OK;
}

static bool
key_names(const char *key, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = strstr(key, code); p; p = strstr(p + 1, code))
        if ((p == key || p[-1] == '.') && (p[n] == '.' || p[n] == '\0' || p[n] == '['))
            return true;
    return false;
}

enum err
acl_scrub_errors(struct ctx *c, const struct app_def *d, enum err e)
{
    const struct acl_fields *f;
    if (e == ERR_OK || !c->fail->errors || acl_fields_for(c, d, &f) != ERR_OK ||
        (!f->nhidden && !f->ndynamic))
        return e;
    const char *key;
    json_t *v, *tmp;
    size_t before = json_object_size(c->fail->errors);
    json_object_foreach_safe(c->fail->errors, tmp, key, v)
    {
        bool hide = false;
        for (int i = 0; !hide && i < f->nhidden; i++)
            hide = key_names(key, f->hidden[i]);
        for (int i = 0; !hide && i < f->ndynamic; i++)
            hide = key_names(key, f->dynamic[i]);
        if (hide)
            json_object_del(c->fail->errors, key);
    }
    if (json_object_size(c->fail->errors) == 0 && before > 0) {
        c->fail->code = ERR_OK; /* let fail_set replace the message too */
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    }
    return e;
}

/* ---- records/acl/evaluate.json ---- */

static bool
field_listed(const char *type)
{
    /* layout-only and internal entries have no permissions of their own */
    return type && strcmp(type, "__ID__") && strcmp(type, "__REVISION__") &&
           strcmp(type, "LABEL") && strcmp(type, "SPACER") && strcmp(type, "HR") &&
           strcmp(type, "GROUP") && strcmp(type, "REFERENCE_TABLE");
}

static bool
field_writable_type(const char *type)
{
    static const char *const ro[] = { "RECORD_NUMBER", "CREATOR",  "MODIFIER", "CREATED_TIME",
                                      "UPDATED_TIME",  "CALC",     "STATUS",   "STATUS_ASSIGNEE",
                                      "CATEGORY" };
    for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
        if (!strcmp(type, ro[i]))
            return false;
    return true;
}

enum err
acl_evaluate(struct ctx *c, const struct app_def *d, const int64_t *ids, int n, json_t **out)
{
    *out = NULL;
    unsigned app = acl_app_rights(c, d);
    const struct acl_fields *f;
    enum err e = acl_fields_for(c, d, &f);
    if (e != ERR_OK)
        return e;
    struct query_plan plan;
    memset(&plan, 0, sizeof(plan));
    plan.params = arena_alloc(c->arena, sizeof(struct db_param) * (size_t)(n + 1));
    plan.params[plan.nparams++] = DBP_INT(d->id);
    struct strbuf in;
    strbuf_init(&in, c->arena, 0);
    for (int i = 0; i < n; i++) {
        plan.params[plan.nparams++] = DBP_INT(ids[i]);
        strbuf_addf(&in, "%s$%d", i ? ", " : "", plan.nparams);
    }
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, "SELECT r.id");
    static const unsigned perms[] = { ACL_VIEW, ACL_EDIT, ACL_DELETE };
    for (int k = 0; k < 3; k++) {
        strbuf_adds(&sb, ", CASE WHEN ");
        e = acl_record_sql(c, d, perms[k], &plan, &sb);
        if (e != ERR_OK)
            return e;
        strbuf_adds(&sb, " THEN 1 ELSE 0 END");
    }
    e = acl_field_columns(c, d, &plan, &sb);
    if (e != ERR_OK)
        return e;
    strbuf_addf(&sb, " FROM records r WHERE r.app_id = $1 AND r.deleted_at IS NULL AND r.id IN (%s)",
                n ? in.buf : "NULL");
    struct db_res *res = NULL;
    int rc = db_query(c->db, sb.buf, plan.params, plan.nparams, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct acl_cache *ac = acl_cache_for(c, d);
    json_t *byid = json_object();
    while ((rc = db_step(res)) == 1) {
        int64_t id = db_col_int(res, 0);
        bool view = (app & ACL_VIEW) && db_col_int(res, 1);
        bool edit = view && (app & ACL_EDIT) && db_col_int(res, 2);
        bool del = view && (app & ACL_DELETE) && db_col_int(res, 3);
        json_t *fields = json_object();
        const char *code;
        const json_t *prop;
        json_object_foreach(d->props, code, prop)
        {
            const char *type = json_string_value(json_object_get(prop, "type"));
            if (!field_listed(type))
                continue;
            enum acl_access a = ACC_WRITE;
            const struct acl_field_rule *fr = ac ? rule_of(ac, code) : NULL;
            if (fr && !fr->dynamic)
                a = fr->fixed;
            for (int i = 0; fr && fr->dynamic && i < f->ndynamic; i++)
                if (!strcmp(f->dynamic[i], code))
                    a = (enum acl_access)db_col_int(res, 4 + i);
            json_object_set_new(fields, code,
                                json_pack("{s:b, s:b}", "viewable", view && a != ACC_NONE,
                                          "editable",
                                          edit && a == ACC_WRITE && field_writable_type(type)));
        }
        json_object_set_new(byid, arena_printf(c->arena, "%lld", (long long)id),
                            json_pack("{s:s, s:{s:b, s:b, s:b}, s:o}", "id",
                                      arena_printf(c->arena, "%lld", (long long)id), "record",
                                      "viewable", view, "editable", edit, "deletable", del,
                                      "fields", fields));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(byid);
        return app_db_fail(c, rc);
    }
    /* in the order asked */
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *x = json_object_get(byid, arena_printf(c->arena, "%lld", (long long)ids[i]));
        if (x)
            json_array_append(list, x);
    }
    json_decref(byid);
    *out = json_pack("{s:o}", "rights", list);
    return ERR_OK;
}
