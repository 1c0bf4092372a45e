/* All SQL of the calendar module. */
#ifndef MADO_CALENDAR_SQL_H
#define MADO_CALENDAR_SQL_H

#define CAL_SQL_STAMP "SELECT stamp FROM calendar_rev WHERE id = 1"
#define CAL_SQL_BUMP "UPDATE calendar_rev SET stamp = $1 WHERE id = 1"
#define CAL_SQL_ALL "SELECT date, open, name FROM calendar_days ORDER BY date"
#define CAL_SQL_UPSERT                                                                             \
    "INSERT INTO calendar_days (date, open, name, modifier, modified_at) "                        \
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (date) DO UPDATE SET open = excluded.open, "         \
    "name = excluded.name, modifier = excluded.modifier, modified_at = excluded.modified_at"
#define CAL_SQL_DELETE "DELETE FROM calendar_days WHERE date = $1"

#endif
