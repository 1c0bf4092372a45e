/* Submission of a draft: exactly once (the draft row is the idempotency anchor: it is deleted
 * in the same transaction that creates the record and its record_owners row, so a repeat finds
 * record_owners instead of a draft), with the receipt number, the record in the bound app
 * (created by the system principal "applicant"; the app's process gives it its first status),
 * the attachments moved to the record and the confirmation mail queued. */
#include "form.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/form_sql.h"
#include "domain/numbering.h"
#include "domain/outbox.h"
#include "domain/record.h"

#include <string.h>

static enum err
owner_lookup(struct ctx *c, const char *sql, const struct db_param *p, int np,
             struct form_receipt *out, bool *found)
{
    struct db_res *res;
    int rc = db_query(c->db, sql, p, np, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *found = db_step(res) == 1;
    if (*found) {
        out->receipt_no = arena_strdup(c->arena, db_col_text(res, 0));
        out->app_id = db_col_int(res, 1);
        out->record_id = db_col_int(res, 2);
        out->repeated = true;
    }
    db_res_free(res);
    return ERR_OK;
}

static void
decref(void *p)
{
    json_decref(p);
}

static const char *
value_text(struct ctx *c, const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x) {
        if (i)
            strbuf_adds(&sb, "、");
        strbuf_adds(&sb, json_string_value(x));
    }
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

/* The kintone write shape of the visible answers and attachments. */
static json_t *
record_of(struct ctx *c, const struct form *f, const json_t *clean, const json_t *files)
{
    json_t *rec = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)clean, k, v)
        json_object_set_new(rec, k, json_pack("{sO}", "value", v));
    size_t i;
    const json_t *x;
    json_array_foreach(files, i, x) {
        const char *code = json_string_value(json_object_get(x, "field"));
        if (!form_visible(c, f, clean, code))
            continue;
        json_t *fv = json_object_get(rec, code);
        if (!fv) {
            fv = json_pack("{s[]}", "value");
            json_object_set_new(rec, code, fv);
        }
        json_array_append_new(json_object_get(fv, "value"),
                              json_pack("{sO}", "fileKey", json_object_get(x, "uploadKey")));
    }
    return rec;
}

static const char *
mail_body(struct ctx *c, const struct form *f, const json_t *rec, const char *receipt)
{
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    const char *title = json_string_value(json_object_get(f->def, "title"));
    strbuf_addf(&sb, "「%s」の申請を受け付けました。\n\n受付番号：%s\n\n", title ? title : "", receipt);
    strbuf_adds(&sb, "お問い合わせの際は受付番号をお伝えください。\n\n■ 申請内容\n");
    size_t i, j, k;
    const json_t *pg, *sec, *fe;
    json_array_foreach(json_object_get(f->def, "pages"), i, pg)
        json_array_foreach(json_object_get(pg, "sections"), j, sec)
            json_array_foreach(json_object_get(sec, "fields"), k, fe) {
                const char *code = json_string_value(json_object_get(fe, "code"));
                const json_t *v = json_object_get(json_object_get(rec, code), "value");
                if (!v)
                    continue;
                const char *label = form_field_label(c, f, code);
                if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
                    strbuf_addf(&sb, "%s：添付ファイル\n", label);
                    size_t n;
                    const json_t *x;
                    json_array_foreach(v, n, x)
                        strbuf_addf(&sb, "　・%s\n", json_string_value(json_object_get(x, "name")));
                } else {
                    strbuf_addf(&sb, "%s：%s\n", label, value_text(c, v));
                }
            }
    strbuf_adds(&sb, "\nこのメールは送信専用です。心当たりがない場合は、担当窓口にご連絡ください。\n\n"
                     "(English) Your application has been received. Please quote the receipt number above "
                     "in any enquiry.\n");
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

/* Puts the file names into the mail's copy of the record. */
static void
name_files(const json_t *rec, const json_t *files)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)rec, k, v) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(v, "value"), i, x) {
            if (!json_is_object(x))
                continue;
            size_t n;
            const json_t *fl;
            json_array_foreach(files, n, fl)
                if (json_equal(json_object_get(fl, "uploadKey"), json_object_get(x, "fileKey")))
                    json_object_set(x, "name", json_object_get(fl, "name"));
        }
    }
}

static enum err
create(struct ctx *c, const struct form *f, const json_t *rec, int64_t *id)
{
    struct app_def d;
    enum err e = app_load(c, f->app_id, false, &d);
    if (e != ERR_OK)
        return e;
    struct principal saved = c->who;
    memset(&c->who, 0, sizeof(c->who));
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "applicant";
    c->who.name = "申請者（オンライン申請）";
    int64_t rev;
    e = rec_create(c, &d, rec, "record", 0, id, &rev);
    c->who = saved;
    return e;
}

