/* SQL of ledger.c. */
#ifndef MADO_LEDGER_SQL_H
#define MADO_LEDGER_SQL_H

#define LEDGER_SQL_ROW                                                                             \
    "SELECT data, status, deleted_at FROM records WHERE app_id = $1 AND id = $2"
#define LEDGER_SQL_IDS "SELECT id FROM records WHERE app_id = $1 AND deleted_at IS NULL ORDER BY id"
#define LEDGER_SQL_SAVEPOINT "SAVEPOINT ledger_sync"
#define LEDGER_SQL_ROLLBACK_TO "ROLLBACK TO SAVEPOINT ledger_sync"
#define LEDGER_SQL_RELEASE "RELEASE SAVEPOINT ledger_sync"

#endif
