/* Routing of /apply/...: one handler per method for the whole prefix (the route table has
 * "/apply/" + any rest), dispatching on the rest of the path. */
#include "apply.h"

#include "core/arena.h"

#include <string.h>

/* Splits "code" or "code/sub" (sub one segment); false for anything else. */
static bool
split(struct req *r, const char *rest, const char **code, const char **sub)
{
    const char *slash = strchr(rest, '/');
    *code = apply_form_code(r, slash ? arena_strndup(r->arena, rest, (size_t)(slash - rest)) : rest);
    *sub = NULL;
    if (slash) {
        if (!slash[1] || strchr(slash + 1, '/'))
            return false;
        *sub = arena_strdup(r->arena, slash + 1);
    }
    return *code != NULL;
}

enum err
public_apply_get(struct req *r, json_t *p)
{
    const char *rest = strncmp(r->path, "/apply/", 7) == 0 ? r->path + 7 : "";
    const char *code, *sub;
    if (!*rest)
        return apply_list(r);
    if (strcmp(rest, "verify") == 0)
        return apply_verify_get(r, p);
    if (split(r, rest, &code, &sub))
        return apply_form_get(r, code, sub, p);
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
public_apply_post(struct req *r, json_t *p)
{
    const char *rest = strncmp(r->path, "/apply/", 7) == 0 ? r->path + 7 : "";
    if (strcmp(rest, "verify") == 0)
        return apply_verify_post(r, p);
    if (strcmp(rest, "confirm") == 0)
        return apply_confirm_post(r, p);
    const char *code, *sub;
    if (split(r, rest, &code, &sub))
        return apply_form_post(r, code, sub, p);
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
