/* SQL of the export module: the records query of rec_query (REC_COLS plus the per-record
 * field-permission columns), without its 500-record limit. */
#ifndef MADO_EXPORT_SQL_H
#define MADO_EXPORT_SQL_H

/* columns, condition, order, limit, offset */
#define EXPORT_SQL_SELECT "SELECT %s FROM records r WHERE %s ORDER BY %s LIMIT %lld OFFSET %lld"

#endif
