/* All SQL of the document template module (tables doc_templates, doc_template_versions,
 * migration 0014). */
#ifndef MADO_DOC_TEMPLATE_SQL_H
#define MADO_DOC_TEMPLATE_SQL_H

#define TPL_SQL_FIND "SELECT id, version FROM doc_templates WHERE app_id = $1 AND code = $2"
#define TPL_SQL_INSERT                                                                             \
    "INSERT INTO doc_templates (app_id, code, name, def, version, updated_at, updated_by) "       \
    "VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id"
/* a deleted template saved again comes back, its version numbers continuing */
#define TPL_SQL_UPDATE                                                                             \
    "UPDATE doc_templates SET name = $2, def = $3, version = $4, deleted_at = NULL, "             \
    "updated_at = $5, updated_by = $6 WHERE id = $1"
#define TPL_SQL_VERSION_INSERT                                                                     \
    "INSERT INTO doc_template_versions (template_id, version, def, created_at, created_by) "      \
    "VALUES ($1, $2, $3, $4, $5)"
#define TPL_SQL_LOAD_LATEST                                                                        \
    "SELECT id, version, def FROM doc_templates "                                                 \
    "WHERE app_id = $1 AND code = $2 AND deleted_at IS NULL"
#define TPL_SQL_LOAD_VERSION                                                                       \
    "SELECT t.id, v.version, v.def FROM doc_templates t JOIN doc_template_versions v "            \
    "ON v.template_id = t.id WHERE t.app_id = $1 AND t.code = $2 AND v.version = $3"
#define TPL_SQL_LIST                                                                               \
    "SELECT app_id, code, name, version, updated_at, updated_by, def FROM doc_templates "         \
    "WHERE deleted_at IS NULL AND ($1 = 0 OR app_id = $1) ORDER BY app_id, code"
#define TPL_SQL_AUTO                                                                               \
    "SELECT code, def FROM doc_templates WHERE app_id = $1 AND deleted_at IS NULL ORDER BY code"
#define TPL_SQL_DELETE                                                                             \
    "UPDATE doc_templates SET deleted_at = $3, updated_at = $3, updated_by = $4 "                 \
    "WHERE app_id = $1 AND code = $2 AND deleted_at IS NULL"

#endif
