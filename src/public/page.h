/* page: the HTML frame of the applicant pages (header, language, main landmark, footer),
 * escaping helpers, the double-submit CSRF token of pages without JavaScript, and the error
 * page. Everything a page prints from data goes through page_text / page_attr. */
#ifndef MADO_PAGE_H
#define MADO_PAGE_H

#include "api/api.h"
#include "core/strbuf.h"

#define PAGE_CSRF_COOKIE "mado_form"

struct page {
    struct req *r;
    struct strbuf sb;
};

/* Starts a page: <title>title | 電子申請</title>, the site header, <main id="main">. */
void page_begin(struct page *pg, struct req *r, const char *title);
/* The same for pages with English (the portal): <html lang> follows r->ctx.lang and the
 * header carries a 日本語 / English switch (?lang=). */
void page_begin_i18n(struct page *pg, struct req *r, const char *title);
/* Ends the page and sets it as the response with status. */
void page_end(struct page *pg, int status);
void page_raw(struct page *pg, const char *html);        /* trusted markup (literals) */
void page_text(struct page *pg, const char *text);       /* escaped */
void page_printf(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <input type="hidden" name="csrf" value="..."> with the browser's token (the cookie is set
 * when the browser has none). */
void page_csrf_field(struct page *pg);
/* Checks the posted csrf field against the cookie: ERR_CSRF when they differ. */
enum err page_csrf_check(struct req *r, json_t *params);
/* A multipart/form-data post (anything else: nothing to do): text parts go into params
 * ("x[]" names collect into arrays); parts and n list every part (files have a filename). */
struct mpart;
enum err page_read_multipart(struct req *r, json_t *params, struct mpart **parts, size_t *n);
/* 303 See Other to a local path. */
enum err page_redirect(struct req *r, const char *path);

#endif
