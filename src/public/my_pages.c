/* The applicant portal pages (/my/): my applications and drafts, and one application by its
 * receipt number: what was submitted, the documents issued, the thread with the ward and how
 * far it has come, in the applicant's words; withdrawal. Japanese first; ?lang=en switches to
 * English (remembered in a cookie). */
#include "my.h"

#include "api/auth_http.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/applicant.h"
#include "domain/document.h"
#include "domain/portal.h"
#include "domain/portal_msg.h"
#include "domain/wf.h"

#include <stdlib.h>
#include <string.h>

#define LANG_COOKIE "mado_lang"

static void
decref(void *p)
{
    json_decref(p);
}

const char *
my_date(struct req *r, int64_t secs)
{
    int y, m, d;
    clock_civil_from_days((secs + 9 * 3600) / 86400, &y, &m, &d);
    return r->ctx.lang == LANG_EN ? arena_printf(r->arena, "%04d-%02d-%02d", y, m, d)
                                  : arena_printf(r->arena, "%d年%d月%d日", y, m, d);
}

const char *
my_day(struct req *r, const char *iso)
{
    int y, m, d;
    if (!iso || !clock_parse_date(iso, &y, &m, &d))
        return iso ? iso : "";
    return r->ctx.lang == LANG_EN ? iso : arena_printf(r->arena, "%d年%d月%d日", y, m, d);
}

const char *
my_size(struct req *r, int64_t n)
{
    if (n >= 1024 * 1024)
        return arena_printf(r->arena, "%.1f MB", (double)n / (1024.0 * 1024.0));
    if (n >= 1024)
        return arena_printf(r->arena, "%lld KB", (long long)((n + 1023) / 1024));
    return arena_printf(r->arena, "%lld B", (long long)n);
}

const char *
my_url_part(struct req *r, const char *s)
{
    struct strbuf sb;
    strbuf_init(&sb, r->arena, 0);
    strbuf_add_url_escaped(&sb, s);
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

/* The applicant labels of the usual statuses in English; an app's own labels stay as they are. */
static const char *
status_text(struct req *r, const char *label)
{
    static const char *const map[][2] = {
        { "受付中", "Received" },        { "受付済み", "Received" },
        { "審査中", "Under review" },    { "決裁中", "Awaiting decision" },
        { "決裁完了", "Decided" },       { "修正依頼中", "Correction requested" },
        { "取下げ", "Withdrawn" },
    };
    if (r->ctx.lang != LANG_EN || !label)
        return label;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(map[i][0], label))
            return map[i][1];
    return label;
}

/* ?lang=en|ja chooses (and is remembered); else the cookie; else Japanese. Accept-Language is
 * not used: the ward's pages are Japanese first. */
static void
pick_lang(struct req *r, json_t *p)
{
    const char *want = json_string_value(json_object_get(p, "lang"));
    if (want && (!strcmp(want, "en") || !strcmp(want, "ja"))) {
        req_add_header(r, "Set-Cookie",
                       arena_printf(r->arena, "%s=%s; Path=/; Max-Age=31536000; SameSite=Lax%s",
                                    LANG_COOKIE, want, api_secure(r) ? "; Secure" : ""));
    } else {
        want = api_cookie(r, LANG_COOKIE);
    }
    r->ctx.lang = want && !strcmp(want, "en") ? LANG_EN : LANG_JA;
    fail_init(&r->fail, r->arena, r->ctx.lang);
}

