//! Voice calls as the platforms report them, the webhook events already handled, and the
//! platforms' agents.

use crate::map_err;
use crate::rows::{AgentRow, CallRow};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::PgPool;
use sqlx::types::Json;

/// Webhooks arrive out of order and partially filled; a report that does not mention a field
/// must not erase what an earlier one said (COALESCE). The company is the first reporter's:
/// the WHERE leaves another company's call untouched and returns no row (Conflict).
pub(crate) async fn upsert_call(pool: &PgPool, call: CallUpdate) -> StoreResult<Call> {
    sqlx::query_as::<_, CallRow>(
        "INSERT INTO calls
             (company_id, provider, external_id, agent_id, from_number, to_number, direction,
              status, started_at, ended_at, transcript, analysis, dynamic_variables,
              customer_id, booking_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         ON CONFLICT (provider, external_id) DO UPDATE SET
             agent_id = COALESCE(EXCLUDED.agent_id, calls.agent_id),
             from_number = COALESCE(EXCLUDED.from_number, calls.from_number),
             to_number = COALESCE(EXCLUDED.to_number, calls.to_number),
             direction = COALESCE(EXCLUDED.direction, calls.direction),
             status = COALESCE(EXCLUDED.status, calls.status),
             started_at = COALESCE(EXCLUDED.started_at, calls.started_at),
             ended_at = COALESCE(EXCLUDED.ended_at, calls.ended_at),
             transcript = COALESCE(EXCLUDED.transcript, calls.transcript),
             analysis = COALESCE(EXCLUDED.analysis, calls.analysis),
             dynamic_variables = COALESCE(EXCLUDED.dynamic_variables, calls.dynamic_variables),
             customer_id = COALESCE(EXCLUDED.customer_id, calls.customer_id),
             booking_id = COALESCE(EXCLUDED.booking_id, calls.booking_id),
             updated_at = EXCLUDED.updated_at
         WHERE calls.company_id = EXCLUDED.company_id
         RETURNING *",
    )
    .bind(call.company_id)
    .bind(&call.provider)
    .bind(&call.external_id)
    .bind(&call.agent_id)
    .bind(&call.from_number)
    .bind(&call.to_number)
    .bind(&call.direction)
    .bind(&call.status)
    .bind(call.started_at.map(|t| t.as_second()))
    .bind(call.ended_at.map(|t| t.as_second()))
    .bind(&call.transcript)
    .bind(call.analysis.as_ref().map(Json))
    .bind(call.dynamic_variables.as_ref().map(Json))
    .bind(call.customer_id)
    .bind(call.booking_id)
    .bind(call.now.as_second())
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .ok_or_else(|| {
        StoreError::Conflict(format!(
            "call {}/{} belongs to another company",
            call.provider, call.external_id
        ))
    })?
    .into_model()
}

pub(crate) async fn get_call(
    pool: &PgPool,
    company_id: CompanyId,
    provider: &str,
    external_id: &str,
) -> StoreResult<Call> {
    sqlx::query_as::<_, CallRow>(
        "SELECT * FROM calls WHERE company_id = $1 AND provider = $2 AND external_id = $3",
    )
    .bind(company_id)
    .bind(provider)
    .bind(external_id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn find_call(
    pool: &PgPool,
    provider: &str,
    external_id: &str,
) -> StoreResult<Call> {
    sqlx::query_as::<_, CallRow>("SELECT * FROM calls WHERE provider = $1 AND external_id = $2")
        .bind(provider)
        .bind(external_id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn record_call_event(
    pool: &PgPool,
    call_id: CallId,
    event: &str,
    now: Timestamp,
    announce: &[NewNotification],
) -> StoreResult<bool> {
    let mut tx = crate::begin(pool).await?;
    let inserted = sqlx::query(
        "INSERT INTO call_events (call_id, event, at) VALUES ($1, $2, $3)
         ON CONFLICT (call_id, event) DO NOTHING",
    )
    .bind(call_id)
    .bind(event)
    .bind(now.as_second())
    .execute(&mut *tx)
    .await
    .map_err(map_err)?
    .rows_affected();
    if inserted > 0 {
        for new in announce {
            crate::outbox::insert(&mut *tx, new).await?;
        }
    }
    crate::commit(tx).await?;
    Ok(inserted > 0)
}

/// The WHERE keeps an agent registered by one company from being taken over by another:
/// the webhook of the agent's platform is routed by it.
pub(crate) async fn upsert_agent(pool: &PgPool, new: NewAgent) -> StoreResult<Agent> {
    let row = sqlx::query_as::<_, AgentRow>(
        "INSERT INTO agents (company_id, provider, external_id, name, llm_id, webhook_url)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (provider, external_id) DO UPDATE SET
             name = EXCLUDED.name,
             llm_id = EXCLUDED.llm_id,
             webhook_url = EXCLUDED.webhook_url
         WHERE agents.company_id = EXCLUDED.company_id
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(&new.provider)
    .bind(&new.external_id)
    .bind(&new.name)
    .bind(&new.llm_id)
    .bind(&new.webhook_url)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .ok_or_else(|| {
        StoreError::Conflict(format!(
            "agent {}/{} belongs to another company",
            new.provider, new.external_id
        ))
    })?;
    Ok(row.into_model())
}

pub(crate) async fn list_agents(pool: &PgPool, company_id: CompanyId) -> StoreResult<Vec<Agent>> {
    let rows =
        sqlx::query_as::<_, AgentRow>("SELECT * FROM agents WHERE company_id = $1 ORDER BY id")
            .bind(company_id)
            .fetch_all(pool)
            .await
            .map_err(map_err)?;
    Ok(rows.into_iter().map(AgentRow::into_model).collect())
}

pub(crate) async fn find_agent(
    pool: &PgPool,
    provider: &str,
    external_id: &str,
) -> StoreResult<Agent> {
    let row = sqlx::query_as::<_, AgentRow>(
        "SELECT * FROM agents WHERE provider = $1 AND external_id = $2",
    )
    .bind(provider)
    .bind(external_id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?;
    Ok(row.into_model())
}
