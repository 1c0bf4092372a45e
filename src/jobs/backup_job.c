/* backup_job: see backup_job.h. */
#include "jobs/backup_job.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/outbox.h"
#include "jobs/backup_int.h"
#include "sec/sec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKUP_SQL_ADMIN_MAILS                                                                     \
    "SELECT email FROM users WHERE is_admin = 1 AND disabled = 0 AND email <> '' ORDER BY id"

enum err
backup_key_load(const char *path, struct sec_key **out, struct fail *f)
{
    *out = NULL;
    if (!path || !*path)
        return fail_with_message(f, ERR_INVALID,
                                 "バックアップ鍵が指定されていません（--key-file または [backup] "
                                 "key_file）。 / No backup key given (--key-file or [backup] "
                                 "key_file).");
    if (access(path, F_OK) != 0)
        return fail_with_message(
            f, ERR_INVALID,
            arena_printf(f->arena,
                         "バックアップ鍵 %s がありません（madoguchi backup keygen --key-file %s で"
                         "作れます）。 / The backup key %s does not exist (create it with "
                         "madoguchi backup keygen --key-file %s).",
                         path, path, path, path));
    if (sec_key_load(path, false, out) != ERR_OK)
        return fail_with_message(
            f, ERR_INVALID,
            arena_printf(f->arena,
                         "バックアップ鍵 %s を読めません（32 バイト、所有者だけが読める 0600 の"
                         "ファイル）。 / Cannot read the backup key %s (32 bytes, mode 0600).",
                         path, path));
    return ERR_OK;
}

