/* Online restore (restore_api.h): body {"backup": id, "app": N, "record": M?} restores one
 * record or, without "record", the whole app as the backup holds it; {"app", "record",
 * "revision"} restores a record to a revision of its history. preview.json answers what would
 * change and writes nothing; restore.json runs in the route's one write transaction, so a
 * failure changes nothing. Who may: an app restore from a backup touches every record and the
 * definition, so only system administrators; a record restore needs the app's manage right
 * (app administrators), as settings and permissions do. */
#include "api/restore_api.h"

#include "api/api.h"
#include "api/common.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/app.h"
#include "jobs/backup_job.h"
#include "jobs/backup_read.h"
#include "sec/sec.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

static struct {
    const char *dir, *key_file, *tmpdir;
    restore_open_fn open;
    restore_close_fn close;
} cfg;

void
restore_api_configure(const char *dir, const char *key_file, const char *tmpdir)
{
    cfg.dir = dir;
    cfg.key_file = key_file;
    cfg.tmpdir = tmpdir;
}

void
restore_api_set_opener(restore_open_fn open, restore_close_fn close)
{
    cfg.open = open;
    cfg.close = close;
}

struct opened {
    struct sec_key *bkey;
    struct bk_reader *reader;
    struct db *snap;
};

static enum err
archive_blob(void *u, const char *hash, struct strbuf *out, struct fail *f)
{
    return bk_reader_blob(u, hash, out, f);
}

static enum err
unknown_backup(struct fail *f, const char *id)
{
    char buf[700];
    snprintf(buf, sizeof(buf), "指定したバックアップ（%s）が見つかりません。 / The backup (%s) was not found.",
             id, id);
    return fail_with_message(f, ERR_NOT_FOUND, buf);
}

/* An id is a file name of the backup directory, never a path. */
static bool
id_ok(const char *id)
{
    size_t n = strlen(id);
    return n > 0 && n < 200 && !strchr(id, '/') && !strchr(id, '\\') && id[0] != '.';
}

static void
archive_close(void *handle)
{
    struct opened *o = handle;
    if (!o)
        return;
    db_close(o->snap);
    bk_reader_close(o->reader);
    sec_key_free(o->bkey);
    free(o);
}

/* The backup key is read from its file for each restore, not kept in the server's memory. */
static enum err
archive_open(const char *id, struct restore_src *src, void **handle, struct fail *f)
{
    struct stat st;
    if (!cfg.dir || !cfg.key_file || !id_ok(id))
        return unknown_backup(f, id);
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", cfg.dir, id);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return unknown_backup(f, id);
    struct opened *o = xcalloc(1, sizeof(*o));
    enum err e = backup_key_load(cfg.key_file, &o->bkey, f);
    if (e == ERR_OK)
        e = bk_reader_open(path, o->bkey, cfg.tmpdir, &o->reader, f);
    char *err = NULL;
    if (e == ERR_OK && db_open(bk_reader_db_path(o->reader), &o->snap, &err) != DB_OK) {
        e = fail_with_message(f, ERR_INTERNAL,
                              "バックアップのデータベースを開けません。 / Cannot open the backup's database.");
        free(err);
    }
    if (e != ERR_OK) {
        archive_close(o);
        return e;
    }
    src->snap = o->snap;
    src->backup_id = bk_reader_id(o->reader);
    src->taken_at = bk_reader_taken_at(o->reader);
    src->fetch = archive_blob;
    src->fetch_arg = o->reader;
    *handle = o;
    return ERR_OK;
}

struct body {
    const char *backup;
    int64_t app, record, revision;
};

static enum err
read_body(struct req *r, json_t *p, struct body *b)
{
    memset(b, 0, sizeof(*b));
    const json_t *bk = json_object_get(p, "backup");
    if (bk && !json_is_null(bk)) {
        if (!json_is_string(bk) || !*json_string_value(bk))
            return api_param_error(r, "backup", MSG_BAD_TYPE, NULL);
        b->backup = json_string_value(bk);
    }
    enum err e = api_id(r, p, "app", &b->app);
    if (e != ERR_OK)
        return e;
    const json_t *rec = json_object_get(p, "record");
    if (rec && !json_is_null(rec) && (e = api_id(r, p, "record", &b->record)) != ERR_OK)
        return e;
    const json_t *rv = json_object_get(p, "revision");
    if (rv && !json_is_null(rv) && (e = api_id(r, p, "revision", &b->revision)) != ERR_OK)
        return e;
    if (b->revision && (b->backup || !b->record))
        return api_param_error(r, "revision", MSG_TEXT,
                               r->ctx.lang == LANG_EN
                                   ? "A revision goes with a record and without a backup."
                                   : "版はレコードとともに、バックアップなしで指定してください。");
    if (!b->revision && !b->backup)
        return api_param_error(r, "backup", MSG_REQUIRED, NULL);
    return ERR_OK;
}

/* Rights first (before telling whether a backup or record exists). */
static enum err
check_rights(struct req *r, const struct body *b)
{
    struct ctx *c = &r->ctx;
    if (c->who.is_admin && c->who.kind == PRIN_USER)
        return ERR_OK;
    if (!b->record)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    return acl_app(c, b->app, ACL_MANAGE);
}

static enum err
run(struct req *r, json_t *p, bool write)
{
    struct body b;
    enum err e = read_body(r, p, &b);
    if (e == ERR_OK)
        e = check_rights(r, &b);
    if (e != ERR_OK)
        return e;
    struct ctx *c = &r->ctx;
    c->audit_action = b.record ? (write ? "record.restore" : "record.restore.preview")
                               : (write ? "app.restore" : "app.restore.preview");
    c->audit_target = b.record ? arena_printf(c->arena, "app:%lld/record:%lld", (long long)b.app,
                                              (long long)b.record)
                               : arena_printf(c->arena, "app:%lld", (long long)b.app);
    json_t *out = NULL;
    int64_t rev = 0;
    if (b.revision) {
        e = write ? restore_revision(c, b.app, b.record, b.revision, &rev)
                  : restore_revision_preview(c, b.app, b.record, b.revision, &out);
        if (e != ERR_OK)
            return e;
        return api_json(r, write ? json_pack("{s:s}", "revision", api_i64(r, rev)) : out);
    }
    struct restore_src src;
    memset(&src, 0, sizeof(src));
    void *handle = NULL;
    restore_close_fn close = cfg.open ? cfg.close : archive_close;
    e = (cfg.open ? cfg.open : archive_open)(b.backup, &src, &handle, c->fail);
    if (e != ERR_OK)
        return e;
    if (b.record)
        e = write ? restore_record(c, &src, b.app, b.record, &rev)
                  : restore_record_preview(c, &src, b.app, b.record, &out);
    else
        e = write ? restore_app(c, &src, b.app, &out) : restore_app_preview(c, &src, b.app, &out);
    close(handle);
    if (e != ERR_OK)
        return e;
    if (write && b.record)
        out = json_pack("{s:s}", "revision", api_i64(r, rev));
    return api_json(r, out);
}

enum err
api_restore_preview(struct req *r, json_t *p)
{
    return run(r, p, false);
}

enum err
api_restore_post(struct req *r, json_t *p)
{
    return run(r, p, true);
}
