/* NFKC case folding through libunistring. */
#include "text.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unistr.h>
#include <uninorm.h>

char *
text_fold(struct arena *a, const char *s, size_t n)
{
    size_t outlen = 0;
    uint8_t *out = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFKC, NULL, &outlen);
    if (!out)
        return arena_strndup(a, s, n);
    char *r = arena_strndup(a, (const char *)out, outlen);
    free(out);
    return r;
}

bool
text_valid_utf8(const char *s, size_t n)
{
    return u8_check((const uint8_t *)s, n) == NULL;
}

size_t
text_length(const char *s, size_t n)
{
    return u8_mbsnlen((const uint8_t *)s, n);
}

bool
text_blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            return false;
    }
    return true;
}
