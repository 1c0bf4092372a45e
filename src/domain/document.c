/* Issued documents of a record (see document.h): issuing from an uploaded PDF, delivery to the
 * applicant, the staff's and the applicant's lists, revocation and the /verify/ lookup. */
#include "domain/document.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/document_sql.h"
#include "domain/file.h"
#include "domain/portal.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#define DOC_TITLE_MAX 100
#define PDF_TYPE "application/pdf"

static const char *
tr(const struct ctx *c, const char *ja, const char *en)
{
    return c->lang == LANG_EN ? en : ja;
}

static enum err
doc_not_found(struct ctx *c)
{
    return fail_set(c->fail, ERR_NOT_FOUND, tr(c, "書類", "document"));
}

/* The record's current revision; ERR_RECORD_NOT_FOUND when it does not exist (or is deleted). */
static enum err
record_revision(struct ctx *c, int64_t app_id, int64_t record_id, int64_t *rev)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    bool found = false;
    int rc = db_query_int(c->db, DOC_SQL_RECORD_REVISION, p, 2, rev, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (!found)
        return fail_set(c->fail, ERR_RECORD_NOT_FOUND,
                        arena_printf(c->arena, "%lld", (long long)record_id));
    return ERR_OK;
}

/* A title is one line shown to the applicant: 1..100 characters, no control characters. */
static bool
check_title(struct ctx *c, const char *title)
{
    if (!title || text_blank(title)) {
        fail_field(c->fail, "title", MSG_REQUIRED, NULL);
        return false;
    }
    if (text_length(title, strlen(title)) > DOC_TITLE_MAX) {
        fail_field(c->fail, "title", MSG_TOO_LONG, "100");
        return false;
    }
    for (const unsigned char *s = (const unsigned char *)title; *s; s++) {
        if (*s < 0x20 || *s == 0x7f) {
            fail_field(c->fail, "title", MSG_BAD_PARAM, NULL);
            return false;
        }
    }
    return true;
}

/* The declared type alone is the client's word (file_upload keeps a usable one): the bytes
 * must also start like a PDF. */
static bool
is_pdf(const struct file_meta *m, const struct strbuf *data)
{
    size_t n = strcspn(m->content_type, "; ");
    return n == strlen(PDF_TYPE) && strncasecmp(m->content_type, PDF_TYPE, n) == 0 &&
           data->len >= 5 && memcmp(data->buf, "%PDF-", 5) == 0;
}

static enum err
not_pdf(struct ctx *c)
{
    fail_field(c->fail, "fileKey", MSG_TEXT,
               tr(c, "PDFファイルを指定してください。", "Specify a PDF file."));
    return ERR_INVALID;
}

/* Attaches the upload to the record and reads the copy back: its download key, SHA-256 and
 * size. A rejected upload leaves no download key behind. */
static enum err
attach_pdf(struct ctx *c, int64_t app_id, int64_t record_id, const char *upload_key,
           const char **file_key, char sha256[2 * crypto_hash_sha256_BYTES + 1], int64_t *size)
{
    json_t *obj = NULL;
    enum err e = file_attach(c, upload_key, app_id, record_id, &obj);
    if (e == ERR_FILE_NOT_FOUND) { /* file_attach leaves c->fail alone: report it on the field */
        fail_field(c->fail, "fileKey", MSG_BAD_FILE, upload_key);
        return ERR_INVALID;
    }
    if (e != ERR_OK)
        return e;
    const char *key = arena_strdup(c->arena, json_string_value(json_object_get(obj, "fileKey")));
    json_decref(obj);

    struct file_meta m;
    struct strbuf data;
    strbuf_init(&data, NULL, 0);
    e = file_get(c, key, &m, &data);
    if (e == ERR_OK && !strbuf_ok(&data))
        e = fail_set(c->fail, ERR_INTERNAL, NULL);
    if (e == ERR_OK && !is_pdf(&m, &data))
        e = not_pdf(c);
    if (e == ERR_OK) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)data.buf, data.len);
        sodium_bin2hex(sha256, 2 * crypto_hash_sha256_BYTES + 1, h, sizeof(h));
        *size = (int64_t)data.len;
        *file_key = key;
    }
    strbuf_release(&data);
    if (e != ERR_OK && file_delete_key(c, key, NULL) != ERR_OK)
        return c->fail->code;
    return e;
}

