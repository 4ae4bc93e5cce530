//! What an instance reports about its database: the reads `GET /api/mcp/health` probes (each
//! the read a surface depends on, so a broken table shows as that surface unhealthy) and the
//! pool's use for `/metrics`. Timing and timeouts are the caller's.

use crate::Engine;
use crate::calls::RETELL;
use crate::error::EngineResult;
use frontdesk_store::{BookingQuery, OptionalExt, PoolUsage};

impl Engine {
    /// Reads the bookings table, as finding appointments does (one row of no company).
    pub async fn probe_bookings(&self) -> EngineResult<()> {
        let query = BookingQuery {
            company_id: 0,
            limit: 1,
            ..BookingQuery::default()
        };
        self.store.list_bookings(&query).await?;
        Ok(())
    }

    /// Reads the calls table, as a Retell webhook does; finding no such call is healthy.
    pub async fn probe_calls(&self) -> EngineResult<()> {
        self.store
            .get_call(0, RETELL, "health-probe")
            .await
            .optional()?;
        Ok(())
    }

    /// Looks a branch up by inbound number, as a custom function finds its company; finding
    /// none is healthy.
    pub async fn probe_branch_lookup(&self) -> EngineResult<()> {
        self.store.find_branch_by_phone("+0").await.optional()?;
        Ok(())
    }

    /// How the database connection pool is used right now; `None` for a backend without a
    /// pool worth watching.
    pub fn pool_usage(&self) -> Option<PoolUsage> {
        self.store.pool_usage()
    }
}

#[cfg(test)]
mod tests {
    use crate::prompts::demo_engine;

    #[tokio::test]
    async fn every_probe_passes_on_a_working_database_that_has_no_such_rows() {
        let (engine, _dir) = demo_engine().await;
        engine.probe_bookings().await.expect("bookings");
        engine.probe_calls().await.expect("calls");
        engine.probe_branch_lookup().await.expect("branches");
    }
}
