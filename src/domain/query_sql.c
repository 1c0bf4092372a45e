/* SQL generation for the query compiler: turns the AST of a condition into one SQL boolean
 * over alias r (records) for SQLite or PostgreSQL, with every value a bound parameter, and
 * evaluates the date functions in the caller's time zone. The SQL fragments of the query
 * module live here. Negative operators are NULL-safe complements of the positive ones;
 * table (SUBTABLE) conditions become EXISTS over the rows, several positive ones on the same
 * table at one "and" level sharing a single EXISTS so they hold in the same row. */
#include "domain/query.h"
#include "domain/acl.h"
#include "domain/lclock.h"
#include "domain/query_int.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "domain/search.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Characters "is empty" ignores (kintone counts whitespace-only text as empty). The SQL
 * literal holds them raw: space, tab, newline, CR and U+3000. */
#define SQL_BLANKS         \
    "' \t\n\r\xe3\x80\x80" \
    "'"

/* like: record ids whose search row for the field contains the folded pattern (%s after
 * app_id: the app's rowid range on SQLite, see search.h). */
#define SQL_SEARCH_IN                                                               \
    "%sid %sIN (SELECT record_id FROM record_search WHERE %s AND app_id = %" PRId64 \
    "%s AND field = %s)"
#define SQL_SEARCH_ANY \
    "%sid %sIN (SELECT record_id FROM record_search WHERE app_id = %" PRId64 "%s AND field = %s)"
#define SQLITE_ROWID_RANGE " AND rowid BETWEEN %" PRId64 " AND %" PRId64
#define SQLITE_MATCH_LONG  "record_search MATCH %s"
#define SQLITE_MATCH_SHORT "instr(body, %s) > 0"
#define PG_MATCH_LONG      "body LIKE '%%' || %s || '%%'"
#define PG_MATCH_SHORT     "strpos(body, %s) > 0"
/* Related records (alias r2) of the record: app, then the link condition. */
#define SQL_RELATED \
    "SELECT 1 FROM records r2 WHERE r2.app_id = %" PRId64 " AND r2.deleted_at IS NULL AND %s"
/* Rows of a subtable, alias t. */
#define SQLITE_ROWS "json_each(%sdata, '$.\"%s\"') AS t"
#define PG_ROWS                                                                                 \
    "jsonb_array_elements(CASE jsonb_typeof(%sdata->'%s') WHEN 'array' THEN %sdata->'%s' ELSE " \
    "'[]'::jsonb END) AS t(v)"

struct qc {
    struct ctx *c;
    struct arena *a;
    enum db_kind kind;
    int64_t app_id;
    const json_t *props;
    struct query_plan *plan;
    int *pcap;       /* capacity of plan->params, shared with nested scopes */
    const char *rec; /* record alias with its dot: "r.", or "r2." for related records */
    bool nested;     /* compiling a related-records scope: no further related fields */
    int64_t today;   /* days since 1970-01-01 in the caller's zone */
};

static enum err node_sql(struct qc *q, const struct qnode *n, struct strbuf *sb);

/* ---- parameters ---- */

static const char *
param(struct qc *q, struct db_param p, const char *pg_cast)
{
    struct query_plan *pl = q->plan;
    if (pl->nparams == *q->pcap) {
        int ncap = *q->pcap ? *q->pcap * 2 : 16;
        struct db_param *np = arena_alloc(q->a, sizeof(*np) * (size_t)ncap);
        if (pl->nparams)
            memcpy(np, pl->params, sizeof(*np) * (size_t)pl->nparams);
        pl->params = np;
        *q->pcap = ncap;
    }
    pl->params[pl->nparams++] = p;
    if (q->kind == DB_PG)
        return arena_printf(q->a, "$%d::%s", pl->nparams, pg_cast);
    return arena_printf(q->a, "$%d", pl->nparams);
}

static const char *
p_text(struct qc *q, const char *s)
{
    return param(q, DBP_TEXT(s), "text");
}

static const char *
p_int(struct qc *q, int64_t v)
{
    return param(q, DBP_INT(v), "bigint");
}

/* A number compares numerically: SQLite gets an INTEGER or REAL (json_extract yields those),
 * PostgreSQL the exact decimal text cast to numeric (a double would not equal 0.1). */
static const char *
p_num(struct qc *q, const char *s)
{
    if (q->kind == DB_PG)
        return param(q, DBP_TEXT(s), "numeric");
    bool integral = !strpbrk(s, ".eE");
    if (integral) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (!*end && v != LLONG_MAX && v != LLONG_MIN)
            return param(q, DBP_INT(v), "numeric");
    }
    return param(q, DBP_REAL(strtod(s, NULL)), "numeric");
}

/* ---- expressions ---- */

static bool
is_string_sem(enum qsem s)
{
    return s == QS_STR || s == QS_DATE || s == QS_TIME || s == QS_DATETIME || s == QS_TEXT ||
           s == QS_RICH;
}

/* Scalar value of f at the record (alias "r." or "" for index definitions) or, with row,
 * at the table row t. PostgreSQL text compares bytewise (COLLATE "C") like SQLite does. */
