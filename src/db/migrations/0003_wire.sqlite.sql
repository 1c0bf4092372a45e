-- Each record keeps its kintone wire rendering (the GET shape of every field), made when it is
-- written, so reads stream stored text instead of re-building JSON. wire_rev is the app's live
-- revision it was rendered for; a mismatch (after a deploy) falls back to rendering on read.
ALTER TABLE records ADD COLUMN wire TEXT;
ALTER TABLE records ADD COLUMN wire_rev INTEGER;
