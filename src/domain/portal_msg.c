/* The thread between the ward and the applicant of one record: staff posts (messages and
 * requests with a due date), the applicant's replies with files and corrections, and the
 * workflow moves both sides' posts may carry. See portal_msg.h. */
#include "portal_msg.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/calc.h"
#include "domain/file.h"
#include "domain/form.h"
#include "domain/lclock.h"
#include "domain/portal.h"
#include "domain/portal_msg_sql.h"
#include "domain/record.h"
#include "domain/wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PMSG_FILE_MAX_BYTES (20 * 1024 * 1024)
#define PMSG_DOCS_MAX 20

static void
decref(void *p)
{
    json_decref(p);
}

static json_t *
keep(struct ctx *c, json_t *v)
{
    if (v)
        arena_defer(c->arena, decref, v);
    return v;
}

static const char *
dump(struct ctx *c, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    const char *out = arena_strdup(c->arena, s ? s : "[]");
    free(s);
    return out;
}

struct owner {
    const char *receipt_no;
    struct form f;
    bool has_form;
};

/* The online applicant's side of the record; *found=false for a paper application. */
static enum err
owner_load(struct ctx *c, int64_t app_id, int64_t record_id, struct owner *o, bool *found)
{
    memset(o, 0, sizeof(*o));
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PMSG_SQL_OWNER, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    const char *code = NULL;
    int64_t version = 0;
    rc = db_step(res);
    if (rc == 1) {
        o->receipt_no = arena_strdup(c->arena, db_col_text(res, 0));
        code = arena_strdup(c->arena, db_col_text(res, 1));
        version = db_col_int(res, 2);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    *found = rc == 1;
    if (!*found)
        return ERR_OK;
    /* a form deleted since keeps its messages readable, only without labels */
    struct fail quiet, *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    o->has_form = form_load(c, code, version, &o->f) == ERR_OK;
    c->fail = saved;
    return ERR_OK;
}

static const char *
label_of(struct ctx *c, const struct owner *o, const char *code)
{
    return o->has_form ? form_field_label(c, &o->f, code) : code;
}

static json_t *
labelled(struct ctx *c, const struct owner *o, const json_t *codes)
{
    json_t *out = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(codes, i, v)
    {
        const char *code = json_string_value(v);
        if (code)
            json_array_append_new(out, json_pack("{s:s,s:s}", "code", code, "label",
                                                 label_of(c, o, code)));
    }
    return out;
}

/* A stored value in the shape of a form answer (numbers as text, empty as NULL): new
 * reference or NULL. */
static json_t *
answer_of(const json_t *v)
{
    char buf[CALC_NUMBUF];
    if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return json_string(buf);
    }
    if (json_is_real(v)) {
        calc_format_number(json_real_value(v), buf, sizeof(buf));
        return json_string(buf);
    }
    return json_is_string(v) || json_is_array(v) ? json_incref((json_t *)v) : NULL;
}

static bool
text_ok(const char *s, size_t max)
{
    return s && text_length(s, strlen(s)) <= max;
}

static enum err
bad(struct ctx *c, const char *key, enum msg m, const char *arg)
{
    fail_field(c->fail, key, m, arg);
    return fail_set(c->fail, ERR_INVALID, NULL);
}

/* ---- staff posts ---- */

/* Staff name records by id: an unknown one is kintone's record-not-found. */
static enum err
record_exists(struct ctx *c, int64_t app_id, int64_t record_id)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    int64_t one;
    bool found;
    int rc = db_query_int(c->db, PMSG_SQL_EXISTS, p, 2, &one, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    return found ? ERR_OK
                 : fail_set(c->fail, ERR_RECORD_NOT_FOUND,
                            arena_printf(c->arena, "%lld", (long long)record_id));
}

