/* backup_read: opening one archive (see backup_read.h); also the directory listing and the
 * index reader backup.c and retention.c share (backup_int.h). */
#include "jobs/backup_read.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "jobs/archive.h"
#include "jobs/backup_int.h"
#include "sec/sec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bk_reader {
    char *path, *dir, *id, *tmp, *db_path;
    const struct sec_key *bkey;
    int64_t taken_at;
    json_t *index, *manifest;
};

char *
bk_dirname(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return xstrdup(".");
    if (s == path)
        return xstrdup("/");
    char *d = xmalloc((size_t)(s - path) + 1);
    memcpy(d, path, (size_t)(s - path));
    d[s - path] = '\0';
    return d;
}

const char *
bk_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static enum err
msg(struct fail *f, enum err e, const char *ja, const char *en)
{
    return fail_with_message(f, e, arena_printf(f->arena, "%s / %s", ja, en));
}

/* The id without its extension and its "-N" suffix (N = 1 when there is none). */
static size_t
id_stem(const char *id, long *seq)
{
    size_t n = strlen(id);
    size_t ext = strlen(BK_EXT);
    if (n > ext && strcmp(id + n - ext, BK_EXT) == 0)
        n -= ext;
    size_t d = n;
    while (d > 0 && id[d - 1] >= '0' && id[d - 1] <= '9')
        d--;
    *seq = 1;
    if (d < n && d >= 2 && id[d - 1] == '-' && n - d < 6) {
        *seq = strtol(id + d, NULL, 10);
        return d - 1;
    }
    return n;
}

int
bk_id_cmp(const char *a, const char *b)
{
    long sa, sb;
    size_t na = id_stem(a, &sa), nb = id_stem(b, &sb);
    int c = strncmp(a, b, na < nb ? na : nb);
    if (c != 0)
        return c;
    if (na != nb)
        return na < nb ? -1 : 1;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
}

static int
cmp_head(const void *a, const void *b)
{
    const struct bk_head *x = a, *y = b;
    if (x->taken_at != y->taken_at)
        return x->taken_at < y->taken_at ? -1 : 1;
    return bk_id_cmp(x->id, y->id);
}

int
bk_list_dir(const char *dir, struct bk_head **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    size_t cap = 0;
    struct dirent *de;
    struct arena *a = arena_new();
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l <= 4 || strcmp(de->d_name + l - 4, BK_EXT) != 0 || de->d_name[0] == '.')
            continue;
        char *path = arena_printf(a, "%s/%s", dir, de->d_name);
        struct fail f;
        fail_init(&f, a, LANG_EN);
        struct arc_reader *r = NULL;
        if (arc_reader_open(path, NULL, true, &r, &f) != ERR_OK)
            continue;
        json_t *j = json_loads(arc_reader_header(r), 0, NULL);
        arc_reader_close(r);
        struct stat st;
        if (!j || stat(path, &st) != 0) {
            json_decref(j);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = realloc(*out, cap * sizeof(**out));
        }
        struct bk_head *h = &(*out)[(*n)++];
        h->id = xstrdup(de->d_name);
        h->path = xstrdup(path);
        h->taken_at = json_integer_value(json_object_get(j, "taken_at"));
        h->size = st.st_size;
        const char *k = json_string_value(json_object_get(j, "key_id"));
        h->key_id = xstrdup(k ? k : "");
        h->needs = json_incref(json_object_get(j, "needs"));
        if (!json_is_array(h->needs)) {
            json_decref(h->needs);
            h->needs = json_array();
        }
        json_decref(j);
    }
    closedir(d);
    arena_free(a);
    if (*n)
        qsort(*out, *n, sizeof(**out), cmp_head);
    return 0;
}

void
bk_heads_free(struct bk_head *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].id);
        free(h[i].path);
        free(h[i].key_id);
        json_decref(h[i].needs);
    }
    free(h);
}

