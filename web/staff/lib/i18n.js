// The staff app's display settings and the one place dates and numbers are formatted.
// Language (ja default, en) and date style (西暦 default, 和暦) are per-user preferences kept in
// localStorage (mado.lang, mado.era) and chosen on the account screen (or the login screen's
// language switch); <html lang> follows the language. Changing them notifies subscribers (the
// App re-renders the whole tree, nothing is reloaded, typed input stays).
// Screens write t('日本語', 'English') where the text is shown: the Japanese stays readable in
// the code and the English sits right next to it. Data (app names, field labels, statuses) and
// the server's messages are shown as they come.
import { useState, useEffect } from './html.js';

const KEY_LANG = 'mado.lang';
const KEY_ERA = 'mado.era';
const LANGS = ['ja', 'en'];
const ERAS = ['seireki', 'wareki'];
const TZ = 'Asia/Tokyo';

function read(key, allowed) {
  try {
    const v = localStorage.getItem(key);
    return allowed.includes(v) ? v : allowed[0];
  } catch {
    return allowed[0]; // storage disabled: the defaults
  }
}

let prefs = { lang: read(KEY_LANG, LANGS), era: read(KEY_ERA, ERAS) };
const listeners = new Set();
document.documentElement.lang = prefs.lang;

export const lang = () => prefs.lang;
export const era = () => prefs.era;

/* The text in the chosen language: t('保存しました。', 'Saved.'). */
export function t(ja, en) {
  return prefs.lang === 'en' ? en : ja;
}

/* setPrefs({lang: 'en'}) / setPrefs({era: 'wareki'}): stored, <html lang> set, subscribers told. */
export function setPrefs(next) {
  const p = { ...prefs };
  if (next.lang && LANGS.includes(next.lang)) p.lang = next.lang;
  if (next.era && ERAS.includes(next.era)) p.era = next.era;
  if (p.lang === prefs.lang && p.era === prefs.era) return;
  prefs = p;
  try {
    localStorage.setItem(KEY_LANG, p.lang);
    localStorage.setItem(KEY_ERA, p.era);
  } catch { /* kept for this page only */ }
  document.documentElement.lang = p.lang;
  for (const fn of listeners) fn(p);
}

// another tab of the app changed them: follow
addEventListener('storage', (e) => {
  if (e.key === KEY_LANG || e.key === KEY_ERA) setPrefs({ lang: read(KEY_LANG, LANGS), era: read(KEY_ERA, ERAS) });
});

/* The preferences as state: a component using it re-renders (with its subtree) on a change. */
export function usePrefs() {
  const [p, setP] = useState(prefs);
  useEffect(() => {
    const on = (x) => setP(x);
    listeners.add(on);
    if (p !== prefs) setP(prefs);
    return () => listeners.delete(on);
  }, []);
  return p;
}

/* ---- dates: every screen formats through these ---- */

const cache = new Map();
function dtf(locale, opts) {
  const k = `${locale}|${JSON.stringify(opts)}`;
  if (!cache.has(k)) cache.set(k, new Intl.DateTimeFormat(locale, { timeZone: TZ, ...opts }));
  return cache.get(k);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/* A Date from an ISO string, a Date, or seconds since the epoch (the session's numbers).
 * A date without a time ("2026-11-26") is that day at noon in Tokyo. */
function toDate(v) {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v * 1000);
  const m = DATE_ONLY.exec(String(v));
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 3));
  return new Date(v);
}

const parts = (f, d) => Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));

// 令和 → R etc. for the English 和暦 form "R8-11-26"
const ERA_LATIN = { 明治: 'M', 大正: 'T', 昭和: 'S', 平成: 'H', 令和: 'R' };

function dayText(d) {
  if (prefs.era === 'wareki') {
    const w = parts(dtf('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', month: 'numeric', day: 'numeric' }), d);
    if (prefs.lang === 'ja') return `${w.era}${w.year === '1' ? '元' : w.year}年${w.month}月${w.day}日`;
    return `${ERA_LATIN[w.era] || w.era}${w.year === '元' ? '1' : w.year}-${w.month.padStart(2, '0')}-${w.day.padStart(2, '0')}`;
  }
  const s = parts(dtf('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }), d);
  return `${s.year}-${s.month}-${s.day}`;
}

function timeText(d) {
  const s = parts(dtf('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }), d);
  return `${s.hour}:${s.minute}`;
}

const valid = (v) => v !== null && v !== undefined && v !== '';

/* A day in Tokyo: 2026-11-26 (西暦), 令和8年11月26日 / R8-11-26 (和暦). Unparsable text as is. */
export function fmtDate(v) {
  if (!valid(v)) return '';
  const d = toDate(v);
  return Number.isNaN(d.getTime()) ? String(v) : dayText(d);
}

/* A moment in Tokyo: 2026-11-26 14:05, 令和8年11月26日 14:05, R8-11-26 14:05. */
export function fmtDateTime(v) {
  if (!valid(v)) return '';
  const d = toDate(v);
  return Number.isNaN(d.getTime()) ? String(v) : `${dayText(d)} ${timeText(d)}`;
}

/* A whole number or decimal with the language's digit grouping: 1,234. Text that is not a
 * number is returned as is. */
export function fmtNum(v) {
  if (!valid(v)) return '';
  const x = Number(v);
  if (!Number.isFinite(x)) return String(v);
  const k = `num|${prefs.lang}`;
  if (!cache.has(k)) cache.set(k, new Intl.NumberFormat(prefs.lang === 'en' ? 'en-US' : 'ja-JP', { maximumFractionDigits: 20 }));
  return cache.get(k).format(x);
}
