//! Calls from the voice platforms, the webhook events already handled for them, and the
//! platforms' agents.

use crate::rows::*;
use crate::{SqliteStore, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;

pub(crate) async fn upsert_call(s: &SqliteStore, call: CallUpdate) -> StoreResult<Call> {
    let json = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|v| serde_json::to_string(v).map_err(json_write))
            .transpose()
    };
    let analysis = json(&call.analysis)?;
    let dynamic_variables = json(&call.dynamic_variables)?;
    // Webhooks arrive out of order and each carries only part of the call, so a missing field
    // never erases what an earlier event said. The company is fixed by the first event: the
    // WHERE leaves another company's call untouched and returns no row (Conflict).
    let row: Option<CallRow> = sqlx::query_as(concat!(
        "INSERT INTO calls (company_id, provider, external_id, agent_id, from_number, to_number, \
         direction, status, started_at, ended_at, transcript, analysis, dynamic_variables, \
         customer_id, booking_id, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (provider, external_id) DO UPDATE SET \
         agent_id = COALESCE(excluded.agent_id, calls.agent_id), \
         from_number = COALESCE(excluded.from_number, calls.from_number), \
         to_number = COALESCE(excluded.to_number, calls.to_number), \
         direction = COALESCE(excluded.direction, calls.direction), \
         status = COALESCE(excluded.status, calls.status), \
         started_at = COALESCE(excluded.started_at, calls.started_at), \
         ended_at = COALESCE(excluded.ended_at, calls.ended_at), \
         transcript = COALESCE(excluded.transcript, calls.transcript), \
         analysis = COALESCE(excluded.analysis, calls.analysis), \
         dynamic_variables = COALESCE(excluded.dynamic_variables, calls.dynamic_variables), \
         customer_id = COALESCE(excluded.customer_id, calls.customer_id), \
         booking_id = COALESCE(excluded.booking_id, calls.booking_id), \
         updated_at = excluded.updated_at WHERE calls.company_id = excluded.company_id \
         RETURNING ",
        call_cols!()
    ))
    .bind(call.company_id)
    .bind(&call.provider)
    .bind(&call.external_id)
    .bind(&call.agent_id)
    .bind(&call.from_number)
    .bind(&call.to_number)
    .bind(&call.direction)
    .bind(&call.status)
    .bind(call.started_at.map(Timestamp::as_second))
    .bind(call.ended_at.map(Timestamp::as_second))
    .bind(&call.transcript)
    .bind(analysis)
    .bind(dynamic_variables)
    .bind(call.customer_id)
    .bind(call.booking_id)
    .bind(call.now.as_second())
    .bind(call.now.as_second())
    .fetch_optional(&s.write)
    .await
    .map_err(map_err)?;
    match row {
        Some(row) => row.into_model(),
        None => Err(StoreError::Conflict(format!(
            "call {}/{} belongs to another company",
            call.provider, call.external_id
        ))),
    }
}

pub(crate) async fn get_call(
    s: &SqliteStore,
    company_id: CompanyId,
    provider: &str,
    external_id: &str,
) -> StoreResult<Call> {
    let row: CallRow = sqlx::query_as(concat!(
        "SELECT ",
        call_cols!(),
        " FROM calls WHERE company_id = ? AND provider = ? AND external_id = ?"
    ))
    .bind(company_id)
    .bind(provider)
    .bind(external_id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn find_call(
    s: &SqliteStore,
    provider: &str,
    external_id: &str,
) -> StoreResult<Call> {
    let row: CallRow = sqlx::query_as(concat!(
        "SELECT ",
        call_cols!(),
        " FROM calls WHERE provider = ? AND external_id = ?"
    ))
    .bind(provider)
    .bind(external_id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn record_call_event(
    s: &SqliteStore,
    call_id: CallId,
    event: &str,
    now: Timestamp,
    announce: &[NewNotification],
) -> StoreResult<bool> {
    let mut tx = s.begin_write().await?;
    let done = sqlx::query(
        "INSERT INTO call_events (call_id, event, at) VALUES (?, ?, ?) \
         ON CONFLICT (call_id, event) DO NOTHING",
    )
    .bind(call_id)
    .bind(event)
    .bind(now.as_second())
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    let first = done.rows_affected() == 1;
    if first {
        for new in announce {
            crate::outbox::insert(&mut *tx, new).await?;
        }
    }
    tx.commit().await.map_err(map_err)?;
    Ok(first)
}

pub(crate) async fn upsert_agent(s: &SqliteStore, new: NewAgent) -> StoreResult<Agent> {
    // An agent id seen for one company must not be taken over by another; the WHERE turns
    // that into "no row", reported as a conflict.
    let row: Option<AgentRow> = sqlx::query_as(concat!(
        "INSERT INTO agents (company_id, provider, external_id, name, llm_id, webhook_url) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (provider, external_id) DO UPDATE SET name = excluded.name, \
         llm_id = excluded.llm_id, webhook_url = excluded.webhook_url \
         WHERE agents.company_id = excluded.company_id RETURNING ",
        agent_cols!()
    ))
    .bind(new.company_id)
    .bind(&new.provider)
    .bind(&new.external_id)
    .bind(&new.name)
    .bind(&new.llm_id)
    .bind(&new.webhook_url)
    .fetch_optional(&s.write)
    .await
    .map_err(map_err)?;
    row.map(AgentRow::into_model).ok_or_else(|| {
        StoreError::Conflict(format!(
            "agent {}/{} belongs to another company",
            new.provider, new.external_id
        ))
    })
}

pub(crate) async fn list_agents(s: &SqliteStore, company_id: CompanyId) -> StoreResult<Vec<Agent>> {
    let rows: Vec<AgentRow> = sqlx::query_as(concat!(
        "SELECT ",
        agent_cols!(),
        " FROM agents WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    Ok(rows.into_iter().map(AgentRow::into_model).collect())
}

pub(crate) async fn find_agent(
    s: &SqliteStore,
    provider: &str,
    external_id: &str,
) -> StoreResult<Agent> {
    let row: AgentRow = sqlx::query_as(concat!(
        "SELECT ",
        agent_cols!(),
        " FROM agents WHERE provider = ? AND external_id = ?"
    ))
    .bind(provider)
    .bind(external_id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    Ok(row.into_model())
}
