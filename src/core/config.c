/* The settings table and its four sources; see config.h. */
#include "config.h"

#include "arena.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum ctype { C_STR, C_LONG };

struct setting {
    const char *section, *key, *flag;
    enum ctype type;
    size_t off;
    const char *def;
    long min, max;
    const char *help;
};

#define S(sec, key, flag, field, def, help)                                                        \
    { sec, key, flag, C_STR, offsetof(struct config, field), def, 0, 0, help }
#define L(sec, key, flag, field, def, min, max, help)                                              \
    { sec, key, flag, C_LONG, offsetof(struct config, field), def, min, max, help }

static const struct setting settings[] = {
    S("storage", "data", "data", data, "./data", "data directory (database, blobs)"),
    S("storage", "db", "db", db, "",
      "database: empty = SQLite in the data directory, or postgresql://... (libpq multi-host ok)"),
    S("storage", "key_file", "key-file", key_file, "",
      "master key file (32 bytes); default <data>/keys/master.key — keep it off the data disk"),
    S("server", "listen", "listen", listen, "127.0.0.1:8080", "HOST:PORT to listen on"),
    L("server", "workers", "workers", workers, "0", 0, 256, "handler threads (0 = 2 x cores)"),
    L("server", "loops", "loops", loops, "0", 0, 64, "event loop threads (0 = cores / 2, at least 1)"),
    L("server", "max_body_mb", "max-body-mb", max_body_mb, "100", 1, 4096,
      "largest request body in MB (413 above)"),
    S("server", "tz", "tz", tz, "Asia/Tokyo", "time zone of TODAY() and friends"),
    S("server", "tls_cert", "tls-cert", tls_cert, "",
      "PEM certificate chain; with tls_key turns on HTTPS (TLS >= 1.2, HTTP/2); reread on SIGHUP"),
    S("server", "tls_key", "tls-key", tls_key, "", "PEM private key of tls_cert"),
    L("server", "hsts_max_age", "hsts-max-age", hsts_max_age, "31536000", 0, 63072000,
      "Strict-Transport-Security max-age in seconds when TLS is on (0 = no header)"),
    S("security", "trusted_proxies", "trusted-proxies", trusted_proxies, "",
      "CIDRs of reverse proxies whose X-Forwarded-For is believed (comma-separated)"),
    S("security", "staff_allow", "staff-allow", staff_allow, "",
      "CIDRs allowed to use the staff UI and API (empty = any)"),
    S("security", "admin_allow", "admin-allow", admin_allow, "",
      "CIDRs allowed to use the admin area and administrator rights (empty = any)"),
    L("security", "mfa_required", "mfa-required", mfa_required, "1", 0, 1,
      "staff must use TOTP (1) or may log in with a password only (0)"),
    L("security", "mfa_exempt_service", "mfa-exempt-service", mfa_exempt_service, "1", 0, 1,
      "service accounts need no TOTP; they may then only use the API (Basic/token)"),
    L("security", "password_min", "password-min", password_min, "12", 8, 128,
      "minimum password length"),
    L("security", "password_history", "password-history", password_history, "5", 0, 24,
      "a new password may not repeat this many previous ones"),
    L("security", "lockout_attempts", "lockout-attempts", lockout_attempts, "5", 1, 100,
      "failed logins in a row that lock an account"),
    L("security", "lockout_minutes", "lockout-minutes", lockout_minutes, "15", 1, 1440,
      "how long a locked account stays locked"),
    L("security", "session_idle_min", "session-idle-min", session_idle_min, "30", 1, 1440,
      "staff session idle timeout in minutes"),
    L("security", "session_admin_idle_min", "session-admin-idle-min", session_admin_idle_min,
      "10", 1, 1440, "idle timeout of administrators' sessions in minutes"),
    L("security", "session_max_hours", "session-max-hours", session_max_hours, "12", 1, 168,
      "absolute session lifetime in hours"),
    L("security", "session_warn_min", "session-warn-min", session_warn_min, "5", 0, 60,
      "minutes before expiry when the session reports a warning"),
    L("security", "rate_login_ip", "rate-login-ip", rate_login_ip, "30", 0, 100000,
      "login attempts per minute per client IP (0 = unlimited)"),
    L("security", "rate_login_account", "rate-login-account", rate_login_account, "10", 0, 100000,
      "login attempts per minute per account (0 = unlimited)"),
    L("security", "rate_auth_fail_ip", "rate-auth-fail-ip", rate_auth_fail_ip, "60", 0, 100000,
      "failed API authentications (token/Basic) per minute per client IP before 429"),
    L("security", "rate_token", "rate-token", rate_token, "0", 0, 10000000,
      "requests per minute per API token (0 = unlimited)"),
    L("audit", "enabled", "audit-enabled", audit_enabled, "1", 0, 1,
      "write the audit log (0 only to measure its cost: nothing is logged)"),
    S("audit", "key_file", "audit-key-file", audit_key_file, "",
      "Ed25519 key signing audit checkpoints (32-byte seed, 0600, created on first use); "
      "default <data>/keys/audit.key — keep it off the data disk"),
    L("audit", "checkpoint_every", "audit-checkpoint-every", audit_checkpoint_every, "1000", 1,
      100000000, "a signed checkpoint every this many audit entries (and at least daily)"),
    L("audit", "retention_days", "audit-retention-days", audit_retention_days, "0", 0, 36500,
      "audit entries older than this are pruned daily after a signed anchor (0 = keep forever)"),
    S("audit", "reader_group", "audit-reader-group", audit_reader_group, "監査担当",
      "group code whose members may read the audit log (the 監査担当 role)"),
    S("server", "public_url", "public-url", public_url, "",
      "address applicants reach the server at (https://shinsei.example.lg.jp): links in mails "
      "(empty = paths only)"),
    L("forms", "draft_days", "forms-draft-days", forms_draft_days, "30", 1, 365,
      "applicants' drafts are deleted this many days after the last save (reminder 3 days before)"),
    S("mail", "smtp_url", "mail-smtp-url", mail_smtp_url, "",
      "SMTP server, smtp://host:587 (STARTTLS) or smtps://host:465; empty = mail stays queued"),
    S("mail", "from", "mail-from", mail_from, "noreply@localhost",
      "sender address of every message (From and the SMTP envelope)"),
    S("mail", "user", "mail-user", mail_user, "", "SMTP AUTH user name (empty = no AUTH)"),
    S("mail", "password", "mail-password", mail_password, "", "SMTP AUTH password"),
    S("mail", "starttls", "mail-starttls", mail_starttls, "try",
      "smtp:// upgrade to TLS: try (when offered), required (refuse plain text) or off"),
    L("mail", "timeout_seconds", "mail-timeout-seconds", mail_timeout_seconds, "30", 1, 3600,
      "timeout of one delivery (connect: at most 10 s of it)"),
    L("mail", "max_attempts", "mail-max-attempts", mail_max_attempts, "8", 1, 100,
      "delivery attempts before a message is marked failed"),
    L("mail", "retry_base_seconds", "mail-retry-base-seconds", mail_retry_base_seconds, "60", 1,
      3600, "wait after the first failed attempt; doubles each time, at most one hour"),
    /* [backup] — src/jobs/backup.h, docs/backup-restore.md */
    L("backup", "enabled", "backup-enabled", backup_enabled, "1", 0, 1,
      "serve takes scheduled backups (needs key_file)"),
    S("backup", "schedule", "backup-schedule", backup_schedule, "0 2 * * *",
      "when (cron: minute hour day-of-month month day-of-week, Asia/Tokyo)"),
    S("backup", "dir", "backup-dir", backup_dir, "",
      "where archives go; default <data>/backups — better a different disk"),
    S("backup", "key_file", "backup-key-file", backup_key_file, "",
      "backup key (madoguchi backup keygen); keep it off the data disk, like the master key"),
    L("backup", "keep_daily", "backup-keep-daily", backup_keep_daily, "14", 0, 3650,
      "newest backup of each of this many days is kept"),
    L("backup", "keep_weekly", "backup-keep-weekly", backup_keep_weekly, "8", 0, 520,
      "newest backup of each of this many weeks is kept"),
    L("backup", "keep_monthly", "backup-keep-monthly", backup_keep_monthly, "12", 0, 1200,
      "newest backup of each of this many months is kept"),
    S("backup", "copy_to", "backup-copy-to", backup_copy_to, "",
      "also copy each archive here (a mounted remote disk), same retention"),
    S("log", "level", "log-level", log_level, "info", "debug, info, warn or error"),
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static bool
set_value(struct config *cfg, const struct setting *s, const char *value, const char *origin)
{
    char **sp = (char **)((char *)cfg + s->off);
    long *lp = (long *)((char *)cfg + s->off);
    if (s->type == C_STR) {
        free(*sp);
        *sp = xstrdup(value);
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || *end || end == value || v < s->min || v > s->max) {
        fprintf(stderr, "madoguchi: %s: invalid value '%s' for %s.%s (%ld..%ld)\n", origin, value,
                s->section, s->key, s->min, s->max);
        return false;
    }
    *lp = v;
    return true;
}

static const struct setting *
find(const char *section, const char *key)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].section, section) == 0 && strcmp(settings[i].key, key) == 0)
            return &settings[i];
    return NULL;
}

