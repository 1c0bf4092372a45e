// Durability probe. "write": posts records with 8 parallel clients until the server dies and
// prints the acknowledged ids as JSON. "verify FILE": checks every acknowledged id exists.
const [url, app, token, mode, file] = process.argv.slice(2);
const headers = { "X-Cybozu-API-Token": token, "Content-Type": "application/json" };
if (mode === "verify") {
  const fs = await import("node:fs");
  const acked = JSON.parse(fs.readFileSync(file, "utf8"));
  let missing = 0;
  for (const id of acked) {
    const r = await fetch(`${url}/k/v1/record.json?app=${app}&id=${id}`, { headers });
    if (r.status !== 200) missing++;
  }
  console.log(`${acked.length} acknowledged writes, ${missing} missing after restart`);
} else {
  const max = Number(mode);
  const acked = [];
  let i = 0, dead = false;
  async function worker() {
    while (!dead && i < max) {
      const n = i++;
      try {
        const r = await fetch(`${url}/k/v1/record.json`, { method: "POST", headers,
          body: JSON.stringify({ app, record: { title: { value: `durable ${n}` } } }) });
        if (r.status === 200) acked.push((await r.json()).id);
      } catch { dead = true; }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  console.log(JSON.stringify(acked));
}
