// ダッシュボード (#/dashboard?app=3&office=kita&from=2026-04-01&to=2026-11-26): the figures of
// GET /api/kpi.json per procedure (app) — KPI cards, charts (Chart.js, loaded on first use so
// the cold load stays small) each with its numbers in an accessible table, and the overdue list.
// The filter is a form: the figures change only when 表示 is pressed (no change of context
// while a keyboard user moves through the options), and it lives in the hash so a reload or a
// shared link shows the same figures.
import { html, useState, useEffect, useRef } from '../lib/html.js';
import { api } from '../lib/api.js';
import { go } from '../lib/router.js';
import { useStyle } from '../lib/style.js';
import { t, fmtDate, fmtNum } from '../lib/i18n.js';

// DADS colours (ui.md): primary blue, success green, error red, secondary text, link blue.
const PALETTE = ['#0017c1', '#197a4b', '#4d4d4d', '#00118f', '#ec0000'];
const WITHIN = '#197a4b';
const OVER = '#ec0000';

let chartLoading = null;
// window.Chart from the vendored classic script, added once on first use.
function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!chartLoading) {
    chartLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/assets/vendor/chart.umd.min.js';
      s.onload = () => resolve(window.Chart);
      s.onerror = () => { chartLoading = null; reject(new Error(t('グラフを読み込めませんでした。', 'The charts could not be loaded.'))); };
      document.head.appendChild(s);
    });
  }
  return chartLoading;
}

// a count with its unit: 3件 / 3
const n = (s) => t(`${fmtNum(s || 0)}件`, fmtNum(s || 0));

function BarChart({ id, label, summary, labels, values, colors }) {
  const ref = useRef(null);
  useEffect(() => {
    let chart = null, live = true;
    loadChart().then((Chart) => {
      if (!live || !ref.current) return;
      chart = new Chart(ref.current, {
        type: 'bar',
        data: { labels, datasets: [{ label, data: values.map(Number), backgroundColor: colors || PALETTE }] },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0, color: '#333333' } }, x: { ticks: { color: '#333333' } } },
        },
      });
    }, () => {});
    return () => { live = false; if (chart) chart.destroy(); };
  }, [labels.join('\u0000'), values.join(',')]);
  return html`<div class="dash-chart"><canvas id=${id} ref=${ref} role="img" aria-label=${summary}></canvas></div>`;
}

function Cards({ a }) {
  const d = a.decided;
  const items = [
    [t('今月の受付', 'Received this month'), n(a.received.month)],
    [t('今年度の受付', 'Received this fiscal year'), n(a.received.fiscalYear)],
    [t('処理中', 'In progress'), n(a.pending.total)],
    [t('平均処理日数', 'Average days to decide'), d.averageDays == null ? '—' : t(`${fmtNum(d.averageDays)}日`, `${fmtNum(d.averageDays)} days`)],
    [t('90%の処理日数', '90% decided within'), d.p90Days == null ? '—' : t(`${fmtNum(d.p90Days)}日以内`, `${fmtNum(d.p90Days)} days`)],
    [t('期間内の処理', 'Decided in time'), d.withinPercent == null ? '—' : `${fmtNum(d.withinPercent)}%`],
    [t('期限超過', 'Overdue'), n(a.overdue.count), a.overdue.count !== '0'],
  ];
  return html`<dl class="dash-cards">
    ${items.map(([k, v, alert]) => html`<div class=${'dash-card' + (alert ? ' dash-alert' : '')}>
      <dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}

function Pending({ a }) {
  const rows = a.pending.byStatus;
  const labels = rows.map((r) => r.status || t('（状況なし）', '(no status)'));
  const summary = t(`処理中の件数（状況別）: ${rows.map((r, i) => `${labels[i]} ${r.count}件`).join('、') || 'なし'}`,
    `In progress by status: ${rows.map((r, i) => `${labels[i]} ${r.count}`).join(', ') || 'none'}`);
  return html`<div class="dash-pair">
    ${rows.length ? html`<${BarChart} id=${`pending-${a.app}`} label=${t('件数', 'Records')} summary=${summary}
        labels=${labels} values=${rows.map((r) => r.count)} />` : null}
    <table class="dash-table" data-kpi="pending">
      <caption>${t('処理中の件数（状況別）', 'In progress by status')}</caption>
      <thead><tr><th scope="col">${t('状況', 'Status')}</th><th scope="col">${t('件数', 'Records')}</th></tr></thead>
      <tbody>
        ${rows.map((r, i) => html`<tr><th scope="row">${labels[i]}</th><td class="num">${r.count}</td></tr>`)}
      </tbody>
      <tfoot><tr><th scope="row">${t('合計', 'Total')}</th><td class="num">${a.pending.total}</td></tr></tfoot>
    </table>
  </div>`;
}

