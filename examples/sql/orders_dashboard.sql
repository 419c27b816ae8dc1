-- The orders dashboard's metrics that need no event time (seed 002, section 6.4),
-- as two streaming queries over the CSV orders of `spate gen orders --out DIR`:
-- the number of orders of each kind (B buy, S sell) and the top 5 clients by the
-- total amount * price of their orders, both in complete mode.
--
--   spate gen orders --interval 0 --out /tmp/orders
--   spate sql -d input=/tmp/orders -d trigger=availableNow examples/sql/orders_dashboard.sql
--
-- trigger: 'availableNow' reads every file there is, one file per batch, then
-- stops; '5 seconds' keeps watching the directory (Ctrl-C stops it).

CREATE TABLE orders (time TIMESTAMP, orderId BIGINT, clientId BIGINT, symbol STRING,
                     amount INT, price DOUBLE, kind STRING)
  USING csv OPTIONS (path '${input}', maxFilesPerTrigger 1, timestampFormat 'yyyy-MM-dd HH:mm:ss');

CREATE TABLE orders_by_kind USING console
  OPTIONS (outputMode 'complete', trigger '${trigger}', queryName 'orders_by_kind');
CREATE TABLE top_clients USING console
  OPTIONS (outputMode 'complete', trigger '${trigger}', queryName 'top_clients');

INSERT INTO orders_by_kind
SELECT kind, count(*) AS orders
FROM STREAM(orders)
GROUP BY kind
ORDER BY kind;

INSERT INTO top_clients
SELECT clientId, sum(amount * price) AS total
FROM STREAM(orders)
GROUP BY clientId
ORDER BY total DESC, clientId
LIMIT 5;
