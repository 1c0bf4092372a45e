/* All SQL of the session module (browser sessions). */
#ifndef MADO_SESSION_SQL_H
#define MADO_SESSION_SQL_H

#define SESSION_SQL_INSERT                                                                         \
    "INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, "   \
    "ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id"
#define SESSION_SQL_COLUMNS                                                                        \
    "SELECT s.id, s.user_id, s.stage, s.created_at, s.last_seen_at, s.expires_at, "              \
    "s.revoked_at, s.token_hash, u.login, u.name, u.is_admin, u.is_service, u.disabled "        \
    "FROM sessions s JOIN users u ON u.id = s.user_id "
#define SESSION_SQL_BY_HASH SESSION_SQL_COLUMNS "WHERE s.token_hash = $1"
#define SESSION_SQL_BY_ID SESSION_SQL_COLUMNS "WHERE s.id = $1"
#define SESSION_SQL_TOUCH                                                                          \
    "UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL"
#define SESSION_SQL_STAGE "UPDATE sessions SET stage = $2 WHERE id = $1 AND revoked_at IS NULL"
#define SESSION_SQL_REVOKE                                                                         \
    "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
#define SESSION_SQL_REVOKE_TOKEN                                                                   \
    "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL"
#define SESSION_SQL_REVOKE_USER                                                                    \
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND id <> $3 AND revoked_at IS NULL"
/* sessions_by_user covers the user; the newest earlier session that completed its login */
#define SESSION_SQL_PREVIOUS                                                                       \
    "SELECT created_at, ip FROM sessions WHERE user_id = $1 AND id < $2 AND stage = 'ok' "      \
    "ORDER BY id DESC LIMIT 1"

#define SESSION_SQL_PURGE                                                                          \
    "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1"

#endif
