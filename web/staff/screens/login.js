// Sign-in: login + password, then whatever the session's stage asks for: a new password in
// place of a temporary one ("password"), TOTP enrolment with the recovery codes shown once
// ("enrol"), or a TOTP / recovery code ("mfa"). onDone(state) runs at stage "ok".
import { html, useState, useEffect, useRef } from '../lib/html.js';
import { api, setSession } from '../lib/api.js';
import { useStyle } from '../lib/style.js';

/* The server's message; its field errors (policy rules) listed under it. */
function errorText(e) {
  if (e.status === 401) return 'ログイン名またはパスワードが正しくありません。 / The login or password is not correct.';
  const parts = [e.message];
  if (e.errors) for (const v of Object.values(e.errors)) parts.push(...(v.messages || []));
  return [...new Set(parts)].join(' ');
}

function Alert({ text }) {
  // the region exists from the start, so screen readers announce what appears in it
  return html`<div class="login-alert" role="alert">${text ? html`<p>${text}</p>` : null}</div>`;
}

function Field({ id, label, hint, type = 'text', value, onInput, autocomplete, inputmode, focus, invalid }) {
  const ref = useRef(null);
  useEffect(() => { if (focus && ref.current) ref.current.focus(); }, [focus]);
  return html`<div class="login-field">
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    <input ref=${ref} id=${id} name=${id} type=${type} value=${value} autocomplete=${autocomplete}
      inputmode=${inputmode} aria-describedby=${hint ? `${id}-hint` : null} aria-invalid=${invalid ? 'true' : null}
      required onInput=${(ev) => onInput(ev.currentTarget.value)} />
  </div>`;
}

/* form that runs fn on submit and shows its error; busy while it runs */
function useSubmit(fn) {
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    if (busy) return;
    setBusy(true);
    setErr('');
    try { await fn(); } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
  };
  return { err, busy, submit, setErr };
}

function Password({ onState }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const f = useSubmit(async () => {
    const s = await api('POST', '/auth/login.json', { login, password });
    setPassword('');
    onState(s);
  });
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>職員ログイン</h1>
    <${Alert} text=${f.err} />
    <${Field} id="login" label="ログイン名" value=${login} onInput=${setLogin} autocomplete="username" focus=${true} />
    <${Field} id="password" label="パスワード" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" />
    <button type="submit" class="primary" disabled=${f.busy}>ログイン</button>
  </form>`;
}

function NewPassword({ onState }) {
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const f = useSubmit(async () => {
    if (pw !== again) throw { message: '確認のパスワードが一致しません。 / The passwords do not match.' };
    onState(await api('POST', '/auth/password.json', { password: pw }));
  });
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>パスワードの変更</h1>
    <p>仮のパスワードでログインしました。新しいパスワードを決めてください。</p>
    <${Alert} text=${f.err} />
    <${Field} id="new-password" label="新しいパスワード" type="password" value=${pw} onInput=${setPw}
      autocomplete="new-password" focus=${true} hint="ログイン名と同じもの、最近使ったものは使えません。" invalid=${!!f.err} />
    <${Field} id="new-password2" label="新しいパスワード（確認）" type="password" value=${again} onInput=${setAgain} autocomplete="new-password" />
    <button type="submit" class="primary" disabled=${f.busy}>変更する</button>
  </form>`;
}

/* base64 of UTF-8 text (the QR code SVG goes into an <img>, never into the DOM as markup) */
function b64(text) {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function RecoveryCodes({ codes, onSaved }) {
  const ref = useRef(null);
  useEffect(() => { ref.current && ref.current.focus(); }, []);
  return html`<section aria-labelledby="rc-title">
    <h1 id="rc-title" tabindex="-1" ref=${ref}>リカバリーコード</h1>
    <p>認証アプリを使えないときに、確認コードの代わりに使えます。各コードは1回だけ使えます。
      この画面を閉じると二度と表示されません。印刷するか、安全な場所に保存してください。</p>
    <ol class="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
    <button type="button" class="primary" onClick=${onSaved}>保存しました</button>
  </section>`;
}

function Enrol({ onState }) {
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState(null);
  const [done, setDone] = useState(null);
  const start = useSubmit(async () => setSetup(await api('POST', '/auth/totp/setup.json', {})));
  useEffect(() => { start.submit({ preventDefault() {} }); }, []);
  const f = useSubmit(async () => {
    const s = await api('POST', '/auth/totp/confirm.json', { code: code.trim() });
    setSession(s);
    setCodes(s.recoveryCodes);
    setDone(s);
  });
  if (codes) return html`<${RecoveryCodes} codes=${codes} onSaved=${() => onState(done)} />`;
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>二要素認証の設定</h1>
    <p>スマートフォンの認証アプリ（Google Authenticator など）で次の QR コードを読み取ってください。</p>
    <${Alert} text=${f.err || start.err} />
    ${setup ? html`
      <img class="qr" alt="認証アプリに登録する QR コード" src=${`data:image/svg+xml;base64,${b64(setup.qrSvg)}`} />
      <p>読み取れないときは、次のキーを手で入力してください。</p>
      <p class="secret"><code>${setup.secret}</code></p>
      <${Field} id="enrol-code" label="認証アプリに表示された6桁の確認コード" value=${code} onInput=${setCode}
        autocomplete="one-time-code" inputmode="numeric" focus=${true} invalid=${!!f.err} />
      <button type="submit" class="primary" disabled=${f.busy}>設定を完了する</button>` : html`<p class="loading">準備中…</p>`}
  </form>`;
}

function Mfa({ onState }) {
  const [code, setCode] = useState('');
  const f = useSubmit(async () => onState(await api('POST', '/auth/mfa.json', { code: code.trim() })));
  return html`<form onSubmit=${f.submit} novalidate>
    <h1>確認コードの入力</h1>
    <${Alert} text=${f.err} />
    <${Field} id="mfa-code" label="確認コード" value=${code} onInput=${setCode} autocomplete="one-time-code"
      hint="認証アプリの6桁のコード、またはリカバリーコードを入力してください。" focus=${true} invalid=${!!f.err} />
    <button type="submit" class="primary" disabled=${f.busy}>確認する</button>
  </form>`;
}

export default function Login({ session, onDone, reason }) {
  useStyle('/assets/css/staff/login.css');
  const [state, setState] = useState(session && session.stage !== 'ok' ? session : null);
  const next = (s) => {
    setSession(s);
    if (s.stage === 'ok') onDone(s);
    else setState(s);
  };
  const stage = state ? state.stage : 'login';
  return html`<main id="login-main" class="login">
    ${reason && stage === 'login' ? html`<p class="login-reason" role="status">${reason}</p>` : null}
    ${stage === 'login' ? html`<${Password} onState=${next} />`
      : stage === 'password' ? html`<${NewPassword} onState=${next} />`
      : stage === 'enrol' ? html`<${Enrol} onState=${next} />`
      : html`<${Mfa} onState=${next} />`}
  </main>`;
}
