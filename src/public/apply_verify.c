/* The e-mail verification pages: address → code → back to the form, without JavaScript. The
 * answers never reveal whether an address is known. */
#include "apply.h"

#include "api/auth_http.h"
#include "core/arena.h"
#include "db/db.h"
#include "domain/applicant.h"

#include <string.h>

/* A form code as it may appear in a URL (letters, digits, - and _), else NULL. */
const char *
apply_form_code(struct req *r, const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return NULL;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return NULL;
    return arena_strdup(r->arena, s);
}

/* Where verification leads back to: a form, or the portal (next=my); nothing else. */
static bool
next_my(json_t *p)
{
    const char *n = json_string_value(json_object_get(p, "next"));
    return n && strcmp(n, "my") == 0;
}

static void
hidden_next(struct page *pg, bool my)
{
    if (my)
        page_raw(pg, "<input type=\"hidden\" name=\"next\" value=\"my\">");
}

static void
email_page(struct req *r, const char *form, bool my, const char *email, const char *error, int status)
{
    struct page pg;
    page_begin(&pg, r, error ? "エラー: メールアドレスの確認" : "メールアドレスの確認");
    if (error) {
        page_raw(&pg, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">"
                      "<h2>入力内容を確認してください</h2><ul><li><a href=\"#email\">");
        page_text(&pg, error);
        page_raw(&pg, "</a></li></ul></div>\n");
    }
    page_raw(&pg, "<h1>メールアドレスの確認</h1>\n"
                  "<p>申請の前に、連絡先のメールアドレスを確認します。入力したアドレスに6桁の確認コードを"
                  "お送りします。 <span lang=\"en\">We will send a 6-digit code to your e-mail address.</span></p>\n"
                  "<form method=\"post\" action=\"/apply/verify\" novalidate>\n");
    page_csrf_field(&pg);
    hidden_next(&pg, my);
    if (form) {
        page_raw(&pg, "<input type=\"hidden\" name=\"form\" value=\"");
        page_text(&pg, form);
        page_raw(&pg, "\">");
    }
    page_raw(&pg, "\n<div class=\"field");
    page_raw(&pg, error ? " has-error\">" : "\">");
    page_raw(&pg, "<label for=\"email\">メールアドレス <span class=\"req\">必須</span></label>\n"
                  "<p class=\"help\" id=\"email-help\">例: setagaya.taro@example.jp</p>\n");
    if (error) {
        page_raw(&pg, "<p class=\"error-msg\" id=\"email-error\"><span class=\"icon\" aria-hidden=\"true\">!</span>");
        page_text(&pg, error);
        page_raw(&pg, "</p>\n");
    }
    page_raw(&pg, "<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" "
                  "inputmode=\"email\" spellcheck=\"false\" required aria-describedby=\"email-help");
    page_raw(&pg, error ? " email-error\" aria-invalid=\"true\" value=\"" : "\" value=\"");
    page_text(&pg, email);
    page_raw(&pg, "\"></div>\n<button type=\"submit\" class=\"primary\">確認コードを送る</button>\n</form>\n");
    page_end(&pg, status);
}

