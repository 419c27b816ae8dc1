-- -------------------------------------------------------------------------------------------------
-- Query 22: Get URL Directories (Not in original suite)
-- -------------------------------------------------------------------------------------------------
-- What is the directory structure of the URL?
-- Illustrates a SPLIT_INDEX SQL.
-- -------------------------------------------------------------------------------------------------

-- spate: the sink is `noop` (Flink's: blackhole); the trigger reads every
-- event up to the source's maxEvents.
CREATE TABLE nexmark_q22 USING noop OPTIONS (trigger 'availableNow');

-- spate: Flink's SPLIT_INDEX(s, sep, i) (0-based, NULL past the end) is Spark's
-- get(split(s, sep), i); spate has no get() yet, so split(s, sep)[i], which
-- would fail past the end, but every Nexmark URL has more than 6 parts.
INSERT INTO nexmark_q22
SELECT
    auction, bidder, price, channel,
    split(url, '/')[3] as dir1,
    split(url, '/')[4] as dir2,
    split(url, '/')[5] as dir3 FROM bid;
