/* madoguchi backup [keygen | verify | list]: backups by hand and their checks
 * (docs/backup-restore.md). --key-file here names the BACKUP key ([backup] key_file), not the
 * master key (that one comes from [storage] key_file / MADOGUCHI_STORAGE_KEY_FILE). */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "jobs/archive.h"
#include "jobs/backup.h"
#include "jobs/backup_int.h"
#include "jobs/backup_job.h"
#include "sec/sec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const help_run =
    "使い方: madoguchi backup --data DIR --key-file K [--out FILE]\n"
    "  今すぐバックアップを取り（サーバーは動かしたままで構いません）、検証し、保存期間の\n"
    "  規則を適用します。最後の行にアーカイブのパスを出力します。既定の置き場所は\n"
    "  [backup] dir（既定 <data>/backups）。--out FILE で場所と名前を指定できます（同じ\n"
    "  ディレクトリの古いアーカイブとの差分になります）。\n\n"
    "usage: madoguchi backup --data DIR --key-file K [--out FILE]\n"
    "  takes a backup now (the server may keep running), verifies it and applies retention.\n"
    "  Prints the archive's path as the last line. Archives go to [backup] dir (default\n"
    "  <data>/backups), or to FILE with --out (incremental over the older archives of FILE's\n"
    "  directory).\n";
static const char *const help_keygen =
    "使い方: madoguchi backup keygen --key-file K\n"
    "  新しいバックアップ鍵（32 バイト、0600）を作ります。既存のファイルは上書きしません。\n"
    "  鍵はデータディスクの外に保管してください（マスター鍵も同様）。\n\n"
    "usage: madoguchi backup keygen --key-file K\n"
    "  creates a new backup key (32 bytes, mode 0600); never overwrites an existing file.\n"
    "  Keep it off the data disk, like the master key.\n";
static const char *const help_verify =
    "使い方: madoguchi backup verify --key-file K FILE\n"
    "  アーカイブを復号し、すべての SHA-256、必要な古いアーカイブ（同じディレクトリ）、\n"
    "  データベースの整合性（PRAGMA integrity_check）と表ごとの件数を確認します。\n"
    "  問題がなければ終了コード 0、あれば 1 と理由。\n\n"
    "usage: madoguchi backup verify --key-file K FILE\n"
    "  decrypts the archive and checks every SHA-256, the older archives it needs (same\n"
    "  directory), the database (PRAGMA integrity_check) and the row count of every table.\n"
    "  Exit 0 when all is well, 1 with the reason otherwise.\n";
static const char *const help_list =
    "使い方: madoguchi backup list --data DIR\n"
    "  バックアップの一覧（日時、大きさ、必要とする古いアーカイブ、検証結果）。鍵は不要です。\n\n"
    "usage: madoguchi backup list --data DIR\n"
    "  lists the archives (time, size, the older archives each needs, verification status).\n"
    "  Needs no key.\n";

static void
usage(FILE *out)
{
    fputs(help_run, out);
    fputs("\n", out);
    fputs(help_keygen, out);
    fputs("\n", out);
    fputs(help_verify, out);
    fputs("\n", out);
    fputs(help_list, out);
    fputs("\nOptions (also in madoguchi.conf and MADOGUCHI_* environment variables):\n"
          "  --config FILE   INI configuration file\n",
          out);
    config_print_help(out);
}

static int
usage_error(struct runtime *rt, const char *msg)
{
    fprintf(stderr, "madoguchi backup: %s / %s (madoguchi backup --help)\n", msg, msg);
    config_release(&rt->cfg);
    return 2;
}

static void
when(int64_t t, char *buf, size_t n)
{
    time_t tt = (time_t)(t + 9 * 3600);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S+09:00", &tm);
}

