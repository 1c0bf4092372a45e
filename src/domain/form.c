/* Form definitions: validation against the bound app, the working copy, publishing frozen
 * versions, and which forms are open. */
#include "form.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/fcond.h"
#include "domain/field.h"
#include "domain/form_sql.h"
#include "domain/numbering.h"

#include <stdlib.h>
#include <string.h>

#define FORM_CODE_MAX 64

static int draft_days = 30;

void
form_configure(int days)
{
    draft_days = days > 0 ? days : 30;
}

int
form_draft_days(void)
{
    return draft_days;
}

static void
decref(void *p)
{
    json_decref(p);
}

static bool
code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > FORM_CODE_MAX)
        return false;
    /* the pages under /apply/ that are not forms */
    if (!strcmp(s, "api") || !strcmp(s, "verify") || !strcmp(s, "confirm"))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

/* Field types an applicant can fill in. */
static bool
fillable(enum ftype t)
{
    switch (t) {
    case FT_SINGLE_LINE_TEXT: case FT_NUMBER: case FT_MULTI_LINE_TEXT: case FT_CHECK_BOX:
    case FT_RADIO_BUTTON: case FT_DROP_DOWN: case FT_MULTI_SELECT: case FT_DATE: case FT_TIME:
    case FT_DATETIME: case FT_LINK: case FT_FILE:
        return true;
    default:
        return false;
    }
}

static void
bad(struct ctx *c, const char *key, const char *why)
{
    fail_field(c->fail, arena_printf(c->arena, "form.%s", key), MSG_TEXT, why);
}

static void
check_cond(struct ctx *c, const json_t *cond, const char *key)
{
    const char *why = NULL;
    if (cond && !fcond_valid(cond, &why))
        bad(c, key, why ? why : "条件が正しくありません。");
}

static void
check_time(struct ctx *c, const json_t *def, const char *key)
{
    const json_t *v = json_object_get(def, key);
    int64_t t;
    if (v && !json_is_null(v) && !(json_is_string(v) && clock_parse_datetime(json_string_value(v), &t)))
        bad(c, key, "日時はISO 8601形式（例 2026-04-01T09:00:00+09:00）で指定してください。");
}

/* File fields add accept (MIME types) and maxBytes, checked here; the rest goes to fval. */
static void
check_rules(struct ctx *c, const json_t *rules, bool file, const char *key)
{
    const char *why = NULL;
    if (!rules)
        return;
    if (!json_is_object(rules)) {
        bad(c, key, "rulesはオブジェクトで指定してください。");
        return;
    }
    json_t *rest = json_copy((json_t *)rules);
    if (file) {
        const json_t *acc = json_object_get(rules, "accept"), *mx = json_object_get(rules, "maxBytes");
        size_t i;
        const json_t *t;
        bool ok = !acc || json_is_array(acc);
        json_array_foreach(acc, i, t)
            ok = ok && json_is_string(t) && strchr(json_string_value(t), '/');
        if (!ok)
            bad(c, arena_printf(c->arena, "%s.accept", key), "MIMEタイプの配列で指定してください（例 [\"application/pdf\"]）。");
        if (mx && !(json_is_integer(mx) && json_integer_value(mx) > 0))
            bad(c, arena_printf(c->arena, "%s.maxBytes", key), "正の整数で指定してください。");
        json_object_del(rest, "accept");
        json_object_del(rest, "maxBytes");
    }
    if (!fval_rules_valid(rest, &why))
        bad(c, key, why ? why : "rulesが正しくありません。");
    json_decref(rest);
}

