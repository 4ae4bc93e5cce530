-- Takes a write's advisory locks in one round trip instead of one statement per lock. The
-- keys come sorted; FOREACH walks an array in order, so writers needing overlapping sets
-- still queue instead of deadlocking.
CREATE FUNCTION frontdesk_lock_in_order(keys BIGINT[]) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT;
BEGIN
    FOREACH k IN ARRAY keys LOOP
        PERFORM pg_advisory_xact_lock(k);
    END LOOP;
END
$$;
