/* All SQL of the auth module (users, API tokens, passwords, login state, TOTP). */
#ifndef MADO_AUTH_SQL_H
#define MADO_AUTH_SQL_H

#define AUTH_SQL_TOKEN_BY_HASH                                                                     \
    "SELECT app_id, can_view, can_add, can_edit, can_delete, can_manage, id, allow_ips "         \
    "FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
#define AUTH_SQL_USER_BY_LOGIN                                                                     \
    "SELECT id, login, name, is_admin, is_service, pw_version, disabled, locked_until, "          \
    "failed_logins, password_hash FROM users WHERE login = $1"
#define AUTH_SQL_USER_BY_ID                                                                        \
    "SELECT id, login, name, is_admin, is_service, pw_version, disabled, locked_until, "          \
    "failed_logins FROM users WHERE id = $1"
#define AUTH_SQL_USER_INSERT                                                                       \
    "INSERT INTO users (login, name, password_hash, is_admin, is_service, created_at) "           \
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
#define AUTH_SQL_USER_SET_PASSWORD                                                                 \
    "UPDATE users SET password_hash = $2, pw_version = pw_version + 1 WHERE login = $1"
#define AUTH_SQL_USER_NAME "SELECT name FROM users WHERE login = $1"
#define AUTH_SQL_TOKEN_INSERT                                                                      \
    "INSERT INTO api_tokens (app_id, token_hash, can_view, can_add, can_edit, can_delete, "       \
    "can_manage, created_at, name, allow_ips) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
#define AUTH_SQL_APP_EXISTS "SELECT 1 FROM apps WHERE id = $1 AND deleted_at IS NULL"

/* login (auth_login.c) */
#define AUTH_SQL_LOGIN_USER                                                                        \
    "SELECT id, login, name, is_admin, is_service, disabled, must_change_password, "             \
    "totp_enabled, failed_logins, locked_until, totp_last_step, password_hash FROM users "       \
    "WHERE login = $1"
#define AUTH_SQL_LOGIN_USER_BY_ID                                                                  \
    "SELECT id, login, name, is_admin, is_service, disabled, must_change_password, "             \
    "totp_enabled, failed_logins, locked_until, totp_last_step FROM users WHERE id = $1"
/* one statement, so concurrent failures cannot both read the old count */
#define AUTH_SQL_LOGIN_FAILED                                                                      \
    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins"
#define AUTH_SQL_LOGIN_LOCK                                                                        \
    "UPDATE users SET failed_logins = 0, locked_until = $2 WHERE id = $1"
#define AUTH_SQL_LOGIN_OK                                                                          \
    "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = $2, "                 \
    "last_login_ip = $3 WHERE id = $1"

/* passwords (auth_password.c) */
#define AUTH_SQL_PW_USER "SELECT login, password_hash FROM users WHERE id = $1"
#define AUTH_SQL_USER_LOGIN "SELECT login FROM users WHERE id = $1"
#define AUTH_SQL_PW_HISTORY                                                                        \
    "SELECT password_hash FROM password_history WHERE user_id = $1 "                             \
    "ORDER BY created_at DESC LIMIT $2"
#define AUTH_SQL_PW_STORE                                                                          \
    "UPDATE users SET password_hash = $2, pw_version = pw_version + 1, "                         \
    "must_change_password = $3, password_changed_at = $4, updated_at = $4 WHERE id = $1"
#define AUTH_SQL_PW_HISTORY_ADD                                                                    \
    "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)"

/* second factor (auth_mfa.c) */
#define AUTH_SQL_TOTP_GET                                                                          \
    "SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = $1"
#define AUTH_SQL_TOTP_PENDING "UPDATE users SET totp_secret = $2 WHERE id = $1"
#define AUTH_SQL_TOTP_ENABLE                                                                       \
    "UPDATE users SET totp_secret = $2, totp_enabled = 1, totp_last_step = $3, updated_at = $4 "  \
    "WHERE id = $1"
/* the guard moves forward only: a concurrent use of the same code matches no row */
#define AUTH_SQL_TOTP_STEP                                                                         \
    "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2"
#define AUTH_SQL_RECOVERY_USE                                                                      \
    "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 "              \
    "AND used_at IS NULL"
#define AUTH_SQL_RECOVERY_CLEAR "DELETE FROM recovery_codes WHERE user_id = $1"
#define AUTH_SQL_RECOVERY_ADD "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)"
#define AUTH_SQL_RECOVERY_LEFT                                                                     \
    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL"

#endif
