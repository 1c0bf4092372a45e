// Seeds the dashboard benchmark app: fields 区分 and 担当課 (ORGANIZATION_SELECT, offices
// kita / minami), the legal clock enabled, N records through bulkRequest (20 x 100 per call).
// Statuses and clocks are set afterwards by bench/kpi_clocks.sql (see bench/kpi.sh).
// usage: node bench/kpi_seed.mjs URL USER PASSWORD N  → prints {"app":N}
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
const { app } = await call("POST", "/k/v1/preview/app.json", { name: "建築確認（ベンチ）" });
await call("POST", "/k/v1/preview/app/form/fields.json", { app, properties: {
  区分: { type: "SINGLE_LINE_TEXT", code: "区分", label: "区分" },
  担当課: { type: "ORGANIZATION_SELECT", code: "担当課", label: "担当課" },
} });
await call("PUT", "/k/v1/preview/app/clock.json", { app, enable: true, days: 10,
  startStatuses: ["受付"], pauseStatuses: ["修正待ち"], stopStatuses: ["許可", "取下げ"] });
await call("POST", "/k/v1/preview/app/deploy.json", { apps: [{ app }] });
const offices = ["kita", "minami"];
for (let base = 0; base < n; base += 2000) {
  const requests = [];
  for (let k = base; k < Math.min(n, base + 2000); k += 100) {
    const records = [];
    for (let i = k; i < Math.min(n, k + 100); i++)
      records.push({ 区分: { value: `区分${i % 7}` }, 担当課: { value: [{ code: offices[i % 2] }] } });
    requests.push({ method: "POST", api: "/k/v1/records.json", payload: { app, records } });
  }
  await call("POST", "/k/v1/bulkRequest.json", { requests });
}
console.log(JSON.stringify({ app: Number(app) }));
