/* snapshot: the whole database as one SQLite file (see snapshot.h). Rows are copied generically,
 * table by table, with the column list of the snapshot's own (SQLite) schema and each value's
 * storage class (db_col_type), so one code path serves both backends in both directions. */
#include "snapshot.h"

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/strbuf.h"
#include "../db/db.h"
#include "../domain/search.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void (*snap_test_hook)(void *) = NULL;
void *snap_test_arg = NULL;

/* Every table of src/db/migrations/ (0001..0014) in foreign-key order (parents first). Left out,
 * on purpose:
 *  - sessions, applicant_sessions: login state. Restoring them would bring back sessions that
 *    were logged out or revoked since the backup, and they carry bearer secrets that should not
 *    sit in an archive kept for years; after a whole restore everyone logs in again.
 *  - cursors, cursor_rows: REST cursors live minutes and point at query results of the moment.
 *  - schema_version: written by db_migrate; sqlite_sequence: SQLite's own.
 * audit_log, audit_head and audit_checkpoints travel together, so the chain verifies after a
 * restore. record_search (the search index) travels too, so search works at once. mail_outbox
 * travels as history; a whole restore may send again what was still queued when it was taken.
 * tests/api/test_api_snapshot.c fails when a migration adds a table that is in neither list. */
static const char *const tables[] = {
    "users", "apps", "app_seq", "records", "record_revisions", "record_unique", "record_search",
    "api_tokens", "blobs", "files", "comments", "settings", "orgs", "user_groups", "org_members",
    "group_members", "password_history", "recovery_codes", "security_events", "wf_approvals",
    "opinions", "inbox", "wf_rule_runs", "sequences", "audit_log", "audit_head",
    "audit_checkpoints", "calendar_days", "calendar_rev", "mail_outbox", "applicants",
    "applicant_codes", "forms", "form_versions", "form_drafts", "form_draft_files",
    "record_owners", "record_messages", "record_documents", "doc_templates",
    "doc_template_versions",
};

/* Transient tables: not in a snapshot, but emptied by an import (their rows point at users and
 * applicants the import replaces). */
static const char *const transient[] = { "cursor_rows", "cursors", "applicant_sessions",
                                         "sessions" };

const char *const *
snap_tables(size_t *n)
{
    *n = sizeof(tables) / sizeof(tables[0]);
    return tables;
}

static const char *const *
snap_transient_tables(size_t *n)
{
    *n = sizeof(transient) / sizeof(transient[0]);
    return transient;
}

static enum err
db_fail(struct fail *f, struct db *db, const char *what)
{
    char buf[900];
    snprintf(buf, sizeof(buf), "スナップショット: %s に失敗しました（%s）。 / snapshot: %s failed (%s).",
             what, db_errmsg(db), what, db_errmsg(db));
    return fail_with_message(f, ERR_INTERNAL, buf);
}

