//! Credentials: API keys (stored as hashes) and caller sessions (stored as token hashes).
//! Lookups return revoked and expired rows too; deciding what they may still do is the
//! engine's job.

use crate::map_err;
use crate::rows::{ApiKeyRow, CallerSessionRow, convert_all};
use crate::{begin, commit};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::PgPool;

// ---- API keys ------------------------------------------------------------------------

pub(crate) async fn create_api_key(pool: &PgPool, new: NewApiKey) -> StoreResult<ApiKey> {
    sqlx::query_as::<_, ApiKeyRow>(
        "INSERT INTO api_keys (company_id, kind, name, prefix, hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(new.kind.as_str())
    .bind(&new.name)
    .bind(&new.prefix)
    .bind(&new.hash)
    .bind(new.now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn find_api_key_by_hash(pool: &PgPool, hash: &str) -> StoreResult<ApiKey> {
    sqlx::query_as::<_, ApiKeyRow>("SELECT * FROM api_keys WHERE hash = $1")
        .bind(hash)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn list_api_keys(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<Vec<ApiKey>> {
    let rows =
        sqlx::query_as::<_, ApiKeyRow>("SELECT * FROM api_keys WHERE company_id = $1 ORDER BY id")
            .bind(company_id)
            .fetch_all(pool)
            .await
            .map_err(map_err)?;
    convert_all(rows, ApiKeyRow::into_model)
}

/// Revoking again keeps the first revocation time; the key's live sessions end with it.
pub(crate) async fn revoke_api_key(
    pool: &PgPool,
    id: ApiKeyId,
    now: Timestamp,
) -> StoreResult<RevokedApiKey> {
    let mut tx = begin(pool).await?;
    let key = sqlx::query_as::<_, ApiKeyRow>(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING *",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?
    .into_model()?;
    let ended_sessions: Vec<String> = sqlx::query_scalar(
        "UPDATE caller_sessions SET revoked_at = $2
         WHERE api_key_id = $1 AND revoked_at IS NULL AND expires_at > $2
         RETURNING token_hash",
    )
    .bind(id)
    .bind(now.as_second())
    .fetch_all(&mut *tx)
    .await
    .map_err(map_err)?;
    commit(tx).await?;
    Ok(RevokedApiKey {
        key,
        ended_sessions,
    })
}

pub(crate) async fn touch_api_key(pool: &PgPool, id: ApiKeyId, now: Timestamp) -> StoreResult<()> {
    let touched = sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now.as_second())
        .execute(pool)
        .await
        .map_err(map_err)?
        .rows_affected();
    if touched == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- caller sessions -----------------------------------------------------------------

pub(crate) async fn create_caller_session(
    pool: &PgPool,
    new: NewCallerSession,
) -> StoreResult<CallerSession> {
    sqlx::query_as::<_, CallerSessionRow>(
        "INSERT INTO caller_sessions
             (company_id, token_hash, phone, customer_id, created_at, expires_at, api_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(&new.token_hash)
    .bind(&new.phone)
    .bind(new.customer_id)
    .bind(new.now.as_second())
    .bind(new.expires_at.as_second())
    .bind(new.api_key_id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn find_caller_session(
    pool: &PgPool,
    token_hash: &str,
) -> StoreResult<CallerSession> {
    sqlx::query_as::<_, CallerSessionRow>("SELECT * FROM caller_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

/// Revoking again keeps the first revocation time.
pub(crate) async fn revoke_caller_session(
    pool: &PgPool,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let revoked = sqlx::query(
        "UPDATE caller_sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE token_hash = $1",
    )
    .bind(token_hash)
    .bind(now.as_second())
    .execute(pool)
    .await
    .map_err(map_err)?
    .rows_affected();
    if revoked == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn count_active_caller_sessions(
    pool: &PgPool,
    now: Timestamp,
) -> StoreResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM caller_sessions WHERE expires_at > $1 AND revoked_at IS NULL",
    )
    .bind(now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)
}

pub(crate) async fn purge_caller_sessions(pool: &PgPool, before: Timestamp) -> StoreResult<u64> {
    let purged =
        sqlx::query("DELETE FROM caller_sessions WHERE expires_at < $1 OR revoked_at < $1")
            .bind(before.as_second())
            .execute(pool)
            .await
            .map_err(map_err)?
            .rows_affected();
    Ok(purged)
}