static void
check_field(struct ctx *c, const struct app_def *d, const json_t *fe, const char *key,
            json_t *seen)
{
    const char *code = json_string_value(json_object_get(fe, "code"));
    const json_t *prop = code ? json_object_get(d->props, code) : NULL;
    if (!json_is_object(fe) || !code) {
        bad(c, key, "フィールドの指定が正しくありません。");
        return;
    }
    if (!prop) {
        bad(c, arena_printf(c->arena, "%s.code", key), "アプリにこのフィールドがありません。");
        return;
    }
    if (!fillable(field_def_type(prop)))
        bad(c, arena_printf(c->arena, "%s.code", key), "このフィールドの種類はフォームで入力できません。");
    if (json_object_get(seen, code))
        bad(c, arena_printf(c->arena, "%s.code", key), "同じフィールドが2回あります。");
    json_object_set_new(seen, code, json_true());
    check_rules(c, json_object_get(fe, "rules"), field_def_type(prop) == FT_FILE,
                arena_printf(c->arena, "%s.rules", key));
    check_cond(c, json_object_get(fe, "showIf"), arena_printf(c->arena, "%s.showIf", key));
    check_cond(c, json_object_get(fe, "requiredIf"), arena_printf(c->arena, "%s.requiredIf", key));
    const json_t *compute = json_object_get(fe, "compute");
    if (compute && !json_is_null(compute)) {
        enum ftype t = field_def_type(prop);
        if (!fcompute_valid(compute))
            bad(c, arena_printf(c->arena, "%s.compute", key), "計算式が正しくありません。");
        else if (t == FT_FILE || t == FT_CHECK_BOX || t == FT_MULTI_SELECT)
            bad(c, arena_printf(c->arena, "%s.compute", key),
                "このフィールドの種類には計算式を使えません。");
    }
}

static void
check_pages(struct ctx *c, const struct app_def *d, const json_t *pages)
{
    if (!json_is_array(pages) || json_array_size(pages) == 0) {
        bad(c, "pages", "1ページ以上必要です。");
        return;
    }
    json_t *seen = json_object();
    size_t i, j, k;
    const json_t *pg, *sec, *fe;
    json_array_foreach(pages, i, pg) {
        const char *pk = arena_printf(c->arena, "pages[%zu]", i);
        const json_t *secs = json_object_get(pg, "sections");
        if (!json_is_array(secs)) {
            bad(c, arena_printf(c->arena, "%s.sections", pk), "sectionsは配列で指定してください。");
            continue;
        }
        json_array_foreach(secs, j, sec) {
            const char *sk = arena_printf(c->arena, "%s.sections[%zu]", pk, j);
            check_cond(c, json_object_get(sec, "showIf"), arena_printf(c->arena, "%s.showIf", sk));
            const json_t *fields = json_object_get(sec, "fields");
            if (!json_is_array(fields)) {
                bad(c, arena_printf(c->arena, "%s.fields", sk), "fieldsは配列で指定してください。");
                continue;
            }
            json_array_foreach(fields, k, fe)
                check_field(c, d, fe, arena_printf(c->arena, "%s.fields[%zu]", sk, k), seen);
        }
    }
    json_decref(seen);
}

/* Validates a definition; *app_id = its app. */
static enum err
validate(struct ctx *c, const json_t *def, int64_t *app_id)
{
    if (!json_is_object(def)) {
        fail_field(c->fail, "form", MSG_BAD_TYPE, NULL);
        return fail_set(c->fail, ERR_INVALID, NULL);
    }
    if (!code_ok(json_string_value(json_object_get(def, "code"))))
        bad(c, "code", "半角英数字・-・_の64文字以内で指定してください。");
    const char *title = json_string_value(json_object_get(def, "title"));
    if (!title || !*title)
        bad(c, "title", "必須です。");
    const char *ver = json_string_value(json_object_get(def, "verification"));
    if (json_object_get(def, "verification") && (!ver || (strcmp(ver, "required") && strcmp(ver, "none"))))
        bad(c, "verification", "\"required\"または\"none\"を指定してください。");
    const json_t *off = json_object_get(def, "offline");
    if (off && !json_is_null(off) && !json_is_string(json_object_get(off, "message")))
        bad(c, "offline", "{\"message\": \"...\"}またはnullを指定してください。");
    const json_t *rc = json_object_get(def, "receipt");
    const char *why = NULL;
    if (!rc || !num_spec_valid(rc, &why))
        bad(c, why ? arena_printf(c->arena, "receipt.%s", why) : "receipt", "受付番号の形式が正しくありません。");
    const json_t *mx = json_object_get(def, "maxTotalBytes");
    if (mx && !(json_is_integer(mx) && json_integer_value(mx) > 0))
        bad(c, "maxTotalBytes", "正の整数で指定してください。");
    check_time(c, def, "opensAt");
    check_time(c, def, "closesAt");
    const json_t *app = json_object_get(def, "app");
    int64_t id = json_is_integer(app) ? json_integer_value(app) : 0;
    if (json_is_string(app))
        id = strtoll(json_string_value(app), NULL, 10);
    struct app_def d;
    struct fail sub;
    fail_init(&sub, c->arena, c->lang);
    struct fail *saved = c->fail;
    c->fail = &sub;
    enum err e = id > 0 ? app_load(c, id, false, &d) : ERR_APP_NOT_FOUND;
    c->fail = saved;
    if (e == ERR_UNAVAILABLE || e == ERR_INTERNAL)
        return fail_set(c->fail, e, NULL);
    if (e != ERR_OK)
        bad(c, "app", "アプリが見つかりません。");
    else
        check_pages(c, &d, json_object_get(def, "pages"));
    *app_id = id;
    return fail_has_fields(c->fail) ? fail_set(c->fail, ERR_INVALID, NULL) : ERR_OK;
}

