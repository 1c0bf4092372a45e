/* All SQL of the acl module: the caller's directory facts (groups, organisations and their
 * ancestors, primary organisation) and per-record permission probes. */
#ifndef MADO_ACL_SQL_H
#define MADO_ACL_SQL_H

#define ACL_SQL_USER_GROUPS                                                                        \
    "SELECT g.code FROM group_members m JOIN user_groups g ON g.id = m.group_id "                 \
    "WHERE m.user_id = $1"
#define ACL_SQL_USER_ORGS                                                                          \
    "SELECT o.code FROM org_members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = $1"
/* the user's organisations and every ancestor (UNION ends the walk even on a corrupt cycle) */
#define ACL_SQL_USER_ORG_TREE                                                                      \
    "WITH RECURSIVE up(id) AS (SELECT org_id FROM org_members WHERE user_id = $1 "                \
    "UNION SELECT o.parent_id FROM orgs o JOIN up ON o.id = up.id WHERE o.parent_id IS NOT NULL) " \
    "SELECT o.code FROM orgs o JOIN up ON o.id = up.id"
#define ACL_SQL_USER_PRIMARY_ORG                                                                   \
    "SELECT o.code FROM users u JOIN orgs o ON o.id = u.primary_org_id WHERE u.id = $1"
#define ACL_SQL_RECORD_DATA                                                                        \
    "SELECT data FROM records WHERE app_id = $1 AND id = $2 AND deleted_at IS NULL"

#endif
