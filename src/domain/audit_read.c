/* Reading the audit log (filters, export rows), who may read it, and retention; see audit.h. */
#include "domain/audit.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/audit_int.h"
#include "domain/audit_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 1000
#define DAY_MS (86400LL * 1000)

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("audit: %s: %s", what, db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

enum err
audit_each(struct ctx *c, const struct audit_filter *f,
           bool (*fn)(void *arg, const struct audit_row *row), void *arg)
{
    char prefix[256] = "";
    const char *exact = "";
    if (f->action && *f->action) {
        size_t n = strlen(f->action);
        if (f->action[n - 1] == '*')
            snprintf(prefix, sizeof(prefix), "%.*s", (int)(n - 1), f->action);
        else
            exact = f->action;
    }
    int64_t after = f->after, left = f->limit > 0 ? f->limit : INT64_MAX;
    for (;;) {
        int64_t page = left < PAGE ? left : PAGE;
        struct db_param p[] = { DBP_INT(after),
                                DBP_INT(f->from),
                                DBP_INT(f->to ? f->to : INT64_MAX),
                                DBP_TEXT(f->actor ? f->actor : ""),
                                DBP_TEXT(exact),
                                DBP_TEXT(prefix),
                                DBP_TEXT(f->target ? f->target : ""),
                                DBP_TEXT(f->outcome ? f->outcome : ""),
                                DBP_INT(page) };
        struct db_res *res = NULL;
        int rc = db_query(c->db, AUDIT_SQL_LIST, p, 9, &res);
        if (rc != DB_OK)
            return db_fail(c, rc, "list");
        int64_t rows = 0;
        bool more = true;
        while ((rc = db_step(res)) == 1) {
            struct audit_row r = {
                .seq = db_col_int(res, 0),       .at = db_col_int(res, 1),
                .actor = db_col_text(res, 2),    .ip = db_col_text(res, 3),
                .action = db_col_text(res, 4),   .target = db_col_text(res, 5),
                .outcome = db_col_text(res, 6),  .detail = db_col_text(res, 7),
                .prev_hash = db_col_text(res, 8), .hash = db_col_text(res, 9),
            };
            rows++;
            after = r.seq;
            if (!fn(arg, &r)) {
                more = false;
                break;
            }
        }
        db_res_free(res);
        if (rc < 0)
            return db_fail(c, rc, "list");
        left -= rows;
        if (!more || rows < page || left <= 0)
            return ERR_OK;
    }
}

json_t *
audit_row_json(const struct audit_row *r)
{
    char at[40], iso[32];
    int64_t secs = r->at >= 0 ? r->at / 1000 : (r->at - 999) / 1000;
    clock_format_utc(secs, iso);
    /* "YYYY-MM-DDTHH:MM:SSZ" → with milliseconds */
    snprintf(at, sizeof(at), "%.19s.%03dZ", iso, (int)(r->at - secs * 1000));
    json_t *detail = json_loads(r->detail, 0, NULL);
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "seq",
                     (json_int_t)r->seq, "at", at, "atMs", (json_int_t)r->at, "actor", r->actor,
                     "ip", r->ip, "action", r->action, "target", r->target, "outcome", r->outcome,
                     "detail", detail ? detail : json_string(r->detail), "prevHash", r->prev_hash,
                     "hash", r->hash);
}

bool
audit_parse_time(const char *s, bool end, int tz_minutes, int64_t *ms)
{
    int y, m, d;
    int64_t secs;
    if (!s || !*s)
        return false;
    if (strspn(s, "0123456789") == strlen(s) && strlen(s) <= 15) {
        *ms = strtoll(s, NULL, 10);
        return true;
    }
    if (clock_parse_date(s, &y, &m, &d)) {
        int64_t day = clock_days_from_civil(y, m, d) + (end ? 1 : 0);
        *ms = (day * 86400 - (int64_t)tz_minutes * 60) * 1000 - (end ? 1 : 0);
        return true;
    }
    if (!clock_parse_datetime(s, &secs))
        return false;
    *ms = secs * 1000 + (end ? 999 : 0);
    return true;
}

