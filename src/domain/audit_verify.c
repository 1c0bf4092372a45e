/* Verifying the audit chain; see audit.h. Rows are streamed a page at a time in seq order
 * and hashed straight from the column buffers (no per-row allocation); hashes are compared as
 * hex text, as stored. */
#include "domain/audit.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/audit_int.h"
#include "domain/audit_sql.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 8192

struct cp {
    int64_t seq, at;
    char hash[SIGN_HASH_HEX];
    bool anchor, valid;
};

static void
bad(struct audit_verify *v, int64_t seq, const char *problem)
{
    if (v->bad_seq == 0 || seq < v->bad_seq) {
        v->bad_seq = seq;
        v->problem = problem;
    }
}

static int
db_rc_err(int rc)
{
    return rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL;
}

/* Loads and checks every checkpoint signature; *out (malloc'd) in seq order. */
static enum err
load_checkpoints(struct db *db, const uint8_t *pub, struct audit_verify *v, struct cp **out,
                 int64_t *n)
{
    char want_id[SIGN_KEYID_HEX] = "";
    if (pub)
        sign_key_id(pub, want_id);
    struct db_res *res = NULL;
    int rc = db_query(db, AUDIT_SQL_CPS, NULL, 0, &res);
    if (rc != DB_OK)
        return (enum err)db_rc_err(rc);
    size_t cap = 64;
    struct cp *cps = xmalloc(sizeof(*cps) * cap);
    *n = 0;
    while ((rc = db_step(res)) == 1) {
        if ((size_t)*n == cap)
            cps = xrealloc(cps, sizeof(*cps) * (cap *= 2));
        struct cp *p = &cps[(*n)++];
        p->seq = db_col_int(res, 0);
        p->at = db_col_int(res, 1);
        const char *hash = db_col_text(res, 2), *kind = db_col_text(res, 5);
        snprintf(p->hash, sizeof(p->hash), "%s", hash);
        p->anchor = strcmp(kind, "anchor") == 0;
        p->valid = false;
        uint8_t sig[SIGN_SIG_BYTES], digest[SIGN_HASH_BYTES];
        if (!pub || strcmp(db_col_text(res, 3), want_id) != 0) {
            bad(v, p->seq, "unknown checkpoint key");
            continue;
        }
        if (strlen(hash) != 64 || !sign_unhex(db_col_text(res, 4), sig, sizeof(sig))) {
            bad(v, p->seq, "bad checkpoint signature");
            continue;
        }
        audit_cp_digest(kind, p->seq, hash, p->at, digest);
        if (!sign_check(pub, digest, sizeof(digest), sig)) {
            bad(v, p->seq, "bad checkpoint signature");
            continue;
        }
        p->valid = true;
    }
    db_res_free(res);
    if (rc < 0) {
        free(cps);
        return (enum err)db_rc_err(rc);
    }
    *out = cps;
    return ERR_OK;
}

enum err
audit_verify(struct db *db, const uint8_t *pub, struct audit_verify *v)
{
    memset(v, 0, sizeof(*v));
    if (!pub)
        pub = audit_public_key();
    struct cp *cps = NULL;
    int64_t ncp = 0;
    enum err e = load_checkpoints(db, pub, v, &cps, &ncp);
    if (e != ERR_OK)
        return e;
    v->checkpoints = ncp;

    /* after pruning, the chain starts behind the newest (validly signed) anchor */
    int64_t start = 0, max_cp = 0;
    char prev[SIGN_HASH_HEX] = AUDIT_ZERO_HASH;
    for (int64_t i = 0; i < ncp; i++) {
        if (cps[i].valid && cps[i].anchor && cps[i].seq >= start) {
            start = cps[i].seq;
            memcpy(prev, cps[i].hash, sizeof(prev));
        }
        if (cps[i].valid && cps[i].seq > max_cp)
            max_cp = cps[i].seq;
    }

    int64_t expect = start + 1, last = start, ci = 0;
    int rc = DB_OK;
    bool stop = false;
    while (!stop) {
        struct db_param p[] = { DBP_INT(last), DBP_INT(PAGE) };
        struct db_res *res = NULL;
        rc = db_query(db, AUDIT_SQL_WALK, p, 2, &res);
        if (rc != DB_OK)
            break;
        int rows = 0;
        while (!stop && (rc = db_step(res)) == 1) {
            rows++;
            struct audit_fields f;
            f.seq = db_col_int(res, 0);
            f.at = db_col_int(res, 1);
            for (int k = 0; k < AUDIT_NTEXT; k++)
                f.text[k] = (struct sign_part){ db_col_text(res, 2 + k), db_col_len(res, 2 + k) };
            const char *stored = db_col_text(res, 9);
            size_t stored_len = db_col_len(res, 9);
            if (v->entries == 0)
                v->first_seq = f.seq;
            v->entries++;
            last = f.seq;
            if (f.seq != expect) {
                bad(v, expect, "removed");
                stop = true;
                break;
            }
            expect++;
            if (f.text[6].n != 64 || memcmp(f.text[6].p, prev, 64) != 0) {
                bad(v, f.seq, "reordered");
                stop = true;
                break;
            }
            char hash[SIGN_HASH_HEX];
            audit_hash(&f, hash);
            if (stored_len != 64 || memcmp(hash, stored, 64) != 0) {
                bad(v, f.seq, "changed");
                stop = true;
                break;
            }
            /* a signed hash that differs from the stored one: rewritten and re-hashed */
            while (ci < ncp && cps[ci].seq < f.seq)
                ci++;
            for (; ci < ncp && cps[ci].seq == f.seq; ci++) {
                if (cps[ci].valid && memcmp(cps[ci].hash, stored, 64) != 0) {
                    bad(v, f.seq, "changed");
                    stop = true;
                }
            }
            memcpy(prev, stored, 64);
            if (v->bad_seq && v->bad_seq <= f.seq)
                stop = true; /* a bad checkpoint at or before here comes first */
        }
        db_res_free(res);
        if (rc < 0 || rows < PAGE)
            break;
    }
    free(cps);
    if (rc < 0)
        return (enum err)db_rc_err(rc);
    v->last_seq = last;
    if (!stop) {
        /* entries cut off the end: a signature or the head still knows of them */
        int64_t head = 0;
        bool found;
        if (db_query_int(db, AUDIT_SQL_HEAD_SEQ, NULL, 0, &head, &found) != DB_OK)
            return ERR_INTERNAL;
        if (max_cp > last || (found && head > last))
            bad(v, last + 1, "removed");
    }
    return ERR_OK;
}
