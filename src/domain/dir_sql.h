/* All SQL of the directory module (users' directory fields, orgs, user_groups, memberships). */
#ifndef MADO_DIR_SQL_H
#define MADO_DIR_SQL_H

/* ---- users ---- */
#define DIR_SQL_USER_COLS                                                                          \
    "SELECT u.id, u.login, u.name, u.name_en, u.email, u.primary_org_id, p.code, u.is_admin, "    \
    "u.is_service, u.disabled, u.sort_order, u.created_at, u.updated_at, "                       \
    "u.must_change_password, u.totp_enabled, u.failed_logins, u.locked_until, u.last_login_at, "  \
    "u.last_login_ip, CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END "                      \
    "FROM users u LEFT JOIN orgs p ON p.id = u.primary_org_id "
#define DIR_SQL_USER_BY_CODE DIR_SQL_USER_COLS "WHERE u.login = $1"
#define DIR_SQL_USER_BY_ID DIR_SQL_USER_COLS "WHERE u.id = $1"
#define DIR_SQL_USERS_ALL DIR_SQL_USER_COLS "ORDER BY u.id LIMIT $1 OFFSET $2"
#define DIR_SQL_USERS_IN_ORG                                                                       \
    DIR_SQL_USER_COLS "JOIN org_members m ON m.user_id = u.id WHERE m.org_id = $3 "              \
                      "ORDER BY u.id LIMIT $1 OFFSET $2"
#define DIR_SQL_USERS_IN_GROUP                                                                     \
    DIR_SQL_USER_COLS "JOIN group_members m ON m.user_id = u.id WHERE m.group_id = $3 "          \
                      "ORDER BY u.id LIMIT $1 OFFSET $2"
#define DIR_SQL_USER_ID "SELECT id FROM users WHERE login = $1"
#define DIR_SQL_USER_INSERT                                                                        \
    "INSERT INTO users (login, name, name_en, email, primary_org_id, is_admin, is_service, "      \
    "disabled, sort_order, created_at, updated_at) "                                              \
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id"
#define DIR_SQL_USER_UPDATE                                                                        \
    "UPDATE users SET name = $2, name_en = $3, email = $4, primary_org_id = $5, is_admin = $6, "  \
    "is_service = $7, disabled = $8, sort_order = $9, updated_at = $10 WHERE id = $1"
#define DIR_SQL_USER_TOUCH "UPDATE users SET updated_at = $2 WHERE id = $1"
#define DIR_SQL_USER_UNLOCK                                                                        \
    "UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = $2 WHERE id = $1"
#define DIR_SQL_USER_RESET_TOTP                                                                    \
    "UPDATE users SET totp_secret = NULL, totp_enabled = 0, totp_last_step = 0, updated_at = $2 " \
    "WHERE id = $1"
#define DIR_SQL_RECOVERY_DELETE "DELETE FROM recovery_codes WHERE user_id = $1"
#define DIR_SQL_RECOVERY_COUNT "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1"
/* a disabled account keeps no browser session */
#define DIR_SQL_SESSIONS_REVOKE                                                                    \
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"

/* ---- memberships ---- */
#define DIR_SQL_USER_ORG_IDS                                                                       \
    "SELECT m.org_id FROM org_members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = $1 "     \
    "ORDER BY o.sort_order, o.id"
#define DIR_SQL_USER_GROUP_IDS                                                                     \
    "SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id"
#define DIR_SQL_ORG_MEMBERS_CLEAR "DELETE FROM org_members WHERE user_id = $1"
#define DIR_SQL_ORG_MEMBER_ADD "INSERT INTO org_members (org_id, user_id) VALUES ($1, $2)"
#define DIR_SQL_GROUP_MEMBERS_CLEAR "DELETE FROM group_members WHERE user_id = $1"
#define DIR_SQL_GROUP_MEMBER_ADD "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)"
#define DIR_SQL_GROUP_MEMBER_REMOVE "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2"
#define DIR_SQL_GROUP_MEMBER_EXISTS                                                                \
    "SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2"

