// The staff application: the session decides between the login screens and the work screens;
// the work screens are loaded on first use (import()), so the first load stays small.
// The shell also watches the session's end: two minutes before it, a dialog offers to extend
// it; when it has ended, the login screen comes back over the shell, which stays in the page
// (hidden), so what was typed on a screen is still there after signing in again.
import { html, render, useState, useEffect, useRef } from './lib/html.js';
import { api, setSession, onSessionExpired } from './lib/api.js';
import { useRoute, parse } from './lib/router.js';
import { t, usePrefs, fmtDateTime } from './lib/i18n.js';

const WARN_SECONDS = 120;

const screens = {
  inbox: () => import('./screens/inbox.js'),
  apps: () => import('./screens/apps.js'),
  records: () => import('./screens/records.js'),
  record: () => import('./screens/record.js'),
  dashboard: () => import('./screens/dashboard.js'),
  account: () => import('./screens/account.js'),
  backups: () => import('./screens/backups.js'),
  login: () => import('./screens/login.js'),
};

// the screen of the address starts loading now, alongside the session check
const first = parse(location.hash).name;
if (screens[first]) screens[first]().catch(() => {});

function Lazy({ name, ...props }) {
  const [mod, setMod] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    let live = true;
    setMod(null);
    (screens[name] || screens.inbox)().then((m) => live && setMod({ name, m }), (e) => live && setErr(e));
    return () => { live = false; };
  }, [name]);
  // until the new screen has loaded, the previous one must not render with the new route
  // (it would ask the server with the other screen's parameters)
  if (mod && mod.name !== name) return html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`;
  if (err) return html`<p class="error" role="alert">${t('画面を読み込めませんでした。再読み込みしてください。', 'The screen could not be loaded. Please reload the page.')}</p>`;
  if (!mod) return html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`;
  const Screen = mod.m.default;
  return html`<${Screen} ...${props} />`;
}

/* 前回のログイン: shown once after signing in, until dismissed. */
function LastLogin({ prev, onClose }) {
  return html`<div class="banner" role="status">
    <p>${t(`前回のログイン：${fmtDateTime(prev.at)}（IP アドレス ${prev.ip}）。心当たりがないときは、情報システム担当に連絡してください。`,
      `Previous login: ${fmtDateTime(prev.at)} (IP address ${prev.ip}). If this was not you, contact the IT staff.`)}</p>
    <button type="button" class="link" onClick=${onClose}>${t('閉じる', 'Close')}<span class="sr">${t(' 前回のログインのお知らせ', ' the previous login notice')}</span></button>
  </div>`;
}

/* The expiry warning: role=alertdialog, focus inside, back to where it was when closed. */
function ExpiryDialog({ expires, onExtend, onLogout }) {
  const ref = useRef(null);
  const [now, setNow] = useState(Date.now());
  const [err, setErr] = useState('');
  useEffect(() => {
    const back = document.activeElement;
    ref.current && ref.current.focus();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { clearInterval(tick); if (back && back.focus) back.focus(); };
  }, []);
  const left = Math.max(0, Math.round(expires - now / 1000));
  const extend = async () => {
    try { await onExtend(); } catch (e) { setErr(e.message); }
  };
  const keys = (ev) => {
    if (ev.key !== 'Tab') return;
    // keep Tab inside the dialog
    const f = [...ev.currentTarget.querySelectorAll('button')];
    if (ev.shiftKey && document.activeElement === f[0]) { ev.preventDefault(); f[f.length - 1].focus(); }
    else if (!ev.shiftKey && document.activeElement === f[f.length - 1]) { ev.preventDefault(); f[0].focus(); }
  };
  return html`<div class="modal-backdrop">
    <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="exp-title" aria-describedby="exp-text" onKeyDown=${keys}>
      <h2 id="exp-title">${t('まもなくログインの有効期限が切れます', 'Your session is about to end')}</h2>
      <p id="exp-text">${t(`操作がないため、あと${Math.floor(left / 60)}分${left % 60}秒でログアウトします。続けるときは「延長する」を押してください。入力中の内容は消えません。`,
        `Nothing has been done for a while: you will be signed out in ${Math.floor(left / 60)} min ${left % 60} s. Press “Extend” to continue. What you have typed is kept.`)}</p>
      ${err ? html`<p class="error" role="alert">${err}</p>` : null}
      <div class="actions">
        <button type="button" class="primary" ref=${ref} onClick=${extend}>${t('延長する', 'Extend')}</button>
        <button type="button" onClick=${onLogout}>${t('ログアウト', 'Sign out')}</button>
      </div>
    </div>
  </div>`;
}

