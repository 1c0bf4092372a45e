/* Public side of the query compiler: field resolution against the app's properties (the
 * operator matrix per field type lives here), query_compile() and the view indexes.
 * Parsing is in query_parse.c, SQL generation in query_sql.c. */
#include "domain/query.h"
#include "domain/query_int.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "domain/app.h"
#include "domain/lclock.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define OPS_CMP                                                                                \
    (QOP_BIT(QOP_EQ) | QOP_BIT(QOP_NE) | QOP_BIT(QOP_GT) | QOP_BIT(QOP_LT) | QOP_BIT(QOP_GE) | \
     QOP_BIT(QOP_LE))
#define OPS_EQ    (QOP_BIT(QOP_EQ) | QOP_BIT(QOP_NE))
#define OPS_IN    (QOP_BIT(QOP_IN) | QOP_BIT(QOP_NOT_IN))
#define OPS_LIKE  (QOP_BIT(QOP_LIKE) | QOP_BIT(QOP_NOT_LIKE))
#define OPS_EMPTY (QOP_BIT(QOP_EMPTY) | QOP_BIT(QOP_NOT_EMPTY))

/* The operator table of the kintone reference (§1.9). RICH_TEXT also takes "is empty",
 * which one observer reports and which costs nothing to allow. */
static const struct {
    const char *type;
    enum qsem sem;
    unsigned ops, funcs;
    const char *column;
    bool sortable;
} field_types[] = {
    { "__ID__", QS_ID, OPS_CMP | OPS_IN, 0, "id", true },
    { "RECORD_NUMBER", QS_ID, OPS_CMP | OPS_IN, 0, "id", true },
    { "CREATOR", QS_STR, OPS_IN, QF_LOGINUSER, "creator", true },
    { "MODIFIER", QS_STR, OPS_IN, QF_LOGINUSER, "modifier", true },
    { "CREATED_TIME", QS_TS, OPS_CMP, QF_NOW | QF_DATE, "created_at", true },
    { "UPDATED_TIME", QS_TS, OPS_CMP, QF_NOW | QF_DATE, "updated_at", true },
    { "DATETIME", QS_DATETIME, OPS_CMP, QF_NOW | QF_DATE, NULL, true },
    { "DATE", QS_DATE, OPS_CMP, QF_DATE, NULL, true },
    { "TIME", QS_TIME, OPS_CMP, 0, NULL, true },
    { "SINGLE_LINE_TEXT", QS_STR, OPS_EQ | OPS_IN | OPS_LIKE, 0, NULL, true },
    { "LINK", QS_STR, OPS_EQ | OPS_IN | OPS_LIKE, 0, NULL, true },
    { "NUMBER", QS_NUM, OPS_CMP | OPS_IN, 0, NULL, true },
    { "CALC", QS_NUM, OPS_CMP | OPS_IN, 0, NULL, true },
    { "MULTI_LINE_TEXT", QS_TEXT, OPS_LIKE | OPS_EMPTY, 0, NULL, false },
    { "RICH_TEXT", QS_RICH, OPS_LIKE | OPS_EMPTY, 0, NULL, false },
    { "FILE", QS_FILE, OPS_LIKE | OPS_EMPTY, 0, NULL, false },
    { "CHECK_BOX", QS_ARR, OPS_IN, 0, NULL, false },
    { "MULTI_SELECT", QS_ARR, OPS_IN, 0, NULL, false },
    { "RADIO_BUTTON", QS_STR, OPS_IN, 0, NULL, true },
    { "DROP_DOWN", QS_STR, OPS_IN, 0, NULL, true },
    { "CATEGORY", QS_CATEGORY, OPS_IN, 0, NULL, false },
    { "USER_SELECT", QS_ARR, OPS_IN, QF_LOGINUSER, NULL, false },
    { "ORGANIZATION_SELECT", QS_ARR, OPS_IN, QF_PRIMARY_ORG, NULL, false },
    { "GROUP_SELECT", QS_ARR, OPS_IN, 0, NULL, false },
    { "STATUS", QS_STR, OPS_EQ | OPS_IN, 0, "status", true },
    { "STATUS_ASSIGNEE", QS_ARR, OPS_IN, QF_LOGINUSER, "assignees", false },
};

