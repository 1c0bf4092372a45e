/* PostgreSQL backend (placeholder until the libpq backend lands). */
#include "db.h"

#include "../core/arena.h"

int
db_pg_open(const char *conninfo, struct db **out, char **errmsg)
{
    (void)conninfo;
    *out = NULL;
    if (errmsg)
        *errmsg = xstrdup("PostgreSQL backend not built");
    return DB_ERROR;
}
