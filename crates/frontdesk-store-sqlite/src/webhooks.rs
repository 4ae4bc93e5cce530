//! A company's webhook endpoints (their events travel as outbox rows).

use crate::rows::*;
use crate::{SqliteStore, bad_json, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;

const COLS: &str = "id, company_id, url, events, secret_enc, created_at, disabled_at";

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: i64,
    company_id: i64,
    url: String,
    events: String,
    secret_enc: String,
    created_at: i64,
    disabled_at: Option<i64>,
}

impl EndpointRow {
    fn into_model(self) -> StoreResult<WebhookEndpoint> {
        Ok(WebhookEndpoint {
            id: self.id,
            company_id: self.company_id,
            url: self.url,
            events: serde_json::from_str(&self.events)
                .map_err(bad_json("webhook_endpoints.events"))?,
            secret_enc: self.secret_enc,
            created_at: ts("webhook_endpoints.created_at", self.created_at)?,
            disabled_at: opt_ts("webhook_endpoints.disabled_at", self.disabled_at)?,
        })
    }
}

pub(crate) async fn create(
    s: &SqliteStore,
    new: NewWebhookEndpoint,
) -> StoreResult<WebhookEndpoint> {
    let events = serde_json::to_string(&new.events).map_err(json_write)?;
    let row: EndpointRow = sqlx::query_as(&format!(
        "INSERT INTO webhook_endpoints (company_id, url, events, secret_enc, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING {COLS}"
    ))
    .bind(new.company_id)
    .bind(&new.url)
    .bind(events)
    .bind(&new.secret_enc)
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<Vec<WebhookEndpoint>> {
    let rows: Vec<EndpointRow> = sqlx::query_as(&format!(
        "SELECT {COLS} FROM webhook_endpoints WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(EndpointRow::into_model).collect()
}

pub(crate) async fn get(s: &SqliteStore, id: i64) -> StoreResult<WebhookEndpoint> {
    let row: Option<EndpointRow> = sqlx::query_as(&format!(
        "SELECT {COLS} FROM webhook_endpoints WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&s.read)
    .await
    .map_err(map_err)?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub(crate) async fn disable(
    s: &SqliteStore,
    id: i64,
    now: Timestamp,
) -> StoreResult<WebhookEndpoint> {
    let row: Option<EndpointRow> = sqlx::query_as(&format!(
        "UPDATE webhook_endpoints SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ? \
         RETURNING {COLS}"
    ))
    .bind(now.as_second())
    .bind(id)
    .fetch_optional(&s.write)
    .await
    .map_err(map_err)?;
    row.ok_or(StoreError::NotFound)?.into_model()
}
