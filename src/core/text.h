/* text: Unicode normalisation for search (NFKC + case folding, so that 全角/半角, half-width
 * katakana and letter case compare equal), UTF-8 checks and small string helpers. */
#ifndef MADO_TEXT_H
#define MADO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* NFKC-casefolded copy of s (n bytes) in the arena; invalid UTF-8 is copied through. */
char *text_fold(struct arena *a, const char *s, size_t n);
bool text_valid_utf8(const char *s, size_t n);
/* Number of Unicode code points (kintone counts characters, not bytes). */
size_t text_length(const char *s, size_t n);
/* True when s is empty or only whitespace (incl. U+3000), as kintone's "is empty". */
bool text_blank(const char *s);

#endif
