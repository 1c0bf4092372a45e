/* The thread with the applicant of a record (staff side): read it, post a message, a
 * correction request or a missing-document request. */
#include "api/api.h"
#include "api/common.h"

enum err
api_messages_get(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_message_post(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
