/* Due dates of the ward's requests: the applicant is reminded two days before, and the staff
 * are told once the date has passed without a reply (what they do then — a reminder call, a
 * rejection for lack of documents — is theirs to decide). */
#include "portal_msg.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/lclock.h"
#include "domain/portal.h"
#include "domain/portal_msg_sql.h"
#include "domain/wf.h"

#include <stdlib.h>
#include <string.h>

struct due_row {
    int64_t id, app_id, record_id;
    const char *due, *author, *receipt, *assignees;
};

/* Up to 500 rows of sql (the rest wait for the next run). */
static enum err
load(struct ctx *c, const char *sql, const struct db_param *p, int np, bool lapsed,
     struct due_row **rows, int *n)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, p, np, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *rows = arena_alloc(c->arena, 500 * sizeof(**rows));
    *n = 0;
    while (*n < 500 && (rc = db_step(res)) == 1) {
        struct due_row *r = &(*rows)[(*n)++];
        r->id = db_col_int(res, 0);
        r->app_id = db_col_int(res, 1);
        r->record_id = db_col_int(res, 2);
        r->due = arena_strdup(c->arena, db_col_text(res, 3));
        r->author = lapsed ? arena_strdup(c->arena, db_col_text(res, 4)) : "";
        r->receipt = lapsed ? arena_strdup(c->arena, db_col_text(res, 5)) : "";
        r->assignees = lapsed ? arena_strdup(c->arena, db_col_text(res, 6)) : "[]";
    }
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

static enum err
mark(struct ctx *c, const char *sql, int64_t id)
{
    struct db_param p[] = { DBP_INT(id), DBP_INT(c->now) };
    int rc = db_exec(c->db, sql, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

static enum err
run(struct ctx *c, int64_t *reminded, int64_t *lapsed)
{
    char today[11], soon[11];
    int64_t day = lclock_day(c->now);
    clock_format_date(day, today);
    clock_format_date(day + 2, soon);
    struct db_param p[] = { DBP_TEXT(soon), DBP_TEXT(today) };
    struct due_row *rows;
    int n;
    enum err e = load(c, PMSG_SQL_DUE_SOON, p, 2, false, &rows, &n);
    for (int i = 0; e == ERR_OK && i < n; i++) {
        e = portal_notify(c, rows[i].app_id, rows[i].record_id,
                          arena_printf(c->arena, "区からのお願いへの回答の期限（%s）が近づいています。",
                                       rows[i].due),
                          arena_printf(c->arena, "The ward's request is due on %s.", rows[i].due));
        if (e == ERR_OK)
            e = mark(c, PMSG_SQL_REMINDED, rows[i].id);
        if (e == ERR_OK && reminded)
            (*reminded)++;
    }
    if (e != ERR_OK)
        return e;
    struct db_param tp[] = { DBP_TEXT(today) };
    e = load(c, PMSG_SQL_LAPSED, tp, 1, true, &rows, &n);
    for (int i = 0; e == ERR_OK && i < n; i++) {
        json_t *who = json_loads(rows[i].assignees, 0, NULL);
        if (!json_is_array(who)) {
            json_decref(who);
            who = json_array();
        }
        if (*rows[i].author)
            json_array_append_new(who, json_string(rows[i].author));
        e = wf_notify(c, who, rows[i].app_id, rows[i].record_id, "applicant_overdue",
                      arena_printf(c->arena, "申請者の回答期限（%s）を過ぎました（受付番号 %s）",
                                   rows[i].due, rows[i].receipt),
                      arena_printf(c->arena, "{\"message\":%lld}", (long long)rows[i].id));
        json_decref(who);
        if (e == ERR_OK)
            e = mark(c, PMSG_SQL_LAPSED_SET, rows[i].id);
        if (e == ERR_OK && lapsed)
            (*lapsed)++;
    }
    return e;
}

enum err
pmsg_housekeeping(struct ctx *c, int64_t *reminded, int64_t *lapsed)
{
    if (reminded)
        *reminded = 0;
    if (lapsed)
        *lapsed = 0;
    int rc = db_begin(c->db, true);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    enum err e = run(c, reminded, lapsed);
    if (e != ERR_OK) {
        db_rollback(c->db);
        return e;
    }
    rc = db_commit(c->db);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}
