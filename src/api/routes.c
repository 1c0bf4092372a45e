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
    { "GET", "/record.json", api_record_get, ROUTE_BULK, 0 },         /* one record */
    { "POST", "/record.json", api_record_post, ROUTE_WRITE | ROUTE_BULK, 8 * MB },
    { "PUT", "/record.json", api_record_put, ROUTE_WRITE | ROUTE_BULK, 8 * MB },
    { "GET", "/records.json", api_records_get, 0, 0 },                /* query */
    { "POST", "/records.json", api_records_post, ROUTE_WRITE | ROUTE_BULK, 64 * MB },
    { "PUT", "/records.json", api_records_put, ROUTE_WRITE | ROUTE_BULK, 64 * MB },
    { "DELETE", "/records.json", api_records_delete, ROUTE_WRITE | ROUTE_BULK, MB },
    { "POST", "/records/cursor.json", api_cursor_post, ROUTE_WRITE, MB },
    { "GET", "/records/cursor.json", api_cursor_get, ROUTE_WRITE, 0 }, /* advances the cursor */
    { "DELETE", "/records/cursor.json", api_cursor_delete, ROUTE_WRITE, 0 },
    { "POST", "/bulkRequest.json", api_bulk_request, ROUTE_WRITE, 128 * MB },
    /* files and comments */
    { "POST", "/file.json", api_file_post, ROUTE_WRITE | ROUTE_RAW, 0 },
    { "GET", "/file.json", api_file_get, 0, 0 },
    { "GET", "/record/comments.json", api_comments_get, 0, 0 },
    { "POST", "/record/comment.json", api_comment_post, ROUTE_WRITE, MB },
    { "DELETE", "/record/comment.json", api_comment_delete, ROUTE_WRITE, 0 },
    /* apps */
    { "GET", "/app.json", api_app_get, 0, 0 },
    { "GET", "/apps.json", api_apps_get, 0, 0 },
    { "POST", "/app.json", api_app_post, ROUTE_WRITE | ROUTE_PREVIEW | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/app/form/fields.json", api_fields_get, ROUTE_PREVIEW, 0 },
    { "POST", "/app/form/fields.json", api_fields_post, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB },
    { "PUT", "/app/form/fields.json", api_fields_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB },
    { "DELETE", "/app/form/fields.json", api_fields_delete, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/app/form/layout.json", api_layout_get, ROUTE_PREVIEW, 0 },
    { "PUT", "/app/form/layout.json", api_layout_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB },
    { "GET", "/app/views.json", api_views_get, ROUTE_PREVIEW, 0 },
    { "PUT", "/app/views.json", api_views_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, 8 * MB },
    { "GET", "/app/settings.json", api_settings_get, ROUTE_PREVIEW, 0 },
    { "PUT", "/app/settings.json", api_settings_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/app/status.json", api_status_get, ROUTE_PREVIEW, 0 },
    { "POST", "/app/deploy.json", api_deploy_post, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/app/deploy.json", api_deploy_get, ROUTE_PREVIEW_ONLY, 0 },
    /* permissions */
    { "GET", "/app/acl.json", api_app_acl_get, ROUTE_PREVIEW, 0 },
    { "PUT", "/app/acl.json", api_app_acl_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/record/acl.json", api_record_acl_get, ROUTE_PREVIEW, 0 },
    { "PUT", "/record/acl.json", api_record_acl_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/field/acl.json", api_field_acl_get, ROUTE_PREVIEW, 0 },
    { "PUT", "/field/acl.json", api_field_acl_put, ROUTE_WRITE | ROUTE_PREVIEW_ONLY, MB },
    { "GET", "/records/acl/evaluate.json", api_acl_evaluate, 0, 0 },
};

static const struct route plain_routes[] = {
    { "GET", "/healthz", api_healthz, ROUTE_PUBLIC, 0 }, /* process is up; no database */
    { "GET", "/readyz", api_readyz, ROUTE_PUBLIC, 0 },   /* database answers */
    /* staff login (browser sessions) */
    { "POST", "/auth/login.json", api_auth_login, ROUTE_PUBLIC | ROUTE_WRITE | OWN_TX, KB64 },
    { "POST", "/auth/mfa.json", api_auth_mfa, LOGIN_STEP, KB64 },
    { "POST", "/auth/password.json", api_auth_password, LOGIN_STEP, KB64 },
    { "GET", "/auth/session.json", api_auth_session, ROUTE_STAGE | OWN_TX, 0 },
    { "POST", "/auth/logout.json", api_auth_logout, LOGIN_STEP, KB64 },
    { "POST", "/auth/logout-all.json", api_auth_logout_all, ROUTE_WRITE | OWN_TX, KB64 },
    { "POST", "/auth/totp/setup.json", api_auth_totp_setup, LOGIN_STEP, KB64 },
    { "POST", "/auth/totp/confirm.json", api_auth_totp_confirm, LOGIN_STEP, KB64 },
    { "POST", "/auth/recovery-codes.json", api_auth_recovery_codes, ROUTE_WRITE | OWN_TX, KB64 },
    /* directory, read: the cybozu User API shapes */
    { "GET", "/v1/users.json", api_v1_users, 0, 0 },
    { "GET", "/v1/organizations.json", api_v1_orgs, 0, 0 },
    { "GET", "/v1/groups.json", api_v1_groups, 0, 0 },
    { "GET", "/v1/user/organizations.json", api_v1_user_orgs, 0, 0 },
    { "GET", "/v1/user/groups.json", api_v1_user_groups, 0, 0 },
    { "GET", "/v1/organization/users.json", api_v1_org_users, 0, 0 },
    { "GET", "/v1/group/users.json", api_v1_group_users, 0, 0 },
    /* admin area */
    { "POST", "/admin/api/users.json", api_admin_users_post, ADMIN_W, MB },
    { "PUT", "/admin/api/users.json", api_admin_users_put, ADMIN_W, MB },
    { "DELETE", "/admin/api/users.json", api_admin_users_delete, ADMIN_W, MB },
    { "POST", "/admin/api/orgs.json", api_admin_orgs_post, ADMIN_W, MB },
    { "PUT", "/admin/api/orgs.json", api_admin_orgs_put, ADMIN_W, MB },
    { "DELETE", "/admin/api/orgs.json", api_admin_orgs_delete, ADMIN_W, MB },
    { "POST", "/admin/api/groups.json", api_admin_groups_post, ADMIN_W, MB },
    { "PUT", "/admin/api/groups.json", api_admin_groups_put, ADMIN_W, MB },
    { "DELETE", "/admin/api/groups.json", api_admin_groups_delete, ADMIN_W, MB },
    { "PUT", "/admin/api/memberships.json", api_admin_memberships_put, ADMIN_W, MB },
    { "POST", "/admin/api/import.json", api_admin_import, ADMIN_W, 16 * MB },
    { "POST", "/admin/api/user/unlock.json", api_admin_user_unlock, ADMIN_W, MB },
    { "POST", "/admin/api/user/reset-mfa.json", api_admin_user_reset_mfa, ADMIN_W, MB },
    { "POST", "/admin/api/user/password.json", api_admin_user_password, ADMIN_W, MB },
    { "GET", "/admin/api/events.json", api_admin_events, ROUTE_ADMIN, 0 },
    { "GET", "/admin/api/access-report.json", api_access_report, ROUTE_ADMIN, 0 },
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
    for (size_t i = 0; i < sizeof(plain_routes) / sizeof(plain_routes[0]); i++)
        if (strcmp(plain_routes[i].method, method) == 0 && strcmp(plain_routes[i].path, path) == 0)
            return &plain_routes[i];
    return NULL;
}
