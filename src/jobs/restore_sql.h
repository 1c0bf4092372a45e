/* SQL of restore.c. The same text runs on live (SQLite or PostgreSQL) and on a snapshot
 * (always SQLite, same column names). */
#ifndef MADO_RESTORE_SQL_H
#define MADO_RESTORE_SQL_H

/* one record as restore compares it, deleted or not */
#define RST_SQL_RECORD                                                                             \
    "SELECT revision, data, status, assignees, deleted_at, creator, created_at, status_at, "      \
    "status_rev FROM records WHERE app_id = $1 AND id = $2"
/* the same for a range of ids (id first) */
#define RST_SQL_RECORD_RANGE                                                                       \
    "SELECT id, revision, data, status, assignees, deleted_at, creator, created_at, status_at, "  \
    "status_rev FROM records WHERE app_id = $1 AND id >= $2 AND id <= $3 ORDER BY id"
/* every record of an app: what decides changed / same / added / removed */
#define RST_SQL_APP_RECORDS                                                                        \
    "SELECT id, revision, deleted_at FROM records WHERE app_id = $1 ORDER BY id"
#define RST_SQL_REVISION                                                                           \
    "SELECT data, status, assignees FROM record_revisions "                                        \
    "WHERE app_id = $1 AND record_id = $2 AND revision = $3"
#define RST_SQL_WRITE                                                                              \
    "UPDATE records SET revision = $3, data = $4, modifier = $5, updated_at = $6, wire = $7, "    \
    "wire_rev = $8, status = $9, assignees = $10, status_at = $11, status_rev = $12, "            \
    "deleted_at = NULL WHERE app_id = $1 AND id = $2"
#define RST_SQL_APP                                                                                \
    "SELECT name, description, live, deleted_at FROM apps WHERE id = $1"
#define RST_SQL_APP_DEFINE                                                                         \
    "UPDATE apps SET preview = $2, name = $3, description = $4, revision = revision + 1, "        \
    "modifier = $5, modified_at = $6, deleted_at = NULL WHERE id = $1"
#define RST_SQL_APP_UNDELETE "UPDATE apps SET deleted_at = NULL WHERE id = $1"
/* ids handed out later must not meet a restored one */
#define RST_SQL_SEQ_INSERT                                                                         \
    "INSERT INTO app_seq (app_id, next_record_id, next_row_id) VALUES ($1, $2, $3) "              \
    "ON CONFLICT (app_id) DO NOTHING"
#define RST_SQL_SEQ_BUMP                                                                           \
    "UPDATE app_seq SET next_record_id = CASE WHEN next_record_id > $2 THEN next_record_id "      \
    "ELSE $2 END, next_row_id = CASE WHEN next_row_id > $3 THEN next_row_id ELSE $3 END "         \
    "WHERE app_id = $1"
#define RST_SQL_SEQ_GET "SELECT next_record_id, next_row_id FROM app_seq WHERE app_id = $1"
#define RST_SQL_UNIQUE_CLEAR "DELETE FROM record_unique WHERE app_id = $1"
#define RST_SQL_BLOB_EXISTS "SELECT 1 FROM blobs WHERE hash = $1"
#define RST_SQL_COMMENT_UNDELETE                                                                   \
    "UPDATE comments SET deleted_at = NULL WHERE app_id = $1 AND record_id = $2 AND id = $3 "     \
    "AND deleted_at IS NOT NULL"

#endif