/* Column names of table t in the snapshot (SQLite) schema, comma-separated, and their count. */
static enum err
columns_of(struct db *snap, const char *t, struct arena *a, char **cols, int *ncols,
           struct fail *f)
{
    struct db_res *r = NULL;
    char *sql = arena_printf(a, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", t);
    if (db_query(snap, sql, NULL, 0, &r) != DB_OK)
        return db_fail(f, snap, t);
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    int n = 0, rc;
    while ((rc = db_step(r)) == 1) {
        if (n++)
            strbuf_addc(&sb, ',');
        strbuf_addf(&sb, "\"%s\"", db_col_text(r, 0));
    }
    db_res_free(r);
    if (rc < 0)
        return db_fail(f, snap, t);
    if (n == 0) {
        char buf[300];
        snprintf(buf, sizeof(buf), "表 %s がありません。 / table %s is missing.", t, t);
        return fail_with_message(f, ERR_INTERNAL, buf);
    }
    *cols = sb.buf;
    *ncols = n;
    return ERR_OK;
}

static char *
placeholders(struct arena *a, int n)
{
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    for (int i = 1; i <= n; i++)
        strbuf_addf(&sb, i > 1 ? ",$%d" : "$%d", i);
    return sb.buf;
}

/* Copies rows of SELECT src_sql on src into dst with ins_sql; blob_col (or -1) is written NULL. */
static enum err
copy_rows(struct db *src, const char *src_sql, struct db *dst, const char *ins_sql, int ncols,
          int null_col, int64_t *copied, struct fail *f)
{
    struct db_res *r = NULL;
    struct db_param *p = xcalloc((size_t)ncols, sizeof(*p));
    enum err e = ERR_OK;
    int64_t n = 0;
    if (db_query(src, src_sql, NULL, 0, &r) != DB_OK) {
        e = db_fail(f, src, src_sql);
        goto done;
    }
    int rc;
    while ((rc = db_step(r)) == 1) {
        for (int c = 0; c < ncols; c++) {
            enum db_type t = c == null_col ? DB_T_NULL : db_col_type(r, c);
            switch (t) {
            case DB_T_INT: p[c] = DBP_INT(db_col_int(r, c)); break;
            case DB_T_REAL: p[c] = DBP_REAL(db_col_real(r, c)); break;
            case DB_T_TEXT: {
                size_t len = db_col_len(r, c);
                /* an empty text: DBP_TEXTN with n 0 would mean strlen, which is 0 too */
                p[c] = DBP_TEXTN(db_col_text(r, c), len);
                break;
            }
            case DB_T_BLOB: p[c] = DBP_BLOB(db_col_blob(r, c), db_col_len(r, c)); break;
            default: p[c] = DBP_NULL;
            }
        }
        if (db_exec(dst, ins_sql, p, ncols, NULL) != DB_OK) {
            e = db_fail(f, dst, ins_sql);
            goto done;
        }
        n++;
    }
    if (rc < 0)
        e = db_fail(f, src, src_sql);
done:
    db_res_free(r);
    free(p);
    *copied = n;
    return e;
}

/* Index of column "data" in the blobs column list (its contents never travel). */
static int
blob_data_col(const char *t, const char *cols)
{
    if (strcmp(t, "blobs") != 0)
        return -1;
    int i = 0;
    for (const char *s = cols; *s; i++) {
        if (strncmp(s, "\"data\"", 6) == 0)
            return i;
        s = strchr(s, ',');
        if (!s)
            break;
        s++;
    }
    return -1;
}

/* The snapshot side writes in its own transaction opened with a plain BEGIN: db_begin(write)
 * would take the in-process SQLite writers' queue, which live's writers share, and they must go
 * on while an export runs. Nobody else knows the file yet. */
static enum err
fill(struct db *live, struct db *snap, struct arena *a, struct snap_count *counts,
     struct fail *f)
{
    size_t nt;
    snap_tables(&nt);
    for (size_t i = 0; i < nt; i++) {
        const char *t = tables[i];
        char *cols;
        int ncols;
        enum err e = columns_of(snap, t, a, &cols, &ncols, f);
        if (e != ERR_OK)
            return e;
        /* migrations seed some rows (audit_head, calendar_rev...): the copy replaces them */
        if (db_exec(snap, arena_printf(a, "DELETE FROM \"%s\"", t), NULL, 0, NULL) != DB_OK)
            return db_fail(f, snap, t);
        char *sel = arena_printf(a, "SELECT %s FROM \"%s\"", cols, t);
        char *ins = arena_printf(a, "INSERT INTO \"%s\" (%s) VALUES (%s)", t, cols,
                                 placeholders(a, ncols));
        e = copy_rows(live, sel, snap, ins, ncols, blob_data_col(t, cols), &counts[i].rows, f);
        if (e != ERR_OK)
            return e;
        counts[i].table = t;
        if (i == 0 && snap_test_hook)
            snap_test_hook(snap_test_arg);
    }
    return ERR_OK;
}

enum err
snap_export(struct db *live, const char *path, struct arena *a, struct snap_count **counts,
            size_t *ncounts, struct fail *f)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        char buf[600];
        snprintf(buf, sizeof(buf), "%s は既にあります。 / %s exists already.", path, path);
        return fail_with_message(f, ERR_INVALID, buf);
    }
    int live_v = 0;
    if (db_schema_version(live, &live_v) != DB_OK)
        return db_fail(f, live, "schema_version");
    if (live_v != db_schema_latest())
        return fail_with_message(f, ERR_INTERNAL,
                                 "データベースが移行されていません。 / The database is not migrated.");
    char *tmp = arena_printf(a, "%s.tmp", path);
    unlink(tmp);
    struct db *snap = NULL;
    char *err = NULL;
    enum err e = ERR_OK;
    bool live_tx = false, snap_tx = false;
    size_t nt;
    snap_tables(&nt);
    struct snap_count *c = arena_zalloc(a, nt * sizeof(*c));
    if (db_open(tmp, &snap, &err) != DB_OK || db_migrate(snap, &err) != DB_OK ||
        db_exec_script(snap, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF;") != DB_OK) {
        char buf[900];
        snprintf(buf, sizeof(buf), "スナップショットを作成できません: %s / cannot create the snapshot: %s",
                 err ? err : snap ? db_errmsg(snap) : "", err ? err : snap ? db_errmsg(snap) : "");
        free(err);
        e = fail_with_message(f, ERR_INTERNAL, buf);
        goto fail;
    }
    if (db_begin(live, false) != DB_OK) {
        e = db_fail(f, live, "BEGIN");
        goto fail;
    }
    live_tx = true;
    if (db_kind(live) == DB_PG &&
        (db_exec(live, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", NULL, 0,
                 NULL) != DB_OK ||
         db_exec(live, "SET LOCAL statement_timeout = 0", NULL, 0, NULL) != DB_OK)) {
        e = db_fail(f, live, "SET TRANSACTION");
        goto fail;
    }
    if (db_exec(snap, "BEGIN", NULL, 0, NULL) != DB_OK) {
        e = db_fail(f, snap, "BEGIN");
        goto fail;
    }
    snap_tx = true;
    e = fill(live, snap, a, c, f);
    if (e != ERR_OK)
        goto fail;
    if (db_exec(snap, "COMMIT", NULL, 0, NULL) != DB_OK) {
        e = db_fail(f, snap, "COMMIT");
        goto fail;
    }
    snap_tx = false;
    db_rollback(live); /* read only */
    live_tx = false;
    db_close(snap);
    snap = NULL;
    if (rename(tmp, path) != 0) {
        char buf[600];
        snprintf(buf, sizeof(buf), "%s: %s", path, strerror(errno));
        e = fail_with_message(f, ERR_INTERNAL, buf);
        goto fail;
    }
    *counts = c;
    *ncounts = nt;
    return ERR_OK;
fail:
    if (snap_tx)
        db_exec(snap, "ROLLBACK", NULL, 0, NULL);
    if (live_tx)
        db_rollback(live);
    db_close(snap);
    unlink(tmp);
    return e;
}

