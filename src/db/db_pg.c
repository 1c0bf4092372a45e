/* PostgreSQL backend (libpq): $N placeholders natively, a per-connection LRU cache of server-side
 * prepared statements keyed by SQL text, results read in text format from a fully materialised
 * PGresult (so callers may run other statements while iterating), SQLSTATE → enum db_rc, and
 * one PQreset per call outside a transaction after the connection broke (a restarted or
 * failed-over primary is picked up; multi-host conninfo with target_session_attrs=read-write
 * picks the writable node). Statements are prepared with untyped parameters: the server infers
 * the types, so text reaches jsonb columns through jsonb's text input. Unlike SQLite, any error
 * inside a transaction aborts it: the caller must roll back. */
#include "db.h"

#include "../core/arena.h"
#include "../core/log.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE    128
#define INLINE_PARAMS 16
#define BOOLOID       16
#define BYTEAOID      17

struct pg_stmt {
    char *sql; /* NULL: free slot */
    unsigned long hash;
    unsigned long long last_use;
    char name[24];
};

struct pg_db {
    struct db base;
    PGconn *c;
    bool need_reset; /* connection unusable (or on a read-only node): reset before next use */
    unsigned long long tick;
    unsigned long long next_name;
    struct pg_stmt cache[STMT_CACHE];
    /* evicted statement names waiting for DEALLOCATE (sent between transactions) */
    char (*stale)[24];
    int nstale, capstale;
};

struct pg_res {
    struct db_res base;
    struct pg_db *db;
    PGresult *r;
    int row, nrows, ncols;
    /* bytea columns of the current row, unescaped on first access; NUL-terminated */
    unsigned char **blob;
    size_t *bloblen;
};

/* One statement's parameters in libpq's parallel-array form. */
struct pg_args {
    const char **values;
    int *lengths;
    int *formats;
    char (*num)[32];
    char **owned; /* NUL-terminated copies of DBP_TEXTN values */
    const char *values_in[INLINE_PARAMS];
    int lengths_in[INLINE_PARAMS];
    int formats_in[INLINE_PARAMS];
    char num_in[INLINE_PARAMS][32];
    char *owned_in[INLINE_PARAMS];
    int n;
};

static const struct db_ops pg_ops;

/* ---- errors ---- */

static void
set_msg(struct pg_db *d, const char *msg)
{
    snprintf(d->base.errmsg, sizeof(d->base.errmsg), "%s", msg && *msg ? msg : "unknown error");
    size_t n = strlen(d->base.errmsg);
    while (n > 0 && (d->base.errmsg[n - 1] == '\n' || d->base.errmsg[n - 1] == ' '))
        d->base.errmsg[--n] = '\0';
}

static bool
state_is(const char *state, const char *want)
{
    return state && strcmp(state, want) == 0;
}

/* Maps a failed result (or NULL: out of memory / connection trouble) and records the message. */
static int
fail_res(struct pg_db *d, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (primary) {
        char buf[sizeof(d->base.errmsg)];
        snprintf(buf, sizeof(buf), "%s%s%s", primary, detail ? ": " : "", detail ? detail : "");
        set_msg(d, buf);
    } else {
        set_msg(d, PQerrorMessage(d->c));
    }
    /* An error libpq made up itself (no SQLSTATE) after the server vanished can come while
     * PQstatus still says OK; reading the socket settles it. */
    bool broken = PQstatus(d->c) != CONNECTION_OK;
    if (!state && !broken)
        broken = !PQconsumeInput(d->c) || PQstatus(d->c) != CONNECTION_OK;
    if (broken) {
        d->need_reset = true;
        return DB_CONN;
    }
    if (!state)
        return DB_ERROR;
    if (strncmp(state, "23", 2) == 0)
        return DB_CONSTRAINT;
    if (state_is(state, "40001") || state_is(state, "40P01") || state_is(state, "55P03") ||
        state_is(state, "57014"))
        return DB_BUSY;
    /* connection exceptions, server shutting down, and writes on a node that is (now) a
     * standby: the session is no good, reconnect so target_session_attrs finds the primary */
    if (strncmp(state, "08", 2) == 0 || state_is(state, "57P01") || state_is(state, "57P02") ||
        state_is(state, "57P03") || state_is(state, "25006")) {
        d->need_reset = true;
        return DB_CONN;
    }
    return DB_ERROR;
}

