/* madoguchi restore --data DIR --key-file K --from FILE [--force]: the whole system from one
 * backup archive (and the older archives it names, from the same directory). Everything that
 * can fail is checked before anything is overwritten: the archive and its chain are decrypted
 * and hashed, the master key must be the one the backup was taken with, the schema must not be
 * newer, the disk must have room. SQLite: the new data directory is built in a sibling temporary
 * directory and swapped in by rename (the old one is kept as DIR.before-restore-TIME).
 * PostgreSQL (--db / [storage] db): one import transaction (snapshot.h), then the blobs. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "jobs/archive.h"
#include "jobs/backup.h"
#include "jobs/backup_int.h"
#include "jobs/backup_job.h"
#include "jobs/backup_read.h"
#include "jobs/snapshot.h"
#include "sec/sec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static const char *const help =
    "使い方: madoguchi restore --data DIR --key-file K --from FILE [--force]\n"
    "  バックアップ FILE（と、それが必要とする同じディレクトリの古いアーカイブ）からシステム\n"
    "  全体を DIR に復元します。DIR は空か存在しないこと（keys/ だけは置いてあって構いません）。\n"
    "  既存の DIR に上書きするには --force（サーバーを止めてから）。元の DIR は\n"
    "  DIR.before-restore-日時 として残ります。マスター鍵（[storage] key_file、既定\n"
    "  <DIR>/keys/master.key）は、バックアップを取ったシステムのものを先に置いてください。\n"
    "  PostgreSQL へは --db postgresql://...（または --config FILE）で。\n"
    "  壊れた・途中で切れたアーカイブ、違う鍵、新しい版のバックアップ、ディスク不足は、\n"
    "  何も書き換える前にエラーになります。\n\n"
    "usage: madoguchi restore --data DIR --key-file K --from FILE [--force]\n"
    "  restores the whole system into DIR from backup FILE (and the older archives it needs,\n"
    "  from the same directory). DIR must be empty or absent (a keys/ directory may be there);\n"
    "  over an existing DIR only with --force, with the server stopped: the old DIR is kept as\n"
    "  DIR.before-restore-TIME. Put the master key of the system the backup came from in place\n"
    "  first ([storage] key_file, default <DIR>/keys/master.key). PostgreSQL: --db URL or\n"
    "  --config FILE. A corrupt or truncated archive, a wrong key, a backup from a newer\n"
    "  version or too little disk space fail before anything is overwritten.\n\n"
    "  --key-file K   the BACKUP key (madoguchi backup keygen)\n"
    "  --from FILE    the archive (.mbk)\n"
    "  --force        replace existing data\n";

static void
usage(FILE *out)
{
    fputs(help, out);
    fputs("\nOptions (also in madoguchi.conf and MADOGUCHI_* environment variables):\n"
          "  --config FILE   INI configuration file\n",
          out);
    config_print_help(out);
}

static int
fail_out(const char *ja, const char *en)
{
    fprintf(stderr, "madoguchi restore: %s\n  / %s\n", ja, en);
    return 1;
}

static bool
is_pg(const char *url)
{
    return strncmp(url, "postgres", 8) == 0 || strstr(url, "dbname=") || strstr(url, "host=");
}

/* DIR absent, or holding nothing but keys/ (and dot files). */
static int
dir_state(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int st = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && strcmp(de->d_name, "keys") != 0)
            st = 1;
    closedir(d);
    return st;
}


static int
copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return -1;
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (fflush(out) != 0 || fsync(fileno(out)) != 0)
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

static int
copy_dir(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    if (mkdir(to, 0700) != 0 && errno != EEXIST) {
        closedir(d);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) && rc == 0) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char a[4200], b[4200];
        snprintf(a, sizeof(a), "%s/%s", from, de->d_name);
        snprintf(b, sizeof(b), "%s/%s", to, de->d_name);
        struct stat st;
        if (lstat(a, &st) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = copy_dir(a, b);
        else if (S_ISREG(st.st_mode))
            rc = copy_file(a, b);
    }
    closedir(d);
    return rc;
}