static int
do_keygen(struct runtime *rt)
{
    const char *path = rt->cfg.backup_key_file;
    if (!path || !*path)
        return usage_error(rt, "--key-file K");
    if (sec_init() < 0)
        return 1;
    int rc = sec_secret_file_create(path, SEC_KEY_BYTES, "backup key");
    if (rc == 1) {
        fprintf(stderr,
                "madoguchi backup: %s は既にあります。上書きしません。 / %s exists already; not "
                "overwritten.\n",
                path, path);
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr, "madoguchi backup: %s を作れません / cannot create %s: %s\n", path, path,
                strerror(errno));
        return 1;
    }
    struct sec_key *k = NULL;
    if (sec_key_load(path, false, &k) != ERR_OK)
        return 1;
    char kid[ARC_KEY_ID_LEN + 1];
    arc_key_id(k, kid);
    sec_key_free(k);
    printf("バックアップ鍵を作りました / backup key created: %s (key id %s)\n"
           "データディスクの外に控えを保管してください / keep a copy off the data disk.\n",
           path, kid);
    return 0;
}

/* The master key when it can be read (optional for verify: checks the archive matches it). */
static struct sec_key *
master_if_any(struct runtime *rt)
{
    char *p = config_key_path(&rt->cfg);
    struct sec_key *k = NULL;
    if (access(p, R_OK) != 0 || sec_key_load(p, false, &k) != ERR_OK)
        k = NULL;
    free(p);
    return k;
}

static int
do_verify(struct runtime *rt, const char *file)
{
    if (sec_init() < 0)
        return 1;
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct sec_key *bkey = NULL, *master = NULL;
    int rc = 1;
    if (backup_key_load(rt->cfg.backup_key_file, &bkey, &f) != ERR_OK)
        goto done;
    master = master_if_any(rt);
    struct backup_verify_result vr;
    char *dir = bk_dirname(file);
    enum err e = backup_verify(file, bkey, master, dir, &vr, &f);
    free(dir);
    if (e != ERR_OK) {
        json_decref(vr.counts);
        goto done;
    }
    char t[64];
    when(vr.taken_at, t, sizeof(t));
    printf("OK: %s (%s), %lld blobs, %lld archive(s) checked%s\n", file, t, (long long)vr.blobs,
           (long long)vr.chain, master ? ", master key matches" : "");
    const char *t_name;
    json_t *cnt;
    printf("rows:");
    json_object_foreach(vr.counts, t_name, cnt) printf(" %s=%lld", t_name, (long long)json_integer_value(cnt));
    printf("\n");
    json_decref(vr.counts);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "madoguchi backup verify: FAILED: %s\n", f.message ? f.message : "?");
    sec_key_free(bkey);
    sec_key_free(master);
    arena_free(a);
    return rc;
}

static int
do_list(struct runtime *rt)
{
    char *dir = config_backup_dir(&rt->cfg);
    struct bk_head *h = NULL;
    size_t n = 0;
    if (bk_list_dir(dir, &h, &n) < 0) {
        fprintf(stderr, "madoguchi backup: %s を読めません / cannot read %s: %s\n", dir, dir,
                strerror(errno));
        free(dir);
        return 1;
    }
    json_t *status = backup_status_load(dir);
    printf("# %s\n# id\ttaken_at\tsize\tstatus\tneeds\n", dir);
    for (size_t i = 0; i < n; i++) {
        const char *st = "unverified";
        size_t k;
        json_t *v;
        json_array_foreach(status, k, v) {
            const char *id = json_string_value(json_object_get(v, "id"));
            if (id && !strcmp(id, h[i].id))
                st = json_is_true(json_object_get(v, "verified")) ? "verified" : "failed";
        }
        char t[64];
        when(h[i].taken_at, t, sizeof(t));
        printf("%s\t%s\t%lld\t%s\t", h[i].id, t, (long long)h[i].size, st);
        json_array_foreach(h[i].needs, k, v) printf("%s%s", k ? "," : "", json_string_value(v));
        printf("\n");
    }
    /* failures that left no archive */
    size_t k;
    json_t *v;
    json_array_foreach(status, k, v) {
        if (json_is_null(json_object_get(v, "id")) || !json_object_get(v, "id")) {
            char t[64];
            when(json_integer_value(json_object_get(v, "taken_at")), t, sizeof(t));
            printf("-\t%s\t0\tfailed\t%s\n", t, json_string_value(json_object_get(v, "error")));
        }
    }
    json_decref(status);
    bk_heads_free(h, n);
    free(dir);
    return 0;
}