static enum err
need_applicant(struct req *r, struct applicant *a, bool *redirected)
{
    *redirected = false;
    if (applicant_session(&r->ctx, api_cookie(r, APPLICANT_COOKIE), a) == ERR_OK) {
        /* the audit log names the applicant (no principal of ours: kind stays NONE) */
        r->ctx.who.login = arena_printf(r->arena, "applicant:%lld", (long long)a->id);
        return ERR_OK;
    }
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
    page_begin_i18n(&pg, r, MY_T(r, "申請状況の確認", "My applications"));
    page_raw(&pg, MY_T(r, "<h1>申請状況の確認</h1>\n<p>", "<h1>My applications</h1>\n<p>"));
    page_raw(&pg, MY_T(r, "", "Applications filed with "));
    page_text(&pg, a->email);
    page_raw(&pg, MY_T(r, " で申請した手続です。</p>\n<h2>申請した手続</h2>\n",
                       ".</p>\n<h2>Applications</h2>\n"));
    const json_t *apps = json_object_get(list, "applications");
    if (!json_array_size(apps)) {
        page_raw(&pg, MY_T(r, "<p>まだ申請はありません。</p>\n", "<p>No applications yet.</p>\n"));
    } else {
        page_raw(&pg, MY_T(r,
                           "<table class=\"list\"><caption class=\"vh\">申請の一覧</caption><thead><tr>"
                           "<th scope=\"col\">受付番号</th><th scope=\"col\">手続</th>"
                           "<th scope=\"col\">申請日</th><th scope=\"col\">状況</th></tr></thead><tbody>\n",
                           "<table class=\"list\"><caption class=\"vh\">Applications</caption><thead><tr>"
                           "<th scope=\"col\">Receipt no.</th><th scope=\"col\">Procedure</th>"
                           "<th scope=\"col\">Filed on</th><th scope=\"col\">Status</th></tr></thead><tbody>\n"));
        size_t i;
        const json_t *x;
        json_array_foreach(apps, i, x)
        {
            const char *no = json_string_value(json_object_get(x, "receiptNo"));
            page_raw(&pg, "<tr><td><a href=\"/my/");
            page_text(&pg, my_url_part(r, no));
            page_raw(&pg, "\">");
            page_text(&pg, no);
            page_raw(&pg, "</a></td><td>");
            page_text(&pg, json_string_value(json_object_get(x, "title")));
            page_raw(&pg, "</td><td>");
            page_text(&pg, my_date(r, json_integer_value(json_object_get(x, "filedAt"))));
            page_raw(&pg, "</td><td>");
            page_text(&pg, status_text(r, json_string_value(json_object_get(x, "status"))));
            /* the next step, in a word */
            const char *due = json_string_value(json_object_get(x, "dueDate"));
            const char *st = json_string_value(json_object_get(x, "status"));
            if (due) {
                page_raw(&pg, MY_T(r, "<br><strong class=\"due\">区への回答をお願いします（期限 ",
                                   "<br><strong class=\"due\">Please reply to the ward (by "));
                page_text(&pg, my_day(r, due));
                page_raw(&pg, MY_T(r, "）</strong>", ")</strong>"));
            } else if (json_integer_value(json_object_get(x, "documents")) > 0) {
                page_raw(&pg, MY_T(r, "<br><span class=\"meta\">交付された書類があります</span>",
                                   "<br><span class=\"meta\">A document has been issued</span>"));
            } else if (st && strcmp(st, "決裁完了") && strcmp(st, "取下げ")) {
                page_raw(&pg, MY_T(r, "<br><span class=\"meta\">区で手続中です</span>",
                                   "<br><span class=\"meta\">The ward is working on it</span>"));
            }
            page_raw(&pg, "</td></tr>\n");
        }
        page_raw(&pg, "</tbody></table>\n");
    }
    const json_t *drafts = json_object_get(list, "drafts");
    if (json_array_size(drafts)) {
        page_raw(&pg, MY_T(r, "<h2>入力途中の申請</h2>\n<ul>\n", "<h2>Drafts</h2>\n<ul>\n"));
        size_t i;
        const json_t *x;
        json_array_foreach(drafts, i, x)
        {
            page_raw(&pg, "<li><a href=\"/apply/");
            page_text(&pg, json_string_value(json_object_get(x, "form")));
            page_raw(&pg, "\">");
            page_text(&pg, json_string_value(json_object_get(x, "title")));
            page_raw(&pg, MY_T(r, "</a>（", "</a> (kept until "));
            page_text(&pg, my_date(r, json_integer_value(json_object_get(x, "expiresAt"))));
            page_raw(&pg, MY_T(r, "まで保存されます）</li>\n", ")</li>\n"));
        }
        page_raw(&pg, "</ul>\n");
    }
    page_raw(&pg, MY_T(r, "<p><a href=\"/apply/\">新しく申請する</a></p>\n",
                       "<p><a href=\"/apply/\">File a new application</a></p>\n"));
    page_end(&pg, 200);
    return ERR_OK;
}

