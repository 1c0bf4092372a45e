/* RFC 4180 reader; see csv.h. */
#include "csv.h"

#include "arena.h"
#include "strbuf.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at p (shortest form, no surrogates, ≤ U+10FFFF), or 0. */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return c ? 1 : 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool
csv_open(struct csv_reader *r, struct arena *a, const char *buf, size_t n)
{
    memset(r, 0, sizeof(*r));
    r->arena = a;
    r->p = buf;
    r->end = buf + n;
    r->line = 1;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
    const unsigned char *p = (const unsigned char *)r->p, *end = (const unsigned char *)r->end;
    int line = 1;
    while (p < end) {
        size_t k = utf8_seq(p, end);
        if (!k) {
            r->error = CSV_BAD_UTF8;
            r->error_line = line;
            return false;
        }
        if (*p == '\n')
            line++;
        p += k;
    }
    return true;
}

static int
fail_at(struct csv_reader *r, enum csv_error e, int line)
{
    r->error = e;
    r->error_line = line;
    return -1;
}

/* Consumes a line break at r->p if there is one (CRLF, LF or a lone CR). */
static bool
eat_break(struct csv_reader *r)
{
    if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        return true;
    }
    if (r->p < r->end && *r->p == '\n') {
        r->p++;
        r->line++;
        return true;
    }
    return false;
}

static bool
at_break(const struct csv_reader *r)
{
    return r->p >= r->end || *r->p == '\r' || *r->p == '\n';
}

static char *
trimmed(struct arena *a, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return arena_strndup(a, s, n);
}

/* One field starting at r->p; leaves r->p on the separator, a line break or the end. */
static int
read_field(struct csv_reader *r, char **out)
{
    const char *s = r->p;
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
        r->p++;
    if (r->p < r->end && *r->p == '"') {
        int start_line = r->line;
        struct strbuf sb;
        strbuf_init(&sb, r->arena, 0);
        r->p++;
        for (;;) {
            if (r->p >= r->end)
                return fail_at(r, CSV_UNTERMINATED, start_line);
            char ch = *r->p;
            if (ch == '"') {
                if (r->p + 1 < r->end && r->p[1] == '"') {
                    strbuf_addc(&sb, '"');
                    r->p += 2;
                    continue;
                }
                r->p++;
                break;
            }
            if (ch == '\r' || ch == '\n') {
                eat_break(r);
                strbuf_addc(&sb, '\n');
                continue;
            }
            strbuf_addc(&sb, ch);
            r->p++;
        }
        while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
            r->p++;
        if (!at_break(r) && *r->p != ',')
            return fail_at(r, CSV_BAD_QUOTE, r->line);
        *out = sb.buf;
        return 0;
    }
    while (!at_break(r) && *r->p != ',') {
        if (*r->p == '"')
            return fail_at(r, CSV_BAD_QUOTE, r->line);
        r->p++;
    }
    *out = trimmed(r->arena, s, (size_t)(r->p - s));
    return 0;
}

int
csv_next(struct csv_reader *r, char **fields, int *nfields, int *line)
{
    *nfields = 0;
    while (r->p < r->end && (*r->p == '\r' || *r->p == '\n'))
        eat_break(r); /* blank lines */
    if (r->p >= r->end)
        return 0;
    *line = r->line;
    for (;;) {
        if (*nfields >= CSV_MAX_FIELDS)
            return fail_at(r, CSV_TOO_MANY_FIELDS, r->line);
        if (read_field(r, &fields[*nfields]) < 0)
            return -1;
        (*nfields)++;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        eat_break(r);
        return 1;
    }
}

const char *
csv_error_text(enum csv_error e, bool english)
{
    switch (e) {
    case CSV_BAD_UTF8:
        return english ? "The file is not valid UTF-8 (save it as UTF-8)."
                       : "UTF-8として正しくない文字があります（UTF-8で保存してください）。";
    case CSV_UNTERMINATED:
        return english ? "A quoted field is not closed."
                       : "ダブルクォートで始まる値が閉じられていません。";
    case CSV_BAD_QUOTE:
        return english ? "Misplaced double quote (quote the whole field and double inner quotes)."
                       : "ダブルクォートの位置が正しくありません（値全体を囲み、値の中の\"は\"\"と書いてください）。";
    case CSV_TOO_MANY_FIELDS:
        return english ? "Too many columns." : "列が多すぎます。";
    default:
        return "";
    }
}
