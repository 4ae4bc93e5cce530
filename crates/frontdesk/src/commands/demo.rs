//! The demo businesses: loaded by `frontdesk demo` (printing JSON) and `serve --demo`
//! (printing keys and a curl line). Loading creates only what is missing (the engine's
//! `ensure_demo`): an existing business, its bookings and credentials are left alone, and keys
//! are minted only for a company without an unrevoked one. Secrets are printed once, when
//! minted or set.

use frontdesk_engine::Engine;
use frontdesk_engine::demo::DemoLoad;
use serde::Serialize;
use std::net::SocketAddr;

/// Where to find or mint keys once the first load's output is gone.
const KEYS_HINT: &str = "keys are printed only when minted; list them with `frontdesk key list --company SLUG`, mint more with `frontdesk key create --company SLUG --kind mcp|gateway`";

#[derive(Debug, Serialize)]
pub struct DemoCompany {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Minted on this run (the company had no unrevoked MCP key); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcp_api_key: Option<String>,
    /// Minted on this run (the company had no unrevoked gateway token); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_token: Option<String>,
    /// The Retell API key set on this run because the AskProAI demo had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retell_api_key: Option<String>,
    /// The Vapi secret set on this run because the AskProAI demo had none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vapi_secret: Option<String>,
    /// The console owner created on this run (the company had no operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<frontdesk_engine::demo::DemoOperator>,
    /// The business was imported on this run (false: it existed and was left as it was).
    pub created: bool,
}

impl From<DemoLoad> for DemoCompany {
    fn from(d: DemoLoad) -> Self {
        DemoCompany {
            id: d.company.id,
            slug: d.company.slug,
            name: d.company.name,
            mcp_api_key: d.mcp_api_key,
            gateway_token: d.gateway_token,
            retell_api_key: d.retell_api_key,
            vapi_secret: d.vapi_secret,
            operator: d.operator,
            created: d.created,
        }
    }
}

/// `frontdesk demo`: create what is missing and print one JSON document.
pub async fn print_json(engine: &Engine) -> anyhow::Result<()> {
    let companies = ensure_loaded(engine).await?;
    // A struct, not `json!`, so the fields keep their documented order.
    #[derive(Serialize)]
    struct DemoOutput {
        companies: Vec<DemoCompany>,
        note: &'static str,
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&DemoOutput {
            companies,
            note: KEYS_HINT
        })?
    );
    Ok(())
}

/// `serve --demo`: the same, for the banner.
pub async fn ensure_loaded(engine: &Engine) -> anyhow::Result<Vec<DemoCompany>> {
    Ok(engine
        .ensure_demo()
        .await?
        .into_iter()
        .map(DemoCompany::from)
        .collect())
}

pub fn print_welcome(companies: &[DemoCompany], addr: SocketAddr) {
    println!("\nfrontdesk demo businesses:\n");
    for c in companies {
        println!("  {} (slug {}, company_id {})", c.name, c.slug, c.id);
        if let Some(key) = &c.mcp_api_key {
            println!("    MCP API key (X-API-Key):  {key}");
        }
        if let Some(token) = &c.gateway_token {
            println!("    gateway token (Bearer):   {token}");
        }
        if let Some(key) = &c.retell_api_key {
            println!("    Retell API key (signs):   {key}");
        }
        if let Some(secret) = &c.vapi_secret {
            println!("    Vapi secret:              {secret}");
        }
        if let Some(op) = &c.operator {
            println!(
                "    console (http://{addr}/console): {}  password {}",
                op.email, op.password
            );
        }
        if c.mcp_api_key.is_none() && c.gateway_token.is_none() {
            println!(
                "    keys: minted earlier (`frontdesk key list --company {}`)",
                c.slug
            );
        }
        println!();
    }
    println!("({KEYS_HINT}.)\n");
    if let Some(beyond) = companies.iter().find(|c| c.slug == "beyond-the-club") {
        println!("Open a caller session for Rafael Silva:\n");
        println!(
            "  curl -s -X POST http://{addr}/mcp/auth/session -H 'Content-Type: application/json' -H 'X-API-Key: {}' -d '{{\"caller_id\": \"+5511999999999\"}}'\n",
            beyond.mcp_api_key.as_deref().unwrap_or("fd_mcp_…")
        );
    }
}
