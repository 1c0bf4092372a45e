/* restore: one record or one app back from a backup's snapshot, or one record back to a
 * revision (see restore.h). Records are written with the record module's own bookkeeping
 * (stored rendering, unique index, permission bits, search index, revision row), reached
 * through record_int.h: a restore is a record write that takes its values, status and
 * assignees from elsewhere, so it must keep exactly the same invariants. */
#include "jobs/restore.h"

#include "core/arena.h"
#include "core/text.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/app.h"
#include "domain/audit.h"
#include "domain/blob.h"
#include "domain/record.h"
#include "domain/record_int.h"
#include "domain/search.h"
#include "domain/value.h"
#include "jobs/restore_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables whose rows belong to one record (app_id, record_id), copied from the backup when live
 * lacks them. Not inbox (old notifications would arrive again) nor record_unique /
 * record_search (rebuilt from the restored values). */
static const char *const children[] = {
    "record_revisions", "comments",       "opinions",         "wf_approvals", "wf_rule_runs",
    "record_owners",    "record_messages", "record_documents", "files",
};

struct rrow {
    bool found, deleted;
    int64_t revision, created_at, status_at, status_rev;
    bool has_status_at, has_status_rev;
    json_t *data, *assignees;
    const char *status, *creator;
};

static void
decref(void *p)
{
    json_decref(p);
}

static json_t *
keep(struct ctx *c, json_t *j)
{
    if (j)
        arena_defer(c->arena, decref, j);
    return j;
}

static json_t *
parse(struct ctx *c, struct db_res *r, int col)
{
    if (db_col_null(r, col))
        return NULL;
    return keep(c, json_loadb(db_col_text(r, col), db_col_len(r, col), 0, NULL));
}

static enum err
db_err(struct ctx *c, struct db *db, int rc)
{
    if (db == c->db)
        return app_db_fail(c, rc);
    char *m = arena_printf(c->arena, "バックアップを読めません（%s）。 / Cannot read the backup (%s).",
                           db_errmsg(db), db_errmsg(db));
    return fail_with_message(c->fail, ERR_INTERNAL, m);
}

static enum err
not_found(struct ctx *c, const char *ja, const char *en)
{
    return fail_with_message(c->fail, ERR_NOT_FOUND, c->lang == LANG_EN ? en : arena_printf(c->arena, "%s / %s", ja, en));
}

/* The columns of RST_SQL_RECORD starting at column k. */
static void
fill_row(struct ctx *c, struct db_res *res, int k, struct rrow *r)
{
    memset(r, 0, sizeof(*r));
    r->found = true;
    r->revision = db_col_int(res, k);
    r->data = parse(c, res, k + 1);
    r->status = db_col_null(res, k + 2) ? NULL : arena_strdup(c->arena, db_col_text(res, k + 2));
    r->assignees = parse(c, res, k + 3);
    r->deleted = !db_col_null(res, k + 4);
    r->creator = arena_strdup(c->arena, db_col_text(res, k + 5));
    r->created_at = db_col_int(res, k + 6);
    r->has_status_at = !db_col_null(res, k + 7);
    r->status_at = db_col_int(res, k + 7);
    r->has_status_rev = !db_col_null(res, k + 8);
    r->status_rev = db_col_int(res, k + 8);
    if (!json_is_object(r->data))
        r->data = keep(c, json_object());
}

