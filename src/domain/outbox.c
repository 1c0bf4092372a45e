/* TEMP stub (issue #5): the mail helper replaces this file. */
#include "outbox.h"

enum err
outbox_add(struct ctx *c, const struct outbox_msg *m, int64_t *id)
{
    (void)c, (void)m;
    if (id)
        *id = 0;
    return ERR_OK;
}

enum err
outbox_list(struct ctx *c, const char *state, const char *ref, int64_t limit, int64_t offset,
            json_t **out)
{
    (void)c, (void)state, (void)ref, (void)limit, (void)offset;
    *out = json_pack("{s:[]}", "messages");
    return ERR_OK;
}
