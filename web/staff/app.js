// The staff application: the session decides between the login screens and the work screens;
// the work screens are loaded on first use (import()), so the first load stays small.
import { html, render, useState, useEffect } from './lib/html.js';
import { api, setSession, onSessionExpired } from './lib/api.js';
import { useRoute } from './lib/router.js';

const screens = {
  inbox: () => import('./screens/inbox.js'),
  apps: () => import('./screens/apps.js'),
  records: () => import('./screens/records.js'),
  record: () => import('./screens/record.js'),
  dashboard: () => import('./screens/dashboard.js'),
  account: () => import('./screens/account.js'),
};

function Lazy({ name, ...props }) {
  const [mod, setMod] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    let live = true;
    setMod(null);
    (screens[name] || screens.inbox)().then((m) => live && setMod(m), (e) => live && setErr(e));
    return () => { live = false; };
  }, [name]);
  if (err) return html`<p class="error" role="alert">画面を読み込めませんでした。再読み込みしてください。</p>`;
  if (!mod) return html`<p class="loading">読み込み中…</p>`;
  const Screen = mod.default;
  return html`<${Screen} ...${props} />`;
}

function Shell({ session, onLogout }) {
  const route = useRoute();
  const link = (href, label, name) => html`<a href=${href} aria-current=${route.name === name ? 'page' : null}>${label}</a>`;
  return html`
    <a class="skip" href="#main">本文へ移動</a>
    <header class="top">
      <span class="brand">窓口</span>
      <nav aria-label="メインメニュー">
        ${link('#/inbox', '受信箱', 'inbox')}
        ${link('#/apps', 'アプリ', 'apps')}
        ${link('#/dashboard', 'ダッシュボード', 'dashboard')}
      </nav>
      <span class="who">${session.user?.name || session.user?.code}</span>
      ${link('#/account', 'アカウント', 'account')}
      <button type="button" class="link" onClick=${onLogout}>ログアウト</button>
    </header>
    <main id="main" tabindex="-1">
      <${Lazy} name=${route.name === 'notfound' ? 'inbox' : route.name} route=${route} session=${session} />
    </main>`;
}

function App() {
  const [session, setState] = useState(undefined);
  const refresh = async () => {
    try {
      const s = await api('GET', '/auth/session.json');
      setSession(s);
      setState(s);
    } catch {
      setSession(null);
      setState(null);
    }
  };
  useEffect(() => {
    refresh();
    onSessionExpired(() => { setSession(null); setState(null); });
  }, []);
  const logout = async () => {
    try { await api('POST', '/auth/logout.json', {}); } catch { /* ended anyway */ }
    setSession(null);
    setState(null);
  };
  if (session === undefined) return html`<p class="loading">読み込み中…</p>`;
  if (!session || session.stage !== 'ok') {
    return html`<${Lazy} name="login" session=${session} onDone=${(s) => { setSession(s); setState(s); }} />`;
  }
  return html`<${Shell} session=${session} onLogout=${logout} />`;
}

screens.login = () => import('./screens/login.js');
render(html`<${App} />`, document.getElementById('app'));
