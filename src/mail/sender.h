/* sender: the thread that delivers the outbox. Once a second it claims due messages (see
 * outbox_queue.h), sends each over SMTP and records the outcome: sent, or queued again after
 * an exponential backoff, or failed after [mail] max_attempts. Every minute it also puts
 * messages left "sending" by a crashed process back in the queue. With [mail] smtp_url empty
 * nothing is sent (messages stay queued) and one warning is logged. Several server processes
 * may each run a sender on the same database. */
#ifndef MADO_MAIL_SENDER_H
#define MADO_MAIL_SENDER_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct db;

/* Copies the [mail] settings; call before mail_sender_start. false (message logged) when a
 * value is unusable (starttls not try/required/off, From not an address). */
bool mail_configure(const struct config *cfg);
/* Starts the thread with its own connection to db_url; <0 when it cannot. The master key
 * (auth_configure) must be set: it unseals the bodies. */
int mail_sender_start(const char *db_url);
/* Stops the thread (waits for a delivery in progress) and frees the settings. */
void mail_sender_stop(void);

/* One pass on db at time now (what the thread does each second); returns the number of
 * messages delivered. For tests and the thread. */
int mail_sender_tick(struct db *db, long long now);

#endif
