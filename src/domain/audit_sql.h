/* SQL of the audit module (audit*.c). */
#ifndef MADO_AUDIT_SQL_H
#define MADO_AUDIT_SQL_H

#define AUDIT_SQL_HEAD "SELECT seq, hash, cp_seq, cp_at FROM audit_head WHERE id = 1"
/* PostgreSQL: concurrent writers queue here, so the chain follows commit order */
#define AUDIT_SQL_HEAD_LOCK AUDIT_SQL_HEAD " FOR UPDATE"
#define AUDIT_SQL_HEAD_SEQ "SELECT seq FROM audit_head WHERE id = 1"
#define AUDIT_SQL_HEAD_SET                                                                         \
    "UPDATE audit_head SET seq = $1, hash = $2, cp_seq = $3, cp_at = $4 WHERE id = 1"
#define AUDIT_SQL_INSERT                                                                           \
    "INSERT INTO audit_log (seq, at, actor, ip, action, target, outcome, detail, prev_hash, hash) " \
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
/* PostgreSQL: one entry in one round trip (0008_audit.pg.sql) */
#define AUDIT_SQL_APPEND_ONE_PG                                                                    \
    "SELECT new_seq, new_hash, cp_seq, cp_at FROM audit_append_one($1, $2, $3, $4, $5, $6, $7)"
#define AUDIT_SQL_CP_SET "UPDATE audit_head SET cp_seq = $1, cp_at = $2 WHERE id = 1"
#define AUDIT_SQL_CP_INSERT                                                                        \
    "INSERT INTO audit_checkpoints (seq, at, hash, key_id, signature, kind) "                     \
    "VALUES ($1, $2, $3, $4, $5, $6)"

/* verification: pages of the chain in seq order, and every checkpoint */
#define AUDIT_SQL_WALK                                                                             \
    "SELECT seq, at, actor, ip, action, target, outcome, detail, prev_hash, hash FROM audit_log "  \
    "WHERE seq > $1 ORDER BY seq LIMIT $2"
#define AUDIT_SQL_CPS                                                                              \
    "SELECT seq, at, hash, key_id, signature, kind FROM audit_checkpoints ORDER BY seq, id"

/* reading: one statement for every filter combination (empty texts and 0 bounds match all) */
#define AUDIT_SQL_LIST                                                                             \
    "SELECT seq, at, actor, ip, action, target, outcome, detail, prev_hash, hash FROM audit_log "  \
    "WHERE seq > $1 AND at >= $2 AND at <= $3 "                                                   \
    "AND (CAST($4 AS TEXT) = '' OR actor = $4) "                                                  \
    "AND (CAST($5 AS TEXT) = '' OR action = $5) "                                                 \
    "AND (CAST($6 AS TEXT) = '' OR substr(action, 1, length(CAST($6 AS TEXT))) = $6) "            \
    "AND (CAST($7 AS TEXT) = '' OR substr(target, 1, length(CAST($7 AS TEXT))) = $7) "            \
    "AND (CAST($8 AS TEXT) = '' OR outcome = $8) "                                                \
    "ORDER BY seq LIMIT $9"

/* pruning: everything before the first entry of the period kept */
#define AUDIT_SQL_FIRST_KEPT "SELECT MIN(seq) FROM audit_log WHERE at >= $1"
#define AUDIT_SQL_FIRST "SELECT MIN(seq) FROM audit_log"
#define AUDIT_SQL_HASH_OF "SELECT hash FROM audit_log WHERE seq = $1"
#define AUDIT_SQL_PRUNE "DELETE FROM audit_log WHERE seq <= $1"
#define AUDIT_SQL_PRUNE_CPS "DELETE FROM audit_checkpoints WHERE seq <= $1 AND kind <> 'anchor'"

#endif