/* Opens a snapshot file that must exist (db_open would create an empty one). */
static enum err
open_existing(const char *path, struct db **out, struct fail *f)
{
    struct stat st;
    char *err = NULL;
    if (stat(path, &st) != 0 || db_open(path, out, &err) != DB_OK) {
        char buf[900];
        snprintf(buf, sizeof(buf), "スナップショット %s を開けません。 / cannot open the snapshot %s. %s",
                 path, path, err ? err : "");
        free(err);
        return fail_with_message(f, ERR_INVALID, buf);
    }
    return ERR_OK;
}

enum err
snap_count_rows(const char *path, struct arena *a, struct snap_count **counts, size_t *ncounts,
                struct fail *f)
{
    struct db *snap = NULL;
    enum err e = open_existing(path, &snap, f);
    if (e != ERR_OK)
        return e;
    size_t nt;
    snap_tables(&nt);
    struct snap_count *c = arena_zalloc(a, nt * sizeof(*c));
    for (size_t i = 0; i < nt; i++) {
        bool found = false;
        c[i].table = tables[i];
        char *sql = arena_printf(a, "SELECT COUNT(*) FROM \"%s\"", tables[i]);
        if (db_query_int(snap, sql, NULL, 0, &c[i].rows, &found) != DB_OK) {
            e = db_fail(f, snap, tables[i]);
            break;
        }
    }
    db_close(snap);
    if (e != ERR_OK)
        return e;
    *counts = c;
    *ncounts = nt;
    return ERR_OK;
}

