// ui_browser.mjs - opens one tab of spate's web UI in headless Chromium
// (Debian's, through playwright-core from bench/node_modules), waits until
// its charts draw points and its table grows, saves a screenshot, and
// prints what it saw as JSON (the streaming tab, then its batch page and the
// Executors tab). Driven by test_ui_browser.py.
//   node ui_browser.mjs BASE_URL streaming|queries OUT_DIR
import { createRequire } from "node:module";

const require = createRequire(new URL("../../bench/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const [base, tab, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.SPATE_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const result = { errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  page.on("pageerror", (e) => result.errors.push(String(e)));
  const points = (sel) => page.$$eval(sel, (els) => els.map((e) => Number(e.dataset.points || 0)));
  const rowCount = (sel) => page.$$eval(sel, (rs) => rs.length);
  const wait = (fn, arg) => page.waitForFunction(fn, arg, { timeout: 45000, polling: 100 });
  if (tab === "streaming") {
    await page.goto(`${base}/streaming/`);
    await wait(() => [...document.querySelectorAll(".charts > div")].every((d) => Number(d.dataset.points) >= 3));
    result.points = await points(".charts > div");
    result.rowsBefore = await rowCount("#done tbody tr");
    await wait((n) => document.querySelectorAll("#done tbody tr").length > n, result.rowsBefore);
    result.rowsAfter = await rowCount("#done tbody tr");
    result.canvases = await rowCount("canvas");
    result.summary = await page.textContent("#summary");
    await page.screenshot({ path: `${out}/streaming.png`, fullPage: true });
    await page.click("#done tbody tr:first-child a");
    await wait(() => document.querySelectorAll("#ops tbody tr").length > 0);
    result.ops = await page.$$eval("#ops tbody tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    await page.screenshot({ path: `${out}/streaming-batch.png`, fullPage: true });
    // the Executors tab: the executor's completed tasks grow with the batches
    await page.goto(`${base}/executors/`);
    const done = () => Number(document.querySelector("#executors tbody tr td:nth-child(8)")?.textContent || 0);
    await wait(`(${done})() > 0`);
    result.tasksBefore = await page.evaluate(done);
    await wait((n) => Number(document.querySelector("#executors tbody tr td:nth-child(8)").textContent) > n,
      result.tasksBefore);
    result.threads = await rowCount("#threads tbody tr");
    await page.screenshot({ path: `${out}/executors.png`, fullPage: true });
  } else {
    await page.goto(`${base}/StreamingQuery/`);
    await wait(() => [...document.querySelectorAll("#charts > div")].every((d) => Number(d.dataset.points) >= 3));
    result.points = await points("#charts > div");
    result.queries = await page.$$eval("#queries tbody tr", (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
    const latest = Number(result.queries[0][8]);
    await wait((n) => Number(document.querySelector("#queries tbody tr td:nth-child(9)").textContent) > n, latest);
    result.latestBefore = latest;
    result.latestAfter = Number(await page.textContent("#queries tbody tr td:nth-child(9)"));
    result.canvases = await rowCount("canvas");
    await page.screenshot({ path: `${out}/queries.png`, fullPage: true });
  }
  result.error = await page.textContent("#error");
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
