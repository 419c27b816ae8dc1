-- -------------------------------------------------------------------------------------------------
-- Query 13: Bounded Side Input Join (Not in original suite)
-- -------------------------------------------------------------------------------------------------
-- Joins a stream to a bounded side input, modeling basic stream enrichment.
-- -------------------------------------------------------------------------------------------------

-- spate: the side input is a static csv table (${SIDE_INPUT}: a folder of `key,value`
-- lines, keys 0..9999, written by bench/nexmark.sh), read once.
CREATE TABLE side_input (key BIGINT, `value` STRING) USING csv OPTIONS (path '${SIDE_INPUT}');

-- spate: the sink is `noop` (Flink's: blackhole); the trigger reads every
-- event up to the source's maxEvents.
CREATE TABLE nexmark_q13 USING noop OPTIONS (trigger 'availableNow');

-- spate: a stream-static join on the key; Flink's lookup join FOR SYSTEM_TIME AS
-- OF PROCTIME() (a processing-time temporal join) is Spark's plain stream-static
-- join.
INSERT INTO nexmark_q13
SELECT
    B.auction,
    B.bidder,
    B.price,
    B.`dateTime`,
    S.`value`
FROM bid B
JOIN side_input S
ON mod(B.auction, 10000) = S.key;