struct ini_ctx {
    struct config *cfg;
    const char *path;
    bool ok;
};

static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *c = user;
    const struct setting *s = find(section, name);
    char origin[600];
    snprintf(origin, sizeof(origin), "%s", c->path);
    if (!s) {
        fprintf(stderr, "madoguchi: %s: unknown setting [%s] %s\n", origin, section, name);
        c->ok = false;
        return 1;
    }
    if (!set_value(c->cfg, s, value, origin))
        c->ok = false;
    return 1;
}

bool
config_load(struct config *cfg, const char *path)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < NSETTINGS; i++)
        set_value(cfg, &settings[i], settings[i].def, "default");
    bool ok = true;
    const char *env_data = getenv("MADOGUCHI_STORAGE_DATA");
    if (!path)
        path = getenv("MADOGUCHI_CONFIG");
    char guess[4096];
    if (!path) {
        snprintf(guess, sizeof(guess), "%s/madoguchi.conf", env_data ? env_data : cfg->data);
        struct stat st;
        if (stat(guess, &st) == 0)
            path = guess;
    }
    if (path && *path) {
        struct ini_ctx c = { cfg, path, true };
        int rc = ini_parse(path, on_ini, &c);
        if (rc < 0) {
            fprintf(stderr, "madoguchi: cannot read config file '%s'\n", path);
            ok = false;
        } else if (rc > 0) {
            fprintf(stderr, "madoguchi: %s:%d: syntax error\n", path, rc);
            ok = false;
        }
        ok = ok && c.ok;
    }
    for (size_t i = 0; i < NSETTINGS; i++) {
        char name[128];
        snprintf(name, sizeof(name), "MADOGUCHI_%s_%s", settings[i].section, settings[i].key);
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        const char *v = getenv(name);
        if (v && !set_value(cfg, &settings[i], v, name))
            ok = false;
    }
    return ok;
}

