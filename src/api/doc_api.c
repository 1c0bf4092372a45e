/* Issued documents of a record (staff): list, issue from an uploaded PDF, mark for delivery
 * to the applicant. Stubs until the documents module lands. */
#include "api/api.h"
#include "api/common.h"

enum err
api_documents_get(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_document_post(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}

enum err
api_document_delivery_put(struct req *r, json_t *p)
{
    (void)p;
    return fail_set(&r->fail, ERR_NO_ROUTE, NULL);
}
