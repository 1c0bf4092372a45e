/* Applicants: one-time codes by e-mail, applicants created on their first proof, and their
 * sessions. The answers never depend on whether an address is known: a code is "sent" to any
 * well-formed address, and every failed confirmation reads the same. */
#include "applicant.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "db/db.h"
#include "domain/applicant_sql.h"
#include "domain/auth.h"
#include "domain/event.h"
#include "domain/outbox.h"
#include "sec/sec.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define CODE_TTL 600          /* 10 minutes */
#define CODE_TRIES 5
#define SESSION_IDLE 7200     /* 2 hours without a request */
#define SESSION_MAX 86400     /* 24 hours in all */
#define TOUCH_EVERY 60        /* last_seen_at is written at most once a minute */
#define RATE_PER_ADDRESS 3    /* codes per minute and address */
#define RATE_PER_IP 10        /* codes per minute and client address */

static struct ratelimit *rl_address, *rl_ip;
static void (*code_observer)(const char *email, const char *code);

void
applicant_observe_codes(void (*fn)(const char *email, const char *code))
{
    code_observer = fn;
}
static pthread_once_t rl_once = PTHREAD_ONCE_INIT;

static void
rl_init(void)
{
    rl_address = ratelimit_new(RATE_PER_ADDRESS, 4096);
    rl_ip = ratelimit_new(RATE_PER_IP, 4096);
}

void
applicant_limits_reset(void)
{
    pthread_once(&rl_once, rl_init);
    ratelimit_free(rl_address);
    ratelimit_free(rl_ip);
    rl_address = ratelimit_new(RATE_PER_ADDRESS, 4096);
    rl_ip = ratelimit_new(RATE_PER_IP, 4096);
}

const char *
applicant_email_normalise(struct ctx *c, const char *email)
{
    if (!email)
        return NULL;
    while (*email == ' ' || *email == '\t')
        email++;
    size_t n = strlen(email);
    while (n && (email[n - 1] == ' ' || email[n - 1] == '\t'))
        n--;
    if (n < 3 || n > 254)
        return NULL;
    char *out = arena_strndup(c->arena, email, n);
    char *at = strchr(out, '@');
    if (!at || at == out || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
        out[n - 1] == '.')
        return NULL;
    for (char *p = out; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        /* ASCII addresses only: internationalised ones are rare at the counter and need
         * SMTPUTF8 end to end */
        if (ch <= ' ' || ch >= 0x7f || ch == '<' || ch == '>' || ch == '(' || ch == ')' ||
            ch == ',' || ch == ';' || ch == ':' || ch == '\\' || ch == '"')
            return NULL;
        /* the whole address is compared without case: that is what people expect */
        *p = (char)tolower(ch);
    }
    return out;
}

static void
code_hash(const char *email, const char *code, char out[SEC_HEX256_MAX])
{
    char msg[300];
    int n = snprintf(msg, sizeof(msg), "%s\n%s", email, code);
    const struct sec_key *k = auth_policy()->key;
    if (k)
        sec_key_mac_hex(k, SEC_PURPOSE_APPLICANT, msg, (size_t)n, out);
    else
        sec_mac_hex(msg, (size_t)n, out);
    sec_wipe(msg, sizeof(msg));
}

static void
new_code(char out[7])
{
    uint32_t v;
    do /* uniform over 000000–999999 */
        sec_random(&v, sizeof(v));
    while (v >= 4294000000u);
    snprintf(out, 7, "%06u", v % 1000000u);
}