static enum err
check_due(struct ctx *c, const json_t *v, const char **due)
{
    int y, m, d;
    const char *s = json_string_value(v);
    if (!s || !*s)
        return bad(c, "dueDate", MSG_REQUIRED, NULL);
    if (strlen(s) != 10 || !clock_parse_date(s, &y, &m, &d))
        return bad(c, "dueDate", MSG_BAD_DATE, NULL);
    if (clock_days_from_civil(y, m, d) < lclock_day(c->now)) {
        fail_field(c->fail, "dueDate", MSG_TEXT,
                   c->lang == LANG_EN ? "The due date is in the past." : "期限が過去の日付です。");
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    *due = s;
    return ERR_OK;
}

static enum err
check_fields(struct ctx *c, const struct owner *o, const json_t *v, json_t *out)
{
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_array(v))
        return bad(c, "fields", MSG_BAD_TYPE, NULL);
    if (json_array_size(v) > 100)
        return bad(c, "fields", MSG_MAX_ITEMS, "100");
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
    {
        const char *key = arena_printf(c->arena, "fields[%zu]", i);
        const char *code = json_string_value(x);
        const json_t *entry;
        if (!code)
            return bad(c, key, MSG_BAD_TYPE, NULL);
        if (!o->has_form || !form_field(&o->f, code, &entry))
            return bad(c, key, MSG_UNKNOWN_FIELD, code);
        const char *type = json_string_value(
            json_object_get(json_object_get(o->f.props, code), "type"));
        if (type && !strcmp(type, "FILE")) {
            /* files come as the reply's attachments (a missing-document request) */
            fail_field(c->fail, key, MSG_TEXT,
                       c->lang == LANG_EN ? "Attachment fields cannot be unlocked; ask for the "
                                            "documents with a missing-document request."
                                          : "添付ファイルの項目は修正の対象にできません。不足書類の依頼で提出を求めてください。");
            return fail_set(c->fail, ERR_INVALID, NULL);
        }
        bool dup = false;
        size_t k;
        const json_t *y;
        json_array_foreach(out, k, y) dup = dup || !strcmp(json_string_value(y), code);
        if (!dup)
            json_array_append_new(out, json_string(code));
    }
    return ERR_OK;
}

static enum err
check_documents(struct ctx *c, const json_t *v, json_t *out)
{
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_array(v))
        return bad(c, "documents", MSG_BAD_TYPE, NULL);
    if (json_array_size(v) > PMSG_DOCS_MAX)
        return bad(c, "documents", MSG_MAX_ITEMS, "20");
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
    {
        const char *key = arena_printf(c->arena, "documents[%zu]", i);
        const char *name = json_string_value(x);
        if (!name || text_blank(name))
            return bad(c, key, MSG_REQUIRED, NULL);
        if (!text_ok(name, 100))
            return bad(c, key, MSG_TOO_LONG, "101");
        json_array_append_new(out, json_string(name));
    }
    return ERR_OK;
}

/* Staff attachments: upload keys (POST file.json) attached to the record. */
static enum err
attach_uploads(struct ctx *c, const struct app_def *d, int64_t record_id, const json_t *v,
               json_t *out)
{
    if (!v || json_is_null(v))
        return ERR_OK;
    if (!json_is_array(v))
        return bad(c, "files", MSG_BAD_TYPE, NULL);
    if (json_array_size(v) > PMSG_FILES_MAX)
        return bad(c, "files", MSG_MAX_ITEMS, "10");
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
    {
        const char *key = json_string_value(json_object_get(x, "fileKey"));
        const char *fk = arena_printf(c->arena, "files[%zu].fileKey", i);
        if (!key || !*key || strlen(key) >= FILE_KEY_MAX)
            return bad(c, fk, MSG_REQUIRED, NULL);
        json_t *obj = NULL;
        enum err e = file_attach(c, key, d->id, record_id, &obj);
        if (e == ERR_FILE_NOT_FOUND)
            return bad(c, fk, MSG_BAD_FILE, key);
        if (e != ERR_OK)
            return e;
        json_array_append_new(out, obj);
    }
    return ERR_OK;
}

static enum err
insert(struct ctx *c, int64_t app_id, int64_t record_id, const char *sender, const char *kind,
       const char *body, const char *due, const json_t *fields, const json_t *documents,
       const json_t *files, const json_t *changes, int64_t reply_to, const char *author,
       int64_t *id)
{
    struct db_param p[] = { DBP_INT(app_id),
                            DBP_INT(record_id),
                            DBP_TEXT(sender),
                            DBP_TEXT(kind),
                            DBP_TEXT(body),
                            due ? DBP_TEXT(due) : DBP_NULL,
                            DBP_TEXT(dump(c, fields)),
                            DBP_TEXT(dump(c, documents)),
                            DBP_TEXT(dump(c, files)),
                            DBP_TEXT(dump(c, changes)),
                            reply_to ? DBP_INT(reply_to) : DBP_NULL,
                            DBP_TEXT(author ? author : ""),
                            DBP_INT(c->now) };
    bool found;
    int rc = db_query_int(c->db, PMSG_SQL_ADD, p, 13, id, &found);
    if (rc != DB_OK || !found)
        return app_db_fail(c, rc != DB_OK ? rc : DB_ERROR);
    return ERR_OK;
}