static enum err
load_row(struct ctx *c, struct db *db, int64_t app, int64_t id, struct rrow *r)
{
    memset(r, 0, sizeof(*r));
    struct db_param p[] = { DBP_INT(app), DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(db, RST_SQL_RECORD, p, 2, &res);
    if (rc != DB_OK)
        return db_err(c, db, rc);
    rc = db_step(res);
    if (rc == 1)
        fill_row(c, res, 0, r);
    db_res_free(res);
    return rc < 0 ? db_err(c, db, rc) : ERR_OK;
}

/* ---- copying rows that live lacks --------------------------------------------------------- */

static enum err
snap_columns(struct ctx *c, struct db *snap, const char *t, char **cols, int *ncols)
{
    struct db_res *r = NULL;
    int rc = db_query(snap, arena_printf(c->arena,
                                         "SELECT name FROM pragma_table_info('%s') ORDER BY cid", t),
                      NULL, 0, &r);
    if (rc != DB_OK)
        return db_err(c, snap, rc);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    int n = 0;
    while ((rc = db_step(r)) == 1)
        strbuf_addf(&sb, n++ ? ",\"%s\"" : "\"%s\"", db_col_text(r, 0));
    db_res_free(r);
    if (rc < 0)
        return db_err(c, snap, rc);
    *cols = sb.buf;
    *ncols = n;
    return ERR_OK;
}

/* Inserts the snapshot's rows of table t matching where (params p) that live does not hold
 * (ON CONFLICT DO NOTHING: a row present in live wins), many rows per statement. */
static enum err
copy_missing(struct ctx *c, struct db *snap, const char *t, const char *where,
             const struct db_param *p, int np, int64_t *inserted)
{
    char *cols = NULL;
    int ncols = 0;
    enum err e = snap_columns(c, snap, t, &cols, &ncols);
    if (e != ERR_OK || ncols == 0)
        return e;
    int batch = 400 / ncols > 0 ? 400 / ncols : 1;
    struct db_res *r = NULL;
    int rc = db_query(snap, arena_printf(c->arena, "SELECT %s FROM \"%s\" WHERE %s", cols, t, where),
                      p, np, &r);
    if (rc != DB_OK)
        return db_err(c, snap, rc);
    struct db_param *v = xcalloc((size_t)(batch * ncols), sizeof(*v));
    struct arena *a = arena_new(); /* a batch's copied values */
    int rows = 0;
    int64_t total = 0;
    for (;;) {
        rc = db_step(r);
        if (rc < 0) {
            e = db_err(c, snap, rc);
            break;
        }
        if (rc == 1) {
            for (int i = 0; i < ncols; i++) {
                struct db_param *x = &v[rows * ncols + i];
                switch (db_col_type(r, i)) {
                case DB_T_INT: *x = DBP_INT(db_col_int(r, i)); break;
                case DB_T_REAL: *x = DBP_REAL(db_col_real(r, i)); break;
                case DB_T_TEXT: {
                    size_t n = db_col_len(r, i);
                    *x = DBP_TEXTN(arena_strndup(a, db_col_text(r, i), n), n);
                    break;
                }
                case DB_T_BLOB: {
                    size_t n = db_col_len(r, i);
                    *x = DBP_BLOB(arena_memdup(a, db_col_blob(r, i), n), n);
                    break;
                }
                default: *x = DBP_NULL;
                }
            }
            rows++;
        }
        if (rows > 0 && (rows == batch || rc == 0)) {
            struct strbuf sb;
            strbuf_init(&sb, a, 0);
            strbuf_addf(&sb, "INSERT INTO \"%s\" (%s) VALUES ", t, cols);
            for (int k = 0; k < rows; k++) {
                strbuf_adds(&sb, k ? ",(" : "(");
                for (int i = 0; i < ncols; i++)
                    strbuf_addf(&sb, i ? ",$%d" : "$%d", k * ncols + i + 1);
                strbuf_addc(&sb, ')');
            }
            strbuf_adds(&sb, " ON CONFLICT DO NOTHING");
            int64_t changes = 0;
            int xrc = db_exec(c->db, sb.buf, v, rows * ncols, &changes);
            if (xrc != DB_OK) {
                e = db_err(c, c->db, xrc);
                break;
            }
            total += changes;
            rows = 0;
            arena_free(a);
            a = arena_new();
        }
        if (rc == 0)
            break;
    }
    db_res_free(r);
    arena_free(a);
    free(v);
    if (inserted)
        *inserted = total;
    return e;
}

/* Attachments: every blob the snapshot's files rows name and live lacks is written back in the
 * form the archive keeps (still encrypted with the master key). */
static enum err
ensure_blobs(struct ctx *c, const struct restore_src *s, const char *where,
             const struct db_param *p, int np, int64_t *written, bool dry)
{
    struct db_res *r = NULL;
    int rc = db_query(s->snap,
                      arena_printf(c->arena, "SELECT DISTINCT blob_hash FROM files WHERE %s", where),
                      p, np, &r);
    if (rc != DB_OK)
        return db_err(c, s->snap, rc);
    enum err e = ERR_OK;
    int64_t n = 0;
    while ((rc = db_step(r)) == 1) {
        const char *hash = arena_strdup(c->arena, db_col_text(r, 0));
        int64_t one;
        bool found = false;
        struct db_param h[] = { DBP_TEXT(hash) };
        int qrc = db_query_int(c->db, RST_SQL_BLOB_EXISTS, h, 1, &one, &found);
        if (qrc != DB_OK) {
            e = db_err(c, c->db, qrc);
            break;
        }
        if (found)
            continue;
        n++;
        if (dry)
            continue;
        struct strbuf sb;
        strbuf_init(&sb, NULL, 0);
        e = s->fetch ? s->fetch(s->fetch_arg, hash, &sb, c->fail) : ERR_FILE_NOT_FOUND;
        if (e == ERR_OK)
            e = blob_stored_put(c, hash, sb.buf, sb.len);
        strbuf_release(&sb);
        if (e != ERR_OK) {
            if (e == ERR_FILE_NOT_FOUND || !c->fail->message)
                e = fail_with_message(
                    c->fail, ERR_INTERNAL,
                    arena_printf(c->arena,
                                 "添付ファイルの内容（%s）がバックアップにありません。 / The backup "
                                 "does not hold the contents of attachment %s.",
                                 hash, hash));
            break;
        }
    }
    db_res_free(r);
    if (e == ERR_OK && rc < 0)
        e = db_err(c, s->snap, rc);
    if (written)
        *written = n;
    return e;
}

/* with_revisions: history rows too (an app restore copies them only for records whose rows
 * were gone: a record still in live holds every revision the backup has). */
static enum err
copy_children(struct ctx *c, const struct restore_src *s, const char *where,
              const struct db_param *p, int np, bool with_revisions)
{
    enum err e = ensure_blobs(c, s, where, p, np, NULL, false);
    for (size_t i = with_revisions ? 0 : 1; e == ERR_OK && i < sizeof(children) / sizeof(*children);
         i++)
        e = copy_missing(c, s->snap, children[i], where, p, np, NULL);
    if (e != ERR_OK)
        return e;
    /* comments deleted in live since the backup come back too (live's deleted ones first:
     * usually none) */
    struct db_res *r = NULL;
    const char *q = arena_printf(c->arena,
                                 "SELECT app_id, record_id, id FROM comments WHERE %s AND "
                                 "deleted_at IS NOT NULL",
                                 where);
    int rc = db_query(c->db, q, p, np, &r);
    if (rc != DB_OK)
        return db_err(c, c->db, rc);
    size_t n = 0, cap = 16;
    int64_t(*keys)[3] = arena_alloc(c->arena, cap * sizeof(*keys));
    while ((rc = db_step(r)) == 1) {
        if (n == cap) {
            int64_t(*k2)[3] = arena_alloc(c->arena, 2 * cap * sizeof(*keys));
            memcpy(k2, keys, cap * sizeof(*keys));
            keys = k2;
            cap *= 2;
        }
        for (int j = 0; j < 3; j++)
            keys[n][j] = db_col_int(r, j);
        n++;
    }
    db_res_free(r);
    if (rc < 0)
        return db_err(c, c->db, rc);
    for (size_t i = 0; i < n; i++) {
        struct db_param u[] = { DBP_INT(keys[i][0]), DBP_INT(keys[i][1]), DBP_INT(keys[i][2]) };
        int64_t one;
        bool alive = false;
        rc = db_query_int(s->snap,
                          "SELECT 1 FROM comments WHERE app_id = $1 AND record_id = $2 AND id = $3 "
                          "AND deleted_at IS NULL",
                          u, 3, &one, &alive);
        if (rc != DB_OK)
            return db_err(c, s->snap, rc);
        if (alive && (rc = db_exec(c->db, RST_SQL_COMMENT_UNDELETE, u, 3, NULL)) != DB_OK)
            return db_err(c, c->db, rc);
    }
    return ERR_OK;
}

/* ---- one record ------------------------------------------------------------------------- */

/* What the record becomes: today's values with every field the app has now taken from the
 * target (a field added since keeps today's value; one deleted since cannot come back). */
static json_t *
merged(struct ctx *c, const struct app_def *d, const struct rrow *live, const struct rrow *to)
{
    json_t *data = keep(c, live->found ? json_deep_copy(live->data) : json_object());
    const char *code;
    json_t *def;
    json_object_foreach(d->props, code, def)
    {
        json_t *was = json_object_get(to->data, code);
        if (was)
            json_object_set(data, code, was);
    }
    return data;
}

static bool
same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool
same_json(const json_t *a, const json_t *b)
{
    return (!a && !b) || (a && b && json_equal(a, b));
}

/* Writes target's values, status and assignees over live as a new revision (undeleting).
 * from_snapshot: status_at / status_rev come with the status (that visit's approvals come back
 * with it); else a status that differs starts a new visit now. */
static void
status_visit(struct ctx *c, const struct rrow *live, const struct rrow *to, bool from_snapshot,
             int64_t new_rev, struct db_param *status_at, struct db_param *status_rev)
{
    *status_at = DBP_NULL;
    *status_rev = DBP_NULL;
    if (from_snapshot) {
        if (to->has_status_at)
            *status_at = DBP_INT(to->status_at);
        if (to->has_status_rev)
            *status_rev = DBP_INT(to->status_rev);
    } else if (same_str(live->status, to->status)) {
        if (live->has_status_at)
            *status_at = DBP_INT(live->status_at);
        if (live->has_status_rev)
            *status_rev = DBP_INT(live->status_rev);
    } else if (to->status) {
        *status_at = DBP_INT(c->now);
        *status_rev = DBP_INT(new_rev);
    }
}

static enum err
apply(struct ctx *c, const struct app_def *d, int64_t id, const struct rrow *live,
      const struct rrow *to, bool from_snapshot, const char *detail, int64_t *revision)
{
    json_t *data = merged(c, d, live, to);
    enum err e = rec_write_unique(c, d, id, data, "record");
    if (e != ERR_OK)
        return e;
    int64_t new_rev = live->revision + 1;
    struct db_param status_at, status_rev;
    status_visit(c, live, to, from_snapshot, new_rev, &status_at, &status_rev);
    char *text = json_dumps(data, JSON_COMPACT);
    char *asg = to->assignees ? json_dumps(to->assignees, JSON_COMPACT) : NULL;
    arena_defer(c->arena, free, text);
    if (asg)
        arena_defer(c->arena, free, asg);
    const char *wire = rec_render(c, d, id, new_rev, live->creator, live->created_at,
                                  c->who.login, c->now, data, to->status, to->assignees);
    struct db_param u[] = { DBP_INT(d->id),        DBP_INT(id),          DBP_INT(new_rev),
                            DBP_TEXT(text),        DBP_TEXT(c->who.login), DBP_INT(c->now),
                            DBP_TEXT(wire),        DBP_INT(d->render_rev), DBP_TEXT(to->status),
                            DBP_TEXT(asg),         status_at,            status_rev };
    int rc = db_exec(c->db, RST_SQL_WRITE, u, 12, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    e = rec_snapshot(c, d->id, id, new_rev, "restore", text, "", detail);
    if (e == ERR_OK)
        e = acl_bits_refresh(c, d, id);
    if (e == ERR_OK)
        e = search_index_record(c, d->id, id, d->props, data);
    if (e == ERR_OK && revision)
        *revision = new_rev;
    return e;
}

static const char *
backup_detail(struct ctx *c, const struct restore_src *s)
{
    json_t *j = json_pack("{s:s, s:I}", "backup", s->backup_id ? s->backup_id : "",
                          "takenAt", (json_int_t)s->taken_at);
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    arena_defer(c->arena, free, t);
    return t;
}

static enum err
load_live_app(struct ctx *c, int64_t app, struct app_def *d)
{
    enum err e = app_load(c, app, false, d);
    if (e == ERR_APP_NOT_FOUND || e == ERR_NOT_FOUND) {
        c->fail->code = ERR_OK;
        c->fail->message = NULL;
        return not_found(c, arena_printf(c->arena, "アプリ（id: %lld）が見つかりません。アプリごと復元してください。", (long long)app),
                         arena_printf(c->arena, "The app (ID: %lld) is not found: restore the whole app.", (long long)app));
    }
    return e;
}

static enum err
snap_target(struct ctx *c, const struct restore_src *s, int64_t app, int64_t id, struct rrow *to)
{
    enum err e = load_row(c, s->snap, app, id, to);
    if (e != ERR_OK)
        return e;
    if (!to->found)
        return not_found(c,
                         arena_printf(c->arena, "バックアップにレコード（アプリ %lld、id: %lld）がありません。",
                                      (long long)app, (long long)id),
                         arena_printf(c->arena, "The backup holds no record %lld of app %lld.",
                                      (long long)id, (long long)app));
    if (to->deleted)
        return not_found(c,
                         arena_printf(c->arena, "レコード（id: %lld）はバックアップの時点で削除されていました。",
                                      (long long)id),
                         arena_printf(c->arena, "The record (ID: %lld) was already deleted when the backup was taken.",
                                      (long long)id));
    return ERR_OK;
}

/* Keys of rows of one record in a table, as a set (object key → true). */
static json_t *
key_set(struct ctx *c, struct db *db, const char *sql, int64_t app, int64_t id)
{
    json_t *set = keep(c, json_object());
    struct db_param p[] = { DBP_INT(app), DBP_INT(id) };
    struct db_res *r = NULL;
    if (db_query(db, sql, p, 2, &r) != DB_OK)
        return set;
    while (db_step(r) == 1)
        json_object_set_new(set, db_col_text(r, 0), json_true());
    db_res_free(r);
    return set;
}

static int64_t
missing_count(struct ctx *c, const struct restore_src *s, const char *sql, int64_t app, int64_t id)
{
    json_t *in_snap = key_set(c, s->snap, sql, app, id), *in_live = key_set(c, c->db, sql, app, id);
    int64_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(in_snap, k, v)
    {
        if (!json_object_get(in_live, k))
            n++;
    }
    return n;
}

static json_t *
diff_json(struct ctx *c, const struct app_def *d, int64_t id, const struct rrow *live,
          const struct rrow *to)
{
    json_t *data = merged(c, d, live, to);
    json_t *fields = json_array();
    /* a preview shows only the values the caller may view (field permissions); the restore
     * itself puts every field back, and the count of hidden differences says so */
    const struct acl_fields *af = NULL;
    if (acl_fields_for(c, d, &af) != ERR_OK)
        af = NULL;
    int hidden = 0;
    const char *code;
    json_t *def;
    json_object_foreach(d->props, code, def)
    {
        json_t *from = live->found ? json_object_get(live->data, code) : NULL;
        json_t *now = json_object_get(data, code);
        if (same_json(from, now))
            continue;
        bool visible = af != NULL;
        for (int i = 0; af && i < af->nhidden; i++)
            if (strcmp(af->hidden[i], code) == 0)
                visible = false;
        if (!visible) {
            hidden++;
            continue;
        }
        const char *label = json_string_value(json_object_get(def, "label"));
        json_array_append_new(fields, json_pack("{s:s, s:s, s:O, s:O}", "code", code, "label",
                                                label ? label : code, "from",
                                                from ? from : json_null(), "to",
                                                now ? now : json_null()));
    }
    const char *state = !live->found     ? "absent_in_live"
                        : live->deleted ? "deleted_in_live"
                        : json_array_size(fields) || !same_str(live->status, to->status) ||
                                  !same_json(live->assignees, to->assignees)
                            ? "changed"
                            : "same";
    json_t *o = json_pack("{s:I, s:I, s:s, s:b, s:b, s:o}", "app", (json_int_t)d->id, "record",
                          (json_int_t)id, "state", state, "deletedInLive",
                          live->found && live->deleted, "absentInLive", !live->found, "fields",
                          fields);
    json_object_set_new(o, "hiddenFields", json_integer(hidden));
    json_object_set_new(o, "revision",
                        json_pack("{s:I, s:I}", "live", (json_int_t)(live->found ? live->revision : 0),
                                  "target", (json_int_t)to->revision));
    if (!same_str(live->status, to->status))
        json_object_set_new(o, "status", json_pack("{s:s?, s:s?}", "from", live->status, "to",
                                                   to->status));
    if (!same_json(live->assignees, to->assignees))
        json_object_set_new(o, "assignees",
                            json_pack("{s:O?, s:O?}", "from", live->assignees, "to", to->assignees));
    return o;
}

enum err
restore_record_preview(struct ctx *c, const struct restore_src *s, int64_t app, int64_t id,
                       json_t **out)
{
    struct app_def d;
    struct rrow live, to;
    enum err e = snap_target(c, s, app, id, &to);
    if (e == ERR_OK)
        e = load_live_app(c, app, &d);
    if (e == ERR_OK)
        e = load_row(c, c->db, app, id, &live);
    if (e != ERR_OK)
        return e;
    json_t *o = diff_json(c, &d, id, &live, &to);
    json_object_set_new(
        o, "commentsAdded",
        json_integer(missing_count(c, s,
                                   "SELECT CAST(id AS TEXT) FROM comments WHERE app_id = $1 AND "
                                   "record_id = $2 AND deleted_at IS NULL",
                                   app, id)));
    json_object_set_new(o, "filesAdded",
                        json_integer(missing_count(
                            c, s, "SELECT file_key FROM files WHERE app_id = $1 AND record_id = $2",
                            app, id)));
    int64_t blobs = 0;
    struct db_param p[] = { DBP_INT(app), DBP_INT(id) };
    e = ensure_blobs(c, s, "app_id = $1 AND record_id = $2", p, 2, &blobs, true);
    if (e != ERR_OK) {
        json_decref(o);
        return e;
    }
    json_object_set_new(o, "blobsMissing", json_integer(blobs));
    json_object_set_new(o, "backup", json_pack("{s:s, s:I}", "id", s->backup_id ? s->backup_id : "",
                                               "takenAt", (json_int_t)s->taken_at));
    *out = o;
    return ERR_OK;
}

enum err
restore_record(struct ctx *c, const struct restore_src *s, int64_t app, int64_t id,
               int64_t *revision)
{
    struct app_def d;
    struct rrow live, to;
    enum err e = snap_target(c, s, app, id, &to);
    if (e == ERR_OK)
        e = load_live_app(c, app, &d);
    if (e == ERR_OK)
        e = load_row(c, c->db, app, id, &live);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(app), DBP_INT(id) };
    if (!live.found) {
        /* its rows are gone: the backup's come back with their ids, then the restore revision */
        e = copy_missing(c, s->snap, "records", "app_id = $1 AND id = $2", p, 2, NULL);
        if (e == ERR_OK)
            e = load_row(c, c->db, app, id, &live);
        if (e != ERR_OK)
            return e;
    }
    e = copy_children(c, s, "app_id = $1 AND record_id = $2", p, 2, true);
    if (e != ERR_OK)
        return e;
    e = apply(c, &d, id, &live, &to, true, backup_detail(c, s), revision);
    if (e != ERR_OK)
        return e;
    audit_note(c, "restore",
               json_pack("{s:s, s:I, s:I, s:I, s:I}", "backup", s->backup_id ? s->backup_id : "",
                         "takenAt", (json_int_t)s->taken_at, "app", (json_int_t)app, "record",
                         (json_int_t)id, "revision", (json_int_t)*revision));
    return ERR_OK;
}

static enum err
revision_target(struct ctx *c, int64_t app, int64_t id, int64_t rev, struct rrow *live,
                struct rrow *to)
{
    enum err e = load_row(c, c->db, app, id, live);
    if (e != ERR_OK)
        return e;
    if (!live->found)
        return fail_set(c->fail, ERR_RECORD_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)id));
    memset(to, 0, sizeof(*to));
    struct db_param p[] = { DBP_INT(app), DBP_INT(id), DBP_INT(rev) };
    struct db_res *r = NULL;
    int rc = db_query(c->db, RST_SQL_REVISION, p, 3, &r);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if ((rc = db_step(r)) == 1) {
        to->found = true;
        to->revision = rev;
        to->data = parse(c, r, 0);
        to->status = db_col_null(r, 1) ? NULL : arena_strdup(c->arena, db_col_text(r, 1));
        to->assignees = parse(c, r, 2);
    }
    db_res_free(r);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (!to->found)
        return not_found(c,
                         arena_printf(c->arena, "レコード（id: %lld）に版 %lld はありません。",
                                      (long long)id, (long long)rev),
                         arena_printf(c->arena, "The record (ID: %lld) has no revision %lld.",
                                      (long long)id, (long long)rev));
    if (!json_is_object(to->data))
        to->data = keep(c, json_object());
    return ERR_OK;
}

