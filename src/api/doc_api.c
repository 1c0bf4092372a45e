/* Issued documents of a record (staff): list, issue from an uploaded PDF, mark for delivery
 * to the applicant. Reading needs view rights on the record, the rest edit rights. */
#include "api/api.h"
#include "api/common.h"
#include "api/params.h"
#include "domain/acl.h"
#include "domain/document.h"

#include <string.h>

/* The app (perm on it) and the record (perm on it) of a request. */
static enum err
load_record(struct req *r, json_t *p, unsigned perm, struct app_def *d, int64_t *record)
{
    enum err e = api_load_app(r, p, "app", perm, d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", record);
    if (e == ERR_OK)
        e = acl_record(&r->ctx, d, *record, perm);
    return e;
}

/* An optional boolean: absent/null = false; JSON true/false or "true"/"false" (query-string
 * style, as kintone clients send). false when the value is of another type (*ok = false). */
static bool
opt_bool(json_t *p, const char *key, bool *ok)
{
    const json_t *v = json_object_get(p, key);
    *ok = true;
    if (!v || json_is_null(v))
        return false;
    if (json_is_boolean(v))
        return json_is_true(v);
    const char *s = json_string_value(v);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
        return strcmp(s, "true") == 0;
    *ok = false;
    return false;
}

/* An optional string: NULL when absent or null; *ok = false when of another type. */
static const char *
opt_str(json_t *p, const char *key, bool *ok)
{
    const json_t *v = json_object_get(p, key);
    *ok = !v || json_is_null(v) || json_is_string(v);
    return json_string_value(v);
}

enum err
api_documents_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record;
    json_t *out;
    enum err e = load_record(r, p, ACL_VIEW, &d, &record);
    if (e == ERR_OK)
        e = doc_list(&r->ctx, d.id, record, false, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_document_post(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record, id;
    const char *key;
    bool ok;
    enum err e = load_record(r, p, ACL_EDIT, &d, &record);
    if (e != ERR_OK)
        return e;
    struct doc_in in = { 0 };
    in.title = opt_str(p, "title", &ok);
    if (!ok)
        return api_param_error(r, "title", MSG_BAD_TYPE, NULL);
    in.upload_key = opt_str(p, "fileKey", &ok);
    if (!ok)
        return api_param_error(r, "fileKey", MSG_BAD_TYPE, NULL);
    in.deliver = opt_bool(p, "deliver", &ok);
    if (!ok)
        return api_param_error(r, "deliver", MSG_BAD_TYPE, NULL);
    e = doc_issue(&r->ctx, &d, record, &in, &id, &key);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:I,s:s}", "id", (json_int_t)id, "fileKey", key));
}

enum err
api_document_delivery_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record, id;
    bool ok;
    enum err e = load_record(r, p, ACL_EDIT, &d, &record);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e != ERR_OK)
        return e;
    if (!json_object_get(p, "deliver"))
        return api_param_error(r, "deliver", MSG_REQUIRED, NULL);
    bool deliver = opt_bool(p, "deliver", &ok);
    if (!ok || json_is_null(json_object_get(p, "deliver")))
        return api_param_error(r, "deliver", MSG_BAD_TYPE, NULL);
    e = doc_set_delivery(&r->ctx, &d, record, id, deliver);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_object());
}