enum err
form_submit(struct ctx *c, const struct applicant *a, const char *code, const char *key,
            struct form_receipt *out)
{
    struct form_draft d;
    struct form f, cur;
    bool found;
    memset(out, 0, sizeof(*out));
    if (!key)
        key = "";
    struct db_param byk[] = { DBP_INT(a->id), DBP_TEXT(code ? code : ""), DBP_TEXT(key) };
    enum err e = form_draft_get(c, a, code, &d, &found);
    if (e != ERR_OK)
        return e;
    if (!found) {
        e = owner_lookup(c, FORM_SQL_OWNER_BY_KEY, byk, 3, out, &found);
        if (e == ERR_OK && !found)
            e = fail_with_message(c->fail, ERR_NOT_FOUND,
                                  "申請の下書きが見つかりません。期限切れの可能性があります。最初から入力してください。");
        return e;
    }
    /* deleting first takes the row lock: a concurrent submit of the same draft waits here,
     * then deletes nothing and answers with the first one's receipt */
    int64_t n = 0;
    int rc = db_exec(c->db, FORM_SQL_DRAFT_DELETE, (struct db_param[]){ DBP_INT(d.id) }, 1, &n);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (n == 0) {
        e = owner_lookup(c, FORM_SQL_OWNER_BY_DRAFT, (struct db_param[]){ DBP_INT(d.id) }, 1, out, &found);
        if (e == ERR_OK && !found)
            e = fail_set(c->fail, ERR_NOT_FOUND, "申請の下書き");
        return e;
    }
    e = form_load(c, code, 0, &cur);
    if (e == ERR_OK)
        e = form_check_open(c, &cur);
    if (e == ERR_OK)
        e = form_load(c, code, d.form_version, &f);
    if (e != ERR_OK)
        return e;
    struct db_res *res;
    rc = db_query(c->db, FORM_SQL_FILES, (struct db_param[]){ DBP_INT(d.id) }, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *files = json_array(), *counts = json_object();
    arena_defer(c->arena, decref, files);
    arena_defer(c->arena, decref, counts);
    while ((rc = db_step(res)) == 1) {
        const char *fc = db_col_text(res, 1);
        json_object_set_new(counts, fc, json_integer(json_integer_value(json_object_get(counts, fc)) + 1));
        json_array_append_new(files, json_pack("{ss ss ss}", "field", fc, "uploadKey", db_col_text(res, 2),
                                               "name", db_col_text(res, 3)));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    json_t *clean, *errors;
    form_eval(c, &f, d.answers, counts, -1, &clean, &errors);
    arena_defer(c->arena, decref, clean);
    arena_defer(c->arena, decref, errors);
    if (json_object_size(errors)) {
        const char *fk;
        json_t *fv;
        json_object_foreach(errors, fk, fv)
            fail_field(c->fail, fk, MSG_TEXT, json_string_value(json_array_get(json_object_get(fv, "messages"), 0)));
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    json_t *rec = record_of(c, &f, clean, files);
    arena_defer(c->arena, decref, rec);
    const char *receipt;
    if ((e = num_next_formatted(c, json_object_get(f.def, "receipt"), &receipt)) != ERR_OK)
        return e;
    int64_t id;
    if ((e = create(c, &f, rec, &id)) != ERR_OK)
        return e;
    rc = db_exec(c->db, FORM_SQL_OWNER_INSERT,
                 (struct db_param[]){ DBP_INT(f.app_id), DBP_INT(id), DBP_INT(a->id), DBP_TEXT(receipt),
                                      DBP_TEXT(code), DBP_INT(f.version), DBP_INT(d.id), DBP_TEXT(key),
                                      DBP_INT(c->now) },
                 9, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, FORM_SQL_FILES_DELETE, (struct db_param[]){ DBP_INT(d.id) }, 1, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    name_files(rec, files);
    const char *title = json_string_value(json_object_get(f.def, "title"));
    struct outbox_msg m = {
        .to = a->email,
        .subject = arena_printf(c->arena, "【受付完了】%s（受付番号 %s）", title ? title : "", receipt),
        .body = mail_body(c, &f, rec, receipt),
        .kind = "receipt",
        .ref = arena_printf(c->arena, "app:%lld/record:%lld", (long long)f.app_id, (long long)id),
    };
    if ((e = outbox_add(c, &m, NULL)) != ERR_OK)
        return e;
    out->receipt_no = receipt;
    out->app_id = f.app_id;
    out->record_id = id;
    return ERR_OK;
}