enum err
restore_revision_preview(struct ctx *c, int64_t app, int64_t id, int64_t rev, json_t **out)
{
    struct app_def d;
    struct rrow live, to;
    enum err e = load_live_app(c, app, &d);
    if (e == ERR_OK)
        e = revision_target(c, app, id, rev, &live, &to);
    if (e != ERR_OK)
        return e;
    *out = diff_json(c, &d, id, &live, &to);
    return ERR_OK;
}

enum err
restore_revision(struct ctx *c, int64_t app, int64_t id, int64_t rev, int64_t *revision)
{
    struct app_def d;
    struct rrow live, to;
    enum err e = load_live_app(c, app, &d);
    if (e == ERR_OK)
        e = revision_target(c, app, id, rev, &live, &to);
    if (e != ERR_OK)
        return e;
    const char *detail = arena_printf(c->arena, "{\"to\":%lld}", (long long)rev);
    e = apply(c, &d, id, &live, &to, false, detail, revision);
    if (e != ERR_OK)
        return e;
    audit_note(c, "restore",
               json_pack("{s:I, s:I, s:I, s:I}", "app", (json_int_t)app, "record", (json_int_t)id,
                         "toRevision", (json_int_t)rev, "revision", (json_int_t)*revision));
    return ERR_OK;
}

