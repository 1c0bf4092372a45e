/* Applicants' drafts: one per applicant and form, answers encrypted at rest with the master
 * key (sec_encrypt), pinned to the form version they started on, expiring form_draft_days()
 * after the last save, with a reminder mail 3 days before; and their attachments. */
#include "form.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/auth.h"
#include "domain/file.h"
#include "domain/form_sql.h"
#include "domain/outbox.h"
#include "sec/sec.h"

#include <stdlib.h>
#include <string.h>

#define DRAFT_MAX_PLAIN (2 * 1024 * 1024)
#define REMIND_BEFORE (3 * 86400)

static void
decref(void *p)
{
    json_decref(p);
}

static enum err
seal(struct ctx *c, const json_t *answers, struct strbuf *out)
{
    const struct sec_key *k = auth_policy()->key;
    if (!k)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    char *plain = json_dumps(answers, JSON_COMPACT);
    if (!plain)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    size_t n = strlen(plain);
    strbuf_init(out, c->arena, sec_encrypted_len(DRAFT_MAX_PLAIN));
    enum err e = n > DRAFT_MAX_PLAIN ? ERR_TOO_LARGE : sec_encrypt(k, plain, n, out);
    sec_wipe(plain, n);
    free(plain);
    return e == ERR_OK ? ERR_OK : fail_set(c->fail, e, NULL);
}

static json_t *
unseal(struct ctx *c, const void *data, size_t n)
{
    const struct sec_key *k = auth_policy()->key;
    struct strbuf out;
    strbuf_init(&out, c->arena, DRAFT_MAX_PLAIN + 1);
    if (!k || sec_decrypt(k, data, n, &out) != ERR_OK)
        return NULL;
    json_t *j = json_loadb(out.buf, out.len, 0, NULL);
    sec_wipe(out.buf, out.len);
    if (j)
        arena_defer(c->arena, decref, j);
    return json_is_object(j) ? j : NULL;
}