function Shell({ session, onLogout, notice, onNoticeClose, hidden }) {
  const route = useRoute();
  const link = (href, label, name) => html`<a href=${href} aria-current=${route.name === name ? 'page' : null}>${label}</a>`;
  return html`<div class="shell" hidden=${hidden} inert=${hidden}>
    <a class="skip" href="#main">${t('本文へ移動', 'Skip to main content')}</a>
    <header class="top">
      <span class="brand">${t('窓口', 'Madoguchi')}</span>
      <nav aria-label=${t('メインメニュー', 'Main menu')}>
        ${link('#/inbox', t('受信箱', 'Inbox'), 'inbox')}
        ${link('#/apps', t('アプリ', 'Apps'), 'apps')}
        ${link('#/dashboard', t('ダッシュボード', 'Dashboard'), 'dashboard')}
        ${session.user?.isAdmin ? link('#/backups', t('復元', 'Restore'), 'backups') : null}
      </nav>
      <span class="who">${session.user?.name || session.user?.code}</span>
      ${link('#/account', t('アカウント', 'Account'), 'account')}
      <button type="button" class="link" onClick=${onLogout}>${t('ログアウト', 'Sign out')}</button>
    </header>
    ${notice ? html`<${LastLogin} prev=${notice} onClose=${onNoticeClose} />` : null}
    <main id="main" tabindex="-1">
      <${Lazy} name=${route.name === 'notfound' ? 'inbox' : route.name} route=${route} session=${session} />
    </main>
  </div>`;
}

const EXPIRED = () => t('ログインの有効期限が切れました。もう一度ログインしてください。入力中の内容は、ログインすると元の画面に残っています。',
  'Your session has ended. Please sign in again; what you were typing is still on the screen after you sign in.');

function App() {
  // a change of language or date style re-renders everything from here (no reload)
  const prefs = usePrefs();
  useEffect(() => { // the page's own title; a screen that sets its title keeps it
    if (['窓口 — 職員', 'Madoguchi — Staff'].includes(document.title)) document.title = t('窓口 — 職員', 'Madoguchi — Staff');
  }, [prefs.lang]);
  const [session, setState] = useState(undefined);
  const [user, setUser] = useState(null); // who the mounted shell belongs to
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState(null);
  const [warn, setWarn] = useState(false);

  const apply = (s) => { setSession(s); setState(s); };
  const ended = (why) => {
    setSession(null);
    setState(null);
    setWarn(false);
    setReason(() => why); // a function (EXPIRED) is kept as is and read in the current language
  };
  useEffect(() => {
    api('GET', '/auth/session.json').then((s) => {
      apply(s);
      if (s.stage === 'ok') setUser(s.user.code);
    }, () => apply(null));
    onSessionExpired(() => ended(EXPIRED));
  }, []);

  // the expiry timer: at two minutes before the end ask the server (other calls may have
  // extended the session meanwhile), then warn; at the end ask again and show the login
  const expires = session && session.stage === 'ok' ? session.expires : 0;
  useEffect(() => {
    if (!expires) return undefined;
    let timer;
    const check = async () => {
      let s;
      try {
        s = await api('GET', '/auth/session.json');
      } catch (e) {
        if (e.status === 401) ended(EXPIRED);
        else timer = setTimeout(check, 15000);
        return;
      }
      if (s.expires !== expires) { apply(s); return; } // re-arms through the effect
      const left = s.expires - Date.now() / 1000;
      if (left <= 0) { timer = setTimeout(check, 1000); return; }
      if (left <= WARN_SECONDS + 1) setWarn(true);
      timer = setTimeout(check, Math.max(1000, (left <= WARN_SECONDS + 1 ? left : left - WARN_SECONDS) * 1000));
    };
    const left = expires - Date.now() / 1000;
    if (left > WARN_SECONDS + 1) setWarn(false); // extended, here or by another call
    timer = setTimeout(check, Math.max(0, (left - WARN_SECONDS) * 1000));
    return () => clearTimeout(timer);
  }, [expires]);

  const extend = async () => {
    const s = await api('GET', '/auth/session.json', { extend: 1 });
    setWarn(false);
    apply(s);
  };
  const logout = async () => {
    try { await api('POST', '/auth/logout.json', {}); } catch { /* ended anyway */ }
    setUser(null);
    setNotice(null);
    ended('');
  };
  const signedIn = (s) => {
    apply(s);
    setReason('');
    if (user !== s.user.code) setUser(s.user.code); // another user: a fresh shell
    setNotice(s.previousLogin || null);
  };

  if (session === undefined) return html`<p class="loading">${t('読み込み中…', 'Loading…')}</p>`;
  const ok = session && session.stage === 'ok';
  const shellUser = ok ? session.user.code : user;
  return html`
    ${shellUser && (ok || user) ? html`<${Shell} key=${shellUser} session=${ok ? session : { user: { code: user } }}
      hidden=${!ok} onLogout=${logout} notice=${ok ? notice : null} onNoticeClose=${() => setNotice(null)} />` : null}
    ${!ok ? html`<${Lazy} name="login" session=${session} reason=${typeof reason === 'function' ? reason() : reason} onDone=${signedIn} />` : null}
    ${ok && warn ? html`<${ExpiryDialog} expires=${session.expires} onExtend=${extend} onLogout=${logout} />` : null}`;
}

render(html`<${App} />`, document.getElementById('app'));
