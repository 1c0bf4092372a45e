/* audit_int: what the audit module's files share (not for other modules). */
#ifndef MADO_AUDIT_INT_H
#define MADO_AUDIT_INT_H

#include "domain/audit.h"
#include "sec/sign.h"

#define AUDIT_TAG "madoguchi-audit-v1"
#define AUDIT_CP_TAG "madoguchi-audit-checkpoint-v1"
#define AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The hashed columns of one entry: seq, at, then actor, ip, action, target, outcome, detail,
 * prev_hash (texts with their byte lengths, so rows read back hash without a strlen). */
#define AUDIT_NTEXT 7
struct audit_fields {
    int64_t seq, at;
    struct sign_part text[AUDIT_NTEXT];
};
void audit_hash(const struct audit_fields *f, char out[SIGN_HASH_HEX]);
/* What a checkpoint signature covers. */
void audit_cp_digest(const char *kind, int64_t seq, const char *hash_hex, int64_t at,
                     uint8_t out[SIGN_HASH_BYTES]);

struct audit_head {
    int64_t seq, cp_seq, cp_at;
    char hash[SIGN_HASH_HEX];
};
/* Reads the head (locked FOR UPDATE on PostgreSQL) / moves it; inside a transaction. */
enum err audit_head_read(struct ctx *c, struct audit_head *h) MUST_CHECK;
enum err audit_head_write(struct ctx *c, const struct audit_head *h) MUST_CHECK;
/* Signs and stores a checkpoint; *written=false (ERR_OK) when no key can be had. */
enum err audit_cp_write(struct ctx *c, const char *kind, int64_t seq, const char *hash_hex,
                        int64_t at, bool *written) MUST_CHECK;
/* fn in c's transaction, or in one of its own when there is none. */
enum err audit_in_tx(struct ctx *c, enum err (*fn)(struct ctx *, void *), void *arg) MUST_CHECK;
long audit_checkpoint_every(void);

#endif
