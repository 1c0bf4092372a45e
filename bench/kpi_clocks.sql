-- Statuses and legal clocks for the dashboard benchmark (bench/kpi.sh), written straight into
-- the columns the workflow engine and lclock_on_status() keep (migration 0009) — 100,000
-- status actions would take minutes, one UPDATE takes a second. By id: 6 in 10 decided
-- (許可, 1 in 50 取下げ) over the last 300 days with 0-24 open days used; 1 in 10 waiting for
-- the applicant; 2 in 10 running (about half past due); 1 in 10 not yet received.
UPDATE records SET
  status = CASE WHEN id % 10 < 6 THEN (CASE WHEN id % 50 = 0 THEN '取下げ' ELSE '許可' END)
                WHEN id % 10 = 6 THEN '修正待ち' WHEN id % 10 < 9 THEN '審査中' ELSE '受付前' END,
  clock_state = CASE WHEN id % 10 < 6 THEN 'stopped' WHEN id % 10 = 6 THEN 'paused'
                     WHEN id % 10 < 9 THEN 'running' ELSE NULL END,
  clock_start = CASE WHEN id % 10 = 9 THEN NULL WHEN id % 10 < 6 THEN date('now', '-' || (id % 300 + 30) || ' days')
                     ELSE date('now', '-' || (id % 40) || ' days') END,
  clock_since = CASE WHEN id % 10 = 9 THEN NULL WHEN id % 10 < 6 THEN date('now', '-' || (id % 300) || ' days')
                     ELSE date('now', '-' || (id % 20) || ' days') END,
  clock_used = CASE WHEN id % 10 = 9 THEN NULL ELSE id % 25 END,
  clock_paused = CASE WHEN id % 10 = 9 THEN NULL ELSE 0 END,
  clock_limit = CASE WHEN id % 10 = 9 THEN NULL ELSE 10 END,
  clock_due = CASE WHEN id % 10 = 9 THEN NULL WHEN id % 10 < 6 THEN date('now', '-' || (id % 300 + 16) || ' days')
                   ELSE date('now', '-' || (id % 40 - 14) || ' days') END,
  clock_days = CASE WHEN id % 10 = 9 THEN NULL ELSE id % 25 END,
  clock_asof = date('now')
WHERE app_id = (SELECT MAX(id) FROM apps);
ANALYZE;
