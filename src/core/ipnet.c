/* IP addresses, CIDR lists and the client address behind proxies; see ipnet.h.
 * Families stay apart: an IPv4 network (or one written ::ffff:a.b.c.d/96+n) matches IPv4 and
 * IPv4-mapped addresses only, an IPv6 network IPv6 addresses only, so "::/0" does not quietly
 * admit every IPv4 client. */
#include "ipnet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest address text we look at: a full IPv6 with embedded IPv4 is 45 chars, plus brackets. */
#define IPTEXT_MAX 64

struct ipnet {
    uint8_t b[16];
    int bits; /* prefix length over all 128 bits (an IPv4 /n is 96 + n) */
    bool v4;
};

struct ipnet_list {
    size_t n;
    struct ipnet net[];
};

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Parses exactly n bytes of s. */
static bool
parse_n(const char *s, size_t n, struct ipaddr *out)
{
    char buf[IPTEXT_MAX];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, buf, out->b + 12) == 1) {
        memcpy(out->b, v4mapped_prefix, 12);
        out->v4 = true;
        return true;
    }
    /* inet_pton refuses zone ids ("fe80::1%eth0"), which are meaningless off-link anyway. */
    if (inet_pton(AF_INET6, buf, out->b) == 1) {
        out->v4 = memcmp(out->b, v4mapped_prefix, 12) == 0;
        return true;
    }
    memset(out, 0, sizeof(*out));
    return false;
}

bool
ipaddr_parse(const char *s, struct ipaddr *out)
{
    if (!s)
        return false;
    return parse_n(s, strnlen(s, IPTEXT_MAX), out);
}

void
ipaddr_format(const struct ipaddr *a, char out[46])
{
    if (!inet_ntop(a->v4 ? AF_INET : AF_INET6, a->v4 ? a->b + 12 : a->b, out, 46))
        out[0] = '\0';
}

static bool
is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when the bits of a past the prefix are all zero. */
static bool
host_bits_clear(const uint8_t b[16], int bits)
{
    for (int i = bits; i < 128; i++)
        if (b[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

static bool
prefix_match(const uint8_t a[16], const uint8_t n[16], int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, n, (size_t)whole) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (n[whole] & mask);
}

static void
set_err(char *err, size_t err_len, const char *entry, size_t n, const char *ja, const char *en)
{
    if (!err || !err_len)
        return;
    size_t shown = n > 60 ? 60 : n;
    while (shown < n && shown > 0 && ((unsigned char)entry[shown] & 0xC0) == 0x80)
        shown--; /* do not cut a UTF-8 character in half */
    snprintf(err, err_len, "%s（%.*s%s）／%s: \"%.*s%s\"", ja, (int)shown, entry,
             shown < n ? "…" : "", en, (int)shown, entry, shown < n ? "..." : "");
}

/* One entry "addr" or "addr/prefix" of n bytes. */
static bool
parse_entry(const char *s, size_t n, struct ipnet *net, char *err, size_t err_len)
{
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    struct ipaddr a;
    if (!parse_n(s, alen, &a)) {
        set_err(err, err_len, s, n, "IPアドレスが正しくありません", "invalid IP address");
        return false;
    }
    int max = a.v4 ? 32 : 128, bits = max;
    if (slash) {
        const char *p = slash + 1, *end = s + n;
        if (p == end || end - p > 3) {
            set_err(err, err_len, s, n, "プレフィックス長が正しくありません", "invalid prefix length");
            return false;
        }
        bits = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9') {
                set_err(err, err_len, s, n, "プレフィックス長が正しくありません",
                        "invalid prefix length");
                return false;
            }
            bits = bits * 10 + (*p - '0');
        }
        /* An IPv4-mapped IPv6 text with a /96+ prefix is an IPv4 network in disguise. */
        bool mapped_text = a.v4 && memchr(s, ':', alen) != NULL;
        if (mapped_text) {
            if (bits < 96 || bits > 128) {
                set_err(err, err_len, s, n, "プレフィックス長が範囲外です",
                        "prefix length out of range");
                return false;
            }
            bits -= 96;
        }
        if (bits > max) {
            set_err(err, err_len, s, n, "プレフィックス長が範囲外です", "prefix length out of range");
            return false;
        }
    }
    net->v4 = a.v4;
    net->bits = a.v4 ? 96 + bits : bits;
    memcpy(net->b, a.b, 16);
    if (!host_bits_clear(net->b, net->bits)) {
        set_err(err, err_len, s, n, "ネットワークアドレスのホスト部が0ではありません",
                "host bits set (give the network address)");
        return false;
    }
    return true;
}

