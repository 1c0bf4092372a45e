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

#include <stdio.h>
#include <string.h>

static struct {
    const char *dir, *tmpdir;
    const struct sec_key *bkey;
    restore_open_fn open;
    restore_close_fn close;
} cfg;

void
restore_api_configure(const char *dir, const struct sec_key *bkey, const char *tmpdir)
{
    cfg.dir = dir;
    cfg.bkey = bkey;
    cfg.tmpdir = tmpdir;
}

void
restore_api_set_opener(restore_open_fn open, restore_close_fn close)
{
    cfg.open = open;
    cfg.close = close;
}

/* PENDING: the archive opener (bk_reader_open) lands with the backup branch's backup_read.c */
static enum err
unknown_backup(struct fail *f, const char *id)
{
    char buf[700];
    snprintf(buf, sizeof(buf), "指定したバックアップ（%s）が見つかりません。 / The backup (%s) was not found.",
             id, id);
    return fail_with_message(f, ERR_NOT_FOUND, buf);
}

static enum err
archive_open(const char *id, struct restore_src *src, void **handle, struct fail *f)
{
    (void)src;
    (void)handle;
    return unknown_backup(f, id);
}

static void
archive_close(void *handle)
{
    (void)handle;
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