/* The legal clock's pseudo-fields (lclock.h), for apps whose clock is enabled: the due date
 * compares like a DATE field, the open days used like a NUMBER, and "$overdue" is
 * "true"/"false" (computed for today by query_sql.c; "1"/"0" also accepted). */
static const struct {
    const char *code;
    enum qsem sem;
    unsigned ops, funcs;
    const char *column;
    bool sortable;
} clock_fields[] = {
    { "$due_date", QS_DATE, OPS_CMP, QF_DATE, "clock_due", true },
    { "$days_used", QS_NUM, OPS_CMP | OPS_IN, 0, "clock_days", true },
    { "$overdue", QS_FLAG, OPS_EQ | OPS_IN, 0, NULL, false },
};

static int
clock_field(const char *code)
{
    for (size_t i = 0; i < sizeof(clock_fields) / sizeof(clock_fields[0]); i++)
        if (strcmp(code, clock_fields[i].code) == 0)
            return (int)i;
    return -1;
}

/* Whether app_id has an enabled clock, in the version the request works on (preview under
 * /k/v1/preview, where views and permissions are checked before a deploy). Errors of the
 * lookup make the field unknown, as for a field of a vanished app. */
static bool
clock_enabled(struct ctx *c, int64_t app_id)
{
    struct app_def d;
    struct lclock_config cfg;
    struct fail quiet;
    struct fail *saved = c->fail;
    if (!c->db)
        return false;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    bool ok = app_load(c, app_id, c->preview, &d) == ERR_OK && lclock_config_read(&d, &cfg);
    c->fail = saved;
    return ok;
}

static enum err
resolve_clock(struct ctx *c, int64_t app_id, const char *code, int k, struct qfield *out)
{
    if (!clock_enabled(c, app_id))
        return fail_set(c->fail, ERR_QUERY_FIELD, code);
    memset(out, 0, sizeof(*out));
    out->code = code;
    out->name = code;
    out->type = "__CLOCK__";
    out->sem = clock_fields[k].sem;
    out->ops = clock_fields[k].ops;
    out->funcs = clock_fields[k].funcs;
    out->column = clock_fields[k].column;
    out->sortable = clock_fields[k].sortable;
    return ERR_OK;
}

bool
query_code_safe(const char *code)
{
    if (!code || !*code)
        return false;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\'' || *p == '\\')
            return false;
    return true;
}

static bool
fill(const json_t *def, const char *code, const char *table, struct qfield *out)
{
    const char *type = json_string_value(json_object_get(def, "type"));
    if (!type)
        return false;
    memset(out, 0, sizeof(*out));
    out->code = code;
    out->type = type;
    out->table = table;
    out->sem = QS_CATEGORY; /* types without operators (SUBTABLE, GROUP...) */
    for (size_t i = 0; i < sizeof(field_types) / sizeof(field_types[0]); i++) {
        if (strcmp(type, field_types[i].type) != 0)
            continue;
        out->sem = field_types[i].sem;
        out->ops = field_types[i].ops;
        out->funcs = field_types[i].funcs;
        out->column = field_types[i].column;
        out->sortable = field_types[i].sortable && !table;
    }
    if (strcmp(type, "CALC") == 0) {
        /* date-like formats are stored as strings and compare as such */
        const char *fmt = json_string_value(json_object_get(def, "format"));
        if (fmt && strcmp(fmt, "DATE") == 0) {
            out->sem = QS_DATE;
            out->funcs = QF_DATE;
        } else if (fmt && strcmp(fmt, "TIME") == 0) {
            out->sem = QS_TIME;
        } else if (fmt && strcmp(fmt, "DATETIME") == 0) {
            out->sem = QS_DATETIME;
            out->funcs = QF_NOW | QF_DATE;
        }
    }
    return true;
}

