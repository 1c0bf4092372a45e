/* Downloads of the applicant portal: the attachments of their own application (what they
 * submitted, the files of the thread) and the documents the ward delivered to them. Anything
 * else — another application's key, a staff-only attachment, an undelivered document —
 * answers like a missing page. Every download is audited with what was taken. */
#include "my.h"

#include "api/common.h"
#include "core/arena.h"
#include "domain/document.h"
#include "domain/portal.h"
#include "domain/portal_msg.h"

#include <stdlib.h>
#include <string.h>

static void
decref(void *p)
{
    json_decref(p);
}

/* Whether key is one of the files of the applicant's answers. */
static bool
in_answers(const json_t *app, const char *key)
{
    size_t i, k;
    const json_t *ans, *f;
    json_array_foreach(json_object_get(app, "answers"), i, ans)
    json_array_foreach(json_object_get(ans, "files"), k, f)
    {
        const char *fk = json_string_value(json_object_get(f, "fileKey"));
        if (fk && !strcmp(fk, key))
            return true;
    }
    return false;
}

enum err
my_download_file(struct req *r, const struct applicant *a, const char *receipt, const char *key)
{
    int64_t app_id, record_id;
    json_t *app = NULL;
    enum err e = portal_find(&r->ctx, a, receipt, &app_id, &record_id);
    if (e == ERR_OK)
        e = portal_application(&r->ctx, a, receipt, &app);
    if (app)
        arena_defer(r->arena, decref, app);
    if (e != ERR_OK)
        return e;
    bool ok = in_answers(app, key);
    if (!ok && (e = pmsg_file_of(&r->ctx, app_id, record_id, key, &ok)) != ERR_OK)
        return e;
    if (!ok)
        return fail_set(&r->fail, ERR_NOT_FOUND, "ファイル");
    r->ctx.audit_action = "applicant.file.download";
    r->ctx.audit_target = arena_printf(r->arena, "app:%lld/record:%lld/file:%s", (long long)app_id,
                                       (long long)record_id, key);
    e = api_send_file(r, key);
    return e == ERR_FILE_NOT_FOUND ? fail_set(&r->fail, ERR_NOT_FOUND, "ファイル") : e;
}

enum err
my_download_document(struct req *r, const struct applicant *a, const char *receipt,
                     const char *id_text)
{
    char *end = NULL;
    long long id = id_text ? strtoll(id_text, &end, 10) : 0;
    if (!id_text || !*id_text || *end || id <= 0)
        return fail_set(&r->fail, ERR_NOT_FOUND, "書類");
    int64_t app_id, record_id;
    struct doc_file df;
    enum err e = portal_find(&r->ctx, a, receipt, &app_id, &record_id);
    if (e == ERR_OK)
        e = doc_get_delivered(&r->ctx, app_id, record_id, id, &df);
    if (e != ERR_OK)
        return e;
    r->ctx.audit_action = "applicant.document.download";
    r->ctx.audit_target = arena_printf(r->arena, "app:%lld/record:%lld/document:%lld",
                                       (long long)app_id, (long long)record_id, id);
    e = api_send_file(r, df.file_key);
    return e == ERR_FILE_NOT_FOUND ? fail_set(&r->fail, ERR_NOT_FOUND, "書類") : e;
}
