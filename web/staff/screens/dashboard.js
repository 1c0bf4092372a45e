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
      s.onerror = () => { chartLoading = null; reject(new Error('グラフを読み込めませんでした。')); };
      document.head.appendChild(s);
    });
  }
  return chartLoading;
}

const n = (s) => Number(s || 0).toLocaleString('ja-JP');

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
    ['今月の受付', `${n(a.received.month)}件`],
    ['今年度の受付', `${n(a.received.fiscalYear)}件`],
    ['処理中', `${n(a.pending.total)}件`],
    ['平均処理日数', d.averageDays == null ? '—' : `${d.averageDays}日`],
    ['90%の処理日数', d.p90Days == null ? '—' : `${d.p90Days}日以内`],
    ['期間内の処理', d.withinPercent == null ? '—' : `${d.withinPercent}%`],
    ['期限超過', `${n(a.overdue.count)}件`],
  ];
  return html`<dl class="dash-cards">
    ${items.map(([k, v]) => html`<div class=${'dash-card' + (k === '期限超過' && a.overdue.count !== '0' ? ' dash-alert' : '')}>
      <dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}

function Pending({ a }) {
  const rows = a.pending.byStatus;
  const labels = rows.map((r) => r.status || '（状況なし）');
  const summary = `処理中の件数（状況別）: ${rows.map((r, i) => `${labels[i]} ${r.count}件`).join('、') || 'なし'}`;
  return html`<div class="dash-pair">
    ${rows.length ? html`<${BarChart} id=${`pending-${a.app}`} label="件数" summary=${summary}
        labels=${labels} values=${rows.map((r) => r.count)} />` : null}
    <table class="dash-table" data-kpi="pending">
      <caption>処理中の件数（状況別）</caption>
      <thead><tr><th scope="col">状況</th><th scope="col">件数</th></tr></thead>
      <tbody>
        ${rows.map((r, i) => html`<tr><th scope="row">${labels[i]}</th><td class="num">${r.count}</td></tr>`)}
      </tbody>
      <tfoot><tr><th scope="row">合計</th><td class="num">${a.pending.total}</td></tr></tfoot>
    </table>
  </div>`;
}

function Decided({ a, period }) {
  const d = a.decided;
  if (!a.clock) return html`<p class="dash-note">この手続では標準処理期間を管理していません。</p>`;
  const over = String(Number(d.count) - Number(d.within));
  const summary = `期間内に処理 ${d.within}件、期間を超えて処理 ${over}件（${period}に処理したもの、標準処理期間 ${a.days}開庁日）`;
  return html`<div class="dash-pair">
    ${d.count !== '0' ? html`<${BarChart} id=${`decided-${a.app}`} label="件数" summary=${summary}
        labels=${['期間内', '期間超過']} values=${[d.within, over]} colors=${[WITHIN, OVER]} />` : null}
    <table class="dash-table" data-kpi="decided">
      <caption>処理済み（${period}、標準処理期間 ${a.days}開庁日）</caption>
      <tbody>
        <tr><th scope="row">処理件数</th><td class="num">${d.count}</td></tr>
        <tr><th scope="row">期間内に処理</th><td class="num">${d.within}</td></tr>
        <tr><th scope="row">期間を超えて処理</th><td class="num">${over}</td></tr>
        <tr><th scope="row">期間内の割合（%）</th><td class="num">${d.withinPercent ?? '—'}</td></tr>
        <tr><th scope="row">平均処理日数（開庁日）</th><td class="num">${d.averageDays ?? '—'}</td></tr>
        <tr><th scope="row">90パーセンタイル（開庁日）</th><td class="num">${d.p90Days ?? '—'}</td></tr>
      </tbody>
    </table>
  </div>`;
}

function Overdue({ a }) {
  const list = a.overdue.records;
  if (!a.clock) return null;
  return html`<table class="dash-table dash-overdue" data-kpi="overdue">
    <caption>期限超過 ${a.overdue.count}件${Number(a.overdue.count) > list.length ? `（超過の長い順に${list.length}件を表示）` : ''}</caption>
    <thead><tr><th scope="col">レコード番号</th><th scope="col">状況</th><th scope="col">期限</th><th scope="col">超過日数（開庁日）</th></tr></thead>
    <tbody>
      ${list.length ? list.map((r) => html`<tr>
        <th scope="row"><a href=${`#/apps/${a.app}/records/${r.id}`}>${r.id}</a></th>
        <td><span class="chip chip-over">期限超過</span> ${r.status}</td>
        <td>${r.due}</td><td class="num">${r.daysOver}</td></tr>`)
      : html`<tr><td colspan="4">期限を超えている案件はありません。</td></tr>`}
    </tbody>
  </table>`;
}

function AppSection({ a, period }) {
  return html`<section class="dash-app" aria-labelledby=${`dash-app-${a.app}`}>
    <h2 id=${`dash-app-${a.app}`}>${a.name}</h2>
    <${Cards} a=${a} />
    <h3>処理中の案件</h3>
    <${Pending} a=${a} />
    <h3>処理済みの案件</h3>
    <${Decided} a=${a} period=${period} />
    ${a.clock ? html`<h3>期限を超えている案件</h3><${Overdue} a=${a} />` : null}
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
  return html`<form class="dash-filter" onSubmit=${submit} aria-label="表示する範囲">
    <div><label for="dash-app">手続</label>
      <select id="dash-app" value=${f.app} onChange=${set('app')}>
        <option value="">すべての手続</option>
        ${apps.map((a) => html`<option value=${a.appId}>${a.name}</option>`)}
      </select></div>
    <div><label for="dash-office">担当課</label>
      <select id="dash-office" value=${f.office} onChange=${set('office')}>
        <option value="">すべての課</option>
        ${offices.map((o) => html`<option value=${o.code}>${o.name}</option>`)}
      </select></div>
    <div><label for="dash-from">処理日（から）</label>
      <input id="dash-from" type="date" value=${f.from} onInput=${set('from')} /></div>
    <div><label for="dash-to">処理日（まで）</label>
      <input id="dash-to" type="date" value=${f.to} onInput=${set('to')} /></div>
    <div><button type="submit" class="primary">表示</button></div>
  </form>`;
}

export default function Dashboard({ route }) {
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
  const period = kpi ? `${kpi.period.from}〜${kpi.period.to}` : '';
  return html`<div class="dash">
    <h1>ダッシュボード</h1>
    <${Filter} query=${q} apps=${apps} offices=${offices} />
    <div aria-live="polite" aria-busy=${!kpi && !err ? 'true' : 'false'}>
      ${err ? html`<p class="error" role="alert">${err.message}${err.errors ? ' ' + Object.values(err.errors).map((x) => (x.messages || []).join(' ')).join(' ') : ''}</p>`
        : !kpi ? html`<p class="loading">読み込み中…</p>`
        : html`<p class="dash-asof">${kpi.today} 現在（受付件数は今月 ${kpi.month.from}〜、今年度 ${kpi.fiscalYear.from}〜）</p>
          ${kpi.apps.length ? kpi.apps.map((a) => html`<${AppSection} key=${a.app} a=${a} period=${period} />`)
            : html`<p>表示できる手続がありません。</p>`}`}
    </div>
  </div>`;
}