static enum err
read_json(struct arc_reader *ar, uint64_t len, uint64_t max, json_t **out, struct fail *f)
{
    *out = NULL;
    if (len > max)
        return msg(f, ERR_INVALID, "バックアップの目録が大きすぎます。",
                   "The backup's manifest is too large.");
    char *buf = xmalloc((size_t)len + 1);
    enum err e = arc_read(ar, buf, (size_t)len, f);
    if (e == ERR_OK) {
        buf[len] = '\0';
        *out = json_loadb(buf, (size_t)len, 0, NULL);
        if (!*out)
            e = msg(f, ERR_INVALID, "バックアップの目録が読めません。",
                    "The backup's manifest cannot be parsed.");
    }
    free(buf);
    return e;
}

static bool
safe_name(const char *s)
{
    return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* Streams the whole archive: every entry's SHA-256 is compared with the manifest at the end.
 * db_out / settings_dir (either NULL) receive the database and the settings files. */
static enum err
read_archive(const char *path, const struct sec_key *bkey, const char *db_out,
             const char *settings_dir, json_t **index, json_t **manifest, json_t **header,
             struct fail *f)
{
    *index = *manifest = NULL;
    if (header)
        *header = NULL;
    struct arc_reader *ar = NULL;
    enum err e = arc_reader_open(path, bkey, false, &ar, f);
    if (e != ERR_OK)
        return e;
    json_t *hdr = json_loads(arc_reader_header(ar), 0, NULL);
    json_t *parts = json_object();
    FILE *out = NULL;
    char *buf = xmalloc(ARC_CHUNK);
    int64_t schema = json_integer_value(json_object_get(hdr, "schema"));
    if (schema > db_schema_latest()) {
        e = msg(f, ERR_INVALID,
                arena_printf(f->arena,
                             "%s は新しいデータベース版（%lld）のバックアップです。この madoguchi "
                             "は版 %d までです。新しい版で復元してください。",
                             path, (long long)schema, db_schema_latest()),
                arena_printf(f->arena,
                             "%s was taken with a newer database schema (%lld); this madoguchi "
                             "knows version %d at most. Restore with a newer madoguchi.",
                             path, (long long)schema, db_schema_latest()));
        goto done;
    }
    for (;;) {
        char type;
        const char *name;
        uint64_t len;
        if ((e = arc_next(ar, &type, &name, &len, f)) != ERR_OK)
            goto done;
        if (!type)
            break;
        char key[1200];
        snprintf(key, sizeof(key), "%c:%s", type, name);
        if (*manifest) {
            e = msg(f, ERR_INVALID, "目録の後にデータがあります。",
                    "There is data after the manifest.");
            goto done;
        }
        if (type == ARC_INDEX || type == ARC_MANIFEST) {
            json_t *j = NULL;
            if ((e = read_json(ar, len, BK_INDEX_MAX, &j, f)) != ERR_OK)
                goto done;
            if (type == ARC_INDEX) {
                json_decref(*index);
                *index = j;
            } else {
                *manifest = j;
                continue; /* the manifest is not in its own list */
            }
        } else if ((type == ARC_DB && db_out) || (type == ARC_SETTING && settings_dir)) {
            if (type == ARC_SETTING && !safe_name(name)) {
                e = msg(f, ERR_INVALID, "設定ファイルの名前が不正です。",
                        "A settings file has an invalid name.");
                goto done;
            }
            const char *dst = type == ARC_DB ? db_out
                                             : arena_printf(f->arena, "%s/%s", settings_dir, name);
            out = fopen(dst, "wbx");
            if (!out) {
                e = msg(f, ERR_INTERNAL, arena_printf(f->arena, "%s を作れません: %s", dst, strerror(errno)),
                        arena_printf(f->arena, "Cannot create %s: %s", dst, strerror(errno)));
                goto done;
            }
            while (len) {
                size_t k = len < ARC_CHUNK ? (size_t)len : ARC_CHUNK;
                if ((e = arc_read(ar, buf, k, f)) != ERR_OK)
                    goto done;
                if (fwrite(buf, 1, k, out) != k) {
                    e = msg(f, ERR_INTERNAL, arena_printf(f->arena, "%s に書けません（ディスク不足？）", dst),
                            arena_printf(f->arena, "Cannot write %s (disk full?)", dst));
                    goto done;
                }
                len -= k;
            }
            int rc = fclose(out);
            out = NULL;
            if (rc != 0) {
                e = msg(f, ERR_INTERNAL, arena_printf(f->arena, "%s に書けません（ディスク不足？）", dst),
                        arena_printf(f->arena, "Cannot write %s (disk full?)", dst));
                goto done;
            }
        } else if ((e = arc_skip(ar, f)) != ERR_OK) {
            goto done;
        }
        json_object_set_new(parts, key, json_string(arc_reader_entry_sha(ar)));
    }
    if (!*manifest || !*index) {
        e = msg(f, ERR_INVALID, arena_printf(f->arena, "%s に目録がありません。", path),
                arena_printf(f->arena, "%s has no manifest.", path));
        goto done;
    }
    /* every part listed, with the same hash, and nothing more */
    json_t *want = json_object_get(*manifest, "parts");
    if (!json_is_object(want) || !json_equal(want, parts)) {
        e = msg(f, ERR_INVALID,
                arena_printf(f->arena, "%s の内容が目録の SHA-256 と一致しません。", path),
                arena_printf(f->arena, "The contents of %s do not match the SHA-256 sums of its manifest.", path));
        goto done;
    }
    static const char *const same[] = { "id", "taken_at", "schema", "key_id", "needs", "format" };
    for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++)
        if (!json_equal(json_object_get(hdr, same[i]), json_object_get(*manifest, same[i]))) {
            e = msg(f, ERR_INVALID,
                    arena_printf(f->arena, "%s の見出しが目録と一致しません（%s）。", path, same[i]),
                    arena_printf(f->arena, "The header of %s does not match its manifest (%s).", path, same[i]));
            goto done;
        }
    if (strcmp(json_string_value(json_object_get(hdr, "id")) ?: "", bk_basename(path)) != 0)
        log_warn("backup %s: renamed (its id is %s)", path,
                 json_string_value(json_object_get(hdr, "id")));
done:
    if (out)
        fclose(out);
    free(buf);
    json_decref(parts);
    arc_reader_close(ar);
    if (e != ERR_OK) {
        json_decref(*index);
        json_decref(*manifest);
        json_decref(hdr);
        *index = *manifest = NULL;
    } else if (header) {
        *header = hdr;
    } else {
        json_decref(hdr);
    }
    return e;
}