/* ---- organisations ---- */
#define DIR_SQL_ORG_COLS                                                                           \
    "SELECT o.id, o.code, o.name, o.name_en, o.parent_id, p.code, o.sort_order "                  \
    "FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id "
#define DIR_SQL_ORG_BY_CODE DIR_SQL_ORG_COLS "WHERE o.code = $1"
#define DIR_SQL_ORG_BY_ID DIR_SQL_ORG_COLS "WHERE o.id = $1"
#define DIR_SQL_ORGS_ALL DIR_SQL_ORG_COLS "ORDER BY o.id LIMIT $1 OFFSET $2"
#define DIR_SQL_ORGS_OF_USER                                                                       \
    DIR_SQL_ORG_COLS "JOIN org_members m ON m.org_id = o.id WHERE m.user_id = $1 "               \
                     "ORDER BY o.sort_order, o.id"
#define DIR_SQL_ORG_ID "SELECT id FROM orgs WHERE code = $1"
#define DIR_SQL_ORG_PARENT "SELECT parent_id FROM orgs WHERE id = $1"
#define DIR_SQL_ORG_INSERT                                                                         \
    "INSERT INTO orgs (code, name, name_en, parent_id, sort_order, created_at) "                 \
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
#define DIR_SQL_ORG_UPDATE                                                                         \
    "UPDATE orgs SET name = $2, name_en = $3, parent_id = $4, sort_order = $5 WHERE id = $1"
#define DIR_SQL_ORG_SET_PARENT "UPDATE orgs SET parent_id = $2 WHERE id = $1"
#define DIR_SQL_ORG_CHILDREN "SELECT COUNT(*) FROM orgs WHERE parent_id = $1"
#define DIR_SQL_ORG_MEMBERS                                                                        \
    "SELECT COUNT(*) FROM users u WHERE u.primary_org_id = $1 OR EXISTS "                         \
    "(SELECT 1 FROM org_members m WHERE m.org_id = $1 AND m.user_id = u.id)"
#define DIR_SQL_ORG_DELETE "DELETE FROM orgs WHERE id = $1"

/* ---- groups ---- */
#define DIR_SQL_GROUP_COLS "SELECT g.id, g.code, g.name, g.name_en, g.description FROM user_groups g "
#define DIR_SQL_GROUP_BY_CODE DIR_SQL_GROUP_COLS "WHERE g.code = $1"
#define DIR_SQL_GROUP_BY_ID DIR_SQL_GROUP_COLS "WHERE g.id = $1"
#define DIR_SQL_GROUPS_ALL DIR_SQL_GROUP_COLS "ORDER BY g.id LIMIT $1 OFFSET $2"
#define DIR_SQL_GROUPS_OF_USER                                                                     \
    DIR_SQL_GROUP_COLS "JOIN group_members m ON m.group_id = g.id WHERE m.user_id = $1 "         \
                       "ORDER BY g.id"
#define DIR_SQL_GROUP_ID "SELECT id FROM user_groups WHERE code = $1"
#define DIR_SQL_GROUP_INSERT                                                                       \
    "INSERT INTO user_groups (code, name, name_en, description, created_at) "                    \
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"
#define DIR_SQL_GROUP_UPDATE                                                                       \
    "UPDATE user_groups SET name = $2, name_en = $3, description = $4 WHERE id = $1"
#define DIR_SQL_GROUP_MEMBERS "SELECT COUNT(*) FROM group_members WHERE group_id = $1"
#define DIR_SQL_GROUP_DELETE "DELETE FROM user_groups WHERE id = $1"

/* ---- import ---- */
#define DIR_SQL_SAVEPOINT "SAVEPOINT dir_import"
#define DIR_SQL_ROLLBACK_TO "ROLLBACK TO SAVEPOINT dir_import"
#define DIR_SQL_RELEASE "RELEASE SAVEPOINT dir_import"

#endif