static const char *
expr(struct arena *a, const struct qfield *f, enum db_kind kind, const char *alias, bool row)
{
    if (f->column) {
        if (kind == DB_PG && is_string_sem(f->sem))
            return arena_printf(a, "(%s%s COLLATE \"C\")", alias, f->column);
        return arena_printf(a, "%s%s", alias, f->column);
    }
    if (kind == DB_SQLITE) {
        if (row)
            return arena_printf(a, "json_extract(t.value, '$.value.\"%s\"')", f->code);
        return arena_printf(a, "json_extract(%sdata, '$.\"%s\"')", alias, f->code);
    }
    const char *base = row ? arena_printf(a, "(t.v->'value'->>'%s')", f->code)
                           : arena_printf(a, "(%sdata->>'%s')", alias, f->code);
    if (f->sem == QS_NUM)
        return arena_printf(a, "(%s::numeric)", base);
    if (is_string_sem(f->sem))
        return arena_printf(a, "(%s COLLATE \"C\")", base);
    return base;
}

const char *
query_sql_sort_expr(struct arena *a, const struct qfield *f, enum db_kind kind, const char *alias)
{
    if (!f->sortable)
        return NULL;
    return expr(a, f, kind, alias, false);
}

/* "any element of the array field is one of list" and "the array is empty". */
static const char *
arr_any(struct qc *q, const struct qfield *f, bool row, const char *list)
{
    if (q->kind == DB_SQLITE) {
        const char *src =
            f->column ? arena_printf(q->a, "json_each(%s%s)", q->rec, f->column)
            : row     ? arena_printf(q->a, "json_each(t.value, '$.value.\"%s\"')", f->code)
                      : arena_printf(q->a, "json_each(%sdata, '$.\"%s\"')", q->rec, f->code);
        return arena_printf(q->a, "EXISTS (SELECT 1 FROM %s AS e WHERE e.value IN (%s))", src,
                            list);
    }
    const char *j = f->column ? arena_printf(q->a, "(%s%s::jsonb)", q->rec, f->column)
                    : row     ? arena_printf(q->a, "(t.v->'value'->'%s')", f->code)
                              : arena_printf(q->a, "(%sdata->'%s')", q->rec, f->code);
    return arena_printf(q->a, "jsonb_exists_any(%s, ARRAY[%s])", j, list);
}

static const char *
arr_empty(struct qc *q, const struct qfield *f, bool row)
{
    if (q->kind == DB_SQLITE) {
        const char *args = f->column ? arena_printf(q->a, "%s%s", q->rec, f->column)
                           : row     ? arena_printf(q->a, "t.value, '$.value.\"%s\"'", f->code)
                                     : arena_printf(q->a, "%sdata, '$.\"%s\"'", q->rec, f->code);
        return arena_printf(q->a, "COALESCE(json_array_length(%s), 0) = 0", args);
    }
    const char *j = f->column ? arena_printf(q->a, "(%s%s::jsonb)", q->rec, f->column)
                    : row     ? arena_printf(q->a, "(t.v->'value'->'%s')", f->code)
                              : arena_printf(q->a, "(%sdata->'%s')", q->rec, f->code);
    return arena_printf(q->a, "COALESCE(%s, 'null'::jsonb) IN ('[]'::jsonb, 'null'::jsonb)", j);
}

/* Narrows record_search to the app's rows where its layout allows (SQLite). */
static const char *
search_range(struct qc *q)
{
    int64_t lo, hi;
    if (q->kind != DB_SQLITE || !search_sqlite_app_rowids(q->app_id, &lo, &hi))
        return "";
    return arena_printf(q->a, SQLITE_ROWID_RANGE, lo, hi);
}

static const char *
rows_src(struct qc *q, const char *table)
{
    if (q->kind == DB_SQLITE)
        return arena_printf(q->a, SQLITE_ROWS, q->rec, table);
    return arena_printf(q->a, PG_ROWS, q->rec, table, q->rec, table);
}

/* ---- values ---- */

static enum err
op_error(struct qc *q, const struct qfield *f)
{
    return fail_set(q->c->fail, ERR_QUERY_OP, f->name ? f->name : f->code);
}

static enum err
bad_value(struct qc *q, const char *what_ja, const char *what_en, const char *v)
{
    return query_syntax(q->c, what_ja, what_en, v);
}

/* Text of a value for text and choice comparisons; *skip for PRIMARY_ORGANIZATION(), which
 * matches nothing while users have no organisations (the condition is dropped). */
static enum err
text_value(struct qc *q, const struct qfield *f, const struct qval *v, const char **out, bool *skip)
{
    *skip = false;
    if (v->kind != QV_FUNC) {
        *out = v->text;
        return ERR_OK;
    }
    if (strcmp(v->text, "LOGINUSER") == 0 && (f->funcs & QF_LOGINUSER)) {
        if (v->nargs)
            return fail_set(q->c->fail, ERR_QUERY_FUNC, v->text);
        *out = q->c->who.login ? q->c->who.login : "";
        return ERR_OK;
    }
    if (strcmp(v->text, "PRIMARY_ORGANIZATION") == 0 && (f->funcs & QF_PRIMARY_ORG)) {
        if (v->nargs)
            return fail_set(q->c->fail, ERR_QUERY_FUNC, v->text);
        /* the caller's primary organisation; none (tokens, users without one) matches nothing */
        if (q->c->who.kind == PRIN_USER && acl_load_principal(q->c) == ERR_OK &&
            q->c->who.primary_org) {
            *out = q->c->who.primary_org;
            return ERR_OK;
        }
        *skip = true;
        return ERR_OK;
    }
    return op_error(q, f);
}

static bool
number_text(const char *s)
{
    if (!*s)
        return false;
    char *end;
    strtod(s, &end);
    if (*end)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789+-.eE", *p))
            return false;
    return true;
}

