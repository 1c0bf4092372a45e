// The server's API from the staff app: the session cookie, X-Requested-With on every call and
// the session's request token on writes (the server's CSRF rules, docs/api.md). Errors become
// ApiError with the server's own message (Japanese, or English when the browser asks for it),
// its kintone code, the field errors and the HTTP status; a network failure is status 0 with
// a plain message, so screens can keep the user's input and say what happened.
let requestToken = null;
let onExpired = null;

export class ApiError extends Error {
  constructor(status, code, message, errors) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors || null; // {"record.氏名.value": {messages: [...]}}
  }
}

/* Called with the session state after login and on every session.json. */
export function setSession(state) {
  requestToken = state && state.requestToken ? state.requestToken : null;
}

/* fn() runs when a call answers 401 (session ended): the app shows the login again. */
export function onSessionExpired(fn) {
  onExpired = fn;
}

function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((x, i) => parts.push(`${encodeURIComponent(`${k}[${i}]`)}=${encodeURIComponent(x)}`));
    else parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/* api('GET', '/k/v1/records.json', {app: 3}) → parsed JSON. GET/DELETE send params in the
 * query string, others as a JSON body; FormData bodies go as multipart. */
export async function api(method, path, params, { raw = false } = {}) {
  const headers = { 'X-Requested-With': 'XMLHttpRequest' };
  let url = path, body;
  if (method === 'GET' || method === 'DELETE') {
    url += query(params);
  } else if (params instanceof FormData) {
    body = params;
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(params || {});
  }
  if (method !== 'GET' && requestToken) headers['X-Request-Token'] = requestToken;
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'サーバーに接続できません。通信状態を確認して、もう一度お試しください。入力した内容は消えていません。');
  }
  if (raw && res.ok) return res;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401 && onExpired && !path.startsWith('/auth/')) onExpired();
    throw new ApiError(res.status, json?.code || `HTTP${res.status}`,
      json?.message || `サーバーでエラーが発生しました（${res.status}）。`, json?.errors);
  }
  return json;
}