static enum err
set_revision(struct ctx *c, int64_t id, int64_t revision)
{
    struct db_param p[] = { DBP_INT(id), DBP_INT(revision) };
    int rc = db_exec(c->db, PMSG_SQL_SET_REVISION, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
pmsg_post(struct ctx *c, const struct app_def *d, int64_t record_id, const json_t *req,
          int64_t *id, int64_t *revision)
{
    *id = 0;
    *revision = 0;
    if (!json_is_object(req))
        return fail_set(c->fail, ERR_INVALID, NULL);
    struct owner o;
    bool online;
    enum err e = record_exists(c, d->id, record_id);
    if (e == ERR_OK)
        e = owner_load(c, d->id, record_id, &o, &online);
    if (e != ERR_OK)
        return e;
    if (!online)
        return fail_with_message(
            c->fail, ERR_INVALID,
            c->lang == LANG_EN ? "This application was not filed online: there is no applicant "
                                 "to write to."
                               : "この申請はオンライン申請ではないため、申請者にメッセージを送れません。");
    const char *kind = json_string_value(json_object_get(req, "kind"));
    if (!kind)
        kind = "message";
    bool correction = !strcmp(kind, "correction"), missing = !strcmp(kind, "missing");
    if (!correction && !missing && strcmp(kind, "message") != 0)
        return bad(c, "kind", MSG_BAD_PARAM, NULL);
    const json_t *bv = json_object_get(req, "body");
    const char *body = json_string_value(bv);
    if (bv && !json_is_string(bv))
        return bad(c, "body", MSG_BAD_TYPE, NULL);
    if (!body || text_blank(body))
        return bad(c, "body", MSG_REQUIRED, NULL);
    if (!text_ok(body, PMSG_BODY_MAX))
        return bad(c, "body", MSG_TOO_LONG, "4001");
    const char *due = NULL;
    if ((correction || missing) && (e = check_due(c, json_object_get(req, "dueDate"), &due)) != ERR_OK)
        return e;
    json_t *fields = keep(c, json_array()), *docs = keep(c, json_array()),
           *files = keep(c, json_array());
    if (correction && (e = check_fields(c, &o, json_object_get(req, "fields"), fields)) != ERR_OK)
        return e;
    if (missing && (e = check_documents(c, json_object_get(req, "documents"), docs)) != ERR_OK)
        return e;
    if (missing && !json_array_size(docs))
        return bad(c, "documents", MSG_REQUIRED, NULL);
    const json_t *av = json_object_get(req, "action");
    if (av && !json_is_null(av) && (!json_is_string(av) || !*json_string_value(av)))
        return bad(c, "action", MSG_BAD_TYPE, NULL);
    e = attach_uploads(c, d, record_id, json_object_get(req, "files"), files);
    if (e != ERR_OK)
        return e;
    e = insert(c, d->id, record_id, "ward", kind, body, due, fields, docs, files,
               keep(c, json_array()), 0, c->who.login, id);
    if (e != ERR_OK)
        return e;
    if (json_is_string(av)) {
        /* the request and the status it puts the record in (修正待ち pauses the clock)
         * commit together; the body is the action's reason in the history */
        struct wf_request rq = { .id = record_id,
                                 .action = json_string_value(av),
                                 .assignee = json_string_value(json_object_get(req, "assignee")),
                                 .reason = body,
                                 .expected_revision = -1 };
        e = wf_run(c, d, &rq, "", revision);
        if (e == ERR_OK)
            e = set_revision(c, *id, *revision);
        if (e != ERR_OK)
            return e;
    }
    audit_note(c, "message", json_integer(*id));
    audit_note(c, "kind", json_string(kind));
    const char *ja, *en;
    if (correction) {
        ja = arena_printf(c->arena, "区から申請内容の修正のお願いが届きました。回答の期限は %s です。", due);
        en = arena_printf(c->arena, "The ward asks you to correct your application by %s.", due);
    } else if (missing) {
        ja = arena_printf(c->arena, "区から書類の提出のお願いが届きました。提出の期限は %s です。", due);
        en = arena_printf(c->arena, "The ward asks you to submit documents by %s.", due);
    } else {
        ja = "区からメッセージが届きました。";
        en = "The ward has sent you a message about your application.";
    }
    return portal_notify(c, d->id, record_id, ja, en);
}

/* ---- the thread ---- */

static json_t *
parsed(const char *s, size_t n)
{
    json_t *v = json_loadb(s, n, 0, NULL);
    return v ? v : json_array();
}

static enum err record_load(struct ctx *c, int64_t app_id, int64_t record_id, json_t **data,
                            json_t **assignees);

/* The app field's options in their order (choice fields), else an empty array. */
static json_t *
options_of(const json_t *prop)
{
    json_t *out = json_array();
    const json_t *opts = json_object_get(prop, "options");
    size_t n = json_object_size(opts);
    for (size_t want = 0; want < n; want++) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)opts, k, v)
        {
            const char *idx = json_string_value(json_object_get(v, "index"));
            if (idx && strtoull(idx, NULL, 10) == want)
                json_array_append_new(out, json_string(k));
        }
    }
    return out;
}