static int
copy_file(const char *from, const char *dir, const char *name)
{
    char tmp[4200], dst[4200];
    snprintf(dst, sizeof(dst), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    mkdir(dir, 0700);
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return -1;
    }
    char *buf = xmalloc(1 << 20);
    ssize_t r;
    bool ok = true;
    while ((r = read(in, buf, 1 << 20)) > 0) {
        char *p = buf;
        while (r > 0) {
            ssize_t w = write(out, p, (size_t)r);
            if (w <= 0) {
                ok = false;
                break;
            }
            p += w;
            r -= w;
        }
        if (!ok)
            break;
    }
    free(buf);
    ok = ok && r == 0 && fsync(out) == 0;
    ok = close(out) == 0 && ok;
    close(in);
    if (!ok || rename(tmp, dst) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Audit entry and, on failure, mail to the administrators: one transaction. */
static void
report(struct ctx *c, const char *id, bool ok, const char *error, json_t *st)
{
    if (db_begin(c->db, true) != DB_OK) {
        log_error("backup: cannot record the outcome: %s", db_errmsg(c->db));
        return;
    }
    char *detail = json_dumps(st, JSON_COMPACT);
    struct fail f;
    fail_init(&f, c->arena, LANG_JA);
    struct fail *saved = c->fail;
    c->fail = &f;
    enum err e = audit_add(c, "backup.run", id ? arena_printf(c->arena, "backup:%s", id) : "backup",
                           ok ? "ok" : "error", detail);
    free(detail);
    if (e == ERR_OK && !ok) {
        struct db_res *res = NULL;
        char **to = NULL;
        size_t n = 0;
        if (db_query(c->db, BACKUP_SQL_ADMIN_MAILS, NULL, 0, &res) == DB_OK) {
            while (db_step(res) == 1) {
                to = realloc(to, (n + 1) * sizeof(*to));
                to[n++] = arena_strdup(c->arena, db_col_text(res, 0));
            }
            db_res_free(res);
        }
        const char *body = arena_printf(
            c->arena,
            "madoguchi のバックアップに失敗しました。\n\n%s\n\n"
            "管理 → バックアップ の画面、または madoguchi backup list で状況を確認し、"
            "docs/backup-restore.md の手順で対応してください。\n\n"
            "A madoguchi backup failed. See the message above, 管理 → バックアップ (or "
            "madoguchi backup list) and docs/backup-restore.md.\n",
            error ? error : "?");
        for (size_t i = 0; i < n && e == ERR_OK; i++) {
            struct outbox_msg m = { .to = to[i],
                                    .subject = "【madoguchi】バックアップに失敗しました / Backup failed",
                                    .body = body, .kind = "backup_failed", .ref = "backup" };
            e = outbox_add(c, &m, NULL);
        }
        free(to);
    }
    c->fail = saved;
    if (e != ERR_OK || db_commit(c->db) != DB_OK) {
        log_error("backup: cannot record the outcome: %s", f.message ? f.message : db_errmsg(c->db));
        db_rollback(c->db);
    }
}

enum err
backup_job_run(struct ctx *c, const struct backup_job *j, struct backup_result *res)
{
    memset(res, 0, sizeof(*res));
    int64_t t0 = clock_now_ms();
    struct sec_key *bkey = NULL;
    const char *dir = j->dir;
    if (j->out) {
        char *d = bk_dirname(j->out);
        dir = arena_strdup(c->arena, d);
        free(d);
    }
    bool written = false, verified = false;
    enum err e = backup_key_load(j->key_file, &bkey, c->fail);
    if (e == ERR_OK) {
        struct backup_opts o = { .dir = dir, .out = j->out, .bkey = bkey, .master = j->master };
        memcpy(o.settings, j->settings, sizeof(o.settings));
        e = backup_run(c, &o, res);
        written = e == ERR_OK;
        res->backup_ms = clock_now_ms() - t0;
    }
    if (e == ERR_OK) {
        struct backup_verify_result vr;
        e = backup_verify(res->path, bkey, j->master, dir, &vr, c->fail);
        json_decref(vr.counts);
        verified = e == ERR_OK;
        res->verify_ms = clock_now_ms() - t0 - res->backup_ms;
    }
    int deleted = 0, copy_deleted = 0;
    bool copied = false;
    if (e == ERR_OK) {
        if (retention_apply(dir, &j->keep, &deleted) < 0)
            log_warn("backup: cannot apply retention in %s", dir);
        if (j->copy_to && *j->copy_to) {
            if (copy_file(res->path, j->copy_to, res->id) == 0) {
                copied = true;
                retention_apply(j->copy_to, &j->keep, &copy_deleted);
            } else {
                log_error("backup: cannot copy %s to %s: %s", res->path, j->copy_to, strerror(errno));
                e = fail_with_message(
                    c->fail, ERR_INTERNAL,
                    arena_printf(c->arena,
                                 "バックアップ %s を %s にコピーできません。 / Cannot copy %s to %s.",
                                 res->id, j->copy_to, res->id, j->copy_to));
            }
        }
    }
    const char *error = e == ERR_OK ? NULL : c->fail->message ? c->fail->message : err_code(e);
    json_t *st = json_pack("{s:s? s:s? s:I s:I s:s s:b s:s? s:I s:I s:I s:i s:b}", "id", res->id,
                           "path", res->path, "taken_at", (json_int_t)c->now, "size",
                           (json_int_t)res->size, "status", e == ERR_OK ? "ok" : "failed",
                           "verified", verified, "error", error, "blobs_total",
                           (json_int_t)res->blobs_total, "blobs_new", (json_int_t)res->blobs_new,
                           "duration_ms", (json_int_t)(clock_now_ms() - t0), "deleted", deleted,
                           "copied", copied);
    if (!written)
        json_object_set_new(st, "id", json_null());
    backup_status_add(dir, st);
    report(c, res->id, e == ERR_OK, error, st);
    json_decref(st);
    sec_key_free(bkey);
    if (e == ERR_OK)
        log_info("backup: %s (%lld bytes, %lld blobs, %lld new) verified", res->path,
                 (long long)res->size, (long long)res->blobs_total, (long long)res->blobs_new);
    else
        log_error("backup failed: %s", error);
    return e;
}
