/* Applicants' e-mail verification over JSON (the form pages use the same domain calls):
 * request a code, confirm it (which opens the applicant session cookie), log out. Public
 * routes: the browser's X-Requested-With header is required on every call (a cross-site form
 * cannot send it), and the confirmation runs its own transaction so that a wrong code still
 * counts against the code's five tries. */
#include "api.h"

#include "api/auth_http.h"
#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "db/db.h"
#include "domain/applicant.h"

#include <string.h>

static enum err
need_xrw(struct req *r)
{
    const char *x = req_header(r, "x-requested-with");
    return x && *x ? ERR_OK : fail_set(&r->fail, ERR_CSRF, NULL);
}

static void
applicant_cookie(struct req *r, const char *token, bool clear)
{
    /* Lax: a link from the ward's site into a form must arrive with the session */
    req_set_header(r, "Set-Cookie",
                   arena_printf(r->arena, "%s=%s; Path=/; %sHttpOnly; SameSite=Lax%s",
                                APPLICANT_COOKIE, token, clear ? "Max-Age=0; " : "",
                                api_secure(r) ? "; Secure" : ""));
}

enum err
api_apply_verify(struct req *r, json_t *p)
{
    enum err e = need_xrw(r);
    if (e != ERR_OK)
        return e;
    const char *email = params_str(p, "email");
    if (!email || !*email)
        return api_param_error(r, "email", MSG_REQUIRED, NULL);
    e = applicant_verify_start(&r->ctx, email, params_str(p, "form"));
    if (e != ERR_OK)
        return e;
    /* the same answer for every address */
    return api_json(r, json_pack("{s:b,s:i}", "sent", 1, "expiresIn", 600));
}

enum err
api_apply_confirm(struct req *r, json_t *p)
{
    enum err e = need_xrw(r);
    if (e != ERR_OK)
        return e;
    const char *email = params_str(p, "email");
    const char *code = params_str(p, "code");
    if (!email || !*email)
        return api_param_error(r, "email", MSG_REQUIRED, NULL);
    if (!code || !*code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    int rc = db_begin(r->db, true);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    struct applicant a;
    const char *token = NULL;
    e = applicant_verify_confirm(&r->ctx, email, code, &a, &token);
    /* a wrong code is committed too: its try must count */
    if (e != ERR_OK && e != ERR_VERIFY_FAILED) {
        db_rollback(r->db);
        return e;
    }
    rc = db_commit(r->db);
    if (rc != DB_OK)
        return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    if (e != ERR_OK)
        return e;
    applicant_cookie(r, token, false);
    return api_json(r, json_pack("{s:s}", "email", a.email));
}

enum err
api_apply_logout(struct req *r, json_t *p)
{
    (void)p;
    enum err e = need_xrw(r);
    if (e == ERR_OK)
        e = applicant_logout(&r->ctx, api_cookie(r, APPLICANT_COOKIE));
    if (e != ERR_OK)
        return e;
    applicant_cookie(r, "", true);
    return api_json(r, json_object());
}
