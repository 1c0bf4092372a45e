/* madoguchi: subcommand dispatch only. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv);

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    { "serve", cmd_serve, "run the HTTP server" },
    { "migrate", cmd_migrate, "create or upgrade the database schema" },
    { "user", cmd_user, "staff accounts: add, change, disable, unlock, passwords, import" },
    { "org", cmd_org, "organisations (the tree of departments and sections)" },
    { "group", cmd_group, "groups (roles) and their members" },
    { "token", cmd_token, "create API tokens" },
    { "record", cmd_record, "restore deleted records" },
    { "calendar", cmd_calendar, "open days (開庁日): holidays, closures, legal clock refresh" },
    { "mail", cmd_mail, "mail outbox: queue a test message, list delivery states, retry" },
    { "print", cmd_print, "documents from templates: list templates, render records to PDF or zip" },
    { "pack", cmd_pack, "procedure packs: install or upgrade (with demo data), list, remove the demo" },
    { "audit", cmd_audit, "audit log: verify the chain, export, prune, create the signing key" },
    { "backup", cmd_backup, "backups: take one now, keygen, verify, list (docs/backup-restore.md)" },
    { "restore", cmd_restore, "restore the whole system from a backup" },
};

static void
usage(FILE *out)
{
    fputs("madoguchi — 窓口: application intake and review (kintone-compatible API)\n\n"
          "usage: madoguchi COMMAND [options]   (madoguchi COMMAND --help for details)\n\n",
          out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int
main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "madoguchi: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
