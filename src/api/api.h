/* api: the HTTP API. api_handle() is what the server runs for every request: route lookup in
 * THE route table (routes.c), parameter and body parsing, authentication, one transaction for
 * writing routes, the handler, and the error body. Handlers are short: they read params, call
 * the domain layer, and set the response with api_json(). */
#ifndef MADO_API_H
#define MADO_API_H

#include "core/err.h"
#include "http/request.h"

#include <jansson.h>
#include <stdbool.h>

struct db;

/* Handlers get the merged parameters (query string + JSON body). */
typedef enum err api_fn(struct req *r, json_t *params);

enum route_flags {
    ROUTE_PUBLIC = 1 << 0, /* no authentication */
    ROUTE_WRITE = 1 << 1,  /* runs in one write transaction */
    ROUTE_RAW = 1 << 2,    /* body is not JSON (file upload) */
    ROUTE_PREVIEW = 1 << 3, /* also answers under /k/v1/preview/ (and only there if ROUTE_PREVIEW_ONLY) */
    ROUTE_PREVIEW_ONLY = 1 << 4,
    ROUTE_BULK = 1 << 5, /* may be called from bulkRequest */
    ROUTE_ADMIN = 1 << 6, /* admin area: administrators only, admin_allow IP list, use is logged */
    ROUTE_STAGE = 1 << 7, /* also for browser sessions still in login (TOTP / password change) */
    ROUTE_OWN_TX = 1 << 8, /* the handler runs its own transactions (login: a refusal must
                              still commit the failure count) */
    ROUTE_HTML = 1 << 9,   /* a page for people: errors answer as an HTML page (api_html_error) */
};

struct route {
    const char *method;
    const char *path; /* after the /k/v1 or /k/guest/N/v1 prefix (and /preview), e.g. "/record.json";
                         plain routes ending in '*' match every path with that prefix (exact
                         routes win) */
    api_fn *fn;
    unsigned flags;
    size_t max_body; /* 0 = server default */
    const char *audit; /* audit log action of a request ("record.view"); NULL = not logged per
                          request (settings reads, login steps: those log their own events) */
};

/* Route table lookup: *method_ok=false when the path exists with other methods. */
const struct route *routes_find(const char *method, const char *path, bool preview, bool *path_known);
/* Non-kintone paths (/healthz, /readyz, /auth/..., /v1/... (cybozu User API), /admin/api/...). */
const struct route *routes_find_plain(const char *method, const char *path);

/* Configuration the API needs at run time (set once at start-up). */
struct api_config {
    size_t max_body;
    const char *tz; /* default time zone name */
};
void api_configure(const struct api_config *cfg);
const struct api_config *api_config(void);

void api_handle(void *db_state, struct req *r);

/* Response helpers: set a JSON body (steals obj). */
enum err api_json(struct req *r, json_t *obj);
/* Renders r->fail (or e) as kintone's error JSON. */
void api_error(struct req *r, enum err e);
/* The error page of ROUTE_HTML routes (src/public/page.c). */
void api_html_error(struct req *r, enum err e);

/* Runs a handler for bulkRequest inside the caller's transaction. */
enum err api_call_bulk(struct req *r, const char *method, const char *api_path, json_t *payload,
                       json_t **result);

