/* The dashboard figures; see kpi.h for the definitions. Every figure is one aggregate
 * statement over the app's records (kpi_sql.h) with the app's condition — app, live, office,
 * record ACL — compiled the way record queries are (query_compile + acl_filter_records), so a
 * figure never counts a record the caller could not list. Only the overdue top list (at most
 * KPI_OVERDUE_MAX rows) is read row by row, to count its days over on the calendar. */
#include "kpi.h"

#include "core/arena.h"
#include "core/bizcal.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/app.h"
#include "domain/calendar.h"
#include "domain/field.h"
#include "domain/kpi_sql.h"
#include "domain/lclock.h"
#include "domain/query.h"

#include <string.h>

/* One app's condition: the plan's where and parameters, room for a few more. */
struct kpi_cond {
    const char *where;
    struct db_param *params;
    int n;    /* the condition's own */
    int used; /* with the statement's extras */
};

#define EXTRA_MAX 8

int64_t
kpi_fiscal_start(int64_t day)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    return clock_days_from_civil(m >= 4 ? y : y - 1, 4, 1);
}

static const char *
day_text(struct ctx *c, int64_t day)
{
    char *buf = arena_alloc(c->arena, 16);
    clock_format_date(day, buf);
    return buf;
}

static const char *
num(struct ctx *c, int64_t v)
{
    return arena_printf(c->arena, "%lld", (long long)v);
}

/* Adds a parameter after the condition's and returns its number. */
static int
extra(struct kpi_cond *k, struct db_param p)
{
    k->params[k->used] = p;
    return ++k->used;
}

static void
extras_reset(struct kpi_cond *k)
{
    k->used = k->n;
}

/* The office field of d: the asked one (must be an ORGANIZATION_SELECT), settings
 * "kpiOfficeField", else the first ORGANIZATION_SELECT of the form; NULL when none. */
static const char *
office_field(const struct app_def *d, const char *asked, bool *bad)
{
    *bad = false;
    const char *want = asked;
    if (!want)
        want = json_string_value(json_object_get(d->settings, "kpiOfficeField"));
    if (want) {
        const json_t *f = json_object_get(d->props, want);
        const char *t = json_string_value(json_object_get(f, "type"));
        if (t && field_type(t) == FT_ORGANIZATION_SELECT)
            return want;
        *bad = asked != NULL;
        if (asked)
            return NULL;
    }
    const char *code;
    const json_t *f;
    json_object_foreach((json_t *)d->props, code, f)
    {
        const char *t = json_string_value(json_object_get(f, "type"));
        if (t && field_type(t) == FT_ORGANIZATION_SELECT)
            return code;
    }
    return NULL;
}

/* The first organisation code of the office field (alias prefix p), NULL when the code cannot
 * be written into SQL (quotes, backslashes, control characters). */
static const char *
office_expr(struct ctx *c, const char *field, const char *p)
{
    for (const unsigned char *s = (const unsigned char *)field; *s; s++)
        if (*s < 0x20 || *s == '\'' || *s == '"' || *s == '\\' || *s == 0x7f)
            return NULL;
    if (db_kind(c->db) == DB_SQLITE)
        return arena_printf(c->arena, "json_extract(%sdata, '$.\"%s\"[0]')", p, field);
    return arena_printf(c->arena, "(%sdata->'%s'->>0)", p, field);
}

static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The app's office index: the office, then every column the figures read, so that an office's
 * figures are index reads as the whole app's are (migration 0015). Created on the first office
 * query of an app and field (like the view indexes of query_ensure_view_index); a failure only
 * costs speed. */
static void
ensure_office_index(struct ctx *c, const struct app_def *d, const char *expr)
{
    const char *cols = arena_printf(c->arena,
                                    "(%s, clock_state, clock_since, clock_used, clock_limit, "
                                    "clock_start, clock_due, status, id) WHERE app_id = %lld AND "
                                    "deleted_at IS NULL",
                                    expr, (long long)d->id);
    const char *ddl = arena_printf(c->arena, KPI_SQL_OFFICE_INDEX, (long long)d->id,
                                   (unsigned long long)fnv1a(cols), cols);
    if (db_exec(c->db, ddl, NULL, 0, NULL) != DB_OK)
        log_warn("kpi: cannot create the office index of app %lld: %s", (long long)d->id,
                 db_errmsg(c->db));
}

