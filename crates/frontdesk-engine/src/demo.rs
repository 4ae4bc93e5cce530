//! The two demo businesses of the seed documents, shipped as the importable files under
//! `examples/`: Beyond The Club (a surf club in São Paulo, TOML) and AskProAI Demo (a practice
//! in Berlin, YAML).

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::import::{BusinessFile, ImportSummary};
use crate::keys::random_token;
use frontdesk_domain::ApiKeyKind;
use frontdesk_store::Company;
use serde::Serialize;

/// (file name, contents) of each demo business.
pub const DEMO_FILES: [(&str, &str); 2] = [
    (
        "beyond-the-club.toml",
        include_str!("../../../examples/beyond-the-club.toml"),
    ),
    (
        "askproai-demo.yaml",
        include_str!("../../../examples/askproai-demo.yaml"),
    ),
];

pub fn demo_businesses() -> EngineResult<Vec<BusinessFile>> {
    DEMO_FILES
        .iter()
        .map(|(name, text)| {
            let ext = name.rsplit('.').next().unwrap_or_default();
            BusinessFile::parse(text, ext)
                .map_err(|e| EngineError::Internal(format!("demo file {name}: {e}")))
        })
        .collect()
}

/// One demo business after [`Engine::ensure_demo`]: what was created on this run. Secrets are
/// shown once, so each is `Some` only when this run minted or set it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoLoad {
    pub company: Company,
    /// The business was missing and was imported on this run.
    pub created: bool,
    /// A new MCP key, minted because the company had no unrevoked one.
    pub mcp_api_key: Option<String>,
    /// A new gateway token, minted because the company had no unrevoked one.
    pub gateway_token: Option<String>,
    /// The Retell API key set because the voice demo company had none.
    pub retell_api_key: Option<String>,
    /// The Vapi secret set because the voice demo company had none.
    pub vapi_secret: Option<String>,
    /// An owner of the console (`owner@<slug>.demo`) and their password, created because the
    /// company had no operator.
    pub operator: Option<DemoOperator>,
}

/// The demo's console login, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct DemoOperator {
    pub email: String,
    pub password: String,
}

/// The demo company that is reached through Retell and Vapi.
pub const VOICE_DEMO_SLUG: &str = "askproai-demo";

impl Engine {
    /// Imports the demo businesses (creating or updating them); idempotent. Tests use it to
    /// reset the demo to its files; operators get [`Engine::ensure_demo`], which never
    /// changes what exists.
    pub async fn load_demo(&self) -> EngineResult<Vec<ImportSummary>> {
        let mut out = Vec::new();
        for file in demo_businesses()? {
            out.push(self.import_business(&file).await?);
        }
        Ok(out)
    }

    /// Creates only what of the demo is missing, never replacing what an operator set: a demo
    /// business that does not exist is imported (one that exists is left as it is, with its
    /// bookings and edits); a company with no unrevoked MCP key or gateway token gets one;
    /// the voice demo company gets a Retell API key and a Vapi secret only when it has none.
    pub async fn ensure_demo(&self) -> EngineResult<Vec<DemoLoad>> {
        let mut out = Vec::new();
        for file in demo_businesses()? {
            let (company, created) = match self.company_by_slug(&file.company.slug).await {
                Ok(existing) => (existing, false),
                Err(EngineError::NotFound { .. }) => {
                    (self.import_business(&file).await?.company, true)
                }
                Err(e) => return Err(e),
            };
            let keys = self.api_keys(company.id).await?;
            let mut minted = [None, None];
            for (slot, kind) in minted
                .iter_mut()
                .zip([ApiKeyKind::Mcp, ApiKeyKind::Gateway])
            {
                if !keys
                    .iter()
                    .any(|k| k.kind == kind && k.revoked_at.is_none())
                {
                    let key = self
                        .create_api_key(company.id, kind, Some("demo".into()))
                        .await?;
                    *slot = Some(key.secret);
                }
            }
            let [mcp_api_key, gateway_token] = minted;
            let (mut retell_api_key, mut vapi_secret) = (None, None);
            if company.slug == VOICE_DEMO_SLUG {
                let stored = self
                    .store
                    .get_company_credentials(company.id)
                    .await
                    .or_not_found("company")?;
                if stored.retell_api_key_enc.is_none() {
                    // The prefix is `frontdesk_retell::DEMO_KEY_PREFIX`: health reports Retell
                    // "not configured" rather than down while only such a key exists.
                    retell_api_key = Some(format!("key_demo_{}", random_token(32)));
                }
                if stored.vapi_secret_hash.is_none() {
                    vapi_secret = Some(format!("vapi_demo_{}", random_token(32)));
                }
                if retell_api_key.is_some() || vapi_secret.is_some() {
                    self.set_company_credentials(
                        company.id,
                        retell_api_key.as_deref(),
                        vapi_secret.as_deref(),
                    )
                    .await?;
                }
            }
            let operator = if self.operators(company.id).await?.is_empty() {
                let login = DemoOperator {
                    email: format!("owner@{}.demo", company.slug),
                    password: random_token(16),
                };
                self.create_operator(
                    company.id,
                    &login.email,
                    frontdesk_domain::OperatorRole::Owner,
                    &login.password,
                )
                .await?;
                Some(login)
            } else {
                None
            };
            out.push(DemoLoad {
                company,
                created,
                mcp_api_key,
                gateway_token,
                retell_api_key,
                vapi_secret,
                operator,
            });
        }
        Ok(out)
    }
}
