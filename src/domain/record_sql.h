/* All SQL of the record module (records, revisions, unique index, cursors, comments). */
#ifndef MADO_RECORD_SQL_H
#define MADO_RECORD_SQL_H

/* column order is relied on by record_read.c (REC_COL_*) */
#define REC_COLS "r.id, r.revision, r.status, r.assignees, r.data, r.creator, r.created_at, " \
                 "r.modifier, r.updated_at, r.wire, r.wire_rev"
#define REC_SQL_GET                                                                                \
    "SELECT " REC_COLS " FROM records r WHERE r.app_id = $1 AND r.id = $2 AND r.deleted_at IS NULL"
#define REC_SQL_GET_FOR_UPDATE_PG REC_SQL_GET " FOR UPDATE"
#define REC_SQL_INSERT                                                                             \
    "INSERT INTO records (app_id, id, revision, data, creator, created_at, modifier, updated_at, " \
    "wire, wire_rev, status, assignees, status_at, status_rev) "                                   \
    "VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
#define REC_SQL_UPDATE                                                                             \
    "UPDATE records SET revision = $3, data = $4, modifier = $5, updated_at = $6, wire = $7, "    \
    "wire_rev = $8 WHERE app_id = $1 AND id = $2"
#define REC_SQL_SOFT_DELETE                                                                        \
    "UPDATE records SET deleted_at = $3, revision = revision + 1, modifier = $4 "                 \
    "WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define REC_SQL_GET_DELETED                                                                        \
    "SELECT revision, data, creator, created_at, status, assignees FROM records "                  \
    "WHERE app_id = $1 AND id = $2 AND deleted_at IS NOT NULL"
#define REC_SQL_UNDELETE                                                                           \
    "UPDATE records SET deleted_at = NULL, revision = $3, modifier = $4, updated_at = $5, "        \
    "wire = $6, wire_rev = $7 WHERE app_id = $1 AND id = $2"
#define REC_SQL_CHUNK                                                                              \
    "SELECT id, revision, data, creator, created_at, modifier, updated_at, status, assignees "    \
    "FROM records "                                                                                \
    "WHERE app_id = $1 AND id > $2 AND deleted_at IS NULL ORDER BY id LIMIT 500"
#define REC_SQL_WF_STORE                                                                           \
    "UPDATE records SET revision = $3, data = COALESCE($4, data), modifier = $5, updated_at = $6, " \
    "wire = $7, wire_rev = $8, status = $9, assignees = $10, "                                     \
    "status_at = CASE WHEN $11 = 1 THEN $6 ELSE status_at END, "                                   \
    "status_rev = CASE WHEN $11 = 1 THEN $3 ELSE status_rev END WHERE app_id = $1 AND id = $2"
#define REC_SQL_WF_ROW                                                                             \
    "SELECT data, creator, created_at FROM records WHERE app_id = $1 AND id = $2"
#define REC_SQL_SET_WIRE "UPDATE records SET wire = $3, wire_rev = $4 WHERE app_id = $1 AND id = $2"
/* status and assignees are copied from the record row as it is after the change */
#define REC_SQL_REVISION_INSERT                                                                    \
    "INSERT INTO record_revisions (app_id, record_id, revision, action, actor, at, data, reason, " \
    "detail, status, assignees) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, r.status, r.assignees " \
    "FROM records r WHERE r.app_id = $1 AND r.id = $2"
#define REC_SQL_UNIQUE_DELETE "DELETE FROM record_unique WHERE app_id = $1 AND record_id = $2"
#define REC_SQL_UNIQUE_INSERT                                                                      \
    "INSERT INTO record_unique (app_id, field, value, record_id) VALUES ($1, $2, $3, $4)"
#define REC_SQL_UNIQUE_FIND                                                                        \
    "SELECT u.record_id FROM record_unique u JOIN records r ON r.app_id = u.app_id AND "          \
    "r.id = u.record_id AND r.deleted_at IS NULL WHERE u.app_id = $1 AND u.field = $2 AND "        \
    "u.value = $3"
