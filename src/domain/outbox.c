/* The queueing side of the outbox; see outbox.h. The delivery side is outbox_queue.c. */
#include "domain/outbox.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/outbox_queue.h"
#include "domain/outbox_sql.h"
#include "sec/sec.h"

#include <sodium.h>
#include <string.h>

#define OUTBOX_MAX_SUBJECT 998 /* bytes: RFC 5322's line limit, before encoding */
#define OUTBOX_MAX_BODY (1024 * 1024)
#define OUTBOX_MAX_ADDR 254
#define OUTBOX_LIST_MAX 500

bool
outbox_addr_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > OUTBOX_MAX_ADDR)
        return false;
    const char *at = strrchr(s, '@');
    if (!at || at == s || !at[1])
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("<>,;\"()[]\\", *p))
            return false;
    return true;
}

static bool
line_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n <= max && text_valid_utf8(s, n) && !strpbrk(s, "\r\n");
}

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("outbox: %s: %s", what, db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

enum err
outbox_add(struct ctx *c, const struct outbox_msg *m, int64_t *id)
{
    if (!outbox_addr_ok(m->to))
        fail_field(c->fail, "to", MSG_BAD_PARAM, NULL);
    if (!m->subject || !line_ok(m->subject, OUTBOX_MAX_SUBJECT))
        fail_field(c->fail, "subject", MSG_BAD_PARAM, NULL);
    if (!m->body || strlen(m->body) > OUTBOX_MAX_BODY || !text_valid_utf8(m->body, strlen(m->body)))
        fail_field(c->fail, "body", MSG_BAD_PARAM, NULL);
    if (!m->kind || !*m->kind || !line_ok(m->kind, 64))
        fail_field(c->fail, "kind", MSG_BAD_PARAM, NULL);
    if (m->ref && !line_ok(m->ref, 200))
        fail_field(c->fail, "ref", MSG_BAD_PARAM, NULL);
    if (fail_has_fields(c->fail))
        return fail_set(c->fail, ERR_INVALID, NULL);
    const struct sec_key *k = auth_policy()->key;
    if (!k) {
        log_error("outbox: sealing mail bodies needs the master key");
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    struct strbuf sealed;
    strbuf_init(&sealed, c->arena, OUTBOX_MAX_BODY * 2);
    if (sec_encrypt(k, m->body, strlen(m->body), &sealed) != ERR_OK)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    size_t b64 = sodium_base64_encoded_len(sealed.len, sodium_base64_VARIANT_ORIGINAL);
    char *text = arena_alloc(c->arena, b64);
    sodium_bin2base64(text, b64, (const unsigned char *)sealed.buf, sealed.len,
                      sodium_base64_VARIANT_ORIGINAL);
    struct db_param p[] = { DBP_TEXT(m->to),   DBP_TEXT(m->subject), DBP_TEXT(text),
                            DBP_TEXT(m->kind), DBP_TEXT(m->ref),     DBP_INT(c->now) };
    int64_t newid = 0;
    bool found = false;
    int rc = db_query_int(c->db, OUTBOX_SQL_INSERT, p, 6, &newid, &found);
    if (rc != DB_OK || !found)
        return db_fail(c, rc, "insert");
    if (id)
        *id = newid;
    return ERR_OK;
}

static json_t *
time_or_null(int64_t secs, bool null)
{
    if (null)
        return json_null();
    char buf[32];
    clock_format_utc(secs, buf);
    return json_string(buf);
}

static bool
state_ok(const char *s)
{
    return !strcmp(s, "queued") || !strcmp(s, "sending") || !strcmp(s, "sent") ||
           !strcmp(s, "failed");
}

enum err
outbox_list(struct ctx *c, const char *state, const char *ref, int64_t limit, int64_t offset,
            json_t **out)
{
    *out = NULL;
    if (state && *state && !state_ok(state))
        fail_field(c->fail, "state", MSG_BAD_OPTION, state);
    if (limit < 1 || limit > OUTBOX_LIST_MAX)
        fail_field(c->fail, "limit", MSG_TOO_BIG, "500");
    if (offset < 0)
        fail_field(c->fail, "offset", MSG_TOO_SMALL, "0");
    if (fail_has_fields(c->fail))
        return fail_set(c->fail, ERR_INVALID, NULL);
    struct db_param p[] = { DBP_TEXT(state && *state ? state : NULL),
                            DBP_TEXT(ref && *ref ? ref : NULL), DBP_INT(limit), DBP_INT(offset) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, OUTBOX_SQL_LIST, p, 4, &res);
    if (rc != DB_OK)
        return db_fail(c, rc, "list");
    json_t *a = json_array();
    while ((rc = db_step(res)) == 1) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)db_col_int(res, 0));
        json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:o, s:o, s:o, s:o}", "id", id,
                              "to", db_col_text(res, 1), "subject", db_col_text(res, 2), "kind",
                              db_col_text(res, 3), "ref",
                              db_col_null(res, 4) ? json_null() : json_string(db_col_text(res, 4)),
                              "state", db_col_text(res, 5), "attempts",
                              (json_int_t)db_col_int(res, 6), "lastError",
                              db_col_null(res, 7) ? json_null() : json_string(db_col_text(res, 7)),
                              "createdAt", time_or_null(db_col_int(res, 8), false), "sentAt",
                              time_or_null(db_col_int(res, 9), db_col_null(res, 9)),
                              "nextAttemptAt", time_or_null(db_col_int(res, 10), false));
        json_array_append_new(a, m);
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(a);
        return db_fail(c, rc, "list");
    }
    *out = json_pack("{s:o}", "messages", a);
    return ERR_OK;
}