static enum err
build_cond(struct ctx *c, const struct app_def *d, const char *field, const char *office,
           struct kpi_cond *k)
{
    const struct acl_fields *af;
    struct query_plan plan;
    enum err e = acl_fields_for(c, d, &af);
    if (e != ERR_OK)
        return e;
    /* a record belongs to the first organisation of its office field; an office field the
     * caller cannot see, or one that cannot be named in SQL, falls back to the query compiler
     * (which rejects hidden fields): "in" over every organisation of the field */
    const char *expr = office && json_object_get(af->props, field) ? office_expr(c, field, "") : NULL;
    const char *q = office && !expr ? arena_printf(c->arena, "%s in (\"%s\")", field, office) : "";
    e = query_compile(c, d->id, af->props, q, db_kind(c->db), QUERY_NO_ORDER, &plan);
    if (e == ERR_OK)
        e = acl_filter_records(c, d, ACL_VIEW, &plan);
    if (e != ERR_OK)
        return e;
    k->params = arena_alloc(c->arena, sizeof(struct db_param) * (size_t)(plan.nparams + 1 + EXTRA_MAX));
    if (plan.nparams)
        memcpy(k->params, plan.params, sizeof(struct db_param) * (size_t)plan.nparams);
    k->n = plan.nparams;
    k->where = plan.where;
    if (expr) {
        ensure_office_index(c, d, expr);
        k->params[k->n++] = DBP_TEXT(office);
        k->where = arena_printf(c->arena, "%s AND %s = $%d", plan.where,
                                office_expr(c, field, "r."), k->n);
    }
    k->used = k->n;
    return ERR_OK;
}

/* Runs sql and reads its first row's integer columns (0 for NULL). */
static enum err
ints(struct ctx *c, const char *sql, struct kpi_cond *k, int64_t *vals, int n)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, k->params, k->used, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    for (int i = 0; i < n; i++)
        vals[i] = rc == 1 && !db_col_null(res, i) ? db_col_int(res, i) : 0;
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

struct span {
    int64_t today, month, fiscal, from, to;
};

static enum err
received(struct ctx *c, struct kpi_cond *k, bool clock, const struct span *s, json_t *out)
{
    int64_t v[2];
    const char *sql;
    extras_reset(k);
    if (clock) {
        int a = extra(k, DBP_TEXT(day_text(c, s->month)));
        int b = extra(k, DBP_TEXT(day_text(c, s->fiscal)));
        int t = extra(k, DBP_TEXT(day_text(c, s->today)));
        sql = arena_printf(c->arena, KPI_SQL_RECEIVED_CLOCK, a, k->where, b, t);
    } else {
        /* Japan midnight of each day, as Unix seconds */
        int a = extra(k, DBP_INT(s->month * 86400 - 9 * 3600));
        int b = extra(k, DBP_INT(s->fiscal * 86400 - 9 * 3600));
        int t = extra(k, DBP_INT((s->today + 1) * 86400 - 9 * 3600));
        sql = arena_printf(c->arena, KPI_SQL_RECEIVED_CREATED, a, k->where, b, t);
    }
    enum err e = ints(c, sql, k, v, 2);
    if (e == ERR_OK)
        json_object_set_new(out, "received",
                            json_pack("{s:s, s:s}", "month", num(c, v[0]), "fiscalYear",
                                      num(c, v[1])));
    return e;
}

/* list (status, count) in the order of the process's states, unknown statuses after in
 * name order; takes list. */
static json_t *
in_process_order(const struct app_def *d, json_t *list)
{
    const json_t *states = json_object_get(json_object_get(d->root, "process"), "states");
    if (!json_is_object(states))
        return list;
    json_t *sorted = json_array();
    const char *name;
    const json_t *st;
    json_object_foreach((json_t *)states, name, st)
    {
        size_t i;
        json_t *row;
        json_array_foreach(list, i, row)
        {
            if (!strcmp(json_string_value(json_object_get(row, "status")), name)) {
                json_array_append(sorted, row);
                json_array_remove(list, i);
                break;
            }
        }
    }
    json_array_extend(sorted, list);
    json_decref(list);
    return sorted;
}

