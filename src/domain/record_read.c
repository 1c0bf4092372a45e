/* Reading records: one by id, by query, and the display names that go with them. */
#include "record.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/query.h"
#include "domain/record_int.h"
#include "domain/record_sql.h"
#include "domain/value.h"

#include <string.h>
#include <time.h>

/* Display names of users, cached per worker thread for a minute: record lists show the same
 * few creators again and again. */
#define NAME_CACHE 128
struct name_entry {
    char login[64];
    char name[128];
    int64_t fetched;
};
static _Thread_local struct name_entry names[NAME_CACHE];

static unsigned
name_slot(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NAME_CACHE;
}

const char *
rec_display_name(void *arg, const char *kind, const char *code)
{
    struct ctx *c = arg;
    if (!code || strcmp(kind, "USER") != 0 || strlen(code) >= sizeof(names[0].login))
        return code;
    struct name_entry *e = &names[name_slot(code)];
    if (e->fetched > c->now - 60 && strcmp(e->login, code) == 0)
        return e->name[0] ? arena_strdup(c->arena, e->name) : code;
    struct db_param p[] = { DBP_TEXT(code) };
    struct db_res *res = NULL;
    const char *name = code;
    if (db_query(c->db, REC_SQL_USER_NAME, p, 1, &res) != DB_OK)
        return code;
    e->name[0] = '\0';
    if (db_step(res) == 1) {
        const char *n = db_col_text(res, 0);
        if (strlen(n) < sizeof(e->name))
            memcpy(e->name, n, strlen(n) + 1);
        name = arena_strdup(c->arena, n);
    }
    db_res_free(res);
    memcpy(e->login, code, strlen(code) + 1);
    e->fetched = c->now;
    return name;
}

enum { REC_COL_WIRE = 9, REC_COL_WIRE_REV = 10 };

static json_t *row_to_wire(struct ctx *c, const struct app_def *d, struct db_res *res,
                           const json_t *fields);

static int
dump_cb(const char *buf, size_t n, void *data)
{
    strbuf_add(data, buf, n);
    return 0;
}

static void
append_json(struct strbuf *out, const json_t *v)
{
    json_dump_callback(v, dump_cb, out, JSON_COMPACT);
}

const char *
rec_render(struct ctx *c, const struct app_def *d, int64_t id, int64_t revision,
           const char *creator, int64_t created_at, const char *modifier, int64_t updated_at,
           const json_t *data)
{
    struct value_row row = { .id = id,
                             .revision = revision,
                             .created_at = created_at,
                             .updated_at = updated_at,
                             .creator = creator,
                             .modifier = modifier,
                             .status = NULL,
                             .assignees = NULL,
                             .data = data };
    json_t *w = value_to_wire(c, d->props, &row, NULL, rec_display_name, c);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    append_json(&sb, w);
    json_decref(w);
    return sb.buf;
}

void
rec_row_append(struct ctx *c, const struct app_def *d, struct db_res *res, const json_t *fields,
               struct strbuf *out)
{
    if (!fields && !db_col_null(res, REC_COL_WIRE) && !db_col_null(res, REC_COL_WIRE_REV) &&
        db_col_int(res, REC_COL_WIRE_REV) == d->revision) {
        strbuf_add(out, db_col_text(res, REC_COL_WIRE), db_col_len(res, REC_COL_WIRE));
        return;
    }
    json_t *w = row_to_wire(c, d, res, fields);
    append_json(out, w);
    json_decref(w);
}

static json_t *
row_to_wire(struct ctx *c, const struct app_def *d, struct db_res *res, const json_t *fields)
{
    struct value_row row;
    json_t *data = json_loadb(db_col_text(res, 4), db_col_len(res, 4), 0, NULL);
    json_t *assignees = db_col_null(res, 3)
                            ? NULL
                            : json_loadb(db_col_text(res, 3), db_col_len(res, 3), 0, NULL);
    row.id = db_col_int(res, 0);
    row.revision = db_col_int(res, 1);
    row.status = db_col_null(res, 2) ? NULL : db_col_text(res, 2);
    row.assignees = assignees;
    row.data = data ? data : json_object();
    row.creator = db_col_text(res, 5);
    row.created_at = db_col_int(res, 6);
    row.modifier = db_col_text(res, 7);
    row.updated_at = db_col_int(res, 8);
    json_t *out = value_to_wire(c, d->props, &row, fields, rec_display_name, c);
    json_decref((json_t *)row.data);
    json_decref(assignees);
    return out;
}

enum err
rec_get(struct ctx *c, const struct app_def *d, int64_t id, const json_t *fields,
        struct strbuf *out)
{
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, REC_SQL_GET, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1)
        rec_row_append(c, d, res, fields, out);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return rec_not_found(c, id);
    return ERR_OK;
}

enum err
rec_not_found(struct ctx *c, int64_t id)
{
    return fail_set(c->fail, ERR_RECORD_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)id));
}

enum err
rec_query(struct ctx *c, const struct app_def *d, const char *query, const json_t *fields,
          bool want_total, struct strbuf *out, int64_t *total)
{
    struct query_plan plan;
    enum err e = query_compile(c, d->id, d->props, query ? query : "", db_kind(c->db), 0, &plan);
    if (e != ERR_OK)
        return e;
    const char *sql = arena_printf(c->arena,
                                   "SELECT " REC_COLS " FROM records r WHERE %s ORDER BY %s "
                                   "LIMIT %lld OFFSET %lld",
                                   plan.where, plan.order_by, (long long)plan.limit,
                                   (long long)plan.offset);
    log_debug("query: %s", sql);
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, plan.params, plan.nparams, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    bool first = true;
    while ((rc = db_step(res)) == 1) {
        if (!first)
            strbuf_addc(out, ',');
        first = false;
        rec_row_append(c, d, res, fields, out);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    *total = -1;
    if (want_total) {
        bool found;
        sql = arena_printf(c->arena, "SELECT COUNT(*) FROM records r WHERE %s", plan.where);
        rc = db_query_int(c->db, sql, plan.params, plan.nparams, total, &found);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    return ERR_OK;
}
