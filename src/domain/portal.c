/* The applicant portal's reads. Everything goes through the applicant's own record_owners
 * rows: a receipt number is found only among them. */
#include "portal.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/calc.h"
#include "domain/form.h"
#include "domain/portal_sql.h"
#include "domain/wf.h"

#include <stdio.h>
#include <string.h>

static void
decref(void *p)
{
    json_decref(p);
}

/* The applicant's word for an internal status: the state's applicantLabel; without one, the
 * first status reads 受付中 and the others 審査中 (nothing internal leaks). */
static const char *
label_of(const struct app_def *d, const char *status)
{
    const json_t *proc = wf_process(d);
    const json_t *st = status ? json_object_get(json_object_get(proc, "states"), status) : NULL;
    const char *l = json_string_value(json_object_get(st, "applicantLabel"));
    if (l && *l)
        return l;
    if (!status || !proc)
        return "受付済み";
    const json_t *s0 = json_object_get(st, "index");
    if (json_is_string(s0) && strcmp(json_string_value(s0), "0") == 0)
        return "受付中";
    return "審査中";
}

static const char *
title_of(struct ctx *c, const char *code, int64_t version)
{
    struct form f;
    struct fail quiet, *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    enum err e = form_load(c, code, version, &f);
    c->fail = saved;
    const char *t = e == ERR_OK ? json_string_value(json_object_get(f.def, "title")) : NULL;
    return t ? t : code;
}