enum err
doc_issue(struct ctx *c, const struct app_def *d, int64_t record_id, const struct doc_in *in,
          int64_t *id, const char **file_key)
{
    int64_t rev = 0, new_id = 0, size = 0;
    const char *key = NULL;
    char sha256[2 * crypto_hash_sha256_BYTES + 1];
    enum err e = record_revision(c, d->id, record_id, &rev);
    if (e != ERR_OK)
        return e;
    bool ok = check_title(c, in->title);
    if (!in->upload_key || !*in->upload_key) {
        fail_field(c->fail, "fileKey", MSG_REQUIRED, NULL);
        ok = false;
    }
    if (!ok)
        return ERR_INVALID;
    e = attach_pdf(c, d->id, record_id, in->upload_key, &key, sha256, &size);
    if (e != ERR_OK)
        return e;

    const char *who = c->who.login ? c->who.login : "";
    struct db_param p[] = { DBP_INT(d->id),
                            DBP_INT(record_id),
                            DBP_TEXT(in->title),
                            DBP_TEXT(key),
                            DBP_TEXT(sha256),
                            DBP_INT(size),
                            DBP_TEXT(in->template_code ? in->template_code : ""),
                            DBP_INT(in->template_version),
                            DBP_INT(rev),
                            DBP_INT(c->now),
                            DBP_TEXT(who),
                            in->verify_code && *in->verify_code ? DBP_TEXT(in->verify_code)
                                                                : DBP_NULL };
    bool found = false;
    int rc = db_query_int(c->db, DOC_SQL_INSERT, p, 12, &new_id, &found);
    if (rc != DB_OK || !found)
        return app_db_fail(c, rc != DB_OK ? rc : DB_ERROR);
    audit_note(c, "document", json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)new_id, "fileKey",
                                        key, "sha256", sha256, "recordRevision", (json_int_t)rev));
    if (in->deliver && (e = doc_set_delivery(c, d, record_id, new_id, true)) != ERR_OK)
        return e;
    if (id)
        *id = new_id;
    if (file_key)
        *file_key = key;
    return ERR_OK;
}

enum err
doc_set_delivery(struct ctx *c, const struct app_def *d, int64_t record_id, int64_t id,
                 bool deliver)
{
    int64_t rev;
    enum err e = record_revision(c, d->id, record_id, &rev);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(id), DBP_INT(d->id), DBP_INT(record_id), DBP_INT(c->now),
                            DBP_TEXT(c->who.login ? c->who.login : "") };
    struct db_res *res = NULL;
    int rc = db_query(c->db, DOC_SQL_STATE, p, 3, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    bool revoked = false;
    rc = db_step(res);
    if (rc == 1)
        revoked = !db_col_null(res, 1);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return doc_not_found(c);
    if (deliver && revoked) {
        fail_field(c->fail, "id", MSG_TEXT,
                   tr(c, "取り消された書類は交付できません。",
                      "A revoked document cannot be delivered."));
        return ERR_INVALID;
    }
    int64_t changed = 0;
    rc = db_exec(c->db, deliver ? DOC_SQL_DELIVER : DOC_SQL_UNDELIVER, p, deliver ? 5 : 3,
                 &changed);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    audit_note(c, "delivery", json_pack("{s:I,s:b,s:b}", "id", (json_int_t)id, "deliver", deliver,
                                        "changed", changed > 0));
    /* only a document newly delivered tells the applicant: a repeated request sends nothing */
    if (deliver && changed > 0)
        return portal_notify(c, d->id, record_id, "区から書類が交付されました。",
                             "The ward has issued a document for your application.");
    return ERR_OK;
}

static json_t *
opt_int(struct db_res *res, int col)
{
    return db_col_null(res, col) ? json_null() : json_integer(db_col_int(res, col));
}

static json_t *
opt_text(struct db_res *res, int col)
{
    return db_col_null(res, col) ? json_null() : json_string(db_col_text(res, col));
}

