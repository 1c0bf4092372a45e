/* kpi: the figures of the staff dashboard (issue #8) per app — received this month and this
 * fiscal year, pending records per current status, processing days of decided records (mean
 * and 90th percentile, in open days without the applicant's time), the share decided within
 * the 標準処理期間 and the overdue list — computed by aggregate SQL over the records the
 * caller may view (record ACL included), never by loading records into C.
 *
 * Definitions (docs/api.md, "GET /api/kpi.json"):
 *  - Dates are Japan dates of c->now; the fiscal year runs April–March.
 *  - received: apps with a legal clock count the day of receipt (clock_start); apps without
 *    one count the day the record was created.
 *  - pending: records whose clock has not stopped and whose status is not a stop status.
 *  - decided: records whose clock stopped within [from, to]; processing days = clock_used
 *    (open days, pauses for the applicant excluded); within = clock_used <= clock_limit;
 *    p90 = nearest rank (the ceil(0.9·n)-th smallest).
 *  - overdue: running clocks with due < today; daysOver = open days in (due, today].
 *  - office: the records whose office field (an ORGANIZATION_SELECT) holds the organisation
 *    code first. The office field is the officeField parameter, else settings "kpiOfficeField" of
 *    the app, else the first ORGANIZATION_SELECT field of the app's form. */
#ifndef MADO_KPI_H
#define MADO_KPI_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdint.h>

#define KPI_OVERDUE_MAX 50

struct kpi_query {
    int64_t app;              /* 0: every app the caller may view */
    int64_t from, to;         /* decided period, Japan days since 1970-01-01 */
    const char *office;       /* organisation code or NULL */
    const char *office_field; /* field code or NULL (the convention above) */
};

/* The first day of the fiscal year (April 1st) holding Japan day `day`. */
int64_t kpi_fiscal_start(int64_t day);

/* {"today","month":{from,to},"fiscalYear":{from,to},"period":{from,to},"apps":[...]}; see
 * docs/api.md. A named app the caller may not view: ERR_FORBIDDEN / ERR_APP_NOT_FOUND; an
 * office field that is not an ORGANIZATION_SELECT of a named app, or an office code with
 * quotes: ERR_INVALID with a field error. Apps without an office field are left out when
 * an office is asked for all apps. */
enum err kpi_compute(struct ctx *c, const struct kpi_query *q, json_t **out) MUST_CHECK;

#endif