/* Handlers (one file per resource). */
api_fn api_healthz, api_readyz;
api_fn api_record_get, api_record_post, api_record_put;
api_fn api_records_get, api_records_post, api_records_put, api_records_delete;
api_fn api_cursor_post, api_cursor_get, api_cursor_delete;
api_fn api_bulk_request;
api_fn api_file_post, api_file_get;
api_fn api_comments_get, api_comment_post, api_comment_delete;
api_fn api_app_get, api_apps_get, api_app_post;
api_fn api_fields_get, api_fields_post, api_fields_put, api_fields_delete;
api_fn api_layout_get, api_layout_put;
api_fn api_views_get, api_views_put;
api_fn api_deploy_post, api_deploy_get;
api_fn api_settings_get, api_settings_put;
api_fn api_status_get, api_status_put;
/* process management, opinions, inbox (wf_api.c) */
api_fn api_record_status_put, api_records_status_put, api_record_assignees_put;
api_fn api_record_actions_get, api_opinions_get, api_opinion_post;
api_fn api_inbox_get, api_inbox_read_post;
/* staff app inbox: records assigned to me (my_work_api.c) */
api_fn api_assigned_get;
/* record history (history_api.c) */
api_fn api_history_get, api_record_asof_get, api_record_revert_post;
/* legal clock and calendar (clock_api.c) */
api_fn api_records_clock_get, api_app_clock_get, api_app_clock_put;
/* record lists: exports for spreadsheets (export_api.c, issue #8) */
api_fn api_export_csv_get, api_export_xlsx_get;
api_fn api_calendar_get, api_admin_calendar_put;
/* staff dashboard figures (kpi_api.c) */
api_fn api_kpi_get;
/* applicants (applicant_api.c), public forms (apply_api.c), forms admin (form_admin_api.c),
 * mail outbox (mail_api.c) */
api_fn api_apply_verify, api_apply_confirm, api_apply_logout;
api_fn api_apply_forms, api_apply_form, api_apply_draft_get, api_apply_draft_put;
api_fn api_apply_file_post, api_apply_submit;
api_fn api_admin_forms_get, api_admin_forms_put, api_admin_form_publish;
api_fn api_admin_mail_get, api_admin_mail_retry;
/* pages for applicants and the embedded static files (src/public/) */
api_fn public_asset, public_staff_app, public_apply_get, public_apply_post, public_my_get, public_my_post;
/* the thread with the applicant (portal_api.c), issued documents (doc_api.c) */
api_fn api_messages_get, api_message_post;
api_fn api_documents_get, api_document_post, api_document_delivery_put;
/* document templates, printing and revoking (template_api.c); the public /verify page
 * (src/public/verify_page.c) */
api_fn api_templates_get, api_template_get, api_template_put, api_template_delete;
api_fn api_template_preview, api_record_print, api_document_revoke, api_records_print_zip;
api_fn public_verify_get;
/* audit log (audit_api.c) */
api_fn api_audit_entries_get, api_audit_verify_get;
/* backup: the status list for the staff dashboard (backup_api.c); dir = [backup] dir, set once
 * at start (NULL: an empty list) */
api_fn api_backups_get;
void api_backup_configure(const char *dir);
/* kintone permission settings and their evaluation (acl_api.c) */
api_fn api_app_acl_get, api_app_acl_put, api_record_acl_get, api_record_acl_put;
api_fn api_field_acl_get, api_field_acl_put, api_acl_evaluate, api_access_report;
/* staff login and sessions (auth_api.c) */
api_fn api_auth_login, api_auth_mfa, api_auth_password, api_auth_session, api_auth_logout;
api_fn api_auth_logout_all, api_auth_totp_setup, api_auth_totp_confirm, api_auth_recovery_codes;
/* directory: cybozu User API reads and the admin API (dir_api.c) */
api_fn api_v1_users, api_v1_orgs, api_v1_groups, api_v1_user_orgs, api_v1_user_groups;
api_fn api_v1_org_users, api_v1_group_users;
api_fn api_admin_users_post, api_admin_users_put, api_admin_users_delete;
api_fn api_admin_orgs_post, api_admin_orgs_put, api_admin_orgs_delete;
api_fn api_admin_groups_post, api_admin_groups_put, api_admin_groups_delete;
api_fn api_admin_memberships_put, api_admin_import, api_admin_user_unlock;
api_fn api_admin_user_reset_mfa, api_admin_user_password, api_admin_events;

/* online restore of one record or one app (restore_api.c) */
api_fn api_restore_preview, api_restore_post;

#endif
