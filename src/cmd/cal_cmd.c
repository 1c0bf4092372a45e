/* madoguchi calendar: the ward's calendar of open days from the command line (the same
 * overrides PUT /admin/api/calendar.json edits), and a refresh of the legal clocks for hosts
 * that prefer cron to the server's housekeeping. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/calendar.h"
#include "domain/event.h"
#include "domain/lclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
calendar_usage(FILE *out)
{
    fputs("usage: madoguchi calendar VERB [--data DIR] [--db URL] ...   (docs/admin.md)\n\n"
          "  list [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
          "      holidays, the year-end closure (12/29-1/3) and the ward's overrides in the\n"
          "      range (default: this year); weekends are closed and not listed\n"
          "  set YYYY-MM-DD --closed|--open [--name NAME]\n"
          "      an extra closed day (臨時閉庁日) or a holiday made an open day\n"
          "  unset YYYY-MM-DD\n"
          "      removes the override: the built-in rules apply again\n"
          "  refresh\n"
          "      brings due dates and days used of every running legal clock up to today\n"
          "      (set and unset do this too)\n\n"
          "Built in: Saturdays, Sundays, 国民の祝日 with 振替休日 and 国民の休日, 12/29-1/3.\n",
          out);
}

static bool
day_arg(const char *s, int64_t *out)
{
    int y, m, d;
    if (!s || !clock_parse_date(s, &y, &m, &d))
        return false;
    *out = clock_days_from_civil(y, m, d);
    return true;
}

struct cal_args {
    const char *verb, *date, *name, *from, *to;
    bool open, closed, json;
};

static bool
parse(int nrest, char **rest, struct cal_args *a)
{
    memset(a, 0, sizeof(*a));
    if (nrest < 1)
        return false;
    a->verb = rest[0];
    for (int i = 1; i < nrest; i++) {
        const char *s = rest[i];
        if (!strcmp(s, "--name") && i + 1 < nrest)
            a->name = rest[++i];
        else if (!strcmp(s, "--from") && i + 1 < nrest)
            a->from = rest[++i];
        else if (!strcmp(s, "--to") && i + 1 < nrest)
            a->to = rest[++i];
        else if (!strcmp(s, "--open"))
            a->open = true;
        else if (!strcmp(s, "--closed"))
            a->closed = true;
        else if (!strcmp(s, "--json"))
            a->json = true;
        else if (s[0] != '-' && !a->date)
            a->date = s;
        else
            return false;
    }
    return true;
}

static int
list(struct ctx *c, const struct cal_args *a)
{
    int y, m, d;
    clock_civil_from_days(lclock_day(c->now), &y, &m, &d);
    int64_t from = clock_days_from_civil(y, 1, 1), to = clock_days_from_civil(y, 12, 31);
    if ((a->from && !day_arg(a->from, &from)) || (a->to && !day_arg(a->to, &to)) || to < from ||
        to - from > 36600) {
        fputs("madoguchi calendar: --from/--to must be dates (YYYY-MM-DD), from <= to\n", stderr);
        return 2;
    }
    json_t *days = NULL;
    if (calendar_list(c, from, to, &days) != ERR_OK) {
        fprintf(stderr, "madoguchi calendar: %s\n", c->fail->message ? c->fail->message : "failed");
        return 1;
    }
    if (a->json) {
        char *s = json_dumps(days, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
    } else {
        static const char *const wd[] = { "日", "月", "火", "水", "木", "金", "土" };
        size_t i;
        json_t *v;
        json_array_foreach(days, i, v)
        {
            const char *date = json_string_value(json_object_get(v, "date"));
            int64_t day = 0;
            (void)day_arg(date, &day);
            printf("%s (%s)  %-6s  %-8s  %s\n", date, wd[clock_weekday(day)],
                   json_is_true(json_object_get(v, "open")) ? "open" : "closed",
                   json_string_value(json_object_get(v, "source")),
                   json_string_value(json_object_get(v, "name")));
        }
    }
    json_decref(days);
    return 0;
}

/* set / unset / refresh: one write transaction, clocks refreshed inside it. */
static int
change(struct ctx *c, const struct cal_args *a)
{
    int64_t day = 0;
    bool is_set = !strcmp(a->verb, "set"), is_unset = !strcmp(a->verb, "unset");
    if ((is_set || is_unset) && !day_arg(a->date, &day)) {
        fputs("madoguchi calendar: a date (YYYY-MM-DD) is required\n", stderr);
        return 2;
    }
    if (is_set && a->open == a->closed) {
        fputs("madoguchi calendar set: give exactly one of --open and --closed\n", stderr);
        return 2;
    }
    if (db_begin(c->db, true) != DB_OK) {
        fprintf(stderr, "madoguchi calendar: %s\n", db_errmsg(c->db));
        return 1;
    }
    bool found = true;
    enum err e = ERR_OK;
    if (is_set)
        e = calendar_set(c, day, a->open, a->name);
    else if (is_unset)
        e = calendar_unset(c, day, &found);
    if (e == ERR_OK)
        e = lclock_refresh_all(c);
    if (e == ERR_OK && (is_set || (is_unset && found))) {
        json_t *detail = json_pack("{s:s, s:s, s:b, s:s}", "verb", a->verb, "date", a->date,
                                   "open", a->open, "name", a->name ? a->name : "");
        char *s = json_dumps(detail, JSON_COMPACT);
        event_log(c, "admin.calendar", "cli", "calendar", s);
        free(s);
        json_decref(detail);
    }
    if (e == ERR_OK && db_commit(c->db) != DB_OK)
        e = ERR_INTERNAL;
    if (e != ERR_OK) {
        db_rollback(c->db);
        fprintf(stderr, "madoguchi calendar: %s\n", c->fail->message ? c->fail->message : "failed");
        return 1;
    }
    if (is_unset && !found)
        printf("%s had no override\n", a->date);
    else if (is_set || is_unset)
        printf("%s %s\n", a->date, is_unset ? "follows the built-in rules again"
                                   : a->open ? "is an open day"
                                             : "is closed");
    else
        printf("legal clocks refreshed\n");
    return 0;
}

int
cmd_calendar(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    struct cal_args a;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, calendar_usage);
    if (rc >= 0)
        return rc;
    bool known = parse(nrest, rest, &a) &&
                 (!strcmp(a.verb, "list") || !strcmp(a.verb, "set") || !strcmp(a.verb, "unset") ||
                  !strcmp(a.verb, "refresh"));
    if (!known) {
        calendar_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        struct arena *ar = arena_new();
        struct ctx c;
        struct fail f;
        runtime_ctx(&rt, &c, ar, &f);
        rc = !strcmp(a.verb, "list") ? list(&c, &a) : change(&c, &a);
        arena_free(ar);
    }
    runtime_close(&rt);
    return rc;
}
