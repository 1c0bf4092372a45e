/* All SQL of the app module. */
#ifndef MADO_APP_SQL_H
#define MADO_APP_SQL_H

#define APP_SQL_HEAD                                                                               \
    "SELECT live_revision, revision, code, name, deploy_status FROM apps "                        \
    "WHERE id = $1 AND deleted_at IS NULL"
#define APP_SQL_LIVE_DEF "SELECT live FROM apps WHERE id = $1"
#define APP_SQL_PREVIEW_DEF "SELECT preview FROM apps WHERE id = $1"
#define APP_SQL_INSERT                                                                             \
    "INSERT INTO apps (code, name, description, live, preview, revision, live_revision, "         \
    "creator, created_at, modifier, modified_at) VALUES ($1, $2, $3, $4, $4, 1, 1, $5, $6, $5, $6) " \
    "RETURNING id"
#define APP_SQL_SAVE_PREVIEW                                                                       \
    "UPDATE apps SET preview = $2, revision = revision + 1, modifier = $3, modified_at = $4 "     \
    "WHERE id = $1 RETURNING revision"
#define APP_SQL_SAVE_META                                                                          \
    "UPDATE apps SET name = $2, description = $3, revision = revision + 1, modifier = $4, "        \
    "modified_at = $5 WHERE id = $1 RETURNING revision"
#define APP_SQL_DEPLOY                                                                             \
    "UPDATE apps SET live = preview, live_revision = revision, deploy_status = 'SUCCESS' "        \
    "WHERE id = $1"
#define APP_SQL_REVERT                                                                             \
    "UPDATE apps SET preview = live, revision = revision + 1, deploy_status = 'CANCEL' WHERE id = $1"
#define APP_SQL_INFO                                                                               \
    "SELECT id, code, name, description, creator, created_at, modifier, modified_at "             \
    "FROM apps WHERE id = $1 AND deleted_at IS NULL"
#define APP_SQL_LIST                                                                               \
    "SELECT id, code, name, description, creator, created_at, modifier, modified_at FROM apps "   \
    "WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2"
#define APP_SQL_SEQ_INSERT "INSERT INTO app_seq (app_id) VALUES ($1)"
#define APP_SQL_NEXT_RECORD_IDS                                                                    \
    "UPDATE app_seq SET next_record_id = next_record_id + $2 WHERE app_id = $1 "                  \
    "RETURNING next_record_id - $2"
#define APP_SQL_NEXT_ROW_ID                                                                        \
    "UPDATE app_seq SET next_row_id = next_row_id + 1 WHERE app_id = $1 RETURNING next_row_id - 1"
#define APP_SQL_DEPLOY_STATUS "SELECT deploy_status FROM apps WHERE id = $1 AND deleted_at IS NULL"
#define APP_SQL_UNIQUE_CLEAR "DELETE FROM record_unique WHERE app_id = $1"
#define APP_SQL_RECORDS_DATA                                                                       \
    "SELECT id, data FROM records WHERE app_id = $1 AND deleted_at IS NULL ORDER BY id"
#define APP_SQL_UNIQUE_INSERT                                                                      \
    "INSERT INTO record_unique (app_id, field, value, record_id) VALUES ($1, $2, $3, $4)"

#endif
