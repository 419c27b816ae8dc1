-- -------------------------------------------------------------------------------------------------
-- Query 0: Pass through (Not in original suite)
-- -------------------------------------------------------------------------------------------------
-- This measures the monitoring overhead of the Flink SQL implementation including the source generator.
-- Using `bid` events here, as they are most numerous with default configuration.
-- -------------------------------------------------------------------------------------------------

-- spate: the sink is `noop` (Flink's: blackhole); the trigger reads every
-- event up to the source's maxEvents.
CREATE TABLE nexmark_q0 USING noop OPTIONS (trigger 'availableNow');

INSERT INTO nexmark_q0
SELECT auction, bidder, price, `dateTime`, extra FROM bid;
