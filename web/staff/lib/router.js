// Hash routes of the staff app (#/inbox, #/apps/3, #/apps/3/records/12, #/dashboard): a
// reload or a shared link opens the same screen; the server serves one page for /staff/.
import { useState, useEffect } from './html.js';

const routes = [
  ['inbox', /^\/inbox$/],
  ['apps', /^\/apps$/],
  ['records', /^\/apps\/(?<app>\d+)$/],
  ['record', /^\/apps\/(?<app>\d+)\/records\/(?<id>\d+|new)$/],
  ['dashboard', /^\/dashboard$/],
  ['account', /^\/account$/],
  ['backups', /^\/backups$/], // restore from backups (screens/backups.js)
];

export function parse(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/inbox';
  const [path, qs] = raw.split('?');
  for (const [name, re] of routes) {
    const m = re.exec(path);
    if (m) return { name, params: { ...(m.groups || {}) }, query: Object.fromEntries(new URLSearchParams(qs || '')) };
  }
  return { name: 'notfound', params: {}, query: {} };
}

export function useRoute() {
  const [route, setRoute] = useState(parse(location.hash));
  useEffect(() => {
    const on = () => setRoute(parse(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(path) {
  location.hash = `#${path}`;
}
