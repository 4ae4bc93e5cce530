//! A company's voice-platform credentials: the Retell API key (encrypted by the engine) and
//! the hash of the Vapi secret, which routes a Vapi webhook to its company.

use crate::rows::*;
use crate::{SqliteStore, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;

pub(crate) async fn set_company_credentials(
    s: &SqliteStore,
    company_id: CompanyId,
    update: CredentialsUpdate,
) -> StoreResult<()> {
    // COALESCE keeps what a `None` field leaves out; the time moves only when something was
    // given, so an empty update still tells an unknown company (NotFound) but records nothing.
    let changed = update.retell_api_key_enc.is_some()
        || update.vapi_secret_hash.is_some()
        || update.twilio_auth_token_enc.is_some();
    let done = sqlx::query(
        "UPDATE companies SET retell_api_key_enc = COALESCE(?, retell_api_key_enc), \
         vapi_secret_hash = COALESCE(?, vapi_secret_hash), \
         twilio_auth_token_enc = COALESCE(?, twilio_auth_token_enc), \
         credentials_updated_at = COALESCE(?, credentials_updated_at) WHERE id = ?",
    )
    .bind(&update.retell_api_key_enc)
    .bind(&update.vapi_secret_hash)
    .bind(&update.twilio_auth_token_enc)
    .bind(changed.then(|| update.now.as_second()))
    .bind(company_id)
    .execute(&s.write)
    .await
    // The only unique index this statement can break is the one on the Vapi secret hash.
    .map_err(|e| match map_err(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("the Vapi secret is already used by another company".into())
        }
        other => other,
    })?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn get_company_credentials(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<CompanyCredentials> {
    let row: CredentialsRow = sqlx::query_as(
        "SELECT retell_api_key_enc, vapi_secret_hash, twilio_auth_token_enc FROM companies \
             WHERE id = ?",
    )
    .bind(company_id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    Ok(row.into_model())
}

pub(crate) async fn find_company_by_vapi_secret_hash(
    s: &SqliteStore,
    hash: &str,
) -> StoreResult<Company> {
    let row: CompanyRow = sqlx::query_as(concat!(
        "SELECT ",
        company_cols!(),
        " FROM companies WHERE vapi_secret_hash = ?"
    ))
    .bind(hash)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}