/* ---- connection ---- */

static void
notice_drop(void *arg, const char *msg)
{
    (void)arg;
    log_debug("postgresql: %s", msg);
}

static void cache_forget_all(struct pg_db *d);

/* Session settings every connection needs; re-applied after each reset (client_encoding is a
 * connection keyword, see db_pg_open). extra_float_digits=1 makes float8 text output exact
 * whatever the server's configuration says, so doubles round-trip bit for bit. */
static int
session_setup(struct pg_db *d)
{
    PQsetNoticeProcessor(d->c, notice_drop, NULL);
    PGresult *r = PQexec(d->c, "SET TimeZone = 'UTC'; SET statement_timeout = '30s';"
                               "SET client_min_messages = warning; SET DateStyle = 'ISO, YMD';"
                               "SET extra_float_digits = 1");
    int rc = DB_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = fail_res(d, r);
    PQclear(r);
    return rc;
}

/* Called before every statement: one reset attempt when the connection broke, but never inside
 * a transaction (its work is gone; the caller must see the failure and roll back). */
static int
ensure_conn(struct pg_db *d)
{
    if (!d->need_reset && PQstatus(d->c) == CONNECTION_OK)
        return DB_OK;
    if (d->base.in_tx) {
        set_msg(d, "connection to the database lost during a transaction");
        return DB_CONN;
    }
    cache_forget_all(d);
    PQreset(d->c);
    if (PQstatus(d->c) != CONNECTION_OK) {
        set_msg(d, PQerrorMessage(d->c));
        d->need_reset = true;
        return DB_CONN;
    }
    d->need_reset = false;
    int rc = session_setup(d);
    if (rc != DB_OK) {
        d->need_reset = true;
        return DB_CONN;
    }
    log_info("postgresql: reconnected");
    return DB_OK;
}

/* ---- prepared statement cache ---- */

static unsigned long
hash_sql(const char *s)
{
    unsigned long h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

/* Server-side statements died with the old session: drop the local entries only. */
static void
cache_forget_all(struct pg_db *d)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        free(d->cache[i].sql);
        d->cache[i].sql = NULL;
    }
    d->nstale = 0;
}

/* DEALLOCATE only between transactions: inside one it would abort the caller's work if it
 * failed (the statement may already be gone), and an aborted transaction refuses it. Evicted
 * names wait in d->stale until then. */
static void
deallocate(struct pg_db *d, const char *name)
{
    if (d->nstale == d->capstale) {
        d->capstale = d->capstale ? d->capstale * 2 : 16;
        d->stale = xrealloc(d->stale, (size_t)d->capstale * sizeof(*d->stale));
    }
    snprintf(d->stale[d->nstale++], sizeof(d->stale[0]), "%s", name);
}

static void
flush_stale(struct pg_db *d)
{
    if (d->nstale == 0 || PQstatus(d->c) != CONNECTION_OK ||
        PQtransactionStatus(d->c) != PQTRANS_IDLE)
        return;
    for (int i = 0; i < d->nstale; i++) {
        char sql[48];
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", d->stale[i]);
        PQclear(PQexec(d->c, sql)); /* failure only means it is gone already */
    }
    d->nstale = 0;
}

static void
cache_drop(struct pg_db *d, struct pg_stmt *s)
{
    deallocate(d, s->name);
    free(s->sql);
    s->sql = NULL;
}

static struct pg_stmt *
cache_find(struct pg_db *d, const char *sql, unsigned long h)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        struct pg_stmt *s = &d->cache[i];
        if (s->sql && s->hash == h && strcmp(s->sql, sql) == 0) {
            s->last_use = ++d->tick;
            return s;
        }
    }
    return NULL;
}