enum err
bk_read_index(const char *path, const struct sec_key *bkey, json_t **index, json_t **manifest,
              struct fail *f)
{
    return read_archive(path, bkey, NULL, NULL, index, manifest, NULL, f);
}

void
bk_rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char p[4096];
            snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                bk_rm_tree(p);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

enum err
bk_reader_open(const char *archive, const struct sec_key *bkey, const char *tmpdir,
               struct bk_reader **out, struct fail *f)
{
    *out = NULL;
    if (!tmpdir)
        tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    struct bk_reader *r = xcalloc(1, sizeof(*r));
    r->path = xstrdup(archive);
    r->dir = bk_dirname(archive);
    r->bkey = bkey;
    size_t n = strlen(tmpdir) + 32;
    r->tmp = xmalloc(n);
    snprintf(r->tmp, n, "%s/mado-bk-XXXXXX", tmpdir);
    enum err e;
    json_t *hdr = NULL;
    if (!mkdtemp(r->tmp)) {
        e = msg(f, ERR_INTERNAL, arena_printf(f->arena, "%s に一時ディレクトリを作れません。", tmpdir),
                arena_printf(f->arena, "Cannot create a temporary directory in %s.", tmpdir));
        free(r->tmp);
        r->tmp = NULL;
        goto fail;
    }
    n = strlen(r->tmp) + 16;
    r->db_path = xmalloc(n);
    snprintf(r->db_path, n, "%s/db.sqlite", r->tmp);
    char *sdir = arena_printf(f->arena, "%s/settings", r->tmp);
    if (mkdir(sdir, 0700) != 0) {
        e = fail_set(f, ERR_INTERNAL, NULL);
        goto fail;
    }
    if ((e = read_archive(archive, bkey, r->db_path, sdir, &r->index, &r->manifest, &hdr, f)) !=
        ERR_OK)
        goto fail;
    struct stat st;
    if (stat(r->db_path, &st) != 0) {
        e = msg(f, ERR_INVALID, "バックアップにデータベースがありません。",
                "The backup holds no database.");
        goto fail;
    }
    r->taken_at = json_integer_value(json_object_get(r->manifest, "taken_at"));
    r->id = xstrdup(bk_basename(archive));
    json_decref(hdr);
    *out = r;
    return ERR_OK;
fail:
    json_decref(hdr);
    bk_reader_close(r);
    return e;
}

