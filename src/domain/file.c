/* file: attachment rows (table files) over the blob store; see file.h for the key lifecycle.
 * libmagic is not thread-safe per cookie, so one cookie is shared under a mutex: sniffing only
 * happens on uploads without a usable type, and it looks at the first MAGIC_BYTES only. */
#include "domain/file.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/blob.h"
#include "domain/file_sql.h"
#include "sec/sec.h"

#include <magic.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#define MAGIC_BYTES (1024 * 1024)
#define CONTENT_TYPE_MAX 127
#define OCTET_STREAM "application/octet-stream"

static pthread_mutex_t magic_mutex = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;
static bool magic_failed;

/* Caller holds magic_mutex. */
static void
magic_open_locked(void)
{
    if (magic_cookie || magic_failed)
        return;
    magic_cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
    if (!magic_cookie || magic_load(magic_cookie, NULL) != 0) {
        log_error("file: cannot load the libmagic database: %s",
                  magic_cookie ? magic_error(magic_cookie) : "magic_open failed");
        if (magic_cookie)
            magic_close(magic_cookie);
        magic_cookie = NULL;
        magic_failed = true;
    }
}

int
file_init(void)
{
    pthread_mutex_lock(&magic_mutex);
    magic_open_locked();
    int rc = magic_cookie ? 0 : -1;
    pthread_mutex_unlock(&magic_mutex);
    return rc;
}

void
file_shutdown(void)
{
    pthread_mutex_lock(&magic_mutex);
    if (magic_cookie)
        magic_close(magic_cookie);
    magic_cookie = NULL;
    magic_failed = false;
    pthread_mutex_unlock(&magic_mutex);
}

static const char *
sniff(struct arena *a, const void *data, size_t n)
{
    const char *type = NULL;
    pthread_mutex_lock(&magic_mutex);
    magic_open_locked();
    if (magic_cookie && n) {
        const char *t = magic_buffer(magic_cookie, data, n < MAGIC_BYTES ? n : MAGIC_BYTES);
        /* "inode/x-empty" and friends describe the buffer, not a media type. */
        if (t && strchr(t, '/') && strncmp(t, "inode/", 6) != 0)
            type = arena_strdup(a, t);
    }
    pthread_mutex_unlock(&magic_mutex);
    return type ? type : OCTET_STREAM;
}

/* The client's type is echoed in download headers: accept only "type/subtype[; params]" in
 * printable ASCII (no CR/LF injection), else sniff. */
static bool
content_type_usable(const char *t)
{
    if (!t || !*t)
        return false;
    size_t len = strlen(t);
    if (len > CONTENT_TYPE_MAX)
        return false;
    const char *slash = strchr(t, '/');
    if (!slash || slash == t || !slash[1] || slash[1] == ';')
        return false;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return false;
    size_t base = strcspn(t, "; ");
    if (base == strlen(OCTET_STREAM) && strncasecmp(t, OCTET_STREAM, base) == 0)
        return false; /* "I don't know": we may know better */
    return true;
}

