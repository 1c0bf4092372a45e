/* TEMP stub (issue #5): the fcond helper replaces this file. */
#include "fcond.h"

bool
fcond_valid(const json_t *cond, const char **why)
{
    (void)cond;
    *why = "not implemented";
    return false;
}

bool
fcond_eval(const json_t *cond, const json_t *answers, const struct fcond_env *env)
{
    (void)cond, (void)answers, (void)env;
    return false;
}

bool
fval_check(const json_t *rules, const json_t *value, bool required, const struct fcond_env *env,
           struct fval_error *err)
{
    (void)rules, (void)value, (void)required, (void)env;
    err->code = "required";
    err->arg = NULL;
    return false;
}
