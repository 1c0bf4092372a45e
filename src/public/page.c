/* The frame of every applicant page and its error page. Japanese first: the texts are in
 * Japanese with English where an applicant may need it; lang="ja" on the document. */
#include "page.h"

#include "api/auth_http.h"
#include "core/arena.h"
#include "http/multipart.h"
#include "sec/sec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The language switch of pages that have English: a link to the same page with ?lang=. */
static void
lang_switch(struct page *pg)
{
    bool en = pg->r->ctx.lang == LANG_EN;
    strbuf_adds(&pg->sb, "<a class=\"lang\" href=\"");
    strbuf_add_html_escaped(&pg->sb, pg->r->path);
    strbuf_adds(&pg->sb, en ? "?lang=ja\" lang=\"ja\" hreflang=\"ja\">日本語</a>"
                            : "?lang=en\" lang=\"en\" hreflang=\"en\">English</a>");
}

static void
begin(struct page *pg, struct req *r, const char *title, bool i18n)
{
    pg->r = r;
    bool en = i18n && r->ctx.lang == LANG_EN;
    strbuf_init(&pg->sb, r->arena, 0);
    strbuf_adds(&pg->sb, en ? "<!doctype html>\n<html lang=\"en\">\n" : "<!doctype html>\n<html lang=\"ja\">\n");
    strbuf_adds(&pg->sb, "<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                         "<title>");
    strbuf_add_html_escaped(&pg->sb, title);
    strbuf_adds(&pg->sb, en ? " | Online applications</title>\n" : " | 電子申請</title>\n");
    strbuf_adds(&pg->sb, "<link rel=\"icon\" href=\"/assets/img/favicon.svg\" type=\"image/svg+xml\">\n"
                         "<link rel=\"stylesheet\" href=\"/assets/css/apply.css\">\n"
                         "</head>\n<body>\n"
                         "<a class=\"skip\" href=\"#main\">本文へ移動 / Skip to content</a>\n"
                         "<header class=\"site\"><div class=\"wrap\">");
    strbuf_adds(&pg->sb, en ? "<a class=\"brand\" href=\"/apply/\">Online applications <span lang=\"ja\">電子申請</span></a>"
                            : "<a class=\"brand\" href=\"/apply/\">電子申請 <span lang=\"en\">Online applications</span></a>");
    if (i18n)
        lang_switch(pg);
    strbuf_adds(&pg->sb, "</div></header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n");
}

void
page_begin(struct page *pg, struct req *r, const char *title)
{
    begin(pg, r, title, false);
}

void
page_begin_i18n(struct page *pg, struct req *r, const char *title)
{
    begin(pg, r, title, true);
}

void
page_end(struct page *pg, int status)
{
    strbuf_adds(&pg->sb, "\n</main>\n<footer class=\"site\"><div class=\"wrap\">"
                         "<p>お問い合わせは各手続の担当窓口へ。 / For questions, contact the "
                         "office in charge of the procedure.</p></div></footer>\n</body>\n</html>\n");
    char *body = malloc(pg->sb.len + 1);
    if (!body)
        return;
    memcpy(body, pg->sb.buf, pg->sb.len);
    body[pg->sb.len] = '\0';
    req_set_header(pg->r, "Cache-Control", "no-store");
    req_set_body(pg->r, status, "text/html; charset=utf-8", body, pg->sb.len);
}

void
page_raw(struct page *pg, const char *html)
{
    strbuf_adds(&pg->sb, html);
}

void
page_text(struct page *pg, const char *text)
{
    strbuf_add_html_escaped(&pg->sb, text ? text : "");
}

void
page_printf(struct page *pg, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    strbuf_adds(&pg->sb, buf);
}

static const char *
csrf_token(struct req *r)
{
    const char *have = api_cookie(r, PAGE_CSRF_COOKIE);
    if (have && strlen(have) == 32)
        return have;
    char tok[33];
    sec_random_hex(tok, 16);
    const char *t = arena_strdup(r->arena, tok);
    req_add_header(r, "Set-Cookie",
                   arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
                                PAGE_CSRF_COOKIE, t, api_secure(r) ? "; Secure" : ""));
    return t;
}

void
page_csrf_field(struct page *pg)
{
    strbuf_adds(&pg->sb, "<input type=\"hidden\" name=\"csrf\" value=\"");
    strbuf_add_html_escaped(&pg->sb, csrf_token(pg->r));
    strbuf_adds(&pg->sb, "\">");
}

enum err
page_csrf_check(struct req *r, json_t *params)
{
    const char *cookie = api_cookie(r, PAGE_CSRF_COOKIE);
    const char *field = json_string_value(json_object_get(params, "csrf"));
    if (!cookie || !field || strlen(cookie) != 32 || strlen(field) != 32 ||
        !sec_equal(cookie, field, 32))
        return fail_set(&r->fail, ERR_CSRF, NULL);
    return ERR_OK;
}

