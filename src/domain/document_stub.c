/* TEMPORARY until the documents module (h-docs) is merged: nothing issued yet. */
#include "document.h"

enum err
doc_list(struct ctx *c, int64_t app_id, int64_t record_id, bool delivered_only, json_t **out)
{
    (void)c, (void)app_id, (void)record_id, (void)delivered_only;
    *out = json_pack("{s:[]}", "documents");
    return ERR_OK;
}

enum err
doc_get_delivered(struct ctx *c, int64_t app_id, int64_t record_id, int64_t id,
                  struct doc_file *out)
{
    (void)app_id, (void)record_id, (void)id, (void)out;
    return fail_set(c->fail, ERR_NOT_FOUND, "書類");
}
