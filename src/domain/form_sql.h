/* SQL of the form module (form.c, form_draft.c, form_submit.c). */
#ifndef MADO_FORM_SQL_H
#define MADO_FORM_SQL_H

#define FORM_SQL_FIND "SELECT id, app_id, version FROM forms WHERE code = $1"
#define FORM_SQL_INSERT                                                                            \
    "INSERT INTO forms (code, app_id, def, version, updated_at, updated_by) "                     \
    "VALUES ($1, $2, $3, 0, $4, $5)"
#define FORM_SQL_UPDATE                                                                            \
    "UPDATE forms SET app_id = $2, def = $3, updated_at = $4, updated_by = $5 WHERE id = $1"
#define FORM_SQL_WORKING "SELECT id, app_id, version, def FROM forms WHERE code = $1"
#define FORM_SQL_BUMP "UPDATE forms SET version = version + 1 WHERE id = $1 RETURNING version"
#define FORM_SQL_VERSION_INSERT                                                                    \
    "INSERT INTO form_versions (form_id, version, def, published_at, published_by) "              \
    "VALUES ($1, $2, $3, $4, $5)"
/* $2 = 0: the latest published version */
#define FORM_SQL_VERSION                                                                           \
    "SELECT f.id, f.app_id, v.version, v.def FROM forms f JOIN form_versions v ON v.form_id = "  \
    "f.id AND v.version = CASE WHEN $2 = 0 THEN f.version ELSE $2 END WHERE f.code = $1"
#define FORM_SQL_ADMIN_LIST                                                                        \
    "SELECT id, code, app_id, version, updated_at, updated_by, def FROM forms ORDER BY code"
#define FORM_SQL_VERSIONS                                                                          \
    "SELECT version, published_at, published_by FROM form_versions WHERE form_id = $1 ORDER BY " \
    "version"
#define FORM_SQL_PUBLISHED                                                                         \
    "SELECT f.id, f.code, f.app_id, v.version, v.def FROM forms f JOIN form_versions v ON "      \
    "v.form_id = f.id AND v.version = f.version ORDER BY f.code"

/* drafts */
#define FORM_SQL_DRAFT_GET                                                                         \
    "SELECT d.id, d.form_version, d.step, d.data, d.updated_at, d.expires_at FROM form_drafts d " \
    "JOIN forms f ON f.id = d.form_id WHERE d.applicant_id = $1 AND f.code = $2 AND "            \
    "d.expires_at > $3"
#define FORM_SQL_DRAFT_INSERT                                                                      \
    "INSERT INTO form_drafts (form_id, form_version, applicant_id, data, step, created_at, "     \
    "updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id"
#define FORM_SQL_DRAFT_UPDATE                                                                      \
    "UPDATE form_drafts SET data = $2, step = $3, updated_at = $4, expires_at = $5, "            \
    "reminded_at = NULL WHERE id = $1"
/* an expired draft is gone: drop it before a new one takes its place */
#define FORM_SQL_DRAFT_DROP_EXPIRED                                                                \
    "DELETE FROM form_drafts WHERE applicant_id = $1 AND form_id = $2 AND expires_at <= $3"
#define FORM_SQL_DRAFT_DELETE "DELETE FROM form_drafts WHERE id = $1"
#define FORM_SQL_FILES_DELETE "DELETE FROM form_draft_files WHERE draft_id = $1"
#define FORM_SQL_FILES                                                                             \
    "SELECT id, field_code, upload_key, name, content_type, size FROM form_draft_files WHERE "   \
    "draft_id = $1 ORDER BY id"
#define FORM_SQL_FILE_DELETE "DELETE FROM form_draft_files WHERE draft_id = $1 AND id = $2"
#define FORM_SQL_FILES_TOTAL                                                                       \
    "SELECT COALESCE(SUM(size), 0) FROM form_draft_files WHERE draft_id = $1"
#define FORM_SQL_FILE_INSERT                                                                       \
    "INSERT INTO form_draft_files (draft_id, field_code, upload_key, name, content_type, size, " \
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
#define FORM_SQL_EXPIRED_FILES                                                                     \
    "DELETE FROM form_draft_files WHERE draft_id IN (SELECT id FROM form_drafts WHERE "          \
    "expires_at <= $1)"
#define FORM_SQL_EXPIRED "DELETE FROM form_drafts WHERE expires_at <= $1"
#define FORM_SQL_TO_REMIND                                                                         \
    "SELECT d.id, a.email, f.code, d.expires_at, v.def FROM form_drafts d JOIN applicants a ON " \
    "a.id = d.applicant_id JOIN forms f ON f.id = d.form_id JOIN form_versions v ON v.form_id " \
    "= d.form_id AND v.version = d.form_version WHERE d.reminded_at IS NULL AND d.expires_at "   \
    "> $1 AND d.expires_at <= $2 ORDER BY d.id LIMIT 200"
/* uploads of live drafts must outlive FILE_UPLOAD_TTL (file_purge_unattached would take them) */
#define FORM_SQL_KEEP_UPLOADS                                                                      \
    "UPDATE files SET created_at = $1 WHERE record_id IS NULL AND file_key IN (SELECT "          \
    "upload_key FROM form_draft_files)"
#define FORM_SQL_REMINDED "UPDATE form_drafts SET reminded_at = $2 WHERE id = $1"

/* submission */
#define FORM_SQL_OWNER_BY_DRAFT                                                                    \
    "SELECT receipt_no, app_id, record_id FROM record_owners WHERE draft_id = $1"
#define FORM_SQL_OWNER_BY_KEY                                                                      \
    "SELECT receipt_no, app_id, record_id FROM record_owners WHERE applicant_id = $1 AND "       \
    "form_code = $2 AND idempotency_key = $3 AND idempotency_key <> ''"
#define FORM_SQL_OWNER_INSERT                                                                      \
    "INSERT INTO record_owners (app_id, record_id, applicant_id, receipt_no, form_code, "        \
    "form_version, draft_id, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "  \
    "$8, $9)"

#endif