enum err
applicant_verify_start(struct ctx *c, const char *email, const char *form_code)
{
    const char *addr = applicant_email_normalise(c, email);
    if (!addr) {
        fail_field(c->fail, "email", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    pthread_once(&rl_once, rl_init);
    int64_t now_ms = clock_now_ms();
    int wait = ratelimit_hit(rl_ip, c->ip && *c->ip ? c->ip : "-", now_ms);
    if (wait <= 0)
        wait = ratelimit_hit(rl_address, addr, now_ms);
    if (wait > 0) {
        event_log(c, "applicant.ratelimit", "", addr, NULL);
        return fail_set(c->fail, ERR_RATE_LIMITED, NULL);
    }
    char code[7], hash[SEC_HEX256_MAX];
    new_code(code);
    code_hash(addr, code, hash);
    if (code_observer)
        code_observer(addr, code);
    struct db_param sup[] = { DBP_TEXT(addr), DBP_INT(c->now) };
    struct db_param add[] = { DBP_TEXT(addr), DBP_TEXT(hash), DBP_TEXT(form_code ? form_code : ""),
                              DBP_INT(c->now), DBP_INT(c->now + CODE_TTL) };
    int rc = db_exec(c->db, APL_SQL_CODES_SUPERSEDE, sup, 2, NULL);
    if (rc == DB_OK)
        rc = db_exec(c->db, APL_SQL_CODE_ADD, add, 5, NULL);
    if (rc != DB_OK) {
        sec_wipe(code, sizeof(code));
        log_error("applicant code: %s", db_errmsg(c->db));
        return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    }
    struct outbox_msg m = {
        .to = addr,
        .subject = "【電子申請】確認コードのお知らせ / Your verification code",
        .body = arena_printf(
            c->arena,
            "電子申請のメールアドレス確認コードをお知らせします。\n\n"
            "    確認コード: %s\n\n"
            "このコードの有効期限は10分です。申請画面に入力してください。\n"
            "お心当たりのない場合は、このメールを破棄してください。コードは他の人に教えないでください。\n\n"
            "----\n"
            "Your verification code is %s. It is valid for 10 minutes.\n"
            "If you did not ask for it, please ignore this mail.\n",
            code, code),
        .kind = "verify",
        .ref = form_code && *form_code ? arena_printf(c->arena, "form:%s", form_code) : NULL,
    };
    sec_wipe(code, sizeof(code));
    return outbox_add(c, &m, NULL);
}

static enum err
db_fail(struct ctx *c, int rc)
{
    log_error("applicant: %s", db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

enum err
applicant_open(struct ctx *c, const char *email, struct applicant *out, const char **token)
{
    const char *addr = applicant_email_normalise(c, email);
    if (!addr)
        return fail_set(c->fail, ERR_VERIFY_FAILED, NULL);
    struct db_param p[] = { DBP_TEXT(addr), DBP_INT(c->now) };
    int64_t id = 0;
    bool found = false;
    int rc = db_query_int(c->db, APL_SQL_FIND, p, 1, &id, &found);
    if (rc == DB_OK && !found) {
        rc = db_exec(c->db, APL_SQL_ADD, p, 2, NULL);
        if (rc == DB_OK)
            rc = db_query_int(c->db, APL_SQL_FIND, p, 1, &id, &found);
    } else if (rc == DB_OK) {
        struct db_param v[] = { DBP_INT(id), DBP_INT(c->now) };
        rc = db_exec(c->db, APL_SQL_VERIFIED, v, 2, NULL);
    }
    if (rc != DB_OK || !found)
        return db_fail(c, rc != DB_OK ? rc : DB_ERROR);
    char tok[SEC_TOKEN_MAX], hash[SEC_HEX256_MAX];
    sec_token_new(tok);
    sec_token_hash(tok, strlen(tok), hash);
    struct db_param s[] = { DBP_TEXT(hash), DBP_INT(id), DBP_INT(c->now),
                            DBP_INT(c->now + SESSION_MAX) };
    rc = db_exec(c->db, APL_SQL_SESSION_ADD, s, 4, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    out->id = id;
    out->email = addr;
    out->session_id = 0;
    *token = arena_strdup(c->arena, tok);
    sec_wipe(tok, sizeof(tok));
    return ERR_OK;
}

enum err
applicant_verify_confirm(struct ctx *c, const char *email, const char *code,
                         struct applicant *out, const char **token)
{
    const char *addr = applicant_email_normalise(c, email);
    size_t n = code ? strlen(code) : 0;
    bool shaped = n == 6;
    for (size_t i = 0; shaped && i < n; i++)
        shaped = code[i] >= '0' && code[i] <= '9';
    if (!addr || !shaped)
        return fail_set(c->fail, ERR_VERIFY_FAILED, NULL);
    struct db_param p[] = { DBP_TEXT(addr) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, APL_SQL_CODE_LATEST, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    int64_t id = 0, tries = 0, expires = 0;
    char stored[SEC_HEX256_MAX] = "";
    if (rc == 1) {
        id = db_col_int(res, 0);
        snprintf(stored, sizeof(stored), "%s", db_col_text(res, 1));
        tries = db_col_int(res, 2);
        expires = db_col_int(res, 3);
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    /* no code, expired, used up: the same answer as a wrong code */
    if (rc == 0 || expires <= c->now || tries >= CODE_TRIES)
        return fail_set(c->fail, ERR_VERIFY_FAILED, NULL);
    struct db_param t[] = { DBP_INT(id), DBP_INT(c->now) };
    /* the try counts even when the caller's transaction fails (the handler commits it) */
    rc = db_exec(c->db, APL_SQL_CODE_TRY, t, 1, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    char hash[SEC_HEX256_MAX];
    code_hash(addr, code, hash);
    if (strlen(stored) != 64 || !sec_equal(hash, stored, 64)) {
        event_log(c, "applicant.verify.fail", "", addr, NULL);
        return fail_set(c->fail, ERR_VERIFY_FAILED, NULL);
    }
    rc = db_exec(c->db, APL_SQL_CODE_USE, t, 2, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    return applicant_open(c, addr, out, token);
}

enum err
applicant_session(struct ctx *c, const char *token, struct applicant *out)
{
    if (!token || !*token || strlen(token) > 128)
        return fail_set(c->fail, ERR_APPLICANT_REQUIRED, NULL);
    char hash[SEC_HEX256_MAX];
    sec_token_hash(token, strlen(token), hash);
    struct db_param p[] = { DBP_TEXT(hash) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, APL_SQL_SESSION, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    bool live = false;
    int64_t sid = 0, last = 0;
    if (rc == 1) {
        sid = db_col_int(res, 0);
        last = db_col_int(res, 2);
        live = db_col_null(res, 4) && db_col_int(res, 3) > c->now && last + SESSION_IDLE > c->now;
        out->id = db_col_int(res, 1);
        out->email = arena_strdup(c->arena, db_col_text(res, 5));
        out->session_id = sid;
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    if (!live)
        return fail_set(c->fail, ERR_APPLICANT_REQUIRED, NULL);
    if (c->now - last >= TOUCH_EVERY) {
        struct db_param t[] = { DBP_INT(sid), DBP_INT(c->now) };
        rc = db_exec(c->db, APL_SQL_SESSION_TOUCH, t, 2, NULL);
        if (rc != DB_OK)
            return db_fail(c, rc);
    }
    return ERR_OK;
}

enum err
applicant_logout(struct ctx *c, const char *token)
{
    if (!token || !*token || strlen(token) > 128)
        return ERR_OK;
    char hash[SEC_HEX256_MAX];
    sec_token_hash(token, strlen(token), hash);
    struct db_param p[] = { DBP_TEXT(hash), DBP_INT(c->now) };
    int rc = db_exec(c->db, APL_SQL_SESSION_END, p, 2, NULL);
    return rc == DB_OK ? ERR_OK : db_fail(c, rc);
}
