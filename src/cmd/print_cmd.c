/* madoguchi print: documents from templates on the command line (docs/templates.md).
 * --list prints one line per template: app id, template code, name (tab-separated).
 * --app N --template CODE [--query Q] --out FILE renders every matching record into one PDF,
 * or with --zip one PDF per record into a zip archive; a progress bar on a terminal. Nothing
 * is issued (no verification codes, nothing stored): that is what record/print.json and the
 * workflow do. The run is audited with the app, template and number of records. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/doc_template.h"
#include "domain/event.h"
#include "domain/lclock.h"
#include "domain/portal.h"
#include "domain/record.h"
#include "pdf/pdf.h"
#include "pdf/pdf_issue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#define PRINT_MAX 100000 /* records in one run */

static void
print_usage(FILE *out)
{
    fputs("usage: madoguchi print --data DIR --list\n"
          "       madoguchi print --data DIR --app N --template CODE [--query Q] --out FILE [--zip]\n\n"
          "  --list            one line per template: app id, template code, name (tab-separated)\n"
          "  --app N           the app whose records are printed\n"
          "  --template CODE   the template (its latest version; --version V for another)\n"
          "  --query Q         kintone query selecting the records (default: all, newest first)\n"
          "  --out FILE        the PDF (every record, one after the other), or the zip with --zip\n"
          "  --zip             one PDF per record, named by the template's fileName rule\n\n"
          "Documents made here are not issued: they get no verification code and are not stored\n"
          "with the record (use the API or the workflow for that). See docs/templates.md.\n",
          out);
}

static const char *
opt(int nrest, char **rest, const char *name)
{
    for (int i = 0; i + 1 < nrest; i++)
        if (!strcmp(rest[i], name))
            return rest[i + 1];
    return NULL;
}

static bool
flag(int nrest, char **rest, const char *name)
{
    for (int i = 0; i < nrest; i++)
        if (!strcmp(rest[i], name))
            return true;
    return false;
}

struct bar {
    bool tty;
    size_t last;
};

static void
bar_show(void *arg, size_t done, size_t total)
{
    struct bar *b = arg;
    if (!b->tty || !total)
        return;
    size_t width = 30, filled = done * width / total;
    if (done != total && filled == b->last && done != 1)
        return; /* redraw only when the bar moves */
    b->last = filled;
    char line[64];
    for (size_t i = 0; i < width; i++)
        line[i] = i < filled ? '#' : '.';
    line[width] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu", line, done, total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static int
list(struct ctx *c)
{
    json_t *out = NULL;
    enum err e = tpl_list(c, 0, &out);
    if (e != ERR_OK) {
        fprintf(stderr, "madoguchi print: %s\n", c->fail->message ? c->fail->message : "failed");
        return 1;
    }
    size_t i;
    const json_t *t;
    json_array_foreach(json_object_get(out, "templates"), i, t)
    {
        printf("%lld\t%s\t%s\n", (long long)json_integer_value(json_object_get(t, "app")),
               json_string_value(json_object_get(t, "code")),
               json_string_value(json_object_get(t, "name")));
    }
    json_decref(out);
    return 0;
}

static int
write_file(const char *path, const struct strbuf *sb)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(sb->buf, 1, sb->len, f) != sb->len || fclose(f) != 0 ||
        rename(tmp, path) != 0) {
        fprintf(stderr, "madoguchi print: cannot write %s: %s\n", path, strerror(errno));
        if (f)
            unlink(tmp);
        return 1;
    }
    return 0;
}

/* Removes the parts directory and the n files in it. */
static void
parts_remove(const char *dir, size_t n)
{
    char path[4200];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%zu.pdf", dir, i);
        unlink(path);
    }
    rmdir(dir);
}

/* One PDF per record into a zip (stored, not deflated: PDFs are compressed already). Each
 * record is drawn in an arena of its own and written to a file next to the output at once;
 * libzip reads the files when it writes the archive. So memory stays flat however many
 * records there are (holding the PDFs for libzip took 67 MB per 1,000 permits). */
