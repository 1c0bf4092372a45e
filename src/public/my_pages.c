/* The applicant portal pages (/my/): my applications and drafts, and one application by its
 * receipt number: what was submitted and how far it has come, in the applicant's words. */
#include "apply.h"

#include "api/auth_http.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/clock.h"
#include "domain/applicant.h"
#include "domain/portal.h"
#include "domain/wf.h"
#include "db/db.h"
#include "domain/app.h"

#include <string.h>

static void
decref(void *p)
{
    json_decref(p);
}

/* A Japan date for people: 2026年11月26日. */
static const char *
jdate(struct req *r, int64_t secs)
{
    int y, m, d;
    clock_civil_from_days((secs + 9 * 3600) / 86400, &y, &m, &d);
    return arena_printf(r->arena, "%d年%d月%d日", y, m, d);
}

static const char *
url_part(struct req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    struct strbuf sb;
    strbuf_init(&sb, r->arena, 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.') {
            strbuf_addc(&sb, (char)*p);
        } else {
            strbuf_addc(&sb, '%');
            strbuf_addc(&sb, hex[*p >> 4]);
            strbuf_addc(&sb, hex[*p & 15]);
        }
    }
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

static enum err
need_applicant(struct req *r, struct applicant *a, bool *redirected)
{
    *redirected = false;
    if (applicant_session(&r->ctx, api_cookie(r, APPLICANT_COOKIE), a) == ERR_OK)
        return ERR_OK;
    fail_init(&r->fail, r->arena, r->ctx.lang);
    *redirected = true;
    return page_redirect(r, "/apply/verify?next=my");
}

static enum err
my_list(struct req *r, const struct applicant *a)
{
    json_t *list = NULL;
    enum err e = portal_list(&r->ctx, a, &list);
    if (e != ERR_OK)
        return e;
    arena_defer(r->arena, decref, list);
    struct page pg;
    page_begin(&pg, r, "申請状況の確認");
    page_raw(&pg, "<h1>申請状況の確認</h1>\n<p>");
    page_text(&pg, a->email);
    page_raw(&pg, " で申請した手続です。</p>\n<h2>申請した手続</h2>\n");
    const json_t *apps = json_object_get(list, "applications");
    if (!json_array_size(apps)) {
        page_raw(&pg, "<p>まだ申請はありません。</p>\n");
    } else {
        page_raw(&pg, "<table class=\"list\"><caption class=\"vh\">申請の一覧</caption><thead><tr>"
                      "<th scope=\"col\">受付番号</th><th scope=\"col\">手続</th>"
                      "<th scope=\"col\">申請日</th><th scope=\"col\">状況</th></tr></thead><tbody>\n");
        size_t i;
        const json_t *x;
        json_array_foreach(apps, i, x)
        {
            const char *no = json_string_value(json_object_get(x, "receiptNo"));
            page_raw(&pg, "<tr><td><a href=\"/my/");
            page_text(&pg, url_part(r, no));
            page_raw(&pg, "\">");
            page_text(&pg, no);
            page_raw(&pg, "</a></td><td>");
            page_text(&pg, json_string_value(json_object_get(x, "title")));
            page_raw(&pg, "</td><td>");
            page_text(&pg, jdate(r, json_integer_value(json_object_get(x, "filedAt"))));
            page_raw(&pg, "</td><td>");
            page_text(&pg, json_string_value(json_object_get(x, "status")));
            page_raw(&pg, "</td></tr>\n");
        }
        page_raw(&pg, "</tbody></table>\n");
    }
    const json_t *drafts = json_object_get(list, "drafts");
    if (json_array_size(drafts)) {
        page_raw(&pg, "<h2>入力途中の申請</h2>\n<ul>\n");
        size_t i;
        const json_t *x;
        json_array_foreach(drafts, i, x)
        {
            page_raw(&pg, "<li><a href=\"/apply/");
            page_text(&pg, json_string_value(json_object_get(x, "form")));
            page_raw(&pg, "\">");
            page_text(&pg, json_string_value(json_object_get(x, "title")));
            page_raw(&pg, "</a>（");
            page_text(&pg, jdate(r, json_integer_value(json_object_get(x, "expiresAt"))));
            page_raw(&pg, "まで保存されます）</li>\n");
        }
        page_raw(&pg, "</ul>\n");
    }
    page_raw(&pg, "<p><a href=\"/apply/\">新しく申請する</a></p>\n");
    page_end(&pg, 200);
    return ERR_OK;
}