bool
query_lookup(const json_t *props, const char *code, struct qfield *out)
{
    if (!query_code_safe(code))
        return false;
    if (strcmp(code, "$id") == 0) {
        memset(out, 0, sizeof(*out));
        out->code = code;
        out->type = "__ID__";
        out->sem = QS_ID;
        out->ops = field_types[0].ops;
        out->column = "id";
        out->sortable = true;
        return true;
    }
    const json_t *def = json_object_get(props, code);
    if (json_is_object(def))
        return fill(def, code, NULL, out);
    const char *key;
    const json_t *tbl;
    json_object_foreach((json_t *)props, key, tbl)
    {
        const char *type = json_string_value(json_object_get(tbl, "type"));
        if (!type || strcmp(type, "SUBTABLE") != 0 || !query_code_safe(key))
            continue;
        def = json_object_get(json_object_get(tbl, "fields"), code);
        if (json_is_object(def))
            return fill(def, code, key, out);
    }
    return false;
}

/* ---- related records ---- */

static enum err
load_with_app(struct ctx *c, int64_t app_id, const json_t **props)
{
    struct app_def d;
    enum err e = app_load(c, app_id, c->preview, &d);
    if (e)
        return e;
    *props = d.props;
    return ERR_OK;
}

static query_props_loader_fn *props_loader = load_with_app;

void
query_set_props_loader(query_props_loader_fn *fn)
{
    props_loader = fn ? fn : load_with_app;
}

/* "関連レコード.f": ref must be a REFERENCE_TABLE of props whose related app has a field f
 * (not in a table); the condition fields must exist on both sides. */
static enum err
resolve_related(struct ctx *c, const json_t *props, const char *code, const char *dot,
                struct qfield *out)
{
    const char *ref = arena_strndup(c->arena, code, (size_t)(dot - code));
    const json_t *def = json_object_get(props, ref);
    const char *type = json_string_value(json_object_get(def, "type"));
    const json_t *rt = json_object_get(def, "referenceTable");
    if (!type || strcmp(type, "REFERENCE_TABLE") != 0 || !json_is_object(rt) ||
        !query_code_safe(ref))
        return fail_set(c->fail, ERR_QUERY_FIELD, code);
    const json_t *app = json_object_get(json_object_get(rt, "relatedApp"), "app");
    const json_t *cond = json_object_get(rt, "condition");
    int64_t app_id = json_is_integer(app)
                         ? json_integer_value(app)
                         : strtoll(json_string_value(app) ? json_string_value(app) : "0", NULL, 10);
    const char *here = json_string_value(json_object_get(cond, "field"));
    const char *there = json_string_value(json_object_get(cond, "relatedField"));
    const char *filter = json_string_value(json_object_get(rt, "filterCond"));
    if (app_id <= 0 || !here || !there)
        return fail_set(c->fail, ERR_QUERY_FIELD, code);
    struct qrel *rel = arena_zalloc(c->arena, sizeof(*rel));
    const json_t *rprops = NULL;
    /* the related app's own errors (gone, no access) would confuse: it is the field that fails */
    struct fail quiet;
    struct fail *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    enum err e = props_loader(c, app_id, &rprops);
    c->fail = saved;
    if (e || !rprops || !query_lookup(rprops, dot + 1, out) || out->table ||
        !query_lookup(props, here, &rel->here) || rel->here.table ||
        !query_lookup(rprops, there, &rel->there) || rel->there.table)
        return fail_set(c->fail, ERR_QUERY_FIELD, code);
    rel->ref = ref;
    rel->app = app_id;
    rel->props = rprops;
    rel->filter = filter ? filter : "";
    out->rel = rel;
    out->sortable = false;
    return ERR_OK;
}

enum err
query_resolve(struct ctx *c, int64_t app_id, const json_t *props, const char *code,
              struct qfield *out)
{
    const char *dot = strchr(code, '.');
    enum err e = ERR_OK;
    int k = clock_field(code);
    if (k >= 0)
        return resolve_clock(c, app_id, code, k, out);
    if (!query_lookup(props, code, out)) {
        if (!dot || dot == code || !dot[1])
            return fail_set(c->fail, ERR_QUERY_FIELD, code);
        e = resolve_related(c, props, code, dot, out);
    }
    out->name = code;
    return e;
}

const char *
query_field_expr(struct arena *a, const json_t *props, const char *code, enum db_kind kind)
{
    struct qfield f;
    if (!query_lookup(props, code, &f))
        return NULL;
    return query_sql_sort_expr(a, &f, kind, "r.");
}

