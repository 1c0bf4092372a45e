/* Internal helpers shared by the record_*.c files (not for other modules). */
#ifndef MADO_RECORD_INT_H
#define MADO_RECORD_INT_H

#include "domain/record.h"

struct db_res;

json_t *rec_row_to_wire(struct ctx *c, const struct app_def *d, struct db_res *res,
                        const json_t *fields);
const char *rec_display_name(void *arg, const char *kind, const char *code);
enum err rec_not_found(struct ctx *c, int64_t id);

#endif
