/* Schema migrations: numbered, forward-only, one dialect file per backend, compiled in
 * (build/gen/migrations.c is generated from src/db/migrations/ by the Makefile). All pending
 * migrations run in one transaction together with the schema_version update. */
#include "db.h"

#include "../core/arena.h"

#include <stdio.h>
#include <string.h>

struct migration {
    int version;
    const char *name;
    const char *sqlite;
    const char *pg;
};

extern const struct migration db_migrations[];
extern const int db_migrations_count;

static const char *create_version =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

int
db_schema_version(struct db *db, int *version)
{
    int64_t v = 0;
    bool found = false;
    *version = 0;
    int rc = db_exec(db, create_version, NULL, 0, NULL);
    if (rc != DB_OK)
        return rc;
    rc = db_query_int(db, "SELECT MAX(version) FROM schema_version", NULL, 0, &v, &found);
    if (rc == DB_OK && found)
        *version = (int)v;
    return rc;
}

int
db_schema_latest(void)
{
    int v = 0;
    for (int i = 0; i < db_migrations_count; i++)
        if (db_migrations[i].version > v)
            v = db_migrations[i].version;
    return v;
}

static char *
dup_err(struct db *db, const char *what)
{
    char buf[800];
    snprintf(buf, sizeof(buf), "%s: %s", what, db_errmsg(db));
    return xstrdup(buf);
}

int
db_migrate(struct db *db, char **errmsg)
{
    int cur, rc;
    rc = db_begin(db, true);
    if (rc != DB_OK)
        goto fail;
    if (db_kind(db) == DB_PG) {
        /* several nodes may start at once: only one migrates, the others wait for it
         * (without the 30 s statement timeout of ordinary work) */
        rc = db_exec(db, "SET LOCAL statement_timeout = 0", NULL, 0, NULL);
        if (rc == DB_OK)
            rc = db_exec(db, "SELECT pg_advisory_xact_lock(4242001)", NULL, 0, NULL);
        if (rc != DB_OK)
            goto fail;
    }
    rc = db_schema_version(db, &cur);
    if (rc != DB_OK)
        goto fail;
    for (int i = 0; i < db_migrations_count; i++) {
        const struct migration *m = &db_migrations[i];
        if (m->version <= cur)
            continue;
        rc = db_exec_script(db, db_kind(db) == DB_PG ? m->pg : m->sqlite);
        if (rc != DB_OK) {
            if (errmsg)
                *errmsg = dup_err(db, m->name);
            db_rollback(db);
            return rc;
        }
        struct db_param p[] = { DBP_INT(m->version) };
        rc = db_exec(db, "INSERT INTO schema_version (version) VALUES ($1)", p, 1, NULL);
        if (rc != DB_OK)
            goto fail;
    }
    rc = db_commit(db);
    if (rc != DB_OK)
        goto fail;
    return DB_OK;
fail:
    if (errmsg && !*errmsg)
        *errmsg = dup_err(db, "migrate");
    db_rollback(db);
    return rc;
}
