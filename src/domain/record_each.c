/* Records of an app matching a query, in their stored shape, for work done record by record
 * outside the request/response cycle (printing a batch of documents). Unlike GET records.json
 * there is no 500-record page: the caller gives the maximum. */
#include "record.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/query.h"
#include "domain/record_sql.h"

#include <string.h>

static void
decref(void *p)
{
    json_decref(p);
}

enum err
rec_select_stored(struct ctx *c, const struct app_def *d, const char *query, int64_t max,
                  struct rec_stored **out, size_t *n)
{
    struct query_plan plan;
    *out = NULL;
    *n = 0;
    enum err e = query_compile(c, d->id, d->props, query ? query : "", db_kind(c->db), 0, &plan);
    if (e == ERR_OK)
        e = acl_filter_records(c, d, ACL_VIEW, &plan);
    if (e != ERR_OK)
        return e;
    int64_t limit = plan.has_limit && plan.limit < max ? plan.limit : max;
    const char *sql = arena_printf(c->arena, REC_SQL_EACH_STORED, plan.where, plan.order_by,
                                   (long long)limit, (long long)plan.offset);
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, plan.params, plan.nparams, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    size_t cap = 64;
    struct rec_stored *rows = arena_alloc(c->arena, cap * sizeof(*rows));
    while ((rc = db_step(res)) == 1) {
        if (*n == cap) {
            struct rec_stored *bigger = arena_alloc(c->arena, 2 * cap * sizeof(*rows));
            memcpy(bigger, rows, cap * sizeof(*rows));
            rows = bigger;
            cap *= 2;
        }
        json_t *data = json_loadb(db_col_text(res, 1), db_col_len(res, 1), 0, NULL);
        if (!data)
            continue; /* cannot happen: every stored record is JSON */
        arena_defer(c->arena, decref, data);
        rows[*n] = (struct rec_stored){
            .id = db_col_int(res, 0),
            .revision = db_col_int(res, 2),
            .data = data,
            .receipt_no = db_col_null(res, 3) ? NULL : arena_strdup(c->arena, db_col_text(res, 3)),
        };
        (*n)++;
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    *out = rows;
    return ERR_OK;
}