/* ---- one app -------------------------------------------------------------------------------- */

struct app_row {
    bool found, deleted;
    const char *name, *description;
    json_t *live;
};

static enum err
load_app_row(struct ctx *c, struct db *db, int64_t app, struct app_row *a)
{
    memset(a, 0, sizeof(*a));
    struct db_param p[] = { DBP_INT(app) };
    struct db_res *r = NULL;
    int rc = db_query(db, RST_SQL_APP, p, 1, &r);
    if (rc != DB_OK)
        return db_err(c, db, rc);
    if ((rc = db_step(r)) == 1) {
        a->found = true;
        a->name = arena_strdup(c->arena, db_col_text(r, 0));
        a->description = arena_strdup(c->arena, db_col_text(r, 1));
        a->live = parse(c, r, 2);
        a->deleted = !db_col_null(r, 3);
    }
    db_res_free(r);
    return rc < 0 ? db_err(c, db, rc) : ERR_OK;
}

struct id_rev {
    int64_t id, revision;
    bool deleted;
};

static enum err
app_records(struct ctx *c, struct db *db, int64_t app, struct id_rev **out, size_t *n)
{
    struct db_param p[] = { DBP_INT(app) };
    struct db_res *r = NULL;
    int rc = db_query(db, RST_SQL_APP_RECORDS, p, 1, &r);
    if (rc != DB_OK)
        return db_err(c, db, rc);
    size_t cap = 256, k = 0;
    struct id_rev *v = arena_alloc(c->arena, cap * sizeof(*v));
    while ((rc = db_step(r)) == 1) {
        if (k == cap) {
            struct id_rev *w = arena_alloc(c->arena, 2 * cap * sizeof(*v));
            memcpy(w, v, cap * sizeof(*v));
            v = w;
            cap *= 2;
        }
        v[k].id = db_col_int(r, 0);
        v[k].revision = db_col_int(r, 1);
        v[k].deleted = !db_col_null(r, 2);
        k++;
    }
    db_res_free(r);
    if (rc < 0)
        return db_err(c, db, rc);
    *out = v;
    *n = k;
    return ERR_OK;
}

