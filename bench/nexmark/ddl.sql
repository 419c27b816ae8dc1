-- bench/nexmark/ddl.sql - the Nexmark tables of the nexmark/nexmark
-- repository's Flink setup (queries/ddl_gen.sql and ddl_views.sql) in
-- spate's SQL: the `datagen` table is spate's built-in `nexmark` source
-- (Flink's rows: event_type, person, auction, bid structs, dateTime), and
-- `person`, `auction`, `bid` are views over it as in ddl_views.sql.
-- bench/nexmark.sh puts the values in for ${EVENTS}, ${ROWS} (events per
-- micro-batch) and ${PARTS} (numPartitions).
--
-- Differences from Flink's ddl: no WATERMARK FOR `dateTime` (spate has no
-- watermarks yet); `dateTime` is a column the source fills (the event's
-- time, what Flink's computed CASE column gives); the event-time rate is the
-- source's eventsPerSecond (10 000 000, nexmark.yaml's tps), and event ids
-- start at 0 (Beam's generator) rather than Flink's 2.
CREATE TABLE datagen USING nexmark
  OPTIONS (maxEvents ${EVENTS}, rowsPerBatch ${ROWS}, numPartitions ${PARTS})
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND;

CREATE TEMPORARY VIEW person AS
SELECT
    person.id,
    person.name,
    person.emailAddress,
    person.creditCard,
    person.city,
    person.state,
    `dateTime`,
    person.extra
FROM STREAM(datagen) WHERE event_type = 0;

CREATE TEMPORARY VIEW auction AS
SELECT
    auction.id,
    auction.itemName,
    auction.description,
    auction.initialBid,
    auction.reserve,
    `dateTime`,
    auction.expires,
    auction.seller,
    auction.category,
    auction.extra
FROM STREAM(datagen) WHERE event_type = 1;

CREATE TEMPORARY VIEW bid AS
SELECT
    bid.auction,
    bid.bidder,
    bid.price,
    bid.channel,
    bid.url,
    `dateTime`,
    bid.extra
FROM STREAM(datagen) WHERE event_type = 2;