enum err
page_redirect(struct req *r, const char *path)
{
    /* only local paths: never an open redirect */
    if (!path || path[0] != '/' || path[1] == '/' || strchr(path, '\\') || strchr(path, '\r') ||
        strchr(path, '\n'))
        path = "/apply/";
    req_set_header(r, "Location", arena_strdup(r->arena, path));
    req_set_header(r, "Cache-Control", "no-store");
    req_set_body(r, 303, "text/plain; charset=utf-8", strdup(""), 0);
    return ERR_OK;
}

void
api_html_error(struct req *r, enum err e)
{
    int status = err_status(e);
    const char *title = "エラー";
    const char *what = NULL;
    /* a message of the domain's own (a form's maintenance notice, "closed on ...") wins over
     * the generic text of the error */
    const char *own = r->fail.message && strcmp(r->fail.message, err_template(e, r->ctx.lang)) != 0
                          ? r->fail.message
                          : NULL;
    switch (e) {
    case ERR_NOT_FOUND:
    case ERR_NO_ROUTE:
        title = "ページが見つかりません";
        what = "URLをご確認ください。申請の一覧から手続を選び直すこともできます。";
        break;
    case ERR_CSRF:
        title = "画面の有効期限が切れました";
        what = "お手数ですが、前の画面に戻って再読み込みしてから、もう一度送信してください。"
               "入力内容は一時保存されています。";
        break;
    case ERR_APPLICANT_REQUIRED:
        title = "メールアドレスの確認が必要です";
        what = "一定時間操作がなかったため、確認の有効期限が切れました。もう一度メールアドレスを確認すると、"
               "入力途中の内容から再開できます。";
        break;
    case ERR_RATE_LIMITED:
        title = "しばらくお待ちください";
        what = "短い時間に多くの操作がありました。数分待ってからもう一度お試しください。";
        break;
    case ERR_TOO_LARGE:
        title = "ファイルが大きすぎます";
        what = "添付できるファイルの大きさを超えています。ファイルを小さくしてから添付してください。";
        break;
    case ERR_UNAVAILABLE:
    case ERR_INTERNAL:
        title = "ただいま処理できません";
        what = "時間をおいてもう一度お試しください。入力内容は一時保存されています。";
        break;
    default:
        what = r->fail.message;
        break;
    }
    bool portal = !strncmp(r->path, "/my", 3);
    if (portal && (e == ERR_NOT_FOUND || e == ERR_NO_ROUTE)) {
        /* someone else's receipt number reads exactly like an unknown one */
        title = "申請が見つかりません";
        what = "受付番号をご確認ください。申請に使ったメールアドレスで確認した場合にだけ表示されます。"
               " / No application with this number was found for your e-mail address.";
        own = NULL;
    }
    if (own && (e == ERR_UNAVAILABLE || e == ERR_NOT_FOUND)) {
        title = e == ERR_UNAVAILABLE ? "現在この手続は受け付けていません" : "この手続は受付期間外です";
        what = own;
    }
    struct page pg;
    page_begin(&pg, r, title);
    page_raw(&pg, "<h1>");
    page_text(&pg, title);
    page_raw(&pg, "</h1>\n<p>");
    page_text(&pg, what ? what : "もう一度お試しください。");
    page_raw(&pg, portal ? "</p>\n<p><a href=\"/my/\">申請状況の一覧へ戻る / Back to my applications</a></p>\n"
                         : "</p>\n<p><a href=\"/apply/\">申請の一覧へ戻る / Back to the list</a></p>\n");
    page_end(&pg, status >= 400 ? status : 400);
}

enum err
page_read_multipart(struct req *r, json_t *params, struct mpart **parts, size_t *n)
{
    const char *ct = req_header(r, "content-type");
    *parts = NULL;
    *n = 0;
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return ERR_OK;
    enum err e = multipart_parse(r->arena, ct, r->body, r->body_len, parts, n);
    if (e != ERR_OK)
        return fail_set(&r->fail, ERR_INVALID, NULL);
    for (size_t i = 0; i < *n; i++) {
        const struct mpart *m = &(*parts)[i];
        if (m->filename)
            continue;
        json_t *s = json_stringn(m->data, m->len);
        if (!s)
            continue; /* not UTF-8: not an answer */
        size_t nl = strlen(m->name);
        if (nl > 2 && !strcmp(m->name + nl - 2, "[]")) {
            const char *key = arena_strndup(r->arena, m->name, nl - 2);
            json_t *arr = json_object_get(params, key);
            if (!json_is_array(arr)) {
                arr = json_array();
                json_object_set_new(params, key, arr);
            }
            json_array_append_new(arr, s);
        } else {
            json_object_set_new(params, m->name, s);
        }
    }
    return ERR_OK;
}
