/* Internal helpers shared by record_history.c and record_revert.c (not for other modules). */
#ifndef MADO_RECORD_HISTORY_INT_H
#define MADO_RECORD_HISTORY_INT_H

#include "domain/record_history.h"

struct db_param;

/* The record row, live or deleted. */
struct head {
    int64_t revision, created_at;
    bool deleted;
    const char *creator;
};

/* One revision row; strings and JSON live in the request arena. */
struct snap {
    int64_t revision, at;
    const char *action, *actor, *reason, *status;
    json_t *data, *detail, *assignees; /* assignees may be NULL */
    json_t *wire; /* visible fields in wire shape (record_history.c), or NULL */
};

/* Hands a new reference to the request arena (NULL passes through). */
json_t *his_keep(struct ctx *c, json_t *j);
/* json_equal that takes NULLs (equal only to each other). */
bool his_same(const json_t *a, const json_t *b);
enum err his_head_load(struct ctx *c, const struct app_def *d, int64_t id, struct head *h,
                       bool *found) MUST_CHECK;
/* Runs sql (selecting HIS_COLS) and reads up to max rows into *out (arena array); *n = rows
 * read. */
enum err his_snap_query(struct ctx *c, const char *sql, const struct db_param *p, int np,
                        int64_t max, struct snap **out, int64_t *n) MUST_CHECK;

#endif
