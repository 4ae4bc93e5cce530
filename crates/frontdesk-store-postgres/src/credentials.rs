//! A company's voice-platform credentials: the Retell API key (encrypted by the engine) and
//! the hash of the Vapi secret, which routes a Vapi webhook to its company.

use crate::map_err;
use crate::rows::{CompanyRow, CredentialsRow};
use frontdesk_domain::*;
use frontdesk_store::*;
use sqlx::PgPool;

/// COALESCE keeps what a `None` field leaves out; the time moves only when something was
/// given, so an empty update still tells an unknown company (NotFound) but records nothing.
pub(crate) async fn set_company_credentials(
    pool: &PgPool,
    company_id: CompanyId,
    update: CredentialsUpdate,
) -> StoreResult<()> {
    let changed = update.retell_api_key_enc.is_some()
        || update.vapi_secret_hash.is_some()
        || update.twilio_auth_token_enc.is_some();
    let updated = sqlx::query(
        "UPDATE companies SET
             retell_api_key_enc = COALESCE($2, retell_api_key_enc),
             vapi_secret_hash = COALESCE($3, vapi_secret_hash),
             credentials_updated_at = COALESCE($4, credentials_updated_at),
             twilio_auth_token_enc = COALESCE($5, twilio_auth_token_enc)
         WHERE id = $1",
    )
    .bind(company_id)
    .bind(&update.retell_api_key_enc)
    .bind(&update.vapi_secret_hash)
    .bind(changed.then(|| update.now.as_second()))
    .bind(&update.twilio_auth_token_enc)
    .execute(pool)
    .await
    // The only unique index this statement can break is the one on the Vapi secret hash.
    .map_err(|e| match map_err(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("the Vapi secret is already used by another company".into())
        }
        other => other,
    })?
    .rows_affected();
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn get_company_credentials(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<CompanyCredentials> {
    let row = sqlx::query_as::<_, CredentialsRow>(
        "SELECT retell_api_key_enc, vapi_secret_hash, twilio_auth_token_enc
           FROM companies WHERE id = $1",
    )
    .bind(company_id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?;
    Ok(row.into_model())
}

pub(crate) async fn find_company_by_vapi_secret_hash(
    pool: &PgPool,
    hash: &str,
) -> StoreResult<Company> {
    sqlx::query_as::<_, CompanyRow>("SELECT * FROM companies WHERE vapi_secret_hash = $1")
        .bind(hash)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}
