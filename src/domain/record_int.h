/* Internal helpers shared by the record_*.c files (not for other modules). */
#ifndef MADO_RECORD_INT_H
#define MADO_RECORD_INT_H

#include "domain/record.h"

struct db_res;

struct strbuf;
/* Appends the wire JSON of the current row (columns REC_COLS) to out, without the fields in
 * hidden (NULL-terminated; NULL = none) — what the caller may not see never leaves here. */
void rec_row_append(struct ctx *c, const struct app_def *d, struct db_res *res,
                    const json_t *fields, const char *const *hidden, struct strbuf *out);
/* Copies the compact JSON object text in[0..n) to out without the top-level keys in hidden.
 * false (out unchanged) when the text is not a plain object this scanner understands. */
bool rec_wire_strip(const char *in, size_t n, const char *const *hidden, struct strbuf *out);
/* The stored rendering of a record as written now (arena text); status and assignees (JSON
 * array of login codes) only show when process management is enabled (may be NULL). */
const char *rec_render(struct ctx *c, const struct app_def *d, int64_t id, int64_t revision,
                       const char *creator, int64_t created_at, const char *modifier,
                       int64_t updated_at, const json_t *data, const char *status,
                       const json_t *assignees);
const char *rec_display_name(void *arg, const char *kind, const char *code);
struct query_plan;
struct acl_fields;
/* What a read of records by query starts from, for every path that lists records (records.json,
 * exports): the fields the caller may see (*af; others are unknown to the query), the plan with
 * the records the caller may not view filtered out, and the select list REC_COLS plus the
 * per-record field visibility columns (cols, appended). *where_params: how many of the plan's
 * parameters the condition alone binds (a count query binds only those). */
enum err rec_view_plan(struct ctx *c, const struct app_def *d, const char *query,
                       const struct acl_fields **af, struct query_plan *plan, struct strbuf *cols,
                       int *where_params) MUST_CHECK;
enum err rec_not_found(struct ctx *c, int64_t id);
/* Writes revision `revision` of the record to record_revisions: the data snapshot, who and
 * when, the action ("create", "update", "delete", "restore", "revert", "action", "status",
 * "assignees"), an optional reason and a JSON detail; status and assignees are copied from
 * the record row as it is now (so call it after updating the row). */
enum err rec_snapshot(struct ctx *c, int64_t app_id, int64_t id, int64_t revision,
                      const char *action, const char *data_text, const char *reason,
                      const char *detail_json) MUST_CHECK;
/* Replaces record id's rows in the unique index with those of data; a value another record
 * holds becomes a field error "<prefix>.<code>.value" (ERR_INVALID). For record_history.c. */
enum err rec_write_unique(struct ctx *c, const struct app_def *d, int64_t id, const json_t *data,
                          const char *prefix) MUST_CHECK;

#endif
