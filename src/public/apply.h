/* apply: the applicant pages under /apply/ (server-rendered, usable without JavaScript):
 * the list of open forms, e-mail verification, and the form steps. */
#ifndef MADO_APPLY_H
#define MADO_APPLY_H

#include "public/page.h"

const char *apply_form_code(struct req *r, const char *s);
enum err apply_verify_get(struct req *r, json_t *p);
enum err apply_verify_post(struct req *r, json_t *p);
enum err apply_confirm_post(struct req *r, json_t *p);
/* apply_form.c: the list, the steps, check, submit and done pages of form `code`; sub is
 * NULL or the part after the code ("check", "done", "submit"). */
enum err apply_list(struct req *r);
enum err apply_form_get(struct req *r, const char *code, const char *sub, json_t *p);
enum err apply_form_post(struct req *r, const char *code, const char *sub, json_t *p);

#endif
