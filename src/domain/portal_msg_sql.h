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

#endif
