/* ledger: the 審査台帳 (review register) kept as an app of its own. A procedure app whose
 * settings name a ledger ("ledger": {"app": id, "key": "台帳キー", "fields": {ledger field:
 * source}}) mirrors each of its records there — one ledger record per source record, found by
 * the unique key "<app id>-<record id>" — whenever the record is created, edited, moved by the
 * process or deleted. A source is a field code of the procedure app or one of $app (the app's
 * name), $appId, $id (record number), $status, $site (the routing site answers joined).
 * The ledger is derived data: it is written as the system inside the same transaction, in a
 * savepoint, and a failure there is logged and leaves the procedure's own write standing.
 * Staff search, sort and export it like any app (docs/packs.md). */
#ifndef MADO_LEDGER_H
#define MADO_LEDGER_H

#include "domain/app.h"
#include "domain/ctx.h"

/* Brings the ledger record of record id of app d up to date (a no-op without a ledger). */
enum err ledger_sync(struct ctx *c, const struct app_def *d, int64_t id) MUST_CHECK;
/* ledger_sync for every live record of the app (the installer, after a ledger is set up). */
enum err ledger_sync_all(struct ctx *c, const struct app_def *d, int64_t *count) MUST_CHECK;

#endif
