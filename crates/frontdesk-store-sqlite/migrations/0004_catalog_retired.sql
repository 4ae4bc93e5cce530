-- Retirement: a branch, staff member or service that a business file no longer lists is
-- retired by the import (Unix seconds), not deleted, so its bookings keep their references and
-- stay visible and cancellable. A retired entry is not offered (services and staff are also
-- made inactive; a retired branch gives up its inbound numbers). Listing it again in a file
-- brings it back (the upsert clears retired_at).
ALTER TABLE branches ADD COLUMN retired_at INTEGER;
ALTER TABLE staff ADD COLUMN retired_at INTEGER;
ALTER TABLE services ADD COLUMN retired_at INTEGER;