#define REC_SQL_USER_EXISTS "SELECT 1 FROM users WHERE login = $1 AND disabled = 0"
#define REC_SQL_USER_NAME "SELECT name FROM users WHERE login = $1"
#define REC_SQL_ORG_NAME "SELECT name FROM orgs WHERE code = $1"
#define REC_SQL_GROUP_NAME "SELECT name FROM user_groups WHERE code = $1"

#define CUR_SQL_PURGE "DELETE FROM cursor_rows WHERE cursor_id IN " \
    "(SELECT id FROM cursors WHERE expires_at <= $1)"
#define CUR_SQL_PURGE_HEAD "DELETE FROM cursors WHERE expires_at <= $1"
#define CUR_SQL_COUNT_OWNER "SELECT COUNT(*) FROM cursors WHERE owner = $1"
#define CUR_SQL_INSERT                                                                             \
    "INSERT INTO cursors (id, app_id, owner, fields, total, pos, size, created_at, expires_at) "  \
    "VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8)"
#define CUR_SQL_HEAD                                                                               \
    "SELECT app_id, fields, total, pos, size FROM cursors WHERE id = $1 AND owner = $2 AND "      \
    "expires_at > $3"
#define CUR_SQL_PAGE                                                                               \
    "SELECT " REC_COLS " FROM cursor_rows cr JOIN records r ON r.app_id = $2 AND "                \
    "r.id = cr.record_id AND r.deleted_at IS NULL WHERE cr.cursor_id = $1 AND cr.seq > $3 AND "   \
    "cr.seq <= $4 ORDER BY cr.seq"
#define CUR_SQL_EXISTS \
    "SELECT 1 FROM cursors WHERE id = $1 AND owner = $2 AND expires_at > $3"
#define CUR_SQL_ADVANCE "UPDATE cursors SET pos = $2, expires_at = $3 WHERE id = $1"
#define CUR_SQL_DELETE_ROWS "DELETE FROM cursor_rows WHERE cursor_id = $1"
#define CUR_SQL_DELETE_HEAD "DELETE FROM cursors WHERE id = $1 AND owner = $2"

#define COM_SQL_RECORD_EXISTS                                                                      \
    "SELECT 1 FROM records WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define COM_SQL_NEXT_ID                                                                            \
    "SELECT COALESCE(MAX(id), 0) + 1 FROM comments WHERE app_id = $1 AND record_id = $2"
#define COM_SQL_INSERT                                                                             \
    "INSERT INTO comments (app_id, record_id, id, text, mentions, creator, created_at) "          \
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
#define COM_SQL_LIST_DESC                                                                          \
    "SELECT id, text, mentions, creator, created_at FROM comments WHERE app_id = $1 AND "         \
    "record_id = $2 AND deleted_at IS NULL ORDER BY id DESC LIMIT $3 OFFSET $4"
#define COM_SQL_LIST_ASC                                                                           \
    "SELECT id, text, mentions, creator, created_at FROM comments WHERE app_id = $1 AND "         \
    "record_id = $2 AND deleted_at IS NULL ORDER BY id ASC LIMIT $3 OFFSET $4"
#define COM_SQL_GET                                                                                \
    "SELECT creator FROM comments WHERE app_id = $1 AND record_id = $2 AND id = $3 AND "          \
    "deleted_at IS NULL"
#define COM_SQL_DELETE                                                                             \
    "UPDATE comments SET deleted_at = $4 WHERE app_id = $1 AND record_id = $2 AND id = $3"

/* rec_select_stored: WHERE, ORDER BY, LIMIT, OFFSET filled in by the caller (compiled query). */
#define REC_SQL_EACH_STORED                                                                        \
    "SELECT r.id, r.data, r.revision, o.receipt_no FROM records r LEFT JOIN record_owners o ON "  \
    "o.app_id = r.app_id AND o.record_id = r.id WHERE %s ORDER BY %s LIMIT %lld OFFSET %lld"

#endif
