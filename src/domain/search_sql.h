/* search_sql: every statement on record_search. SQLite keys a record's rows by rowid range
 * (app_id << 42 | record_id << 10 | n) because FTS5 cannot index its UNINDEXED columns;
 * PostgreSQL has record_search_by_record. */
#ifndef MADO_SEARCH_SQL_H
#define MADO_SEARCH_SQL_H

/* $1 first rowid, $2 last rowid */
#define SEARCH_SQLITE_DELETE "DELETE FROM record_search WHERE rowid BETWEEN $1 AND $2"
/* $1 rowid, $2 body, $3 app_id, $4 record_id, $5 field */
#define SEARCH_SQLITE_INSERT                                                                     \
    "INSERT INTO record_search (rowid, body, app_id, record_id, field) VALUES ($1, $2, $3, $4, " \
    "$5)"

/* $1 app_id, $2 record_id */
#define SEARCH_PG_DELETE "DELETE FROM record_search WHERE app_id = $1 AND record_id = $2"
/* $1 app_id, $2 record_id, $3 field, $4 body */
#define SEARCH_PG_INSERT \
    "INSERT INTO record_search (app_id, record_id, field, body) VALUES ($1, $2, $3, $4)"

#endif