struct ipnet_list *
ipnet_list_parse(const char *text, char *err, size_t err_len)
{
    size_t count = 0;
    if (err && err_len)
        err[0] = '\0';
    if (!text)
        text = "";
    for (const char *p = text; *p;) {
        while (is_sep(*p))
            p++;
        if (!*p)
            break;
        count++;
        while (*p && !is_sep(*p))
            p++;
    }
    struct ipnet_list *l = malloc(sizeof(*l) + count * sizeof(l->net[0]));
    if (!l) {
        if (err && err_len)
            snprintf(err, err_len, "メモリが不足しています／out of memory");
        return NULL;
    }
    l->n = 0;
    for (const char *p = text; *p;) {
        while (is_sep(*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && !is_sep(*p))
            p++;
        if (!parse_entry(start, (size_t)(p - start), &l->net[l->n], err, err_len)) {
            free(l);
            return NULL;
        }
        l->n++;
    }
    return l;
}

void
ipnet_list_free(struct ipnet_list *l)
{
    free(l);
}

bool
ipnet_list_empty(const struct ipnet_list *l)
{
    return !l || l->n == 0;
}

bool
ipnet_list_contains(const struct ipnet_list *l, const struct ipaddr *a)
{
    if (!l || !a)
        return false;
    for (size_t i = 0; i < l->n; i++) {
        const struct ipnet *net = &l->net[i];
        if (net->v4 == a->v4 && prefix_match(a->b, net->b, net->bits))
            return true;
    }
    return false;
}

bool
ipnet_allowed(const struct ipnet_list *l, const struct ipaddr *a)
{
    return ipnet_list_empty(l) || ipnet_list_contains(l, a);
}

/* An X-Forwarded-For entry: an address, optionally with a port as some load balancers add
 * ("192.0.2.1:4711", "[2001:db8::1]:4711"). s is n bytes, already trimmed. */
static bool
parse_xff_entry(const char *s, size_t n, struct ipaddr *out)
{
    if (parse_n(s, n, out))
        return true;
    const char *colon = NULL;
    if (n && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || (size_t)(close - s) + 1 >= n || close[1] != ':')
            return false;
        colon = close + 1;
    } else {
        colon = memchr(s, ':', n);
        /* A second colon means IPv6 without brackets, where a port cannot be told apart. */
        if (!colon || memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)))
            return false;
    }
    size_t plen = n - (size_t)(colon + 1 - s);
    if (plen == 0 || plen > 5)
        return false;
    for (size_t i = 0; i < plen; i++)
        if (colon[1 + i] < '0' || colon[1 + i] > '9')
            return false;
    if (!parse_n(s, (size_t)(colon - s), out))
        return false;
    /* "::ffff:1.2.3.4" with a port after brackets is fine; a bare v4 with a port must be v4. */
    return s[0] == '[' || out->v4;
}

void
ipnet_client(const struct ipnet_list *trusted, const struct ipaddr *peer, const char *xff,
             struct ipaddr *out)
{
    *out = *peer;
    if (!xff || !ipnet_list_contains(trusted, peer))
        return;
    /* Walk right to left: each trusted hop vouches for the entry to its left. */
    const char *end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        while (start > xff && start[-1] != ',')
            start--;
        const char *next = start > xff ? start - 1 : xff;
        const char *a = start, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        end = next;
        if (a == b) /* empty element from joined or sloppy headers */
            continue;
        struct ipaddr hop;
        if (!parse_xff_entry(a, (size_t)(b - a), &hop))
            return;
        *out = hop;
        if (!ipnet_list_contains(trusted, &hop))
            return;
    }
}
