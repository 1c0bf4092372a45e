/* query: compiles a kintone query ("数値 > 10 and 文字列 like \"東京\" order by 数値 desc limit 5")
 * into a parameterised SQL condition and ORDER BY over the records table (alias r), for SQLite
 * and PostgreSQL; and creates the expression indexes that make a view's filter and sort fast.
 * All memory (SQL text, parameters) lives in the ctx arena. Never touches the database except
 * in query_ensure_view_index(). Field codes are embedded in SQL only after checking that they
 * contain no quote, backslash or control character; every value is a bound parameter. */
#ifndef MADO_QUERY_H
#define MADO_QUERY_H

#include "core/err.h"
#include "db/db.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct strbuf;

enum query_flags {
    QUERY_CURSOR = 1,   /* limit/offset not allowed (cursor API) */
    QUERY_NO_ORDER = 2, /* filterCond of views/lookups: order by/limit/offset not allowed */
};

struct query_plan {
    /* Complete SQL boolean over alias r, always beginning with
     * "r.app_id = <N> AND r.deleted_at IS NULL" (app id as a literal so that partial indexes
     * "WHERE app_id = N AND deleted_at IS NULL" apply). */
    const char *where;
    /* Without the ORDER BY keyword; always ends with an r.id tiebreak. Default "r.id DESC". */
    const char *order_by;
    int64_t limit;  /* 100 when absent; at most 500 */
    int64_t offset; /* 0 when absent; at most 10000 */
    bool has_limit, has_offset;
    struct db_param *params; /* bound as $1..$nparams; arena memory */
    int nparams;
};

/* Compiles query for app app_id whose field properties (GET form/fields shape, code → field)
 * are props. query may be NULL or "" (all records). Errors (recorded in c->fail):
 * ERR_INVALID with errors.query (syntax, bad value), ERR_QUERY_FIELD (unknown field),
 * ERR_QUERY_OP (operator/function not allowed for the field type, unsortable field),
 * ERR_QUERY_TABLE_EQ (= or != on a table field), ERR_QUERY_FUNC (bad function argument),
 * ERR_QUERY_LIMIT, ERR_QUERY_OFFSET. Dates are evaluated at c->now in zone c->tz_offset. */
enum err query_compile(struct ctx *c, int64_t app_id, const json_t *props, const char *query,
                       enum db_kind kind, unsigned flags, struct query_plan *out) MUST_CHECK;

/* Compiles a bare condition (a filterCond: no order by/limit/offset) and appends its SQL
 * boolean (alias r) to sb, adding its parameters to plan after the ones already there; an
 * empty condition appends "TRUE". Used to combine conditions (record permissions) with a
 * compiled query. */
enum err query_append_cond(struct ctx *c, int64_t app_id, const json_t *props, const char *cond,
                           enum db_kind kind, struct query_plan *plan, struct strbuf *sb) MUST_CHECK;

/* True when cond depends on the record alone (no functions, no related records), so its
 * result can be stored with the record. false for bad conditions too. */
bool query_cond_is_static(struct ctx *c, const char *cond);

/* Loads the live field properties of another app for related-records conditions
 * ("関連レコード.数値 > 3"); *props must stay valid while c->arena lives. The default loader
 * uses app_load(); tests replace it. Set at start-up only (not synchronised). */
typedef enum err query_props_loader_fn(struct ctx *c, int64_t app_id, const json_t **props);
void query_set_props_loader(query_props_loader_fn *fn);

/* SQL expression (alias r) that reads field `code` for sorting and expression indexes; the
 * same text the compiler emits. NULL if the code is unknown, unsafe or not sortable.
 * Allocated in a. */
const char *query_field_expr(struct arena *a, const json_t *props, const char *code,
                             enum db_kind kind);

/* Creates (IF NOT EXISTS) a partial expression index on records for a view: the fields that
 * filter_cond (may be NULL/"") compares with "=" or "in" at its top "and" level, then the sort
 * keys of sort (a view's "sort" string, "数値 desc, $id asc"; NULL/"" = "$id desc"), then r.id;
 * WHERE app_id = N AND deleted_at IS NULL. The name is a hash of the definition, so calling
 * it again is cheap and a changed view gets a new index (old ones are left to the caller).
 * Does nothing when the index would only hold id. Runs in the caller's transaction if any.
 * SQLite's planner takes a sort-only index (no "=" filter) only once statistics exist
 * (ANALYZE / PRAGMA optimize): without them it believes "app_id = N" on records_live is
 * selective. With an "=" filter the index is used at once. */
enum err query_ensure_view_index(struct ctx *c, int64_t app_id, const json_t *props,
                                 const char *filter_cond, const char *sort) MUST_CHECK;

#endif