/* out.unlocked: the fields open requests unlock, with what the form needs to ask them again:
 * [{code, label, type, options, value}] (value as stored). */
static enum err
unlocked_fields(struct ctx *c, int64_t app_id, int64_t record_id, const struct owner *o,
                json_t *out)
{
    json_t *list = json_array();
    json_object_set_new(out, "unlocked", list);
    json_t *data = NULL, *assignees;
    size_t i, k;
    const json_t *req, *f;
    json_array_foreach(json_object_get(out, "open"), i, req)
    json_array_foreach(json_object_get(req, "fields"), k, f)
    {
        const char *code = json_string_value(json_object_get(f, "code"));
        bool dup = false;
        size_t n;
        const json_t *x;
        json_array_foreach(list, n, x) dup = dup || !strcmp(json_string_value(json_object_get(x, "code")), code);
        if (dup || !o->has_form)
            continue;
        if (!data) {
            enum err e = record_load(c, app_id, record_id, &data, &assignees);
            if (e != ERR_OK)
                return e;
        }
        const json_t *prop = json_object_get(o->f.props, code);
        const json_t *v = keep(c, answer_of(json_object_get(data, code)));
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o,s:O}", "code", code, "label",
                                              label_of(c, o, code), "type",
                                              json_string_value(json_object_get(prop, "type"))
                                                  ? json_string_value(json_object_get(prop, "type"))
                                                  : "SINGLE_LINE_TEXT",
                                              "options", options_of(prop), "value",
                                              v ? v : json_null()));
    }
    return ERR_OK;
}

enum err
pmsg_list(struct ctx *c, int64_t app_id, int64_t record_id, bool applicant_view, json_t **out)
{
    *out = NULL;
    struct owner o;
    bool online;
    enum err e = applicant_view ? ERR_OK : record_exists(c, app_id, record_id);
    if (e == ERR_OK)
        e = owner_load(c, app_id, record_id, &o, &online);
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PMSG_SQL_LIST, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array(), *open = json_array();
    while ((rc = db_step(res)) == 1) {
        json_t *fields = parsed(db_col_text(res, 5), db_col_len(res, 5));
        json_t *m = json_pack(
            "{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id", (json_int_t)db_col_int(res, 0),
            "sender", db_col_text(res, 1), "kind", db_col_text(res, 2), "body", db_col_text(res, 3),
            "dueDate", db_col_null(res, 4) ? json_null() : json_string(db_col_text(res, 4)),
            "fields", labelled(c, &o, fields), "documents",
            parsed(db_col_text(res, 6), db_col_len(res, 6)), "files",
            parsed(db_col_text(res, 7), db_col_len(res, 7)), "changes",
            parsed(db_col_text(res, 8), db_col_len(res, 8)), "replyTo",
            db_col_null(res, 9) ? json_null() : json_integer(db_col_int(res, 9)), "answeredAt",
            db_col_null(res, 10) ? json_null() : json_integer(db_col_int(res, 10)), "createdAt",
            (json_int_t)db_col_int(res, 12));
        json_decref(fields);
        if (!m)
            continue;
        if (!applicant_view)
            json_object_set_new(m, "author", json_string(db_col_text(res, 11)));
        const char *kind = db_col_text(res, 2);
        if ((!strcmp(kind, "correction") || !strcmp(kind, "missing")) && db_col_null(res, 10))
            json_array_append_new(open, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id",
                                                  json_object_get(m, "id"), "kind",
                                                  json_object_get(m, "kind"), "dueDate",
                                                  json_object_get(m, "dueDate"), "fields",
                                                  json_object_get(m, "fields"), "documents",
                                                  json_object_get(m, "documents")));
        json_array_append_new(list, m);
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(list);
        json_decref(open);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{s:o,s:o,s:b}", "messages", list, "open", open, "online", online);
    return unlocked_fields(c, app_id, record_id, &o, *out);
}