enum err
form_draft_get(struct ctx *c, const struct applicant *a, const char *code, struct form_draft *d,
               bool *found)
{
    struct db_res *res;
    *found = false;
    int rc = db_query(c->db, FORM_SQL_DRAFT_GET,
                      (struct db_param[]){ DBP_INT(a->id), DBP_TEXT(code ? code : ""), DBP_INT(c->now) },
                      3, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (db_step(res) == 1) {
        d->id = db_col_int(res, 0);
        d->form_version = db_col_int(res, 1);
        d->step = db_col_int(res, 2);
        d->answers = unseal(c, db_col_blob(res, 3), db_col_len(res, 3));
        d->updated_at = db_col_int(res, 4);
        d->expires_at = db_col_int(res, 5);
        *found = d->answers != NULL;
    }
    db_res_free(res);
    return ERR_OK;
}

/* The draft (created empty on the current published version when absent) and its form. */
static enum err
draft_open(struct ctx *c, const struct applicant *a, const char *code, struct form *f,
           struct form_draft *d)
{
    struct form cur;
    bool found;
    enum err e = form_load(c, code, 0, &cur);
    if (e == ERR_OK)
        e = form_check_open(c, &cur);
    if (e == ERR_OK)
        e = form_draft_get(c, a, code, d, &found);
    if (e != ERR_OK)
        return e;
    if (found)
        return d->form_version == cur.version ? (*f = cur, ERR_OK) : form_load(c, code, d->form_version, f);
    *f = cur;
    int rc = db_exec(c->db, FORM_SQL_DRAFT_DROP_EXPIRED,
                     (struct db_param[]){ DBP_INT(a->id), DBP_INT(cur.id), DBP_INT(c->now) }, 3, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *none = json_object();
    arena_defer(c->arena, decref, none);
    struct strbuf sealed;
    if ((e = seal(c, none, &sealed)) != ERR_OK)
        return e;
    d->form_version = cur.version;
    d->step = 0;
    d->answers = none;
    d->updated_at = c->now;
    d->expires_at = c->now + (int64_t)form_draft_days() * 86400;
    rc = db_query_int(c->db, FORM_SQL_DRAFT_INSERT,
                      (struct db_param[]){ DBP_INT(cur.id), DBP_INT(cur.version), DBP_INT(a->id),
                                           DBP_BLOB(sealed.buf, sealed.len), DBP_INT(0), DBP_INT(c->now),
                                           DBP_INT(d->expires_at) },
                      7, &d->id, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

/* {code: count} of the draft's attachments; *total = their bytes. */
static enum err
file_counts(struct ctx *c, int64_t draft_id, json_t **out, json_t **list)
{
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_FILES, (struct db_param[]){ DBP_INT(draft_id) }, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *counts = json_object(), *l = json_array();
    while ((rc = db_step(res)) == 1) {
        const char *fc = db_col_text(res, 1);
        json_object_set_new(counts, fc, json_integer(json_integer_value(json_object_get(counts, fc)) + 1));
        json_array_append_new(l, json_pack("{sI ss ss ss ss sI}", "id", (json_int_t)db_col_int(res, 0),
                                           "field", fc, "uploadKey", db_col_text(res, 2), "name",
                                           db_col_text(res, 3), "contentType", db_col_text(res, 4),
                                           "size", (json_int_t)db_col_int(res, 5)));
    }
    db_res_free(res);
    arena_defer(c->arena, decref, counts);
    arena_defer(c->arena, decref, l);
    if (rc < 0)
        return app_db_fail(c, rc);
    *out = counts;
    if (list)
        *list = l;
    return ERR_OK;
}

/* The answers to evaluate: in's, or the stored ones with page in->step's fields replaced. */
static json_t *
merged(const struct form *f, const struct form_draft *d, const struct form_draft_in *in)
{
    if (!in->answers)
        return json_deep_copy(d->answers);
    if (!in->merge)
        return json_deep_copy(in->answers);
    json_t *out = json_deep_copy(d->answers), *page = form_page_fields(f, in->step);
    size_t i;
    json_t *code;
    json_array_foreach(page, i, code) {
        const char *k = json_string_value(code);
        json_object_del(out, k);
        json_t *v = json_object_get(in->answers, k);
        if (v)
            json_object_set(out, k, v);
    }
    json_decref(page);
    return out;
}

static enum err
remove_files(struct ctx *c, int64_t draft_id, const json_t *ids)
{
    size_t i;
    const json_t *id;
    json_array_foreach(ids, i, id) {
        if (!json_is_integer(id))
            continue;
        int rc = db_exec(c->db, FORM_SQL_FILE_DELETE,
                         (struct db_param[]){ DBP_INT(draft_id), DBP_INT(json_integer_value(id)) }, 2, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    return ERR_OK;
}

enum err
form_draft_put(struct ctx *c, const struct applicant *a, const char *code, const json_t *answers,
               int64_t step, struct form_draft *out, json_t **errors)
{
    struct form_draft_in in = { .answers = answers, .step = step };
    return form_draft_save(c, a, code, &in, out, errors);
}

enum err
form_draft_save(struct ctx *c, const struct applicant *a, const char *code,
                const struct form_draft_in *in, struct form_draft *out, json_t **errors)
{
    struct form f;
    json_t *counts;
    int64_t step = in->step;
    const json_t *answers = in->answers;
    if ((answers && !json_is_object(answers)) || (in->remove_files && !json_is_array(in->remove_files))) {
        fail_field(c->fail, answers && !json_is_object(answers) ? "answers" : "removeFiles", MSG_BAD_TYPE, NULL);
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    enum err e = draft_open(c, a, code, &f, out);
    if (e == ERR_OK)
        e = remove_files(c, out->id, in->remove_files);
    if (e == ERR_OK)
        e = file_counts(c, out->id, &counts, NULL);
    if (e != ERR_OK)
        return e;
    size_t npages = json_array_size(json_object_get(f.def, "pages"));
    if (step < 0 || (size_t)step >= npages) {
        fail_field(c->fail, "step", MSG_BAD_PARAM, NULL);
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    json_t *all = merged(&f, out, in), *clean;
    form_eval(c, &f, all, counts, (int)step, &clean, errors);
    json_decref(all);
    arena_defer(c->arena, decref, clean);
    struct strbuf sealed;
    if ((e = seal(c, clean, &sealed)) != ERR_OK) {
        json_decref(*errors);
        return e;
    }
    out->answers = clean;
    out->step = step;
    out->updated_at = c->now;
    out->expires_at = c->now + (int64_t)form_draft_days() * 86400;
    int rc = db_exec(c->db, FORM_SQL_DRAFT_UPDATE,
                     (struct db_param[]){ DBP_INT(out->id), DBP_BLOB(sealed.buf, sealed.len),
                                          DBP_INT(step), DBP_INT(c->now), DBP_INT(out->expires_at) },
                     5, NULL);
    if (rc != DB_OK) {
        json_decref(*errors);
        return app_db_fail(c, rc);
    }
    return ERR_OK;
}

enum err
form_draft_json(struct ctx *c, const struct form_draft *d, const char *code, json_t **out)
{
    json_t *counts, *files;
    enum err e = file_counts(c, d->id, &counts, &files);
    if (e != ERR_OK)
        return e;
    size_t i;
    json_t *x;
    json_array_foreach(files, i, x)
        json_object_del(x, "uploadKey"); /* the applicant needs no blob key */
    *out = json_pack("{sI ss sI sI sO sO sI sI}", "draftId", (json_int_t)d->id, "code", code, "version",
                     (json_int_t)d->form_version, "step", (json_int_t)d->step, "answers", d->answers,
                     "files", files, "updatedAt", (json_int_t)d->updated_at, "expiresAt",
                     (json_int_t)d->expires_at);
    return ERR_OK;
}

static bool
accepted(const json_t *accept, const char *type)
{
    if (!json_is_array(accept) || json_array_size(accept) == 0)
        return true;
    size_t i;
    const json_t *t;
    json_array_foreach(accept, i, t)
        if (json_is_string(t) && strcmp(json_string_value(t), type) == 0)
            return true;
    return false;
}

enum err
form_draft_file(struct ctx *c, const struct applicant *a, const char *code, const char *field,
                const char *name, const void *data, size_t n, json_t **out)
{
    struct form f;
    struct form_draft d;
    const json_t *fe;
    enum err e = draft_open(c, a, code, &f, &d);
    if (e != ERR_OK)
        return e;
    const char *type = field ? json_string_value(json_object_get(json_object_get(f.props, field), "type")) : NULL;
    if (!field || !form_field(&f, field, &fe) || !type || strcmp(type, "FILE") != 0) {
        fail_field(c->fail, "field", MSG_BAD_PARAM, NULL);
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    const json_t *rules = json_object_get(fe, "rules");
    json_int_t max = json_integer_value(json_object_get(rules, "maxBytes"));
    json_int_t total_max = json_integer_value(json_object_get(f.def, "maxTotalBytes"));
    int64_t total = 0;
    int rc = db_query_int(c->db, FORM_SQL_FILES_TOTAL, (struct db_param[]){ DBP_INT(d.id) }, 1, &total, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if ((max > 0 && (json_int_t)n > max) || (total_max > 0 && total + (json_int_t)n > total_max)) {
        fail_field(c->fail, "file", MSG_TEXT,
                   max > 0 && (json_int_t)n > max
                       ? arena_printf(c->arena, "ファイルが大きすぎます。%lldバイト以下にしてください。", (long long)max)
                       : "添付ファイルの合計サイズが上限を超えます。不要なファイルを削除してください。");
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    /* no client type: file_upload sniffs the content with libmagic */
    const char *key;
    struct file_meta meta;
    e = file_upload(c, name, NULL, data, n, &key);
    if (e == ERR_OK)
        e = file_get(c, key, &meta, NULL);
    if (e != ERR_OK)
        return e;
    if (!accepted(json_object_get(rules, "accept"), meta.content_type)) {
        fail_field(c->fail, "file", MSG_TEXT,
                   "このファイルの種類は添付できません。指定された形式（PDFなど）のファイルを選んでください。");
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    int64_t id;
    rc = db_query_int(c->db, FORM_SQL_FILE_INSERT,
                      (struct db_param[]){ DBP_INT(d.id), DBP_TEXT(field), DBP_TEXT(key), DBP_TEXT(meta.name),
                                           DBP_TEXT(meta.content_type), DBP_INT(meta.size), DBP_INT(c->now) },
                      7, &id, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *out = json_pack("{sI ss ss ss sI}", "id", (json_int_t)id, "field", field, "name", meta.name,
                     "contentType", meta.content_type, "size", (json_int_t)meta.size);
    return ERR_OK;
}

static enum err
remind(struct ctx *c, int64_t *reminded)
{
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_TO_REMIND,
                      (struct db_param[]){ DBP_INT(c->now), DBP_INT(c->now + REMIND_BEFORE) }, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct item { int64_t id, expires; const char *to, *code, *title; } items[200];
    int n = 0;
    while (n < 200 && (rc = db_step(res)) == 1) {
        json_t *def = json_loads(db_col_text(res, 4), 0, NULL);
        const char *t = json_string_value(json_object_get(def, "title"));
        items[n] = (struct item){ db_col_int(res, 0), db_col_int(res, 3), arena_strdup(c->arena, db_col_text(res, 1)),
                                  arena_strdup(c->arena, db_col_text(res, 2)), arena_strdup(c->arena, t ? t : "") };
        json_decref(def);
        n++;
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    for (int i = 0; i < n; i++) {
        char date[16];
        clock_format_date((items[i].expires + 9 * 3600) / 86400, date);
        const char *body = arena_printf(
            c->arena,
            "申請「%s」の入力途中の内容（下書き）は、%s に削除されます。\n"
            "続きを入力する場合は、期限までに申請ページ（/apply/%s）を開き、同じメールアドレスで確認してください。\n"
            "このメールに心当たりがない場合は、破棄してください。\n\n"
            "Your saved draft of \"%s\" will be deleted on %s. Open /apply/%s and verify the same e-mail "
            "address to continue.\n",
            items[i].title, date, items[i].code, items[i].title, date, items[i].code);
        struct outbox_msg m = { .to = items[i].to, .subject = arena_printf(c->arena, "【下書きの削除予定】%s", items[i].title),
                                .body = body, .kind = "draft_reminder",
                                .ref = arena_printf(c->arena, "draft:%lld", (long long)items[i].id) };
        enum err e = outbox_add(c, &m, NULL);
        if (e != ERR_OK)
            return e;
        rc = db_exec(c->db, FORM_SQL_REMINDED, (struct db_param[]){ DBP_INT(items[i].id), DBP_INT(c->now) }, 2, NULL);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
    }
    if (reminded)
        *reminded = n;
    return ERR_OK;
}

enum err
form_drafts_housekeeping(struct ctx *c, int64_t *reminded, int64_t *deleted)
{
    int rc = db_begin(c->db, true);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    enum err e = remind(c, reminded);
    if (e == ERR_OK) {
        struct db_param p = DBP_INT(c->now);
        rc = db_exec(c->db, FORM_SQL_EXPIRED_FILES, &p, 1, NULL);
        if (rc == DB_OK)
            rc = db_exec(c->db, FORM_SQL_EXPIRED, &p, 1, deleted);
        if (rc == DB_OK)
            rc = db_exec(c->db, FORM_SQL_KEEP_UPLOADS, &p, 1, NULL);
        if (rc != DB_OK)
            e = app_db_fail(c, rc);
    }
    if (e != ERR_OK) {
        db_rollback(c->db);
        return e;
    }
    rc = db_commit(c->db);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}
