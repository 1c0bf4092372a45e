/* record_history: what happened to a record, from its revision snapshots (record_revisions):
 * the list of revisions with who, when, what action, why, and a field-by-field diff in
 * kintone wire shape (optionally merged with the record's comments into one timeline); the
 * record as it was at a revision or a point in time; and reverting a record to an earlier
 * revision (written as a new revision, action "revert"). Field permissions apply throughout:
 * a field the caller may not see never appears, not even by name. Reads of a deleted record's
 * history are for app managers only; anyone else is told the record does not exist. */
#ifndef MADO_RECORD_HISTORY_H
#define MADO_RECORD_HISTORY_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define HIS_LIMIT_MAX 100
#define HIS_COMMENTS_MAX 1000 /* comments merged into one page of the timeline */

struct his_query {
    int64_t id;
    bool asc;          /* oldest first (default: newest first) */
    int64_t offset;    /* in revisions, >= 0 */
    int64_t limit;     /* 1..HIS_LIMIT_MAX */
    bool with_comments; /* add "comments" and the merged "timeline" */
};

/* GET record/history.json: *out = {"history":[...], "total":"N"} (+ "comments", "timeline"
 * when asked). New reference. See docs/api.md "History" for the shapes. */
enum err his_list(struct ctx *c, const struct app_def *d, const struct his_query *q,
                  json_t **out) MUST_CHECK;

/* GET record/asof.json: the record at revision `revision` (> 0), or else at the last revision
 * written at or before `at`. *out = {"record":{wire}, "revision", "at", "action", "actor"}
 * (+ "removedFields" for values of fields deleted from the app since). New reference. */
enum err his_asof(struct ctx *c, const struct app_def *d, int64_t id, int64_t revision,
                  int64_t at, json_t **out) MUST_CHECK;

/* POST record/revert.json: writes the field values of revision `to` as a new revision
 * (action "revert", detail {"to":R}, reason optional). expected_revision: -1 = no check.
 * Status and assignees stay as they are (the workflow owns them). Needs edit rights on the
 * record and on every field the revert changes; unique values are checked again. */
enum err his_revert(struct ctx *c, const struct app_def *d, int64_t id, int64_t to,
                    int64_t expected_revision, const char *reason, int64_t *revision) MUST_CHECK;

#endif
