//! A company's webhook endpoints (their events travel as outbox rows).

use crate::map_err;
use crate::rows::{opt_ts, ts};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::PgPool;
use sqlx::types::{Json, JsonValue};

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: i64,
    company_id: i64,
    url: String,
    events: JsonValue,
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
            events: serde_json::from_value(self.events)
                .map_err(|e| StoreError::Corrupt(format!("webhook_endpoints.events: {e}")))?,
            secret_enc: self.secret_enc,
            created_at: ts(self.created_at, "webhook_endpoints.created_at")?,
            disabled_at: opt_ts(self.disabled_at, "webhook_endpoints.disabled_at")?,
        })
    }
}

pub(crate) async fn create(pool: &PgPool, new: NewWebhookEndpoint) -> StoreResult<WebhookEndpoint> {
    sqlx::query_as::<_, EndpointRow>(
        "INSERT INTO webhook_endpoints (company_id, url, events, secret_enc, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING *",
    )
    .bind(new.company_id)
    .bind(&new.url)
    .bind(Json(&new.events))
    .bind(&new.secret_enc)
    .bind(new.now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn list(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<Vec<WebhookEndpoint>> {
    sqlx::query_as::<_, EndpointRow>(
        "SELECT * FROM webhook_endpoints WHERE company_id = $1 ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?
    .into_iter()
    .map(EndpointRow::into_model)
    .collect()
}

pub(crate) async fn get(pool: &PgPool, id: i64) -> StoreResult<WebhookEndpoint> {
    sqlx::query_as::<_, EndpointRow>("SELECT * FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?
        .into_model()
}

pub(crate) async fn disable(
    pool: &PgPool,
    id: i64,
    now: Timestamp,
) -> StoreResult<WebhookEndpoint> {
    sqlx::query_as::<_, EndpointRow>(
        "UPDATE webhook_endpoints SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1
         RETURNING *",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .ok_or(StoreError::NotFound)?
    .into_model()
}
