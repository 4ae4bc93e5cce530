//! A company's voice-platform credentials.
//!
//! - The Retell API key must be read back (frontdesk calls Retell's API with it and checks
//!   Retell's webhook signatures with it), so it is stored encrypted: AES-256-GCM with a fresh
//!   random 96-bit nonce per value, written `v1:<base64(nonce ‖ ciphertext ‖ tag)>`. The
//!   company id is bound in as associated data, so a value copied onto another company's row
//!   does not decrypt. The 32-byte key comes from the operator's configuration
//!   ([`Engine::with_secret_key`](crate::Engine::with_secret_key)); the engine never stores it.
//! - The Vapi secret is only ever compared, so only its SHA-256 hash is stored
//!   ([`crate::keys::hash_secret`]); a request is matched to its company by that hash.

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::keys::hash_secret;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use frontdesk_domain::CompanyId;
use frontdesk_store::{Company, CredentialsUpdate};

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;
/// Longest credential accepted (Retell keys are ~40 characters).
const MAX_SECRET_LEN: usize = 512;

/// Encrypts and decrypts stored secrets with the operator's 32-byte key.
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    pub fn new(key: [u8; 32]) -> Self {
        SecretBox {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        }
    }

    /// `v1:<base64(nonce ‖ ciphertext)>`, with a fresh random nonce each time.
    pub fn encrypt(&self, plaintext: &str, aad: &[u8]) -> EngineResult<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad,
                },
            )
            .map_err(|_| EngineError::Internal("secret encryption failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", BASE64.encode(out)))
    }

    /// The plaintext of a value written by [`encrypt`](Self::encrypt) with the same key and
    /// associated data.
    pub fn decrypt(&self, stored: &str, aad: &[u8]) -> EngineResult<String> {
        let undecryptable = |why: &str| {
            EngineError::Internal(format!(
                "a stored secret cannot be decrypted ({why}): was FRONTDESK_SECRET_KEY changed?"
            ))
        };
        let encoded = stored
            .strip_prefix(PREFIX)
            .ok_or_else(|| undecryptable("unknown format"))?;
        let bytes = BASE64
            .decode(encoded.trim())
            .map_err(|_| undecryptable("bad base64"))?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(undecryptable("too short"));
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
            .map_err(|_| undecryptable("authentication failed"))?;
        String::from_utf8(plain).map_err(|_| undecryptable("not UTF-8"))
    }
}

fn retell_aad(company_id: CompanyId) -> Vec<u8> {
    format!("frontdesk:retell_api_key:company:{company_id}").into_bytes()
}

fn twilio_aad(company_id: CompanyId) -> Vec<u8> {
    format!("frontdesk:twilio_auth_token:company:{company_id}").into_bytes()
}

