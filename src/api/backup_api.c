/* GET /api/backups.json: the backups for the staff dashboard (管理 → バックアップ), system
 * administrators only (ROUTE_ADMIN). {ok, last, runs: [{id, taken_at, size, status, verified,
 * error, blobs_total, blobs_new, duration_ms, present}], archives: [{id, taken_at, size,
 * needs}]}, newest first. "ok" is false when the newest run failed or there is none. */
#include "api.h"

#include "core/arena.h"
#include "domain/acl.h"
#include "jobs/backup.h"
#include "jobs/backup_int.h"

#include <stdlib.h>
#include <string.h>

static char *backup_dir; /* set once at start, before workers run */

void
api_backup_configure(const char *dir)
{
    free(backup_dir);
    backup_dir = dir ? xstrdup(dir) : NULL;
}

enum err
api_backups_get(struct req *r, json_t *p)
{
    (void)p;
    enum err e = acl_admin(&r->ctx);
    if (e != ERR_OK)
        return e;
    json_t *runs = json_array(), *archives = json_array();
    struct bk_head *h = NULL;
    size_t n = 0;
    if (backup_dir)
        bk_list_dir(backup_dir, &h, &n);
    for (size_t i = n; i-- > 0;)
        json_array_append_new(archives, json_pack("{s:s s:I s:I s:O}", "id", h[i].id, "taken_at",
                                                  (json_int_t)h[i].taken_at, "size",
                                                  (json_int_t)h[i].size, "needs", h[i].needs));
    json_t *status = backup_dir ? backup_status_load(backup_dir) : json_array();
    for (size_t i = json_array_size(status); i-- > 0;) {
        json_t *v = json_array_get(status, i);
        const char *id = json_string_value(json_object_get(v, "id"));
        bool present = false;
        for (size_t k = 0; id && k < n; k++)
            present |= strcmp(h[k].id, id) == 0;
        json_t *o = json_deep_copy(v);
        json_object_del(o, "path"); /* server paths stay on the server */
        json_object_set_new(o, "present", json_boolean(present));
        json_array_append_new(runs, o);
    }
    json_t *last = json_array_get(runs, 0);
    bool ok = last && strcmp(json_string_value(json_object_get(last, "status")) ?: "", "ok") == 0;
    json_t *out = json_pack("{s:b s:O s:o s:o}", "ok", ok, "last", last ? last : json_null(),
                            "runs", runs, "archives", archives);
    json_decref(status);
    bk_heads_free(h, n);
    return api_json(r, out);
}
