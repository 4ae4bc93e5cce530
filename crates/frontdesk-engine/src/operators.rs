//! The people at the business who run the console: operators, their passwords (argon2id) and
//! their sessions.
//!
//! A session lives in the store, keyed by the SHA-256 of its cookie token, and every console
//! request reads it, so a logout, a password change or a disabled operator ends it at once on
//! every instance (no cache to go stale). Passwords are hashed and checked on the blocking
//! pool: argon2id takes tens of milliseconds on purpose and must not stall the runtime.

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::keys::{hash_secret, random_token};
use crate::text::plain;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use frontdesk_domain::messaging::looks_like_email;
use frontdesk_domain::{CompanyId, OperatorRole};
use frontdesk_store::{NewOperator, NewOperatorSession, Operator, OperatorSession, OptionalExt};
use jiff::SignedDuration;
use std::sync::LazyLock;

/// How long a console session lasts from login.
pub const OPERATOR_SESSION_TTL: SignedDuration = SignedDuration::from_hours(12);
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing is deliberately slow; a huge input is refused first).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A hash checked when the e-mail is unknown, so a wrong e-mail takes as long as a wrong
/// password and the answer time does not tell which e-mails exist.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password_now("decoy password that matches nothing").unwrap_or_default());

/// A successful login: the token for the cookie (shown once) and the session.
#[derive(Debug, Clone)]
pub struct OperatorLogin {
    pub token: String,
    pub session: OperatorSession,
}

fn hash_password_now(password: &str) -> EngineResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    // The crate's defaults are argon2id, 19 MiB, 2 passes, 1 lane: OWASP's recommendation.
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| EngineError::Internal(format!("password hash: {e}")))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// An argon2id hash of the password, made on the blocking pool.
async fn hash_password(password: &str) -> EngineResult<String> {
    check_password(password)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password_now(&password))
        .await
        .map_err(|e| EngineError::Internal(e.to_string()))?
}

fn check_password(password: &str) -> EngineResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(EngineError::invalid(
            "password",
            format!("a password has at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(EngineError::invalid(
            "password",
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The e-mail as stored and looked up: trimmed, lower-case, checked.
pub fn operator_email(email: &str) -> EngineResult<String> {
    let email = email.trim().to_lowercase();
    plain("email", &email)?;
    if email.len() > 254 || !looks_like_email(&email) {
        return Err(EngineError::invalid(
            "email",
            "an e-mail address looks like name@example.com",
        ));
    }
    Ok(email)
}

impl Engine {
    /// Adds an operator to the company. `INVALID_INPUT` for a bad e-mail or password, or an
    /// e-mail another operator (of any company) already logs in with.
    pub async fn create_operator(
        &self,
        company_id: CompanyId,
        email: &str,
        role: OperatorRole,
        password: &str,
    ) -> EngineResult<Operator> {
        self.company(company_id).await?;
        let email = operator_email(email)?;
        let password_hash = hash_password(password).await?;
        self.store
            .create_operator(NewOperator {
                company_id,
                email,
                role,
                password_hash,
                now: self.now(),
            })
            .await
            .map_err(|e| match e {
                frontdesk_store::StoreError::Conflict(_) => {
                    EngineError::invalid("email", "an operator with this e-mail exists")
                }
                other => other.into(),
            })
    }

    pub async fn operators(&self, company_id: CompanyId) -> EngineResult<Vec<Operator>> {
        Ok(self.store.list_operators(company_id).await?)
    }

    pub async fn operator(&self, company_id: CompanyId, id: i64) -> EngineResult<Operator> {
        self.store
            .get_operator(company_id, id)
            .await
            .or_not_found("operator")
    }

    /// Disables the operator (their sessions end at once) or enables them again.
    pub async fn set_operator_disabled(
        &self,
        company_id: CompanyId,
        id: i64,
        disabled: bool,
    ) -> EngineResult<Operator> {
        let at = disabled.then(|| self.now());
        self.store
            .set_operator_disabled(company_id, id, at)
            .await
            .or_not_found("operator")
    }

    /// Sets a new password; the operator's sessions end.
    pub async fn set_operator_password(
        &self,
        company_id: CompanyId,
        id: i64,
        password: &str,
    ) -> EngineResult<Operator> {
        let hash = hash_password(password).await?;
        self.store
            .set_operator_password(company_id, id, &hash)
            .await
            .or_not_found("operator")
    }

    /// The operator's console language: one the server ships, or `None` for the business's.
    pub async fn set_operator_language(
        &self,
        company_id: CompanyId,
        id: i64,
        language: Option<&str>,
    ) -> EngineResult<Operator> {
        if let Some(tag) = language
            && !crate::import::SpokenLanguage::shipped()
                .iter()
                .any(|l| l == tag)
        {
            return Err(EngineError::invalid(
                "language",
                format!("{tag} is not a language this server ships"),
            ));
        }
        self.store
            .set_operator_language(company_id, id, language)
            .await
            .or_not_found("operator")
    }

    /// Checks the e-mail and password; `None` when they do not match a live operator (the
    /// same answer, in the same time, for an unknown e-mail, a wrong password and a disabled
    /// operator).
    pub async fn operator_login(
        &self,
        email: &str,
        password: &str,
    ) -> EngineResult<Option<OperatorLogin>> {
        let Ok(email) = operator_email(email) else {
            return Ok(None);
        };
        if password.chars().count() > MAX_PASSWORD_CHARS {
            return Ok(None);
        }
        let operator = self.store.find_operator_by_email(&email).await.optional()?;
        let stored = match &operator {
            Some(op) => op.password_hash.clone(),
            None => DECOY_HASH.clone(),
        };
        let password = password.to_string();
        let matches = tokio::task::spawn_blocking(move || password_matches(&password, &stored))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let Some(operator) = operator.filter(|op| matches && op.disabled_at.is_none()) else {
            return Ok(None);
        };
        let token = format!("fd_op_{}", random_token(40));
        let now = self.now();
        let session = self
            .store
            .create_operator_session(NewOperatorSession {
                operator_id: operator.id,
                token_hash: hash_secret(&token),
                csrf_token: random_token(32),
                now,
                expires_at: now + OPERATOR_SESSION_TTL,
            })
            .await?;
        Ok(Some(OperatorLogin { token, session }))
    }

    /// The live session of this cookie token; `NOT_FOUND` when it ended or never was.
    pub async fn operator_session(&self, token: &str) -> EngineResult<OperatorSession> {
        self.store
            .find_operator_session(&hash_secret(token), self.now())
            .await
            .or_not_found("session")
    }

    /// Ends the session of this cookie token (an ended or unknown one is not an error).
    pub async fn operator_logout(&self, token: &str) -> EngineResult<()> {
        Ok(self
            .store
            .revoke_operator_session(&hash_secret(token), self.now())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_only_its_own_hash() {
        let hash = hash_password_now("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(password_matches("correct horse battery", &hash));
        assert!(!password_matches("correct horse batterY", &hash));
        assert!(!password_matches("correct horse battery", "not a hash"));
    }

    #[test]
    fn e_mails_are_lower_cased_and_checked() {
        assert_eq!(
            operator_email("  Desk@Example.COM ").expect("valid"),
            "desk@example.com"
        );
        assert!(operator_email("desk").is_err());
        assert!(operator_email("desk@example.com\u{202e}").is_err());
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(check_password("short").is_err());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
        assert!(check_password("long enough pass").is_ok());
    }
}