static const char *
who(struct ctx *c)
{
    return c->who.login ? c->who.login : "";
}

enum err
form_save(struct ctx *c, const json_t *def)
{
    int64_t app_id = 0;
    enum err e = validate(c, def, &app_id);
    if (e != ERR_OK)
        return e;
    const char *code = json_string_value(json_object_get(def, "code"));
    char *text = json_dumps(def, JSON_COMPACT);
    if (!text)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    arena_defer(c->arena, free, text);
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_FIND, (struct db_param[]){ DBP_TEXT(code) }, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    int64_t id = db_step(res) == 1 ? db_col_int(res, 0) : 0;
    db_res_free(res);
    struct db_param p[] = { id ? DBP_INT(id) : DBP_TEXT(code), DBP_INT(app_id), DBP_TEXT(text),
                            DBP_INT(c->now), DBP_TEXT(who(c)) };
    rc = db_exec(c->db, id ? FORM_SQL_UPDATE : FORM_SQL_INSERT, p, 5, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
form_publish(struct ctx *c, const char *code, int64_t *version)
{
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_WORKING, (struct db_param[]){ DBP_TEXT(code ? code : "") }, 1, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (db_step(res) != 1) {
        db_res_free(res);
        return fail_set(c->fail, ERR_NOT_FOUND, c->lang == LANG_JA ? "フォーム" : "form");
    }
    int64_t id = db_col_int(res, 0);
    const char *def = arena_strdup(c->arena, db_col_text(res, 3));
    db_res_free(res);
    /* the app may have changed since the working copy was saved */
    json_t *j = json_loads(def, 0, NULL);
    int64_t app_id;
    enum err e = j ? validate(c, j, &app_id) : fail_set(c->fail, ERR_INTERNAL, NULL);
    json_decref(j);
    if (e != ERR_OK)
        return e;
    rc = db_query_int(c->db, FORM_SQL_BUMP, (struct db_param[]){ DBP_INT(id) }, 1, version, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, FORM_SQL_VERSION_INSERT,
                     (struct db_param[]){ DBP_INT(id), DBP_INT(*version), DBP_TEXT(def),
                                          DBP_INT(c->now), DBP_TEXT(who(c)) },
                     5, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

static json_t *
parse(struct ctx *c, const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    if (j)
        arena_defer(c->arena, decref, j);
    return j;
}

enum err
form_admin_list(struct ctx *c, json_t **out)
{
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_ADMIN_LIST, NULL, 0, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *list = json_array();
    while ((rc = db_step(res)) == 1) {
        json_t *def = parse(c, db_col_text(res, 6));
        json_array_append_new(
            list, json_pack("{sI ss sI sO* sI sI ss sO* s[]}", "id", (json_int_t)db_col_int(res, 0),
                            "code", db_col_text(res, 1), "app", (json_int_t)db_col_int(res, 2), "title",
                            json_object_get(def, "title"), "version", (json_int_t)db_col_int(res, 3),
                            "updatedAt", (json_int_t)db_col_int(res, 4), "updatedBy",
                            db_col_text(res, 5), "def", def, "versions"));
    }
    db_res_free(res);
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f) {
        if (rc < 0)
            break;
        rc = db_query(c->db, FORM_SQL_VERSIONS,
                      (struct db_param[]){ DBP_INT(json_integer_value(json_object_get(f, "id"))) }, 1, &res);
        if (rc != DB_OK)
            break;
        json_t *vs = json_object_get(f, "versions");
        while ((rc = db_step(res)) == 1)
            json_array_append_new(vs, json_pack("{sI sI ss}", "version", (json_int_t)db_col_int(res, 0),
                                                "publishedAt", (json_int_t)db_col_int(res, 1),
                                                "publishedBy", db_col_text(res, 2)));
        db_res_free(res);
        json_object_del(f, "id");
    }
    if (rc < 0) {
        json_decref(list);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{so}", "forms", list);
    return ERR_OK;
}

enum err
form_load(struct ctx *c, const char *code, int64_t version, struct form *out)
{
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_VERSION,
                      (struct db_param[]){ DBP_TEXT(code ? code : ""), DBP_INT(version) }, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (db_step(res) != 1) {
        db_res_free(res);
        return fail_set(c->fail, ERR_NOT_FOUND, c->lang == LANG_JA ? "申請フォーム" : "form");
    }
    out->id = db_col_int(res, 0);
    out->app_id = db_col_int(res, 1);
    out->version = db_col_int(res, 2);
    out->def = parse(c, db_col_text(res, 3));
    out->code = arena_strdup(c->arena, code);
    db_res_free(res);
    if (!out->def)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    struct app_def d;
    enum err e = app_load(c, out->app_id, false, &d);
    if (e != ERR_OK)
        return e;
    out->props = d.props;
    return ERR_OK;
}

static int64_t
when(const json_t *def, const char *key, int64_t dflt)
{
    int64_t t;
    const char *s = json_string_value(json_object_get(def, key));
    return s && clock_parse_datetime(s, &t) ? t : dflt;
}

/* 0 open, 1 offline, 2 not yet open, 3 closed */
static int
state(const struct ctx *c, const json_t *def)
{
    if (json_is_object(json_object_get(def, "offline")))
        return 1;
    if (c->now < when(def, "opensAt", INT64_MIN))
        return 2;
    if (c->now >= when(def, "closesAt", INT64_MAX))
        return 3;
    return 0;
}

enum err
form_check_open(struct ctx *c, const struct form *f)
{
    switch (state(c, f->def)) {
    case 1: {
        const char *m = json_string_value(json_object_get(json_object_get(f->def, "offline"), "message"));
        return fail_with_message(c->fail, ERR_UNAVAILABLE,
                                 m && *m ? m : "この申請は現在メンテナンス中です。しばらくしてから再度お試しください。");
    }
    case 2:
        return fail_with_message(c->fail, ERR_NOT_FOUND,
                                 "この申請はまだ受付を開始していません。受付開始日時をご確認ください。");
    case 3:
        return fail_with_message(c->fail, ERR_NOT_FOUND,
                                 "この申請の受付は終了しました。担当窓口にお問い合わせください。");
    default:
        return ERR_OK;
    }
}

enum err
form_public_list(struct ctx *c, json_t **out)
{
    struct db_res *res;
    int rc = db_query(c->db, FORM_SQL_PUBLISHED, NULL, 0, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *groups = json_array(), *index = json_object();
    while ((rc = db_step(res)) == 1) {
        json_t *def = parse(c, db_col_text(res, 4));
        if (!def || state(c, def) != 0)
            continue;
        const char *proc = json_string_value(json_object_get(def, "procedure"));
        if (!proc)
            proc = "";
        json_t *g = json_object_get(index, proc);
        if (!g) {
            g = json_pack("{ss s[]}", "name", proc, "forms");
            json_array_append_new(groups, g);
            json_object_set(index, proc, g);
        }
        const char *v = json_string_value(json_object_get(def, "verification"));
        json_array_append_new(
            json_object_get(g, "forms"),
            json_pack("{ss sI sO* sO* sO* sO* sO* sO* ss}", "code", db_col_text(res, 1), "version",
                      (json_int_t)db_col_int(res, 3), "title", json_object_get(def, "title"),
                      "description", json_object_get(def, "description"), "prepare",
                      json_object_get(def, "prepare"), "deadlineNote", json_object_get(def, "deadlineNote"),
                      "opensAt", json_object_get(def, "opensAt"), "closesAt",
                      json_object_get(def, "closesAt"), "verification", v ? v : "required"));
    }
    db_res_free(res);
    json_decref(index);
    if (rc < 0) {
        json_decref(groups);
        return app_db_fail(c, rc);
    }
    *out = json_pack("{so}", "procedures", groups);
    return ERR_OK;
}
