/* Cursors (records/cursor.json): the matching ids are fixed at creation, in query order, in
 * cursor_rows, so paging is stable while records change; a cursor is freed after its last
 * page, on DELETE, or 10 minutes after its last use. The table lives in the database, so any
 * node behind a load balancer can serve the next page. */
#include "record.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/query.h"
#include "domain/acl.h"
#include "domain/record_int.h"
#include "domain/record_sql.h"
#include "sec/sec.h"

#include <string.h>

#define CURSOR_IDLE 600
#define CURSOR_MAX_PER_OWNER 10

static void
decref(void *p)
{
    json_decref(p);
}

static const char *
owner_of(struct ctx *c)
{
    if (c->who.kind == PRIN_TOKEN)
        return arena_printf(c->arena, "token:%lld", (long long)c->who.tokens[0].app_id);
    return arena_printf(c->arena, "user:%s", c->who.login ? c->who.login : "");
}

enum err
rec_cursor_create(struct ctx *c, const struct app_def *d, const char *query, const json_t *fields,
                  int64_t size, const char **id_out, int64_t *total)
{
    struct db_param now[] = { DBP_INT(c->now) };
    int rc = db_exec(c->db, CUR_SQL_PURGE, now, 1, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, CUR_SQL_PURGE_HEAD, now, 1, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    const char *owner = owner_of(c);
    int64_t n = 0;
    bool found;
    struct db_param po[] = { DBP_TEXT(owner) };
    rc = db_query_int(c->db, CUR_SQL_COUNT_OWNER, po, 1, &n, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (n >= CURSOR_MAX_PER_OWNER)
        return fail_set(c->fail, ERR_CURSOR_LIMIT, NULL);

    struct query_plan plan;
    const struct acl_fields *af;
    enum err e = acl_fields_for(c, d, &af);
    if (e == ERR_OK)
        e = query_compile(c, d->id, af->props, query ? query : "", db_kind(c->db), QUERY_CURSOR,
                          &plan);
    if (e == ERR_OK) /* the rows are chosen now, under the caller's record permissions */
        e = acl_filter_records(c, d, ACL_VIEW, &plan);
    if (e != ERR_OK)
        return e;
    char *id = arena_alloc(c->arena, 33);
    sec_random_hex(id, 16);
    struct db_param *params = arena_alloc(c->arena, sizeof(struct db_param) * (size_t)(plan.nparams + 1));
    if (plan.nparams)
        memcpy(params, plan.params, sizeof(struct db_param) * (size_t)plan.nparams);
    params[plan.nparams] = DBP_TEXT(id);
    const char *sql = arena_printf(c->arena,
                                   "INSERT INTO cursor_rows (cursor_id, seq, record_id) "
                                   "SELECT $%d, ROW_NUMBER() OVER (ORDER BY %s), r.id "
                                   "FROM records r WHERE %s",
                                   plan.nparams + 1, plan.order_by, plan.where);
    rc = db_exec(c->db, sql, params, plan.nparams + 1, &n);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    char *ftext = json_dumps(fields ? fields : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    arena_defer(c->arena, free, ftext);
    struct db_param ins[] = { DBP_TEXT(id),   DBP_INT(d->id),  DBP_TEXT(owner),
                              DBP_TEXT(ftext), DBP_INT(n),     DBP_INT(size),
                              DBP_INT(c->now), DBP_INT(c->now + CURSOR_IDLE) };
    rc = db_exec(c->db, CUR_SQL_INSERT, ins, 8, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *id_out = id;
    *total = n;
    return ERR_OK;
}

static enum err
drop(struct ctx *c, const char *id, const char *owner)
{
    struct db_param p[] = { DBP_TEXT(id), DBP_TEXT(owner) };
    int rc = db_exec(c->db, CUR_SQL_DELETE_ROWS, p, 1, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, CUR_SQL_DELETE_HEAD, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
rec_cursor_next(struct ctx *c, const char *id, struct strbuf *out, bool *next)
{
    const char *owner = owner_of(c);
    struct db_param p[] = { DBP_TEXT(id), DBP_TEXT(owner), DBP_INT(c->now) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, CUR_SQL_HEAD, p, 3, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    int64_t app_id = 0, total = 0, pos = 0, size = 0;
    json_t *fields = NULL;
    if (rc == 1) {
        app_id = db_col_int(res, 0);
        fields = json_loadb(db_col_text(res, 1), db_col_len(res, 1), JSON_DECODE_ANY, NULL);
        total = db_col_int(res, 2);
        pos = db_col_int(res, 3);
        size = db_col_int(res, 4);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return fail_set(c->fail, ERR_CURSOR_NOT_FOUND, NULL);
    if (fields)
        arena_defer(c->arena, decref, fields);
    if (json_is_null(fields))
        fields = NULL;
    struct app_def d;
    const struct acl_fields *af = NULL;
    enum err e = app_load(c, app_id, false, &d);
    if (e == ERR_OK) /* permissions may have changed since the cursor was made */
        e = acl_app_def(c, &d, ACL_VIEW);
    if (e == ERR_OK)
        e = acl_fields_for(c, &d, &af);
    if (e != ERR_OK)
        return e;
    struct db_param pg[] = { DBP_TEXT(id), DBP_INT(app_id), DBP_INT(pos), DBP_INT(pos + size) };
    rc = db_query(c->db, CUR_SQL_PAGE, pg, 4, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    bool first = true;
    while ((rc = db_step(res)) == 1) {
        if (!first)
            strbuf_addc(out, ',');
        first = false;
        const char **hidden = (const char **)af->hidden;
        if (af->ndynamic) {
            e = acl_record_hidden(c, &d, db_col_int(res, 0), &hidden);
            if (e != ERR_OK) {
                db_res_free(res);
                return e;
            }
        }
        rec_row_append(c, &d, res, fields, hidden, out);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    pos += size;
    *next = pos < total;
    if (*next) {
        struct db_param pa[] = { DBP_TEXT(id), DBP_INT(pos), DBP_INT(c->now + CURSOR_IDLE) };
        rc = db_exec(c->db, CUR_SQL_ADVANCE, pa, 3, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        return ERR_OK;
    }
    return drop(c, id, owner);
}

enum err
rec_cursor_delete(struct ctx *c, const char *id)
{
    const char *owner = owner_of(c);
    struct db_param p[] = { DBP_TEXT(id), DBP_TEXT(owner), DBP_INT(c->now) };
    int64_t one;
    bool found;
    int rc = db_query_int(c->db, CUR_SQL_EXISTS, p, 3, &one, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (!found)
        return fail_set(c->fail, ERR_CURSOR_NOT_FOUND, NULL);
    return drop(c, id, owner);
}