static void
documents_section(struct page *pg, const char *receipt, const json_t *docs)
{
    struct req *r = pg->r;
    const json_t *list = json_object_get(docs, "documents");
    if (!json_array_size(list))
        return;
    page_raw(pg, MY_T(r, "<h2 id=\"documents\">交付された書類</h2>\n<ul class=\"files\">\n",
                      "<h2 id=\"documents\">Issued documents</h2>\n<ul class=\"files\">\n"));
    size_t i;
    const json_t *d;
    json_array_foreach(list, i, d)
    {
        page_printf(pg, "<li><a href=\"/my/%s/documents/%lld\">", my_url_part(r, receipt),
                    (long long)json_integer_value(json_object_get(d, "id")));
        page_text(pg, json_string_value(json_object_get(d, "title")));
        page_raw(pg, "</a> <span class=\"meta\">(PDF ");
        page_text(pg, my_size(r, json_integer_value(json_object_get(d, "size"))));
        page_raw(pg, MY_T(r, "、", ", "));
        const json_t *at = json_object_get(d, "deliveredAt");
        page_text(pg, my_date(r, json_is_integer(at) ? json_integer_value(at)
                                                     : json_integer_value(json_object_get(d, "createdAt"))));
        page_raw(pg, ")</span></li>\n");
    }
    page_raw(pg, "</ul>\n");
}

static void
answers_section(struct page *pg, const char *receipt, const json_t *answers)
{
    struct req *r = pg->r;
    page_raw(pg, MY_T(r, "<h2>申請した内容</h2>\n<dl class=\"answers\">",
                      "<h2>What you submitted</h2>\n<dl class=\"answers\">"));
    size_t i;
    const json_t *x;
    json_array_foreach(answers, i, x)
    {
        page_raw(pg, "<dt>");
        page_text(pg, json_string_value(json_object_get(x, "label")));
        page_raw(pg, "</dt><dd>");
        const json_t *files = json_object_get(x, "files");
        if (json_array_size(files)) {
            page_raw(pg, "<ul class=\"files\">");
            size_t k;
            const json_t *f;
            json_array_foreach(files, k, f)
            {
                page_printf(pg, "<li><a href=\"/my/%s/files/", my_url_part(r, receipt));
                page_text(pg, my_url_part(r, json_string_value(json_object_get(f, "fileKey"))));
                page_raw(pg, "\">");
                page_text(pg, json_string_value(json_object_get(f, "name")));
                page_raw(pg, "</a>");
                if (json_is_integer(json_object_get(f, "size"))) {
                    page_raw(pg, " <span class=\"meta\">(");
                    page_text(pg, my_size(r, json_integer_value(json_object_get(f, "size"))));
                    page_raw(pg, ")</span>");
                }
                page_raw(pg, "</li>");
            }
            page_raw(pg, "</ul>");
        } else {
            page_text(pg, json_string_value(json_object_get(x, "value")));
        }
        page_raw(pg, "</dd>");
    }
    page_raw(pg, "</dl>\n");
}

static void
actions_section(struct page *pg, const char *receipt, const json_t *actions,
                const struct my_state *st)
{
    struct req *r = pg->r;
    size_t i;
    const json_t *x;
    json_array_foreach(actions, i, x)
    {
        if (json_is_true(json_object_get(x, "reply")))
            continue; /* taken by replying in the thread */
        const char *name = json_string_value(json_object_get(x, "name"));
        const char *rule = json_string_value(json_object_get(x, "reason"));
        bool need = rule && !strcmp(rule, "REQUIRED");
        bool failed = st && st->action_error && st->action && !strcmp(st->action, name);
        const char *fid = arena_printf(r->arena, "reason-%zu", i);
        page_raw(pg, "<h2>");
        page_text(pg, name);
        page_raw(pg, "</h2>\n<form method=\"post\" action=\"/my/");
        page_text(pg, my_url_part(r, receipt));
        page_raw(pg, "\" novalidate>");
        page_csrf_field(pg);
        page_raw(pg, "<input type=\"hidden\" name=\"action\" value=\"");
        page_text(pg, name);
        page_printf(pg, "\"><div class=\"field%s\">", failed ? " has-error" : "");
        page_printf(pg, "<label for=\"%s\">%s%s</label>", fid, MY_T(r, "理由", "Reason"),
                    need ? MY_T(r, " <span class=\"req\">必須</span>", " <span class=\"req\">Required</span>")
                         : MY_T(r, " <span class=\"opt\">任意</span>", " <span class=\"opt\">Optional</span>"));
        if (failed) {
            page_printf(pg, "<p class=\"error-msg\" id=\"%s-error\"><span class=\"icon\" aria-hidden=\"true\">!</span>", fid);
            page_text(pg, st->action_error);
            page_raw(pg, "</p>");
            page_printf(pg, "<textarea id=\"%s\" name=\"reason\" aria-invalid=\"true\" aria-describedby=\"%s-error\"></textarea>", fid, fid);
        } else {
            page_printf(pg, "<textarea id=\"%s\" name=\"reason\"></textarea>", fid);
        }
        page_raw(pg, "</div><button type=\"submit\">");
        page_text(pg, name);
        page_raw(pg, MY_T(r, "する</button></form>\n", "</button></form>\n"));
    }
}