/* Finds or prepares the statement for sql. */
static int
prepare(struct pg_db *d, const char *sql, struct pg_stmt **out)
{
    unsigned long h = hash_sql(sql);
    *out = cache_find(d, sql, h);
    if (*out)
        return DB_OK;
    struct pg_stmt *victim = &d->cache[0];
    for (int i = 0; i < STMT_CACHE; i++) {
        struct pg_stmt *s = &d->cache[i];
        if (!s->sql) {
            victim = s;
            break;
        }
        if (s->last_use < victim->last_use)
            victim = s;
    }
    if (victim->sql)
        cache_drop(d, victim);
    flush_stale(d);
    char name[24];
    snprintf(name, sizeof(name), "mado_%llu", ++d->next_name);
    PGresult *r = PQprepare(d->c, name, sql, 0, NULL);
    int rc = DB_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = fail_res(d, r);
    PQclear(r);
    if (rc != DB_OK)
        return rc;
    memcpy(victim->name, name, sizeof(name));
    victim->sql = xstrdup(sql);
    victim->hash = h;
    victim->last_use = ++d->tick;
    *out = victim;
    return DB_OK;
}

/* ---- parameters ---- */

static void
args_release(struct pg_args *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->owned[i]);
    if (a->values != a->values_in) {
        free(a->values);
        free(a->lengths);
        free(a->formats);
        free(a->num);
        free(a->owned);
    }
}

/* Ints and reals travel as text (the server converts to whatever type it inferred), TEXT as
 * text (jsonb's binary input would want a version byte), BLOB as binary (no escaping). */
static int
args_build(struct pg_db *d, struct pg_args *a, const struct db_param *p, int n)
{
    a->n = 0;
    if (n <= INLINE_PARAMS) {
        a->values = a->values_in;
        a->lengths = a->lengths_in;
        a->formats = a->formats_in;
        a->num = a->num_in;
        a->owned = a->owned_in;
    } else {
        a->values = xcalloc((size_t)n, sizeof(*a->values));
        a->lengths = xcalloc((size_t)n, sizeof(*a->lengths));
        a->formats = xcalloc((size_t)n, sizeof(*a->formats));
        a->num = xcalloc((size_t)n, sizeof(*a->num));
        a->owned = xcalloc((size_t)n, sizeof(*a->owned));
    }
    for (int i = 0; i < n; i++) {
        a->owned[i] = NULL;
        a->lengths[i] = 0;
        a->formats[i] = 0;
        a->n = i + 1;
        switch (p[i].type) {
        case DB_T_NULL:
            a->values[i] = NULL;
            break;
        case DB_T_INT:
            snprintf(a->num[i], sizeof(a->num[i]), "%lld", (long long)p[i].i);
            a->values[i] = a->num[i];
            break;
        case DB_T_REAL:
            /* %.17g round-trips every double; PostgreSQL spells the specials its own way */
            if (p[i].r != p[i].r)
                snprintf(a->num[i], sizeof(a->num[i]), "NaN");
            else if (p[i].r > 1.7976931348623157e308)
                snprintf(a->num[i], sizeof(a->num[i]), "Infinity");
            else if (p[i].r < -1.7976931348623157e308)
                snprintf(a->num[i], sizeof(a->num[i]), "-Infinity");
            else
                snprintf(a->num[i], sizeof(a->num[i]), "%.17g", p[i].r);
            a->values[i] = a->num[i];
            break;
        case DB_T_TEXT:
            if (!p[i].p) {
                a->values[i] = NULL;
            } else if (p[i].n == 0) {
                a->values[i] = p[i].p;
            } else {
                /* text format needs a terminator; PostgreSQL text cannot hold NUL bytes */
                if (memchr(p[i].p, '\0', p[i].n)) {
                    snprintf(d->base.errmsg, sizeof(d->base.errmsg),
                             "parameter $%d: text contains a NUL byte", i + 1);
                    return DB_ERROR;
                }
                a->owned[i] = xmalloc(p[i].n + 1);
                memcpy(a->owned[i], p[i].p, p[i].n);
                a->owned[i][p[i].n] = '\0';
                a->values[i] = a->owned[i];
            }
            break;
        case DB_T_BLOB:
            if (p[i].n > (size_t)0x7fffffff) {
                snprintf(d->base.errmsg, sizeof(d->base.errmsg), "parameter $%d: blob too large",
                         i + 1);
                return DB_ERROR;
            }
            /* a NULL value pointer would mean SQL NULL: an empty blob needs a real pointer */
            a->values[i] = p[i].p ? p[i].p : "";
            a->lengths[i] = (int)p[i].n;
            a->formats[i] = 1;
            break;
        default:
            snprintf(d->base.errmsg, sizeof(d->base.errmsg), "parameter $%d: bad type", i + 1);
            return DB_ERROR;
        }
    }
    return DB_OK;
}