/* ---- the applicant's reply ---- */

struct opened {
    json_t *unlocked; /* field codes of the open correction requests */
    json_t *authors;  /* staff who asked */
    int64_t last_id;  /* 0 = nothing open */
};

static enum err
open_requests(struct ctx *c, int64_t app_id, int64_t record_id, struct opened *op)
{
    op->unlocked = keep(c, json_array());
    op->authors = keep(c, json_array());
    op->last_id = 0;
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PMSG_SQL_OPEN, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    while ((rc = db_step(res)) == 1) {
        op->last_id = db_col_int(res, 0);
        json_t *f = parsed(db_col_text(res, 1), db_col_len(res, 1));
        json_array_extend(op->unlocked, f);
        json_decref(f);
        if (*db_col_text(res, 2))
            json_array_append_new(op->authors, json_string(db_col_text(res, 2)));
    }
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}

static bool
listed(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), s)) return true;
    return false;
}

static enum err
record_load(struct ctx *c, int64_t app_id, int64_t record_id, json_t **data, json_t **assignees)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PMSG_SQL_RECORD, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *data = *assignees = NULL;
    rc = db_step(res);
    if (rc == 1) {
        *data = keep(c, json_loadb(db_col_text(res, 0), db_col_len(res, 0), 0, NULL));
        *assignees = keep(c, parsed(db_col_text(res, 1), db_col_len(res, 1)));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return *data ? ERR_OK : fail_set(c->fail, ERR_NOT_FOUND, "申請");
}

static void
as_applicant(struct ctx *c, struct principal *saved)
{
    *saved = c->who;
    memset(&c->who, 0, sizeof(c->who));
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "applicant";
    c->who.name = "申請者（オンライン申請）";
}

/* Corrections of the unlocked fields, checked with the form's rules against the whole
 * application as it stands; *write (kintone write shape) and *changes list what differs. */