enum err
my_application(struct req *r, const struct applicant *a, const char *receipt,
               const struct my_state *st)
{
    json_t *app = NULL, *thread = NULL, *docs = NULL;
    int64_t app_id, record_id;
    enum err e = portal_application(&r->ctx, a, receipt, &app);
    if (e != ERR_OK)
        return e;
    arena_defer(r->arena, decref, app);
    if ((e = portal_find(&r->ctx, a, receipt, &app_id, &record_id)) != ERR_OK)
        return e;
    if (!r->ctx.audit_target)
        r->ctx.audit_target = arena_printf(r->arena, "app:%lld/record:%lld", (long long)app_id,
                                           (long long)record_id);
    e = pmsg_list(&r->ctx, app_id, record_id, true, &thread);
    if (thread)
        arena_defer(r->arena, decref, thread);
    if (e == ERR_OK)
        e = doc_list(&r->ctx, app_id, record_id, true, &docs);
    if (docs)
        arena_defer(r->arena, decref, docs);
    if (e != ERR_OK)
        return e;
    const char *no = json_string_value(json_object_get(app, "receiptNo"));
    struct page pg;
    page_begin_i18n(&pg, r, arena_printf(r->arena, MY_T(r, "受付番号 %s", "Receipt no. %s"), no));
    page_raw(&pg, MY_T(r, "<p><a href=\"/my/\">申請状況の一覧へ戻る</a></p>\n<h1>",
                       "<p><a href=\"/my/\">Back to my applications</a></p>\n<h1>"));
    page_text(&pg, json_string_value(json_object_get(app, "title")));
    page_raw(&pg, "</h1>\n");
    if (st && st->sent)
        page_raw(&pg, MY_T(r, "<div class=\"success\" role=\"status\"><p>区へ送信しました。</p></div>\n",
                           "<div class=\"success\" role=\"status\"><p>Sent to the ward.</p></div>\n"));
    const json_t *open = json_object_get(thread, "open");
    if (json_array_size(open)) {
        /* what the ward waits for, first thing on the page */
        const json_t *first = json_array_get(open, 0);
        page_raw(&pg, "<div class=\"notice attention\"><p><strong>");
        page_raw(&pg, MY_T(r, "区からお願いが届いています。", "The ward has asked you for something."));
        page_raw(&pg, "</strong> ");
        page_raw(&pg, MY_T(r, "期限：", "Due: "));
        page_text(&pg, my_day(r, json_string_value(json_object_get(first, "dueDate"))));
        page_raw(&pg, MY_T(r, "</p><p><a href=\"#reply\">内容を確認して回答する</a></p></div>\n",
                           "</p><p><a href=\"#reply\">Read it and reply</a></p></div>\n"));
    }
    page_raw(&pg, MY_T(r, "<dl class=\"answers\"><dt>受付番号</dt><dd>", "<dl class=\"answers\"><dt>Receipt no.</dt><dd>"));
    page_text(&pg, no);
    page_raw(&pg, MY_T(r, "</dd><dt>申請日</dt><dd>", "</dd><dt>Filed on</dt><dd>"));
    page_text(&pg, my_date(r, json_integer_value(json_object_get(app, "filedAt"))));
    page_raw(&pg, MY_T(r, "</dd><dt>現在の状況</dt><dd><strong>", "</dd><dt>Status</dt><dd><strong>"));
    page_text(&pg, status_text(r, json_string_value(json_object_get(app, "status"))));
    page_raw(&pg, "</strong></dd></dl>\n");
    documents_section(&pg, no, docs);
    my_thread_section(&pg, no, thread, st);
    page_raw(&pg, MY_T(r, "<h2>これまでの経過</h2>\n<ol class=\"timeline\">\n",
                       "<h2>Progress</h2>\n<ol class=\"timeline\">\n"));
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(app, "timeline"), i, x)
    {
        page_raw(&pg, "<li>");
        page_text(&pg, my_date(r, json_integer_value(json_object_get(x, "at"))));
        page_raw(&pg, " ");
        page_text(&pg, status_text(r, json_string_value(json_object_get(x, "status"))));
        page_raw(&pg, "</li>\n");
    }
    page_raw(&pg, "</ol>\n");
    answers_section(&pg, no, json_object_get(app, "answers"));
    actions_section(&pg, no, json_object_get(app, "actions"), st);
    page_end(&pg, st && (st->action_error || st->reply_errors) ? 400 : 200);
    return ERR_OK;
}

