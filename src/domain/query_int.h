/* query_int: internals shared by the query compiler's files (query_parse.c: lexer and parser
 * into a small AST; query.c: field resolution and the public API; query_sql.c: SQL
 * generation and date functions). Not for use outside src/domain/query*.c. All nodes live in
 * the ctx arena. */
#ifndef MADO_QUERY_INT_H
#define MADO_QUERY_INT_H

#include "core/err.h"
#include "db/db.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum qop {
    QOP_EQ,
    QOP_NE,
    QOP_GT,
    QOP_LT,
    QOP_GE,
    QOP_LE,
    QOP_IN,
    QOP_NOT_IN,
    QOP_LIKE,
    QOP_NOT_LIKE,
    QOP_EMPTY,
    QOP_NOT_EMPTY,
};
#define QOP_BIT(op) (1u << (op))

enum qval_kind {
    QV_STRING,
    QV_NUMBER,
    QV_FUNC
};

struct qval {
    enum qval_kind kind;
    const char *text;  /* unescaped string, number text, or function name upper-cased */
    const char **args; /* QV_FUNC: argument texts as written (upper-cased if bare words) */
    int nargs;
};

struct qcond {
    const char *field;
    enum qop op;
    struct qval *vals;
    int nvals;
};

enum qnode_kind {
    QN_AND,
    QN_OR,
    QN_COND
};

struct qnode {
    enum qnode_kind kind;
    struct qnode **kids; /* QN_AND / QN_OR, at least two */
    int nkids;
    struct qcond cond; /* QN_COND */
};

struct qsort {
    const char *field;
    bool desc;
};

struct qast {
    struct qnode *where; /* NULL: no condition */
    struct qsort *sorts;
    int nsorts;
    bool has_order, has_limit, has_offset;
    int64_t limit, offset;
};

/* Parses query (NULL or blank = empty AST). Syntax errors: ERR_INVALID with errors.query. */
enum err query_parse(struct ctx *c, const char *query, struct qast *out) MUST_CHECK;
/* Parses a view's sort string ("a desc, $id") into out->sorts. */
enum err query_parse_sort(struct ctx *c, const char *sort, struct qast *out) MUST_CHECK;
/* Records a syntax error (ja/en detail, "%s" replaced by arg) and returns ERR_INVALID. */
enum err query_syntax(struct ctx *c, const char *ja, const char *en, const char *arg);

/* What a field's stored value looks like, which decides the SQL for each operator. */
enum qsem {
    QS_ID,       /* integer column (r.id) */
    QS_NUM,      /* JSON number */
    QS_STR,      /* JSON string or text column compared whole */
    QS_DATE,     /* "YYYY-MM-DD" */
    QS_TIME,     /* "HH:MM" */
    QS_DATETIME, /* "YYYY-MM-DDTHH:MM:SSZ" */
    QS_TS,       /* Unix seconds column (created_at / updated_at) */
    QS_ARR,      /* JSON array of strings (data field or the assignees column) */
    QS_FILE,     /* JSON array of file objects */
    QS_TEXT,     /* MULTI_LINE_TEXT: only like / is empty */
    QS_RICH,     /* RICH_TEXT: like / is empty through the search index */
    QS_CATEGORY, /* always empty */
    QS_FLAG,     /* "true"/"false" computed by SQL ($overdue of the legal clock) */
};

/* Functions a field accepts as values. */
enum qfunc_class {
    QF_LOGINUSER = 1,
    QF_PRIMARY_ORG = 2,
    QF_NOW = 4,
    QF_DATE = 8
};

struct qrel;

struct qfield {
    const char *code; /* field code (for "関連レコード.f": f, in the related app) */
    const char *name; /* as written in the query, for messages */
    const char *type; /* kintone field type */
    enum qsem sem;
    unsigned ops;           /* QOP_BIT set allowed for the type */
    unsigned funcs;         /* enum qfunc_class set */
    const char *table;      /* subtable code for inner fields, else NULL */
    const char *column;     /* records column for system fields, else NULL */
    const struct qrel *rel; /* field of a related-records list, else NULL */
    bool sortable;
};

/* A related-records (REFERENCE_TABLE) field: the records of another app whose relatedField
 * equals this record's field and which pass filterCond. */
struct qrel {
    const char *ref;     /* the REFERENCE_TABLE field's code in this app */
    int64_t app;         /* related app */
    const json_t *props; /* its field properties */
    struct qfield here;  /* condition.field, in this app */
    struct qfield there; /* condition.relatedField, in the related app */
    const char *filter;  /* filterCond ("" = none) */
};

/* Resolves code against props ("$id" and "関連レコード.f" included, and the legal clock's
 * "$due_date", "$days_used", "$overdue" when app app_id has its clock enabled).
 * ERR_QUERY_FIELD when unknown or unsafe. */
enum err query_resolve(struct ctx *c, int64_t app_id, const json_t *props, const char *code,
                       struct qfield *out) MUST_CHECK;
/* Same without recording an error. */
bool query_lookup(const json_t *props, const char *code, struct qfield *out);
/* True when code can be embedded in SQL inside quotes. */
bool query_code_safe(const char *code);

/* SQL for the where condition of ast (without the app/deleted prefix) appended to sb,
 * parameters appended to the plan. */
struct query_plan;
enum err query_sql_where(struct ctx *c, int64_t app_id, const json_t *props, enum db_kind kind,
                         const struct qnode *where, struct strbuf *sb,
                         struct query_plan *plan) MUST_CHECK;
/* Sort expression of f; alias is "r." or "" (index definitions). */
const char *query_sql_sort_expr(struct arena *a, const struct qfield *f, enum db_kind kind,
                                const char *alias);

#endif
