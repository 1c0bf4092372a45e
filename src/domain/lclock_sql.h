/* All SQL of the legal clock (columns of records added by migration 0009). */
#ifndef MADO_LCLOCK_SQL_H
#define MADO_LCLOCK_SQL_H

#define LCLOCK_COLS                                                                                \
    "clock_state, clock_start, clock_since, clock_used, clock_paused, clock_limit, clock_due, "   \
    "clock_days, clock_asof"
#define LCLOCK_SQL_GET                                                                             \
    "SELECT " LCLOCK_COLS " FROM records WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define LCLOCK_SQL_SET                                                                             \
    "UPDATE records SET clock_state = $3, clock_start = $4, clock_since = $5, clock_used = $6, "  \
    "clock_paused = $7, clock_limit = $8, clock_due = $9, clock_days = $10, clock_asof = $11 "    \
    "WHERE app_id = $1 AND id = $2"
/* what the daily refresh walks (index records_clock_open) */
#define LCLOCK_SQL_OPEN                                                                            \
    "SELECT app_id, id, " LCLOCK_COLS " FROM records "                                            \
    "WHERE clock_state IN ('running', 'paused') AND deleted_at IS NULL ORDER BY app_id, id"
#define LCLOCK_SQL_REFRESH                                                                         \
    "UPDATE records SET clock_due = $3, clock_days = $4, clock_asof = $5 "                        \
    "WHERE app_id = $1 AND id = $2"

#endif
