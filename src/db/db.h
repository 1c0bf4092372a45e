/* db: one small API over two backends, SQLite (default, WAL) and PostgreSQL (libpq).
 * A struct db is one connection and is NOT thread-safe: each worker thread owns one.
 * SQL is written once with PostgreSQL placeholders ($1, $2...); the SQLite backend rewrites
 * them to ?1, ?2 (SQLite would otherwise number "$N" by first appearance). Where the dialects
 * differ, callers pick a string with db_kind(). Only src/db/ includes sqlite3.h / libpq-fe.h. */
#ifndef MADO_DB_H
#define MADO_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_res;

enum db_kind { DB_SQLITE, DB_PG };

enum db_rc {
    DB_OK = 0,
    DB_ERROR = -1,      /* anything else; message in db_errmsg() */
    DB_CONSTRAINT = -2, /* unique / foreign key / check violation */
    DB_BUSY = -3,       /* lock timeout, serialization failure: retry the transaction */
    DB_CONN = -4,       /* connection lost */
};

enum db_type { DB_T_NULL, DB_T_INT, DB_T_REAL, DB_T_TEXT, DB_T_BLOB };

struct db_param {
    enum db_type type;
    int64_t i;
    double r;
    const void *p; /* TEXT (NUL-terminated unless n set) or BLOB */
    size_t n;      /* byte length; for TEXT 0 means strlen(p) */
};

#define DBP_NULL ((struct db_param){ .type = DB_T_NULL })
#define DBP_INT(v) ((struct db_param){ .type = DB_T_INT, .i = (int64_t)(v) })
#define DBP_REAL(v) ((struct db_param){ .type = DB_T_REAL, .r = (double)(v) })
static inline struct db_param
dbp_text(const char *s)
{
    struct db_param p = { .type = s ? DB_T_TEXT : DB_T_NULL, .p = s };
    return p;
}
#define DBP_TEXT(s) dbp_text(s)
#define DBP_TEXTN(s, len) ((struct db_param){ .type = DB_T_TEXT, .p = (s), .n = (len) })
#define DBP_BLOB(b, len) ((struct db_param){ .type = DB_T_BLOB, .p = (b), .n = (len) })

/* url: "postgresql://..." / "postgres://..." / "host=... dbname=..." → PostgreSQL;
 * anything else is a SQLite file path (":memory:" allowed). On failure *errmsg is a malloc'd
 * message the caller frees. */
int db_open(const char *url, struct db **out, char **errmsg);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_errmsg(const struct db *db);

/* Transactions. write=true takes the write lock up front (SQLite BEGIN IMMEDIATE, serialised
 * in-process so writers queue instead of spinning on SQLITE_BUSY). Nesting is not supported. */
int db_begin(struct db *db, bool write);
int db_commit(struct db *db);
int db_rollback(struct db *db);
bool db_in_tx(const struct db *db);

/* Runs a statement without rows (or ignores them). *changes (may be NULL) = rows affected. */
int db_exec(struct db *db, const char *sql, const struct db_param *params, int nparams,
            int64_t *changes);
/* Runs several ;-separated statements without parameters (migrations). */
int db_exec_script(struct db *db, const char *sql);

/* Runs a query; iterate with db_step() (1 = row, 0 = done, <0 = enum db_rc), then db_res_free().
 * Column values stay valid until the next db_step()/db_res_free(). */
int db_query(struct db *db, const char *sql, const struct db_param *params, int nparams,
             struct db_res **out);
int db_step(struct db_res *res);
int db_ncols(struct db_res *res);
bool db_col_null(struct db_res *res, int col);
int64_t db_col_int(struct db_res *res, int col);
double db_col_real(struct db_res *res, int col);
const char *db_col_text(struct db_res *res, int col); /* never NULL: "" for NULL */
size_t db_col_len(struct db_res *res, int col);
const void *db_col_blob(struct db_res *res, int col);
/* Storage class of a column in the current row, for code that copies rows generically
 * (snapshots): SQLite's dynamic type; PostgreSQL's column type (int2/4/8, oid, bool → INT,
 * float4/8, numeric → REAL, bytea → BLOB, anything else TEXT), DB_T_NULL for NULL. */
enum db_type db_col_type(struct db_res *res, int col);
void db_res_free(struct db_res *res);

/* Convenience: first column of the first row as integer. DB_OK and *found=false when no row. */
int db_query_int(struct db *db, const char *sql, const struct db_param *params, int nparams,
                 int64_t *out, bool *found);

/* Backend-internal vtable; each backend file provides one. */
struct db_ops {
    void (*close)(struct db *);
    int (*begin)(struct db *, bool write);
    int (*commit)(struct db *);
    int (*rollback)(struct db *);
    int (*exec)(struct db *, const char *, const struct db_param *, int, int64_t *);
    int (*exec_script)(struct db *, const char *);
    int (*query)(struct db *, const char *, const struct db_param *, int, struct db_res **);
    int (*step)(struct db_res *);
    int (*ncols)(struct db_res *);
    bool (*col_null)(struct db_res *, int);
    int64_t (*col_int)(struct db_res *, int);
    double (*col_real)(struct db_res *, int);
    const char *(*col_text)(struct db_res *, int);
    size_t (*col_len)(struct db_res *, int);
    const void *(*col_blob)(struct db_res *, int);
    enum db_type (*col_type)(struct db_res *, int);
    void (*res_free)(struct db_res *);
};

/* Common head of every backend's connection and result struct. */
struct db {
    const struct db_ops *ops;
    enum db_kind kind;
    bool in_tx;
    char errmsg[512];
};

struct db_res {
    const struct db_ops *ops;
};

int db_sqlite_open(const char *path, struct db **out, char **errmsg);
int db_pg_open(const char *conninfo, struct db **out, char **errmsg);

/* Background upkeep, called periodically by one housekeeping thread: SQLite checkpoints the
 * WAL passively (so the writers' own checkpoints, every 1,000 pages, find little to copy) and
 * refreshes planner statistics; PostgreSQL does nothing (autovacuum). */
int db_maintain(struct db *db, bool optimize);

/* Frees what the connection caches (SQLite page cache); call from the owning thread when idle. */
void db_release_memory(struct db *db);

/* Migrations (migrate.c): applies every migration newer than schema_version, in one transaction. */
int db_migrate(struct db *db, char **errmsg);
int db_schema_version(struct db *db, int *version);
/* The newest migration this binary carries. */
int db_schema_latest(void);

#endif
