/* Administration of public forms (/admin/api/forms.json, /admin/api/form/publish.json):
 * list with versions, save the working copy, publish a frozen version. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "domain/form.h"

enum err
api_admin_forms_get(struct req *r, json_t *p)
{
    (void)p;
    json_t *out;
    enum err e = form_admin_list(&r->ctx, &out);
    return e == ERR_OK ? api_json(r, out) : e;
}

enum err
api_admin_forms_put(struct req *r, json_t *p)
{
    const json_t *def = json_object_get(p, "form");
    if (!def)
        return api_param_error(r, "form", MSG_REQUIRED, NULL);
    enum err e = form_save(&r->ctx, def);
    return e == ERR_OK ? api_json(r, json_object()) : e;
}

enum err
api_admin_form_publish(struct req *r, json_t *p)
{
    const char *code = params_str(p, "code");
    int64_t version;
    if (!code || !*code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    enum err e = form_publish(&r->ctx, code, &version);
    return e == ERR_OK ? api_json(r, json_pack("{ss sI}", "code", code, "version", (json_int_t)version)) : e;
}