const char *
bk_reader_db_path(const struct bk_reader *r)
{
    return r->db_path;
}

int64_t
bk_reader_taken_at(const struct bk_reader *r)
{
    return r->taken_at;
}

const char *
bk_reader_id(const struct bk_reader *r)
{
    return r->id;
}

json_t *
bk_reader_index(const struct bk_reader *r)
{
    return r->index;
}

json_t *
bk_reader_manifest(const struct bk_reader *r)
{
    return r->manifest;
}

const char *
bk_reader_dir(const struct bk_reader *r)
{
    return r->dir;
}

const char *
bk_reader_settings_dir(const struct bk_reader *r, struct arena *a)
{
    return arena_printf(a, "%s/settings", r->tmp);
}

static char *
cached_path(const struct bk_reader *r, const char *hash, struct arena *a)
{
    return arena_printf(a, "%s/blob-%s", r->tmp, hash);
}

enum err
bk_reader_prefetch(struct bk_reader *r, const char *const *hashes, size_t n, struct fail *f)
{
    json_t *want = json_object(); /* holder -> {hash: sha} */
    for (size_t i = 0; i < n; i++) {
        json_t *ent = json_object_get(r->index, hashes[i]);
        const char *holder = json_string_value(json_array_get(ent, 0));
        const char *sha = json_string_value(json_array_get(ent, 2));
        if (!holder || !sha || !safe_name(holder) || !safe_name(hashes[i]))
            continue;
        json_t *set = json_object_get(want, holder);
        if (!set)
            json_object_set_new(want, holder, set = json_object());
        json_object_set_new(set, hashes[i], json_string(sha));
    }
    enum err e = ERR_OK;
    const char *holder;
    json_t *set;
    char *buf = xmalloc(ARC_CHUNK);
    json_object_foreach(want, holder, set) {
        const char *path = strcmp(holder, r->id) == 0
                               ? r->path
                               : arena_printf(f->arena, "%s/%s", r->dir, holder);
        struct arc_reader *ar = NULL;
        if ((e = arc_reader_open(path, r->bkey, false, &ar, f)) != ERR_OK)
            break;
        size_t left = json_object_size(set);
        while (left) {
            char type;
            const char *name;
            uint64_t len;
            if ((e = arc_next(ar, &type, &name, &len, f)) != ERR_OK || !type)
                break;
            const char *sha = json_string_value(json_object_get(set, name));
            if (type != ARC_BLOB || !sha)
                continue;
            char *dst = cached_path(r, name, f->arena);
            char *tmp = arena_printf(f->arena, "%s.part", dst);
            FILE *out = fopen(tmp, "wb");
            if (!out) {
                e = fail_set(f, ERR_INTERNAL, NULL);
                break;
            }
            while (len && e == ERR_OK) {
                size_t k = len < ARC_CHUNK ? (size_t)len : ARC_CHUNK;
                if ((e = arc_read(ar, buf, k, f)) == ERR_OK && fwrite(buf, 1, k, out) != k)
                    e = fail_set(f, ERR_INTERNAL, NULL);
                len -= k;
            }
            if (fclose(out) != 0 && e == ERR_OK)
                e = fail_set(f, ERR_INTERNAL, NULL);
            if (e == ERR_OK && strcmp(arc_reader_entry_sha(ar), sha) != 0)
                e = msg(f, ERR_INVALID,
                        arena_printf(f->arena, "%s のファイル %s が目録と一致しません。", path, name),
                        arena_printf(f->arena, "Blob %s in %s does not match the manifest.", name, path));
            if (e != ERR_OK || rename(tmp, dst) != 0) {
                unlink(tmp);
                if (e == ERR_OK)
                    e = fail_set(f, ERR_INTERNAL, NULL);
                break;
            }
            left--;
        }
        arc_reader_close(ar);
        if (e != ERR_OK)
            break;
    }
    free(buf);
    json_decref(want);
    return e;
}