enum err
audit_is_reader(struct ctx *c, bool *yes)
{
    *yes = false;
    if (c->who.kind != PRIN_USER)
        return ERR_OK; /* API tokens and anonymous callers never hold the auditor role */
    enum err e = acl_load_principal(c);
    if (e != ERR_OK)
        return e;
    const char *group = audit_reader_group();
    for (int i = 0; i < c->who.ngroups; i++)
        if (strcmp(c->who.groups[i], group) == 0)
            *yes = true;
    return ERR_OK;
}

/* ---- retention -------------------------------------------------------------------------------- */

struct prune_arg {
    int64_t now, days, pruned;
};

static enum err
prune_tx(struct ctx *c, void *arg)
{
    struct prune_arg *a = arg;
    struct audit_head h;
    enum err e = audit_head_read(c, &h); /* holds writers off on PostgreSQL */
    if (e != ERR_OK)
        return e;
    int64_t first = 0, kept = 0;
    bool found_first, found_kept;
    struct db_param cut[] = { DBP_INT(a->now - a->days * DAY_MS) };
    int rc = db_query_int(c->db, AUDIT_SQL_FIRST, NULL, 0, &first, &found_first);
    if (rc == DB_OK)
        rc = db_query_int(c->db, AUDIT_SQL_FIRST_KEPT, cut, 1, &kept, &found_kept);
    if (rc != DB_OK)
        return db_fail(c, rc, "prune");
    /* MIN() of no rows is one NULL row: read as 0 */
    if (!found_first || first == 0)
        return ERR_OK;
    int64_t through = found_kept && kept > 0 ? kept - 1 : h.seq;
    if (through < first)
        return ERR_OK;
    struct db_res *res = NULL;
    struct db_param ps[] = { DBP_INT(through) };
    char hash[SIGN_HASH_HEX] = "";
    rc = db_query(c->db, AUDIT_SQL_HASH_OF, ps, 1, &res);
    if (rc == DB_OK && (rc = db_step(res)) == 1) {
        snprintf(hash, sizeof(hash), "%s", db_col_text(res, 0));
        rc = DB_OK;
    }
    db_res_free(res);
    if (rc != DB_OK || !*hash)
        return db_fail(c, rc ? rc : DB_ERROR, "prune anchor");
    /* the anchor first: without it verification could not start behind the gap */
    bool written;
    if ((e = audit_cp_write(c, "anchor", through, hash, a->now, &written)) != ERR_OK)
        return e;
    if (!written)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    if ((rc = db_exec(c->db, AUDIT_SQL_PRUNE, ps, 1, &a->pruned)) != DB_OK ||
        (rc = db_exec(c->db, AUDIT_SQL_PRUNE_CPS, ps, 1, NULL)) != DB_OK)
        return db_fail(c, rc, "prune");
    char detail[160];
    snprintf(detail, sizeof(detail), "{\"through\":%lld,\"entries\":%lld,\"days\":%lld}",
             (long long)through, (long long)a->pruned, (long long)a->days);
    struct audit_entry entry = { .at = a->now,
                                 .actor = audit_actor(c),
                                 .ip = c->ip,
                                 .action = "audit.prune",
                                 .target = "",
                                 .outcome = "ok",
                                 .detail = detail };
    return audit_append(c, &entry, 1);
}

enum err
audit_prune(struct ctx *c, int64_t now_ms, long days, int64_t *pruned)
{
    *pruned = 0;
    if (days <= 0)
        return ERR_OK;
    struct prune_arg a = { now_ms, days, 0 };
    enum err e = audit_in_tx(c, prune_tx, &a);
    if (e == ERR_OK)
        *pruned = a.pruned;
    return e;
}