/* Value for a number field; NULL out for "" (matches empty values). */
static enum err
num_value(struct qc *q, const struct qfield *f, const struct qval *v, const char **out)
{
    if (v->kind == QV_FUNC)
        return op_error(q, f);
    const char *s = v->text;
    while (*s == ' ')
        s++;
    if (!*s) {
        *out = NULL;
        return ERR_OK;
    }
    if (!number_text(s))
        return bad_value(q, "「%s」は数値ではありません。", "'%s' is not a number.", v->text);
    *out = s;
    return ERR_OK;
}

/* Record number: "12" or "APPCODE-12". */
static enum err
id_value(struct qc *q, const struct qfield *f, const struct qval *v, int64_t *out)
{
    if (v->kind == QV_FUNC)
        return op_error(q, f);
    const char *s = v->text;
    const char *dash = strrchr(s, '-');
    if (dash && dash != s)
        s = dash + 1;
    char *end;
    long long n = strtoll(s, &end, 10);
    if (!*s || *end || !isdigit((unsigned char)s[*s == '-' || *s == '+']))
        return bad_value(q, "「%s」はレコード番号ではありません。", "'%s' is not a record number.",
                         v->text);
    *out = n;
    return ERR_OK;
}

/* ---- dates ---- */

/* [lo, hi) in days (instant = false) or in Unix seconds (instant = true). */
struct span {
    bool null, instant;
    int64_t lo, hi;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int64_t
add_months(int64_t days, int n)
{
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    int64_t mi = (int64_t)y * 12 + (m - 1) + n;
    y = (int)floor_div(mi, 12);
    m = (int)(mi - (int64_t)y * 12) + 1;
    int dim = clock_days_in_month(y, m);
    return clock_days_from_civil(y, m, d > dim ? dim : d);
}

static int
weekday_arg(const char *s)
{
    static const char *names[] = { "SUNDAY",   "MONDAY", "TUESDAY", "WEDNESDAY",
                                   "THURSDAY", "FRIDAY", "SATURDAY" };
    for (int i = 0; i < 7; i++)
        if (strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

static bool
int_arg(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* Week functions: the whole Sunday-to-Saturday week, or one weekday of it. */
static bool
week_span(struct qc *q, const struct qval *v, int shift, struct span *s)
{
    int64_t start = q->today - clock_weekday(q->today) + shift * 7;
    if (v->nargs == 0) {
        s->lo = start;
        s->hi = start + 7;
        return true;
    }
    int wd = v->nargs == 1 ? weekday_arg(v->args[0]) : -1;
    if (wd < 0)
        return false;
    s->lo = start + wd;
    s->hi = s->lo + 1;
    return true;
}

/* Month functions: the whole month, day N of it (clamped to its length) or its LAST day. */
static bool
month_span(struct qc *q, const struct qval *v, int shift, struct span *s)
{
    int y, m, d;
    clock_civil_from_days(add_months(q->today, shift), &y, &m, &d);
    int dim = clock_days_in_month(y, m);
    int64_t first = clock_days_from_civil(y, m, 1);
    if (v->nargs == 0) {
        s->lo = first;
        s->hi = first + dim;
        return true;
    }
    int day;
    if (v->nargs != 1)
        return false;
    if (strcasecmp(v->args[0], "LAST") == 0)
        day = dim;
    else if (!int_arg(v->args[0], 1, 31, &day))
        return false;
    s->lo = first + (day > dim ? dim : day) - 1;
    s->hi = s->lo + 1;
    return true;
}

static bool
year_span(struct qc *q, const struct qval *v, int shift, struct span *s)
{
    int y, m, d;
    if (v->nargs)
        return false;
    clock_civil_from_days(q->today, &y, &m, &d);
    s->lo = clock_days_from_civil(y + shift, 1, 1);
    s->hi = clock_days_from_civil(y + shift + 1, 1, 1);
    return true;
}

static bool
from_today(struct qc *q, const struct qval *v, struct span *s)
{
    int n;
    if (v->nargs != 2 || !int_arg(v->args[0], -100000, 100000, &n))
        return false;
    const char *u = v->args[1];
    int64_t day;
    if (strcasecmp(u, "DAYS") == 0)
        day = q->today + n;
    else if (strcasecmp(u, "WEEKS") == 0)
        day = q->today + (int64_t)n * 7;
    else if (strcasecmp(u, "MONTHS") == 0)
        day = add_months(q->today, n);
    else if (strcasecmp(u, "YEARS") == 0)
        day = add_months(q->today, n * 12);
    else
        return false;
    s->lo = day;
    s->hi = day + 1;
    return true;
}

static enum err
func_span(struct qc *q, const struct qfield *f, const struct qval *v, struct span *s)
{
    static const struct {
        const char *name;
        int shift;
        int kind; /* 0 fixed day, 1 week, 2 month, 3 year */
    } fns[] = {
        { "TODAY", 0, 0 },      { "YESTERDAY", -1, 0 },  { "TOMORROW", 1, 0 },
        { "THIS_WEEK", 0, 1 },  { "LAST_WEEK", -1, 1 },  { "NEXT_WEEK", 1, 1 },
        { "THIS_MONTH", 0, 2 }, { "LAST_MONTH", -1, 2 }, { "NEXT_MONTH", 1, 2 },
        { "THIS_YEAR", 0, 3 },  { "LAST_YEAR", -1, 3 },  { "NEXT_YEAR", 1, 3 },
    };
    memset(s, 0, sizeof(*s));
    if (strcmp(v->text, "NOW") == 0) {
        if (!(f->funcs & QF_NOW))
            return op_error(q, f);
        if (v->nargs)
            return fail_set(q->c->fail, ERR_QUERY_FUNC, v->text);
        s->instant = true;
        s->lo = floor_div(q->c->now, 60) * 60;
        s->hi = s->lo + 60;
        return ERR_OK;
    }
    bool ok = false, known = false;
    if (strcmp(v->text, "FROM_TODAY") == 0) {
        known = true;
        if (f->funcs & QF_DATE)
            ok = from_today(q, v, s);
    }
    for (size_t i = 0; !known && i < sizeof(fns) / sizeof(fns[0]); i++) {
        if (strcmp(v->text, fns[i].name) != 0)
            continue;
        known = true;
        if (!(f->funcs & QF_DATE))
            break;
        switch (fns[i].kind) {
        case 0:
            ok = v->nargs == 0;
            s->lo = q->today + fns[i].shift;
            s->hi = s->lo + 1;
            break;
        case 1:
            ok = week_span(q, v, fns[i].shift, s);
            break;
        case 2:
            ok = month_span(q, v, fns[i].shift, s);
            break;
        default:
            ok = year_span(q, v, fns[i].shift, s);
            break;
        }
    }
    if (!known || !(f->funcs & QF_DATE))
        return op_error(q, f);
    if (!ok)
        return fail_set(q->c->fail, ERR_QUERY_FUNC, v->text);
    return ERR_OK;
}

/* Datetime literal: ISO 8601 with zone, or without one (read in the caller's zone). */
static bool
parse_instant(struct qc *q, const char *s, int64_t *out)
{
    if (clock_parse_datetime(s, out))
        return true;
    size_t n = strlen(s);
    if (n < 16 || n > 40)
        return false;
    char *z = arena_printf(q->a, "%sZ", s);
    if (!clock_parse_datetime(z, out))
        return false;
    *out -= (int64_t)q->c->tz_offset * 60;
    return true;
}

static enum err
date_span(struct qc *q, const struct qfield *f, const struct qval *v, struct span *s)
{
    int y, m, d;
    int64_t t;
    memset(s, 0, sizeof(*s));
    if (v->kind == QV_FUNC)
        return func_span(q, f, v, s);
    if (v->kind == QV_STRING && !*v->text) {
        s->null = true;
        return ERR_OK;
    }
    if (v->kind == QV_STRING && clock_parse_date(v->text, &y, &m, &d)) {
        s->lo = clock_days_from_civil(y, m, d);
        s->hi = s->lo + 1;
        return ERR_OK;
    }
    if (v->kind == QV_STRING && f->sem != QS_DATE && parse_instant(q, v->text, &t)) {
        s->instant = true;
        s->lo = floor_div(t, 60) * 60;
        s->hi = s->lo + 60;
        return ERR_OK;
    }
    if (f->sem == QS_DATE)
        return bad_value(q, "「%s」は日付として正しくありません。", "'%s' is not a valid date.",
                         v->text);
    return bad_value(q, "「%s」は日時として正しくありません。",
                     "'%s' is not a valid date and time.", v->text);
}

/* Bound of a span as a parameter in the field's unit. */
static const char *
span_param(struct qc *q, const struct qfield *f, const struct span *s, bool hi)
{
    int64_t v = hi ? s->hi : s->lo;
    if (f->sem == QS_DATE) {
        char buf[16];
        clock_format_date(v, buf);
        return p_text(q, arena_strdup(q->a, buf));
    }
    int64_t secs = s->instant ? v : v * 86400 - (int64_t)q->c->tz_offset * 60;
    if (f->sem == QS_TS)
        return p_int(q, secs);
    char buf[32];
    clock_format_utc(secs, buf);
    return p_text(q, arena_strdup(q->a, buf));
}

/* ---- conditions ---- */

static enum qop
positive(enum qop op)
{
    switch (op) {
    case QOP_NE:
        return QOP_EQ;
    case QOP_NOT_IN:
        return QOP_IN;
    case QOP_NOT_LIKE:
        return QOP_LIKE;
    case QOP_NOT_EMPTY:
        return QOP_EMPTY;
    default:
        return op;
    }
}

static const char *
cmp_sym(enum qop op)
{
    switch (op) {
    case QOP_GT:
        return ">";
    case QOP_LT:
        return "<";
    case QOP_GE:
        return ">=";
    case QOP_LE:
        return "<=";
    default:
        return "=";
    }
}

static const char *
empty_text(struct qc *q, const char *x)
{
    return arena_printf(q->a, "COALESCE(%s, '') = ''", x);
}

/* One comparison on a range-valued field (date, time, datetime). */
static enum err
span_cmp(struct qc *q, const struct qfield *f, const struct qval *v, enum qop op, const char *x,
         const char **out)
{
    if (f->sem == QS_TIME) {
        int h, mi;
        if (v->kind == QV_STRING && !*v->text) {
            if (op != QOP_EQ)
                return bad_value(q, "「%s」は時刻として正しくありません。",
                                 "'%s' is not a valid time.", v->text);
            *out = empty_text(q, x);
            return ERR_OK;
        }
        if (v->kind == QV_FUNC)
            return op_error(q, f);
        if (!clock_parse_time(v->text, &h, &mi))
            return bad_value(q, "「%s」は時刻として正しくありません。", "'%s' is not a valid time.",
                             v->text);
        const char *p = p_text(q, arena_printf(q->a, "%02d:%02d", h, mi));
        *out = arena_printf(q->a, "%s %s %s", x, cmp_sym(op), p);
        return ERR_OK;
    }
    struct span s;
    enum err e = date_span(q, f, v, &s);
    if (e)
        return e;
    if (s.instant && f->sem == QS_DATE)
        return op_error(q, f);
    if (s.null) {
        if (op != QOP_EQ)
            return bad_value(q, "「%s」の付近に誤りがあります。", "Error near '%s'.", "\"\"");
        *out = f->sem == QS_TS ? arena_printf(q->a, "%s IS NULL", x) : empty_text(q, x);
        return ERR_OK;
    }
    switch (op) {
    case QOP_EQ:
        if (f->sem == QS_DATE && s.hi == s.lo + 1)
            *out = arena_printf(q->a, "%s = %s", x, span_param(q, f, &s, false));
        else {
            const char *lo = span_param(q, f, &s, false);
            *out =
                arena_printf(q->a, "(%s >= %s AND %s < %s)", x, lo, x, span_param(q, f, &s, true));
        }
        break;
    case QOP_GT:
        *out = arena_printf(q->a, "%s >= %s", x, span_param(q, f, &s, true));
        break;
    case QOP_GE:
        *out = arena_printf(q->a, "%s >= %s", x, span_param(q, f, &s, false));
        break;
    case QOP_LT:
        *out = arena_printf(q->a, "%s < %s", x, span_param(q, f, &s, false));
        break;
    default:
        *out = arena_printf(q->a, "%s < %s", x, span_param(q, f, &s, true));
        break;
    }
    return ERR_OK;
}

/* Joins "a OR b" for lists; a single term stays bare. */
static const char *
or_join(struct qc *q, const char **terms, int n)
{
    if (n == 1)
        return terms[0];
    struct strbuf sb;
    strbuf_init(&sb, q->a, 0);
    strbuf_addc(&sb, '(');
    for (int i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? " OR " : "", terms[i]);
    strbuf_addc(&sb, ')');
    return sb.buf;
}

/* Positive "in" on a whole-value field: x IN (...) plus "unset" when "" is listed. */
static enum err
in_scalar(struct qc *q, const struct qfield *f, const struct qcond *cd, const char *x, bool row,
          const char **out)
{
    struct strbuf list;
    bool has_empty = false;
    int n = 0;
    strbuf_init(&list, q->a, 0);
    for (int i = 0; i < cd->nvals; i++) {
        const struct qval *v = &cd->vals[i];
        const char *p;
        enum err e;
        if (f->sem == QS_ID) {
            int64_t id;
            e = id_value(q, f, v, &id);
            if (e)
                return e;
            p = p_int(q, id);
        } else if (f->sem == QS_NUM) {
            const char *num = NULL;
            e = num_value(q, f, v, &num);
            if (e)
                return e;
            if (!num) {
                has_empty = true;
                continue;
            }
            p = p_num(q, num);
        } else {
            const char *t = "";
            bool skip = false;
            e = text_value(q, f, v, &t, &skip);
            if (e)
                return e;
            if (skip)
                continue;
            if (!*t) {
                has_empty = true;
                continue;
            }
            p = p_text(q, t);
        }
        strbuf_addf(&list, "%s%s", n++ ? ", " : "", p);
    }
    const char *terms[2];
    int nt = 0;
    if (has_empty) {
        if (f->sem == QS_ARR)
            terms[nt++] = arr_empty(q, f, row);
        else if (f->sem == QS_NUM || f->sem == QS_ID)
            terms[nt++] = arena_printf(q->a, "%s IS NULL", x);
        else
            terms[nt++] = empty_text(q, x);
    }
    if (n) {
        if (f->sem == QS_ARR)
            terms[nt++] = arr_any(q, f, row, list.buf);
        else
            terms[nt++] = arena_printf(q->a, "%s IN (%s)", x, list.buf);
    }
    *out = nt ? or_join(q, terms, nt) : "FALSE";
    return ERR_OK;
}

/* "$overdue" of the legal clock (lclock.h): a running clock past its due date today (Japan
 * time, as the clock counts), or one paused or stopped after it. Never NULL. */
#define SQL_OVERDUE                                                                              \
    "COALESCE((%sclock_state = 'running' AND %sclock_due < %s) OR "                              \
    "(%sclock_state IN ('paused', 'stopped') AND %sclock_since > %sclock_due), FALSE)"

static enum err
flag_sql(struct qc *q, const struct qcond *cd, const struct qfield *f, const char **out)
{
    bool want[2] = { false, false };
    for (int i = 0; i < cd->nvals; i++) {
        const struct qval *v = &cd->vals[i];
        if (v->kind == QV_FUNC)
            return op_error(q, f);
        if (!strcasecmp(v->text, "true") || !strcmp(v->text, "1"))
            want[1] = true;
        else if (!strcasecmp(v->text, "false") || !strcmp(v->text, "0"))
            want[0] = true;
        else
            return bad_value(q, "「%s」は true / false ではありません。",
                             "'%s' is not true or false.", v->text);
    }
    if (want[0] && want[1]) {
        *out = "TRUE";
        return ERR_OK;
    }
    char today[16];
    clock_format_date(lclock_day(q->c->now), today);
    const char *r = q->rec;
    const char *x = arena_printf(q->a, SQL_OVERDUE, r, r, p_text(q, arena_strdup(q->a, today)),
                                 r, r, r);
    *out = want[1] ? x : arena_printf(q->a, "NOT %s", x);
    return ERR_OK;
}

/* The positive form of an operator on f (EQ, comparisons, IN, EMPTY; not LIKE), on the
 * record or, with row, on the table row t. */
static enum err
pos_sql(struct qc *q, const struct qcond *cd, const struct qfield *f, enum qop op, bool row,
        const char **out)
{
    if (f->sem == QS_FLAG)
        return flag_sql(q, cd, f, out);
    const char *x = (f->sem == QS_ARR || f->sem == QS_FILE || f->sem == QS_CATEGORY)
                        ? NULL
                        : expr(q->a, f, q->kind, q->rec, row);
    enum err e;
    if (op == QOP_EMPTY) {
        if (f->sem == QS_FILE)
            *out = arr_empty(q, f, row);
        else if (f->sem == QS_RICH && !row)
            *out = arena_printf(q->a, SQL_SEARCH_ANY, q->rec, "NOT ", q->app_id, search_range(q),
                                p_text(q, f->code));
        else
            *out = arena_printf(q->a, "COALESCE(%s(%s, " SQL_BLANKS "), '') = ''",
                                q->kind == DB_PG ? "btrim" : "trim", x);
        return ERR_OK;
    }
    if (f->sem == QS_CATEGORY) {
        *out = "FALSE";
        for (int i = 0; i < cd->nvals; i++)
            if (cd->vals[i].kind == QV_STRING && !*cd->vals[i].text)
                *out = "TRUE";
        return ERR_OK;
    }
    if (f->sem == QS_DATE || f->sem == QS_TIME || f->sem == QS_DATETIME || f->sem == QS_TS) {
        if (op != QOP_IN)
            return span_cmp(q, f, &cd->vals[0], op, x, out);
        const char **terms = arena_alloc(q->a, sizeof(*terms) * (size_t)cd->nvals);
        for (int i = 0; i < cd->nvals; i++) {
            e = span_cmp(q, f, &cd->vals[i], QOP_EQ, x, &terms[i]);
            if (e)
                return e;
        }
        *out = or_join(q, terms, cd->nvals);
        return ERR_OK;
    }
    if (op == QOP_IN || op == QOP_EQ)
        return in_scalar(q, f, cd, x, row, out);
    /* ordered comparisons on numbers and record numbers */
    const char *p;
    if (f->sem == QS_ID) {
        int64_t id;
        e = id_value(q, f, &cd->vals[0], &id);
        if (e)
            return e;
        p = p_int(q, id);
    } else if (f->sem == QS_NUM) {
        const char *num = NULL;
        e = num_value(q, f, &cd->vals[0], &num);
        if (e)
            return e;
        if (!num)
            return bad_value(q, "「%s」は数値ではありません。", "'%s' is not a number.", "");
        p = p_num(q, num);
    } else {
        return op_error(q, f);
    }
    *out = arena_printf(q->a, "%s %s %s", x, cmp_sym(op), p);
    return ERR_OK;
}

/* like / not like through the search index (record level, also for table fields). */
static enum err
like_sql(struct qc *q, const struct qcond *cd, const struct qfield *f, bool neg, const char **out)
{
    const struct qval *v = &cd->vals[0];
    if (v->kind == QV_FUNC)
        return op_error(q, f);
    const char *pat = text_fold(q->a, v->text, strlen(v->text));
    if (!*pat) {
        *out = neg ? "FALSE" : "TRUE";
        return ERR_OK;
    }
    bool long_pat = text_length(pat, strlen(pat)) >= 3;
    struct strbuf sb;
    strbuf_init(&sb, q->a, 0);
    const char *m;
    if (q->kind == DB_SQLITE) {
        if (long_pat) {
            strbuf_adds(&sb, "body : \"");
            for (const char *s = pat; *s; s++) {
                if (*s == '"') /* FTS5 doubles quotes inside a phrase */
                    strbuf_addc(&sb, '"');
                strbuf_addc(&sb, *s);
            }
            strbuf_addc(&sb, '"');
            m = arena_printf(q->a, SQLITE_MATCH_LONG, p_text(q, sb.buf));
        } else {
            m = arena_printf(q->a, SQLITE_MATCH_SHORT, p_text(q, pat));
        }
    } else {
        if (long_pat) {
            for (const char *s = pat; *s; s++) {
                if (*s == '\\' || *s == '%' || *s == '_')
                    strbuf_addc(&sb, '\\');
                strbuf_addc(&sb, *s);
            }
            m = arena_printf(q->a, PG_MATCH_LONG, p_text(q, sb.buf));
        } else {
            m = arena_printf(q->a, PG_MATCH_SHORT, p_text(q, pat));
        }
    }
    *out = arena_printf(q->a, SQL_SEARCH_IN, q->rec, neg ? "NOT " : "", m, q->app_id,
                        search_range(q), p_text(q, f->code));
    return ERR_OK;
}

static bool
is_negative(enum qop op)
{
    return op == QOP_NE || op == QOP_NOT_IN || op == QOP_NOT_LIKE || op == QOP_NOT_EMPTY;
}

/* PRIMARY_ORGANIZATION() alone: the condition is ignored for callers without a primary
 * organisation (tokens, accounts not placed in the directory), as kintone does. */
static bool
ignored(struct qc *q, const struct qcond *cd, const struct qfield *f)
{
    if (!(f->funcs & QF_PRIMARY_ORG))
        return false;
    if (q->c->who.kind == PRIN_USER && acl_load_principal(q->c) == ERR_OK && q->c->who.primary_org)
        return false;
    for (int i = 0; i < cd->nvals; i++)
        if (cd->vals[i].kind != QV_FUNC || strcmp(cd->vals[i].text, "PRIMARY_ORGANIZATION") != 0)
            return false;
    return true;
}

static bool
known_func(const char *name)
{
    static const char *names[] = {
        "NOW",        "TODAY",      "YESTERDAY",  "TOMORROW",
        "FROM_TODAY", "THIS_WEEK",  "LAST_WEEK",  "NEXT_WEEK",
        "THIS_MONTH", "LAST_MONTH", "NEXT_MONTH", "THIS_YEAR",
        "LAST_YEAR",  "NEXT_YEAR",  "LOGINUSER",  "PRIMARY_ORGANIZATION",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static enum err
check_op(struct qc *q, const struct qcond *cd, struct qfield *f)
{
    enum err e = query_resolve(q->c, q->app_id, q->props, cd->field, f);
    if (e)
        return e;
    for (int i = 0; i < cd->nvals; i++)
        if (cd->vals[i].kind == QV_FUNC && !known_func(cd->vals[i].text))
            return query_syntax(q->c, "「%s」という関数はありません。", "Unknown function '%s'.",
                                cd->vals[i].text);
    if (f->rel && q->nested) /* filterCond of a related-records list naming another one */
        return fail_set(q->c->fail, ERR_QUERY_FIELD, cd->field);
    if ((f->table || f->rel) && (cd->op == QOP_EQ || cd->op == QOP_NE))
        return fail_set(q->c->fail, ERR_QUERY_TABLE_EQ, cd->field);
    if (!(f->ops & QOP_BIT(cd->op)))
        return op_error(q, f);
    return ERR_OK;
}

/* Where the conditions on table fields and related-records fields are evaluated: the rows of
 * a table (alias t) or the related records (alias r2, compiled by sub). */
struct scope {
    const char *all;  /* "SELECT 1 FROM ...": every row / related record */
    const char *from; /* the same, ready for a condition to be appended */
    struct qc sub;
};

/* Text of a field for comparing fields of different types (record link of related records). */
static const char *
text_expr(struct qc *q, const struct qfield *f)
{
    if (q->kind == DB_PG)
        return f->column ? arena_printf(q->a, "(%s%s::text)", q->rec, f->column)
                         : arena_printf(q->a, "(%sdata->>'%s')", q->rec, f->code);
    return f->column ? arena_printf(q->a, "CAST(%s%s AS TEXT)", q->rec, f->column)
                     : arena_printf(q->a, "CAST(json_extract(%sdata, '$.\"%s\"') AS TEXT)", q->rec,
                                    f->code);
}

static bool
is_numeric_sem(enum qsem s)
{
    return s == QS_ID || s == QS_NUM;
}

/* Related records: relatedField of r2 equals field of the record, plus filterCond. */
static enum err
rel_scope(struct qc *q, const struct qrel *rel, struct scope *sc)
{
    struct qc *sub = &sc->sub;
    *sub = *q;
    sub->rec = "r2.";
    sub->app_id = rel->app;
    sub->props = rel->props;
    sub->nested = true;
    const struct qfield *h = &rel->here, *t = &rel->there;
    const char *link;
    if ((is_numeric_sem(h->sem) && is_numeric_sem(t->sem)) ||
        (is_string_sem(h->sem) && is_string_sem(t->sem)))
        link = arena_printf(q->a, "%s = %s", expr(q->a, t, q->kind, sub->rec, false),
                            expr(q->a, h, q->kind, q->rec, false));
    else
        link = arena_printf(q->a, "%s = %s", text_expr(sub, t), text_expr(q, h));
    struct strbuf sb;
    strbuf_init(&sb, q->a, 0);
    strbuf_addf(&sb, SQL_RELATED, rel->app, link);
    if (*rel->filter) {
        struct qast ast;
        enum err e = query_parse(q->c, rel->filter, &ast);
        if (e)
            return e;
        if (ast.where) {
            strbuf_adds(&sb, " AND ");
            e = node_sql(sub, ast.where, &sb);
            if (e)
                return e;
        }
    }
    sc->all = sb.buf;
    sc->from = arena_printf(q->a, "%s AND ", sb.buf);
    return ERR_OK;
}

static enum err
scope_open(struct qc *q, const struct qfield *f, struct scope *sc)
{
    if (f->rel)
        return rel_scope(q, f->rel, sc);
    const char *rows = rows_src(q, f->table);
    sc->all = arena_printf(q->a, "SELECT 1 FROM %s", rows);
    sc->from = arena_printf(q->a, "SELECT 1 FROM %s WHERE ", rows);
    return ERR_OK;
}

/* The positive form of cd inside its scope. */
static enum err
scoped_pos(struct qc *q, struct scope *sc, const struct qcond *cd, const struct qfield *f,
           const char **out)
{
    enum qop pop = positive(cd->op);
    if (!f->rel)
        return pos_sql(q, cd, f, pop, true, out);
    if (pop == QOP_LIKE)
        return like_sql(&sc->sub, cd, f, false, out);
    return pos_sql(&sc->sub, cd, f, pop, false, out);
}

/* Can this condition share one EXISTS with others on the same table / related records? Like
 * on a table field goes through the record's index row instead, so not per row. */
static bool
groupable(struct qc *q, const struct qcond *cd, const struct qfield *f)
{
    if (is_negative(cd->op) || ignored(q, cd, f))
        return false;
    return f->rel || (f->table && cd->op != QOP_LIKE);
}

static bool
same_scope(const struct qfield *a, const struct qfield *b)
{
    if (a->table && b->table)
        return strcmp(a->table, b->table) == 0;
    return a->rel && b->rel && strcmp(a->rel->ref, b->rel->ref) == 0;
}

static enum err
cond_sql(struct qc *q, const struct qcond *cd, const struct qfield *f, const char **out)
{
    bool neg = is_negative(cd->op);
    enum qop pop = positive(cd->op);
    const char *pos = NULL;
    struct scope sc;
    enum err e;
    if (ignored(q, cd, f)) {
        *out = "TRUE";
        return ERR_OK;
    }
    if (!f->table && !f->rel) {
        if (pop == QOP_LIKE)
            return like_sql(q, cd, f, neg, out);
        e = pos_sql(q, cd, f, pop, false, &pos);
        if (e)
            return e;
        *out = neg ? arena_printf(q->a, "NOT COALESCE(%s, FALSE)", pos) : pos;
        return ERR_OK;
    }
    e = scope_open(q, f, &sc);
    if (e)
        return e;
    if (f->table && pop == QOP_LIKE) {
        e = like_sql(q, cd, f, neg, &pos);
        if (e)
            return e;
        *out = neg ? arena_printf(q->a, "(EXISTS (%s) AND %s)", sc.all, pos) : pos;
        return ERR_OK;
    }
    e = scoped_pos(q, &sc, cd, f, &pos);
    if (e)
        return e;
    /* negative: every row satisfies it, and there is a row (parameters may repeat) */
    if (neg)
        *out = arena_printf(q->a, "(EXISTS (%s) AND NOT EXISTS (%s%s))", sc.all, sc.from, pos);
    else
        *out = arena_printf(q->a, "EXISTS (%s%s)", sc.from, pos);
    return ERR_OK;
}

/* An "and" level: positive conditions on fields of one table (or one related-records list) go
 * into one EXISTS, placed where the first of them stands, so they hold in the same row. */
static enum err
and_sql(struct qc *q, const struct qnode *n, struct strbuf *sb)
{
    struct qfield *fs = arena_zalloc(q->a, sizeof(*fs) * (size_t)n->nkids);
    bool *done = arena_zalloc(q->a, sizeof(*done) * (size_t)n->nkids);
    enum err e;
    for (int i = 0; i < n->nkids; i++) {
        if (n->kids[i]->kind != QN_COND)
            continue;
        e = check_op(q, &n->kids[i]->cond, &fs[i]);
        if (e)
            return e;
    }
    strbuf_addc(sb, '(');
    for (int i = 0; i < n->nkids; i++) {
        if (done[i])
            continue;
        if (i)
            strbuf_adds(sb, " AND ");
        const struct qnode *k = n->kids[i];
        if (k->kind != QN_COND) {
            e = node_sql(q, k, sb);
            if (e)
                return e;
            continue;
        }
        const char *s = NULL;
        if (!groupable(q, &k->cond, &fs[i])) {
            e = cond_sql(q, &k->cond, &fs[i], &s);
            if (e)
                return e;
            strbuf_adds(sb, s);
            continue;
        }
        struct scope sc;
        e = scope_open(q, &fs[i], &sc);
        if (e)
            return e;
        strbuf_addf(sb, "EXISTS (%s", sc.from);
        for (int j = i; j < n->nkids; j++) {
            if (j > i && (n->kids[j]->kind != QN_COND || !groupable(q, &n->kids[j]->cond, &fs[j]) ||
                          !same_scope(&fs[j], &fs[i])))
                continue;
            e = scoped_pos(q, &sc, &n->kids[j]->cond, &fs[j], &s);
            if (e)
                return e;
            strbuf_addf(sb, "%s%s", j > i ? " AND " : "", s);
            done[j] = true;
        }
        strbuf_addc(sb, ')');
    }
    strbuf_addc(sb, ')');
    return ERR_OK;
}

static enum err
node_sql(struct qc *q, const struct qnode *n, struct strbuf *sb)
{
    enum err e;
    if (n->kind == QN_COND) {
        struct qfield f;
        const char *s = NULL;
        e = check_op(q, &n->cond, &f);
        if (!e)
            e = cond_sql(q, &n->cond, &f, &s);
        if (!e)
            strbuf_adds(sb, s);
        return e;
    }
    if (n->kind == QN_AND)
        return and_sql(q, n, sb);
    strbuf_addc(sb, '(');
    for (int i = 0; i < n->nkids; i++) {
        if (i)
            strbuf_adds(sb, " OR ");
        e = node_sql(q, n->kids[i], sb);
        if (e)
            return e;
    }
    strbuf_addc(sb, ')');
    return ERR_OK;
}

enum err
query_sql_where(struct ctx *c, int64_t app_id, const json_t *props, enum db_kind kind,
                const struct qnode *where, struct strbuf *sb, struct query_plan *plan)
{
    int pcap = plan->nparams;
    struct qc q = {
        .c = c,
        .a = c->arena,
        .kind = kind,
        .app_id = app_id,
        .props = props,
        .plan = plan,
        .pcap = &pcap,
        .rec = "r.",
        .today = floor_div(c->now + (int64_t)c->tz_offset * 60, 86400),
    };
    return node_sql(&q, where, sb);
}