/* Writes every blob of the index back, reading each archive of the chain once. */
static enum err
restore_blobs(struct ctx *c, struct bk_reader *r, const struct sec_key *bkey, int64_t *count)
{
    struct fail *f = c->fail;
    json_t *index = bk_reader_index(r);
    json_t *holders = json_object();
    const char *h;
    json_t *ent;
    json_object_foreach(index, h, ent) json_object_set_new(holders, json_string_value(json_array_get(ent, 0)) ?: "?", json_true());
    json_t *done = json_object();
    enum err e = ERR_OK;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    const char *holder;
    json_t *unused;
    json_object_foreach(holders, holder, unused) {
        if (strchr(holder, '/')) {
            e = fail_set(f, ERR_INVALID, NULL);
            break;
        }
        const char *path = arena_printf(c->arena, "%s/%s", bk_reader_dir(r), holder);
        struct arc_reader *ar = NULL;
        if ((e = arc_reader_open(path, bkey, false, &ar, f)) != ERR_OK)
            break;
        for (;;) {
            char type;
            const char *name;
            uint64_t len;
            if ((e = arc_next(ar, &type, &name, &len, f)) != ERR_OK || !type)
                break;
            if (type != ARC_BLOB)
                continue;
            json_t *want = json_object_get(index, name);
            if (!want || strcmp(json_string_value(json_array_get(want, 0)) ?: "", holder) != 0)
                continue;
            strbuf_reset(&sb);
            strbuf_grow(&sb, (size_t)len);
            if ((e = arc_read(ar, sb.buf, (size_t)len, f)) != ERR_OK)
                break;
            sb.len = (size_t)len;
            if (strcmp(arc_reader_entry_sha(ar), json_string_value(json_array_get(want, 2)) ?: "")) {
                e = fail_with_message(f, ERR_INVALID,
                                      arena_printf(c->arena,
                                                   "%s のファイル %s が目録と一致しません。 / Blob %s "
                                                   "in %s does not match the manifest.",
                                                   path, name, name, path));
                break;
            }
            char *hash = arena_strdup(c->arena, name);
            if ((e = blob_stored_put(c, hash, sb.buf, sb.len)) != ERR_OK) {
                if (!f->message || f->code == ERR_INVALID)
                    fail_with_message(f, ERR_INVALID,
                                      arena_printf(c->arena,
                                                   "ファイル %s を書き戻せません（マスター鍵が違う？）。 "
                                                   "/ Cannot write blob %s back (another master key?).",
                                                   hash, hash));
                break;
            }
            json_object_set_new(done, hash, json_true());
            (*count)++;
        }
        arc_reader_close(ar);
        if (e != ERR_OK)
            break;
    }
    if (e == ERR_OK && json_object_size(done) != json_object_size(index))
        e = fail_with_message(f, ERR_INVALID,
                              "必要な古いアーカイブに含まれないファイルがあります。 / Some blobs are "
                              "in none of the archives this backup needs.");
    strbuf_release(&sb);
    json_decref(holders);
    json_decref(done);
    return e;
}

