// Seeds the benchmark app: 15 fields, N records, through bulkRequest (20 x 100 per call).
// usage: node bench/seed.mjs URL USER PASSWORD N  → prints "APP TOKEN_JSON_FILE" info as JSON
const [url, user, password, nStr] = process.argv.slice(2);
const n = Number(nStr || 100000);
const auth = { "X-Cybozu-Authorization": Buffer.from(`${user}:${password}`).toString("base64"),
  "Content-Type": "application/json" };
async function call(method, path, body) {
  const res = await fetch(url + path, { method, headers: auth, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const { app } = await call("POST", "/k/v1/preview/app.json", { name: "bench" });
const opts = (list) => Object.fromEntries(list.map((l, i) => [l, { label: l, index: String(i) }]));
const properties = {
  title: { type: "SINGLE_LINE_TEXT", code: "title", label: "件名" },
  applicant: { type: "SINGLE_LINE_TEXT", code: "applicant", label: "申請者" },
  kana: { type: "SINGLE_LINE_TEXT", code: "kana", label: "フリガナ" },
  address: { type: "SINGLE_LINE_TEXT", code: "address", label: "所在地" },
  status: { type: "DROP_DOWN", code: "status", label: "状況", options: opts(["受付", "審査中", "決裁中", "完了", "取下げ"]) },
  area: { type: "DROP_DOWN", code: "area", label: "地域", options: opts(["世田谷", "北沢", "玉川", "砧", "烏山"]) },
  kind: { type: "RADIO_BUTTON", code: "kind", label: "種別", options: opts(["許可", "届出"]), defaultValue: "許可" },
  amount: { type: "NUMBER", code: "amount", label: "面積" },
  floors: { type: "NUMBER", code: "floors", label: "階数" },
  received: { type: "DATE", code: "received", label: "受付日" },
  due: { type: "DATE", code: "due", label: "期限" },
  memo: { type: "MULTI_LINE_TEXT", code: "memo", label: "備考" },
  tags: { type: "CHECK_BOX", code: "tags", label: "区分", options: opts(["景観", "緑化", "道路", "開発"]) },
  email: { type: "SINGLE_LINE_TEXT", code: "email", label: "メール" },
  phone: { type: "SINGLE_LINE_TEXT", code: "phone", label: "電話" },
};
await call("POST", "/k/v1/preview/app/form/fields.json", { app, properties });
await call("PUT", "/k/v1/preview/app/views.json", { app, views: {
  "審査中一覧": { type: "LIST", index: 0, filterCond: 'status in ("審査中") and area in ("北沢")', sort: "received desc" } } });
await call("POST", "/k/v1/preview/app/deploy.json", { apps: [{ app }] });
const statuses = ["受付", "審査中", "決裁中", "完了", "取下げ"];
const areas = ["世田谷", "北沢", "玉川", "砧", "烏山"];
function rec(i) {
  const d = new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86400000).toISOString().slice(0, 10);
  return {
    title: { value: `開発行為許可申請 第${i}号` }, applicant: { value: `世田谷 太郎${i}` },
    kana: { value: `セタガヤ タロウ${i}` }, address: { value: `東京都世田谷区北沢${i % 5 + 1}丁目${i % 40 + 1}番` },
    status: { value: statuses[i % 5] }, area: { value: areas[(i >> 3) % 5] }, kind: { value: i % 2 ? "許可" : "届出" },
    amount: { value: String(100 + (i % 900)) }, floors: { value: String(1 + (i % 12)) },
    received: { value: d }, due: { value: d }, memo: { value: `備考 ${i}` }, tags: { value: ["景観", "緑化"].slice(0, i % 3) },
    email: { value: `user${i}@example.jp` }, phone: { value: `03-5432-${String(i % 10000).padStart(4, "0")}` },
  };
}
for (let base = 0; base < n; base += 2000) {
  const requests = [];
  for (let k = base; k < Math.min(n, base + 2000); k += 100) {
    const records = [];
    for (let i = k; i < Math.min(n, k + 100); i++) records.push(rec(i));
    requests.push({ method: "POST", api: "/k/v1/records.json", payload: { app, records } });
  }
  await call("POST", "/k/v1/bulkRequest.json", { requests });
}
console.log(JSON.stringify({ app: Number(app) }));