static int
zip_out(struct ctx *c, struct pdf_job *job, const struct rec_stored *recs, size_t n,
        const char *path, struct bar *bar)
{
    char tmp[4096], dir[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    snprintf(dir, sizeof(dir), "%s.parts.XXXXXX", path);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "madoguchi print: cannot create a directory next to %s: %s\n", path,
                strerror(errno));
        return 1;
    }
    int zerr = 0;
    zip_t *z = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z) {
        fprintf(stderr, "madoguchi print: cannot create %s\n", path);
        rmdir(dir);
        return 1;
    }
    json_t *names = json_object();
    int rc = 0;
    size_t written = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct arena *a = arena_new();
        struct ctx one = *c;
        struct fail f;
        fail_init(&f, a, c->lang);
        one.arena = a;
        one.fail = &f;
        struct pdf_record r = { .id = recs[i].id,
                                .data = pdf_record_names(&one, job->props, recs[i].data),
                                .receipt_no = recs[i].receipt_no };
        struct pdf_job j = *job;
        j.records = &r;
        j.nrecords = 1;
        j.progress = NULL;
        struct strbuf pdf;
        strbuf_init(&pdf, NULL, 0);
        enum err e = pdf_render(&one, &j, &pdf);
        if (e != ERR_OK) {
            fprintf(stderr, "\nmadoguchi print: record %lld: %s\n", (long long)r.id,
                    f.message ? f.message : "failed");
            char *detail = f.errors ? json_dumps(f.errors, JSON_COMPACT) : NULL;
            if (detail)
                fprintf(stderr, "  %s\n", detail);
            free(detail);
            rc = 1;
        } else {
            /* the same name twice gets -2, -3 ... before .pdf */
            const char *name = pdf_file_name(&one, &j, &r);
            json_int_t seen = json_integer_value(json_object_get(names, name));
            json_object_set_new(names, name, json_integer(seen + 1));
            if (seen)
                name = arena_printf(a, "%.*s-%lld.pdf", (int)(strlen(name) - 4), name,
                                    (long long)seen + 1);
            const char *part = arena_printf(a, "%s/%zu.pdf", dir, written);
            rc = write_file(part, &pdf);
            if (rc == 0)
                written++;
            zip_source_t *src = rc == 0 ? zip_source_file(z, part, 0, -1) : NULL;
            zip_int64_t idx = src ? zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) : -1;
            if (rc == 0 && idx < 0) {
                if (src)
                    zip_source_free(src);
                fprintf(stderr, "\nmadoguchi print: zip: %s\n", zip_strerror(z));
                rc = 1;
            } else if (rc == 0) {
                zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
            }
        }
        strbuf_release(&pdf);
        arena_free(a);
        bar_show(bar, i + 1, n);
    }
    json_decref(names);
    if (rc == 0 && zip_close(z) != 0) {
        fprintf(stderr, "madoguchi print: cannot write %s: %s\n", path, zip_strerror(z));
        rc = 1;
    }
    if (rc != 0)
        zip_discard(z);
    parts_remove(dir, written);
    if (rc != 0) {
        unlink(tmp);
        return 1;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "madoguchi print: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return 1;
    }
    return 0;
}

static int
render(struct ctx *c, int nrest, char **rest)
{
    const char *app_s = opt(nrest, rest, "--app"), *code = opt(nrest, rest, "--template");
    const char *out = opt(nrest, rest, "--out"), *query = opt(nrest, rest, "--query");
    const char *ver_s = opt(nrest, rest, "--version");
    if (!app_s || !code || !out) {
        print_usage(stderr);
        return 2;
    }
    char *end;
    long long app_id = strtoll(app_s, &end, 10);
    if (*end || app_id <= 0) {
        fprintf(stderr, "madoguchi print: --app takes an app id\n");
        return 2;
    }
    struct app_def d;
    struct tpl t;
    struct rec_stored *recs;
    size_t n;
    enum err e = app_load(c, app_id, false, &d);
    if (e == ERR_OK)
        e = tpl_load(c, app_id, code, ver_s ? atoll(ver_s) : 0, &t);
    if (e == ERR_OK)
        e = rec_select_stored(c, &d, query, PRINT_MAX, &recs, &n);
    if (e != ERR_OK) {
        fprintf(stderr, "madoguchi print: %s\n", c->fail->message ? c->fail->message : "failed");
        if (c->fail->errors) {
            char *detail = json_dumps(c->fail->errors, JSON_COMPACT);
            fprintf(stderr, "  %s\n", detail ? detail : "");
            free(detail);
        }
        return 1;
    }
    if (!n) {
        fprintf(stderr, "madoguchi print: no record matches\n");
        return 1;
    }
    struct bar bar = { .tty = isatty(STDERR_FILENO) == 1, .last = (size_t)-1 };
    struct pdf_job job = { .def = t.def, .props = d.props, .nrecords = n,
                           .verify_base = "", .today = lclock_day(c->now),
                           .progress = bar_show, .progress_arg = &bar };
    int rc;
    if (flag(nrest, rest, "--zip")) {
        rc = zip_out(c, &job, recs, n, out, &bar);
    } else {
        struct pdf_record *rs = arena_alloc(c->arena, n * sizeof(*rs));
        for (size_t i = 0; i < n; i++)
            rs[i] = (struct pdf_record){ .id = recs[i].id,
                                         .data = pdf_record_names(c, d.props, recs[i].data),
                                         .receipt_no = recs[i].receipt_no };
        job.records = rs;
        struct strbuf pdf;
        strbuf_init(&pdf, NULL, 0);
        e = pdf_render(c, &job, &pdf);
        if (e != ERR_OK) {
            fprintf(stderr, "madoguchi print: %s\n", c->fail->message ? c->fail->message : "failed");
            char *detail = c->fail->errors ? json_dumps(c->fail->errors, JSON_COMPACT) : NULL;
            if (detail)
                fprintf(stderr, "  %s\n", detail);
            free(detail);
            rc = 1;
        } else {
            rc = write_file(out, &pdf);
        }
        strbuf_release(&pdf);
    }
    if (rc == 0) {
        event_log(c, "document.print", "cli", arena_printf(c->arena, "app:%lld", app_id),
                  arena_printf(c->arena, "{\"template\":\"%s\",\"version\":%lld,\"records\":%zu,\"zip\":%s}",
                               t.code, (long long)t.version, n,
                               flag(nrest, rest, "--zip") ? "true" : "false"));
        fprintf(stderr, "%zu records → %s\n", n, out);
    }
    return rc;
}

int
cmd_print(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, print_usage);
    if (rc >= 0)
        return rc;
    bool want_list = flag(nrest, rest, "--list");
    if (!want_list && !opt(nrest, rest, "--app")) {
        print_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        struct arena *a = arena_new();
        struct ctx c;
        struct fail f;
        runtime_ctx(&rt, &c, a, &f);
        rc = want_list ? list(&c) : render(&c, nrest, rest);
        arena_free(a);
    }
    runtime_close(&rt);
    pdf_shutdown();
    return rc;
}