enum err
bk_reader_blob(struct bk_reader *r, const char *hash, struct strbuf *out, struct fail *f)
{
    json_t *ent = json_object_get(r->index, hash);
    const char *holder = json_string_value(json_array_get(ent, 0));
    const char *sha = json_string_value(json_array_get(ent, 2));
    if (!holder || !sha || !safe_name(holder) || !safe_name(hash))
        return ERR_FILE_NOT_FOUND;
    FILE *cached = fopen(cached_path(r, hash, f->arena), "rb");
    if (cached) { /* bk_reader_prefetch() checked it against the manifest */
        size_t start = out->len;
        char b[65536];
        size_t k;
        while ((k = fread(b, 1, sizeof(b), cached)) > 0)
            strbuf_add(out, b, k);
        bool bad = ferror(cached);
        fclose(cached);
        if (bad || !strbuf_ok(out)) {
            if (out->cap) {
                out->len = start;
                out->buf[start] = '\0';
            }
            return fail_set(f, bad ? ERR_INTERNAL : ERR_TOO_LARGE, NULL);
        }
        return ERR_OK;
    }
    const char *path = strcmp(holder, r->id) == 0
                           ? r->path
                           : arena_printf(f->arena, "%s/%s", r->dir, holder);
    struct arc_reader *ar = NULL;
    enum err e = arc_reader_open(path, r->bkey, false, &ar, f);
    if (e != ERR_OK) {
        if (access(path, F_OK) != 0)
            return msg(f, ERR_FILE_NOT_FOUND,
                       arena_printf(f->arena, "このバックアップが必要とする %s がありません。", path),
                       arena_printf(f->arena, "%s, which this backup needs, is missing.", path));
        return e;
    }
    size_t start = out->len;
    for (;;) {
        char type;
        const char *name;
        uint64_t len;
        if ((e = arc_next(ar, &type, &name, &len, f)) != ERR_OK)
            break;
        if (!type) {
            e = msg(f, ERR_FILE_NOT_FOUND,
                    arena_printf(f->arena, "%s にファイル %s がありません。", path, hash),
                    arena_printf(f->arena, "%s does not hold blob %s.", path, hash));
            break;
        }
        if (type != ARC_BLOB || strcmp(name, hash) != 0)
            continue;
        strbuf_grow(out, (size_t)len);
        if (!strbuf_ok(out)) {
            e = fail_set(f, ERR_TOO_LARGE, NULL);
            break;
        }
        if ((e = arc_read(ar, out->buf + start, (size_t)len, f)) != ERR_OK)
            break;
        out->len = start + (size_t)len;
        out->buf[out->len] = '\0';
        if (strcmp(arc_reader_entry_sha(ar), sha) != 0)
            e = msg(f, ERR_INVALID,
                    arena_printf(f->arena, "%s のファイル %s が目録と一致しません。", path, hash),
                    arena_printf(f->arena, "Blob %s in %s does not match the manifest.", hash, path));
        break;
    }
    arc_reader_close(ar);
    if (e != ERR_OK && out->cap) {
        out->len = start;
        out->buf[start] = '\0';
    }
    return e;
}

void
bk_reader_close(struct bk_reader *r)
{
    if (!r)
        return;
    if (r->tmp)
        bk_rm_tree(r->tmp);
    json_decref(r->index);
    json_decref(r->manifest);
    free(r->path);
    free(r->dir);
    free(r->id);
    free(r->tmp);
    free(r->db_path);
    free(r);
}
