/* config: one typed table of settings, read (later wins) from built-in defaults, the INI file
 * (madoguchi.conf, parsed with inih), MADOGUCHI_<SECTION>_<KEY> environment variables and
 * command-line flags. The same table prints --help and --print-config. */
#ifndef MADO_CONFIG_H
#define MADO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
    char *data;      /* data directory */
    char *db;        /* "" = SQLite file <data>/madoguchi.db; or postgresql://... */
    char *listen;    /* HOST:PORT */
    char *key_file;  /* master key; "" = <data>/keys/master.key */
    char *tz;        /* default time zone of callers */
    char *log_level; /* debug, info, warn, error */
    long workers;    /* 0 = 2 x cores */
    long loops;      /* 0 = cores / 2, at least 1 */
    long max_body_mb;
    char *tls_cert, *tls_key; /* both set = HTTPS */
    long hsts_max_age;
    /* [security] — see the table in config.c for meanings and defaults */
    char *trusted_proxies, *staff_allow, *admin_allow; /* comma-separated CIDR lists */
    long mfa_required, mfa_exempt_service;
    long password_min, password_history;
    long lockout_attempts, lockout_minutes;
    long session_idle_min, session_admin_idle_min, session_max_hours, session_warn_min;
    long rate_login_ip, rate_login_account, rate_auth_fail_ip, rate_token;
    /* [audit] */
    long audit_enabled, audit_checkpoint_every, audit_retention_days;
    char *audit_key_file, *audit_reader_group;
    /* [forms] */
    long forms_draft_days;
    char *public_url; /* [server] public_url: links in mails to applicants */
    /* [mail] — SMTP delivery of the outbox (src/mail/) */
    char *mail_smtp_url, *mail_from, *mail_user, *mail_password, *mail_starttls;
    long mail_timeout_seconds, mail_max_attempts, mail_retry_base_seconds;
    /* [backup] */
    long backup_enabled, backup_keep_daily, backup_keep_weekly, backup_keep_monthly;
    char *backup_schedule, *backup_dir, *backup_key_file, *backup_copy_to;
};

/* Loads defaults, then the file (path NULL: $MADOGUCHI_CONFIG, else <data>/madoguchi.conf if it
 * exists), then the environment. Returns false with a message on stderr on any invalid value. */
bool config_load(struct config *cfg, const char *path);
/* Applies "--key value" / "--key=value" for known keys (key = the table's flag name).
 * *consumed = number of argv entries used (0 if not a config flag). */
bool config_flag(struct config *cfg, int argc, char **argv, int i, int *consumed);
void config_print_help(FILE *out);
void config_print(const struct config *cfg, FILE *out);
void config_release(struct config *cfg);
/* Resolved SQLite path or PostgreSQL URL (malloc'd). */
char *config_db_url(const struct config *cfg);
char *config_key_path(const struct config *cfg);
/* The audit signing key: [audit] key_file, default <data>/keys/audit.key (malloc'd). */
char *config_audit_key_path(const struct config *cfg);
/* [backup] dir, default <data>/backups (malloc'd). */
char *config_backup_dir(const struct config *cfg);

#endif
