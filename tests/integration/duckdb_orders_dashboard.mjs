// duckdb_orders_dashboard.mjs - the orders dashboard's three metrics computed
// by DuckDB (an independent engine) over the CSV files of `spate gen orders`,
// for test_sql_example.py and test_examples.py to compare spate's results with:
//
//   perSecond   [second, kind, orders] for every second of event time
//   topClients  [clientId, total] the five largest sum(amount * price)
//               (ties by clientId)
//   maxTime     the latest order's time
//   windows     [window_start, window_end, symbol, volume] of every 1-hour
//               window sliding every 5 seconds (starts on multiples of 5 s
//               since the epoch, as Spark's window()) whose end is at or
//               before the watermark maxTime - DELAY seconds: the windows an
//               append-mode query over that watermark has emitted
//
// Times are 'yyyy-MM-dd HH:mm:ss' text, read and written without a time zone.
// DuckDB comes from bench/ (bench/package.json, `npm ci` there).
//
// Usage: node duckdb_orders_dashboard.mjs DIR DELAY_SECONDS  -> JSON on stdout
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [dir, delayArg] = process.argv.slice(2);
const delay = Number(delayArg);
if (!dir || !Number.isInteger(delay) || delay < 0) {
  console.error('usage: node duckdb_orders_dashboard.mjs DIR DELAY_SECONDS');
  process.exit(2);
}
const bench = fileURLToPath(new URL('../../bench/', import.meta.url));
const entry = createRequire(join(bench, 'package.json')).resolve('@duckdb/node-api');
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

const conn = await (await DuckDBInstance.create(':memory:')).connect();
const glob = join(dir, 'orders-*.txt').replace(/'/g, "''");
await conn.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${glob}', header = false,
  timestampformat = '%Y-%m-%d %H:%M:%S', columns = {'time': 'TIMESTAMP', 'orderId': 'BIGINT',
  'clientId': 'BIGINT', 'symbol': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DOUBLE',
  'kind': 'VARCHAR'})`);
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRows();
const fmt = (col) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;

const perSecond = await rows(`SELECT ${fmt('time')}, kind, count(*)::INTEGER FROM orders
  GROUP BY ALL ORDER BY ALL`);
const topClients = await rows(`SELECT clientId::INTEGER, sum(amount * price) AS total
  FROM orders GROUP BY clientId ORDER BY total DESC, clientId LIMIT 5`);
const [[maxTime]] = await rows(`SELECT ${fmt('max(time)')} FROM orders`);
// Each order in the 720 windows [s, s + 1 h) with s a multiple of 5 s and
// time - 1 h < s <= time; only the windows the watermark has closed.
const windows = await rows(`WITH w AS (
    SELECT time_bucket(INTERVAL 5 SECOND, time) - INTERVAL 5 SECOND * k AS ws, symbol, amount
    FROM orders, range(720) AS r(k))
  SELECT ${fmt('ws')}, ${fmt('ws + INTERVAL 1 HOUR')}, symbol, sum(amount)::BIGINT
  FROM w
  WHERE ws + INTERVAL 1 HOUR <= (SELECT max(time) FROM orders) - INTERVAL (${delay}) SECOND
  GROUP BY ALL ORDER BY ALL`);

// BIGINT values come as BigInt: written as JSON numbers (they fit a double).
const big = (_, v) => (typeof v === 'bigint' ? Number(v) : v);
console.log(JSON.stringify({ perSecond, topClients, maxTime, windows }, big));