static enum err
my_application(struct req *r, const struct applicant *a, const char *receipt, const char *error,
               const char *error_action)
{
    json_t *app = NULL;
    enum err e = portal_application(&r->ctx, a, receipt, &app);
    if (e != ERR_OK)
        return e;
    arena_defer(r->arena, decref, app);
    const char *no = json_string_value(json_object_get(app, "receiptNo"));
    struct page pg;
    page_begin(&pg, r, arena_printf(r->arena, "受付番号 %s", no));
    page_raw(&pg, "<p><a href=\"/my/\">申請状況の一覧へ戻る</a></p>\n<h1>");
    page_text(&pg, json_string_value(json_object_get(app, "title")));
    page_raw(&pg, "</h1>\n<dl class=\"answers\"><dt>受付番号</dt><dd>");
    page_text(&pg, no);
    page_raw(&pg, "</dd><dt>申請日</dt><dd>");
    page_text(&pg, jdate(r, json_integer_value(json_object_get(app, "filedAt"))));
    page_raw(&pg, "</dd><dt>現在の状況</dt><dd><strong>");
    page_text(&pg, json_string_value(json_object_get(app, "status")));
    page_raw(&pg, "</strong></dd></dl>\n<h2>これまでの経過</h2>\n<ol class=\"timeline\">\n");
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(app, "timeline"), i, x)
    {
        page_raw(&pg, "<li>");
        page_text(&pg, jdate(r, json_integer_value(json_object_get(x, "at"))));
        page_raw(&pg, " ");
        page_text(&pg, json_string_value(json_object_get(x, "status")));
        page_raw(&pg, "</li>\n");
    }
    page_raw(&pg, "</ol>\n<h2>申請した内容</h2>\n<dl class=\"answers\">");
    json_array_foreach(json_object_get(app, "answers"), i, x)
    {
        page_raw(&pg, "<dt>");
        page_text(&pg, json_string_value(json_object_get(x, "label")));
        page_raw(&pg, "</dt><dd>");
        page_text(&pg, json_string_value(json_object_get(x, "value")));
        page_raw(&pg, "</dd>");
    }
    page_raw(&pg, "</dl>\n");
    /* what the applicant may do now (withdrawal...) */
    json_array_foreach(json_object_get(app, "actions"), i, x)
    {
        const char *name = json_string_value(json_object_get(x, "name"));
        const char *rule = json_string_value(json_object_get(x, "reason"));
        bool need = rule && !strcmp(rule, "REQUIRED");
        const char *fid = arena_printf(r->arena, "reason-%zu", i);
        page_raw(&pg, "<h2>");
        page_text(&pg, name);
        page_raw(&pg, "</h2>\n<form method=\"post\" action=\"/my/");
        page_text(&pg, url_part(r, no));
        page_raw(&pg, "\" novalidate>");
        page_csrf_field(&pg);
        page_raw(&pg, "<input type=\"hidden\" name=\"action\" value=\"");
        page_text(&pg, name);
        page_printf(&pg, "\"><div class=\"field%s\">", error && !strcmp(error_action, name) ? " has-error" : "");
        page_printf(&pg, "<label for=\"%s\">理由%s</label>", fid,
                    need ? " <span class=\"req\">必須</span>" : " <span class=\"opt\">任意</span>");
        if (error && !strcmp(error_action, name)) {
            page_printf(&pg, "<p class=\"error-msg\" id=\"%s-error\"><span class=\"icon\" aria-hidden=\"true\">!</span>", fid);
            page_text(&pg, error);
            page_raw(&pg, "</p>");
            page_printf(&pg, "<textarea id=\"%s\" name=\"reason\" aria-invalid=\"true\" aria-describedby=\"%s-error\"></textarea>", fid, fid);
        } else {
            page_printf(&pg, "<textarea id=\"%s\" name=\"reason\"></textarea>", fid);
        }
        page_raw(&pg, "</div><button type=\"submit\">");
        page_text(&pg, name);
        page_raw(&pg, "する</button></form>\n");
    }
    page_end(&pg, error ? 400 : 200);
    return ERR_OK;
}

enum err
public_my_get(struct req *r, json_t *p)
{
    (void)p;
    struct applicant a;
    bool redirected;
    enum err e = need_applicant(r, &a, &redirected);
    if (e != ERR_OK || redirected)
        return e;
    const char *rest = strncmp(r->path, "/my/", 4) == 0 ? r->path + 4 : "";
    if (!*rest)
        return my_list(r, &a);
    if (strchr(rest, '/'))
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    return my_application(r, &a, params_decode(r->arena, rest, strlen(rest)), NULL, NULL);
}

/* POST /my/{receipt}: an action open to the applicant (withdrawal with its reason). */
enum err
public_my_post(struct req *r, json_t *p)
{
    enum err e = page_csrf_check(r, p);
    if (e != ERR_OK)
        return e;
    struct applicant a;
    bool redirected;
    e = need_applicant(r, &a, &redirected);
    if (e != ERR_OK || redirected)
        return e;
    const char *rest = strncmp(r->path, "/my/", 4) == 0 ? r->path + 4 : "";
    if (!*rest || strchr(rest, '/'))
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    const char *receipt = params_decode(r->arena, rest, strlen(rest));
    const char *action = json_string_value(json_object_get(p, "action"));
    const char *reason = json_string_value(json_object_get(p, "reason"));
    if (reason && strlen(reason) > 4000)
        reason = NULL;
    int rc = db_begin(r->db, true);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    int64_t app_id, record_id, rev;
    struct app_def d;
    e = portal_find(&r->ctx, &a, receipt, &app_id, &record_id);
    if (e == ERR_OK)
        e = app_load(&r->ctx, app_id, false, &d);
    if (e == ERR_OK)
        e = wf_run_applicant(&r->ctx, &d, record_id, action, reason, &rev);
    if (e != ERR_OK) {
        db_rollback(r->db);
        if (e == ERR_INVALID && action) {
            fail_init(&r->fail, r->arena, r->ctx.lang);
            return my_application(r, &a, receipt, "理由を入力してください。", action);
        }
        return e;
    }
    rc = db_commit(r->db);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    return page_redirect(r, arena_printf(r->arena, "/my/%s", url_part(r, receipt)));
}
