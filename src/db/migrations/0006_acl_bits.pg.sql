-- Record permissions pre-evaluated (as kintone does): bit i of records.acl_bits tells whether
-- the record matches the condition of record-permission rule i, for conditions that depend on
-- the record only (no functions such as TODAY() or LOGINUSER(), no related records). Valid
-- when records.acl_rev equals apps.acl_rev (set at the deploy that last changed the rules or
-- the fields); other rows have their conditions evaluated in the query itself.
ALTER TABLE records ADD COLUMN acl_bits BIGINT;
ALTER TABLE records ADD COLUMN acl_rev BIGINT;
ALTER TABLE apps ADD COLUMN acl_rev BIGINT;
