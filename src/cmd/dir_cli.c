/* Shared plumbing of the directory subcommands; see dir_cli.h. */
#include "cmd/dir_cli.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
dircli_parse(const char *cmd, int argc, char **argv, const struct dircli_opt *opts,
             const char **pos, int *npos, int maxpos)
{
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const struct dircli_opt *o = NULL;
        for (const struct dircli_opt *k = opts; k && k->name; k++)
            if (strcmp(argv[i], k->name) == 0)
                o = k;
        if (!o) {
            if (argv[i][0] == '-' && argv[i][1]) {
                fprintf(stderr, "madoguchi %s: unknown option %s (see --help)\n", cmd, argv[i]);
                return false;
            }
            if (*npos >= maxpos) {
                fprintf(stderr, "madoguchi %s: unexpected argument '%s' (see --help)\n", cmd,
                        argv[i]);
                return false;
            }
            pos[(*npos)++] = argv[i];
            continue;
        }
        if (o->kind == OPT_FLAG) {
            *(bool *)o->out = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "madoguchi %s: %s needs a value\n", cmd, o->name);
            return false;
        }
        char *val = argv[++i];
        if (o->kind == OPT_STR) {
            *(const char **)o->out = val;
            continue;
        }
        struct dircli_list *l = o->out;
        l->set = true;
        for (char *save = NULL, *t = strtok_r(val, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (l->n >= DIR_LIST_MAX) {
                fprintf(stderr, "madoguchi %s: %s: at most %d values\n", cmd, o->name,
                        DIR_LIST_MAX);
                return false;
            }
            l->v[l->n++] = t;
        }
    }
    return true;
}

static void
print_fail(const char *cmd, struct fail *f)
{
    fprintf(stderr, "madoguchi %s: %s\n", cmd,
            f->message ? f->message : err_template(f->code ? f->code : ERR_INTERNAL, f->lang));
    if (f->errors) {
        const char *key;
        json_t *val;
        json_object_foreach(f->errors, key, val)
        {
            size_t i;
            json_t *m;
            json_array_foreach(json_object_get(val, "messages"), i, m)
            {
                fprintf(stderr, "  %s: %s\n", key, json_string_value(m));
            }
        }
    }
}

int
dircli_run(struct runtime *rt, const char *cmd, bool write, int (*fn)(struct ctx *, void *),
           void *arg)
{
    int rc = runtime_open(rt);
    if (rc != 0) {
        runtime_close(rt);
        return rc;
    }
    struct arena *a = arena_new();
    struct ctx c;
    struct fail f;
    runtime_ctx(rt, &c, a, &f);
    if (write && db_begin(rt->db, true) != DB_OK) {
        fprintf(stderr, "madoguchi %s: %s\n", cmd, db_errmsg(rt->db));
        rc = 1;
        goto out;
    }
    rc = fn(&c, arg);
    if (rc != 0 && f.code != ERR_OK)
        print_fail(cmd, &f);
    if (write) {
        if (rc == 0 && db_commit(rt->db) != DB_OK) {
            fprintf(stderr, "madoguchi %s: commit failed: %s\n", cmd, db_errmsg(rt->db));
            rc = 1;
        }
        if (rc != 0)
            db_rollback(rt->db);
    }
out:
    arena_free(a);
    runtime_close(rt);
    return rc;
}

void
dircli_event(struct ctx *c, const char *action, const char *target, const struct dir_result *res)
{
    event_log(c, action, "cli", target, res ? res->detail : NULL);
}

char *
dircli_read_file(const char *cmd, const char *path, size_t *n)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "madoguchi %s: cannot open %s: %s\n", cmd, path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
        len += got;
        if (len + 1 == cap) {
            if (cap >= (size_t)256 << 20) {
                fprintf(stderr, "madoguchi %s: %s is larger than 256 MB\n", cmd, path);
                free(buf);
                buf = NULL;
                break;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    if (buf && ferror(fp)) {
        fprintf(stderr, "madoguchi %s: cannot read %s\n", cmd, path);
        free(buf);
        buf = NULL;
    }
    if (fp != stdin)
        fclose(fp);
    if (buf)
        buf[len] = '\0';
    *n = len;
    return buf;
}

void
dircli_print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
    json_decref(j);
}

const char *
dircli_action(enum dir_action a)
{
    return a == DIR_CREATED ? "created" : a == DIR_UPDATED ? "updated" : "unchanged";
}

const char *
dircli_dash(const char *s)
{
    return s && *s ? s : "-";
}

int
dircli_import(struct ctx *c, const char *cmd, enum dir_import_kind kind, const char *path,
              bool dry_run, bool json)
{
    size_t n;
    char *csv = dircli_read_file(cmd, path, &n);
    if (!csv)
        return 2;
    struct dir_import_report rep;
    enum err e = dir_import(c, kind, csv, n, dry_run, &rep);
    free(csv);
    if (e != ERR_OK)
        return 1;
    if (!dry_run)
        event_log(c, "admin.import", "cli", dir_import_kind_name(kind), rep.detail);
    if (json) {
        json_t *rows = json_array();
        for (size_t i = 0; i < rep.nrows; i++) {
            json_t *o = json_pack("{s:i, s:s, s:s}", "line", rep.rows[i].line, "code",
                                  rep.rows[i].code, "action", dircli_action(rep.rows[i].action));
            if (rep.rows[i].password)
                json_object_set_new(o, "password", json_string(rep.rows[i].password));
            json_array_append_new(rows, o);
        }
        dircli_print_json(json_pack("{s:s, s:b, s:I, s:I, s:I, s:o}", "kind",
                                    dir_import_kind_name(kind), "dryRun", dry_run, "created",
                                    (json_int_t)rep.created, "updated", (json_int_t)rep.updated,
                                    "unchanged", (json_int_t)rep.unchanged, "rows", rows));
        return 0;
    }
    for (size_t i = 0; i < rep.nrows; i++)
        if (rep.rows[i].action != DIR_UNCHANGED)
            printf("line %d\t%s\t%s\n", rep.rows[i].line, dircli_action(rep.rows[i].action),
                   rep.rows[i].code);
    printf("%s%s: %zu created, %zu updated, %zu unchanged\n", dry_run ? "dry run (nothing saved) " : "",
           dir_import_kind_name(kind), rep.created, rep.updated, rep.unchanged);
    bool header = false;
    for (size_t i = 0; i < rep.nrows; i++) {
        if (!rep.rows[i].password)
            continue;
        if (!header) {
            puts("temporary passwords (shown once; each user must change it at the first "
                 "login):");
            header = true;
        }
        printf("%s\t%s\n", rep.rows[i].code, rep.rows[i].password);
    }
    return 0;
}
