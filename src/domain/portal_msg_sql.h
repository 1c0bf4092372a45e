/* All SQL of the thread between the ward and the applicant (portal_msg.c). */
#ifndef MADO_PORTAL_MSG_SQL_H
#define MADO_PORTAL_MSG_SQL_H

#define PMSG_SQL_OWNER                                                                             \
    "SELECT receipt_no, form_code, form_version FROM record_owners WHERE app_id = $1 AND "        \
    "record_id = $2"
#define PMSG_SQL_RECORD                                                                            \
    "SELECT data, assignees FROM records WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define PMSG_SQL_EXISTS                                                                            \
    "SELECT 1 FROM records WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define PMSG_SQL_ADD                                                                               \
    "INSERT INTO record_messages (app_id, record_id, sender, kind, body, due_date, fields, "      \
    "documents, files, changes, reply_to, author, created_at) VALUES ($1, $2, $3, $4, $5, $6, "   \
    "$7, $8, $9, $10, $11, $12, $13) RETURNING id"
#define PMSG_SQL_SET_REVISION "UPDATE record_messages SET revision = $2 WHERE id = $1"
#define PMSG_SQL_LIST                                                                              \
    "SELECT id, sender, kind, body, due_date, fields, documents, files, changes, reply_to, "      \
    "answered_at, author, created_at FROM record_messages WHERE app_id = $1 AND record_id = $2 "  \
    "ORDER BY id"
#define PMSG_SQL_OPEN                                                                              \
    "SELECT id, fields, author FROM record_messages WHERE app_id = $1 AND record_id = $2 AND "    \
    "kind IN ('correction', 'missing') AND answered_at IS NULL ORDER BY id"
#define PMSG_SQL_ANSWER                                                                            \
    "UPDATE record_messages SET answered_at = $3 WHERE app_id = $1 AND record_id = $2 AND "       \
    "kind IN ('correction', 'missing') AND answered_at IS NULL"
#define PMSG_SQL_FILES                                                                             \
    "SELECT files FROM record_messages WHERE app_id = $1 AND record_id = $2 AND files <> '[]'"
#define PMSG_SQL_DUE_SOON                                                                          \
    "SELECT m.id, m.app_id, m.record_id, m.due_date FROM record_messages m JOIN records r ON "    \
    "r.app_id = m.app_id AND r.id = m.record_id AND r.deleted_at IS NULL WHERE m.answered_at IS " \
    "NULL AND m.kind IN ('correction', 'missing') AND m.reminded_at IS NULL AND m.due_date <= $1 " \
    "AND m.due_date >= $2 ORDER BY m.id LIMIT 500"
#define PMSG_SQL_REMINDED "UPDATE record_messages SET reminded_at = $2 WHERE id = $1"
#define PMSG_SQL_LAPSED                                                                            \
    "SELECT m.id, m.app_id, m.record_id, m.due_date, m.author, o.receipt_no, r.assignees FROM "   \
    "record_messages m JOIN records r ON r.app_id = m.app_id AND r.id = m.record_id AND "         \
    "r.deleted_at IS NULL JOIN record_owners o ON o.app_id = m.app_id AND o.record_id = "         \
    "m.record_id WHERE m.answered_at IS NULL AND m.kind IN ('correction', 'missing') AND "         \
    "m.lapsed_at IS NULL AND m.due_date < $1 ORDER BY m.id LIMIT 500"
#define PMSG_SQL_LAPSED_SET "UPDATE record_messages SET lapsed_at = $2 WHERE id = $1"

#endif
