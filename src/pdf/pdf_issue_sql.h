/* All SQL of pdf_issue (reads records, record_owners, record_documents). */
#ifndef MADO_PDF_ISSUE_SQL_H
#define MADO_PDF_ISSUE_SQL_H

#define PDFI_SQL_RECORD                                                                            \
    "SELECT r.data, o.receipt_no FROM records r LEFT JOIN record_owners o "                       \
    "ON o.app_id = r.app_id AND o.record_id = r.id "                                              \
    "WHERE r.app_id = $1 AND r.id = $2 AND r.deleted_at IS NULL"
#define PDFI_SQL_CODE_USED "SELECT COUNT(*) FROM record_documents WHERE verify_code = $1"

#endif