/* ORDER BY text (or an index column list with alias ""): the keys, then id unless the last
 * key is already id, in the last key's direction so that one index scan serves it. */
static enum err
order_sql(struct ctx *c, int64_t app_id, const json_t *props, enum db_kind kind,
          const struct qast *ast, const char *alias, struct strbuf *sb)
{
    bool last_desc = true, ends_with_id = false;
    for (int i = 0; i < ast->nsorts; i++) {
        struct qfield f;
        enum err e = query_resolve(c, app_id, props, ast->sorts[i].field, &f);
        if (e)
            return e;
        const char *x = query_sql_sort_expr(c->arena, &f, kind, alias);
        if (!x)
            return fail_set(c->fail, ERR_QUERY_OP, f.name);
        last_desc = ast->sorts[i].desc;
        ends_with_id = f.sem == QS_ID;
        /* NULLs first ascending, last descending: SQLite's order, spelled out for PostgreSQL */
        const char *nulls =
            kind == DB_PG && !ends_with_id ? (last_desc ? " NULLS LAST" : " NULLS FIRST") : "";
        strbuf_addf(sb, "%s%s %s%s", i ? ", " : "", x, last_desc ? "DESC" : "ASC", nulls);
    }
    if (!ends_with_id)
        strbuf_addf(sb, "%s%sid %s", ast->nsorts ? ", " : "", alias, last_desc ? "DESC" : "ASC");
    return ERR_OK;
}

enum err
query_compile(struct ctx *c, int64_t app_id, const json_t *props, const char *query,
              enum db_kind kind, unsigned flags, struct query_plan *out)
{
    struct qast ast;
    struct strbuf sb;
    enum err e;
    memset(out, 0, sizeof(*out));
    e = query_parse(c, query, &ast);
    if (e)
        return e;
    if ((flags & QUERY_NO_ORDER) && (ast.has_order || ast.has_limit || ast.has_offset))
        return query_syntax(c, "order by、limit、offsetは指定できません。",
                            "order by, limit and offset cannot be used here.", NULL);
    if ((flags & QUERY_CURSOR) && (ast.has_limit || ast.has_offset))
        return query_syntax(c, "カーソルのクエリにはlimit、offsetを指定できません。",
                            "A cursor query cannot contain limit or offset.", NULL);
    if (ast.has_limit && ast.limit > 500)
        return fail_set(c->fail, ERR_QUERY_LIMIT, NULL);
    if (ast.has_offset && ast.offset > 10000)
        return fail_set(c->fail, ERR_QUERY_OFFSET, NULL);
    out->has_limit = ast.has_limit;
    out->has_offset = ast.has_offset;
    out->limit = ast.has_limit ? ast.limit : 100;
    out->offset = ast.has_offset ? ast.offset : 0;

    strbuf_init(&sb, c->arena, 0);
    strbuf_addf(&sb, "r.app_id = %" PRId64 " AND r.deleted_at IS NULL", app_id);
    if (ast.where) {
        strbuf_adds(&sb, " AND ");
        e = query_sql_where(c, app_id, props, kind, ast.where, &sb, out);
        if (e)
            return e;
    }
    out->where = sb.buf;

    strbuf_init(&sb, c->arena, 0);
    e = order_sql(c, app_id, props, kind, &ast, "r.", &sb);
    if (e)
        return e;
    out->order_by = sb.buf;
    return ERR_OK;
}

enum err
query_append_cond(struct ctx *c, int64_t app_id, const json_t *props, const char *cond,
                  enum db_kind kind, struct query_plan *plan, struct strbuf *sb)
{
    struct qast ast;
    enum err e = query_parse(c, cond ? cond : "", &ast);
    if (e)
        return e;
    if (ast.has_order || ast.has_limit || ast.has_offset)
        return query_syntax(c, "order by、limit、offsetは指定できません。",
                            "order by, limit and offset cannot be used here.", NULL);
    if (!ast.where) {
        strbuf_adds(sb, "TRUE");
        return ERR_OK;
    }
    strbuf_addc(sb, '(');
    e = query_sql_where(c, app_id, props, kind, ast.where, sb, plan);
    if (e)
        return e;
    strbuf_addc(sb, ')');
    return ERR_OK;
}

