/* The thread with the applicant of a record (staff side): read it (view permission on the
 * record), post a message, a correction request or a missing-document request (edit
 * permission), optionally with the workflow action that goes with it. */
#include "api/api.h"
#include "api/common.h"
#include "domain/acl.h"
#include "domain/portal_msg.h"

static enum err
load(struct req *r, json_t *p, unsigned perm, struct app_def *d, int64_t *id)
{
    enum err e = api_load_app(r, p, "app", ACL_VIEW, d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", id);
    if (e == ERR_OK)
        e = acl_record(&r->ctx, d, *id, perm);
    return e;
}

enum err
api_messages_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id;
    enum err e = load(r, p, ACL_VIEW, &d, &id);
    if (e != ERR_OK)
        return e;
    json_t *out = NULL;
    e = pmsg_list(&r->ctx, d.id, id, false, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_message_post(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t id, mid, revision;
    enum err e = load(r, p, ACL_EDIT, &d, &id);
    if (e != ERR_OK)
        return e;
    e = pmsg_post(&r->ctx, &d, id, p, &mid, &revision);
    if (e != ERR_OK)
        return e;
    json_t *out = json_pack("{s:s}", "id", api_i64(r, mid));
    if (revision)
        json_object_set_new(out, "revision", json_string(api_i64(r, revision)));
    return api_json(r, out);
}