enum err
portal_list(struct ctx *c, const struct applicant *a, json_t **out)
{
    struct db_param p[] = { DBP_INT(a->id), DBP_INT(c->now) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PORTAL_SQL_APPLICATIONS, p, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *apps = json_array();
    arena_defer(c->arena, decref, apps);
    struct row {
        const char *receipt, *code, *status, *due;
        int64_t version, app_id, created, documents;
    } rows[200];
    int n = 0;
    while (n < 200 && (rc = db_step(res)) == 1) {
        rows[n] = (struct row){ .receipt = arena_strdup(c->arena, db_col_text(res, 0)),
                                .code = arena_strdup(c->arena, db_col_text(res, 1)),
                                .version = db_col_int(res, 2),
                                .app_id = db_col_int(res, 3),
                                .created = db_col_int(res, 5),
                                .status = db_col_null(res, 6) ? NULL
                                                              : arena_strdup(c->arena, db_col_text(res, 6)),
                                .due = db_col_null(res, 7) ? NULL
                                                           : arena_strdup(c->arena, db_col_text(res, 7)),
                                .documents = db_col_int(res, 8) };
        n++;
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    /* an applicant's applications share a few apps and forms: each is loaded once per list
     * (per row it was 75 % of the page's time) */
    struct app_def defs[8];
    struct {
        const char *code, *title;
        int64_t version;
    } titles[16];
    int ndefs = 0, ntitles = 0;
    for (int i = 0; i < n; i++) {
        struct app_def one, *d = NULL;
        for (int k = 0; k < ndefs && !d; k++)
            if (defs[k].id == rows[i].app_id)
                d = &defs[k];
        if (!d) {
            d = ndefs < 8 ? &defs[ndefs++] : &one;
            enum err e = app_load(c, rows[i].app_id, false, d);
            if (e != ERR_OK)
                return e;
        }
        const char *title = NULL;
        for (int k = 0; k < ntitles && !title; k++)
            if (titles[k].version == rows[i].version && strcmp(titles[k].code, rows[i].code) == 0)
                title = titles[k].title;
        if (!title) {
            title = title_of(c, rows[i].code, rows[i].version);
            if (ntitles < 16) {
                titles[ntitles].code = rows[i].code;
                titles[ntitles].version = rows[i].version;
                titles[ntitles++].title = title;
            }
        }
        json_array_append_new(apps, json_pack("{s:s,s:s,s:s,s:I,s:s,s:s?,s:I}", "receiptNo",
                                              rows[i].receipt, "form", rows[i].code, "title", title,
                                              "filedAt", (json_int_t)rows[i].created, "status",
                                              label_of(d, rows[i].status), "dueDate", rows[i].due,
                                              "documents", (json_int_t)rows[i].documents));
    }
    json_t *drafts = json_array();
    arena_defer(c->arena, decref, drafts);
    rc = db_query(c->db, PORTAL_SQL_DRAFTS, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    while ((rc = db_step(res)) == 1) {
        const char *code = arena_strdup(c->arena, db_col_text(res, 0));
        json_array_append_new(drafts, json_pack("{s:s,s:s,s:I,s:I}", "form", code, "title",
                                                "", "updatedAt", (json_int_t)db_col_int(res, 1),
                                                "expiresAt", (json_int_t)db_col_int(res, 2)));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    size_t k;
    json_t *dr;
    json_array_foreach(drafts, k, dr)
    {
        const char *code = json_string_value(json_object_get(dr, "form"));
        json_object_set_new(dr, "title", json_string(title_of(c, code, 0)));
    }
    *out = json_pack("{s:O,s:O}", "applications", apps, "drafts", drafts);
    return ERR_OK;
}

const char *
portal_value_text(struct ctx *c, const json_t *v)
{
    char buf[CALC_NUMBUF];
    if (!v || json_is_null(v))
        return "";
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(c->arena, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) {
        calc_format_number(json_real_value(v), buf, sizeof(buf));
        return arena_strdup(c->arena, buf);
    }
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
    {
        const char *t = json_is_object(x) ? json_string_value(json_object_get(x, "name"))
                                          : json_string_value(x);
        if (!t)
            continue;
        if (sb.len)
            strbuf_adds(&sb, "、");
        strbuf_adds(&sb, t);
    }
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

enum err
portal_application(struct ctx *c, const struct applicant *a, const char *receipt_no, json_t **out)
{
    if (!receipt_no || !*receipt_no || strlen(receipt_no) > 64)
        return fail_set(c->fail, ERR_NOT_FOUND, "申請");
    struct db_param p[] = { DBP_INT(a->id), DBP_TEXT(receipt_no) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PORTAL_SQL_ONE, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    const char *code = NULL, *status = NULL;
    int64_t version = 0, app_id = 0, record_id = 0, created = 0;
    json_t *data = NULL;
    if (rc == 1) {
        code = arena_strdup(c->arena, db_col_text(res, 1));
        version = db_col_int(res, 2);
        app_id = db_col_int(res, 3);
        record_id = db_col_int(res, 4);
        created = db_col_int(res, 5);
        status = db_col_null(res, 6) ? NULL : arena_strdup(c->arena, db_col_text(res, 6));
        data = json_loadb(db_col_text(res, 7), db_col_len(res, 7), 0, NULL);
    }
    db_res_free(res);
    if (data)
        arena_defer(c->arena, decref, data);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0) /* unknown and someone else's alike */
        return fail_set(c->fail, ERR_NOT_FOUND, "申請");
    struct app_def d;
    enum err e = app_load(c, app_id, false, &d);
    if (e != ERR_OK)
        return e;
    json_t *answers = json_array();
    arena_defer(c->arena, decref, answers);
    struct form f;
    struct fail quiet, *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    e = form_load(c, code, version, &f);
    c->fail = saved;
    if (e == ERR_OK) {
        /* the form's questions, in its order, as answered (unanswered ones left out) */
        size_t i, j, k;
        const json_t *pg, *sec, *fe;
        json_array_foreach(json_object_get(f.def, "pages"), i, pg)
        json_array_foreach(json_object_get(pg, "sections"), j, sec)
        json_array_foreach(json_object_get(sec, "fields"), k, fe)
        {
            const char *fc = json_string_value(json_object_get(fe, "code"));
            const json_t *v = fc ? json_object_get(data, fc) : NULL;
            const char *t = v ? portal_value_text(c, v) : NULL;
            if (!t || !*t)
                continue;
            json_t *ans = json_pack("{s:s,s:s,s:s}", "code", fc, "label",
                                    form_field_label(c, &f, fc), "value", t);
            if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
                /* attachments: the page links each for download */
                json_t *files = json_array();
                size_t n;
                const json_t *x;
                json_array_foreach(v, n, x)
                json_array_append_new(files, json_pack("{s:O?,s:O?,s:O?}", "fileKey",
                                                       json_object_get(x, "fileKey"), "name",
                                                       json_object_get(x, "name"), "size",
                                                       json_object_get(x, "size")));
                json_object_set_new(ans, "files", files);
            }
            json_array_append_new(answers, ans);
        }
    }
    json_t *timeline = json_array();
    arena_defer(c->arena, decref, timeline);
    struct db_param tp[] = { DBP_INT(app_id), DBP_INT(record_id) };
    rc = db_query(c->db, PORTAL_SQL_TIMELINE, tp, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    const char *last = NULL;
    while ((rc = db_step(res)) == 1) {
        const char *l = label_of(&d, db_col_null(res, 1) ? NULL : db_col_text(res, 1));
        if (last && strcmp(last, l) == 0)
            continue; /* internal steps under one label read as one */
        last = arena_strdup(c->arena, l);
        json_array_append_new(timeline, json_pack("{s:I,s:s}", "at", (json_int_t)db_col_int(res, 0),
                                                  "status", last));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    json_t *actions = NULL;
    e = wf_applicant_actions(c, &d, record_id, &actions);
    if (e != ERR_OK) {
        json_decref(actions);
        return e;
    }
    *out = json_pack("{s:s,s:s,s:s,s:I,s:s,s:O,s:O,s:o}", "receiptNo", receipt_no, "form", code,
                     "title", title_of(c, code, version), "filedAt", (json_int_t)created, "status",
                     label_of(&d, status), "answers", answers, "timeline", timeline, "actions",
                     actions);
    return ERR_OK;
}

enum err
portal_find(struct ctx *c, const struct applicant *a, const char *receipt_no, int64_t *app_id,
            int64_t *record_id)
{
    if (!receipt_no || !*receipt_no || strlen(receipt_no) > 64)
        return fail_set(c->fail, ERR_NOT_FOUND, "申請");
    struct db_param p[] = { DBP_INT(a->id), DBP_TEXT(receipt_no) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PORTAL_SQL_ONE, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        *app_id = db_col_int(res, 3);
        *record_id = db_col_int(res, 4);
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    return rc == 1 ? ERR_OK : fail_set(c->fail, ERR_NOT_FOUND, "申請");
}