function Decided({ a, period }) {
  const d = a.decided;
  if (!a.clock) return html`<p class="dash-note">${t('この手続では標準処理期間を管理していません。', 'This procedure has no standard processing period.')}</p>`;
  const over = String(Number(d.count) - Number(d.within));
  const summary = t(`期間内に処理 ${d.within}件、期間を超えて処理 ${over}件（${period}に処理したもの、標準処理期間 ${a.days}開庁日）`,
    `Decided in time ${d.within}, decided late ${over} (decided ${period}, standard period ${a.days} office days)`);
  return html`<div class="dash-pair">
    ${d.count !== '0' ? html`<${BarChart} id=${`decided-${a.app}`} label=${t('件数', 'Records')} summary=${summary}
        labels=${[t('期間内', 'In time'), t('期間超過', 'Late')]} values=${[d.within, over]} colors=${[WITHIN, OVER]} />` : null}
    <table class="dash-table" data-kpi="decided">
      <caption>${t(`処理済み（${period}、標準処理期間 ${a.days}開庁日）`, `Decided (${period}, standard period ${a.days} office days)`)}</caption>
      <tbody>
        <tr><th scope="row">${t('処理件数', 'Decided')}</th><td class="num">${fmtNum(d.count)}</td></tr>
        <tr><th scope="row">${t('期間内に処理', 'Decided in time')}</th><td class="num">${fmtNum(d.within)}</td></tr>
        <tr><th scope="row">${t('期間を超えて処理', 'Decided late')}</th><td class="num">${fmtNum(over)}</td></tr>
        <tr><th scope="row">${t('期間内の割合（%）', 'In time (%)')}</th><td class="num">${d.withinPercent ?? '—'}</td></tr>
        <tr><th scope="row">${t('平均処理日数（開庁日）', 'Average days (office days)')}</th><td class="num">${d.averageDays ?? '—'}</td></tr>
        <tr><th scope="row">${t('90パーセンタイル（開庁日）', '90th percentile (office days)')}</th><td class="num">${d.p90Days ?? '—'}</td></tr>
      </tbody>
    </table>
  </div>`;
}

function Overdue({ a }) {
  const list = a.overdue.records;
  if (!a.clock) return null;
  return html`<table class="dash-table dash-overdue" data-kpi="overdue">
    <caption>${t(`期限超過 ${a.overdue.count}件${Number(a.overdue.count) > list.length ? `（超過の長い順に${list.length}件を表示）` : ''}`,
      `Overdue: ${a.overdue.count}${Number(a.overdue.count) > list.length ? ` (the ${list.length} longest overdue shown)` : ''}`)}</caption>
    <thead><tr><th scope="col">${t('レコード番号', 'Record number')}</th><th scope="col">${t('状況', 'Status')}</th><th scope="col">${t('期限', 'Due')}</th><th scope="col">${t('超過日数（開庁日）', 'Days overdue (office days)')}</th></tr></thead>
    <tbody>
      ${list.length ? list.map((r) => html`<tr>
        <th scope="row"><a href=${`#/apps/${a.app}/records/${r.id}`}>${r.id}</a></th>
        <td><span class="chip chip-over">${t('期限超過', 'Overdue')}</span> ${r.status}</td>
        <td>${fmtDate(r.due)}</td><td class="num">${r.daysOver}</td></tr>`)
      : html`<tr><td colspan="4">${t('期限を超えている案件はありません。', 'Nothing is overdue.')}</td></tr>`}
    </tbody>
  </table>`;
}

function AppSection({ a, period }) {
  return html`<section class="dash-app" aria-labelledby=${`dash-app-${a.app}`}>
    <h2 id=${`dash-app-${a.app}`}>${a.name}</h2>
    <${Cards} a=${a} />
    <h3>${t('処理中の案件', 'In progress')}</h3>
    <${Pending} a=${a} />
    <h3>${t('処理済みの案件', 'Decided')}</h3>
    <${Decided} a=${a} period=${period} />
    ${a.clock ? html`<h3>${t('期限を超えている案件', 'Overdue')}</h3><${Overdue} a=${a} />` : null}
  </section>`;
}

