/* GET /api/assigned.json: records where the caller is an assignee, across apps (my_work.h). */
#include "api.h"

#include "api/common.h"
#include "api/params.h"
#include "domain/my_work.h"

enum err
api_assigned_get(struct req *r, json_t *p)
{
    int64_t limit = MY_WORK_LIMIT;
    if (json_object_get(p, "limit") &&
        (!params_int(p, "limit", &limit) || limit < 1 || limit > MY_WORK_LIMIT))
        return api_param_error(r, "limit", MSG_BAD_PARAM, NULL);
    json_t *out;
    enum err e = my_work_assigned(&r->ctx, limit, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}
