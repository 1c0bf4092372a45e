/* The second factor: TOTP enrolment and verification, recovery codes; see auth.h.
 * users.totp_secret holds, sealed with the master key (sec_encrypt), the text
 * "v1:<user id>:<active secret>:<pending secret>": a re-enrolment keeps the active secret
 * working until the new one is confirmed, and the user id stops a sealed value copied to
 * another account's row from working there. */
#include "auth.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/auth_sql.h"
#include "domain/event.h"
#include "sec/sec.h"
#include "sec/totp.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOTP_ISSUER "madoguchi"
#define TOTP_WINDOW 1

static enum err
db_fail(struct ctx *c, int rc)
{
    log_error("auth: %s", db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static enum err
code_error(struct ctx *c, const char *ja, const char *en)
{
    fail_field(c->fail, "code", MSG_TEXT, c->fail->lang == LANG_EN ? en : ja);
    return ERR_INVALID;
}

struct totp_state {
    char active[TOTP_SECRET_B32], pending[TOTP_SECRET_B32];
    bool enabled;
    int64_t last_step;
};

static bool
b32_ok(const char *s, size_t n)
{
    if (n >= TOTP_SECRET_B32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '2' && s[i] <= '7')))
            return false;
    return true;
}

/* Sealed text → secrets; false when absent, damaged or another user's. */
static bool
unseal(struct ctx *c, int64_t uid, const char *sealed, struct totp_state *st)
{
    const struct sec_key *k = auth_policy()->key;
    if (!k || !sealed || !*sealed)
        return false;
    size_t n = strlen(sealed), binlen = 0;
    unsigned char *bin = arena_alloc(c->arena, n);
    if (sodium_base642bin(bin, n, sealed, n, NULL, &binlen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    struct strbuf out;
    strbuf_init(&out, c->arena, 4096);
    if (sec_decrypt(k, bin, binlen, &out) != ERR_OK)
        return false;
    bool ok = false;
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "v1:%lld:", (long long)uid);
    size_t pl = strlen(prefix);
    if (out.len > pl && memcmp(out.buf, prefix, pl) == 0) {
        const char *a = out.buf + pl, *colon = strchr(a, ':');
        if (colon && b32_ok(a, (size_t)(colon - a)) && b32_ok(colon + 1, strlen(colon + 1))) {
            memcpy(st->active, a, (size_t)(colon - a));
            st->active[colon - a] = '\0';
            snprintf(st->pending, sizeof(st->pending), "%s", colon + 1);
            ok = true;
        }
    }
    sec_wipe(out.buf, out.len);
    return ok;
}

static enum err
seal(struct ctx *c, int64_t uid, const char *active, const char *pending, const char **sealed)
{
    const struct sec_key *k = auth_policy()->key;
    if (!k) {
        log_error("auth: TOTP needs the master key");
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    char plain[128];
    int n = snprintf(plain, sizeof(plain), "v1:%lld:%s:%s", (long long)uid, active, pending);
    struct strbuf out;
    strbuf_init(&out, c->arena, 4096);
    enum err e = sec_encrypt(k, plain, (size_t)n, &out);
    sec_wipe(plain, sizeof(plain));
    if (e != ERR_OK)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    size_t b64 = sodium_base64_encoded_len(out.len, sodium_base64_VARIANT_ORIGINAL);
    char *text = arena_alloc(c->arena, b64);
    sodium_bin2base64(text, b64, (const unsigned char *)out.buf, out.len,
                      sodium_base64_VARIANT_ORIGINAL);
    *sealed = text;
    return ERR_OK;
}

static enum err
load_state(struct ctx *c, int64_t uid, struct totp_state *st)
{
    memset(st, 0, sizeof(*st));
    struct db_param p[] = { DBP_INT(uid) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, AUTH_SQL_TOTP_GET, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        const char *sealed =
            db_col_null(res, 0) ? NULL : arena_strdup(c->arena, db_col_text(res, 0));
        st->enabled = db_col_int(res, 1) != 0;
        st->last_step = db_col_int(res, 2);
        if (sealed && !unseal(c, uid, sealed, st))
            log_warn("auth: the TOTP secret of user %lld cannot be unsealed", (long long)uid);
    }
    db_res_free(res);
    return rc < 0 ? db_fail(c, rc) : ERR_OK;
}

/* Digits only, spaces removed; false if anything else (then it may be a recovery code). */
static bool
six_digits(const char *code, char out[TOTP_DIGITS + 1])
{
    int n = 0;
    for (const char *p = code; *p; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || n == TOTP_DIGITS)
            return false;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n == TOTP_DIGITS;
}

enum err
auth_mfa_verify(struct ctx *c, const struct auth_user *u, const char *code, bool allow_recovery,
                enum auth_mfa_result *res)
{
    *res = MFA_BAD;
    struct totp_state st;
    enum err e = load_state(c, u->id, &st);
    if (e != ERR_OK)
        return e;
    char digits[TOTP_DIGITS + 1];
    if (!code || !st.enabled || !st.active[0]) {
        /* nothing to check against */
    } else if (six_digits(code, digits)) {
        int64_t step = totp_verify(st.active, digits, c->now, TOTP_WINDOW, st.last_step);
        if (step >= 0) {
            struct db_param p[] = { DBP_INT(u->id), DBP_INT(step) };
            int64_t n = 0;
            int rc = db_exec(c->db, AUTH_SQL_TOTP_STEP, p, 2, &n);
            if (rc != DB_OK)
                return db_fail(c, rc);
            *res = n == 1 ? MFA_OK : MFA_REPLAY; /* 0 rows: a concurrent request used it */
        } else if (totp_verify(st.active, digits, c->now, TOTP_WINDOW, 0) >= 0) {
            *res = MFA_REPLAY;
        }
    } else if (allow_recovery) {
        char hash[SEC_HEX256_MAX];
        if (auth_policy()->key && recovery_code_hash(auth_policy()->key, code, hash)) {
            struct db_param p[] = { DBP_INT(u->id), DBP_TEXT(hash), DBP_INT(c->now) };
            int64_t n = 0;
            int rc = db_exec(c->db, AUTH_SQL_RECOVERY_USE, p, 3, &n);
            if (rc != DB_OK)
                return db_fail(c, rc);
            if (n == 1) {
                int64_t left = 0;
                bool found;
                struct db_param pl[] = { DBP_INT(u->id) };
                rc = db_query_int(c->db, AUTH_SQL_RECOVERY_LEFT, pl, 1, &left, &found);
                if (rc != DB_OK)
                    return db_fail(c, rc);
                *res = MFA_RECOVERY;
                event_log(c, "mfa.recovery_used", u->login, NULL,
                          arena_printf(c->arena, "{\"left\":%lld}", (long long)left));
            }
        }
    }
    sec_wipe(&st, sizeof(st));
    return ERR_OK;
}

enum err
auth_totp_setup(struct ctx *c, const struct auth_user *u, const char **secret, const char **uri,
                const char **qr)
{
    struct totp_state st;
    enum err e = load_state(c, u->id, &st);
    if (e != ERR_OK)
        return e;
    char fresh[TOTP_SECRET_B32];
    totp_secret_new(fresh);
    const char *sealed;
    e = seal(c, u->id, st.enabled ? st.active : "", fresh, &sealed);
    sec_wipe(&st, sizeof(st));
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(u->id), DBP_TEXT(sealed) };
    int rc = db_exec(c->db, AUTH_SQL_TOTP_PENDING, p, 2, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    char *u8 = totp_uri(TOTP_ISSUER, u->login, fresh);
    char *svg = u8 ? qr_svg(u8) : NULL;
    if (!u8 || !svg) {
        free(u8);
        free(svg);
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    *secret = arena_strdup(c->arena, fresh);
    *uri = arena_strdup(c->arena, u8);
    *qr = arena_strdup(c->arena, svg);
    free(u8);
    free(svg);
    sec_wipe(fresh, sizeof(fresh));
    return ERR_OK;
}

enum err
auth_recovery_regenerate(struct ctx *c, const struct auth_user *u,
                         const char *codes[AUTH_RECOVERY_CODES])
{
    const struct sec_key *k = auth_policy()->key;
    if (!k)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    struct db_param p[] = { DBP_INT(u->id) };
    int rc = db_exec(c->db, AUTH_SQL_RECOVERY_CLEAR, p, 1, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    for (int i = 0; i < AUTH_RECOVERY_CODES; i++) {
        char code[RECOVERY_CODE_MAX], hash[SEC_HEX256_MAX];
        recovery_code_new(code);
        if (!recovery_code_hash(k, code, hash))
            return fail_set(c->fail, ERR_INTERNAL, NULL);
        struct db_param pi[] = { DBP_INT(u->id), DBP_TEXT(hash) };
        rc = db_exec(c->db, AUTH_SQL_RECOVERY_ADD, pi, 2, NULL);
        if (rc == DB_CONSTRAINT) { /* the same code twice (1 in 10^17): draw again */
            i--;
            continue;
        }
        if (rc != DB_OK)
            return db_fail(c, rc);
        codes[i] = arena_strdup(c->arena, code);
    }
    event_log(c, "mfa.recovery_codes", u->login, NULL, NULL);
    return ERR_OK;
}

enum err
auth_totp_confirm(struct ctx *c, const struct auth_user *u, const char *code,
                  const char *codes[AUTH_RECOVERY_CODES])
{
    struct totp_state st;
    enum err e = load_state(c, u->id, &st);
    if (e != ERR_OK)
        return e;
    char digits[TOTP_DIGITS + 1];
    if (!st.pending[0]) {
        sec_wipe(&st, sizeof(st));
        return code_error(c, "先に二要素認証の設定を開始してください。",
                          "Start the two-factor setup first.");
    }
    /* a new secret has no used steps yet (the guard still only moves forward) */
    int64_t step = code && six_digits(code, digits)
                       ? totp_verify(st.pending, digits, c->now, TOTP_WINDOW, 0)
                       : -1;
    if (step < 0) {
        sec_wipe(&st, sizeof(st));
        return code_error(c, "確認コードが正しくありません。", "The code is not correct.");
    }
    int64_t last = step > st.last_step ? step : st.last_step;
    const char *sealed;
    e = seal(c, u->id, st.pending, "", &sealed);
    sec_wipe(&st, sizeof(st));
    if (e != ERR_OK)
        return e;
    struct db_param p[] = { DBP_INT(u->id), DBP_TEXT(sealed), DBP_INT(last), DBP_INT(c->now) };
    int rc = db_exec(c->db, AUTH_SQL_TOTP_ENABLE, p, 4, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    event_log(c, "mfa.enrol", u->login, NULL, NULL);
    return auth_recovery_regenerate(c, u, codes);
}