/// A credential as given: trimmed, non-empty, not too long, printable.
fn clean<'a>(field: &'static str, value: &'a str) -> EngineResult<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(EngineError::invalid(field, "must not be empty"));
    }
    if value.len() > MAX_SECRET_LEN {
        return Err(EngineError::invalid(
            field,
            format!("must be at most {MAX_SECRET_LEN} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(EngineError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value)
}

impl Engine {
    /// Sets the company's Retell API key (stored encrypted) and/or Vapi secret (stored as a
    /// hash); a `None` keeps the stored value. Setting a Retell key needs the secret key
    /// ([`Engine::with_secret_key`]).
    pub async fn set_company_credentials(
        &self,
        company_id: CompanyId,
        retell_api_key: Option<&str>,
        vapi_secret: Option<&str>,
    ) -> EngineResult<()> {
        if retell_api_key.is_none() && vapi_secret.is_none() {
            return Err(EngineError::invalid(
                "credentials",
                "give a Retell API key, a Vapi secret or both",
            ));
        }
        let retell_api_key_enc = match retell_api_key {
            None => None,
            Some(key) => {
                let key = clean("retell_api_key", key)?;
                let secrets = self.secrets_to_store("retell_api_key")?;
                Some(secrets.encrypt(key, &retell_aad(company_id))?)
            }
        };
        let vapi_secret_hash = match vapi_secret {
            None => None,
            Some(secret) => Some(hash_secret(clean("vapi_secret", secret)?)),
        };
        self.store
            .set_company_credentials(
                company_id,
                CredentialsUpdate {
                    retell_api_key_enc,
                    vapi_secret_hash,
                    twilio_auth_token_enc: None,
                    now: self.now(),
                },
            )
            .await
            .or_not_found("company")
    }

    /// The company's Retell API key, decrypted; `None` when none is set.
    pub async fn retell_api_key(&self, company_id: CompanyId) -> EngineResult<Option<String>> {
        let stored = self
            .store
            .get_company_credentials(company_id)
            .await
            .or_not_found("company")?;
        let Some(enc) = stored.retell_api_key_enc else {
            return Ok(None);
        };
        let secrets = self.secrets_to_read("Retell API key")?;
        secrets.decrypt(&enc, &retell_aad(company_id)).map(Some)
    }

    /// The box that encrypts a secret to store as `field`; refused (invalid input, nothing
    /// stored) when no secret key is configured.
    pub(crate) fn secrets_to_store(&self, field: &'static str) -> EngineResult<&SecretBox> {
        self.secrets.as_deref().ok_or_else(|| {
            EngineError::invalid(
                field,
                "cannot be stored: no secret key is configured to encrypt it \
                 (set FRONTDESK_SECRET_KEY or FRONTDESK_SECRET_KEY_FILE)",
            )
        })
    }

    /// The box that decrypts a stored `what` (a fault when no secret key is configured).
    pub(crate) fn secrets_to_read(&self, what: &str) -> EngineResult<&SecretBox> {
        self.secrets.as_deref().ok_or_else(|| {
            EngineError::Internal(format!(
                "the company's {what} is stored encrypted but no secret key is configured \
                 (FRONTDESK_SECRET_KEY or FRONTDESK_SECRET_KEY_FILE)"
            ))
        })
    }

    /// Stores the auth token of the company's own Twilio account, encrypted.
    pub async fn set_twilio_auth_token(
        &self,
        company_id: CompanyId,
        token: &str,
    ) -> EngineResult<()> {
        let token = clean("twilio_auth_token", token)?;
        let secrets = self.secrets_to_store("twilio_auth_token")?;
        let enc = secrets.encrypt(token, &twilio_aad(company_id))?;
        self.store
            .set_company_credentials(
                company_id,
                CredentialsUpdate {
                    retell_api_key_enc: None,
                    vapi_secret_hash: None,
                    twilio_auth_token_enc: Some(enc),
                    now: self.now(),
                },
            )
            .await
            .or_not_found("company")
    }

    /// The auth token of the company's own Twilio account, decrypted; `None` when none is set.
    pub async fn twilio_auth_token(&self, company_id: CompanyId) -> EngineResult<Option<String>> {
        let stored = self
            .store
            .get_company_credentials(company_id)
            .await
            .or_not_found("company")?;
        let Some(enc) = stored.twilio_auth_token_enc else {
            return Ok(None);
        };
        let secrets = self.secrets_to_read("Twilio auth token")?;
        secrets.decrypt(&enc, &twilio_aad(company_id)).map(Some)
    }

    /// The auth token of the company whose own Twilio account is `account_sid`, to verify the
    /// status callbacks of its messages; `None` when no company has that account.
    pub async fn twilio_token_for_account(
        &self,
        account_sid: &str,
    ) -> EngineResult<Option<String>> {
        let companies = self.store.list_companies().await?;
        let Some(company) = companies
            .iter()
            .find(|c| c.messaging.twilio_account_sid.as_deref() == Some(account_sid))
        else {
            return Ok(None);
        };
        self.twilio_auth_token(company.id).await
    }

    /// The company whose Vapi secret this is; "company not found" otherwise.
    pub async fn company_by_vapi_secret(&self, secret: &str) -> EngineResult<Company> {
        let secret = secret.trim();
        if secret.is_empty() || secret.len() > MAX_SECRET_LEN {
            return Err(EngineError::NotFound { what: "company" });
        }
        self.store
            .find_company_by_vapi_secret_hash(&hash_secret(secret))
            .await
            .or_not_found("company")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompts::demo_engine;

    const KEY: [u8; 32] = [7u8; 32];

    #[test]
    fn values_round_trip_with_a_fresh_nonce_each_time() {
        let b = SecretBox::new(KEY);
        let a1 = b.encrypt("key_abc", b"aad").expect("encrypt");
        let a2 = b.encrypt("key_abc", b"aad").expect("encrypt");
        assert!(a1.starts_with("v1:"));
        assert_ne!(a1, a2, "random nonce per value");
        assert!(!a1.contains("key_abc"));
        assert_eq!(b.decrypt(&a1, b"aad").expect("decrypt"), "key_abc");
        assert_eq!(b.decrypt(&a2, b"aad").expect("decrypt"), "key_abc");
    }

    #[test]
    fn a_wrong_key_other_aad_or_tampering_fails_cleanly() {
        let b = SecretBox::new(KEY);
        let sealed = b.encrypt("key_abc", b"company:1").expect("encrypt");
        assert!(
            SecretBox::new([8u8; 32])
                .decrypt(&sealed, b"company:1")
                .is_err()
        );
        assert!(b.decrypt(&sealed, b"company:2").is_err());
        let mut bytes = BASE64.decode(&sealed[3..]).expect("b64");
        if let Some(last) = bytes.last_mut() {
            *last ^= 1;
        }
        assert!(
            b.decrypt(&format!("v1:{}", BASE64.encode(bytes)), b"company:1")
                .is_err()
        );
        for junk in ["", "v1:", "v1:!!!", "v2:abcd", "key_plain", "v1:AAAA"] {
            let err = b
                .decrypt(junk, b"company:1")
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert_eq!(err, "internal error", "{junk}");
        }
        assert_eq!(format!("{b:?}"), "SecretBox(…)");
    }

    #[tokio::test]
    async fn the_retell_key_is_stored_encrypted_and_read_back() {
        let (engine, _dir) = demo_engine().await;
        let engine = engine.with_secret_key(KEY);
        let company = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");

        assert_eq!(
            engine.retell_api_key(company.id).await.expect("none yet"),
            None
        );
        engine
            .set_company_credentials(company.id, Some(" key_live_123 "), None)
            .await
            .expect("set");

        assert_eq!(
            engine
                .retell_api_key(company.id)
                .await
                .expect("read")
                .as_deref(),
            Some("key_live_123")
        );
        let stored = engine
            .store()
            .get_company_credentials(company.id)
            .await
            .expect("stored");
        let enc = stored.retell_api_key_enc.expect("encrypted value");
        assert!(
            enc.starts_with("v1:") && !enc.contains("key_live_123"),
            "{enc}"
        );
        assert_eq!(stored.vapi_secret_hash, None);

        // Setting only the Vapi secret keeps the Retell key.
        engine
            .set_company_credentials(company.id, None, Some("vapi_s3cret"))
            .await
            .expect("set vapi");
        assert_eq!(
            engine
                .retell_api_key(company.id)
                .await
                .expect("read")
                .as_deref(),
            Some("key_live_123")
        );
        let stored = engine
            .store()
            .get_company_credentials(company.id)
            .await
            .expect("stored");
        assert_eq!(
            stored.vapi_secret_hash.as_deref(),
            Some(hash_secret("vapi_s3cret").as_str())
        );

        // Another key cannot read it.
        let other = engine.clone().with_secret_key([9u8; 32]);
        assert!(matches!(
            other.retell_api_key(company.id).await,
            Err(EngineError::Internal(_))
        ));
    }

    #[tokio::test]
    async fn without_a_secret_key_a_retell_key_cannot_be_set() {
        let (engine, _dir) = demo_engine().await;
        let company = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");

        let err = engine
            .set_company_credentials(company.id, Some("key_x"), None)
            .await
            .err();

        let msg = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(
            matches!(
                err,
                Some(EngineError::InvalidInput {
                    field: "retell_api_key",
                    ..
                })
            ),
            "{err:?}"
        );
        assert!(msg.contains("FRONTDESK_SECRET_KEY"), "{msg}");
        // The Vapi secret needs no key.
        engine
            .set_company_credentials(company.id, None, Some("vapi_x"))
            .await
            .expect("vapi");
    }

    #[tokio::test]
    async fn a_company_is_found_by_its_vapi_secret_only() {
        let (engine, _dir) = demo_engine().await;
        let askpro = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");
        let beyond = engine
            .company_by_slug("beyond-the-club")
            .await
            .expect("company");
        engine
            .set_company_credentials(askpro.id, None, Some("vapi_askpro"))
            .await
            .expect("set");
        engine
            .set_company_credentials(beyond.id, None, Some("vapi_beyond"))
            .await
            .expect("set");

        assert_eq!(
            engine
                .company_by_vapi_secret("vapi_askpro")
                .await
                .expect("found")
                .id,
            askpro.id
        );
        assert_eq!(
            engine
                .company_by_vapi_secret(" vapi_beyond\n")
                .await
                .expect("found")
                .id,
            beyond.id
        );
        for wrong in ["vapi_other", "", "   ", &"x".repeat(600)] {
            let err = engine.company_by_vapi_secret(wrong).await.err();
            assert!(
                matches!(err, Some(EngineError::NotFound { what: "company" })),
                "{wrong}: {err:?}"
            );
        }
    }

    #[tokio::test]
    async fn bad_input_is_refused_and_an_unknown_company_is_not_found() {
        let (engine, _dir) = demo_engine().await;
        let engine = engine.with_secret_key(KEY);
        let company = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");

        for (retell, vapi, field) in [
            (None, None, "credentials"),
            (Some("  "), None, "retell_api_key"),
            (None, Some("a\nb"), "vapi_secret"),
            (Some(&*"k".repeat(600)), None, "retell_api_key"),
        ] {
            let err = engine
                .set_company_credentials(company.id, retell, vapi)
                .await
                .err();
            assert!(
                matches!(err, Some(EngineError::InvalidInput { field: f, .. }) if f == field),
                "{err:?}"
            );
        }
        let missing = engine
            .set_company_credentials(999_999, Some("key"), None)
            .await
            .err();
        assert!(
            matches!(missing, Some(EngineError::NotFound { what: "company" })),
            "{missing:?}"
        );
        let missing = engine.retell_api_key(999_999).await.err();
        assert!(
            matches!(missing, Some(EngineError::NotFound { what: "company" })),
            "{missing:?}"
        );
    }
}
