/* All SQL of the document module (table record_documents, migration 0013). */
#ifndef MADO_DOCUMENT_SQL_H
#define MADO_DOCUMENT_SQL_H

#define DOC_SQL_RECORD_REVISION                                                                    \
    "SELECT revision FROM records WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define DOC_SQL_INSERT                                                                             \
    "INSERT INTO record_documents (app_id, record_id, title, file_key, sha256, size, "            \
    "template_code, template_version, record_revision, created_at, created_by, verify_code) "     \
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"
#define DOC_SQL_STATE                                                                              \
    "SELECT delivered_at, revoked_at FROM record_documents "                                     \
    "WHERE id = $1 AND app_id = $2 AND record_id = $3"
/* "delivered_at IS NULL": only the request that really delivers it tells the applicant */
#define DOC_SQL_DELIVER                                                                            \
    "UPDATE record_documents SET delivered_at = $4, delivered_by = $5 "                           \
    "WHERE id = $1 AND app_id = $2 AND record_id = $3 AND delivered_at IS NULL"
#define DOC_SQL_UNDELIVER                                                                          \
    "UPDATE record_documents SET delivered_at = NULL, delivered_by = NULL "                       \
    "WHERE id = $1 AND app_id = $2 AND record_id = $3"
#define DOC_SQL_LIST_COLS                                                                          \
    "SELECT d.id, d.title, d.file_key, f.name, f.content_type, d.size, d.sha256, "                \
    "d.template_code, d.template_version, d.record_revision, d.verify_code, d.delivered_at, "     \
    "d.delivered_by, d.revoked_at, d.created_at, d.created_by FROM record_documents d "           \
    "LEFT JOIN files f ON f.file_key = d.file_key WHERE d.app_id = $1 AND d.record_id = $2"
#define DOC_SQL_LIST DOC_SQL_LIST_COLS " ORDER BY d.id"
#define DOC_SQL_LIST_DELIVERED                                                                     \
    DOC_SQL_LIST_COLS " AND d.delivered_at IS NOT NULL AND d.revoked_at IS NULL ORDER BY d.id"
#define DOC_SQL_GET_DELIVERED                                                                      \
    "SELECT d.file_key, f.name, d.title FROM record_documents d "                                 \
    "JOIN files f ON f.file_key = d.file_key WHERE d.id = $1 AND d.app_id = $2 AND "              \
    "d.record_id = $3 AND d.delivered_at IS NOT NULL AND d.revoked_at IS NULL"
#define DOC_SQL_REVOKE                                                                             \
    "UPDATE record_documents SET revoked_at = $4, revoked_by = $5, revoke_reason = $6 "           \
    "WHERE id = $1 AND app_id = $2 AND record_id = $3 AND revoked_at IS NULL"
/* only what /verify/ may show: nothing of the record or its applicant */
#define DOC_SQL_BY_CODE                                                                            \
    "SELECT d.title, a.name, d.sha256, d.created_at, d.revoked_at FROM record_documents d "       \
    "LEFT JOIN apps a ON a.id = d.app_id WHERE d.verify_code = $1"

#endif
