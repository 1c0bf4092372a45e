/* my: the applicant portal pages under /my/ (server-rendered, usable without JavaScript;
 * Japanese first, English with ?lang=en): the list of my applications, one application
 * (answers, documents, the thread with the ward and the reply form, the timeline, withdrawal)
 * and the downloads. Shared between my_pages.c, my_thread.c and my_files.c. */
#ifndef MADO_MY_H
#define MADO_MY_H

#include "domain/applicant.h"
#include "public/page.h"

#include <stdbool.h>
#include <stdint.h>

/* Japanese or English by the page's language. */
#define MY_T(r, ja, en) ((r)->ctx.lang == LANG_EN ? (en) : (ja))

/* What a post left for the page to show again (an error with what was typed). */
struct my_state {
    const char *action, *action_error; /* the applicant action form that failed */
    const json_t *reply_errors;        /* {"a.<code>"|"body"|"files": {messages:[...]}} */
    const char *reply_body;
    const json_t *reply_answers;       /* {code: value} as posted */
    bool sent;                         /* a message was just sent */
};

const char *my_date(struct req *r, int64_t secs);
const char *my_day(struct req *r, const char *iso); /* "2026-12-10" for people */
const char *my_url_part(struct req *r, const char *s);
const char *my_size(struct req *r, int64_t bytes);

/* The application page (status 200, or 400 with st's errors). */
enum err my_application(struct req *r, const struct applicant *a, const char *receipt,
                        const struct my_state *st);
/* Thread section and reply form (my_thread.c). */
void my_thread_section(struct page *pg, const char *receipt, const json_t *thread,
                       const struct my_state *st);
/* POST /my/{receipt}/reply (my_thread.c). */
enum err my_reply_post(struct req *r, const struct applicant *a, const char *receipt, json_t *p);
/* GET /my/{receipt}/files/{key} and /my/{receipt}/documents/{id} (my_files.c). */
enum err my_download_file(struct req *r, const struct applicant *a, const char *receipt,
                          const char *key);
enum err my_download_document(struct req *r, const struct applicant *a, const char *receipt,
                              const char *id);

#endif