/* ---- statements ---- */

/* The cached statement vanished server-side (DEALLOCATE ALL / DISCARD ALL in a script) or its
 * result shape changed with the schema: worth one fresh prepare, but only outside a transaction
 * since the failure has aborted any transaction in progress. */
static bool
is_stale_stmt(const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    return state_is(state, "26000") ||
           (state_is(state, "0A000") && msg && strstr(msg, "cached plan must not change"));
}

/* Runs sql; on success *out is a COMMAND_OK or TUPLES_OK result the caller PQclear()s. */
static int
run(struct pg_db *d, const char *sql, const struct db_param *p, int n, PGresult **out)
{
    struct pg_args a;
    *out = NULL;
    int rc = ensure_conn(d);
    if (rc != DB_OK)
        return rc;
    rc = args_build(d, &a, p, n);
    if (rc != DB_OK)
        goto done;
    for (int attempt = 0;; attempt++) {
        struct pg_stmt *s = NULL;
        rc = prepare(d, sql, &s);
        if (rc != DB_OK)
            goto done;
        PGresult *r =
            PQexecPrepared(d->c, s->name, n, a.values, a.lengths, a.formats, 0 /* text */);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            *out = r;
            rc = DB_OK;
            goto done;
        }
        bool retry = r && is_stale_stmt(r);
        if (retry)
            cache_drop(d, s);
        if (retry && attempt == 0 && PQtransactionStatus(d->c) == PQTRANS_IDLE) {
            PQclear(r);
            continue;
        }
        rc = fail_res(d, r);
        PQclear(r);
        goto done;
    }
done:
    args_release(&a);
    return rc;
}

static int
pg_exec(struct db *db, const char *sql, const struct db_param *p, int n, int64_t *changes)
{
    struct pg_db *d = (struct pg_db *)db;
    PGresult *r = NULL;
    int rc = run(d, sql, p, n, &r);
    if (changes)
        *changes = rc == DB_OK ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
    PQclear(r);
    return rc;
}

