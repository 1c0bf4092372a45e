/* Internal helpers shared by the wf_*.c files (not for other modules). */
#ifndef MADO_WF_INT_H
#define MADO_WF_INT_H

#include "domain/wf.h"

/* The action named name leaving status from (from NULL = any), or NULL. */
const json_t *wf_find_action(const json_t *proc, const char *name, const char *from);
/* The status with the lowest index. */
const char *wf_first_state(const json_t *proc);
void wf_decref(void *p);

/* The users an entity list names for a record (new reference: array of logins, each once,
 * in list order). creator/data: the record's (FIELD_ENTITY, CREATOR). */
enum err wf_resolve(struct ctx *c, const json_t *entities, const char *creator,
                    const json_t *data, json_t **out) MUST_CHECK;
/* True when the record matches the condition (query language; "" = always). */
enum err wf_cond_match(struct ctx *c, const struct app_def *d, int64_t id, const char *cond,
                       bool *match) MUST_CHECK;
bool wf_list_has(const json_t *logins, const char *login);
/* Runs an action as the system (automatic rules); depth guards against rule loops. */
enum err wf_run_system(struct ctx *c, const struct app_def *d, int64_t id, const char *action,
                       const char *rule, int depth) MUST_CHECK;

#endif