static bool
node_static(const struct qnode *n)
{
    if (n->kind != QN_COND) {
        for (int i = 0; i < n->nkids; i++)
            if (!node_static(n->kids[i]))
                return false;
        return true;
    }
    if (strchr(n->cond.field, '.'))
        return false; /* 関連レコード.f: another app's records */
    if (clock_field(n->cond.field) >= 0)
        return false; /* the legal clock moves with the calendar and the day */
    for (int i = 0; i < n->cond.nvals; i++)
        if (n->cond.vals[i].kind == QV_FUNC)
            return false;
    return true;
}

bool
query_cond_is_static(struct ctx *c, const char *cond)
{
    struct qast ast;
    struct fail quiet;
    struct fail *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    enum err e = query_parse(c, cond ? cond : "", &ast);
    c->fail = saved;
    if (e != ERR_OK || ast.has_order || ast.has_limit || ast.has_offset)
        return false;
    return !ast.where || node_static(ast.where);
}

/* ---- view indexes ---- */

static uint64_t
fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Fields the filter pins with "=" or "in" at its top "and" level: an index led by them
 * narrows the scan before the sort keys take over. */
static void
eq_columns(struct ctx *c, const json_t *props, enum db_kind kind, const struct qnode *n,
           struct strbuf *cols, int *ncols)
{
    if (!n)
        return;
    if (n->kind == QN_AND) {
        for (int i = 0; i < n->nkids; i++)
            if (n->kids[i]->kind == QN_COND)
                eq_columns(c, props, kind, n->kids[i], cols, ncols);
        return;
    }
    if (n->kind != QN_COND || (n->cond.op != QOP_EQ && n->cond.op != QOP_IN))
        return;
    struct qfield f;
    if (!query_lookup(props, n->cond.field, &f) || f.table || f.sem == QS_ID)
        return;
    const char *x = query_sql_sort_expr(c->arena, &f, kind, "");
    if (!x || strstr(cols->buf, x))
        return;
    strbuf_addf(cols, "%s%s", *ncols ? ", " : "", x);
    (*ncols)++;
}

enum err
query_ensure_view_index(struct ctx *c, int64_t app_id, const json_t *props, const char *filter_cond,
                        const char *sort)
{
    struct qast filt, srt;
    struct strbuf cols, keys, sql;
    int ncols = 0;
    struct query_plan plan;
    enum db_kind kind = db_kind(c->db);
    /* a filter the records API would reject must not reach the DDL either */
    enum err e = query_compile(c, app_id, props, filter_cond, kind, QUERY_NO_ORDER, &plan);
    if (e)
        return e;
    e = query_parse(c, filter_cond, &filt);
    if (e)
        return e;
    e = query_parse_sort(c, sort, &srt);
    if (e)
        return e;
    strbuf_init(&keys, c->arena, 0);
    e = order_sql(c, app_id, props, kind, &srt, "", &keys);
    if (e)
        return e;
    strbuf_init(&cols, c->arena, 0);
    eq_columns(c, props, kind, filt.where, &cols, &ncols);
    bool only_id = ncols == 0;
    for (int i = 0; i < srt.nsorts && only_id; i++) {
        struct qfield f;
        if (query_lookup(props, srt.sorts[i].field, &f) && f.sem != QS_ID)
            only_id = false;
    }
    if (only_id) /* records_live (app_id, id) already serves it */
        return ERR_OK;
    strbuf_addf(&cols, "%s%s", ncols ? ", " : "", keys.buf);
    strbuf_init(&sql, c->arena, 0);
    strbuf_addf(&sql, "(%s) WHERE app_id = %" PRId64 " AND deleted_at IS NULL", cols.buf, app_id);
    const char *name =
        arena_printf(c->arena, "records_q%" PRId64 "_%016" PRIx64, app_id, fnv1a(sql.buf));
    const char *ddl =
        arena_printf(c->arena, "CREATE INDEX IF NOT EXISTS %s ON records %s", name, sql.buf);
    if (db_exec(c->db, ddl, NULL, 0, NULL) != DB_OK) {
        log_error("query: cannot create view index %s: %s", name, db_errmsg(c->db));
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    return ERR_OK;
}