int
cmd_restore(int argc, char **argv)
{
    if (argc > RUNTIME_MAX_ARGS) {
        usage(stderr);
        return 2;
    }
    char *args[RUNTIME_MAX_ARGS + 1];
    backup_key_args(argc, argv, args);
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, args, rest, &nrest, usage);
    if (rc >= 0)
        return rc;
    const char *from = NULL;
    bool force = false;
    for (int i = 0; i < nrest; i++) {
        if (!strcmp(rest[i], "--from") && i + 1 < nrest)
            from = rest[++i];
        else if (!strcmp(rest[i], "--force"))
            force = true;
        else {
            fprintf(stderr, "madoguchi restore: %s (madoguchi restore --help)\n", rest[i]);
            config_release(&rt.cfg);
            return 2;
        }
    }
    if (!from) {
        fprintf(stderr, "madoguchi restore: --from FILE が必要です / --from FILE is required\n");
        config_release(&rt.cfg);
        return 2;
    }
    if (sec_init() < 0) {
        config_release(&rt.cfg);
        return 1;
    }
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct sec_key *bkey = NULL, *master = NULL;
    struct bk_reader *r = NULL;
    struct db *db = NULL;
    char *url = config_db_url(&rt.cfg), *keyp = config_key_path(&rt.cfg);
    const char *data = rt.cfg.data;
    bool pg = is_pg(url);
    char *tmp = NULL;
    rc = 1;
    int64_t t0 = clock_now_ms();

    /* ---- checks: nothing is written before they all pass ---- */
    if (backup_key_load(rt.cfg.backup_key_file, &bkey, &f) != ERR_OK) {
        fprintf(stderr, "madoguchi restore: %s\n", f.message);
        goto done;
    }
    if (access(keyp, F_OK) != 0) {
        fail_out(arena_printf(a, "マスター鍵 %s がありません。バックアップを取ったシステムの "
                                 "master.key をそこに置いてください（鍵はバックアップに含まれません）。",
                              keyp),
                 arena_printf(a, "The master key %s is missing. Put the master.key of the system "
                                 "the backup was taken on there (keys are not in backups).",
                              keyp));
        goto done;
    }
    if (sec_key_load(keyp, false, &master) != ERR_OK) {
        fail_out(arena_printf(a, "マスター鍵 %s を読めません。", keyp),
                 arena_printf(a, "Cannot read the master key %s.", keyp));
        goto done;
    }
    int st = pg ? 0 : dir_state(data);
    if (st < 0) {
        fail_out(arena_printf(a, "%s を読めません: %s", data, strerror(errno)),
                 arena_printf(a, "Cannot read %s: %s", data, strerror(errno)));
        goto done;
    }
    if (st == 1 && !force) {
        fail_out(arena_printf(a, "%s は空ではありません。上書きするにはサーバーを止めて --force を"
                                 "付けてください（元のデータは %s.before-restore-日時 に残ります）。",
                              data, data),
                 arena_printf(a, "%s is not empty. To replace it, stop the server and add --force "
                                 "(the old data is kept as %s.before-restore-TIME).",
                              data, data));
        goto done;
    }
    /* a sibling temporary directory: same file system, so the swap is a rename */
    char *parent = bk_dirname(data);
    const char *base = bk_basename(data);
    tmp = xmalloc(strlen(parent) + strlen(base) + 32);
    sprintf(tmp, "%s/.%s.restore-XXXXXX", parent, *base ? base : "data");
    if (mkdir(parent, 0700) != 0 && errno != EEXIST) {
        /* mkdtemp reports it */
    }
    if (!mkdtemp(tmp)) {
        fail_out(arena_printf(a, "%s に一時ディレクトリを作れません: %s", parent, strerror(errno)),
                 arena_printf(a, "Cannot create a temporary directory in %s: %s", parent,
                              strerror(errno)));
        free(parent);
        free(tmp);
        tmp = NULL;
        goto done;
    }
    fprintf(stderr, "checking %s ...\n", from);
    if (bk_reader_open(from, bkey, tmp, &r, &f) != ERR_OK) {
        fprintf(stderr, "madoguchi restore: %s\n", f.message);
        free(parent);
        goto done;
    }
    json_t *man = bk_reader_manifest(r);
    char mid[17];
    backup_master_key_id(master, mid);
    const char *want = json_string_value(json_object_get(man, "master_key_id"));
    if (!want || strcmp(want, mid) != 0) {
        fail_out(arena_printf(a, "マスター鍵が違います: バックアップは鍵 ID %s、%s は ID %s です。",
                              want ? want : "?", keyp, mid),
                 arena_printf(a, "Wrong master key: the backup was taken with key id %s, %s has "
                                 "id %s.",
                              want ? want : "?", keyp, mid));
        free(parent);
        goto done;
    }
    /* the chain: every archive named must be there (its contents are checked as it is read) */
    size_t k;
    json_t *nv;
    json_array_foreach(json_object_get(man, "needs"), k, nv) {
        const char *p = arena_printf(a, "%s/%s", bk_reader_dir(r), json_string_value(nv));
        if (access(p, R_OK) != 0) {
            fail_out(arena_printf(a, "このバックアップが必要とする %s がありません。", p),
                     arena_printf(a, "%s, which this backup needs, is missing.", p));
            free(parent);
            goto done;
        }
    }
    /* room: the database plus every blob, plus 10% */
    struct stat dbst;
    stat(bk_reader_db_path(r), &dbst);
    uint64_t need = (uint64_t)dbst.st_size * 2;
    const char *h;
    json_t *ent;
    json_object_foreach(bk_reader_index(r), h, ent) need += (uint64_t)json_integer_value(json_array_get(ent, 1));
    need += need / 10;
    struct statvfs vfs;
    if (!pg && statvfs(tmp, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < need) {
        fail_out(arena_printf(a, "ディスクの空きが足りません: %llu バイト必要、%llu バイト空き（%s）。",
                              (unsigned long long)need,
                              (unsigned long long)vfs.f_bavail * vfs.f_frsize, parent),
                 arena_printf(a, "Not enough disk space: %llu bytes needed, %llu free (%s).",
                              (unsigned long long)need,
                              (unsigned long long)vfs.f_bavail * vfs.f_frsize, parent));
        free(parent);
        goto done;
    }
    free(parent);

    /* ---- build the new system ---- */
    const char *ndata = pg ? data : arena_printf(a, "%s/data", tmp);
    const char *blobs = pg ? NULL : arena_printf(a, "%s/blobs", ndata);
    if (!pg) {
        if (mkdir(ndata, 0700) != 0 || mkdir(blobs, 0700) != 0 ||
            copy_dir(arena_printf(a, "%s/keys", data), arena_printf(a, "%s/keys", ndata)) != 0) {
            fail_out("新しいデータディレクトリを作れません。", "Cannot build the new data directory.");
            goto done;
        }
        /* settings files travel with the backup */
        const char *sdir = bk_reader_settings_dir(r, a);
        DIR *d = opendir(sdir);
        struct dirent *de;
        while (d && (de = readdir(d)))
            if (de->d_name[0] != '.')
                copy_file(arena_printf(a, "%s/%s", sdir, de->d_name),
                          arena_printf(a, "%s/%s", ndata, de->d_name));
        if (d)
            closedir(d);
    }
    const char *nurl = pg ? url : arena_printf(a, "%s/madoguchi.db", ndata);
    char *err = NULL;
    if (db_open(nurl, &db, &err) != DB_OK || db_migrate(db, &err) != DB_OK) {
        fail_out(arena_printf(a, "データベースを開けません: %s", err ? err : "?"),
                 arena_printf(a, "Cannot open the database: %s", err ? err : "?"));
        free(err);
        goto done;
    }
    if (pg && !force) {
        int64_t users = 0;
        bool found = false;
        if (db_query_int(db, "SELECT count(*) FROM users", NULL, 0, &users, &found) == DB_OK &&
            users > 0) {
            fail_out("データベースは空ではありません。上書きするにはサーバーを止めて --force を付けてください。",
                     "The database is not empty. Stop the server and add --force to replace it.");
            goto done;
        }
    }
    if (blob_init(blobs, master) != 0)
        goto done;
    fprintf(stderr, "importing the database ...\n");
    if (snap_import(db, bk_reader_db_path(r), &f) != ERR_OK) {
        fprintf(stderr, "madoguchi restore: %s\n", f.message ? f.message : "import failed");
        goto done;
    }
    struct ctx c;
    memset(&c, 0, sizeof(c));
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.lang = LANG_JA;
    c.now = clock_now_ms() / 1000;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    int64_t nblobs = 0;
    fprintf(stderr, "writing blobs back ...\n");
    if (restore_blobs(&c, r, bkey, &nblobs) != ERR_OK) {
        fprintf(stderr, "madoguchi restore: %s\n", f.message ? f.message : "blobs failed");
        goto done;
    }
    int64_t schema = json_integer_value(json_object_get(man, "schema"));
    if (!pg && schema == db_schema_latest()) {
        struct snap_count *counts = NULL;
        size_t n = 0;
        db_close(db);
        db = NULL;
        if (snap_count_rows(nurl, a, &counts, &n, &f) != ERR_OK) {
            fprintf(stderr, "madoguchi restore: %s\n", f.message ? f.message : "count failed");
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            json_t *v = json_object_get(json_object_get(man, "counts"), counts[i].table);
            if (json_integer_value(v) != counts[i].rows) {
                fail_out(arena_printf(a, "表 %s の件数が目録と一致しません。", counts[i].table),
                         arena_printf(a, "Table %s does not match the manifest's row count.",
                                      counts[i].table));
                goto done;
            }
        }
    }
    db_close(db);
    db = NULL;
    blob_shutdown();

    /* ---- swap ---- */
    const char *old = NULL;
    if (!pg) {
        if (access(data, F_OK) == 0) {
            char stamp[32];
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
            old = arena_printf(a, "%s.before-restore-%s", data, stamp);
            if (rename(data, old) != 0) {
                fail_out(arena_printf(a, "%s を退避できません: %s", data, strerror(errno)),
                         arena_printf(a, "Cannot move %s aside: %s", data, strerror(errno)));
                goto done;
            }
        }
        if (rename(ndata, data) != 0) {
            int e = errno;
            if (old)
                rename(old, data);
            fail_out(arena_printf(a, "%s を置き換えられません: %s", data, strerror(e)),
                     arena_printf(a, "Cannot put the restored data in place at %s: %s", data,
                                  strerror(e)));
            goto done;
        }
    }
    if (old && st == 0) { /* only keys/ was there, and it was copied: nothing to keep */
        bk_rm_tree(old);
        old = NULL;
    }
    if (old) { /* the backup directory stays with the system */
        const char *ob = arena_printf(a, "%s/backups", old), *nb = arena_printf(a, "%s/backups", data);
        if (access(ob, F_OK) == 0 && access(nb, F_OK) != 0 && rename(ob, nb) != 0)
            log_warn("restore: cannot move %s to %s: %s", ob, nb, strerror(errno));
    }
    printf("restored %s (taken %lld) into %s: %lld blobs, %.1f s\n", bk_reader_id(r),
           (long long)bk_reader_taken_at(r), pg ? url : data, (long long)nblobs,
           (double)(clock_now_ms() - t0) / 1000.0);
    if (old)
        printf("元のデータ / previous data: %s\n", old);
    rc = 0;
done:
    db_close(db);
    blob_shutdown();
    bk_reader_close(r);
    if (tmp) {
        bk_rm_tree(tmp);
        free(tmp);
    }
    sec_key_free(bkey);
    sec_key_free(master);
    free(url);
    free(keyp);
    arena_free(a);
    config_release(&rt.cfg);
    return rc;
}
