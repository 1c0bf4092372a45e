/* backup: see backup.h. One pass: snapshot, then the archive entries in the order database,
 * settings, new blobs, index (every referenced blob -> the archive holding it), manifest. */
#include "jobs/backup.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "jobs/archive.h"
#include "jobs/backup_int.h"
#include "jobs/backup_read.h"
#include "jobs/snapshot.h"
#include "sec/sec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static enum err
msg(struct fail *f, enum err e, const char *ja, const char *en)
{
    return fail_with_message(f, e, arena_printf(f->arena, "%s / %s", ja, en));
}

void
backup_master_key_id(const struct sec_key *master, char out[17])
{
    static const char label[] = "madoguchi master key id";
    char hex[SEC_HEX256_MAX];
    sec_key_mac_hex(master, SEC_PURPOSE_ADDRESS, label, sizeof(label) - 1, hex);
    memcpy(out, hex, 16);
    out[16] = '\0';
}

static int
mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* The newest archive of dir made with this key that reads back whole: its index is what the new
 * backup need not carry again. */
static json_t *
previous_index(const char *dir, const char *skip_id, const struct sec_key *bkey, struct arena *a)
{
    struct bk_head *h = NULL;
    size_t n = 0;
    json_t *index = NULL;
    char kid[ARC_KEY_ID_LEN + 1];
    arc_key_id(bkey, kid);
    if (bk_list_dir(dir, &h, &n) < 0)
        return NULL;
    for (size_t i = n; i-- > 0 && !index;) {
        if (strcmp(h[i].key_id, kid) != 0 || strcmp(h[i].id, skip_id) == 0)
            continue;
        struct fail f;
        fail_init(&f, a, LANG_EN);
        json_t *man = NULL;
        if (bk_read_index(h[i].path, bkey, &index, &man, &f) != ERR_OK) {
            log_warn("backup: %s does not read back (%s); not building on it", h[i].path,
                     f.message ? f.message : "?");
            index = NULL;
        }
        json_decref(man);
    }
    bk_heads_free(h, n);
    return index;
}

static enum err
add_file(struct arc_writer *w, char type, const char *name, const char *path, json_t *parts,
         struct fail *f)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return msg(f, ERR_INTERNAL, arena_printf(f->arena, "%s を開けません: %s", path, strerror(errno)),
                   arena_printf(f->arena, "Cannot open %s: %s", path, strerror(errno)));
    struct stat st;
    enum err e = ERR_OK;
    char *buf = xmalloc(ARC_CHUNK);
    if (fstat(fileno(in), &st) != 0) {
        e = fail_set(f, ERR_INTERNAL, NULL);
        goto done;
    }
    uint64_t left = (uint64_t)st.st_size;
    if ((e = arc_entry(w, type, name, left, f)) != ERR_OK)
        goto done;
    while (left) {
        size_t k = fread(buf, 1, left < ARC_CHUNK ? (size_t)left : ARC_CHUNK, in);
        if (k == 0) {
            e = msg(f, ERR_INTERNAL, arena_printf(f->arena, "%s を読めません。", path),
                    arena_printf(f->arena, "Cannot read %s.", path));
            goto done;
        }
        if ((e = arc_data(w, buf, k, f)) != ERR_OK)
            goto done;
        left -= k;
    }
    json_object_set_new(parts, arena_printf(f->arena, "%c:%s", type, name),
                        json_string(arc_writer_last_sha(w)));
done:
    free(buf);
    fclose(in);
    return e;
}

/* Addresses the snapshot references: the rows of its blobs table. */
static enum err
snapshot_blobs(const char *snap, json_t **out, struct fail *f)
{
    *out = json_array();
    struct db *db = NULL;
    char *err = NULL;
    struct db_res *res = NULL;
    if (db_open(snap, &db, &err) != DB_OK ||
        db_query(db, "SELECT hash FROM blobs ORDER BY hash", NULL, 0, &res) != DB_OK) {
        enum err e = msg(f, ERR_INTERNAL, "スナップショットを読めません。", "Cannot read the snapshot.");
        log_error("backup: snapshot %s: %s", snap, err ? err : db ? db_errmsg(db) : "?");
        free(err);
        db_close(db);
        return e;
    }
    int rc;
    while ((rc = db_step(res)) == 1)
        json_array_append_new(*out, json_string(db_col_text(res, 0)));
    db_res_free(res);
    db_close(db);
    return rc < 0 ? fail_set(f, ERR_INTERNAL, NULL) : ERR_OK;
}