static int
do_run(struct runtime *rt, const char *out)
{
    int rc = runtime_open(rt);
    if (rc != 0)
        return rc;
    struct arena *a = arena_new();
    struct ctx c;
    struct fail f;
    runtime_ctx(rt, &c, a, &f);
    char *dir = config_backup_dir(&rt->cfg);
    struct backup_job j = {
        .dir = dir, .out = out, .copy_to = rt->cfg.backup_copy_to,
        .key_file = rt->cfg.backup_key_file, .master = rt->key,
        .keep = { .daily = rt->cfg.backup_keep_daily, .weekly = rt->cfg.backup_keep_weekly,
                  .monthly = rt->cfg.backup_keep_monthly, .offset_min = 540 },
    };
    j.settings[0] = arena_printf(a, "%s/madoguchi.conf", rt->cfg.data);
    j.settings[1] = getenv("MADOGUCHI_CONFIG");
    struct backup_result res;
    enum err e = backup_job_run(&c, &j, &res);
    if (e != ERR_OK) {
        fprintf(stderr, "madoguchi backup: FAILED: %s\n", f.message ? f.message : err_code(e));
        rc = 1;
    } else {
        printf("blobs: %lld (%lld new, %lld bytes), size %lld bytes, verified; backup %.1f s, "
               "verify %.1f s\n",
               (long long)res.blobs_total, (long long)res.blobs_new,
               (long long)res.blob_bytes_new, (long long)res.size, (double)res.backup_ms / 1000,
               (double)res.verify_ms / 1000);
        printf("%s\n", res.path);
    }
    free(dir);
    arena_free(a);
    runtime_close(rt);
    return rc;
}

/* --key-file names the backup key for these commands; runtime_args knows it as
 * --backup-key-file (its own --key-file is the master key). args receives argv so rewritten. */
void
backup_key_args(int argc, char **argv, char **args)
{
    static char buf[4200];
    for (int i = 0; i < argc; i++) {
        args[i] = argv[i];
        if (strcmp(argv[i], "--key-file") == 0)
            args[i] = (char *)"--backup-key-file";
        else if (strncmp(argv[i], "--key-file=", 11) == 0) {
            snprintf(buf, sizeof(buf), "--backup-key-file=%s", argv[i] + 11);
            args[i] = buf;
        }
    }
}

int
cmd_backup(int argc, char **argv)
{
    if (argc > RUNTIME_MAX_ARGS) {
        usage(stderr);
        return 2;
    }
    /* per-verb --help, before the shared parser prints the whole page */
    const char *verb_help = NULL;
    bool help = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            help = true;
        else if (!verb_help && !strcmp(argv[i], "keygen"))
            verb_help = help_keygen;
        else if (!verb_help && !strcmp(argv[i], "verify"))
            verb_help = help_verify;
        else if (!verb_help && !strcmp(argv[i], "list"))
            verb_help = help_list;
    }
    if (help && verb_help) {
        fputs(verb_help, stdout);
        return 0;
    }
    char *args[RUNTIME_MAX_ARGS + 1];
    backup_key_args(argc, argv, args);
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, args, rest, &nrest, usage);
    if (rc >= 0)
        return rc;
    int i0 = 0;
    const char *verb = i0 < nrest && rest[i0][0] != '-' ? rest[i0] : "";
    int first = *verb ? i0 + 1 : i0;
    const char *out = NULL, *file = NULL;
    for (int i = first; i < nrest; i++) {
        if (!strcmp(rest[i], "--out") && i + 1 < nrest)
            out = rest[++i];
        else if (rest[i][0] != '-' && !file)
            file = rest[i];
        else
            return usage_error(&rt, rest[i]);
    }
    if (!strcmp(verb, "keygen"))
        rc = file || out ? usage_error(&rt, file ? file : "--out") : do_keygen(&rt);
    else if (!strcmp(verb, "verify"))
        rc = !file ? usage_error(&rt, "FILE") : do_verify(&rt, file);
    else if (!strcmp(verb, "list"))
        rc = do_list(&rt);
    else if (!*verb)
        return do_run(&rt, out);
    else
        return usage_error(&rt, verb);
    config_release(&rt.cfg);
    return rc;
}
