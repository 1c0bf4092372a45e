/* All SQL of the applicant portal. */
#ifndef MADO_PORTAL_SQL_H
#define MADO_PORTAL_SQL_H

#define PORTAL_SQL_APPLICATIONS                                                                    \
    "SELECT o.receipt_no, o.form_code, o.form_version, o.app_id, o.record_id, o.created_at, "     \
    "r.status, (SELECT MIN(m.due_date) FROM record_messages m WHERE m.app_id = o.app_id AND "    \
    "m.record_id = o.record_id AND m.kind IN ('correction', 'missing') AND m.answered_at IS NULL), " \
    "(SELECT COUNT(*) FROM record_documents d WHERE d.app_id = o.app_id AND d.record_id = "       \
    "o.record_id AND d.delivered_at IS NOT NULL AND d.revoked_at IS NULL) "                        \
    "FROM record_owners o JOIN records r ON r.app_id = o.app_id AND r.id = o.record_id "          \
    "AND r.deleted_at IS NULL WHERE o.applicant_id = $1 ORDER BY o.created_at DESC, o.record_id " \
    "DESC LIMIT 200"
#define PORTAL_SQL_ONE                                                                             \
    "SELECT o.receipt_no, o.form_code, o.form_version, o.app_id, o.record_id, o.created_at, "     \
    "r.status, r.data FROM record_owners o JOIN records r ON r.app_id = o.app_id AND "            \
    "r.id = o.record_id AND r.deleted_at IS NULL WHERE o.applicant_id = $1 AND o.receipt_no = $2"
#define PORTAL_SQL_DRAFTS                                                                          \
    "SELECT f.code, d.updated_at, d.expires_at FROM form_drafts d JOIN forms f ON f.id = d.form_id " \
    "WHERE d.applicant_id = $1 AND d.expires_at > $2 ORDER BY d.updated_at DESC"
#define PORTAL_SQL_TIMELINE                                                                        \
    "SELECT at, status FROM record_revisions WHERE app_id = $1 AND record_id = $2 AND "           \
    "action IN ('create', 'status') ORDER BY revision"
#define PORTAL_SQL_OWNER                                                                           \
    "SELECT o.receipt_no, a.email FROM record_owners o JOIN applicants a ON a.id = o.applicant_id " \
    "WHERE o.app_id = $1 AND o.record_id = $2"

#endif
