/* Shared between the files of the auth module (auth.c, auth_login.c, auth_password.c,
 * auth_mfa.c); not for other modules. */
#ifndef MADO_AUTH_INT_H
#define MADO_AUTH_INT_H

/* An argon2id hash of a random password, made with the current limits on first use: unknown
 * logins are verified against it so that they cost as much as known ones. */
const char *auth_dummy_hash(void);

#endif
