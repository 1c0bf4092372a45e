/* All SQL of the auth module (users, API tokens). */
#ifndef MADO_AUTH_SQL_H
#define MADO_AUTH_SQL_H

#define AUTH_SQL_TOKEN_BY_HASH                                                                     \
    "SELECT app_id, can_view, can_add, can_edit, can_delete, can_manage FROM api_tokens "        \
    "WHERE token_hash = $1 AND revoked_at IS NULL"
#define AUTH_SQL_USER_BY_LOGIN                                                                     \
    "SELECT id, login, name, is_admin, is_service, pw_version, disabled, password_hash "          \
    "FROM users WHERE login = $1"
#define AUTH_SQL_USER_BY_ID                                                                        \
    "SELECT id, login, name, is_admin, is_service, pw_version, disabled FROM users WHERE id = $1"
#define AUTH_SQL_USER_INSERT                                                                       \
    "INSERT INTO users (login, name, password_hash, is_admin, is_service, created_at) "           \
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
#define AUTH_SQL_USER_SET_PASSWORD                                                                 \
    "UPDATE users SET password_hash = $2, pw_version = pw_version + 1 WHERE login = $1"
#define AUTH_SQL_USER_NAME "SELECT name FROM users WHERE login = $1"
#define AUTH_SQL_TOKEN_INSERT                                                                      \
    "INSERT INTO api_tokens (app_id, token_hash, can_view, can_add, can_edit, can_delete, "       \
    "can_manage, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
#define AUTH_SQL_APP_EXISTS "SELECT 1 FROM apps WHERE id = $1 AND deleted_at IS NULL"

#endif