static int
simple(struct pg_db *d, const char *sql)
{
    int rc = ensure_conn(d);
    if (rc != DB_OK)
        return rc;
    PGresult *r = PQexec(d->c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
        rc = DB_OK;
    else
        rc = fail_res(d, r);
    PQclear(r);
    return rc;
}

static int
pg_exec_script(struct db *db, const char *sql)
{
    return simple((struct pg_db *)db, sql);
}

static int
pg_query(struct db *db, const char *sql, const struct db_param *p, int n, struct db_res **out)
{
    struct pg_db *d = (struct pg_db *)db;
    PGresult *r = NULL;
    *out = NULL;
    int rc = run(d, sql, p, n, &r);
    if (rc != DB_OK)
        return rc;
    struct pg_res *res = xcalloc(1, sizeof(*res));
    res->base.ops = &pg_ops;
    res->db = d;
    res->r = r;
    res->row = -1;
    res->nrows = PQntuples(r);
    res->ncols = PQnfields(r);
    *out = &res->base;
    return DB_OK;
}

/* ---- results ---- */

static void
clear_blobs(struct pg_res *r)
{
    if (!r->blob)
        return;
    for (int i = 0; i < r->ncols; i++) {
        free(r->blob[i]);
        r->blob[i] = NULL;
    }
}

static int
pg_step(struct db_res *res)
{
    struct pg_res *r = (struct pg_res *)res;
    clear_blobs(r);
    if (r->row < r->nrows)
        r->row++;
    return r->row < r->nrows ? 1 : 0;
}

static int
pg_ncols(struct db_res *res)
{
    return ((struct pg_res *)res)->ncols;
}

static bool
valid(const struct pg_res *r, int c)
{
    return r->row >= 0 && r->row < r->nrows && c >= 0 && c < r->ncols;
}

static bool
pg_col_null(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    return !valid(r, c) || PQgetisnull(r->r, r->row, c);
}

/* bytea arrives hex-escaped in text format: unescape once per row and column. */
static const unsigned char *
bytea_value(struct pg_res *r, int c, size_t *len)
{
    if (!r->blob) {
        r->blob = xcalloc((size_t)r->ncols, sizeof(*r->blob));
        r->bloblen = xcalloc((size_t)r->ncols, sizeof(*r->bloblen));
    }
    if (!r->blob[c]) {
        size_t n = 0;
        unsigned char *u = PQunescapeBytea((const unsigned char *)PQgetvalue(r->r, r->row, c), &n);
        if (!u)
            abort(); /* out of memory: same policy as xmalloc */
        r->blob[c] = xmalloc(n + 1);
        memcpy(r->blob[c], u, n);
        r->blob[c][n] = '\0';
        r->bloblen[c] = n;
        PQfreemem(u);
    }
    *len = r->bloblen[c];
    return r->blob[c];
}

static bool
is_bytea(const struct pg_res *r, int c)
{
    return PQftype(r->r, c) == BYTEAOID;
}

static int64_t
pg_col_int(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    if (pg_col_null(res, c))
        return 0;
    const char *v = PQgetvalue(r->r, r->row, c);
    /* booleans come back as "t"/"f"; SQLite hands out 1/0 for the same expressions */
    if (PQftype(r->r, c) == BOOLOID)
        return v[0] == 't';
    char *end = NULL;
    long long x = strtoll(v, &end, 10);
    /* numeric/float text such as "2.5" or "1e3": go through double like SQLite does */
    if (end && (*end == '.' || *end == 'e' || *end == 'E')) {
        double f = strtod(v, NULL);
        if (f != f)
            return 0;
        if (f >= 9223372036854775807.0)
            return INT64_MAX;
        if (f <= -9223372036854775808.0)
            return INT64_MIN;
        return (int64_t)f;
    }
    return x;
}

static double
pg_col_real(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    if (pg_col_null(res, c))
        return 0.0;
    const char *v = PQgetvalue(r->r, r->row, c);
    if (PQftype(r->r, c) == BOOLOID)
        return v[0] == 't' ? 1.0 : 0.0;
    return strtod(v, NULL);
}

static const char *
pg_col_text(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    if (pg_col_null(res, c))
        return "";
    if (PQftype(r->r, c) == BOOLOID)
        return PQgetvalue(r->r, r->row, c)[0] == 't' ? "1" : "0";
    if (is_bytea(r, c)) {
        size_t n;
        return (const char *)bytea_value(r, c, &n);
    }
    return PQgetvalue(r->r, r->row, c);
}

static size_t
pg_col_len(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    if (pg_col_null(res, c))
        return 0;
    if (is_bytea(r, c)) {
        size_t n;
        bytea_value(r, c, &n);
        return n;
    }
    return (size_t)PQgetlength(r->r, r->row, c);
}

static const void *
pg_col_blob(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    if (pg_col_null(res, c))
        return NULL;
    if (is_bytea(r, c)) {
        size_t n;
        return bytea_value(r, c, &n);
    }
    return PQgetvalue(r->r, r->row, c);
}

static enum db_type
pg_col_type(struct db_res *res, int c)
{
    struct pg_res *r = (struct pg_res *)res;
    if (pg_col_null(res, c))
        return DB_T_NULL;
    switch (PQftype(r->r, c)) {
    case BOOLOID:
    case 20:  /* int8 */
    case 21:  /* int2 */
    case 23:  /* int4 */
    case 26:  /* oid */
        return DB_T_INT;
    case 700:  /* float4 */
    case 701:  /* float8 */
    case 1700: /* numeric */
        return DB_T_REAL;
    case BYTEAOID: return DB_T_BLOB;
    default: return DB_T_TEXT;
    }
}

static void
pg_res_free(struct db_res *res)
{
    struct pg_res *r = (struct pg_res *)res;
    clear_blobs(r);
    free(r->blob);
    free(r->bloblen);
    PQclear(r->r);
    free(r);
}

/* ---- transactions ---- */

static int
pg_begin(struct db *db, bool write)
{
    (void)write; /* MVCC: no up-front write lock needed */
    return simple((struct pg_db *)db, "BEGIN");
}

static int
pg_commit(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    if (PQstatus(d->c) != CONNECTION_OK || d->need_reset) {
        set_msg(d, "connection to the database lost during a transaction");
        d->need_reset = true;
        return DB_CONN;
    }
    PGresult *r = PQexec(d->c, "COMMIT");
    int rc = DB_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        rc = fail_res(d, r);
    } else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
        /* COMMIT of a transaction an earlier error aborted "succeeds" as a rollback */
        set_msg(d, "transaction was aborted by an earlier error and has been rolled back");
        rc = DB_ERROR;
    }
    PQclear(r);
    if (PQstatus(d->c) == CONNECTION_OK && PQtransactionStatus(d->c) != PQTRANS_IDLE)
        PQclear(PQexec(d->c, "ROLLBACK"));
    flush_stale(d);
    return rc;
}

