/* Patterns of the form language: a subset of regular expressions on which PCRE2 (server)
 * and JavaScript's RegExp with the 'u' flag (browser) agree, matched against the whole value.
 * Compiled patterns are cached per thread, keyed by their text, because a form checks the
 * same few patterns on every request. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "fcond.h"
#include "fcond_int.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#define RE_MAX_LEN 1000
#define RE_SLOTS 32

/* Lexical check mirrored by allowedPattern() in web/js/fcond.js. PCRE2 without PCRE2_UCP keeps
 * \d \w \b ASCII as JavaScript's 'u' mode does; \s differs between the two (U+FEFF, U+0085),
 * so it is left out: write [ 　] instead. */
bool
fcond_re_allowed(const char *p, const char **why)
{
    if (strlen(p) > RE_MAX_LEN)
        return *why = "pattern longer than 1000 bytes", false;
    bool in_class = false;
    for (size_t i = 0; p[i]; i++) {
        char c = p[i];
        if (c == '\\') {
            char e = p[++i];
            if (!e)
                return *why = "pattern ends with a backslash", false;
            if (e == 'p' || e == 'P') {
                size_t j = i + 1;
                if (p[j] != '{' || !(p[j + 1] >= 'A' && p[j + 1] <= 'Z'))
                    return *why = "\\p takes a general category such as \\p{L}", false;
                j += 2;
                if (p[j] >= 'a' && p[j] <= 'z')
                    j++;
                if (p[j] != '}')
                    return *why = "\\p takes a general category such as \\p{L}", false;
                i = j;
            } else if (strchr("dDwWbBtnrfv\\^$.|?*+()[]{}/", e) || (e == '-' && in_class)) {
                continue;
            } else {
                return *why = "escape outside the pattern subset (no \\s, backreferences, \\x, \\u)",
                       false;
            }
        } else if (in_class) {
            if (c == ']')
                in_class = false;
            else if (c == '[')
                return *why = "[ inside a character class must be escaped", false;
        } else if (c == '[') {
            in_class = true;
            if (p[i + 1] == '^')
                i++;
            if (p[i + 1] == ']')
                return *why = "empty character class", false;
        } else if ((c == '*' || c == '+' || c == '?') && p[i + 1] == '+') {
            return *why = "no possessive quantifiers", false;
        } else if (c == '(' && p[i + 1] == '*') {
            return *why = "no (*VERB) groups", false;
        } else if (c == '(' && p[i + 1] == '?') {
            char k = p[i + 2];
            if (k != ':' && k != '=' && k != '!')
                return *why = "only (?: (?= (?! groups: no lookbehind, names or flags", false;
        } else if (c == '{') {
            size_t j = i + 1, d1 = 0, d2 = 0;
            while (p[j] >= '0' && p[j] <= '9')
                j++, d1++;
            if (p[j] == ',') {
                j++;
                while (p[j] >= '0' && p[j] <= '9')
                    j++, d2++;
            }
            if (d1 == 0 || p[j] != '}')
                return *why = "a literal { or } must be escaped", false;
            (void)d2;
            i = j;
            if (p[i + 1] == '+')
                return *why = "no possessive quantifiers", false;
        } else if (c == '}' || c == ']') {
            return *why = "a literal ] { or } must be escaped", false;
        }
    }
    if (in_class)
        return *why = "unterminated character class", false;
    return true;
}

struct slot {
    char *pat;
    pcre2_code *re; /* NULL: the pattern is invalid */
};
static _Thread_local struct slot slots[RE_SLOTS];
static _Thread_local unsigned next_slot;
static _Thread_local pcre2_match_data *md;

static struct slot *
lookup(const char *pat)
{
    for (int i = 0; i < RE_SLOTS; i++)
        if (slots[i].pat && strcmp(slots[i].pat, pat) == 0)
            return &slots[i];
    const char *why;
    struct slot *s = &slots[next_slot++ % RE_SLOTS];
    free(s->pat);
    pcre2_code_free(s->re);
    s->re = NULL;
    s->pat = strdup(pat);
    if (!s->pat)
        return NULL;
    if (!fcond_re_allowed(pat, &why))
        return s;
    size_t n = strlen(pat);
    char *w = malloc(n + 8);
    if (!w)
        return s;
    memcpy(w, "^(?:", 4);
    memcpy(w + 4, pat, n);
    memcpy(w + 4 + n, ")$", 3);
    int ec;
    PCRE2_SIZE eo;
    s->re = pcre2_compile((PCRE2_SPTR)w, PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY, &ec, &eo, NULL);
    free(w);
    if (s->re)
        (void)pcre2_jit_compile(s->re, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
    return s;
}

int
fcond_re_match(const char *pat, const char *s, size_t n)
{
    struct slot *sl = lookup(pat);
    if (!sl || !sl->re)
        return -1;
    if (!md && !(md = pcre2_match_data_create(1, NULL)))
        return -1;
    int rc = pcre2_match(sl->re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    return rc >= 0 ? 1 : 0;
}

void
fcond_cache_free(void)
{
    for (int i = 0; i < RE_SLOTS; i++) {
        free(slots[i].pat);
        pcre2_code_free(slots[i].re);
        slots[i].pat = NULL;
        slots[i].re = NULL;
    }
    pcre2_match_data_free(md);
    md = NULL;
}