static enum err
corrections(struct ctx *c, const struct owner *o, const json_t *data, const json_t *unlocked,
            const json_t *posted, json_t **write, json_t **changes)
{
    *write = keep(c, json_object());
    *changes = keep(c, json_array());
    if (!json_object_size(posted) || !json_array_size(unlocked) || !o->has_form)
        return ERR_OK;
    json_t *answers = keep(c, json_object()), *files = keep(c, json_object());
    const char *k;
    json_t *v, *a;
    json_object_foreach((json_t *)data, k, v)
    {
        if (json_is_array(v) && json_is_object(json_array_get(v, 0)))
            json_object_set_new(files, k, json_integer((json_int_t)json_array_size(v)));
        else if ((a = answer_of(v)))
            json_object_set_new(answers, k, a);
    }
    bool any = false;
    json_object_foreach((json_t *)posted, k, v)
    {
        if (!listed(unlocked, k) || !(json_is_string(v) || json_is_array(v)))
            continue; /* only what the ward unlocked */
        json_object_set(answers, k, v);
        any = true;
    }
    if (!any)
        return ERR_OK;
    json_t *clean = NULL, *errors = NULL;
    form_eval(c, &o->f, answers, files, -1, &clean, &errors);
    keep(c, clean);
    keep(c, errors);
    bool bad_input = false;
    json_object_foreach((json_t *)posted, k, v)
    {
        if (!listed(unlocked, k))
            continue;
        const json_t *msgs = json_object_get(json_object_get(errors, k), "messages");
        size_t i;
        const json_t *m;
        json_array_foreach(msgs, i, m)
        {
            fail_field(c->fail, arena_printf(c->arena, "a.%s", k), MSG_TEXT, json_string_value(m));
            bad_input = true;
        }
        const json_t *now = json_object_get(clean, k);
        const json_t *was = keep(c, answer_of(json_object_get(data, k)));
        json_t *empty = json_is_array(v) ? json_array() : json_string("");
        if (!now)
            now = empty;
        if (!json_equal(now, was ? was : empty))
        {
            json_object_set_new(*write, k, json_pack("{s:O}", "value", now));
            json_array_append_new(*changes, json_pack("{s:s,s:s,s:s,s:s}", "field", k, "label",
                                                      label_of(c, o, k), "from",
                                                      portal_value_text(c, was), "to",
                                                      portal_value_text(c, now)));
        }
        json_decref(empty);
    }
    return bad_input ? fail_set(c->fail, ERR_INVALID, NULL) : ERR_OK;
}

static bool
accepted_type(const char *t)
{
    return t && (!strcmp(t, "application/pdf") || !strcmp(t, "image/jpeg") ||
                 !strcmp(t, "image/png"));
}

static enum err
store_files(struct ctx *c, const struct app_def *d, int64_t record_id, const struct pmsg_reply *in,
            json_t *out)
{
    if (in->nfiles > PMSG_FILES_MAX)
        return bad(c, "files", MSG_MAX_ITEMS, "10");
    for (size_t i = 0; i < in->nfiles; i++) {
        const struct pmsg_file *pf = &in->files[i];
        if (pf->len > PMSG_FILE_MAX_BYTES) {
            fail_field(c->fail, "files", MSG_TEXT,
                       arena_printf(c->arena,
                                    c->lang == LANG_EN ? "%s is larger than 20 MB."
                                                       : "%s は20MBを超えています。",
                                    pf->name ? pf->name : ""));
            return fail_set(c->fail, ERR_INVALID, NULL);
        }
        const char *key;
        enum err e = file_upload(c, pf->name, NULL, pf->data, pf->len, &key);
        if (e != ERR_OK) {
            if (e == ERR_INVALID && !fail_has_fields(c->fail))
                fail_field(c->fail, "files", MSG_BAD_PARAM, NULL);
            return e;
        }
        struct file_meta meta;
        e = file_get(c, key, &meta, NULL);
        if (e != ERR_OK)
            return e;
        if (!accepted_type(meta.content_type)) {
            fail_field(c->fail, "files", MSG_TEXT,
                       arena_printf(c->arena,
                                    c->lang == LANG_EN
                                        ? "%s: attach PDF, JPEG or PNG files."
                                        : "%s：PDF、JPEG、PNG のファイルを添付してください。",
                                    meta.name));
            return fail_set(c->fail, ERR_INVALID, NULL);
        }
        json_t *obj = NULL;
        e = file_attach(c, key, d->id, record_id, &obj);
        if (e != ERR_OK)
            return e == ERR_FILE_NOT_FOUND ? fail_set(c->fail, ERR_INTERNAL, NULL) : e;
        json_array_append_new(out, obj);
    }
    return ERR_OK;
}

/* The action a reply runs from the record's status (flagged applicantReply), or NULL. */
static enum err
reply_action(struct ctx *c, const struct app_def *d, int64_t record_id, const char **name)
{
    json_t *acts = NULL;
    *name = NULL;
    enum err e = wf_applicant_actions(c, d, record_id, &acts);
    keep(c, acts);
    if (e != ERR_OK)
        return e;
    size_t i;
    const json_t *a;
    json_array_foreach(acts, i, a) if (!*name && json_is_true(json_object_get(a, "reply")))
        *name = arena_strdup(c->arena, json_string_value(json_object_get(a, "name")));
    return ERR_OK;
}

