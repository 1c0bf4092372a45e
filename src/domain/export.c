/* Writing an export table as CSV or XLSX (the table itself: record_export.c). */
#include "domain/export.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

static void
csv_cell(struct strbuf *sb, const char *s)
{
    strbuf_addc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_addc(sb, '"');
        strbuf_addc(sb, *s);
    }
    strbuf_addc(sb, '"');
}

static void
csv_line(struct strbuf *sb, const char *const *cells, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (k)
            strbuf_addc(sb, ',');
        csv_cell(sb, cells[k]);
    }
    strbuf_adds(sb, "\r\n");
}

/* Length of the UTF-8 sequence starting with byte b (1 for a stray byte). */
static size_t
utf8_len(unsigned char b)
{
    return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
}

/* UTF-8 → CP932, one unrepresentable character at a time becoming '?'. */
static bool
to_sjis(const char *in, size_t n, struct strbuf *out, int64_t *replaced)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    if (cd == (iconv_t)-1)
        return false;
    char buf[8192];
    char *src = (char *)in;
    size_t left = n;
    bool ok = true;
    while (left > 0) {
        char *dst = buf;
        size_t room = sizeof(buf);
        size_t rc = iconv(cd, &src, &left, &dst, &room);
        strbuf_add(out, buf, (size_t)(dst - buf));
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        if (errno != EILSEQ && errno != EINVAL) {
            ok = false;
            break;
        }
        size_t skip = utf8_len((unsigned char)*src);
        if (skip > left)
            skip = left;
        src += skip;
        left -= skip;
        strbuf_addc(out, '?');
        (*replaced)++;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return ok;
}

enum err
export_csv(struct ctx *c, const struct export_table *t, enum export_enc enc, struct strbuf *out,
           int64_t *replaced)
{
    *replaced = 0;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    if (enc == EXPORT_UTF8)
        strbuf_adds(&sb, "\xEF\xBB\xBF");
    csv_line(&sb, t->labels, t->ncols);
    for (size_t i = 0; i < t->nrows; i++)
        csv_line(&sb, t->cells + i * t->ncols, t->ncols);
    if (!strbuf_ok(&sb)) {
        strbuf_release(&sb);
        return fail_set(c->fail, ERR_TOO_LARGE, NULL);
    }
    if (enc == EXPORT_UTF8) {
        strbuf_add(out, sb.buf, sb.len);
        strbuf_release(&sb);
        return ERR_OK;
    }
    bool ok = to_sjis(sb.buf, sb.len, out, replaced);
    strbuf_release(&sb);
    if (!ok) {
        log_error("export: iconv to CP932 failed");
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    return ERR_OK;
}

static bool
read_file(const char *path, struct strbuf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(out, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

enum err
export_xlsx(struct ctx *c, const struct export_table *t, struct strbuf *out)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char *path = arena_printf(c->arena, "%s/madoguchi-export-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        log_error("export: mkstemp in %s: %s", dir, strerror(errno));
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    close(fd);
    enum err e = ERR_INTERNAL;
    /* constant_memory: rows go to the file as written, so 100,000 records stay small */
    lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = (char *)dir };
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb)
        goto done;
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t k = 0; k < t->ncols; k++)
        worksheet_write_string(ws, 0, (lxw_col_t)k, t->labels[k], bold);
    for (size_t i = 0; i < t->nrows && i < LXW_ROW_MAX - 1; i++)
        for (size_t k = 0; k < t->ncols; k++) {
            const char *s = t->cells[i * t->ncols + k];
            if (*s)
                worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, s, NULL);
        }
    lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) {
        log_error("export: xlsx: %s", lxw_strerror(rc));
        goto done;
    }
    if (read_file(path, out))
        e = ERR_OK;
done:
    unlink(path);
    return e == ERR_OK ? ERR_OK : fail_set(c->fail, ERR_INTERNAL, NULL);
}
