// duckdb_nexmark.mjs - the batch peer of bench/nexmark.sh: DuckDB runs the
// Nexmark queries spate runs, as batch queries over the same events
// (`spate gen nexmark --out DIR` JSON lines, Flink's shape). The events are
// loaded once into a table (read_json, timed apart: "load"); each query's
// result is consumed whole (count and a hash of every column, so nothing is
// pruned away) and timed alone. Prints one RESULT line per query for
// bench/nexmark.sh. Usage: node duckdb_nexmark.mjs DIR SIDE_INPUT_DIR q0 q1 ...
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, side, ...queries] = process.argv.slice(2);
if (!dir || !side || queries.length === 0) {
  console.error('usage: node duckdb_nexmark.mjs DIR SIDE_INPUT_DIR q0 q1 ...');
  process.exit(2);
}
const q = (s) => s.replace(/'/g, "''");
const person = `STRUCT(id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR,
  city VARCHAR, state VARCHAR, dateTime TIMESTAMP, extra VARCHAR)`;
const auction = `STRUCT(id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT,
  reserve BIGINT, dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT,
  extra VARCHAR)`;
const bid = `STRUCT(auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
  dateTime TIMESTAMP, extra VARCHAR)`;
const load = `CREATE TABLE datagen AS
  SELECT event_type, person, auction, bid,
         CASE WHEN event_type = 0 THEN person.dateTime WHEN event_type = 1 THEN auction.dateTime
              ELSE bid.dateTime END AS dateTime
  FROM read_json('${q(dir)}/*.json', format = 'newline_delimited',
                 timestampformat = '%Y-%m-%d %H:%M:%S.%g',
                 columns = {event_type: 'INT', person: '${person}', auction: '${auction}',
                            bid: '${bid}'})`;
// ddl_views.sql's views, as bench/nexmark/ddl.sql declares them.
const views = [
  `CREATE VIEW person AS SELECT person.id, person.name, person.emailAddress, person.creditCard,
     person.city, person.state, dateTime, person.extra FROM datagen WHERE event_type = 0`,
  `CREATE VIEW auction AS SELECT auction.id, auction.itemName, auction.description,
     auction.initialBid, auction.reserve, dateTime, auction.expires, auction.seller,
     auction.category, auction.extra FROM datagen WHERE event_type = 1`,
  `CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, dateTime,
     bid.extra FROM datagen WHERE event_type = 2`,
  `CREATE TABLE side_input AS SELECT * FROM read_csv('${q(side)}/*.csv', header = false,
     columns = {'key': 'BIGINT', 'value': 'VARCHAR'})`,
];
// The SELECT of each query in DuckDB's SQL (bench/nexmark/qN.sql's, with
// DuckDB's function names: strftime for DATE_FORMAT, split_part 1-based for
// SPLIT_INDEX, regexp_extract, hour).
const sql = {
  q0: `SELECT auction, bidder, price, dateTime, extra FROM bid`,
  q1: `SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid`,
  q2: `SELECT auction, price FROM bid WHERE auction % 123 = 0`,
  q3: `SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id
        WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')`,
  q10: `SELECT auction, bidder, price, dateTime, extra, strftime(dateTime, '%Y-%m-%d'),
          strftime(dateTime, '%H:%M') FROM bid`,
  // q11: session windows as a batch query (lag, then a running sum of the
  // rows that open a session); every session, the open ones too.
  q11: `SELECT bidder, count(*) AS bid_count, min(dateTime) AS starttime,
          max(dateTime) + INTERVAL 10 SECOND AS endtime
        FROM (SELECT bidder, dateTime, sum(opens) OVER (PARTITION BY bidder ORDER BY dateTime
                                                        ROWS UNBOUNDED PRECEDING) AS session
              FROM (SELECT bidder, dateTime,
                      CASE WHEN dateTime <= lag(dateTime) OVER (PARTITION BY bidder
                                                                ORDER BY dateTime)
                                            + INTERVAL 10 SECOND THEN 0 ELSE 1 END AS opens
                    FROM bid))
        GROUP BY bidder, session`,
  q13: `SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
          FROM bid B JOIN side_input S ON B.auction % 10000 = S.key`,
  q14: `SELECT auction, bidder, 0.908 * price AS price,
          CASE WHEN hour(dateTime) >= 8 AND hour(dateTime) <= 18 THEN 'dayTime'
               WHEN hour(dateTime) <= 6 OR hour(dateTime) >= 20 THEN 'nightTime'
               ELSE 'otherTime' END AS bidTimeType,
          dateTime, extra, length(extra) - length(replace(extra, 'c', '')) AS c_counts
        FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000`,
  q17: `SELECT auction, strftime(dateTime, '%Y-%m-%d') AS day, count(*) AS total_bids,
          count(*) FILTER (WHERE price < 10000) AS rank1_bids,
          count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
          count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
          min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price,
          sum(price) AS sum_price
        FROM bid GROUP BY auction, strftime(dateTime, '%Y-%m-%d')`,
  q20: `SELECT auction, bidder, price, channel, url, B.dateTime, B.extra, itemName, description,
          initialBid, reserve, A.dateTime, expires, seller, category, A.extra
        FROM bid B JOIN auction A ON B.auction = A.id WHERE A.category = 10`,
  q21: `SELECT auction, bidder, price, channel,
          CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1'
               WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3'
               ELSE regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) END AS channel_id
        FROM bid
        WHERE regexp_extract(url, '(&|^)channel_id=([^&]*)', 2) <> ''
           OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')`,
  q22: `SELECT auction, bidder, price, channel, split_part(url, '/', 4) AS dir1,
          split_part(url, '/', 5) AS dir2, split_part(url, '/', 6) AS dir3 FROM bid`,
};

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
let t0 = process.hrtime.bigint();
await conn.run(load);
const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
for (const v of views) await conn.run(v);
const events = Number((await conn.runAndReadAll('SELECT count(*) FROM datagen')).getRows()[0][0]);
console.log(`RESULT name=duckdb_load events=${events} seconds=${loadSeconds.toFixed(6)}`);
for (const name of queries) {
  if (!sql[name]) {
    console.log(`RESULT name=duckdb_${name} skipped=1`);
    continue;
  }
  const wrapped = `SELECT count(*), sum(hash(COLUMNS(*))) FROM (${sql[name]})`;
  let best = Infinity;
  let rows = 0;
  for (let run = 0; run < 3; run++) {
    t0 = process.hrtime.bigint();
    const r = await conn.runAndReadAll(wrapped);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    rows = Number(r.getRows()[0][0]);
  }
  console.log(`RESULT name=duckdb_${name} events=${events} rows=${rows} seconds=${best.toFixed(6)}`);
}