/* Moves every serial/identity sequence of the imported tables past the largest id. */
static enum err
fix_sequences(struct db *live, struct arena *a, struct fail *f)
{
    struct db_res *r = NULL;
    const char *q = "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() "
                    "AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')";
    if (db_query(live, q, NULL, 0, &r) != DB_OK)
        return db_fail(f, live, "sequences");
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    int rc;
    while ((rc = db_step(r)) == 1) {
        const char *t = db_col_text(r, 0), *c = db_col_text(r, 1);
        strbuf_addf(&sb,
                    "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), "
                    "COALESCE((SELECT MAX(\"%s\") FROM \"%s\"), 0) + 1, false);",
                    t, c, c, t);
    }
    db_res_free(r);
    if (rc < 0)
        return db_fail(f, live, "sequences");
    if (sb.len && db_exec_script(live, sb.buf) != DB_OK)
        return db_fail(f, live, "setval");
    return ERR_OK;
}

/* An older snapshot is migrated forward on a private copy, so the rows match this schema. */
static enum err
copy_file(const char *from, const char *to, struct fail *f)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    bool ok = in && out;
    while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok)
        return fail_with_message(f, ERR_INTERNAL,
                                 "スナップショットを複製できません。 / cannot copy the snapshot.");
    return ERR_OK;
}

/* SQLite finds a record's search rows by rowid (search.c): whatever the snapshot's rowids
 * (a PostgreSQL snapshot has none), rows go back at the rowids search_index_record uses. */
