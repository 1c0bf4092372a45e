/* /verify: anyone holding a printed document checks that the ward issued it (the code under
 * its QR). The answer names only the document's title, the issuing app and the issue date:
 * nothing about the applicant or the record, so a guessed code reveals nothing personal.
 * Lookups are limited per client address. */
#include "page.h"

#include "api/auth_http.h"
#include "core/arena.h"
#include "api/params.h"
#include "core/ratelimit.h"
#include "domain/document.h"
#include "pdf/pdf_issue.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define VERIFY_PER_MINUTE 60
#define JST_OFFSET (9 * 3600)

static struct ratelimit *rl;
static pthread_once_t rl_once = PTHREAD_ONCE_INIT;

static void
rl_init(void)
{
    rl = ratelimit_new(VERIFY_PER_MINUTE, 4096);
}

/* "2026年4月1日（令和8年）" in JST. */
static const char *
ja_date(struct arena *a, int64_t t)
{
    time_t s = (time_t)(t + JST_OFFSET);
    struct tm tm;
    if (!gmtime_r(&s, &tm))
        return "";
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    bool reiwa = y > 2019 || (y == 2019 && m >= 5);
    if (!reiwa)
        return arena_printf(a, "%d年%d月%d日", y, m, d);
    if (y == 2019)
        return arena_printf(a, "%d年%d月%d日（令和元年）", y, m, d);
    return arena_printf(a, "%d年%d月%d日（令和%d年）", y, m, d, y - 2018);
}

static void
form(struct page *pg, const char *typed)
{
    page_raw(pg, "<form method=\"get\" action=\"/verify\" class=\"verify\">\n"
                 "<p><label for=\"code\">確認コード <span lang=\"en\">Verification code</span></label>\n"
                 "<input id=\"code\" name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" "
                 "spellcheck=\"false\" maxlength=\"20\" aria-describedby=\"code-hint\" value=\"");
    page_text(pg, typed ? typed : "");
    page_raw(pg, "\"></p>\n<p id=\"code-hint\">文書のQRコードの下にある10文字のコードを入力してください"
                 "（大文字・小文字、ハイフンは区別しません）。<br><span lang=\"en\">Enter the "
                 "10-character code printed under the document's QR code (case and hyphens do "
                 "not matter).</span></p>\n"
                 "<p><button type=\"submit\">確認する <span lang=\"en\">Check</span></button></p>\n"
                 "</form>\n");
}

static enum err
form_page(struct req *r, const char *typed, bool bad)
{
    struct page pg;
    page_begin(&pg, r, "文書の確認");
    page_raw(&pg, "<h1>文書の確認 <span lang=\"en\">Verify a document</span></h1>\n"
                  "<p>区が発行した許可書・通知書などが正規のものかを確認できます。<br><span "
                  "lang=\"en\">Check that a permit or notice was issued by the ward.</span></p>\n");
    if (bad)
        page_raw(&pg, "<p class=\"error\" role=\"alert\">確認コードの形式が正しくありません。"
                      "<br><span lang=\"en\">The code is not valid.</span></p>\n");
    form(&pg, typed);
    page_end(&pg, bad ? 400 : 200);
    return ERR_OK;
}

static enum err
result_page(struct req *r, const char *code)
{
    struct doc_public doc;
    enum err e = code ? doc_by_code(&r->ctx, code, &doc) : ERR_NOT_FOUND;
    if (e != ERR_OK && e != ERR_NOT_FOUND)
        return e;
    fail_init(&r->fail, r->arena, r->ctx.lang); /* not found is an answer, not an error */
    struct page pg;
    page_begin(&pg, r, "文書の確認結果");
    page_raw(&pg, "<h1>文書の確認結果 <span lang=\"en\">Verification result</span></h1>\n");
    int status = 200;
    if (e == ERR_NOT_FOUND) {
        status = 404;
        page_raw(&pg, "<p class=\"result notfound\" role=\"status\"><strong>この確認コードの文書は"
                      "見つかりません。</strong><br><span lang=\"en\">No document has this "
                      "code.</span></p>\n<p>コードを入力し直してください。文書の内容に疑問がある"
                      "場合は、発行した窓口へお問い合わせください。<br><span lang=\"en\">Check the "
                      "code and try again. If in doubt, contact the office that issued the "
                      "document.</span></p>\n");
    } else {
        if (doc.revoked_at)
            page_raw(&pg, "<p class=\"result revoked\" role=\"status\"><strong>この文書は取り消されて"
                          "います。</strong><br><span lang=\"en\">This document was "
                          "revoked.</span></p>\n");
        else
            page_raw(&pg, "<p class=\"result valid\" role=\"status\"><strong>正規に発行された文書"
                          "です。</strong><br><span lang=\"en\">This document was issued by the "
                          "ward.</span></p>\n");
        page_raw(&pg, "<dl>\n<dt>帳票名 <span lang=\"en\">Document</span></dt><dd>");
        page_text(&pg, doc.title);
        page_raw(&pg, "</dd>\n<dt>発行元 <span lang=\"en\">Issued by</span></dt><dd>");
        page_text(&pg, doc.app_name);
        page_raw(&pg, "</dd>\n<dt>発行日 <span lang=\"en\">Issued on</span></dt><dd>");
        page_text(&pg, ja_date(r->arena, doc.created_at));
        page_raw(&pg, "</dd>\n<dt>確認コード <span lang=\"en\">Code</span></dt><dd>");
        page_text(&pg, code);
        page_raw(&pg, "</dd>\n</dl>\n"
                      "<p>手元の文書の帳票名・発行日がこの表示と一致することを確かめてください。"
                      "<br><span lang=\"en\">Check that the title and date on your copy match "
                      "the above.</span></p>\n");
    }
    page_raw(&pg, "<h2>別のコードを確認する <span lang=\"en\">Check another code</span></h2>\n");
    form(&pg, NULL);
    page_end(&pg, status);
    return ERR_OK;
}

enum err
public_verify_get(struct req *r, json_t *p)
{
    r->ctx.lang = LANG_JA;
    pthread_once(&rl_once, rl_init);
    enum err e = api_rate_hit(r, rl, "verify", r->ctx.ip ? r->ctx.ip : "");
    if (e != ERR_OK)
        return e;
    const char *rest = strncmp(r->path, "/verify/", 8) == 0 ? r->path + 8 : NULL;
    if (rest && *rest) {
        if (strchr(rest, '/'))
            return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
        const char *typed = params_decode(r->arena, rest, strlen(rest));
        return result_page(r, pdf_verify_code_norm(&r->ctx, typed));
    }
    const char *typed = json_string_value(json_object_get(p, "code"));
    if (!typed || !*typed)
        return form_page(r, NULL, false);
    const char *code = pdf_verify_code_norm(&r->ctx, typed);
    if (!code)
        return form_page(r, typed, true);
    return page_redirect(r, arena_printf(r->arena, "/verify/%s", code));
}