/* What the app restore does to each record, from the two id-ordered lists. */
enum rec_fate { FATE_SAME, FATE_CHANGED, FATE_ADDED, FATE_REMOVED, FATE_NONE };

struct fate {
    int64_t id;
    enum rec_fate fate;
    bool absent; /* no row in live at all */
};

static size_t
fates(struct ctx *c, const struct id_rev *s, size_t ns, const struct id_rev *l, size_t nl,
      struct fate **out)
{
    struct fate *f = arena_alloc(c->arena, (ns + nl + 1) * sizeof(*f));
    size_t i = 0, j = 0, k = 0;
    while (i < ns || j < nl) {
        if (j >= nl || (i < ns && s[i].id < l[j].id)) {
            /* only in the backup */
            f[k++] = (struct fate){ s[i].id, s[i].deleted ? FATE_NONE : FATE_ADDED, true };
            i++;
        } else if (i >= ns || l[j].id < s[i].id) {
            /* created after the backup */
            f[k++] = (struct fate){ l[j].id, l[j].deleted ? FATE_NONE : FATE_REMOVED, false };
            j++;
        } else {
            enum rec_fate x;
            if (s[i].deleted)
                x = l[j].deleted ? FATE_NONE : FATE_REMOVED;
            else if (l[j].deleted)
                x = FATE_ADDED;
            else
                x = s[i].revision == l[j].revision ? FATE_SAME : FATE_CHANGED;
            f[k++] = (struct fate){ s[i].id, x, false };
            i++;
            j++;
        }
    }
    *out = f;
    return k;
}

static json_t *
code_list(const json_t *a, const json_t *b, bool changed)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)a, k, v)
    {
        json_t *w = json_object_get(b, k);
        if (changed ? (w && !json_equal(v, w)) : !w)
            json_array_append_new(out, json_string(k));
    }
    return out;
}

static json_t *
definition_diff(const struct app_row *live, const struct app_row *snap, bool *changed)
{
    const json_t *lp = json_object_get(live->live, "properties"),
                 *sp = json_object_get(snap->live, "properties");
    *changed = !live->found || live->deleted || !same_json(live->live, snap->live) ||
               !same_str(live->name, snap->name) || !same_str(live->description, snap->description);
    json_t *o = json_pack("{s:b, s:b, s:o, s:o, s:o}", "changed", *changed, "deletedInLive",
                          !live->found || live->deleted, "fieldsAdded", code_list(sp, lp, false),
                          "fieldsRemoved", code_list(lp, sp, false), "fieldsChanged",
                          code_list(sp, lp, true));
    if (!same_str(live->name, snap->name))
        json_object_set_new(o, "name", json_pack("{s:s?, s:s?}", "from", live->name, "to", snap->name));
    return o;
}

static json_t *
counts_json(const struct fate *f, size_t n)
{
    int64_t k[5] = { 0 };
    for (size_t i = 0; i < n; i++)
        k[f[i].fate]++;
    return json_pack("{s:I, s:I, s:I, s:I}", "changed", (json_int_t)k[FATE_CHANGED], "added",
                     (json_int_t)k[FATE_ADDED], "removed", (json_int_t)k[FATE_REMOVED],
                     "unchanged", (json_int_t)k[FATE_SAME]);
}

