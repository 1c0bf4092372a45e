/* TEMP stub (issue #5): replaced by the real module in main shortly. */
#include "applicant.h"

#include "core/arena.h"

enum err
applicant_verify_start(struct ctx *c, const char *email, const char *form_code)
{
    (void)email, (void)form_code;
    return fail_set(c->fail, ERR_INTERNAL, NULL);
}

enum err
applicant_verify_confirm(struct ctx *c, const char *email, const char *code, struct applicant *out,
                         const char **token)
{
    (void)email, (void)code, (void)out, (void)token;
    return fail_set(c->fail, ERR_VERIFY_FAILED, NULL);
}

enum err
applicant_session(struct ctx *c, const char *token, struct applicant *out)
{
    (void)token, (void)out;
    return fail_set(c->fail, ERR_APPLICANT_REQUIRED, NULL);
}

enum err
applicant_logout(struct ctx *c, const char *token)
{
    (void)c, (void)token;
    return ERR_OK;
}

enum err
applicant_open(struct ctx *c, const char *email, struct applicant *out, const char **token)
{
    (void)email, (void)out, (void)token;
    return fail_set(c->fail, ERR_INTERNAL, NULL);
}

const char *
applicant_email_normalise(struct ctx *c, const char *email)
{
    return email ? arena_strdup(c->arena, email) : NULL;
}
