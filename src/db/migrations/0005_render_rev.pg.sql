-- The live revision whose field definitions the stored record renderings (records.wire) were
-- made for. A deploy that changes only permissions, views or settings keeps it, so such a
-- deploy neither rewrites every record nor makes reads fall back to rendering. NULL = the
-- live revision (apps deployed before this column existed).
ALTER TABLE apps ADD COLUMN render_rev BIGINT;