static enum err
app_plan(struct ctx *c, const struct restore_src *s, int64_t app, struct app_row *la,
         struct app_row *sa, struct fate **f, size_t *nf)
{
    enum err e = load_app_row(c, s->snap, app, sa);
    if (e != ERR_OK)
        return e;
    if (!sa->found || sa->deleted)
        return not_found(c, arena_printf(c->arena, "バックアップにアプリ（id: %lld）がありません。", (long long)app),
                         arena_printf(c->arena, "The backup holds no app %lld.", (long long)app));
    e = load_app_row(c, c->db, app, la);
    struct id_rev *sv = NULL, *lv = NULL;
    size_t ns = 0, nl = 0;
    if (e == ERR_OK)
        e = app_records(c, s->snap, app, &sv, &ns);
    if (e == ERR_OK)
        e = app_records(c, c->db, app, &lv, &nl);
    if (e == ERR_OK)
        *nf = fates(c, sv, ns, lv, nl, f);
    return e;
}

enum err
restore_app_preview(struct ctx *c, const struct restore_src *s, int64_t app, json_t **out)
{
    struct app_row la, sa;
    struct fate *f = NULL;
    size_t nf = 0;
    enum err e = app_plan(c, s, app, &la, &sa, &f, &nf);
    if (e != ERR_OK)
        return e;
    bool changed;
    *out = json_pack("{s:I, s:o, s:o, s:{s:s, s:I}}", "app", (json_int_t)app, "definition",
                     definition_diff(&la, &sa, &changed), "records", counts_json(f, nf), "backup",
                     "id", s->backup_id ? s->backup_id : "", "takenAt", (json_int_t)s->taken_at);
    return ERR_OK;
}

static bool
has_unique(const struct app_def *d)
{
    const char *code;
    json_t *def;
    json_object_foreach(d->props, code, def)
    {
        if (json_is_true(json_object_get(def, "unique")))
            return true;
    }
    return false;
}

/* The definition as it was: written as the preview and deployed (which re-renders, migrates
 * values and re-evaluates permission bits as any deploy does). */
