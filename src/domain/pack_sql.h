/* SQL of pack.c (the settings table and demo tokens). */
#ifndef MADO_PACK_SQL_H
#define MADO_PACK_SQL_H

#define PACK_SQL_GET "SELECT value FROM settings WHERE key = $1"
#define PACK_SQL_PUT                                                                               \
    "INSERT INTO settings (key, value) VALUES ($1, $2) "                                           \
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
#define PACK_SQL_DEL "DELETE FROM settings WHERE key = $1"
#define PACK_SQL_LIST                                                                              \
    "SELECT key, value FROM settings "                                                              \
    "WHERE substr(key, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) ORDER BY key"
#define PACK_SQL_TOKENS_REVOKE                                                                     \
    "UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL"

#define PACK_SQL_USER "SELECT id, name FROM users WHERE login = $1 AND disabled = 0"

#endif