bool
config_flag(struct config *cfg, int argc, char **argv, int i, int *consumed)
{
    *consumed = 0;
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0)
        return true;
    a += 2;
    for (size_t k = 0; k < NSETTINGS; k++) {
        size_t n = strlen(settings[k].flag);
        if (strncmp(a, settings[k].flag, n) != 0)
            continue;
        if (a[n] == '=') {
            *consumed = 1;
            return set_value(cfg, &settings[k], a + n + 1, argv[i]);
        }
        if (a[n] == '\0') {
            if (i + 1 >= argc) {
                fprintf(stderr, "madoguchi: --%s needs a value\n", settings[k].flag);
                return false;
            }
            *consumed = 2;
            return set_value(cfg, &settings[k], argv[i + 1], argv[i]);
        }
    }
    return true;
}

void
config_print_help(FILE *out)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        fprintf(out, "  --%-13s %s (default \"%s\"; [%s] %s; MADOGUCHI_%s_%s)\n", settings[i].flag,
                settings[i].help, settings[i].def, settings[i].section, settings[i].key,
                settings[i].section, settings[i].key);
}

void
config_print(const struct config *cfg, FILE *out)
{
    const char *last = "";
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (strcmp(last, settings[i].section) != 0)
            fprintf(out, "%s[%s]\n", *last ? "\n" : "", settings[i].section);
        last = settings[i].section;
        if (settings[i].type == C_STR) {
            const char *v = *(char *const *)((const char *)cfg + settings[i].off);
            /* --print-config output ends up in tickets and chat: never show a password */
            if (strcmp(settings[i].key, "password") == 0 && v && *v)
                v = "(set)";
            fprintf(out, "%s = %s\n", settings[i].key, v);
        }
        else
            fprintf(out, "%s = %ld\n", settings[i].key,
                    *(const long *)((const char *)cfg + settings[i].off));
    }
}

void
config_release(struct config *cfg)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (settings[i].type == C_STR)
            free(*(char **)((char *)cfg + settings[i].off));
    memset(cfg, 0, sizeof(*cfg));
}

char *
config_db_url(const struct config *cfg)
{
    if (cfg->db && *cfg->db)
        return xstrdup(cfg->db);
    size_t n = strlen(cfg->data) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/madoguchi.db", cfg->data);
    return p;
}

char *
config_key_path(const struct config *cfg)
{
    if (cfg->key_file && *cfg->key_file)
        return xstrdup(cfg->key_file);
    size_t n = strlen(cfg->data) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/keys/master.key", cfg->data);
    return p;
}

char *
config_audit_key_path(const struct config *cfg)
{
    if (cfg->audit_key_file && *cfg->audit_key_file)
        return xstrdup(cfg->audit_key_file);
    size_t n = strlen(cfg->data) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/keys/audit.key", cfg->data);
    return p;
}

char *
config_backup_dir(const struct config *cfg)
{
    if (cfg->backup_dir && *cfg->backup_dir)
        return xstrdup(cfg->backup_dir);
    size_t n = strlen(cfg->data) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/backups", cfg->data);
    return p;
}
