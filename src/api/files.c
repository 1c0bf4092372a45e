/* /k/v1/file.json (upload, download) and record comments. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/acl.h"
#include "domain/file.h"
#include "domain/record.h"
#include "http/multipart.h"

#include <stdlib.h>
#include <string.h>

enum err
api_file_post(struct req *r, json_t *p)
{
    (void)p;
    const char *ct = req_header(r, "content-type");
    struct mpart *parts = NULL;
    size_t nparts = 0;
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return api_param_error(r, "file", MSG_REQUIRED, NULL);
    enum err e = multipart_parse(r->arena, ct, r->body, r->body_len, &parts, &nparts);
    if (e != ERR_OK)
        return api_param_error(r, "file", MSG_BAD_PARAM, NULL);
    const struct mpart *file = NULL;
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].name && strcmp(parts[i].name, "file") == 0 && parts[i].filename)
            file = &parts[i];
    if (!file)
        return api_param_error(r, "file", MSG_REQUIRED, NULL);
    /* uploads are not tied to an app yet; any authenticated caller may upload */
    const char *key;
    e = file_upload(&r->ctx, file->filename, file->content_type, file->data, file->len, &key);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "fileKey", key));
}

const char *
api_attachment(struct req *r, const char *name)
{
    struct strbuf sb;
    strbuf_init(&sb, r->arena, 0);
    strbuf_adds(&sb, "attachment; filename=\"");
    for (const char *s = name; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        strbuf_addc(&sb, ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' ? '_' : (char)ch);
    }
    strbuf_adds(&sb, "\"; filename*=UTF-8''");
    strbuf_add_url_escaped(&sb, name);
    return sb.buf;
}

enum err
api_file_get(struct req *r, json_t *p)
{
    const char *key = params_str(p, "fileKey");
    struct file_meta meta;
    if (!key || !*key)
        return api_param_error(r, "fileKey", MSG_REQUIRED, NULL);
    enum err e = file_get(&r->ctx, key, &meta, NULL);
    if (e != ERR_OK)
        return e;
    if (meta.attached) {
        struct app_def d;
        e = acl_app(&r->ctx, meta.app_id, ACL_VIEW);
        if (e == ERR_OK && r->ctx.who.kind == PRIN_USER)
            e = app_load(&r->ctx, meta.app_id, false, &d);
        if (e == ERR_OK && r->ctx.who.kind == PRIN_USER)
            e = acl_file(&r->ctx, &d, meta.record_id, key);
    } else if (r->ctx.who.kind == PRIN_USER && !r->ctx.who.is_admin &&
               strcmp(meta.creator, r->ctx.who.login) != 0) {
        e = fail_set(&r->fail, ERR_FORBIDDEN, NULL);
    }
    if (e != ERR_OK)
        return e;
    return api_send_file(r, key);
}

enum err
api_send_file(struct req *r, const char *key)
{
    struct file_meta meta;
    struct strbuf data;
    strbuf_init(&data, NULL, 0);
    enum err e = file_get(&r->ctx, key, &meta, &data);
    if (e != ERR_OK) {
        strbuf_release(&data);
        return e;
    }
    size_t len = data.len;
    char *body = data.cap ? data.buf : malloc(1);
    req_set_body(r, 200, meta.content_type, body, len);
    req_set_header(r, "Content-Disposition", api_attachment(r, meta.name));
    req_set_header(r, "X-Content-Type-Options", "nosniff");
    return ERR_OK;
}

enum err
api_comments_get(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record, offset = 0, limit = 10;
    json_t *out;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", &record);
    if (e != ERR_OK)
        return e;
    const char *order = params_str(p, "order");
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return api_param_error(r, "order", MSG_BAD_PARAM, NULL);
    if (json_object_get(p, "offset") && (!params_int(p, "offset", &offset) || offset < 0))
        return api_param_error(r, "offset", MSG_BAD_PARAM, NULL);
    if (json_object_get(p, "limit") && (!params_int(p, "limit", &limit) || limit < 1 || limit > 10))
        return api_param_error(r, "limit", MSG_TOO_BIG, "10");
    e = rec_comment_list(&r->ctx, &d, record, order && !strcmp(order, "asc"), offset, limit, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_comment_post(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record, id;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", &record);
    if (e == ERR_OK)
        e = rec_comment_add(&r->ctx, &d, record, json_object_get(p, "comment"), &id);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "id", api_i64(r, id)));
}

enum err
api_comment_delete(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record, comment;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", &record);
    if (e == ERR_OK)
        e = api_id(r, p, "comment", &comment);
    if (e == ERR_OK)
        e = rec_comment_delete(&r->ctx, &d, record, comment);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_object());
}