enum err
backup_run(struct ctx *c, const struct backup_opts *o, struct backup_result *res)
{
    memset(res, 0, sizeof(*res));
    struct fail *f = c->fail;
    struct arena *a = c->arena;
    const char *dir, *path, *id;
    if (o->out) {
        char *d = bk_dirname(o->out);
        dir = arena_strdup(a, d);
        free(d);
        path = o->out;
        id = bk_basename(o->out);
    } else {
        dir = o->dir;
        time_t t = (time_t)c->now;
        struct tm tm;
        gmtime_r(&t, &tm);
        char stamp[32];
        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
        id = arena_printf(a, "madoguchi-%s" BK_EXT, stamp);
        path = arena_printf(a, "%s/%s", dir, id);
        for (int i = 2; access(path, F_OK) == 0 && i < 100; i++) {
            id = arena_printf(a, "madoguchi-%s-%d" BK_EXT, stamp, i);
            path = arena_printf(a, "%s/%s", dir, id);
        }
    }
    if (mkdir_p(dir) != 0)
        return msg(f, ERR_INTERNAL, arena_printf(a, "%s を作れません: %s", dir, strerror(errno)),
                   arena_printf(a, "Cannot create %s: %s", dir, strerror(errno)));
    if (access(path, F_OK) == 0)
        return msg(f, ERR_INVALID, arena_printf(a, "%s は既にあります。", path),
                   arena_printf(a, "%s exists already.", path));
    int schema = 0;
    if (db_schema_version(c->db, &schema) != DB_OK)
        return fail_set(f, ERR_UNAVAILABLE, NULL);

    const char *snap = arena_printf(a, "%s/.%s.db.tmp", dir, id);
    unlink(snap);
    struct snap_count *counts = NULL;
    size_t ncounts = 0;
    struct arc_writer *w = NULL;
    json_t *prev = NULL, *hashes = NULL, *index = json_object(), *parts = json_object();
    json_t *needs = json_array(), *hdr = NULL, *man = NULL;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    char *text = NULL;
    enum err e = snap_export(c->db, snap, a, &counts, &ncounts, f);
    if (e != ERR_OK)
        goto done;
    if ((e = snapshot_blobs(snap, &hashes, f)) != ERR_OK)
        goto done;
    prev = previous_index(dir, id, o->bkey, a);

    /* which blobs an older archive of this directory already holds */
    json_t *fresh = json_array();
    size_t i;
    json_t *hv;
    json_array_foreach(hashes, i, hv) {
        const char *h = json_string_value(hv);
        json_t *old = prev ? json_object_get(prev, h) : NULL;
        const char *holder = json_string_value(json_array_get(old, 0));
        if (holder && !strchr(holder, '/') &&
            access(arena_printf(a, "%s/%s", dir, holder), R_OK) == 0 && strcmp(holder, id)) {
            json_object_set(index, h, old);
            bool seen = false;
            size_t k;
            json_t *nv;
            json_array_foreach(needs, k, nv) seen |= strcmp(json_string_value(nv), holder) == 0;
            if (!seen)
                json_array_append_new(needs, json_string(holder));
        } else {
            json_array_append(fresh, hv);
        }
    }
    char kid[ARC_KEY_ID_LEN + 1], mid[17];
    arc_key_id(o->bkey, kid);
    backup_master_key_id(o->master, mid);
    hdr = json_pack("{si s:s s:I s:s s:i s:s s:O}", "format", ARC_FORMAT, "id", id, "taken_at",
                    (json_int_t)c->now, "version", BK_VERSION, "schema", schema, "key_id", kid,
                    "needs", needs);
    text = json_dumps(hdr, JSON_COMPACT);
    e = arc_writer_open(path, o->bkey, text, &w, f);
    free(text);
    text = NULL;
    if (e != ERR_OK) {
        json_decref(fresh);
        goto done;
    }
    if ((e = add_file(w, ARC_DB, "db.sqlite", snap, parts, f)) != ERR_OK) {
        json_decref(fresh);
        goto done;
    }
    unlink(snap);
    for (int s = 0; s < 4 && o->settings[s]; s++) {
        if (access(o->settings[s], R_OK) != 0)
            continue;
        const char *name = bk_basename(o->settings[s]);
        if (json_object_get(parts, arena_printf(a, "S:%s", name)))
            continue;
        if ((e = add_file(w, ARC_SETTING, name, o->settings[s], parts, f)) != ERR_OK) {
            json_decref(fresh);
            goto done;
        }
    }
    json_array_foreach(fresh, i, hv) {
        const char *h = json_string_value(hv);
        strbuf_reset(&sb);
        e = blob_stored_get(c, h, &sb);
        if (e == ERR_FILE_NOT_FOUND)
            e = msg(f, ERR_INTERNAL,
                    arena_printf(a, "ファイル %s がバックアップ中に削除されました。再実行してください。", h),
                    arena_printf(a, "Blob %s was deleted while the backup ran; run it again.", h));
        if (e != ERR_OK ||
            (e = arc_entry(w, ARC_BLOB, h, sb.len, f)) != ERR_OK ||
            (e = arc_data(w, sb.buf, sb.len, f)) != ERR_OK) {
            json_decref(fresh);
            goto done;
        }
        const char *sha = arc_writer_last_sha(w);
        json_object_set_new(parts, arena_printf(a, "B:%s", h), json_string(sha));
        json_object_set_new(index, h, json_pack("[s I s]", id, (json_int_t)sb.len, sha));
        res->blob_bytes_new += (int64_t)sb.len;
        res->blobs_new++;
    }
    json_decref(fresh);
    text = json_dumps(index, JSON_COMPACT | JSON_SORT_KEYS);
    if ((e = arc_entry(w, ARC_INDEX, "index", strlen(text), f)) != ERR_OK ||
        (e = arc_data(w, text, strlen(text), f)) != ERR_OK)
        goto done;
    free(text);
    text = NULL;
    json_object_set_new(parts, "I:index", json_string(arc_writer_last_sha(w)));
    json_t *cj = json_object();
    for (size_t k = 0; k < ncounts; k++)
        json_object_set_new(cj, counts[k].table, json_integer(counts[k].rows));
    man = json_deep_copy(hdr);
    json_object_set_new(man, "master_key_id", json_string(mid));
    json_object_set_new(man, "counts", cj);
    json_object_set(man, "parts", parts);
    json_object_set_new(man, "blobs_total", json_integer((json_int_t)json_object_size(index)));
    json_object_set_new(man, "blobs_here", json_integer(res->blobs_new));
    text = json_dumps(man, JSON_COMPACT | JSON_SORT_KEYS);
    if ((e = arc_entry(w, ARC_MANIFEST, "manifest", strlen(text), f)) != ERR_OK ||
        (e = arc_data(w, text, strlen(text), f)) != ERR_OK)
        goto done;
    uint64_t size = 0;
    e = arc_writer_commit(w, &size, f);
    w = NULL;
    if (e != ERR_OK)
        goto done;
    res->path = path;
    res->id = id;
    res->taken_at = c->now;
    res->size = (int64_t)size;
    res->blobs_total = (int64_t)json_object_size(index);
done:
    arc_writer_abort(w);
    unlink(snap);
    free(text);
    strbuf_release(&sb);
    json_decref(prev);
    json_decref(hashes);
    json_decref(index);
    json_decref(parts);
    json_decref(needs);
    json_decref(hdr);
    json_decref(man);
    return e;
}

