/* All SQL of my_work (records assigned to the caller). */
#ifndef MADO_MY_WORK_SQL_H
#define MADO_MY_WORK_SQL_H

/* $1: LIKE pattern matching the quoted login inside the assignees JSON text ('\' escapes);
 * the C side confirms the match on the parsed array. Oldest status change first; records
 * without status_at (made before process management) by their last update. */
#define MY_WORK_SQL_ASSIGNED                                                                       \
    "SELECT r.app_id, a.name, r.id, r.status, COALESCE(r.status_at, r.updated_at), "              \
    "r.assignees, r.clock_state, r.clock_due, r.clock_since FROM records r "                      \
    "JOIN apps a ON a.id = r.app_id "                                                             \
    "WHERE r.deleted_at IS NULL AND a.deleted_at IS NULL AND r.assignees LIKE $1 ESCAPE '\\' "    \
    "ORDER BY COALESCE(r.status_at, r.updated_at), r.app_id, r.id LIMIT $2"

#endif
