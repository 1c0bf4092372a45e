/* THE route table: every URL the server answers, its handler, and what the dispatcher checks
 * before the handler runs. Paths are relative to /k/v1 (also /k/guest/{space}/v1); entries
 * with ROUTE_PREVIEW answer under /k/v1/preview too. */
#include "api.h"

#include <string.h>

#define MB (1024 * 1024)
#define KB64 (64 * 1024)
#define OWN_TX ROUTE_OWN_TX
#define ADMIN_W (ROUTE_ADMIN | ROUTE_WRITE)
#define LOGIN_STEP (ROUTE_STAGE | ROUTE_WRITE | ROUTE_OWN_TX) /* also before login is complete */

static const struct route kintone_routes[] = {
    /* records */
    { "GET", "/record.json", api_record_get, ROUTE_BULK, 0, "record.view" },         /* one record */
    { "POST", "/record.json", api_record_post, ROUTE_WRITE | ROUTE_BULK, 8 * MB, "record.create" },
    { "PUT", "/record.json", api_record_put, ROUTE_WRITE | ROUTE_BULK, 8 * MB, "record.update" },
    { "GET", "/records.json", api_records_get, 0, 0, "record.list" },                /* query */
    { "POST", "/records.json", api_records_post, ROUTE_WRITE | ROUTE_BULK, 64 * MB, "record.create" },
    { "PUT", "/records.json", api_records_put, ROUTE_WRITE | ROUTE_BULK, 64 * MB, "record.update" },
    { "DELETE", "/records.json", api_records_delete, ROUTE_WRITE | ROUTE_BULK, MB, "record.delete" },
    { "POST", "/records/cursor.json", api_cursor_post, ROUTE_WRITE, MB, "record.export" },
    { "GET", "/records/cursor.json", api_cursor_get, ROUTE_WRITE, 0, "record.export" }, /* advances the cursor */
    { "DELETE", "/records/cursor.json", api_cursor_delete, ROUTE_WRITE, 0, NULL },
    { "POST", "/bulkRequest.json", api_bulk_request, ROUTE_WRITE, 128 * MB, "record.bulk" },
    /* process management (wf_api.c) */
    { "PUT", "/record/status.json", api_record_status_put, ROUTE_WRITE | ROUTE_BULK, MB, "record.status" },
    { "PUT", "/records/status.json", api_records_status_put, ROUTE_WRITE | ROUTE_BULK, 8 * MB, "record.status" },
    { "PUT", "/record/assignees.json", api_record_assignees_put, ROUTE_WRITE | ROUTE_BULK, MB, "record.assignees" },
    { "GET", "/record/actions.json", api_record_actions_get, 0, 0, NULL }, /* what I may do now */
    { "GET", "/record/opinions.json", api_opinions_get, 0, 0, NULL },
    { "POST", "/record/opinion.json", api_opinion_post, ROUTE_WRITE, MB, "record.opinion" },
    /* the thread with the applicant (portal_api.c) and issued documents (doc_api.c) */
    { "GET", "/record/messages.json", api_messages_get, 0, 0, "record.messages.read" },
    { "POST", "/record/message.json", api_message_post, ROUTE_WRITE, MB, "record.message" },
    { "GET", "/record/documents.json", api_documents_get, 0, 0, "record.documents.read" },
    { "POST", "/record/document.json", api_document_post, ROUTE_WRITE, MB, "record.document.issue" },
    { "PUT", "/record/document/delivery.json", api_document_delivery_put, ROUTE_WRITE, KB64, "record.document.deliver" },
    /* document templates and printing (template_api.c) */
    { "POST", "/record/print.json", api_record_print, ROUTE_WRITE, KB64, "record.document.issue" },
    { "POST", "/records/print.zip", api_records_print_zip, ROUTE_WRITE, KB64, "record.document.bulk" },
    { "POST", "/record/document/revoke.json", api_document_revoke, ROUTE_WRITE, KB64, "record.document.revoke" },
    { "GET", "/app/templates.json", api_templates_get, 0, 0, NULL },
    { "GET", "/app/template.json", api_template_get, 0, 0, NULL },
    { "PUT", "/app/template.json", api_template_put, ROUTE_WRITE, 8 * MB, "template.change" },
    { "DELETE", "/app/template.json", api_template_delete, ROUTE_WRITE, KB64, "template.change" },
    { "POST", "/app/template/preview.json", api_template_preview, 0, 8 * MB, "template.preview" },
    /* history (history_api.c) */
    { "GET", "/record/history.json", api_history_get, 0, 0, "record.history" },
    { "GET", "/record/asof.json", api_record_asof_get, 0, 0, "record.view" },
    { "POST", "/record/revert.json", api_record_revert_post, ROUTE_WRITE, MB, "record.revert" },
    /* legal clock (clock_api.c) */
    { "GET", "/records/clock.json", api_records_clock_get, 0, 0, NULL },
    /* record lists: exports for spreadsheets (export_api.c, issue #8) */
    { "GET", "/records/export.csv", api_export_csv_get, 0, 0, "record.export" },
    { "GET", "/records/export.xlsx", api_export_xlsx_get, 0, 0, "record.export" },
    /* files and comments */
    { "POST", "/file.json", api_file_post, ROUTE_WRITE | ROUTE_RAW, 0, "file.upload" },
    { "GET", "/file.json", api_file_get, 0, 0, "file.download" },
    { "GET", "/record/comments.json", api_comments_get, 0, 0, "comment.list" },
    { "POST", "/record/comment.json", api_comment_post, ROUTE_WRITE, MB, "comment.add" },
    { "DELETE", "/record/comment.json", api_comment_delete, ROUTE_WRITE, 0, "comment.delete" },
    /* apps */
    { "GET", "/app.json", api_app_get, 0, 0, NULL },
    { "GET", "/apps.json", api_apps_get, 0, 0, NULL },
    { "POST", "/app.json", api_app_post, ROUTE_WRITE | ROUTE_PREVIEW | ROUTE_PREVIEW_ONLY, MB, "app.create" },
    { "GET", "/app/form/fields.json", api_fields_get, ROUTE_PREVIEW, 0, NULL },
    { "POST", "/app/form/fields.json", api_fields_post, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB, "app.settings" },
    { "PUT", "/app/form/fields.json", api_fields_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB, "app.settings" },
    { "DELETE", "/app/form/fields.json", api_fields_delete, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "app.settings" },
    { "GET", "/app/form/layout.json", api_layout_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/app/form/layout.json", api_layout_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB, "app.settings" },
    { "GET", "/app/views.json", api_views_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/app/views.json", api_views_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB, "app.settings" },
    { "GET", "/app/settings.json", api_settings_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/app/settings.json", api_settings_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "app.settings" },
    { "GET", "/app/status.json", api_status_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/app/status.json", api_status_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "app.settings" },
    { "GET", "/app/clock.json", api_app_clock_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/app/clock.json", api_app_clock_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "app.settings" },
    { "POST", "/app/deploy.json", api_deploy_post, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "app.deploy" },
    { "GET", "/app/deploy.json", api_deploy_get, ROUTE_PREVIEW_ONLY, 0, NULL },
    /* permissions */
    { "GET", "/app/acl.json", api_app_acl_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/app/acl.json", api_app_acl_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "acl.change" },
    { "GET", "/record/acl.json", api_record_acl_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/record/acl.json", api_record_acl_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "acl.change" },
    { "GET", "/field/acl.json", api_field_acl_get, ROUTE_PREVIEW, 0, NULL },
    { "PUT", "/field/acl.json", api_field_acl_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB, "acl.change" },
    { "GET", "/records/acl/evaluate.json", api_acl_evaluate, 0, 0, NULL },
};

static const struct route plain_routes[] = {
    { "GET", "/healthz", api_healthz, ROUTE_PUBLIC, 0, NULL }, /* process is up; no database */
    { "GET", "/readyz", api_readyz, ROUTE_PUBLIC, 0, NULL },   /* database answers */
    /* staff login (browser sessions) */
    { "POST", "/auth/login.json", api_auth_login, ROUTE_PUBLIC | ROUTE_WRITE | OWN_TX, KB64, NULL },
    { "POST", "/auth/mfa.json", api_auth_mfa, LOGIN_STEP, KB64, NULL },
    { "POST", "/auth/password.json", api_auth_password, LOGIN_STEP, KB64, NULL },
    { "GET", "/auth/session.json", api_auth_session, ROUTE_STAGE | OWN_TX, 0, NULL },
    { "POST", "/auth/logout.json", api_auth_logout, LOGIN_STEP, KB64, NULL },
    { "POST", "/auth/logout-all.json", api_auth_logout_all, ROUTE_WRITE | OWN_TX, KB64, NULL },
    { "POST", "/auth/totp/setup.json", api_auth_totp_setup, LOGIN_STEP, KB64, NULL },
    { "POST", "/auth/totp/confirm.json", api_auth_totp_confirm, LOGIN_STEP, KB64, NULL },
    { "POST", "/auth/recovery-codes.json", api_auth_recovery_codes, ROUTE_WRITE | OWN_TX, KB64, NULL },
    /* directory, read: the cybozu User API shapes */
    { "GET", "/v1/users.json", api_v1_users, 0, 0, "directory.read" },
    { "GET", "/v1/organizations.json", api_v1_orgs, 0, 0, "directory.read" },
    { "GET", "/v1/groups.json", api_v1_groups, 0, 0, "directory.read" },
    { "GET", "/v1/user/organizations.json", api_v1_user_orgs, 0, 0, "directory.read" },
    { "GET", "/v1/user/groups.json", api_v1_user_groups, 0, 0, "directory.read" },
    { "GET", "/v1/organization/users.json", api_v1_org_users, 0, 0, "directory.read" },
    { "GET", "/v1/group/users.json", api_v1_group_users, 0, 0, "directory.read" },
    /* my inbox of notifications (wf_api.c) */
    { "GET", "/api/inbox.json", api_inbox_get, 0, 0, NULL },
    { "POST", "/api/inbox/read.json", api_inbox_read_post, ROUTE_WRITE, KB64, NULL },
    /* staff app inbox: records assigned to me across apps (my_work_api.c) */
    { "GET", "/api/assigned.json", api_assigned_get, 0, 0, NULL },
    /* online restore of one record or one app, from a backup or (a record) from its history
     * (restore_api.c). Who may is checked by the handler: system administrators for a whole
     * app, the app's administrators (manage right) for one record. The preview writes nothing;
     * the audit action is set by the handler (record.restore, app.restore, ...preview). */
    { "POST", "/api/restore/preview.json", api_restore_preview, 0, MB, "restore.preview" },
    { "POST", "/api/restore.json", api_restore_post, ROUTE_WRITE, MB, "restore" },
    /* audit log: readers need the auditor role, checked by the handler (audit_api.c) */
    { "GET", "/audit/api/entries.json", api_audit_entries_get, 0, 0, "audit.read" },
    { "GET", "/audit/api/verify.json", api_audit_verify_get, 0, 0, "audit.verify" },
    /* staff dashboard figures (kpi_api.c) */
    { "GET", "/api/kpi.json", api_kpi_get, 0, 0, NULL },
    /* backup: status of the backups, system administrators only (backup_api.c) */
    { "GET", "/api/backups.json", api_backups_get, ROUTE_ADMIN, 0, "admin.read" },
    /* calendar of open days (clock_api.c) */
    { "GET", "/api/calendar.json", api_calendar_get, 0, 0, NULL },
    { "PUT", "/admin/api/calendar.json", api_admin_calendar_put, ADMIN_W, MB, "admin.change" },
    /* applicants: e-mail verification (applicant_api.c) and the forms' JSON API (apply_api.c);
     * public routes, the handlers check the applicant session and X-Requested-With */
    { "POST", "/apply/api/verify.json", api_apply_verify, ROUTE_PUBLIC | ROUTE_WRITE, KB64, "applicant.verify" },
    { "POST", "/apply/api/confirm.json", api_apply_confirm, ROUTE_PUBLIC | ROUTE_WRITE | OWN_TX, KB64, "applicant.confirm" },
    { "POST", "/apply/api/logout.json", api_apply_logout, ROUTE_PUBLIC | ROUTE_WRITE, KB64, "applicant.logout" },
    { "GET", "/apply/api/forms.json", api_apply_forms, ROUTE_PUBLIC, 0, NULL },
    { "GET", "/apply/api/form.json", api_apply_form, ROUTE_PUBLIC, 0, NULL },
    { "GET", "/apply/api/draft.json", api_apply_draft_get, ROUTE_PUBLIC, 0, "applicant.draft.read" },
    { "PUT", "/apply/api/draft.json", api_apply_draft_put, ROUTE_PUBLIC | ROUTE_WRITE, 4 * MB, "applicant.draft.save" },
    { "POST", "/apply/api/file.json", api_apply_file_post, ROUTE_PUBLIC | ROUTE_WRITE | ROUTE_RAW, 0, "applicant.file.upload" },
    { "POST", "/apply/api/submit.json", api_apply_submit, ROUTE_PUBLIC | ROUTE_WRITE, 4 * MB, "applicant.submit" },
    /* pages for applicants (no JavaScript needed) and the files they use */
    { "GET", "/assets/*", public_asset, ROUTE_PUBLIC, 0, NULL },
    /* the staff application: one page; it signs in through /auth/ and uses the API */
    { "GET", "/staff/*", public_staff_app, ROUTE_PUBLIC | ROUTE_HTML, 0, NULL },
    { "GET", "/staff", public_staff_app, ROUTE_PUBLIC | ROUTE_HTML, 0, NULL },
    { "GET", "/apply/*", public_apply_get, ROUTE_PUBLIC | ROUTE_HTML, 0, NULL },
    { "GET", "/apply", public_apply_get, ROUTE_PUBLIC | ROUTE_HTML, 0, NULL },
    { "POST", "/apply/*", public_apply_post, ROUTE_PUBLIC | ROUTE_HTML | OWN_TX, 32 * MB, "applicant.page" },
    { "GET", "/my/*", public_my_get, ROUTE_PUBLIC | ROUTE_HTML, 0, "applicant.portal" },
    { "GET", "/my", public_my_get, ROUTE_PUBLIC | ROUTE_HTML, 0, "applicant.portal" },
    { "POST", "/my/*", public_my_post, ROUTE_PUBLIC | ROUTE_HTML | OWN_TX, 32 * MB, "applicant.action" },
    /* is this document genuine? (src/public/verify_page.c; no login, nothing personal) */
    { "GET", "/verify/*", public_verify_get, ROUTE_PUBLIC | ROUTE_HTML, 0, NULL },
    { "GET", "/verify", public_verify_get, ROUTE_PUBLIC | ROUTE_HTML, 0, NULL },
    /* form definitions and the mail outbox, for administrators */
    { "GET", "/admin/api/forms.json", api_admin_forms_get, ROUTE_ADMIN, 0, "admin.read" },
    { "PUT", "/admin/api/forms.json", api_admin_forms_put, ADMIN_W, 8 * MB, "admin.change" },
    { "POST", "/admin/api/form/publish.json", api_admin_form_publish, ADMIN_W, KB64, "admin.change" },
    { "GET", "/admin/api/mail.json", api_admin_mail_get, ROUTE_ADMIN, 0, "admin.read" },
    { "POST", "/admin/api/mail/retry.json", api_admin_mail_retry, ADMIN_W, KB64, "admin.change" },
    /* admin area */
    { "POST", "/admin/api/users.json", api_admin_users_post, ADMIN_W, MB, "admin.change" },
    { "PUT", "/admin/api/users.json", api_admin_users_put, ADMIN_W, MB, "admin.change" },
    { "DELETE", "/admin/api/users.json", api_admin_users_delete, ADMIN_W, MB, "admin.change" },
    { "POST", "/admin/api/orgs.json", api_admin_orgs_post, ADMIN_W, MB, "admin.change" },
    { "PUT", "/admin/api/orgs.json", api_admin_orgs_put, ADMIN_W, MB, "admin.change" },
    { "DELETE", "/admin/api/orgs.json", api_admin_orgs_delete, ADMIN_W, MB, "admin.change" },
    { "POST", "/admin/api/groups.json", api_admin_groups_post, ADMIN_W, MB, "admin.change" },
    { "PUT", "/admin/api/groups.json", api_admin_groups_put, ADMIN_W, MB, "admin.change" },
    { "DELETE", "/admin/api/groups.json", api_admin_groups_delete, ADMIN_W, MB, "admin.change" },
    { "PUT", "/admin/api/memberships.json", api_admin_memberships_put, ADMIN_W, MB, "admin.change" },
    { "POST", "/admin/api/import.json", api_admin_import, ADMIN_W, 16 * MB, "admin.change" },
    { "POST", "/admin/api/user/unlock.json", api_admin_user_unlock, ADMIN_W, MB, "admin.change" },
    { "POST", "/admin/api/user/reset-mfa.json", api_admin_user_reset_mfa, ADMIN_W, MB, "admin.change" },
    { "POST", "/admin/api/user/password.json", api_admin_user_password, ADMIN_W, MB, "admin.change" },
    { "GET", "/admin/api/events.json", api_admin_events, ROUTE_ADMIN, 0, "admin.read" },
    { "GET", "/admin/api/access-report.json", api_access_report, ROUTE_ADMIN, 0, "admin.read" },
};

const struct route *
routes_find(const char *method, const char *path, bool preview, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < sizeof(kintone_routes) / sizeof(kintone_routes[0]); i++) {
        const struct route *rt = &kintone_routes[i];
        if (strcmp(rt->path, path) != 0)
            continue;
        if (preview && !(rt->flags & (ROUTE_PREVIEW | ROUTE_PREVIEW_ONLY)))
            continue;
        if (!preview && (rt->flags & ROUTE_PREVIEW_ONLY))
            continue;
        *path_known = true;
        if (strcmp(rt->method, method) == 0)
            return rt;
    }
    return NULL;
}

const struct route *
routes_find_plain(const char *method, const char *path)
{
    const struct route *prefix = NULL;
    for (size_t i = 0; i < sizeof(plain_routes) / sizeof(plain_routes[0]); i++) {
        const struct route *rt = &plain_routes[i];
        if (strcmp(rt->method, method) != 0)
            continue;
        if (strcmp(rt->path, path) == 0)
            return rt;
        size_t n = strlen(rt->path);
        if (!prefix && rt->path[n - 1] == '*' && strncmp(rt->path, path, n - 1) == 0)
            prefix = rt;
    }
    return prefix;
}
