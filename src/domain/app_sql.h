/* All SQL of the app module. */
#ifndef MADO_APP_SQL_H
#define MADO_APP_SQL_H

#define APP_SQL_HEAD                                                                               \
    "SELECT live_revision, revision, code, name, deploy_status, creator, "                        \
    "COALESCE(render_rev, live_revision), COALESCE(acl_rev, 0) FROM apps "                        \
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
/* deploy when the fields are unchanged: stored renderings stay valid */
#define APP_SQL_DEPLOY_KEEP_RENDER                                                                 \
    "UPDATE apps SET live = preview, live_revision = revision, deploy_status = 'SUCCESS', "       \
    "render_rev = COALESCE(render_rev, live_revision) WHERE id = $1"
#define APP_SQL_SET_RENDER_REV "UPDATE apps SET render_rev = live_revision WHERE id = $1"
#define APP_SQL_SET_ACL_REV "UPDATE apps SET acl_rev = live_revision WHERE id = $1"
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
/* SQLite has one writer at a time (db_sqlite.c), so the next id can be read from the records
 * themselves (soft-deleted ones included, so ids are never reused) without writing a counter. */
#define APP_SQL_MAX_RECORD_ID "SELECT COALESCE(MAX(id), 0) + 1 FROM records WHERE app_id = $1"
#define APP_SQL_NEXT_ROW_ID                                                                        \
    "UPDATE app_seq SET next_row_id = next_row_id + 1 WHERE app_id = $1 RETURNING next_row_id - 1"
#define APP_SQL_CODE_TAKEN "SELECT 1 FROM apps WHERE code = $1 AND code <> '' AND deleted_at IS NULL"
#define APP_SQL_SET_PREVIEW_TEXT "UPDATE apps SET preview = $2 WHERE id = $1"
#define APP_SQL_SET_NAME "UPDATE apps SET name = $2 WHERE id = $1"
/* Field renames and deletions reach the stored records at deploy. $2/$3: JSON paths (SQLite)
 * or keys (PostgreSQL). */
#define APP_SQL_RENAME_DATA_SQLITE                                                                 \
    "UPDATE records SET data = json_set(json_remove(data, $2), $3, json_extract(data, $2)) "      \
    "WHERE app_id = $1 AND json_type(data, $2) IS NOT NULL"
#define APP_SQL_RENAME_DATA_PG                                                                     \
    "UPDATE records SET data = (data - $2::text) || jsonb_build_object($3::text, data -> $2::text) " \
    "WHERE app_id = $1 AND data -> $2::text IS NOT NULL"
/* the history keeps a renamed field's past values under its new code (a deleted field's stay
 * where they were: history shows what was) */
#define APP_SQL_RENAME_REVS_SQLITE                                                                 \
    "UPDATE record_revisions SET data = json_set(json_remove(data, $2), $3, "                     \
    "json_extract(data, $2)) WHERE app_id = $1 AND json_type(data, $2) IS NOT NULL"
#define APP_SQL_RENAME_REVS_PG                                                                     \
    "UPDATE record_revisions SET data = (data - $2::text) || "                                     \
    "jsonb_build_object($3::text, data -> $2::text) WHERE app_id = $1 AND data -> $2::text IS NOT NULL"
#define APP_SQL_DROP_DATA_SQLITE                                                                   \
    "UPDATE records SET data = json_remove(data, $2) WHERE app_id = $1 AND "                      \
    "json_type(data, $2) IS NOT NULL"
#define APP_SQL_DROP_DATA_PG                                                                       \
    "UPDATE records SET data = data - $2::text WHERE app_id = $1 AND data -> $2::text IS NOT NULL"
#define APP_SQL_RENAME_UNIQUE "UPDATE record_unique SET field = $3 WHERE app_id = $1 AND field = $2"
#define APP_SQL_DROP_UNIQUE "DELETE FROM record_unique WHERE app_id = $1 AND field = $2"
#define APP_SQL_RENAME_SEARCH "UPDATE record_search SET field = $3 WHERE app_id = $1 AND field = $2"
#define APP_SQL_DROP_SEARCH "DELETE FROM record_search WHERE app_id = $1 AND field = $2"
#define APP_SQL_DEPLOY_STATUS "SELECT deploy_status FROM apps WHERE id = $1 AND deleted_at IS NULL"
#define APP_SQL_UNIQUE_CLEAR "DELETE FROM record_unique WHERE app_id = $1"
#define APP_SQL_RECORDS_DATA                                                                       \
    "SELECT id, data FROM records WHERE app_id = $1 AND deleted_at IS NULL ORDER BY id"
#define APP_SQL_UNIQUE_INSERT                                                                      \
    "INSERT INTO record_unique (app_id, field, value, record_id) VALUES ($1, $2, $3, $4)"

#endif
