/* All SQL of the workflow module (process management, approvals, opinions, inbox, rules). */
#ifndef MADO_WF_SQL_H
#define MADO_WF_SQL_H

/* assignee resolution: entity → enabled users' logins, in a stable order */
#define WF_SQL_USER_ENABLED "SELECT login FROM users WHERE login = $1 AND disabled = 0"
#define WF_SQL_GROUP_EXISTS "SELECT 1 FROM user_groups WHERE code = $1"
#define WF_SQL_ORG_EXISTS "SELECT 1 FROM orgs WHERE code = $1"
#define WF_SQL_USERS_ALL "SELECT login FROM users WHERE disabled = 0 AND is_service = 0 ORDER BY id"
#define WF_SQL_USERS_IN_GROUP                                                                      \
    "SELECT u.login FROM users u JOIN group_members m ON m.user_id = u.id JOIN user_groups g "     \
    "ON g.id = m.group_id WHERE g.code = $1 AND u.disabled = 0 ORDER BY u.id"
#define WF_SQL_USERS_IN_ORG                                                                        \
    "SELECT u.login FROM users u JOIN org_members m ON m.user_id = u.id JOIN orgs o "              \
    "ON o.id = m.org_id WHERE o.code = $1 AND u.disabled = 0 ORDER BY u.id"
#define WF_SQL_USERS_IN_ORG_TREE                                                                   \
    "WITH RECURSIVE t(id) AS (SELECT id FROM orgs WHERE code = $1 UNION "                          \
    "SELECT o.id FROM orgs o JOIN t ON o.parent_id = t.id) "                                       \
    "SELECT DISTINCT u.login, u.id FROM users u JOIN org_members m ON m.user_id = u.id "           \
    "WHERE m.org_id IN (SELECT id FROM t) AND u.disabled = 0 ORDER BY u.id"

/* the record row an action works on (locked on PostgreSQL) */
#define WF_SQL_RECORD                                                                              \
    "SELECT revision, status, assignees, data, creator, created_at, status_rev FROM records "     \
    "WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"
#define WF_SQL_RECORD_PG WF_SQL_RECORD " FOR UPDATE"
#define WF_SQL_MATCH_PREFIX "SELECT 1 FROM records r WHERE r.app_id = $1 AND r.id = $2 AND "
#define WF_SQL_SET_DATA                                                                            \
    "UPDATE records SET revision = $3, data = $4, modifier = $5, updated_at = $6, wire = $7, "    \
    "wire_rev = $8, assignees = $9 WHERE app_id = $1 AND id = $2"
#define WF_SQL_SET_STATUS                                                                          \
    "UPDATE records SET revision = $3, status = $4, assignees = $5, status_at = $6, "             \
    "status_rev = $3, modifier = $7, updated_at = $6, wire = $8, wire_rev = $9 "                  \
    "WHERE app_id = $1 AND id = $2"
#define WF_SQL_DEPLOY_PENDING                                                                      \
    "SELECT id, data, creator FROM records WHERE app_id = $1 AND status IS NULL AND "             \
    "deleted_at IS NULL AND id > $2 ORDER BY id LIMIT 500"
#define WF_SQL_DEPLOY_SET                                                                          \
    "UPDATE records SET status = $3, assignees = $4, status_at = $5, status_rev = revision "      \
    "WHERE app_id = $1 AND id = $2"

#define WF_SQL_APPROVAL_ADD                                                                        \
    "INSERT INTO wf_approvals (app_id, record_id, status_rev, login, action, at) "                \
    "VALUES ($1, $2, $3, $4, $5, $6)"
#define WF_SQL_APPROVALS                                                                           \
    "SELECT login FROM wf_approvals WHERE app_id = $1 AND record_id = $2 AND status_rev = $3 "    \
    "AND action = $4"

#define WF_SQL_OPINION_NEXT                                                                        \
    "SELECT COALESCE(MAX(id), 0) + 1 FROM opinions WHERE app_id = $1 AND record_id = $2"
#define WF_SQL_OPINION_ADD                                                                         \
    "INSERT INTO opinions (app_id, record_id, id, status, status_rev, text, creator, created_at) " \
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
#define WF_SQL_OPINIONS                                                                            \
    "SELECT o.id, o.status, o.status_rev, o.text, o.creator, o.created_at, u.name FROM opinions o " \
    "LEFT JOIN users u ON u.login = o.creator WHERE o.app_id = $1 AND o.record_id = $2 "          \
    "ORDER BY o.id"

#define WF_SQL_INBOX_ADD                                                                           \
    "INSERT INTO inbox (login, app_id, record_id, kind, title, detail, created_at) "              \
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
#define WF_SQL_INBOX_LIST                                                                          \
    "SELECT i.id, i.app_id, i.record_id, i.kind, i.title, i.detail, i.created_at, i.read_at, "    \
    "a.name FROM inbox i LEFT JOIN apps a ON a.id = i.app_id WHERE i.login = $1 AND i.id > $2 "  \
    "AND ($3 = 0 OR i.read_at IS NULL) ORDER BY i.id LIMIT $4"
#define WF_SQL_INBOX_UNREAD "SELECT COUNT(*) FROM inbox WHERE login = $1 AND read_at IS NULL"
#define WF_SQL_INBOX_READ                                                                          \
    "UPDATE inbox SET read_at = $3 WHERE login = $1 AND id = $2 AND read_at IS NULL"
#define WF_SQL_INBOX_READ_ALL                                                                      \
    "UPDATE inbox SET read_at = $2 WHERE login = $1 AND read_at IS NULL"

/* time rules */
#define WF_SQL_APPS_LIVE "SELECT id FROM apps WHERE deleted_at IS NULL ORDER BY id"
#define WF_SQL_RULE_DUE                                                                            \
    "SELECT r.id, r.status_rev FROM records r WHERE r.app_id = $1 AND r.status = $2 AND "         \
    "r.deleted_at IS NULL AND r.status_at <= $3 AND NOT EXISTS (SELECT 1 FROM wf_rule_runs x "    \
    "WHERE x.app_id = r.app_id AND x.record_id = r.id AND x.rule = $4 AND "                      \
    "x.status_rev = r.status_rev) ORDER BY r.id LIMIT 200"
#define WF_SQL_RULE_RAN                                                                            \
    "INSERT INTO wf_rule_runs (app_id, record_id, rule, status_rev, at) VALUES ($1, $2, $3, $4, $5)"

#endif
