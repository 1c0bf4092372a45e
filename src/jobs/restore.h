/* restore: putting back one record or one app as it was in a backup (a snapshot, snapshot.h),
 * or one record as it was at a revision of its history, inside the caller's write transaction
 * on live. Nothing is lost on the way: a restored record keeps its id (= record number), and
 * the restore is a NEW revision on top of the history (action "restore", detail naming the
 * backup and when it was taken, or the revision), so it can itself be reverted. Status and
 * assignees come back with the values; comments, attachments, opinions, messages, documents,
 * approvals and history rows the backup holds and live lacks are inserted with their ids; a
 * soft-deleted record is undeleted; a record whose rows are gone from live is inserted whole.
 * An attachment whose blob is gone from live is written back from the archive (fetch).
 * App restore: the app's definition (deployed again when it differs) and every record of the
 * app by the same rules; records created after the backup are soft-deleted (undoable).
 * Previews compute the same decisions without writing and describe them as JSON. */
#ifndef MADO_RESTORE_H
#define MADO_RESTORE_H

#include "core/err.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdint.h>

struct db;
struct fail;
struct strbuf;

/* Appends the stored (encrypted) form of blob hash to out (bk_reader_blob, or a test's
 * store); ERR_FILE_NOT_FOUND when the archive does not hold it. */
typedef enum err (*restore_fetch_fn)(void *u, const char *hash, struct strbuf *out,
                                     struct fail *f);

struct restore_src {
    struct db *snap;        /* the backup's snapshot, opened read-only */
    const char *backup_id;  /* named in history and audit */
    int64_t taken_at;       /* unix seconds */
    restore_fetch_fn fetch; /* NULL: a missing blob fails the restore */
    void *fetch_arg;
};

/* Previews: *out (new reference) is
 *   record: {"app","record","state":"changed"|"same"|"deleted_in_live"|"absent_in_live",
 *            "deletedInLive","absentInLive","revision":{"live","backup"},
 *            "fields":[{"code","label","from","to"}], "status":{"from","to"} (when it differs),
 *            "assignees":{"from","to"} (idem), "commentsAdded","filesAdded","blobsMissing"}
 *   app:    {"app","definition":{"changed":bool,"name":{"from","to"}?,"fieldsAdded":[codes],
 *            "fieldsRemoved":[codes],"fieldsChanged":[codes],"deletedInLive":bool},
 *            "records":{"changed","added","removed","unchanged"}}
 * ERR_RECORD_NOT_FOUND / ERR_APP_NOT_FOUND (message in c->fail) when the backup lacks it. */
enum err restore_record_preview(struct ctx *c, const struct restore_src *s, int64_t app,
                                int64_t id, json_t **out) MUST_CHECK;
enum err restore_record(struct ctx *c, const struct restore_src *s, int64_t app, int64_t id,
                        int64_t *revision) MUST_CHECK;

/* To revision rev of the record's history in live (deleted records too: they are undeleted). */
enum err restore_revision_preview(struct ctx *c, int64_t app, int64_t id, int64_t rev,
                                  json_t **out) MUST_CHECK;
enum err restore_revision(struct ctx *c, int64_t app, int64_t id, int64_t rev,
                          int64_t *revision) MUST_CHECK;

enum err restore_app_preview(struct ctx *c, const struct restore_src *s, int64_t app,
                             json_t **out) MUST_CHECK;
/* *summary: the preview's "records" counts as done, plus "definition":bool. */
enum err restore_app(struct ctx *c, const struct restore_src *s, int64_t app,
                     json_t **summary) MUST_CHECK;

#endif