static enum err
pending(struct ctx *c, const struct app_def *d, struct kpi_cond *k,
        const struct lclock_config *cfg, json_t *out)
{
    struct strbuf not_in;
    strbuf_init(&not_in, c->arena, 0);
    extras_reset(k);
    size_t nstop = json_array_size(cfg->stop), i;
    if (nstop > EXTRA_MAX)
        nstop = EXTRA_MAX; /* the clock makes them stop anyway: clock_state covers the rest */
    for (i = 0; i < nstop; i++) {
        const char *s = json_string_value(json_array_get(cfg->stop, i));
        strbuf_addf(&not_in, "%s$%d", i ? ", " : " AND (r.status IS NULL OR r.status NOT IN (",
                    extra(k, DBP_TEXT(s ? s : "")));
    }
    if (nstop)
        strbuf_adds(&not_in, "))");
    const char *sql = arena_printf(c->arena, KPI_SQL_PENDING, k->where, nstop ? not_in.buf : "");
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, k->params, k->used, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    int64_t total = 0;
    while ((rc = db_step(res)) == 1) {
        int64_t n = db_col_int(res, 1);
        total += n;
        json_array_append_new(list, json_pack("{s:s, s:s}", "status", db_col_text(res, 0),
                                              "count", num(c, n)));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    json_object_set_new(out, "pending", json_pack("{s:s, s:o}", "total", num(c, total),
                                                  "byStatus", in_process_order(d, list)));
    return ERR_OK;
}

static enum err
decided(struct ctx *c, struct kpi_cond *k, const struct span *s, json_t *out)
{
    int64_t v[3];
    extras_reset(k);
    int a = extra(k, DBP_TEXT(day_text(c, s->from)));
    int b = extra(k, DBP_TEXT(day_text(c, s->to)));
    enum err e = ints(c, arena_printf(c->arena, KPI_SQL_DECIDED, k->where, a, b), k, v, 3);
    if (e != ERR_OK)
        return e;
    int64_t n = v[0], p90 = 0;
    if (n > 0) {
        /* nearest rank: the ceil(0.9 n)-th smallest, offset one less */
        int64_t rank = (9 * n + 9) / 10;
        e = ints(c, arena_printf(c->arena, KPI_SQL_RANK, k->where, a, b, (long long)(rank - 1)),
                 k, &p90, 1);
        if (e != ERR_OK)
            return e;
    }
    json_t *o = json_pack("{s:s, s:s}", "count", num(c, n), "within", num(c, v[2]));
    /* one decimal, rounded half up, in integer arithmetic so both backends agree */
    if (n > 0) {
        int64_t avg10 = (v[1] * 20 + n) / (2 * n), pct10 = (v[2] * 2000 + n) / (2 * n);
        json_object_set_new(o, "averageDays",
                            json_string(arena_printf(c->arena, "%lld.%lld", (long long)(avg10 / 10),
                                                     (long long)(avg10 % 10))));
        json_object_set_new(o, "p90Days", json_string(num(c, p90)));
        json_object_set_new(o, "withinPercent",
                            json_string(arena_printf(c->arena, "%lld.%lld", (long long)(pct10 / 10),
                                                     (long long)(pct10 % 10))));
    } else {
        json_object_set_new(o, "averageDays", json_null());
        json_object_set_new(o, "p90Days", json_null());
        json_object_set_new(o, "withinPercent", json_null());
    }
    json_object_set_new(out, "decided", o);
    return ERR_OK;
}

static enum err
overdue(struct ctx *c, struct kpi_cond *k, const struct span *s, const struct bizcal *cal,
        json_t *out)
{
    int64_t count;
    extras_reset(k);
    int t = extra(k, DBP_TEXT(day_text(c, s->today)));
    enum err e = ints(c, arena_printf(c->arena, KPI_SQL_OVERDUE_COUNT, k->where, t), k, &count, 1);
    if (e != ERR_OK)
        return e;
    const char *sql = arena_printf(c->arena, KPI_SQL_OVERDUE_LIST, k->where, t, KPI_OVERDUE_MAX);
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, k->params, k->used, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    while ((rc = db_step(res)) == 1) {
        int y, m, d;
        const char *due = db_col_text(res, 2);
        int64_t over = 0;
        if (clock_parse_date(due, &y, &m, &d))
            over = bizcal_count(cal, clock_days_from_civil(y, m, d) + 1, s->today + 1);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "id",
                                              num(c, db_col_int(res, 0)), "status",
                                              db_col_text(res, 1), "due", due, "daysOver",
                                              num(c, over)));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    json_object_set_new(out, "overdue", json_pack("{s:s, s:o}", "count", num(c, count),
                                                  "records", list));
    return ERR_OK;
}

