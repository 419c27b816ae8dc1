// duckdb_top_clients.mjs - the peer of bench_sql.sh's top-5-clients query:
// DuckDB computes the five clients with the largest sum(amount * price) over
// all the order files of DIR. Times the query only (not node's start, not
// opening the database) and prints the five and a RESULT line.
// Usage: node duckdb_top_clients.mjs DIR
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node duckdb_top_clients.mjs DIR');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const glob = join(dir, 'orders-*.txt').replace(/'/g, "''");
const columns = `{'time': 'TIMESTAMP', 'orderId': 'BIGINT', 'clientId': 'BIGINT',
  'symbol': 'VARCHAR', 'amount': 'INTEGER', 'price': 'DOUBLE', 'kind': 'VARCHAR'}`;
const sql = `SELECT clientId, sum(amount * price) AS total
  FROM read_csv('${glob}', header = false, timestampformat = '%Y-%m-%d %H:%M:%S',
                columns = ${columns})
  GROUP BY clientId ORDER BY total DESC, clientId LIMIT 5`;
const t0 = process.hrtime.bigint();
const rows = (await conn.runAndReadAll(sql)).getRows();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`duckdb: ${rows.map(([c, t]) => `${c}:${Number(t).toFixed(2)}`).join(' ')} in ${seconds.toFixed(3)} s`);
console.log(`RESULT name=duckdb_top_clients seconds=${seconds.toFixed(6)}`);
