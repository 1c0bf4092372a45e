/* user_cmd: the verbs of `madoguchi user` (the command itself, its usage and the verb table
 * are in admin.c). Each takes the arguments after the verb and returns the exit code. */
#ifndef MADO_USER_CMD_H
#define MADO_USER_CMD_H

#include "cmd/cmd.h"

int user_cmd_add(struct runtime *rt, int argc, char **argv);
int user_cmd_set(struct runtime *rt, int argc, char **argv);
int user_cmd_list(struct runtime *rt, int argc, char **argv);
int user_cmd_show(struct runtime *rt, int argc, char **argv);
int user_cmd_disable(struct runtime *rt, int argc, char **argv);
int user_cmd_enable(struct runtime *rt, int argc, char **argv);
int user_cmd_unlock(struct runtime *rt, int argc, char **argv);
int user_cmd_reset_mfa(struct runtime *rt, int argc, char **argv);
int user_cmd_password(struct runtime *rt, int argc, char **argv);
int user_cmd_passwd(struct runtime *rt, int argc, char **argv); /* the old spelling */
int user_cmd_import(struct runtime *rt, int argc, char **argv);

#endif