function Filter({ query, apps, offices }) {
  const [f, setF] = useState({ app: query.app || '', office: query.office || '', from: query.from || '', to: query.to || '' });
  useEffect(() => setF({ app: query.app || '', office: query.office || '', from: query.from || '', to: query.to || '' }),
    [query.app, query.office, query.from, query.to]);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
    go(`/dashboard${qs ? `?${qs}` : ''}`);
  };
  return html`<form class="dash-filter" onSubmit=${submit} aria-label=${t('表示する範囲', 'What to show')}>
    <div><label for="dash-app">${t('手続', 'Procedure')}</label>
      <select id="dash-app" value=${f.app} onChange=${set('app')}>
        <option value="">${t('すべての手続', 'All procedures')}</option>
        ${apps.map((a) => html`<option value=${a.appId}>${a.name}</option>`)}
      </select></div>
    <div><label for="dash-office">${t('担当課', 'Office')}</label>
      <select id="dash-office" value=${f.office} onChange=${set('office')}>
        <option value="">${t('すべての課', 'All offices')}</option>
        ${offices.map((o) => html`<option value=${o.code}>${o.name}</option>`)}
      </select></div>
    <div><label for="dash-from">${t('処理日（から）', 'Decided from')}</label>
      <input id="dash-from" type="date" value=${f.from} onInput=${set('from')} /></div>
    <div><label for="dash-to">${t('処理日（まで）', 'Decided until')}</label>
      <input id="dash-to" type="date" value=${f.to} onInput=${set('to')} /></div>
    <div><button type="submit" class="primary">${t('表示', 'Show')}</button></div>
  </form>`;
}

/* Administrators see a failed or missing nightly backup here first (the server also mails them
 * and audits it); the restore screen has the details. Others never ask. */
function BackupAlert({ session }) {
  const [s, setS] = useState(null);
  const admin = !!session?.user?.isAdmin;
  useEffect(() => { if (admin) api('GET', '/api/backups.json').then(setS, () => {}); }, [admin]);
  if (!s || s.ok) return null;
  return html`<div class="dash-backup-alert" role="alert">
    ${s.last ? t(`最新のバックアップに失敗しました：${s.last.error || ''}`, `The latest backup failed: ${s.last.error || ''}`)
      : t('まだバックアップが取られていません。', 'No backup has been taken yet.')}
    <a href="#/backups">${t('バックアップを確認する', 'Check the backups')}</a></div>`;
}

export default function Dashboard({ route, session }) {
  useStyle('/assets/css/staff/dashboard.css');
  const q = route.query || {};
  const [apps, setApps] = useState([]);
  const [offices, setOffices] = useState([]);
  const [kpi, setKpi] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    api('GET', '/k/v1/apps.json', {}).then((r) => setApps(r.apps || []), () => {});
    api('GET', '/v1/organizations.json', {}).then((r) => setOffices(r.organizations || []), () => {});
  }, []);
  useEffect(() => {
    let live = true;
    setErr(null);
    setKpi(null);
    const params = {};
    for (const k of ['app', 'office', 'from', 'to']) if (q[k]) params[k] = q[k];
    api('GET', '/api/kpi.json', params).then((r) => live && setKpi(r), (e) => live && setErr(e));
    return () => { live = false; };
  }, [q.app, q.office, q.from, q.to]);
  const period = kpi ? `${fmtDate(kpi.period.from)}〜${fmtDate(kpi.period.to)}` : '';
  return html`<div class="dash">
    <h1>${t('ダッシュボード', 'Dashboard')}</h1>
    <${BackupAlert} session=${session} />
    <${Filter} query=${q} apps=${apps} offices=${offices} />
    <div aria-live="polite" aria-busy=${!kpi && !err ? 'true' : 'false'}>
      ${err ? html`<p class="error" role="alert">${err.message}${err.errors ? ' ' + Object.values(err.errors).map((x) => (x.messages || []).join(' ')).join(' ') : ''}</p>`
        : !kpi ? html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`
        : html`<p class="dash-asof">${t(`${fmtDate(kpi.today)} 現在（受付件数は今月 ${fmtDate(kpi.month.from)}〜、今年度 ${fmtDate(kpi.fiscalYear.from)}〜）`,
          `As of ${fmtDate(kpi.today)} (received: this month from ${fmtDate(kpi.month.from)}, this fiscal year from ${fmtDate(kpi.fiscalYear.from)})`)}</p>
          ${kpi.apps.length ? kpi.apps.map((a) => html`<${AppSection} key=${a.app} a=${a} period=${period} />`)
            : html`<p>${t('表示できる手続がありません。', 'There are no procedures to show.')}</p>`}`}
    </div>
  </div>`;
}