static void
code_page(struct req *r, const char *form, bool my, const char *email, const char *error, int status)
{
    struct page pg;
    page_begin(&pg, r, error ? "エラー: 確認コードの入力" : "確認コードの入力");
    if (error) {
        page_raw(&pg, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">"
                      "<h2>入力内容を確認してください</h2><ul><li><a href=\"#code\">");
        page_text(&pg, error);
        page_raw(&pg, "</a></li></ul></div>\n");
    }
    page_raw(&pg, "<h1>確認コードの入力</h1>\n<p>");
    page_text(&pg, email);
    page_raw(&pg, " あてに確認コードを送りました（有効期限10分）。メールが届かない場合は、迷惑メールフォルダも"
                  "ご確認ください。</p>\n<form method=\"post\" action=\"/apply/confirm\" novalidate>\n");
    page_csrf_field(&pg);
    hidden_next(&pg, my);
    page_raw(&pg, "<input type=\"hidden\" name=\"email\" value=\"");
    page_text(&pg, email);
    page_raw(&pg, "\">");
    if (form) {
        page_raw(&pg, "<input type=\"hidden\" name=\"form\" value=\"");
        page_text(&pg, form);
        page_raw(&pg, "\">");
    }
    page_raw(&pg, error ? "\n<div class=\"field has-error\">" : "\n<div class=\"field\">");
    page_raw(&pg, "<label for=\"code\">確認コード（6桁の数字） <span class=\"req\">必須</span></label>\n");
    if (error) {
        page_raw(&pg, "<p class=\"error-msg\" id=\"code-error\"><span class=\"icon\" aria-hidden=\"true\">!</span>");
        page_text(&pg, error);
        page_raw(&pg, "</p>\n");
    }
    page_raw(&pg, "<input type=\"text\" id=\"code\" name=\"code\" class=\"short\" inputmode=\"numeric\" "
                  "autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\" required");
    page_raw(&pg, error ? " aria-invalid=\"true\" aria-describedby=\"code-error\">" : ">");
    page_raw(&pg, "</div>\n<button type=\"submit\" class=\"primary\">確認する</button>\n</form>\n"
                  "<p><a href=\"/apply/verify");
    if (form) {
        page_raw(&pg, "?form=");
        page_text(&pg, form);
    } else if (my) {
        page_raw(&pg, "?next=my");
    }
    page_raw(&pg, "\">確認コードを送り直す</a></p>\n");
    page_end(&pg, status);
}

enum err
apply_verify_get(struct req *r, json_t *p)
{
    const char *form = apply_form_code(r, json_string_value(json_object_get(p, "form")));
    email_page(r, form, next_my(p), "", NULL, 200);
    return ERR_OK;
}

enum err
apply_verify_post(struct req *r, json_t *p)
{
    enum err e = page_csrf_check(r, p);
    if (e != ERR_OK)
        return e;
    const char *form = apply_form_code(r, json_string_value(json_object_get(p, "form")));
    const char *email = json_string_value(json_object_get(p, "email"));
    if (!email || !*email) {
        email_page(r, form, next_my(p), "", "メールアドレスを入力してください。", 400);
        return ERR_OK;
    }
    if (!applicant_email_normalise(&r->ctx, email)) {
        email_page(r, form, next_my(p), email, "メールアドレスの形式が正しくありません。例: setagaya.taro@example.jp", 400);
        return ERR_OK;
    }
    int rc = db_begin(r->db, true);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    e = applicant_verify_start(&r->ctx, email, form);
    if (e != ERR_OK) {
        db_rollback(r->db);
        return e;
    }
    rc = db_commit(r->db);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    code_page(r, form, next_my(p), applicant_email_normalise(&r->ctx, email), NULL, 200);
    return ERR_OK;
}

enum err
apply_confirm_post(struct req *r, json_t *p)
{
    enum err e = page_csrf_check(r, p);
    if (e != ERR_OK)
        return e;
    const char *form = apply_form_code(r, json_string_value(json_object_get(p, "form")));
    const char *email = json_string_value(json_object_get(p, "email"));
    const char *code = json_string_value(json_object_get(p, "code"));
    if (!email || !applicant_email_normalise(&r->ctx, email))
        return apply_verify_get(r, p);
    if (!code || !*code) {
        code_page(r, form, next_my(p), email, "確認コードを入力してください。", 400);
        return ERR_OK;
    }
    int rc = db_begin(r->db, true);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    struct applicant a;
    const char *token = NULL;
    e = applicant_verify_confirm(&r->ctx, email, code, &a, &token);
    if (e != ERR_OK && e != ERR_VERIFY_FAILED) {
        db_rollback(r->db);
        return e;
    }
    rc = db_commit(r->db); /* a wrong code's try counts */
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    if (e != ERR_OK) {
        code_page(r, form, next_my(p), email,
                  "確認コードが正しくないか、有効期限が切れています。メールをご確認のうえ、もう一度入力してください。",
                  400);
        return ERR_OK;
    }
    req_add_header(r, "Set-Cookie",
                   arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s",
                                APPLICANT_COOKIE, token, api_secure(r) ? "; Secure" : ""));
    return page_redirect(r, next_my(p) ? "/my/"
                            : form ? arena_printf(r->arena, "/apply/%s", form) : "/apply/");
}