/* One row of DOC_SQL_LIST_COLS; applicant: the applicant's copy. */
static json_t *
row_json(struct db_res *res, bool applicant)
{
    json_t *o = json_pack("{s:I,s:s,s:o,s:o,s:I,s:s,s:o,s:b,s:o,s:o,s:I}",
                          "id", (json_int_t)db_col_int(res, 0),
                          "title", db_col_text(res, 1),
                          "name", opt_text(res, 3),
                          "contentType", opt_text(res, 4),
                          "size", (json_int_t)db_col_int(res, 5),
                          "sha256", db_col_text(res, 6),
                          "verifyCode", opt_text(res, 10),
                          "delivered", !db_col_null(res, 11),
                          "deliveredAt", opt_int(res, 11),
                          "revokedAt", opt_int(res, 13),
                          "createdAt", (json_int_t)db_col_int(res, 14));
    if (!o || applicant)
        return o;
    json_object_set_new(o, "fileKey", json_string(db_col_text(res, 2)));
    json_object_set_new(o, "templateCode", json_string(db_col_text(res, 7)));
    json_object_set_new(o, "templateVersion", json_integer(db_col_int(res, 8)));
    json_object_set_new(o, "recordRevision", json_integer(db_col_int(res, 9)));
    json_object_set_new(o, "deliveredBy", opt_text(res, 12));
    json_object_set_new(o, "createdBy", json_string(db_col_text(res, 15)));
    return o;
}

enum err
doc_list(struct ctx *c, int64_t app_id, int64_t record_id, bool delivered_only, json_t **out)
{
    *out = NULL;
    int64_t rev;
    enum err e = record_revision(c, app_id, record_id, &rev);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, delivered_only ? DOC_SQL_LIST_DELIVERED : DOC_SQL_LIST, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    while ((rc = db_step(res)) == 1)
        json_array_append_new(list, row_json(res, delivered_only));
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{s:o}", "documents", list);
    return ERR_OK;
}

enum err
doc_get_delivered(struct ctx *c, int64_t app_id, int64_t record_id, int64_t id,
                  struct doc_file *out)
{
    memset(out, 0, sizeof(*out));
    struct db_param p[] = { DBP_INT(id), DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, DOC_SQL_GET_DELIVERED, p, 3, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        out->id = id;
        out->file_key = arena_strdup(c->arena, db_col_text(res, 0));
        out->name = arena_strdup(c->arena, db_col_text(res, 1));
        out->title = arena_strdup(c->arena, db_col_text(res, 2));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return rc == 1 ? ERR_OK : doc_not_found(c);
}

#define DOC_REASON_MAX 500

enum err
doc_revoke(struct ctx *c, const struct app_def *d, int64_t record_id, int64_t id,
           const char *reason)
{
    int64_t rev;
    enum err e = record_revision(c, d->id, record_id, &rev);
    if (e != ERR_OK)
        return e;
    if (!reason || text_blank(reason)) {
        fail_field(c->fail, "reason", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    if (text_length(reason, strlen(reason)) > DOC_REASON_MAX) {
        fail_field(c->fail, "reason", MSG_TOO_LONG, "500");
        return ERR_INVALID;
    }
    struct db_param p[] = { DBP_INT(id),      DBP_INT(d->id),
                            DBP_INT(record_id), DBP_INT(c->now),
                            DBP_TEXT(c->who.login ? c->who.login : ""),
                            DBP_TEXT(reason) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, DOC_SQL_STATE, p, 3, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    bool revoked = false;
    rc = db_step(res);
    if (rc == 1)
        revoked = !db_col_null(res, 1);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return doc_not_found(c);
    if (revoked) {
        fail_field(c->fail, "id", MSG_TEXT,
                   tr(c, "この書類はすでに取り消されています。",
                      "The document has already been revoked."));
        return ERR_INVALID;
    }
    rc = db_exec(c->db, DOC_SQL_REVOKE, p, 6, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    audit_note(c, "revoke", json_pack("{s:I,s:s}", "id", (json_int_t)id, "reason", reason));
    return ERR_OK;
}

enum err
doc_by_code(struct ctx *c, const char *code, struct doc_public *out)
{
    memset(out, 0, sizeof(*out));
    if (!code || !*code)
        return doc_not_found(c);
    struct db_param p[] = { DBP_TEXT(code) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, DOC_SQL_BY_CODE, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        out->title = arena_strdup(c->arena, db_col_text(res, 0));
        out->app_name = arena_strdup(c->arena, db_col_text(res, 1));
        out->sha256 = arena_strdup(c->arena, db_col_text(res, 2));
        out->created_at = db_col_int(res, 3);
        out->revoked_at = db_col_null(res, 4) ? 0 : db_col_int(res, 4);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return rc == 1 ? ERR_OK : doc_not_found(c);
}
