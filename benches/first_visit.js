// The bytes a browser really downloads on a first visit to /billing: Debian's
// Chromium (as the browser tests drive it) logs in, opens /billing with an
// empty cache and waits until the network is idle (the WebAssembly pieces
// fetched, the page hydrated). Counts each URL once, by the bytes on the wire
// (compressed body, Chromium's `responseBodySize`). Run by first_visit.sh.
//
//   BASE_URL=http://127.0.0.1:3992 NODE_PATH=end2end/node_modules node benches/first_visit.js
const { chromium } = require("@playwright/test");

(async () => {
  const base = process.env.BASE_URL;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ baseURL: base });
  const login = await context.request.post("/api/login", {
    form: { email: "anna@acme.example", password: "demo1234" },
  });
  if (!login.ok()) throw new Error(`login answered ${login.status()}`);
  const page = await context.newPage();
  const responses = [];
  page.on("requestfinished", (r) => responses.push(r));
  await page.goto("/billing");
  await page.waitForLoadState("networkidle");
  const bytes = new Map();
  for (const r of responses) {
    const { responseBodySize } = await r.sizes();
    const path = new URL(r.url()).pathname;
    bytes.set(path, Math.max(bytes.get(path) || 0, responseBodySize));
  }
  const kinds = { page: [0, 0], js: [0, 0], css: [0, 0], "wasm (shell)": [0, 0], "wasm (pieces)": [0, 0] };
  for (const [path, n] of bytes) {
    const kind = path.endsWith(".js") ? "js" : path.endsWith(".css") ? "css"
      : path.endsWith(".wasm") ? (/\/(chunk|split)_/.test(path) ? "wasm (pieces)" : "wasm (shell)") : "page";
    kinds[kind][0] += 1;
    kinds[kind][1] += n;
  }
  for (const [kind, [count, n]] of Object.entries(kinds)) {
    console.log(`${String(n).padStart(9)}  ${kind}: ${count} file(s)`);
  }
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  console.log(`browser: ${total} bytes (${Math.round(total / 1024)} KiB) in ${bytes.size} requests on the first visit to /billing`);
  await browser.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
