/* multipart: see multipart.h for the contract and why this is not GMime.
 * Everything works on (pointer, end) ranges of the caller's body; only names, file names and
 * content types are copied (NUL-terminated) into the arena. No recursion, every loop advances,
 * every read is bounds-checked against end. */
#include "http/multipart.h"

#include "core/arena.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

struct range {
    const char *p, *end;
};

struct hdrs {
    const char *disposition; /* arena copies of the (unfolded) values */
    const char *content_type;
    const char *cte;
};

static bool
is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static void
skip_ws(const char **p, const char *end)
{
    while (*p < end && is_ws(**p))
        (*p)++;
}

static bool
eq_ci(const char *p, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(p, lit, n) == 0;
}

/* ---- parameters: ;name=token | ;name="quoted" ---- */

/* Quoted string starting at *p (on the opening quote) → arena copy in *out. Backslash escapes
 * only '"' and '\': browsers send Windows paths with raw backslashes ("C:\dir\a.txt"), and
 * keeping "\d" literal keeps those intact while "\"" from RFC-style clients still works. */
static bool
quoted(struct arena *a, const char **p, const char *end, char **out)
{
    /* Measure first: allocating "the rest of the header" per parameter would let a header of
     * many tiny quoted parameters cost quadratic memory. */
    const char *s = *p + 1, *q = s;
    while (q < end && *q != '"')
        q += (*q == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\\')) ? 2 : 1;
    if (q >= end)
        return false; /* unterminated */
    char *buf = arena_alloc(a, (size_t)(q - s) + 1), *w = buf;
    while (s < q) {
        if (*s == '\\' && s + 1 < q && (s[1] == '"' || s[1] == '\\'))
            s++;
        if (*s == '\0' || *s == '\r' || *s == '\n')
            return false;
        *w++ = *s++;
    }
    *w = '\0';
    *p = q + 1;
    *out = buf;
    return true;
}

/* Unquoted value: up to ';' or whitespace. 8-bit bytes allowed (UTF-8 file names). */
static bool
token_value(struct arena *a, const char **p, const char *end, char **out)
{
    const char *s = *p;
    while (*p < end && **p != ';' && !is_ws(**p)) {
        unsigned char c = (unsigned char)**p;
        if (c < 0x20 || c == 0x7f || c == '"')
            return false;
        (*p)++;
    }
    if (*p == s)
        return false;
    *out = arena_strndup(a, s, (size_t)(*p - s));
    return true;
}

/* Parses "; name=value" at *p. 1 = got one, 0 = end of input, -1 = malformed. */
static int
next_param(struct arena *a, const char **p, const char *end, const char **name, size_t *nlen,
           char **value)
{
    skip_ws(p, end);
    if (*p >= end)
        return 0;
    if (**p != ';')
        return -1;
    (*p)++;
    skip_ws(p, end);
    if (*p >= end)
        return 0; /* trailing ';' is tolerated (some clients) */
    *name = *p;
    while (*p < end && is_tchar((unsigned char)**p))
        (*p)++;
    *nlen = (size_t)(*p - *name);
    if (!*nlen)
        return -1;
    skip_ws(p, end);
    if (*p >= end || **p != '=')
        return -1;
    (*p)++;
    skip_ws(p, end);
    if (*p >= end)
        return -1;
    bool ok = **p == '"' ? quoted(a, p, end, value) : token_value(a, p, end, value);
    return ok ? 1 : -1;
}

/* ---- the request's Content-Type ---- */

static bool
boundary_ok(const char *b)
{
    size_t n = strlen(b);
    if (n < 1 || n > MULTIPART_MAX_BOUNDARY || b[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e)
            return false;
    return true;
}

static const char *
boundary_of(struct arena *a, const char *ct)
{
    const char *p = ct, *end = ct + strlen(ct);
    skip_ws(&p, end);
    const char *t = p;
    while (p < end && (is_tchar((unsigned char)*p) || *p == '/'))
        p++;
    if (!eq_ci(t, (size_t)(p - t), "multipart/form-data"))
        return NULL;
    const char *boundary = NULL, *name;
    size_t nlen;
    char *value;
    int rc;
    while ((rc = next_param(a, &p, end, &name, &nlen, &value)) == 1) {
        if (eq_ci(name, nlen, "boundary")) {
            if (boundary)
                return NULL; /* two boundaries: which one would a proxy have used? */
            boundary = value;
        }
    }
    if (rc < 0 || !boundary || !boundary_ok(boundary))
        return NULL;
    return boundary;
}

/* ---- part headers ---- */

/* Appends one header (name, value range) to h; obs-fold continuations arrive pre-joined. */
static bool
take_header(struct arena *a, struct hdrs *h, const char *name, size_t nlen, const char *v,
            const char *vend)
{
    while (v < vend && is_ws(*v))
        v++;
    while (vend > v && is_ws(vend[-1]))
        vend--;
    const char **slot = NULL;
    if (eq_ci(name, nlen, "content-disposition"))
        slot = &h->disposition;
    else if (eq_ci(name, nlen, "content-type"))
        slot = &h->content_type;
    else if (eq_ci(name, nlen, "content-transfer-encoding"))
        slot = &h->cte;
    if (!slot)
        return true; /* other headers are allowed and ignored */
    if (*slot)
        return false; /* duplicate */
    *slot = arena_strndup(a, v, (size_t)(vend - v));
    return true;
}

/* Header block [p, end): lines separated by CRLF (end is just past the last line's CRLF). */
static bool
parse_headers(struct arena *a, const char *p, const char *end, struct hdrs *h)
{
    memset(h, 0, sizeof(*h));
    /* Unfold first: copy lines into a scratch buffer, joining continuation lines. */
    char *buf = arena_alloc(a, (size_t)(end - p) + 1);
    size_t n = 0;
    /* a line is at least one byte + CRLF */
    const char **lines = arena_alloc(a, ((size_t)(end - p) / 3 + 1) * sizeof(*lines));
    size_t nlines = 0;
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\r' && *eol != '\n' && *eol != '\0')
            eol++;
        if (eol + 1 >= end || eol[0] != '\r' || eol[1] != '\n')
            return false; /* bare CR, bare LF or NUL */
        if (eol == p)
            return false; /* empty line inside the block */
        if (is_ws(*p)) {
            if (!nlines)
                return false; /* continuation of nothing */
            buf[n++] = ' ';
        } else {
            if (nlines)
                buf[n++] = '\0';
            lines[nlines++] = buf + n;
        }
        memcpy(buf + n, p, (size_t)(eol - p));
        n += (size_t)(eol - p);
        p = eol + 2;
    }
    buf[n] = '\0';
    for (size_t i = 0; i < nlines; i++) {
        const char *l = lines[i], *lend = l + strlen(l);
        const char *c = l;
        while (c < lend && is_tchar((unsigned char)*c))
            c++;
        if (c == l || c >= lend || *c != ':')
            return false; /* no name, or whitespace before the colon */
        if (!take_header(a, h, l, (size_t)(c - l), c + 1, lend))
            return false;
    }
    return true;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 5987 ext-value: charset'lang'pct-encoded. UTF-8 as is, ISO-8859-1 converted to UTF-8. */
static char *
ext_value(struct arena *a, const char *v)
{
    const char *q1 = strchr(v, '\'');
    const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    if (!q2)
        return NULL;
    bool utf8 = eq_ci(v, (size_t)(q1 - v), "utf-8");
    bool latin1 = eq_ci(v, (size_t)(q1 - v), "iso-8859-1");
    if (!utf8 && !latin1)
        return NULL;
    const char *s = q2 + 1;
    char *out = arena_alloc(a, 2 * strlen(s) + 1), *w = out;
    while (*s) {
        unsigned c = (unsigned char)*s;
        if (c == '%') {
            int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
            if (lo < 0)
                return NULL;
            c = (unsigned)(hi * 16 + lo);
            s += 3;
        } else {
            s++;
        }
        if (c == 0)
            return NULL;
        if (latin1 && c >= 0x80) {
            *w++ = (char)(0xc0 | (c >> 6));
            *w++ = (char)(0x80 | (c & 0x3f));
        } else {
            *w++ = (char)c;
        }
    }
    *w = '\0';
    return out;
}

static bool
parse_disposition(struct arena *a, const char *v, struct mpart *part)
{
    const char *p = v, *end = v + strlen(v);
    const char *t = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (!eq_ci(t, (size_t)(p - t), "form-data"))
        return false;
    const char *name;
    size_t nlen;
    char *value, *fname = NULL, *fname_ext = NULL;
    int rc;
    bool have_ext = false;
    while ((rc = next_param(a, &p, end, &name, &nlen, &value)) == 1) {
        char **slot = NULL;
        if (eq_ci(name, nlen, "name"))
            slot = (char **)&part->name;
        else if (eq_ci(name, nlen, "filename"))
            slot = &fname;
        else if (eq_ci(name, nlen, "filename*")) {
            if (have_ext)
                return false;
            have_ext = true;
            if (!(fname_ext = ext_value(a, value)))
                return false;
            continue;
        }
        if (!slot)
            continue;
        if (*slot)
            return false; /* duplicate parameter */
        *slot = value;
    }
    if (rc < 0 || !part->name)
        return false;
    part->filename = fname_ext ? fname_ext : fname;
    return true;
}

/* ---- delimiters ---- */

/* At p sits "--boundary" (dlen bytes). Returns the start of the next part's headers, or end
 * for the close delimiter; NULL when this is not a real delimiter ("--boundaryX", no CRLF). */
static const char *
after_delimiter(const char *p, const char *end, size_t dlen, bool *close)
{
    const char *q = p + dlen;
    *close = false;
    if (end - q >= 2 && q[0] == '-' && q[1] == '-') {
        *close = true; /* epilogue (and a missing final CRLF) is ignored */
        return end;
    }
    skip_ws(&q, end); /* transport padding */
    if (end - q >= 2 && q[0] == '\r' && q[1] == '\n')
        return q + 2;
    return NULL;
}

/* Next real "\r\n--boundary" at or after p; sets *next (headers of the next part, or end). */
static const char *
find_delimiter(const char *p, const char *end, const char *delim, size_t dlen, const char **next,
               bool *close)
{
    while (p < end) {
        const char *hit = memmem(p, (size_t)(end - p), delim, dlen);
        if (!hit)
            return NULL;
        if ((*next = after_delimiter(hit + 2, end, dlen - 2, close)))
            return hit;
        p = hit + 1;
    }
    return NULL;
}

enum err
multipart_parse(struct arena *a, const char *content_type, const void *body, size_t len,
                struct mpart **parts, size_t *nparts)
{
    *parts = NULL;
    *nparts = 0;
    if (!content_type || (!body && len))
        return ERR_INVALID;
    const char *boundary = boundary_of(a, content_type);
    if (!boundary)
        return ERR_INVALID;
    /* "\r\n--" boundary: the CRLF before a delimiter belongs to the delimiter. */
    char *delim = arena_printf(a, "\r\n--%s", boundary);
    size_t dlen = strlen(delim);
    const char *b = body ? body : "", *end = b + len;
    const char *p = NULL;
    bool close = false;
    /* First delimiter: at the very start, or after a preamble. */
    if ((size_t)(end - b) >= dlen - 2 && memcmp(b, delim + 2, dlen - 2) == 0)
        p = after_delimiter(b, end, dlen - 2, &close);
    if (!p && !find_delimiter(b, end, delim, dlen, &p, &close))
        return ERR_INVALID;
    size_t n = 0, cap = 4;
    struct mpart *out = arena_zalloc(a, cap * sizeof(*out));
    while (!close) {
        if (n == MULTIPART_MAX_PARTS)
            return ERR_INVALID;
        /* header block: up to the blank line, at most MULTIPART_MAX_HEADER bytes */
        size_t room = (size_t)(end - p);
        size_t window = room < MULTIPART_MAX_HEADER + 4 ? room : MULTIPART_MAX_HEADER + 4;
        const char *hend, *data;
        if (room >= 2 && p[0] == '\r' && p[1] == '\n') {
            hend = p; /* no headers at all: rejected below (no Content-Disposition) */
            data = p + 2;
        } else {
            const char *blank = memmem(p, window, "\r\n\r\n", 4);
            if (!blank)
                return ERR_INVALID; /* header block too large or truncated */
            hend = blank + 2;
            data = blank + 4;
        }
        struct hdrs h;
        if (!parse_headers(a, p, hend, &h) || !h.disposition)
            return ERR_INVALID;
        /* RFC 7578 §4.7: no transfer encodings in form-data; refuse rather than store
         * still-encoded bytes. */
        if (h.cte && !eq_ci(h.cte, strlen(h.cte), "binary") && !eq_ci(h.cte, strlen(h.cte), "8bit") &&
            !eq_ci(h.cte, strlen(h.cte), "7bit"))
            return ERR_INVALID;
        if (n == cap) {
            struct mpart *bigger = arena_zalloc(a, 2 * cap * sizeof(*out));
            memcpy(bigger, out, cap * sizeof(*out));
            out = bigger;
            cap *= 2;
        }
        struct mpart *part = &out[n];
        if (!parse_disposition(a, h.disposition, part))
            return ERR_INVALID;
        part->content_type = h.content_type;
        /* data runs to the next delimiter; none = truncated body */
        const char *hit = find_delimiter(data - 2, end, delim, dlen, &p, &close);
        if (!hit)
            return ERR_INVALID;
        part->data = data;
        part->len = hit >= data ? (size_t)(hit - data) : 0;
        n++;
    }
    *parts = out;
    *nparts = n;
    return ERR_OK;
}

const struct mpart *
multipart_find(const struct mpart *parts, size_t nparts, const char *name)
{
    for (size_t i = 0; i < nparts; i++)
        if (strcmp(parts[i].name, name) == 0)
            return &parts[i];
    return NULL;
}
