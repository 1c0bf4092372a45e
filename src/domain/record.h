/* record: records of an app — read (one, by query, by cursor), create, update (by id or by a
 * unique key, with optimistic locking and upsert), soft delete, and comments. Every change
 * writes a full snapshot to record_revisions (who, when, what), keeps the unique-value index
 * and the search index in step, and runs inside the caller's transaction, so a failed request
 * changes nothing. Wire shapes are kintone's (value.h). */
#ifndef MADO_RECORD_H
#define MADO_RECORD_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct strbuf;

/* Reads append kintone wire JSON text to out: a record is {code:{type,value},...}; lists are
 * the records separated by commas (the caller writes the brackets). A record written under
 * the current live definition is streamed from its stored rendering (records.wire); others
 * (and any request naming `fields`) are rendered on the spot. */
enum err rec_get(struct ctx *c, const struct app_def *d, int64_t id, const json_t *fields,
                 struct strbuf *out) MUST_CHECK;
/* GET records.json; *total = -1 unless want_total. */
enum err rec_query(struct ctx *c, const struct app_def *d, const char *query, const json_t *fields,
                   bool want_total, struct strbuf *out, int64_t *total) MUST_CHECK;

/* Creates one record from the request record `in` (kintone write shape). prefix names it in
 * error keys ("record", "records[3]"). id: a pre-allocated id, or 0 to allocate one. */
enum err rec_create(struct ctx *c, const struct app_def *d, const json_t *in, const char *prefix,
                    int64_t id, int64_t *out_id, int64_t *revision) MUST_CHECK;

struct rec_target {
    int64_t id;               /* > 0, or 0 when update_key is used */
    const json_t *update_key; /* {"field":..., "value":...} or NULL */
    int64_t expected_revision; /* -1 = no check */
};
/* Updates one record; with upsert, a missing target inserts (kintone upsert:true).
 * *inserted tells which happened. */
enum err rec_update(struct ctx *c, const struct app_def *d, const struct rec_target *t,
                    const json_t *in, const char *prefix, bool upsert, int64_t *out_id,
                    int64_t *revision, bool *inserted) MUST_CHECK;
enum err rec_delete(struct ctx *c, const struct app_def *d, int64_t id, int64_t expected_revision,
                    const char *prefix) MUST_CHECK;

/* Brings a soft-deleted record back (new revision, "restore" snapshot). Fails with a field
 * error when a unique value was taken by another record meanwhile. */
enum err rec_restore(struct ctx *c, const struct app_def *d, int64_t id, int64_t *revision) MUST_CHECK;

/* A revision written by the workflow (wf.c): the record's data after the change (NULL =
 * unchanged), its status and assignees (JSON array of logins), whether it enters the status
 * now (status_at / status_rev move), and what the revision row says (action, reason, detail
 * JSON). Keeps the stored rendering, unique and search indexes and permission bits in step. */
struct rec_wf_write {
    int64_t id;
    int64_t revision; /* the new revision */
    const json_t *data;
    const char *status;
    const json_t *assignees;
    bool enters_status;
    const char *action, *reason, *detail_json;
};
enum err rec_wf_store(struct ctx *c, const struct app_def *d, const struct rec_wf_write *w) MUST_CHECK;
/* Merges field writes `in` (kintone write shape) onto a record's stored data with the same
 * validation as an update, but without the caller's field permissions (the workflow's own
 * writes, e.g. 決裁日). *out: new reference. */
enum err rec_merge_values(struct ctx *c, const struct app_def *d, int64_t id,
                          const json_t *current, const json_t *in, const char *prefix,
                          json_t **out) MUST_CHECK;

/* A record in its stored shape (data {code: value}, arena-owned) with its online receipt
 * number (NULL for paper applications). */
struct rec_stored {
    int64_t id, revision;
    const json_t *data;
    const char *receipt_no;
};
/* The records matching query (kintone syntax; its order by, and its limit when lower than
 * max), at most max, that the caller may view, in the stored shape. *out in the arena. */
enum err rec_select_stored(struct ctx *c, const struct app_def *d, const char *query,
                           int64_t max, struct rec_stored **out, size_t *n) MUST_CHECK;

/* Parses a revision parameter: null, "", -1 or missing = -1 (no check). */
bool rec_parse_revision(const json_t *v, int64_t *out);

/* Cursors (records/cursor.json). */
enum err rec_cursor_create(struct ctx *c, const struct app_def *d, const char *query,
                           const json_t *fields, int64_t size, const char **id,
                           int64_t *total) MUST_CHECK;
enum err rec_cursor_next(struct ctx *c, const char *id, struct strbuf *out, bool *next) MUST_CHECK;
enum err rec_cursor_delete(struct ctx *c, const char *id) MUST_CHECK;

/* Comments. */
enum err rec_comment_add(struct ctx *c, const struct app_def *d, int64_t record_id,
                         const json_t *comment, int64_t *id) MUST_CHECK;
enum err rec_comment_list(struct ctx *c, const struct app_def *d, int64_t record_id, bool asc,
                          int64_t offset, int64_t limit, json_t **out) MUST_CHECK;
enum err rec_comment_delete(struct ctx *c, const struct app_def *d, int64_t record_id,
                            int64_t comment_id) MUST_CHECK;

#endif
