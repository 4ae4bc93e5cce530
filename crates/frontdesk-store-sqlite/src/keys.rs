//! Credentials: API keys (stored only as hashes) and the caller sessions MCP keys open.

use crate::rows::*;
use crate::writer::{Done, map_err as write_err};
use crate::{SqliteStore, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use rusqlite::params;

// ---- API keys ----------------------------------------------------------------------------

pub(crate) async fn create_api_key(s: &SqliteStore, new: NewApiKey) -> StoreResult<ApiKey> {
    let row: ApiKeyRow = sqlx::query_as(concat!(
        "INSERT INTO api_keys (company_id, kind, name, prefix, hash, created_at) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING ",
        api_key_cols!()
    ))
    .bind(new.company_id)
    .bind(new.kind.as_str())
    .bind(&new.name)
    .bind(&new.prefix)
    .bind(&new.hash)
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn find_api_key_by_hash(s: &SqliteStore, hash: &str) -> StoreResult<ApiKey> {
    let row: ApiKeyRow = sqlx::query_as(concat!(
        "SELECT ",
        api_key_cols!(),
        " FROM api_keys WHERE hash = ?"
    ))
    .bind(hash)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list_api_keys(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<Vec<ApiKey>> {
    let rows: Vec<ApiKeyRow> = sqlx::query_as(concat!(
        "SELECT ",
        api_key_cols!(),
        " FROM api_keys WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(ApiKeyRow::into_model).collect()
}

pub(crate) async fn revoke_api_key(
    s: &SqliteStore,
    id: ApiKeyId,
    now: Timestamp,
) -> StoreResult<RevokedApiKey> {
    let mut tx = s.begin_write().await?;
    // COALESCE keeps the first revocation time when a key is revoked twice.
    let row: ApiKeyRow = sqlx::query_as(concat!(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? RETURNING ",
        api_key_cols!()
    ))
    .bind(now.as_second())
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    let ended_sessions: Vec<String> = sqlx::query_scalar(
        "UPDATE caller_sessions SET revoked_at = ? \
         WHERE api_key_id = ? AND revoked_at IS NULL AND expires_at > ? RETURNING token_hash",
    )
    .bind(now.as_second())
    .bind(id)
    .bind(now.as_second())
    .fetch_all(&mut *tx)
    .await
    .map_err(map_err)?;
    tx.commit().await.map_err(map_err)?;
    Ok(RevokedApiKey {
        key: row.into_model()?,
        ended_sessions,
    })
}

pub(crate) async fn touch_api_key(
    s: &SqliteStore,
    id: ApiKeyId,
    now: Timestamp,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
        .bind(now.as_second())
        .bind(id)
        .execute(&s.write)
        .await
        .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- caller sessions ---------------------------------------------------------------------

pub(crate) async fn create_caller_session(
    s: &SqliteStore,
    new: NewCallerSession,
) -> StoreResult<CallerSession> {
    // Every call opens one: it shares the next group commit rather than a sync of its own.
    s.writer
        .write(move |conn| {
            conn.prepare_cached(concat!(
                "INSERT INTO caller_sessions (company_id, token_hash, phone, customer_id, \
                 created_at, expires_at, api_key_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ",
                session_cols!()
            ))
            .and_then(|mut st| {
                st.query_row(
                    params![
                        new.company_id,
                        new.token_hash,
                        new.phone,
                        new.customer_id,
                        new.now.as_second(),
                        new.expires_at.as_second(),
                        new.api_key_id,
                    ],
                    CallerSessionRow::read,
                )
            })
            .map_err(write_err)?
            .into_model()
            .map(Done::Keep)
        })
        .await
}

pub(crate) async fn find_caller_session(
    s: &SqliteStore,
    token_hash: &str,
) -> StoreResult<CallerSession> {
    s.readers
        .one(
            concat!(
                "SELECT ",
                session_cols!(),
                " FROM caller_sessions WHERE token_hash = ?"
            ),
            params![token_hash],
            CallerSessionRow::read,
        )?
        .into_model()
}

pub(crate) async fn revoke_caller_session(
    s: &SqliteStore,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let token_hash = token_hash.to_string();
    s.writer
        .write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE caller_sessions SET revoked_at = COALESCE(revoked_at, ?) \
                     WHERE token_hash = ?",
                )
                .and_then(|mut st| st.execute(params![now.as_second(), token_hash]))
                .map_err(write_err)?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(Done::Keep(()))
        })
        .await
}

pub(crate) async fn count_active_caller_sessions(
    s: &SqliteStore,
    now: Timestamp,
) -> StoreResult<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM caller_sessions WHERE expires_at > ? AND revoked_at IS NULL",
    )
    .bind(now.as_second())
    .fetch_one(&s.read)
    .await
    .map_err(map_err)
}

pub(crate) async fn purge_caller_sessions(s: &SqliteStore, before: Timestamp) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM caller_sessions WHERE expires_at < ? OR revoked_at < ?")
        .bind(before.as_second())
        .bind(before.as_second())
        .execute(&s.write)
        .await
        .map_err(map_err)?;
    Ok(done.rows_affected())
}
