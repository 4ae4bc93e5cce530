//! API keys: minted once, shown once, stored as a SHA-256 hash.
//!
//! Keys carry over 230 random bits, so a plain SHA-256 is a safe one-way store (no salt or
//! slow hash needed, unlike passwords), and lookup by hash never compares secrets directly.

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use frontdesk_domain::{ApiKeyId, ApiKeyKind, CompanyId};
use frontdesk_store::{ApiKey, NewApiKey, RevokedApiKey};
use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};

/// A key as it is handed out: the only time its secret is seen.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MintedKey {
    pub key: ApiKey,
    pub secret: String,
}

/// Hex SHA-256: how keys and session tokens are stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// `len` random alphanumeric characters from the OS-seeded thread RNG.
pub fn random_token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

impl Engine {
    pub async fn create_api_key(
        &self,
        company_id: CompanyId,
        kind: ApiKeyKind,
        name: Option<String>,
    ) -> EngineResult<MintedKey> {
        self.company(company_id).await?;
        let tag = match kind {
            ApiKeyKind::Mcp => "fd_mcp_",
            ApiKeyKind::Gateway => "fd_gw_",
        };
        // 40 alphanumerics ≈ 238 bits.
        let secret = format!("{tag}{}", random_token(40));
        let key = self
            .store
            .create_api_key(NewApiKey {
                company_id,
                kind,
                name,
                prefix: secret.chars().take(tag.len() + 4).collect(),
                hash: hash_secret(&secret),
                now: self.now(),
            })
            .await?;
        Ok(MintedKey { key, secret })
    }

    /// The active key of `kind` with this secret; "api key not found" otherwise (unknown,
    /// revoked or of the other kind: the caller learns nothing about which).
    pub async fn verify_api_key(&self, secret: &str, kind: ApiKeyKind) -> EngineResult<ApiKey> {
        let secret = secret.trim();
        if secret.is_empty() || secret.len() > 200 {
            return Err(EngineError::NotFound { what: "api key" });
        }
        let key = self
            .store
            .find_api_key_by_hash(&hash_secret(secret))
            .await
            .or_not_found("api key")?;
        if key.kind != kind || key.revoked_at.is_some() {
            return Err(EngineError::NotFound { what: "api key" });
        }
        Ok(key)
    }

    pub async fn api_keys(&self, company_id: CompanyId) -> EngineResult<Vec<ApiKey>> {
        Ok(self.store.list_api_keys(company_id).await?)
    }

    /// Revokes a key; the caller sessions it opened end with it (see
    /// [`Engine::revoke_api_key_and_sessions`]).
    pub async fn revoke_api_key(&self, id: ApiKeyId) -> EngineResult<ApiKey> {
        Ok(self.revoke_api_key_and_sessions(id).await?.key)
    }

    /// Revokes a key and, in the same store call, every live caller session it opened: their
    /// tokens are refused at once by this engine (its session cache forgets them). Other
    /// processes sharing the database stop trusting their cached copies within
    /// [`SESSION_CACHE_TTL`](crate::sessions::SESSION_CACHE_TTL), or at once when told the
    /// returned token hashes (the server's cluster broadcast, as for a logout).
    pub async fn revoke_api_key_and_sessions(&self, id: ApiKeyId) -> EngineResult<RevokedApiKey> {
        let revoked = self
            .store
            .revoke_api_key(id, self.now())
            .await
            .or_not_found("api key")?;
        for token_hash in &revoked.ended_sessions {
            self.forget_cached_session(token_hash);
        }
        Ok(revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_hex_sha256() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(40), random_token(40));
        assert_eq!(a.len(), 40);
        assert_ne!(a, b);
    }
}