enum err
pmsg_reply(struct ctx *c, const struct app_def *d, int64_t record_id, const struct pmsg_reply *in,
           int64_t *id)
{
    *id = 0;
    struct owner o;
    bool online;
    enum err e = owner_load(c, d->id, record_id, &o, &online);
    if (e != ERR_OK)
        return e;
    if (!online)
        return fail_set(c->fail, ERR_NOT_FOUND, "申請");
    const char *body = in->body ? in->body : "";
    if (!text_ok(body, PMSG_BODY_MAX))
        return bad(c, "body", MSG_TOO_LONG, "4001");
    struct opened op;
    json_t *data, *assignees;
    if ((e = open_requests(c, d->id, record_id, &op)) != ERR_OK ||
        (e = record_load(c, d->id, record_id, &data, &assignees)) != ERR_OK)
        return e;
    json_t *write, *changes;
    e = corrections(c, &o, data, op.unlocked, in->answers, &write, &changes);
    if (e != ERR_OK)
        return e;
    if (text_blank(body) && !in->nfiles && !json_array_size(changes))
        return bad(c, "body", MSG_REQUIRED, NULL);
    struct principal saved;
    as_applicant(c, &saved);
    json_t *files = keep(c, json_array());
    int64_t revision = 0;
    e = store_files(c, d, record_id, in, files);
    if (e == ERR_OK && json_object_size(write)) {
        struct rec_target t = { .id = record_id, .expected_revision = -1 };
        int64_t out_id;
        bool inserted;
        e = rec_update(c, d, &t, write, "a", false, &out_id, &revision, &inserted);
    }
    if (e == ERR_OK)
        e = insert(c, d->id, record_id, "applicant", op.last_id ? "reply" : "message", body, NULL,
                   keep(c, json_array()), keep(c, json_array()), files, changes, op.last_id,
                   "applicant", id);
    const char *action = NULL;
    if (e == ERR_OK && op.last_id) {
        struct db_param p[] = { DBP_INT(d->id), DBP_INT(record_id), DBP_INT(c->now) };
        int rc = db_exec(c->db, PMSG_SQL_ANSWER, p, 3, NULL);
        e = rc == DB_OK ? reply_action(c, d, record_id, &action) : app_db_fail(c, rc);
    }
    c->who = saved;
    if (e == ERR_OK && action) /* back to review; the clock runs again */
        e = wf_run_applicant(c, d, record_id, action, text_blank(body) ? NULL : body, &revision);
    if (e == ERR_OK && revision)
        e = set_revision(c, *id, revision);
    if (e != ERR_OK)
        return e;
    /* tell the staff on it and those who asked */
    json_t *after = NULL, *who = keep(c, json_array());
    if ((e = record_load(c, d->id, record_id, &data, &after)) != ERR_OK)
        return e;
    json_array_extend(who, after);
    size_t i;
    const json_t *v;
    json_array_foreach(op.authors, i, v) if (!listed(who, json_string_value(v)))
        json_array_append(who, (json_t *)v);
    const char *title = arena_printf(c->arena, op.last_id ? "申請者から回答がありました（受付番号 %s）"
                                                          : "申請者からメッセージがありました（受付番号 %s）",
                                     o.receipt_no);
    e = wf_notify(c, who, d->id, record_id, "applicant_message", title,
                  dump(c, keep(c, json_pack("{s:I}", "message", (json_int_t)*id))));
    if (e != ERR_OK)
        return e;
    audit_note(c, "message", json_integer(*id));
    return ERR_OK;
}

enum err
pmsg_file_of(struct ctx *c, int64_t app_id, int64_t record_id, const char *file_key, bool *found)
{
    *found = false;
    if (!file_key || !*file_key || strlen(file_key) >= FILE_KEY_MAX)
        return ERR_OK;
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PMSG_SQL_FILES, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    while (!*found && (rc = db_step(res)) == 1) {
        json_t *files = parsed(db_col_text(res, 0), db_col_len(res, 0));
        size_t i;
        const json_t *f;
        json_array_foreach(files, i, f)
        {
            const char *k = json_string_value(json_object_get(f, "fileKey"));
            if (k && !strcmp(k, file_key))
                *found = true;
        }
        json_decref(files);
    }
    db_res_free(res);
    return rc < 0 ? app_db_fail(c, rc) : ERR_OK;
}