static enum err
import_search_sqlite(struct db *live, struct db *snap, struct fail *f)
{
    struct db_res *r = NULL;
    if (db_query(snap,
                 "SELECT app_id, record_id, field, body FROM record_search "
                 "ORDER BY app_id, record_id, rowid",
                 NULL, 0, &r) != DB_OK)
        return db_fail(f, snap, "record_search");
    int64_t app = -1, rec = -1;
    int n = 0, rc;
    while ((rc = db_step(r)) == 1) {
        int64_t a = db_col_int(r, 0), id = db_col_int(r, 1);
        if (a != app || id != rec) {
            app = a;
            rec = id;
            n = 0;
        }
        struct db_param p[] = { DBP_INT(search_sqlite_rowid(a, id, n++)), DBP_INT(a), DBP_INT(id),
                                DBP_TEXT(db_col_text(r, 2)), DBP_TEXT(db_col_text(r, 3)) };
        if (db_exec(live,
                    "INSERT INTO record_search (rowid, app_id, record_id, field, body) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    p, 5, NULL) != DB_OK) {
            db_res_free(r);
            return db_fail(f, live, "record_search");
        }
    }
    db_res_free(r);
    return rc < 0 ? db_fail(f, snap, "record_search") : ERR_OK;
}

static enum err
import_rows(struct db *live, struct db *snap, struct arena *a, struct fail *f)
{
    size_t nt, ntr;
    snap_tables(&nt);
    snap_transient_tables(&ntr);
    if (db_kind(live) == DB_SQLITE &&
        db_exec(live, "PRAGMA defer_foreign_keys = ON", NULL, 0, NULL) != DB_OK)
        return db_fail(f, live, "defer_foreign_keys");
    if (db_kind(live) == DB_PG &&
        db_exec(live, "SET LOCAL statement_timeout = 0", NULL, 0, NULL) != DB_OK)
        return db_fail(f, live, "statement_timeout");
    if (db_kind(live) == DB_PG) {
        /* one TRUNCATE of every table at once: foreign keys between them are satisfied, and it
         * is far quicker than DELETE (still transactional on PostgreSQL) */
        struct strbuf sb;
        strbuf_init(&sb, a, 0);
        strbuf_adds(&sb, "TRUNCATE ");
        for (size_t i = 0; i < ntr; i++)
            strbuf_addf(&sb, "\"%s\", ", transient[i]);
        for (size_t i = 0; i < nt; i++)
            strbuf_addf(&sb, i ? ", \"%s\"" : "\"%s\"", tables[i]);
        if (db_exec(live, sb.buf, NULL, 0, NULL) != DB_OK)
            return db_fail(f, live, "TRUNCATE");
    } else {
        for (size_t i = 0; i < ntr; i++)
            if (db_exec(live, arena_printf(a, "DELETE FROM \"%s\"", transient[i]), NULL, 0,
                        NULL) != DB_OK)
                return db_fail(f, live, transient[i]);
        for (size_t i = nt; i-- > 0;)
            if (db_exec(live, arena_printf(a, "DELETE FROM \"%s\"", tables[i]), NULL, 0, NULL) !=
                DB_OK)
                return db_fail(f, live, tables[i]);
    }
    for (size_t i = 0; i < nt; i++) {
        if (db_kind(live) == DB_SQLITE && strcmp(tables[i], "record_search") == 0) {
            enum err e = import_search_sqlite(live, snap, f);
            if (e != ERR_OK)
                return e;
            continue;
        }
        char *cols;
        int ncols;
        enum err e = columns_of(snap, tables[i], a, &cols, &ncols, f);
        if (e != ERR_OK)
            return e;
        /* rowid order: parents (orgs before their children) were created first */
        char *sel = arena_printf(a, "SELECT %s FROM \"%s\" ORDER BY rowid", cols, tables[i]);
        char *ins = arena_printf(a, "INSERT INTO \"%s\" (%s) VALUES (%s)", tables[i], cols,
                                 placeholders(a, ncols));
        int64_t n;
        e = copy_rows(snap, sel, live, ins, ncols, blob_data_col(tables[i], cols), &n, f);
        if (e != ERR_OK)
            return e;
    }
    if (db_kind(live) == DB_PG)
        return fix_sequences(live, a, f);
    return ERR_OK;
}

enum err
snap_import(struct db *live, const char *snap_path, struct fail *f)
{
    struct arena *a = arena_new();
    struct db *snap = NULL;
    char *copy = NULL;
    int v = 0;
    enum err e = open_existing(snap_path, &snap, f);
    if (e != ERR_OK)
        goto done;
    if (db_schema_version(snap, &v) != DB_OK) {
        e = db_fail(f, snap, "schema_version");
        goto done;
    }
    if (v > db_schema_latest()) {
        char buf[400];
        snprintf(buf, sizeof(buf),
                 "このバックアップはより新しい版のスキーマ（%d、この版は%d）で作成されています。新しい版で復元してください。"
                 " / The backup has a newer schema (%d; this binary has %d): restore with a newer version.",
                 v, db_schema_latest(), v, db_schema_latest());
        e = fail_with_message(f, ERR_INVALID, buf);
        goto done;
    }
    if (v < db_schema_latest()) {
        db_close(snap);
        snap = NULL;
        copy = arena_printf(a, "%s.migrate.%ld", snap_path, (long)getpid());
        e = copy_file(snap_path, copy, f);
        char *err = NULL;
        if (e == ERR_OK && (db_open(copy, &snap, &err) != DB_OK || db_migrate(snap, &err) != DB_OK)) {
            char buf[900];
            snprintf(buf, sizeof(buf), "スナップショットを移行できません: %s / cannot migrate the snapshot: %s",
                     err ? err : "", err ? err : "");
            e = fail_with_message(f, ERR_INTERNAL, buf);
        }
        free(err);
        if (e != ERR_OK)
            goto done;
    }
    if (db_begin(live, true) != DB_OK) {
        e = db_fail(f, live, "BEGIN");
        goto done;
    }
    e = import_rows(live, snap, a, f);
    if (e == ERR_OK && db_commit(live) != DB_OK)
        e = db_fail(f, live, "COMMIT");
    if (e != ERR_OK)
        db_rollback(live);
done:
    db_close(snap);
    if (copy)
        unlink(copy);
    arena_free(a);
    return e;
}
