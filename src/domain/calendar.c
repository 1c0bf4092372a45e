/* The stored calendar; see calendar.h. */
#include "calendar.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/calendar_sql.h"
#include "sec/sec.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One immutable copy of the overrides; requests hold a reference while they use it. */
struct snap {
    atomic_int refs;
    int64_t stamp;
    size_t n;
    struct bizcal_override *over;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct snap *cached;

static void
snap_release(void *p)
{
    struct snap *s = p;
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (size_t i = 0; i < s->n; i++)
        free((char *)s->over[i].name);
    free(s->over);
    free(s);
}

void
calendar_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    struct snap *old = cached;
    cached = NULL;
    pthread_mutex_unlock(&cache_mu);
    snap_release(old);
}

static enum err
read_stamp(struct ctx *c, int64_t *stamp)
{
    bool found = false;
    int rc = db_query_int(c->db, CAL_SQL_STAMP, NULL, 0, stamp, &found);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    if (!found)
        *stamp = 0;
    return ERR_OK;
}

/* Reads every override (the stamp was read before, so the rows are at least that new: a copy
 * labelled with an older stamp is only re-read once more). */
static enum err
read_snap(struct ctx *c, int64_t stamp, struct snap **out)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, CAL_SQL_ALL, NULL, 0, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    struct snap *s = xcalloc(1, sizeof(*s));
    size_t cap = 0;
    atomic_init(&s->refs, 1);
    s->stamp = stamp;
    while ((rc = db_step(res)) == 1) {
        int y, m, d;
        if (!clock_parse_date(db_col_text(res, 0), &y, &m, &d))
            continue; /* written only through calendar_set, which checks */
        if (s->n == cap) {
            cap = cap ? cap * 2 : 16;
            s->over = xrealloc(s->over, cap * sizeof(*s->over));
        }
        struct bizcal_override *o = &s->over[s->n++];
        o->day = clock_days_from_civil(y, m, d);
        o->open = db_col_int(res, 1) != 0;
        o->name = xstrdup(db_col_text(res, 2));
    }
    db_res_free(res);
    if (rc < 0) {
        snap_release(s);
        return app_db_fail(c, rc);
    }
    *out = s; /* 'YYYY-MM-DD' text order is date order */
    return ERR_OK;
}

enum err
calendar_load(struct ctx *c, struct bizcal *out)
{
    int64_t stamp;
    struct snap *s = NULL;
    enum err e = read_stamp(c, &stamp);
    if (e != ERR_OK)
        return e;
    pthread_mutex_lock(&cache_mu);
    if (cached && cached->stamp == stamp) {
        s = cached;
        atomic_fetch_add(&s->refs, 1);
    }
    pthread_mutex_unlock(&cache_mu);
    if (!s) {
        e = read_snap(c, stamp, &s);
        if (e != ERR_OK)
            return e;
        atomic_fetch_add(&s->refs, 1); /* one for the cache, one for this request */
        pthread_mutex_lock(&cache_mu);
        struct snap *old = cached;
        cached = s;
        pthread_mutex_unlock(&cache_mu);
        snap_release(old);
    }
    arena_defer(c->arena, snap_release, s);
    out->over = s->over;
    out->n = s->n;
    return ERR_OK;
}

enum err
calendar_list(struct ctx *c, int64_t from, int64_t to, json_t **out)
{
    struct bizcal cal;
    enum err e = calendar_load(c, &cal);
    if (e != ERR_OK)
        return e;
    json_t *days = json_array();
    for (int64_t day = from; day <= to; day++) {
        const struct bizcal_override *o = bizcal_find(&cal, day);
        const char *name = bizcal_name(&cal, day);
        if (!o && !name)
            continue;
        char date[16];
        clock_format_date(day, date);
        json_array_append_new(days, json_pack("{s:s, s:s, s:b, s:s}", "date", date, "name",
                                              name ? name : "", "open",
                                              o ? o->open : bizcal_is_open(&cal, day), "source",
                                              o ? "override" : "builtin"));
    }
    *out = days;
    return ERR_OK;
}

/* A new random stamp: a change rolled back leaves no stamp that a later change could repeat. */
static enum err
bump(struct ctx *c)
{
    int64_t stamp = 0;
    while (!stamp) {
        sec_random(&stamp, sizeof(stamp));
        stamp &= INT64_MAX;
    }
    struct db_param p[] = { DBP_INT(stamp) };
    int rc = db_exec(c->db, CAL_SQL_BUMP, p, 1, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
calendar_set(struct ctx *c, int64_t day, bool open, const char *name)
{
    char date[16];
    clock_format_date(day, date);
    struct db_param p[] = { DBP_TEXT(date), DBP_INT(open ? 1 : 0), DBP_TEXT(name ? name : ""),
                            DBP_TEXT(c->who.login ? c->who.login : "system"), DBP_INT(c->now) };
    int rc = db_exec(c->db, CAL_SQL_UPSERT, p, 5, NULL);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    return bump(c);
}

enum err
calendar_unset(struct ctx *c, int64_t day, bool *found)
{
    char date[16];
    clock_format_date(day, date);
    struct db_param p[] = { DBP_TEXT(date) };
    int64_t changes = 0;
    int rc = db_exec(c->db, CAL_SQL_DELETE, p, 1, &changes);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    *found = changes > 0;
    return *found ? bump(c) : ERR_OK;
}
