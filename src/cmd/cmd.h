/* cmd: the operator's subcommands (serve, migrate, user, org, group, token, record). Each
 * parses its own flags, prints --help, and returns the process exit code (0 ok, 1 failure,
 * 2 usage). */
#ifndef MADO_CMD_H
#define MADO_CMD_H

#include "core/config.h"
#include "domain/ctx.h"

#include <stdio.h>

struct db;
struct arena;
struct sec_key;

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_org(int argc, char **argv);   /* dir_cmd.c */
int cmd_group(int argc, char **argv); /* dir_cmd.c */
int cmd_calendar(int argc, char **argv); /* cal_cmd.c */
int cmd_audit(int argc, char **argv); /* audit_cmd.c */
int cmd_mail(int argc, char **argv);  /* mail_cmd.c */
int cmd_print(int argc, char **argv); /* print_cmd.c */
int cmd_backup(int argc, char **argv);  /* backup_cmd.c */
int cmd_restore(int argc, char **argv); /* restore_cmd.c */
void backup_key_args(int argc, char **argv, char **args); /* backup_cmd.c */
int cmd_pack(int argc, char **argv);  /* pack_cmd.c */

/* What every subcommand sets up: config (with the shared flags applied), the data directory,
 * the master key, the blob store, and one migrated database connection. */
struct runtime {
    struct config cfg;
    char *db_url;
    struct sec_key *key;
    struct db *db;
};

#define RUNTIME_MAX_ARGS 64

/* Parses argv (rt is reset first): shared config flags are consumed, the rest is left for the
 * command in rest/nrest (room for RUNTIME_MAX_ARGS). With --help among the rest, prints
 * usage to stdout. Returns -1 to go on, or the exit code to return (0 after --help). */
int runtime_args(struct runtime *rt, int argc, char **argv, char **rest, int *nrest,
                 void (*usage)(FILE *));
int runtime_open(struct runtime *rt);
void runtime_close(struct runtime *rt);
/* A ctx acting as the system (CLI commands). */
void runtime_ctx(struct runtime *rt, struct ctx *c, struct arena *a, struct fail *f);

#endif
