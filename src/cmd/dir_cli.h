/* dir_cli: what the directory subcommands (user, org, group) share: a small option parser,
 * running a change in one transaction with the event trail entry (actor "cli"), printing
 * field errors, reading import files, and JSON / import report output. */
#ifndef MADO_DIR_CLI_H
#define MADO_DIR_CLI_H

#include "cmd/cmd.h"
#include "domain/dir.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define DIRCLI_MAX_POS 16

enum dircli_kind { OPT_FLAG, OPT_STR, OPT_LIST };

/* A list option may be repeated and may hold comma-separated codes. */
struct dircli_list {
    const char *v[DIR_LIST_MAX];
    size_t n;
    bool set;
};

struct dircli_opt {
    const char *name; /* "--name" */
    enum dircli_kind kind;
    void *out; /* bool *, const char **, struct dircli_list * */
};

/* Parses args: options from opts (NULL-name terminated), the rest positional (≤ maxpos).
 * Prints what is wrong and returns false on an unknown option or a missing value. */
bool dircli_parse(const char *cmd, int argc, char **argv, const struct dircli_opt *opts,
                  const char **pos, int *npos, int maxpos);

/* Runs fn(c, arg) with a system ctx; write = inside one write transaction, committed when fn
 * returns 0. Prints the error of c->fail when fn returns non-zero. Returns the exit code. */
int dircli_run(struct runtime *rt, const char *cmd, bool write, int (*fn)(struct ctx *, void *),
               void *arg);
/* After a successful change: the event trail entry (actor "cli"). */
void dircli_event(struct ctx *c, const char *action, const char *target,
                  const struct dir_result *res);
/* Reads a whole file ("-" = standard input), malloc'd; NULL (message printed) on failure. */
char *dircli_read_file(const char *cmd, const char *path, size_t *n);
/* Prints j (stolen) as indented JSON. */
void dircli_print_json(json_t *j);
/* Runs an import (kind from the file's command) and prints its report. */
int dircli_import(struct ctx *c, const char *cmd, enum dir_import_kind kind, const char *path,
                  bool dry_run, bool json);
const char *dircli_action(enum dir_action a);
/* "-" for empty strings in tables. */
const char *dircli_dash(const char *s);

#endif
