/* blob: encrypted, deduplicated file contents; see blob.h for the storage and concurrency rules.
 * Stored payload (before encryption): one format byte, 'Z' = zstd frame follows, 'R' = raw
 * bytes follow. The byte sits inside the ciphertext, so it is authenticated like the rest. */
#include "domain/blob.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob_sql.h"
#include "sec/sec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define BLOB_ZSTD_LEVEL 3
#define FMT_ZSTD 'Z'
#define FMT_RAW 'R'

/* Set once by blob_init() before workers start; read-only afterwards. */
static char *blob_dir;
static const struct sec_key *blob_key;

static int
mkdir_if_missing(const char *path, bool *created)
{
    if (created)
        *created = false;
    if (mkdir(path, 0700) == 0) {
        if (created)
            *created = true;
        return 0;
    }
    struct stat st;
    return errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

int
blob_init(const char *dir, const struct sec_key *key)
{
    blob_shutdown();
    blob_key = key;
    if (!dir)
        return 0;
    if (mkdir_if_missing(dir, NULL) < 0) {
        log_error("blob: cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    blob_dir = xstrdup(dir);
    return 0;
}

void
blob_shutdown(void)
{
    free(blob_dir);
    blob_dir = NULL;
    blob_key = NULL;
}

bool
blob_hash_valid(const char *s)
{
    if (!s)
        return false;
    for (int i = 0; i < BLOB_HASH_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[BLOB_HASH_LEN] == '\0';
}

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("blob: %s: %s", what, db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static enum err
internal(struct ctx *c)
{
    return fail_set(c->fail, ERR_INTERNAL, NULL);
}

/* Ciphertext in the database (PostgreSQL, or SQLite without a blob directory) or in files. */
static bool
stored_in_db(const struct ctx *c)
{
    return db_kind(c->db) == DB_PG || !blob_dir;
}

static char *
blob_path(struct arena *a, const char *hash)
{
    return arena_printf(a, "%s/%.2s/%s", blob_dir, hash, hash + 2);
}

/* ---- payload encoding ---- */

/* Compresses (when that helps) and encrypts data into ct (heap strbuf). */
static enum err
encode(const void *data, size_t n, struct strbuf *ct)
{
    size_t bound = ZSTD_compressBound(n);
    if (ZSTD_isError(bound))
        return ERR_TOO_LARGE;
    size_t cap = 1 + (bound > n ? bound : n);
    char *buf = xmalloc(cap);
    size_t z = ZSTD_compress(buf + 1, cap - 1, data, n, BLOB_ZSTD_LEVEL);
    size_t len;
    if (!ZSTD_isError(z) && z < n) {
        buf[0] = FMT_ZSTD;
        len = 1 + z;
    } else { /* already compressed media, tiny files: store as is */
        buf[0] = FMT_RAW;
        if (n)
            memcpy(buf + 1, data, n);
        len = 1 + n;
    }
    enum err e = sec_encrypt(blob_key, buf, len, ct);
    free(buf);
    return e;
}

/* Decrypts ct and appends the plaintext to out; checks size and address. */
static enum err
decode(const char *hash, int64_t size, const void *ct, size_t ctlen, struct strbuf *out)
{
    struct strbuf pt;
    strbuf_init(&pt, NULL, 0);
    size_t start = out->len;
    enum err e = ERR_INTERNAL;
    if (sec_decrypt(blob_key, ct, ctlen, &pt) != ERR_OK || pt.len < 1 || size < 0) {
        log_error("blob %s: does not decrypt (tampered, truncated or another master key)", hash);
        goto done;
    }
    size_t want = (size_t)size;
    if (pt.buf[0] == FMT_RAW) {
        if (pt.len - 1 != want) {
            log_error("blob %s: stored size %zu, expected %zu", hash, pt.len - 1, want);
            goto done;
        }
        strbuf_add(out, pt.buf + 1, want);
    } else if (pt.buf[0] == FMT_ZSTD) {
        unsigned long long fs = ZSTD_getFrameContentSize(pt.buf + 1, pt.len - 1);
        if (fs != (unsigned long long)want) {
            log_error("blob %s: zstd frame size %llu, expected %zu", hash, fs, want);
            goto done;
        }
        strbuf_grow(out, want);
        if (strbuf_ok(out)) {
            size_t got = ZSTD_decompress(out->buf + start, want, pt.buf + 1, pt.len - 1);
            if (ZSTD_isError(got) || got != want) {
                log_error("blob %s: zstd: %s", hash,
                          ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short frame");
                goto done;
            }
            out->len = start + want;
            out->buf[out->len] = '\0';
        }
    } else {
        log_error("blob %s: unknown payload format 0x%02x", hash, (unsigned char)pt.buf[0]);
        goto done;
    }
    if (!strbuf_ok(out)) {
        e = ERR_TOO_LARGE;
        goto done;
    }
    char check[SEC_HEX256_MAX];
    sec_key_mac_hex(blob_key, SEC_PURPOSE_ADDRESS, out->buf + start, want, check);
    if (!sec_equal(check, hash, BLOB_HASH_LEN)) {
        log_error("blob %s: content does not match its address", hash);
        goto done;
    }
    e = ERR_OK;
done:
    if (e != ERR_OK && out->cap) { /* cap == 0: nothing was ever written */
        out->len = start;
        out->buf[start] = '\0';
    }
    sec_wipe(pt.buf, pt.len);
    strbuf_release(&pt);
    return e;
}

/* ---- files on disk (SQLite) ---- */

static bool
write_full(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static int
fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* temp file + fsync + rename + fsync(dir): after a crash the file is either absent or whole. */
static enum err
file_write_atomic(struct ctx *c, const char *hash, const struct strbuf *ct)
{
    char *sub = arena_printf(c->arena, "%s/%.2s", blob_dir, hash);
    char *path = blob_path(c->arena, hash);
    char rnd[17];
    sec_random_hex(rnd, 8);
    char *tmp = arena_printf(c->arena, "%s/.tmp-%s", sub, rnd);
    bool created;
    if (mkdir_if_missing(sub, &created) < 0 || (created && fsync_dir(blob_dir) < 0)) {
        log_error("blob: cannot create %s: %s", sub, strerror(errno));
        return internal(c);
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("blob: cannot create %s: %s", tmp, strerror(errno));
        return internal(c);
    }
    bool ok = write_full(fd, ct->buf, ct->len) && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0 || fsync_dir(sub) != 0) {
        log_error("blob: cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return internal(c);
    }
    return ERR_OK;
}

static enum err
file_read(struct ctx *c, const char *hash, struct strbuf *ct)
{
    char *path = blob_path(c->arena, hash);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_error("blob: cannot open %s: %s", path, strerror(errno));
        return internal(c);
    }
    struct stat st;
    enum err e = ERR_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        e = internal(c);
        goto done;
    }
    strbuf_grow(ct, (size_t)st.st_size);
    for (;;) {
        char buf[65536];
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            log_error("blob: cannot read %s: %s", path, strerror(errno));
            e = internal(c);
            break;
        }
        if (r == 0)
            break;
        strbuf_add(ct, buf, (size_t)r);
    }
done:
    close(fd);
    return e;
}

static bool
file_exists(struct ctx *c, const char *hash)
{
    struct stat st;
    return stat(blob_path(c->arena, hash), &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- public API ---- */

/* found: -1 = query failed (fail set), 0 = no row, 1 = row (size in *size) */
static int
lookup(struct ctx *c, const char *hash, int64_t *size)
{
    struct db_param p[] = { DBP_TEXT(hash) };
    bool found = false;
    int rc = db_query_int(c->db, BLOB_SQL_EXISTS, p, 1, size, &found);
    if (rc != DB_OK) {
        db_fail(c, rc, "lookup");
        return -1;
    }
    return found;
}

enum err
blob_put(struct ctx *c, const void *data, size_t n, char hash[BLOB_HASH_LEN + 1])
{
    hash[0] = '\0';
    if (!blob_key) {
        log_error("blob: blob_init() was not called");
        return internal(c);
    }
    if (n > INT64_MAX)
        return fail_set(c->fail, ERR_TOO_LARGE, NULL);
    sec_key_mac_hex(blob_key, SEC_PURPOSE_ADDRESS, data, n, hash);
    bool own_tx = !db_in_tx(c->db);
    struct strbuf ct;
    strbuf_init(&ct, NULL, 0);
    enum err e = ERR_OK;
    int rc;
    if (own_tx && (rc = db_begin(c->db, true)) != DB_OK)
        return db_fail(c, rc, "begin");
    int64_t size = 0;
    int found = lookup(c, hash, &size);
    if (found < 0) {
        e = c->fail->code;
        goto done;
    }
    bool in_db = stored_in_db(c);
    /* A row whose file is gone: an interrupted blob_delete_unreferenced(); write it again. */
    if (found && (in_db || file_exists(c, hash)))
        goto done;
    if ((e = encode(data, n, &ct)) != ERR_OK) {
        fail_set(c->fail, e, NULL);
        goto done;
    }
    if (!in_db && (e = file_write_atomic(c, hash, &ct)) != ERR_OK)
        goto done;
    if (!found) {
        struct db_param p[] = { DBP_TEXT(hash), DBP_INT((int64_t)n), DBP_INT(c->now),
                                in_db ? DBP_BLOB(ct.buf, ct.len) : DBP_NULL };
        if ((rc = db_exec(c->db, BLOB_SQL_INSERT, p, 4, NULL)) != DB_OK) {
            e = db_fail(c, rc, "insert");
            goto done;
        }
    }
done:
    strbuf_release(&ct);
    if (own_tx) {
        if (e == ERR_OK && (rc = db_commit(c->db)) != DB_OK)
            e = db_fail(c, rc, "commit");
        if (e != ERR_OK)
            db_rollback(c->db);
    }
    if (e != ERR_OK)
        hash[0] = '\0';
    return e;
}

enum err
blob_size(struct ctx *c, const char *hash, int64_t *size)
{
    *size = 0;
    if (!blob_hash_valid(hash))
        return ERR_FILE_NOT_FOUND;
    int found = lookup(c, hash, size);
    return found < 0 ? c->fail->code : found ? ERR_OK : ERR_FILE_NOT_FOUND;
}

enum err
blob_get(struct ctx *c, const char *hash, struct strbuf *out)
{
    if (!blob_key) {
        log_error("blob: blob_init() was not called");
        return internal(c);
    }
    if (!blob_hash_valid(hash)) /* also keeps user input out of file paths */
        return ERR_FILE_NOT_FOUND;
    struct db_param p[] = { DBP_TEXT(hash) };
    struct db_res *res = NULL;
    struct strbuf ct;
    strbuf_init(&ct, NULL, 0);
    int rc = db_query(c->db, BLOB_SQL_GET, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc, "get");
    enum err e;
    rc = db_step(res);
    if (rc < 0) {
        e = db_fail(c, rc, "get");
        goto done;
    }
    if (rc == 0) {
        e = ERR_FILE_NOT_FOUND;
        goto done;
    }
    int64_t size = db_col_int(res, 0);
    bool has_data = !db_col_null(res, 1);
    if (has_data)
        strbuf_add(&ct, db_col_blob(res, 1), db_col_len(res, 1));
    db_res_free(res);
    res = NULL;
    if (!has_data) {
        if (!blob_dir) {
            log_error("blob %s: no data in the database and no blob directory", hash);
            e = internal(c);
            goto done;
        }
        if ((e = file_read(c, hash, &ct)) != ERR_OK)
            goto done;
    }
    e = decode(hash, size, ct.buf, ct.len, out);
    if (e != ERR_OK)
        fail_set(c->fail, e, NULL);
done:
    if (res)
        db_res_free(res);
    strbuf_release(&ct);
    return e;
}

enum err
blob_delete_unreferenced(struct ctx *c, int64_t *deleted)
{
    if (deleted)
        *deleted = 0;
    if (db_in_tx(c->db)) {
        log_error("blob_delete_unreferenced: called inside a transaction");
        return internal(c);
    }
    int rc = db_begin(c->db, true);
    if (rc != DB_OK)
        return db_fail(c, rc, "begin");
    enum err e = ERR_OK;
    struct db_res *res = NULL;
    size_t n = 0, cap = 16;
    char **hashes = arena_alloc(c->arena, cap * sizeof(*hashes));
    if ((rc = db_query(c->db, BLOB_SQL_UNREFERENCED, NULL, 0, &res)) != DB_OK) {
        e = db_fail(c, rc, "unreferenced");
        goto done;
    }
    /* Collect first: no statements while the cursor is open (PostgreSQL single-row mode). */
    while ((rc = db_step(res)) == 1) {
        if (n == cap) {
            char **bigger = arena_alloc(c->arena, 2 * cap * sizeof(*hashes));
            memcpy(bigger, hashes, cap * sizeof(*hashes));
            hashes = bigger;
            cap *= 2;
        }
        hashes[n++] = arena_strdup(c->arena, db_col_text(res, 0));
    }
    db_res_free(res);
    if (rc < 0) {
        e = db_fail(c, rc, "unreferenced");
        goto done;
    }
    bool files = !stored_in_db(c);
    for (size_t i = 0; i < n; i++) {
        struct db_param p[] = { DBP_TEXT(hashes[i]) };
        int64_t changes = 0;
        if ((rc = db_exec(c->db, BLOB_SQL_DELETE_IF_UNREFERENCED, p, 1, &changes)) != DB_OK) {
            e = db_fail(c, rc, "delete");
            goto done;
        }
        if (!changes)
            continue;
        if (deleted)
            (*deleted)++;
        if (files && blob_hash_valid(hashes[i])) {
            char *path = blob_path(c->arena, hashes[i]);
            if (unlink(path) != 0 && errno != ENOENT)
                log_warn("blob: cannot remove %s: %s", path, strerror(errno));
        }
    }
    if ((rc = db_commit(c->db)) != DB_OK)
        e = db_fail(c, rc, "commit");
done:
    if (e != ERR_OK) {
        db_rollback(c->db);
        if (deleted)
            *deleted = 0;
    }
    return e;
}

/* ---- stored form (backup, restore) ---- */

enum err
blob_stored_get(struct ctx *c, const char *hash, struct strbuf *out)
{
    if (!blob_hash_valid(hash))
        return ERR_FILE_NOT_FOUND;
    struct db_param p[] = { DBP_TEXT(hash) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, BLOB_SQL_GET, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc, "stored get");
    rc = db_step(res);
    if (rc <= 0) {
        enum err e = rc < 0 ? db_fail(c, rc, "stored get") : ERR_FILE_NOT_FOUND;
        db_res_free(res);
        return e;
    }
    bool has_data = !db_col_null(res, 1);
    if (has_data)
        strbuf_add(out, db_col_blob(res, 1), db_col_len(res, 1));
    db_res_free(res);
    if (has_data)
        return strbuf_ok(out) ? ERR_OK : fail_set(c->fail, ERR_TOO_LARGE, NULL);
    if (!blob_dir) {
        log_error("blob %s: no data in the database and no blob directory", hash);
        return internal(c);
    }
    return file_read(c, hash, out);
}

/* Plaintext size a stored form announces (checked again by decode()); -1 when it does not
 * decrypt or is malformed. */
static int64_t
stored_plain_size(const void *stored, size_t n)
{
    struct strbuf pt;
    strbuf_init(&pt, NULL, 0);
    int64_t size = -1;
    if (sec_decrypt(blob_key, stored, n, &pt) == ERR_OK && pt.len >= 1) {
        if (pt.buf[0] == FMT_RAW) {
            size = (int64_t)(pt.len - 1);
        } else if (pt.buf[0] == FMT_ZSTD) {
            unsigned long long fs = ZSTD_getFrameContentSize(pt.buf + 1, pt.len - 1);
            if (fs != ZSTD_CONTENTSIZE_ERROR && fs != ZSTD_CONTENTSIZE_UNKNOWN && fs <= INT64_MAX)
                size = (int64_t)fs;
        }
    }
    sec_wipe(pt.buf, pt.len);
    strbuf_release(&pt);
    return size;
}

enum err
blob_stored_put(struct ctx *c, const char *hash, const void *stored, size_t n)
{
    if (!blob_key) {
        log_error("blob: blob_init() was not called");
        return internal(c);
    }
    if (!blob_hash_valid(hash))
        return fail_set(c->fail, ERR_INVALID, NULL);
    int64_t size = stored_plain_size(stored, n);
    struct strbuf pt;
    strbuf_init(&pt, NULL, 0);
    enum err e = size < 0 ? ERR_INTERNAL : decode(hash, size, stored, n, &pt);
    sec_wipe(pt.buf, pt.len);
    strbuf_release(&pt);
    if (e != ERR_OK) {
        log_error("blob %s: refused a stored form that does not match its address", hash);
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    bool in_db = stored_in_db(c);
    if (!in_db) {
        struct strbuf ct = { .buf = (char *)stored, .len = n, .cap = n };
        if ((e = file_write_atomic(c, hash, &ct)) != ERR_OK)
            return e;
    }
    struct db_param p[] = { DBP_TEXT(hash), DBP_INT(size), DBP_INT(c->now),
                            in_db ? DBP_BLOB(stored, n) : DBP_NULL };
    int rc = db_exec(c->db, BLOB_SQL_INSERT, p, 4, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc, "stored insert");
    if (in_db) {
        struct db_param q[] = { DBP_TEXT(hash), DBP_BLOB(stored, n) };
        if ((rc = db_exec(c->db, BLOB_SQL_SET_DATA, q, 2, NULL)) != DB_OK)
            return db_fail(c, rc, "stored update");
    }
    return ERR_OK;
}
