/* acl: the one place that decides what the caller may do with an app's records and settings.
 * Every handler asks here before reading or writing. (The organisation/role/field-level model
 * arrives with the staff directory; tokens and service accounts are decided here today.) */
#ifndef MADO_ACL_H
#define MADO_ACL_H

#include "domain/ctx.h"

/* ERR_OK, ERR_TOKEN_APP (tokens for other apps only) or ERR_FORBIDDEN. need: ACL_* bits. */
enum err acl_app(struct ctx *c, int64_t app_id, unsigned need) MUST_CHECK;
/* Creating apps and managing users: administrators only. */
enum err acl_admin(struct ctx *c) MUST_CHECK;

#endif
