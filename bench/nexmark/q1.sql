-- -------------------------------------------------------------------------------------------------
-- Query1: Currency conversion
-- -------------------------------------------------------------------------------------------------
-- Convert each bid value from dollars to euros. Illustrates a simple transformation.
-- -------------------------------------------------------------------------------------------------

-- spate: the sink is `noop` (Flink's: blackhole); the trigger reads every
-- event up to the source's maxEvents.
CREATE TABLE nexmark_q1 USING noop OPTIONS (trigger 'availableNow');

INSERT INTO nexmark_q1
SELECT
    auction,
    bidder,
    0.908 * price as price, -- convert dollar to euro
    `dateTime`,
    extra
FROM bid;
