// duckdb_dashboard.mjs - the peer of bench_dashboard: DuckDB computes the
// dashboard's three metrics over the same order files (one file = one batch):
//   BUYS/SELLS  count(*) per file and kind
//   TOP5CLIENTS the clients with the largest sum(amount * price) over all files
//   TOP5STOCKS  the symbols with the largest sum(amount) (bench_dashboard's
//               1-hour window covers its 50 batches of 5 s, so: all files)
// Times the load and the three queries (not node's start, not opening the
// database) and prints a RESULT line for bench/bench_dashboard.sh.
//
// With --check OUTDIR (bench_dashboard's --output directory), also compares
// spate's output with DuckDB's: per batch i the counts of file i, and the
// final TOP5 lists by their totals (ties may be listed in any order, so the
// totals of the names spate chose must be the five largest totals). Exits 1
// when they disagree.
//
// Usage: node duckdb_dashboard.mjs DIR [--check OUTDIR]
import { DuckDBInstance } from '@duckdb/node-api';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, flag, outDir] = process.argv.slice(2);
if (!dir || (flag && (flag !== '--check' || !outDir))) {
  console.error('usage: node duckdb_dashboard.mjs DIR [--check OUTDIR]');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const glob = join(dir, 'orders-*.txt').replace(/'/g, "''");
const columns = `{'time': 'TIMESTAMP', 'orderId': 'BIGINT', 'clientId': 'BIGINT',
  'symbol': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DOUBLE', 'kind': 'VARCHAR'}`;

// One statement reading the files once (a MATERIALIZED CTE feeding the three
// aggregates): faster here than loading a table first (about 2x) and about
// as fast as three separate scans of the files.
const sql = `WITH o AS MATERIALIZED (SELECT * FROM read_csv('${glob}', header = false,
    timestampformat = '%Y-%m-%d %H:%M:%S', filename = true, columns = ${columns}))
  SELECT 'kind' AS metric, filename AS k, kind AS k2, count(*)::DOUBLE AS v FROM o GROUP BY ALL
  UNION ALL SELECT 'client', clientId::VARCHAR, NULL, sum(amount * price) FROM o GROUP BY ALL
  UNION ALL SELECT 'symbol', symbol, NULL, sum(amount)::DOUBLE FROM o GROUP BY ALL`;
const t0 = process.hrtime.bigint();
const rows = (await conn.runAndReadAll(sql)).getRows();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

const pick = (m) => rows.filter((r) => r[0] === m).map((r) => r.slice(1));
const kinds = pick('kind').map(([file, kind, n]) => [file, kind, n]);
const byTotal = (m) => pick(m).map(([k, , v]) => [k, v]).sort((a, b) => b[1] - a[1]);
const clients = byTotal('client'), stocks = byTotal('symbol');
const lines = kinds.reduce((s, r) => s + Number(r[2]), 0);
const top = (rows) => rows.slice(0, 5).map((r) => String(r[0])).join(', ');
console.log(`duckdb: ${lines} lines in ${seconds.toFixed(3)} s = ` +
  `${(lines / seconds / 1e6).toFixed(2)} M lines/s; TOP5CLIENTS List(${top(clients)}), ` +
  `TOP5STOCKS List(${top(stocks)})`);
console.log(`RESULT name=duckdb_dashboard seconds=${seconds.toFixed(6)} lines=${lines}`);

if (outDir) process.exit(check(outDir) ? 0 : 1);

// spate's batches: [{time, counts: {BUYS, SELLS}, top: {TOP5CLIENTS: [...], ...}}].
function readBatches(out) {
  const time = (n) => Number(/\d+/.exec(n)[0]);
  const names = readdirSync(out).filter((n) => /^output-\d+\.txt$/.test(n));
  return names.sort((a, b) => time(a) - time(b)).map((name) => {
    const b = { name, counts: {}, top: {} };
    for (const line of readFileSync(join(out, name, 'part-00000'), 'utf8').split('\n')) {
      const m = /^\((\w+),List\((.*)\)\)$/.exec(line);
      if (!m) continue;
      if (m[1] === 'BUYS' || m[1] === 'SELLS') b.counts[m[1]] = Number(m[2]);
      else b.top[m[1]] = m[2] === '' ? [] : m[2].split(', ');
    }
    return b;
  });
}

// True when names are five keys whose totals are the five largest, in order.
function sameTop(what, names, rows) {
  const total = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
  const best = rows.slice(0, 5).map((r) => Number(r[1]));
  const got = (names || []).map((n) => total.get(n));
  const ok = got.length === best.length &&
    got.every((g, i) => g !== undefined && Math.abs(g - best[i]) <= 1e-9 * Math.max(1, best[i]));
  console.log(`check ${what}: spate List(${(names || []).join(', ')}) totals ` +
    `${got.join(', ')}; DuckDB's five largest ${best.join(', ')}: ${ok ? 'agree' : 'DISAGREE'}`);
  return ok;
}

function check(out) {
  const batches = readBatches(out);
  const perFile = new Map();
  for (const [file, kind, n] of kinds) {
    const k = basename(String(file));
    perFile.set(k, { ...perFile.get(k), [kind === 'B' ? 'BUYS' : 'SELLS']: Number(n) });
  }
  const files = [...perFile.keys()].sort();
  let bad = batches.length === files.length ? 0 : 1;
  files.forEach((f, i) => {
    const want = perFile.get(f), got = (batches[i] || { counts: {} }).counts;
    if (got.BUYS !== want.BUYS || got.SELLS !== want.SELLS) {
      if (bad++ < 3) console.log(`check: batch ${i + 1} (${f}) spate ${JSON.stringify(got)}` +
        ` DuckDB ${JSON.stringify(want)}`);
    }
  });
  console.log(`check BUYS/SELLS: ${batches.length} batches, ${files.length} files: ` +
    `${bad ? 'DISAGREE' : 'agree'}`);
  const last = batches[batches.length - 1] || { top: {} };
  const c = sameTop('TOP5CLIENTS', last.top.TOP5CLIENTS, clients);
  const s = sameTop('TOP5STOCKS', last.top.TOP5STOCKS, stocks);
  return !bad && c && s;
}
