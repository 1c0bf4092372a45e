/* Routing of /apply/...: one handler per method for the whole prefix (the route table has
 * "/apply/" + any rest), dispatching on the rest of the path. */
#include "apply.h"

#include <string.h>

enum err
public_apply_get(struct req *r, json_t *p)
{
    const char *rest = strncmp(r->path, "/apply/", 7) == 0 ? r->path + 7 : "";
    if (strcmp(rest, "verify") == 0)
        return apply_verify_get(r, p);
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
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
