/* All SQL of record_history.c (revision lists, as-of lookups, comments of a time window).
 * Record rows and writes reuse record_sql.h. */
#ifndef MADO_RECORD_HISTORY_SQL_H
#define MADO_RECORD_HISTORY_SQL_H

/* live or deleted: history outlives a delete */
#define HIS_SQL_HEAD                                                                               \
    "SELECT revision, deleted_at, creator, created_at FROM records WHERE app_id = $1 AND id = $2"

/* column order is relied on by record_history.c (snap_read) */
#define HIS_COLS "revision, action, actor, at, data, reason, detail, status, assignees"
#define HIS_SQL_COUNT                                                                              \
    "SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND record_id = $2"
#define HIS_SQL_PAGE_ASC                                                                           \
    "SELECT " HIS_COLS " FROM record_revisions WHERE app_id = $1 AND record_id = $2 "              \
    "ORDER BY revision ASC LIMIT $3 OFFSET $4"
#define HIS_SQL_PAGE_DESC                                                                          \
    "SELECT " HIS_COLS " FROM record_revisions WHERE app_id = $1 AND record_id = $2 "              \
    "ORDER BY revision DESC LIMIT $3 OFFSET $4"
#define HIS_SQL_ONE                                                                                \
    "SELECT " HIS_COLS " FROM record_revisions WHERE app_id = $1 AND record_id = $2 AND "          \
    "revision = $3"
#define HIS_SQL_AT                                                                                 \
    "SELECT " HIS_COLS " FROM record_revisions WHERE app_id = $1 AND record_id = $2 AND "          \
    "at <= $3 ORDER BY revision DESC LIMIT 1"
/* the time of the revision after $3: where one page of the timeline ends */
#define HIS_SQL_NEXT_AT                                                                            \
    "SELECT at FROM record_revisions WHERE app_id = $1 AND record_id = $2 AND revision > $3 "      \
    "ORDER BY revision ASC LIMIT 1"
/* comments and opinions (意見, with the status they were given at) of a time window */
#define HIS_SQL_COMMENTS                                                                           \
    "SELECT id, text, mentions, creator, created_at, 0 AS kind, '' AS status FROM comments "      \
    "WHERE app_id = $1 AND record_id = $2 AND deleted_at IS NULL AND created_at >= $3 AND "       \
    "created_at < $4 UNION ALL SELECT id, text, '[]', creator, created_at, 1, status "            \
    "FROM opinions WHERE app_id = $1 AND record_id = $2 AND created_at >= $3 AND "                \
    "created_at < $4 ORDER BY 5, 6, 1 LIMIT $5"

#endif