/* /my/{receipt}[/{what}/{id}]: the receipt (decoded), the sub-resource and its id. */
static bool
split_path(struct req *r, const char **receipt, const char **what, const char **id)
{
    const char *rest = strncmp(r->path, "/my/", 4) == 0 ? r->path + 4 : "";
    *receipt = *what = *id = NULL;
    if (!*rest)
        return true;
    const char *s1 = strchr(rest, '/');
    *receipt = params_decode(r->arena, rest, s1 ? (size_t)(s1 - rest) : strlen(rest));
    if (!s1)
        return true;
    const char *s2 = strchr(s1 + 1, '/');
    *what = arena_strndup(r->arena, s1 + 1, s2 ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1));
    if (s2) {
        if (strchr(s2 + 1, '/'))
            return false;
        *id = params_decode(r->arena, s2 + 1, strlen(s2 + 1));
    }
    return true;
}

enum err
public_my_get(struct req *r, json_t *p)
{
    pick_lang(r, p);
    struct applicant a;
    bool redirected;
    enum err e = need_applicant(r, &a, &redirected);
    if (e != ERR_OK || redirected)
        return e;
    const char *receipt, *what, *id;
    if (!split_path(r, &receipt, &what, &id))
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    if (!receipt)
        return my_list(r, &a);
    if (!what) {
        struct my_state st = { .sent = json_object_get(p, "sent") != NULL };
        return my_application(r, &a, receipt, &st);
    }
    if (id && !strcmp(what, "files"))
        return my_download_file(r, &a, receipt, id);
    if (id && !strcmp(what, "documents"))
        return my_download_document(r, &a, receipt, id);
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

static enum err
action_post(struct req *r, const struct applicant *a, const char *receipt, json_t *p)
{
    enum err e = page_csrf_check(r, p);
    if (e != ERR_OK)
        return e;
    const char *action = json_string_value(json_object_get(p, "action"));
    const char *reason = json_string_value(json_object_get(p, "reason"));
    if (reason && strlen(reason) > 4000)
        reason = NULL;
    int rc = db_begin(r->db, true);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    int64_t app_id, record_id, rev;
    struct app_def d;
    e = portal_find(&r->ctx, a, receipt, &app_id, &record_id);
    if (e == ERR_OK)
        e = app_load(&r->ctx, app_id, false, &d);
    if (e == ERR_OK)
        e = wf_run_applicant(&r->ctx, &d, record_id, action, reason, &rev);
    if (e != ERR_OK) {
        db_rollback(r->db);
        if (e == ERR_INVALID && action) {
            fail_init(&r->fail, r->arena, r->ctx.lang);
            struct my_state st = { .action = action,
                                   .action_error = MY_T(r, "理由を入力してください。",
                                                        "Enter the reason.") };
            return my_application(r, a, receipt, &st);
        }
        return e;
    }
    rc = db_commit(r->db);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    return page_redirect(r, arena_printf(r->arena, "/my/%s", my_url_part(r, receipt)));
}

/* POST /my/{receipt}: an action open to the applicant (withdrawal with its reason);
 * POST /my/{receipt}/reply: a message or the reply to the ward's request. */
enum err
public_my_post(struct req *r, json_t *p)
{
    pick_lang(r, p);
    struct applicant a;
    bool redirected;
    enum err e = need_applicant(r, &a, &redirected);
    if (e != ERR_OK || redirected)
        return e;
    const char *receipt, *what, *id;
    if (!split_path(r, &receipt, &what, &id) || !receipt || id)
        return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
    if (!what)
        return action_post(r, &a, receipt, p);
    if (!strcmp(what, "reply"))
        return my_reply_post(r, &a, receipt, p);
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
