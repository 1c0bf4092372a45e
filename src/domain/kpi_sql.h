/* All SQL of the dashboard figures (kpi.c). Each aggregate is "... FROM records r WHERE <w>"
 * where <w> is the compiled condition of the app (app id, live, office, record ACL) with its
 * parameters $1..$n; the parameters of the fragments below follow as $n+1, $n+2 ... (the
 * %d after each $, filled by kpi.c). Dates are 'YYYY-MM-DD' text, which sorts as dates on
 * both backends. */
#ifndef MADO_KPI_SQL_H
#define MADO_KPI_SQL_H

/* an app's office index (kpi.c): app id, hash of the definition, columns and condition */
#define KPI_SQL_OFFICE_INDEX "CREATE INDEX IF NOT EXISTS records_kpi_o%lld_%016llx ON records %s"
#define KPI_SQL_APPS "SELECT id FROM apps WHERE deleted_at IS NULL ORDER BY id"

/* received in [month start, today] and [fiscal year start, today] by the day of receipt */
#define KPI_SQL_RECEIVED_CLOCK                                                                     \
    "SELECT COALESCE(SUM(CASE WHEN r.clock_start >= $%d THEN 1 ELSE 0 END), 0), COUNT(*) "          \
    "FROM records r WHERE %s AND r.clock_start >= $%d AND r.clock_start <= $%d"
/* ... and by creation time (Unix seconds, [start, end)) for apps without a clock */
#define KPI_SQL_RECEIVED_CREATED                                                                   \
    "SELECT COALESCE(SUM(CASE WHEN r.created_at >= $%d THEN 1 ELSE 0 END), 0), COUNT(*) "           \
    "FROM records r WHERE %s AND r.created_at >= $%d AND r.created_at < $%d"
/* %s: the condition, then " AND (r.status IS NULL OR r.status NOT IN ($%d, ...))" or "" */
#define KPI_SQL_PENDING                                                                            \
    "SELECT r.status, COUNT(*) FROM records r WHERE %s "                                         \
    "AND (r.clock_state IS NULL OR r.clock_state <> 'stopped')%s "                               \
    "GROUP BY r.status ORDER BY r.status"
#define KPI_SQL_DECIDED                                                                            \
    "SELECT COUNT(*), COALESCE(SUM(r.clock_used), 0), "                                           \
    "COALESCE(SUM(CASE WHEN r.clock_used <= r.clock_limit THEN 1 ELSE 0 END), 0) "               \
    "FROM records r WHERE %s AND r.clock_state = 'stopped' "                                     \
    "AND r.clock_since >= $%d AND r.clock_since <= $%d"
/* the k-th smallest processing time (k from 0, a computed integer): the percentile rank */
#define KPI_SQL_RANK                                                                               \
    "SELECT r.clock_used FROM records r WHERE %s AND r.clock_state = 'stopped' "                 \
    "AND r.clock_since >= $%d AND r.clock_since <= $%d "                                             \
    "ORDER BY r.clock_used LIMIT 1 OFFSET %lld"
#define KPI_SQL_OVERDUE_COUNT                                                                      \
    "SELECT COUNT(*) FROM records r WHERE %s AND r.clock_state = 'running' AND r.clock_due < $%d"
#define KPI_SQL_OVERDUE_LIST                                                                       \
    "SELECT r.id, r.status, r.clock_due FROM records r WHERE %s AND r.clock_state = 'running' "   \
    "AND r.clock_due < $%d ORDER BY r.clock_due, r.id LIMIT %d"

#endif