static int
pg_rollback(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    if (PQstatus(d->c) != CONNECTION_OK || d->need_reset) {
        /* nothing to roll back on a dead session; the next call outside a transaction
         * reconnects */
        d->need_reset = true;
        return DB_CONN;
    }
    char keep[sizeof(d->base.errmsg)];
    memcpy(keep, d->base.errmsg, sizeof(keep));
    PGresult *r = PQexec(d->c, "ROLLBACK");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? DB_OK : fail_res(d, r);
    PQclear(r);
    /* keep the message of the failure that made the caller roll back */
    if (rc == DB_OK)
        memcpy(d->base.errmsg, keep, sizeof(keep));
    flush_stale(d);
    return rc;
}

/* ---- lifecycle ---- */

static void
pg_close(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    cache_forget_all(d);
    free(d->stale);
    PQfinish(d->c);
    free(d);
}

static const struct db_ops pg_ops = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
    .query = pg_query,
    .step = pg_step,
    .ncols = pg_ncols,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
    .col_len = pg_col_len,
    .col_blob = pg_col_blob,
    .col_type = pg_col_type,
    .res_free = pg_res_free,
};

int
db_pg_open(const char *conninfo, struct db **out, char **errmsg)
{
    *out = NULL;
    struct pg_db *d = xcalloc(1, sizeof(*d));
    d->base.ops = &pg_ops;
    d->base.kind = DB_PG;
    /* Defaults first, then the caller's string (expanded from "dbname"): its values win.
     * The timeouts bound how long a worker hangs on a dead host during failover. Last the
     * encoding we need, which nobody may override. */
    const char *const keys[] = { "connect_timeout",           "keepalives_idle",
                                 "keepalives_interval",       "keepalives_count",
                                 "fallback_application_name", "dbname",
                                 "client_encoding",           NULL };
    const char *const vals[] = { "5", "30", "10", "3", "madoguchi", conninfo, "UTF8", NULL };
    d->c = PQconnectdbParams(keys, vals, 1);
    if (!d->c) {
        if (errmsg)
            *errmsg = xstrdup("out of memory");
        free(d);
        return DB_ERROR;
    }
    if (PQstatus(d->c) != CONNECTION_OK) {
        set_msg(d, PQerrorMessage(d->c));
        goto fail;
    }
    if (session_setup(d) != DB_OK)
        goto fail;
    *out = &d->base;
    return DB_OK;
fail:
    if (errmsg)
        *errmsg = xstrdup(d->base.errmsg);
    pg_close(&d->base);
    return DB_CONN;
}