static enum err
restore_definition(struct ctx *c, const struct restore_src *s, int64_t app,
                   const struct app_row *la, const struct app_row *sa)
{
    struct db_param p[] = { DBP_INT(app) };
    int rc;
    if (!la->found) {
        enum err e = copy_missing(c, s->snap, "apps", "id = $1", p, 1, NULL);
        if (e == ERR_OK)
            e = copy_missing(c, s->snap, "app_seq", "app_id = $1", p, 1, NULL);
        return e;
    }
    char *text = json_dumps(sa->live, JSON_COMPACT);
    arena_defer(c->arena, free, text);
    struct db_param u[] = { DBP_INT(app),         DBP_TEXT(text),         DBP_TEXT(sa->name),
                            DBP_TEXT(sa->description), DBP_TEXT(c->who.login), DBP_INT(c->now) };
    rc = db_exec(c->db, RST_SQL_APP_DEFINE, u, 6, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    return app_deploy(c, app, NULL, false);
}

/* Record and row ids handed out after the restore stay above every restored one. */
static enum err
bump_seq(struct ctx *c, const struct restore_src *s, int64_t app)
{
    struct db_param p[] = { DBP_INT(app) };
    struct db_res *r = NULL;
    int rc = db_query(s->snap, RST_SQL_SEQ_GET, p, 1, &r);
    if (rc != DB_OK)
        return db_err(c, s->snap, rc);
    int64_t nr = 1, nw = 1;
    if ((rc = db_step(r)) == 1) {
        nr = db_col_int(r, 0);
        nw = db_col_int(r, 1);
    }
    db_res_free(r);
    if (rc < 0)
        return db_err(c, s->snap, rc);
    struct db_param q[] = { DBP_INT(app), DBP_INT(nr), DBP_INT(nw) };
    rc = db_exec(c->db, RST_SQL_SEQ_INSERT, q, 3, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, RST_SQL_SEQ_BUMP, q, 3, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

/* ---- the records of an app, a chunk at a time ------------------------------------------------
 * An app restore writes thousands of records: each statement below covers a chunk (one round
 * trip to PostgreSQL instead of one per record and table), with the same effect as apply(). */

#define CHUNK 200

struct work {
    int64_t id;
    enum rec_fate fate;
    struct rrow live, to;
    json_t *data;
    const char *text, *asg, *wire;
    int64_t new_rev;
    struct db_param status_at, status_rev;
};

/* rows of both databases in [lo, hi], matched to the chunk's entries by id */
static enum err
load_range(struct ctx *c, struct db *db, int64_t app, int64_t lo, int64_t hi, struct work *w,
           size_t n, bool live)
{
    struct db_param p[] = { DBP_INT(app), DBP_INT(lo), DBP_INT(hi) };
    struct db_res *res = NULL;
    int rc = db_query(db, RST_SQL_RECORD_RANGE, p, 3, &res);
    if (rc != DB_OK)
        return db_err(c, db, rc);
    size_t k = 0;
    while ((rc = db_step(res)) == 1) {
        int64_t id = db_col_int(res, 0);
        while (k < n && w[k].id < id)
            k++;
        if (k < n && w[k].id == id)
            fill_row(c, res, 1, live ? &w[k].live : &w[k].to);
    }
    db_res_free(res);
    return rc < 0 ? db_err(c, db, rc) : ERR_OK;
}

/* INSERT of rows × ncols values, many rows per statement. */
static int
insert_rows(struct ctx *c, const char *head, const char *tail, const struct db_param *v,
            int ncols, size_t rows)
{
    size_t per = (size_t)(2000 / ncols);
    for (size_t first = 0; first < rows; first += per) {
        size_t m = rows - first < per ? rows - first : per;
        struct strbuf sb;
        strbuf_init(&sb, c->arena, 0);
        strbuf_adds(&sb, head);
        for (size_t k = 0; k < m; k++) {
            strbuf_adds(&sb, k ? ",(" : "(");
            for (int i = 0; i < ncols; i++)
                strbuf_addf(&sb, i ? ",$%zu" : "$%zu", k * (size_t)ncols + (size_t)i + 1);
            strbuf_addc(&sb, ')');
        }
        strbuf_adds(&sb, tail);
        int rc = db_exec(c->db, sb.buf, v + first * (size_t)ncols, (int)(m * (size_t)ncols), NULL);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

struct pbuf {
    struct ctx *c;
    struct db_param *v;
    size_t n, cap;
    int64_t record_id;
    int64_t app_id;
};

static void
pbuf_add(struct pbuf *b, struct db_param p)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        struct db_param *v = arena_alloc(b->c->arena, cap * sizeof(*v));
        if (b->n)
            memcpy(v, b->v, b->n * sizeof(*v));
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = p;
}

static void
uniq_row(void *arg, const char *code, const char *value)
{
    struct pbuf *b = arg;
    pbuf_add(b, DBP_INT(b->app_id));
    pbuf_add(b, DBP_TEXT(arena_strdup(b->c->arena, code)));
    pbuf_add(b, DBP_TEXT(arena_strdup(b->c->arena, value)));
    pbuf_add(b, DBP_INT(b->record_id));
}

static bool
has_subtable(const struct app_def *d)
{
    const char *code;
    json_t *def;
    json_object_foreach(d->props, code, def)
    {
        const char *t = json_string_value(json_object_get(def, "type"));
        if (t && strcmp(t, "SUBTABLE") == 0)
            return true;
    }
    return false;
}

static enum err
search_chunk(struct ctx *c, const struct app_def *d, struct work *w, size_t n)
{
    if (db_kind(c->db) == DB_SQLITE || has_subtable(d)) {
        /* SQLite: no round trips to save; subtables: only search.c knows their text */
        for (size_t k = 0; k < n; k++) {
            if (!w[k].data)
                continue;
            enum err e = search_index_record(c, d->id, w[k].id, d->props, w[k].data);
            if (e != ERR_OK)
                return e;
        }
        return ERR_OK;
    }
    struct pbuf del = { .c = c }, ins = { .c = c };
    pbuf_add(&del, DBP_INT(d->id));
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, "DELETE FROM record_search WHERE app_id = $1 AND record_id IN (");
    for (size_t k = 0; k < n; k++) {
        if (!w[k].data)
            continue;
        pbuf_add(&del, DBP_INT(w[k].id));
        strbuf_addf(&sb, del.n > 2 ? ",$%zu" : "$%zu", del.n);
        const char *code;
        json_t *def;
        json_object_foreach(d->props, code, def)
        {
            const json_t *value = json_object_get(w[k].data, code);
            const char *t = value ? search_field_text(c->arena, def, value) : NULL;
            if (!t)
                continue;
            pbuf_add(&ins, DBP_INT(d->id));
            pbuf_add(&ins, DBP_INT(w[k].id));
            pbuf_add(&ins, DBP_TEXT(code));
            pbuf_add(&ins, DBP_TEXT(text_fold(c->arena, t, strlen(t))));
        }
    }
    strbuf_addc(&sb, ')');
    if (del.n == 1)
        return ERR_OK;
    int rc = db_exec(c->db, sb.buf, del.v, (int)del.n, NULL);
    if (rc == DB_OK && ins.n)
        rc = insert_rows(c, "INSERT INTO record_search (app_id, record_id, field, body) VALUES ",
                         "", ins.v, 4, ins.n / 4);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

/* PostgreSQL: every record of the chunk in one UPDATE ... FROM (VALUES ...). */
static int
update_chunk_pg(struct ctx *c, const struct app_def *d, struct work *w, size_t n)
{
    struct pbuf b = { .c = c };
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    pbuf_add(&b, DBP_INT(d->id));
    strbuf_adds(&sb, "UPDATE records AS r SET revision = v.rev, data = v.data::jsonb, "
                     "modifier = v.modifier, updated_at = v.upd, wire = v.wire, wire_rev = v.wrev, "
                     "status = v.status, assignees = v.asg, status_at = v.sat, status_rev = v.srev, "
                     "deleted_at = NULL FROM (VALUES ");
    int rows = 0;
    for (size_t k = 0; k < n; k++) {
        if (!w[k].data)
            continue;
        size_t p0 = b.n + 1;
        pbuf_add(&b, DBP_INT(w[k].id));
        pbuf_add(&b, DBP_INT(w[k].new_rev));
        pbuf_add(&b, DBP_TEXT(w[k].text));
        pbuf_add(&b, DBP_TEXT(c->who.login));
        pbuf_add(&b, DBP_INT(c->now));
        pbuf_add(&b, DBP_TEXT(w[k].wire));
        pbuf_add(&b, DBP_INT(d->render_rev));
        pbuf_add(&b, DBP_TEXT(w[k].to.status));
        pbuf_add(&b, DBP_TEXT(w[k].asg));
        pbuf_add(&b, w[k].status_at);
        pbuf_add(&b, w[k].status_rev);
        strbuf_addf(&sb,
                    "%s($%zu::bigint,$%zu::bigint,$%zu::text,$%zu::text,$%zu::bigint,$%zu::text,"
                    "$%zu::bigint,$%zu::text,$%zu::text,$%zu::bigint,$%zu::bigint)",
                    rows++ ? "," : "", p0, p0 + 1, p0 + 2, p0 + 3, p0 + 4, p0 + 5, p0 + 6, p0 + 7,
                    p0 + 8, p0 + 9, p0 + 10);
    }
    if (!rows)
        return DB_OK;
    strbuf_adds(&sb, ") AS v(id, rev, data, modifier, upd, wire, wrev, status, asg, sat, srev) "
                     "WHERE r.app_id = $1 AND r.id = v.id");
    return db_exec(c->db, sb.buf, b.v, (int)b.n, NULL);
}

static enum err
app_chunk(struct ctx *outer, const struct app_def *d, const struct restore_src *s,
          const struct fate *f, size_t nf, bool uniq, const char *detail)
{
    struct ctx cc = *outer;
    struct ctx *c = &cc;
    cc.arena = arena_new();
    enum err e = ERR_OK;
    struct work *w = arena_zalloc(c->arena, nf * sizeof(*w));
    size_t n = 0;
    for (size_t i = 0; i < nf; i++) {
        bool write = f[i].fate == FATE_CHANGED || f[i].fate == FATE_ADDED;
        if (write || (uniq && f[i].fate == FATE_SAME)) {
            w[n].id = f[i].id;
            w[n].fate = f[i].fate;
            n++;
        }
    }
    int rc = DB_OK;
    if (n == 0)
        goto done;
    int64_t lo = w[0].id, hi = w[n - 1].id;
    e = load_range(c, c->db, d->id, lo, hi, w, n, true);
    if (e == ERR_OK)
        e = load_range(c, s->snap, d->id, lo, hi, w, n, false);
    if (e != ERR_OK)
        goto done;
    struct pbuf uq = { .c = c, .app_id = d->id }, rv = { .c = c };
    for (size_t k = 0; k < n; k++) {
        struct work *x = &w[k];
        if (x->fate == FATE_SAME) {
            uq.record_id = x->id;
            value_unique_each(d->props, x->live.data, uniq_row, &uq);
            continue;
        }
        x->data = merged(c, d, &x->live, &x->to);
        x->new_rev = x->live.revision + 1;
        status_visit(c, &x->live, &x->to, true, x->new_rev, &x->status_at, &x->status_rev);
        x->text = json_dumps(x->data, JSON_COMPACT);
        arena_defer(c->arena, free, (void *)x->text);
        if (x->to.assignees) {
            x->asg = json_dumps(x->to.assignees, JSON_COMPACT);
            arena_defer(c->arena, free, (void *)x->asg);
        }
        x->wire = rec_render(c, d, x->id, x->new_rev, x->live.creator, x->live.created_at,
                             c->who.login, c->now, x->data, x->to.status, x->to.assignees);
        if (uniq) {
            uq.record_id = x->id;
            value_unique_each(d->props, x->data, uniq_row, &uq);
        }
        pbuf_add(&rv, DBP_INT(d->id));
        pbuf_add(&rv, DBP_INT(x->id));
        pbuf_add(&rv, DBP_INT(x->new_rev));
        pbuf_add(&rv, DBP_TEXT("restore"));
        pbuf_add(&rv, DBP_TEXT(c->who.login));
        pbuf_add(&rv, DBP_INT(c->now));
        pbuf_add(&rv, DBP_TEXT(x->text));
        pbuf_add(&rv, DBP_TEXT(""));
        pbuf_add(&rv, DBP_TEXT(detail));
        pbuf_add(&rv, DBP_TEXT(x->to.status));
        pbuf_add(&rv, DBP_TEXT(x->asg));
    }
    /* the app's unique index was emptied before the first chunk: a duplicate here is a value
     * two records hold in the restored state */
    if (uq.n) {
        rc = insert_rows(c, "INSERT INTO record_unique (app_id, field, value, record_id) VALUES ",
                         "", uq.v, 4, uq.n / 4);
        if (rc == DB_CONSTRAINT) {
            e = fail_set(outer->fail, ERR_UNIQUE, NULL);
            goto done;
        }
        if (rc != DB_OK)
            goto done;
    }
    if (db_kind(c->db) == DB_PG) {
        rc = update_chunk_pg(c, d, w, n);
    } else {
        for (size_t k = 0; rc == DB_OK && k < n; k++) {
            if (!w[k].data)
                continue;
            struct db_param u[] = { DBP_INT(d->id),          DBP_INT(w[k].id),
                                    DBP_INT(w[k].new_rev),   DBP_TEXT(w[k].text),
                                    DBP_TEXT(c->who.login),  DBP_INT(c->now),
                                    DBP_TEXT(w[k].wire),     DBP_INT(d->render_rev),
                                    DBP_TEXT(w[k].to.status), DBP_TEXT(w[k].asg),
                                    w[k].status_at,          w[k].status_rev };
            rc = db_exec(c->db, RST_SQL_WRITE, u, 12, NULL);
        }
    }
    if (rc == DB_OK && rv.n)
        rc = insert_rows(c,
                         "INSERT INTO record_revisions (app_id, record_id, revision, action, actor, "
                         "at, data, reason, detail, status, assignees) VALUES ",
                         "", rv.v, 11, rv.n / 11);
    if (rc != DB_OK)
        goto done;
    for (size_t k = 0; e == ERR_OK && k < n; k++)
        if (w[k].data)
            e = acl_bits_refresh(c, d, w[k].id);
    if (e == ERR_OK)
        e = search_chunk(c, d, w, n);
done:
    if (e == ERR_OK && rc != DB_OK)
        e = app_db_fail(outer, rc);
    arena_free(cc.arena);
    return e;
}

enum err
restore_app(struct ctx *c, const struct restore_src *s, int64_t app, json_t **summary)
{
    struct app_row la, sa;
    struct fate *f = NULL;
    size_t nf = 0;
    enum err e = app_plan(c, s, app, &la, &sa, &f, &nf);
    if (e != ERR_OK)
        return e;
    bool def_changed;
    keep(c, definition_diff(&la, &sa, &def_changed)); /* only whether it changed */
    struct db_param p[] = { DBP_INT(app) };
    if (def_changed) {
        e = restore_definition(c, s, app, &la, &sa);
        if (e != ERR_OK)
            return e;
    }
    struct app_def d;
    e = app_load(c, app, false, &d);
    if (e != ERR_OK)
        return e;
    /* created after the backup (or deleted in it): soft-deleted, so this too can be undone */
    for (size_t i = 0; i < nf; i++) {
        if (f[i].fate != FATE_REMOVED)
            continue;
        e = rec_delete(c, &d, f[i].id, -1, "record");
        if (e != ERR_OK)
            return e;
    }
    /* rows gone from live come back with their ids; then what the records carry */
    e = copy_missing(c, s->snap, "records", "app_id = $1 AND deleted_at IS NULL", p, 1, NULL);
    if (e == ERR_OK)
        e = copy_children(c, s, "app_id = $1", p, 1, false);
    for (size_t i = 0; e == ERR_OK && i < nf; i++) {
        if (!f[i].absent || f[i].fate != FATE_ADDED)
            continue;
        struct db_param q[] = { DBP_INT(app), DBP_INT(f[i].id) };
        e = copy_missing(c, s->snap, "record_revisions", "app_id = $1 AND record_id = $2", q, 2,
                         NULL);
    }
    if (e == ERR_OK)
        e = bump_seq(c, s, app);
    if (e != ERR_OK)
        return e;
    /* unique values may swap between records: the index is rebuilt from the final values */
    bool uniq = has_unique(&d);
    if (uniq) {
        int rc = db_exec(c->db, RST_SQL_UNIQUE_CLEAR, p, 1, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    const char *detail = backup_detail(c, s);
    for (size_t i = 0; i < nf; i += CHUNK) {
        e = app_chunk(c, &d, s, f + i, nf - i < CHUNK ? nf - i : CHUNK, uniq, detail);
        if (e != ERR_OK)
            return e;
    }
    json_t *sum = counts_json(f, nf);
    json_object_set_new(sum, "definition", json_boolean(def_changed));
    audit_note(c, "restore",
               json_pack("{s:s, s:I, s:I, s:O}", "backup", s->backup_id ? s->backup_id : "",
                         "takenAt", (json_int_t)s->taken_at, "app", (json_int_t)app, "records",
                         sum));
    *summary = sum;
    return ERR_OK;
}