/* One app's figures, or *out = NULL when an office is asked and the app has none. */
static enum err
one_app(struct ctx *c, const struct app_def *d, const struct kpi_query *q, const struct span *s,
        const struct bizcal *cal, bool named, json_t **out)
{
    bool bad;
    *out = NULL;
    const char *field = office_field(d, q->office_field, &bad);
    if (q->office && !field) {
        if (!named)
            return ERR_OK;
        fail_field(c->fail, "officeField", bad ? MSG_BAD_PARAM : MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    struct lclock_config cfg;
    bool clock = lclock_config_read(d, &cfg);
    struct kpi_cond k;
    enum err e = build_cond(c, d, field, q->office, &k);
    if (e != ERR_OK)
        return e;
    json_t *o = json_pack("{s:s, s:s, s:s?, s:b, s:s?}", "app", num(c, d->id), "name", d->name,
                          "officeField", field, "clock", clock, "days",
                          clock ? num(c, cfg.days) : NULL);
    e = received(c, &k, clock, s, o);
    if (e == ERR_OK)
        e = pending(c, d, &k, &cfg, o);
    if (e == ERR_OK)
        e = decided(c, &k, s, o);
    if (e == ERR_OK)
        e = overdue(c, &k, s, cal, o);
    if (e != ERR_OK) {
        json_decref(o);
        return e;
    }
    *out = o;
    return ERR_OK;
}

/* The ids of every app the caller may view. */
static enum err
visible_apps(struct ctx *c, int64_t **ids, size_t *n)
{
    struct db_res *res = NULL;
    size_t cap = 16;
    *n = 0;
    *ids = arena_alloc(c->arena, sizeof(**ids) * cap);
    int rc = db_query(c->db, KPI_SQL_APPS, NULL, 0, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    while ((rc = db_step(res)) == 1) {
        if (*n == cap) {
            int64_t *more = arena_alloc(c->arena, sizeof(**ids) * cap * 2);
            memcpy(more, *ids, sizeof(**ids) * cap);
            *ids = more;
            cap *= 2;
        }
        (*ids)[(*n)++] = db_col_int(res, 0);
    }
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

enum err
kpi_compute(struct ctx *c, const struct kpi_query *q, json_t **out)
{
    if (q->office && (!*q->office || strpbrk(q->office, "\"\\"))) {
        fail_field(c->fail, "office", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    struct span s;
    s.today = lclock_day(c->now);
    int y, m, d;
    clock_civil_from_days(s.today, &y, &m, &d);
    s.month = clock_days_from_civil(y, m, 1);
    s.fiscal = kpi_fiscal_start(s.today);
    s.from = q->from;
    s.to = q->to;
    struct bizcal cal;
    enum err e = calendar_load(c, &cal);
    if (e != ERR_OK)
        return e;
    int64_t *ids = NULL, one = q->app;
    size_t n = 1;
    if (q->app)
        ids = &one;
    else if ((e = visible_apps(c, &ids, &n)) != ERR_OK)
        return e;
    json_t *apps = json_array();
    for (size_t i = 0; i < n && e == ERR_OK; i++) {
        struct app_def def;
        json_t *a = NULL;
        if (q->app) {
            e = acl_app(c, ids[i], ACL_VIEW);
            if (e == ERR_OK)
                e = app_load(c, ids[i], false, &def);
        } else {
            /* apps the caller may not view are simply not on the dashboard */
            struct fail quiet, *saved = c->fail;
            fail_init(&quiet, c->arena, c->lang);
            c->fail = &quiet;
            e = app_load(c, ids[i], false, &def);
            if (e == ERR_OK)
                e = acl_app_def(c, &def, ACL_VIEW);
            c->fail = saved;
            if (e == ERR_FORBIDDEN || e == ERR_APP_NOT_FOUND || e == ERR_TOKEN_APP) {
                e = ERR_OK;
                continue;
            }
            if (e != ERR_OK) {
                json_decref(apps);
                return quiet.message ? fail_with_message(c->fail, e, quiet.message)
                                     : fail_set(c->fail, e, NULL);
            }
        }
        /* registers (the 審査台帳) and reference lists say kpiExclude: the overview is of
         * procedures; asked for by id, such an app still answers */
        if (e == ERR_OK && !q->app && json_is_true(json_object_get(def.settings, "kpiExclude")))
            continue;
        if (e == ERR_OK)
            e = one_app(c, &def, q, &s, &cal, q->app != 0, &a);
        if (e == ERR_OK && a)
            json_array_append_new(apps, a);
    }
    if (e != ERR_OK) {
        json_decref(apps);
        return e;
    }
    *out = json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:o}", "today",
                     day_text(c, s.today), "month", "from", day_text(c, s.month), "to",
                     day_text(c, s.today), "fiscalYear", "from", day_text(c, s.fiscal), "to",
                     day_text(c, s.today), "period", "from", day_text(c, s.from), "to",
                     day_text(c, s.to), "apps", apps);
    return ERR_OK;
}
