/* app: application definitions (kintone "apps"): fields, layout, views and settings, kept as
 * one JSON document per app in two versions, preview (edited through /k/v1/preview/...) and live
 * (what records are validated against), and deploy, which copies preview to live.
 * Parsed live definitions are cached per worker thread and re-validated by revision on every
 * load, so a deploy on another thread or node is seen by the next request. */
#ifndef MADO_APP_H
#define MADO_APP_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct app_def {
    int64_t id;
    int64_t revision; /* of the loaded version */
    int64_t render_rev; /* live: the revision stored renderings (records.wire_rev) belong to */
    int64_t acl_rev;    /* live: the revision pre-evaluated record rules (records.acl_rev) belong to */
    const char *code;
    const char *name;
    const char *deploy_status;
    const char *creator; /* login of the app's creator (app ACL entity CREATOR) */
    json_t *root;     /* {"properties":{}, "layout":[], "views":{}, "settings":{}, "acl":{}}; kept alive by
                         the request arena; treat as read-only (use app_def_copy to edit) */
    json_t *props;    /* borrowed from root */
    json_t *layout;
    json_t *views;
    json_t *settings;
    json_t *acl;      /* {"app":[rights], "record":[rights], "field":[rights]} or NULL (defaults;
                         each part may be absent) */
};

enum err app_load(struct ctx *c, int64_t app_id, bool preview, struct app_def *out) MUST_CHECK;
/* Deep copy of the definition for editing (owned by the arena). */
void app_def_copy(struct ctx *c, struct app_def *d);
/* Saves d->root as the new preview after checking the caller's expected revision
 * (NULL, -1 or "-1" = no check); *revision = new preview revision. */
enum err app_save_preview(struct ctx *c, struct app_def *d, const json_t *expected,
                          int64_t *revision) MUST_CHECK;
/* Checks a client's expected revision: ERR_OK when it matches or is absent (NULL, -1, "-1",
 * ""), ERR_REVISION when stale, ERR_INVALID (errors.revision) when it is not a number. */
enum err app_check_revision(struct ctx *c, const json_t *expected, int64_t current) MUST_CHECK;
enum err app_create(struct ctx *c, const char *name, const char *code, const char *description,
                    int64_t *id, int64_t *revision) MUST_CHECK;
enum err app_deploy(struct ctx *c, int64_t app_id, const json_t *expected, bool revert) MUST_CHECK;
enum err app_deploy_status(struct ctx *c, int64_t app_id, const char **status) MUST_CHECK;
/* GET app.json / apps.json shapes. */
enum err app_info(struct ctx *c, int64_t app_id, json_t **out) MUST_CHECK;
enum err app_list(struct ctx *c, const json_t *ids, const json_t *codes, const char *name,
                  int64_t limit, int64_t offset, json_t **out) MUST_CHECK;
/* Re-renders the stored wire JSON of every record of the app for its live definition (after a
 * deploy changed it). Implemented in record_write.c. */
enum err app_rerender_records(struct ctx *c, const struct app_def *live) MUST_CHECK;

/* Record and subtable-row id allocation (inside the caller's write transaction). */
enum err app_next_record_ids(struct ctx *c, int64_t app_id, int64_t n, int64_t *first) MUST_CHECK;
enum err app_next_row_id(struct ctx *c, int64_t app_id, int64_t *id) MUST_CHECK;
/* Drops this thread's cached definitions (tests, shutdown). */
void app_cache_clear(void);
/* Maps a DB return code to ERR_UNAVAILABLE / ERR_INTERNAL and logs it. */
enum err app_db_fail(struct ctx *c, int rc);

#endif
