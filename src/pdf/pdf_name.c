/* pdf_name: file names of issued documents from the template's fileName rule. */
#include "core/arena.h"
#include "core/strbuf.h"
#include "pdf/pdf_int.h"

#include <string.h>
#include <strings.h>

#define NAME_MAX_BYTES 200

const char *
pdf_file_name(struct ctx *c, const struct pdf_job *job, const struct pdf_record *r)
{
    struct pdf_doc d;
    memset(&d, 0, sizeof(d));
    d.c = c;
    d.job = job;
    d.def = job->def;
    d.rec = r;
    const char *rule = pdf_str(job->def, "fileName", "{帳票名}_{$id}.pdf");
    const char *s = pdf_fill(&d, r ? r->data : NULL, rule, NULL);
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* characters Windows, macOS and Linux do not all allow, and controls */
        if (*p < 0x20 || *p == 0x7f || strchr("/\\:*?\"<>|", *p))
            strbuf_addc(&sb, '_');
        else
            strbuf_addc(&sb, (char)*p);
    }
    char *name = sb.buf;
    /* no hidden files, no names of only dots */
    for (char *q = name; *q == '.' || *q == ' '; q++)
        *q = '_';
    size_t n = strlen(name);
    if (n > NAME_MAX_BYTES) {
        /* cut on a character boundary */
        n = NAME_MAX_BYTES;
        while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
            n--;
        name[n] = '\0';
    }
    if (n < 4 || strcasecmp(name + n - 4, ".pdf"))
        name = arena_printf(c->arena, "%s.pdf", *name ? name : "document");
    return name;
}