/* ---- verify ---- */

static enum err
integrity(const char *db_path, struct fail *f)
{
    struct db *db = NULL;
    char *err = NULL;
    struct db_res *res = NULL;
    enum err e = ERR_OK;
    if (db_open(db_path, &db, &err) != DB_OK ||
        db_query(db, "PRAGMA integrity_check", NULL, 0, &res) != DB_OK) {
        e = msg(f, ERR_INVALID, "バックアップのデータベースを開けません。",
                "The backup's database does not open.");
        goto done;
    }
    if (db_step(res) != 1 || strcmp(db_col_text(res, 0), "ok") != 0)
        e = msg(f, ERR_INVALID,
                arena_printf(f->arena, "データベースの整合性検査に失敗しました: %s",
                             db_col_text(res, 0)),
                arena_printf(f->arena, "The database integrity check failed: %s",
                             db_col_text(res, 0)));
done:
    db_res_free(res);
    db_close(db);
    free(err);
    return e;
}

enum err
backup_verify(const char *path, const struct sec_key *bkey, const struct sec_key *master,
              const char *tmpdir, struct backup_verify_result *res, struct fail *f)
{
    memset(res, 0, sizeof(*res));
    struct bk_reader *r = NULL;
    enum err e = bk_reader_open(path, bkey, tmpdir, &r, f);
    if (e != ERR_OK)
        return e;
    json_t *man = bk_reader_manifest(r), *index = bk_reader_index(r);
    res->taken_at = bk_reader_taken_at(r);
    res->blobs = (int64_t)json_object_size(index);
    res->chain = 1;
    if (master) {
        char mid[17];
        backup_master_key_id(master, mid);
        const char *want = json_string_value(json_object_get(man, "master_key_id"));
        if (!want || strcmp(want, mid) != 0) {
            e = msg(f, ERR_INVALID,
                    arena_printf(f->arena,
                                 "このバックアップは別のマスター鍵（ID %s）で取られています。"
                                 "このシステムのマスター鍵の ID は %s です。",
                                 want ? want : "?", mid),
                    arena_printf(f->arena,
                                 "This backup was taken with another master key (id %s); this "
                                 "system's master key has id %s.",
                                 want ? want : "?", mid));
            goto done;
        }
    }
    res->counts = json_incref(json_object_get(man, "counts"));
    if ((e = integrity(bk_reader_db_path(r), f)) != ERR_OK)
        goto done;
    struct snap_count *counts = NULL;
    size_t n = 0;
    if ((e = snap_count_rows(bk_reader_db_path(r), f->arena, &counts, &n, f)) != ERR_OK)
        goto done;
    json_t *want = json_object_get(man, "counts");
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(want, counts[i].table);
        if (!json_is_integer(v) || json_integer_value(v) != counts[i].rows) {
            e = msg(f, ERR_INVALID,
                    arena_printf(f->arena, "表 %s の行数 %lld が目録（%lld）と一致しません。",
                                 counts[i].table, (long long)counts[i].rows,
                                 (long long)json_integer_value(v)),
                    arena_printf(f->arena, "Table %s has %lld rows, the manifest says %lld.",
                                 counts[i].table, (long long)counts[i].rows,
                                 (long long)json_integer_value(v)));
            goto done;
        }
    }
    if (json_object_size(want) != n) {
        e = msg(f, ERR_INVALID, "目録の表の数が一致しません。",
                "The manifest lists a different set of tables.");
        goto done;
    }
    /* the chain: every older archive named must hold its blobs, with the same hashes */
    json_t *needs = json_object_get(man, "needs");
    size_t k;
    json_t *nv;
    json_array_foreach(needs, k, nv) {
        const char *holder = json_string_value(nv);
        if (!holder || strchr(holder, '/')) {
            e = msg(f, ERR_INVALID, "目録が不正です。", "The manifest is invalid.");
            goto done;
        }
        const char *hp = arena_printf(f->arena, "%s/%s", bk_reader_dir(r), holder);
        if (access(hp, F_OK) != 0) {
            e = msg(f, ERR_FILE_NOT_FOUND,
                    arena_printf(f->arena,
                                 "このバックアップが必要とする %s がありません（差分バックアップは"
                                 "同じディレクトリにある古いバックアップのファイルを使います）。",
                                 hp),
                    arena_printf(f->arena,
                                 "%s, which this backup needs, is missing (an incremental backup "
                                 "takes blobs from the older archives in the same directory).",
                                 hp));
            goto done;
        }
        json_t *hidx = NULL, *hman = NULL;
        if ((e = bk_read_index(hp, bkey, &hidx, &hman, f)) != ERR_OK)
            goto done;
        json_t *hparts = json_object_get(hman, "parts");
        const char *h;
        json_t *ent;
        json_object_foreach(index, h, ent) {
            if (strcmp(json_string_value(json_array_get(ent, 0)) ?: "", holder) != 0)
                continue;
            const char *sha = json_string_value(
                json_object_get(hparts, arena_printf(f->arena, "B:%s", h)));
            if (!sha || strcmp(sha, json_string_value(json_array_get(ent, 2)) ?: "") != 0) {
                e = msg(f, ERR_INVALID,
                        arena_printf(f->arena, "%s にファイル %s がないか、一致しません。", hp, h),
                        arena_printf(f->arena, "%s lacks blob %s or holds another version.", hp, h));
                break;
            }
        }
        json_decref(hidx);
        json_decref(hman);
        if (e != ERR_OK)
            goto done;
        res->chain++;
    }
    json_t *ent;
    const char *h;
    json_object_foreach(index, h, ent) {
        const char *holder = json_string_value(json_array_get(ent, 0));
        bool listed = holder && strcmp(holder, bk_reader_id(r)) == 0;
        json_array_foreach(needs, k, nv) listed |= holder && strcmp(json_string_value(nv), holder) == 0;
        if (!listed) {
            e = msg(f, ERR_INVALID, "目録の索引が不正です。", "The manifest's index is invalid.");
            goto done;
        }
    }
done:
    bk_reader_close(r);
    return e;
}

/* ---- status list ---- */

#define STATUS_KEEP 200

json_t *
backup_status_load(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/status.json", dir);
    json_t *j = json_load_file(path, 0, NULL);
    if (!json_is_array(j)) {
        json_decref(j);
        j = json_array();
    }
    return j;
}

void
backup_status_add(const char *dir, json_t *entry)
{
    if (mkdir_p(dir) != 0)
        return;
    char path[4096], tmp[4200], lock[4200];
    snprintf(path, sizeof(path), "%s/status.json", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    snprintf(lock, sizeof(lock), "%s/.status.lock", dir);
    int lfd = open(lock, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (lfd >= 0)
        flock(lfd, LOCK_EX);
    json_t *list = backup_status_load(dir);
    json_array_append(list, entry);
    while (json_array_size(list) > STATUS_KEEP)
        json_array_remove(list, 0);
    if (json_dump_file(list, tmp, JSON_INDENT(1)) == 0) {
        if (rename(tmp, path) != 0)
            log_warn("backup: cannot write %s: %s", path, strerror(errno));
    }
    json_decref(list);
    if (lfd >= 0)
        close(lfd);
}
