// duckdb_orders.mjs - the peer of bench_orders: DuckDB counts the orders of a
// file by kind (B/S), the same work as numPerType. Times only the query (not
// node's start, not opening the database) and prints a RESULT line for
// bench/run.sh. Usage: node duckdb_orders.mjs FILE
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
if (!file) {
  console.error('usage: node duckdb_orders.mjs FILE');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const path = file.replace(/'/g, "''");
const sql = `SELECT column6, count(*) FROM read_csv('${path}', header=false) GROUP BY 1`;
const t0 = process.hrtime.bigint();
const reader = await conn.runAndReadAll(sql);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rows = reader.getRows().map(([kind, n]) => `(${kind},${n})`).join(' ');
console.log(`duckdb: ${rows} in ${seconds.toFixed(3)} s`);
console.log(`RESULT name=duckdb seconds=${seconds.toFixed(6)}`);