const char *
file_clean_name(struct arena *a, const char *name)
{
    if (!name)
        return NULL;
    /* Old browsers send the whole client path ("C:\Users\x\a.txt"); multipart.c keeps
     * backslashes literal, so both separators are stripped here. */
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = strlen(base);
    if (n == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return NULL;
    if (!text_valid_utf8(base, n) || text_length(base, n) > FILE_NAME_MAX)
        return NULL;
    for (const char *p = base; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    return arena_strndup(a, base, n);
}

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("file: %s: %s", what, db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* Upload keys look like kintone's: a random UUID (version 4). */
static const char *
new_upload_key(struct arena *a)
{
    uint8_t r[16];
    sec_random(r, sizeof(r));
    r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
    r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
    return arena_printf(a,
                        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                        r[12], r[13], r[14], r[15]);
}

/* Download keys look like kintone's: UTC timestamp then random uppercase hex (46 chars). */
static const char *
new_download_key(struct arena *a, int64_t now)
{
    char ts[24], hex[33];
    clock_format_utc(now, ts); /* YYYY-MM-DDTHH:MM:SSZ */
    sec_random_hex(hex, 16);
    for (char *p = hex; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    return arena_printf(a, "%.4s%.2s%.2s%.2s%.2s%.2s%s", ts, ts + 5, ts + 8, ts + 11, ts + 14,
                        ts + 17, hex);
}

enum err
file_upload(struct ctx *c, const char *name, const char *content_type, const void *data,
            size_t n, const char **upload_key)
{
    *upload_key = NULL;
    const char *clean = file_clean_name(c->arena, name);
    if (!clean) {
        fail_field(c->fail, "file", MSG_BAD_PARAM, NULL);
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    const char *type = content_type_usable(content_type) ? content_type : sniff(c->arena, data, n);
    const char *key = new_upload_key(c->arena);
    bool own_tx = !db_in_tx(c->db);
    int rc;
    if (own_tx && (rc = db_begin(c->db, true)) != DB_OK)
        return db_fail(c, rc, "begin");
    char hash[BLOB_HASH_LEN + 1];
    enum err e = blob_put(c, data, n, hash);
    if (e == ERR_OK) {
        struct db_param p[] = { DBP_TEXT(key),
                                DBP_TEXTN(hash, BLOB_HASH_LEN),
                                DBP_TEXT(clean),
                                DBP_TEXT(type),
                                DBP_INT((int64_t)n),
                                DBP_TEXT(c->who.login ? c->who.login : ""),
                                DBP_INT(c->now),
                                DBP_NULL,
                                DBP_NULL };
        if ((rc = db_exec(c->db, FILE_SQL_INSERT, p, 9, NULL)) != DB_OK)
            e = db_fail(c, rc, "insert");
    }
    if (own_tx) {
        if (e == ERR_OK && (rc = db_commit(c->db)) != DB_OK)
            e = db_fail(c, rc, "commit");
        if (e != ERR_OK)
            db_rollback(c->db);
    }
    if (e == ERR_OK)
        *upload_key = key;
    return e;
}

/* 1 = found (meta filled), 0 = not found, <0 = database error (fail set). */
static int
lookup(struct ctx *c, const char *key, struct file_meta *m)
{
    memset(m, 0, sizeof(*m));
    if (!key || !*key || strlen(key) >= FILE_KEY_MAX)
        return 0;
    struct db_param p[] = { DBP_TEXT(key) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, FILE_SQL_GET, p, 1, &res);
    if (rc != DB_OK) {
        db_fail(c, rc, "get");
        return -1;
    }
    rc = db_step(res);
    if (rc == 1) {
        m->file_key = arena_strdup(c->arena, db_col_text(res, 0));
        m->blob_hash = arena_strdup(c->arena, db_col_text(res, 1));
        m->name = arena_strdup(c->arena, db_col_text(res, 2));
        m->content_type = arena_strdup(c->arena, db_col_text(res, 3));
        m->size = db_col_int(res, 4);
        m->creator = arena_strdup(c->arena, db_col_text(res, 5));
        m->created_at = db_col_int(res, 6);
        m->attached = !db_col_null(res, 8);
        m->app_id = db_col_null(res, 7) ? 0 : db_col_int(res, 7);
        m->record_id = m->attached ? db_col_int(res, 8) : 0;
    } else if (rc < 0) {
        db_fail(c, rc, "get");
    }
    db_res_free(res);
    return rc;
}

static bool
expired(const struct ctx *c, const struct file_meta *m)
{
    return !m->attached && c->now - m->created_at > FILE_UPLOAD_TTL;
}

enum err
file_attach(struct ctx *c, const char *upload_key, int64_t app_id, int64_t record_id,
            json_t **file_obj)
{
    *file_obj = NULL;
    struct file_meta m;
    int found = lookup(c, upload_key, &m);
    if (found < 0)
        return c->fail->code;
    if (!found || m.attached || expired(c, &m))
        return ERR_FILE_NOT_FOUND;
    const char *key = new_download_key(c->arena, c->now);
    struct db_param p[] = { DBP_TEXT(key),
                            DBP_TEXT(m.blob_hash),
                            DBP_TEXT(m.name),
                            DBP_TEXT(m.content_type),
                            DBP_INT(m.size),
                            DBP_TEXT(m.creator),
                            DBP_INT(c->now),
                            DBP_INT(app_id),
                            DBP_INT(record_id) };
    int rc = db_exec(c->db, FILE_SQL_INSERT, p, 9, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc, "attach");
    *file_obj = json_pack("{s:s, s:s, s:s, s:I}", "fileKey", key, "name", m.name, "contentType",
                          m.content_type, "size", (json_int_t)m.size);
    return ERR_OK;
}

enum err
file_get(struct ctx *c, const char *file_key, struct file_meta *meta, struct strbuf *data)
{
    int found = lookup(c, file_key, meta);
    if (found < 0)
        return c->fail->code;
    if (!found || expired(c, meta)) {
        memset(meta, 0, sizeof(*meta));
        return fail_set(c->fail, ERR_FILE_NOT_FOUND, file_key ? file_key : "");
    }
    if (!data)
        return ERR_OK;
    enum err e = blob_get(c, meta->blob_hash, data);
    if (e == ERR_FILE_NOT_FOUND) { /* a row without its blob: the foreign key should prevent it */
        log_error("file %s: blob %s is missing", file_key, meta->blob_hash);
        e = fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    return e;
}

static enum err
exec_count(struct ctx *c, const char *sql, const struct db_param *p, int np, int64_t *changes,
           const char *what)
{
    int64_t ch = 0;
    int rc = db_exec(c->db, sql, p, np, &ch);
    if (changes)
        *changes = rc == DB_OK ? ch : 0;
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, what);
}

enum err
file_delete_key(struct ctx *c, const char *file_key, int64_t *deleted)
{
    struct db_param p[] = { DBP_TEXT(file_key) };
    return exec_count(c, FILE_SQL_DELETE_KEY, p, 1, deleted, "delete key");
}

enum err
file_delete_record(struct ctx *c, int64_t app_id, int64_t record_id, int64_t *deleted)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    return exec_count(c, FILE_SQL_DELETE_RECORD, p, 2, deleted, "delete record");
}

enum err
file_purge_unattached(struct ctx *c, int64_t older_than_secs, int64_t *purged)
{
    if (purged)
        *purged = 0;
    if (db_in_tx(c->db)) {
        log_error("file_purge_unattached: called inside a transaction");
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    /* Rows first, in their own commit, then blobs: a crash between leaves only unreferenced
     * blobs, which the next purge removes. */
    struct db_param p[] = { DBP_INT(c->now - older_than_secs) };
    int64_t n = 0;
    enum err e = exec_count(c, FILE_SQL_PURGE, p, 1, &n, "purge");
    if (e != ERR_OK)
        return e;
    int64_t blobs = 0;
    e = blob_delete_unreferenced(c, &blobs);
    if (e == ERR_OK && (n || blobs))
        log_info("file: purged %lld unattached uploads, %lld blobs", (long long)n, (long long)blobs);
    if (purged)
        *purged = n;
    return e;
}
