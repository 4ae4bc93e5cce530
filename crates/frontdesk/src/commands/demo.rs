//! The demo businesses: loaded by `frontdesk demo` (printing JSON) and `serve --demo`
//! (printing keys and a curl line). Keys are stored hashed, so each run mints new ones;
//! the old ones stay valid. The AskProAI demo company also gets a new Retell API key and Vapi
//! secret on each run (the previous ones stop working: a company has one of each).

use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::Engine;
use frontdesk_engine::demo::demo_businesses;
use frontdesk_engine::keys::random_token;
use frontdesk_store::Company;
use serde::Serialize;
use std::net::SocketAddr;

#[derive(Debug, Serialize)]
pub struct DemoCompany {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub mcp_api_key: String,
    pub gateway_token: String,
    /// The Retell API key the demo company's webhooks and custom functions are signed with
    /// (AskProAI demo only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retell_api_key: Option<String>,
    /// The secret Vapi tool calls authenticate with (AskProAI demo only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vapi_secret: Option<String>,
}

/// The demo company that is reached through Retell and Vapi.
const VOICE_DEMO_SLUG: &str = "askproai-demo";

async fn with_fresh_keys(
    engine: &Engine,
    companies: Vec<Company>,
) -> anyhow::Result<Vec<DemoCompany>> {
    let mut out = Vec::new();
    for c in companies {
        let mcp = engine
            .create_api_key(c.id, ApiKeyKind::Mcp, Some("demo".into()))
            .await?;
        let gateway = engine
            .create_api_key(c.id, ApiKeyKind::Gateway, Some("demo".into()))
            .await?;
        let (retell_api_key, vapi_secret) = if c.slug == VOICE_DEMO_SLUG {
            let retell = format!("key_demo_{}", random_token(32));
            let vapi = format!("vapi_demo_{}", random_token(32));
            engine
                .set_company_credentials(c.id, Some(&retell), Some(&vapi))
                .await?;
            (Some(retell), Some(vapi))
        } else {
            (None, None)
        };
        out.push(DemoCompany {
            id: c.id,
            slug: c.slug,
            name: c.name,
            mcp_api_key: mcp.secret,
            gateway_token: gateway.secret,
            retell_api_key,
            vapi_secret,
        });
    }
    Ok(out)
}

/// `frontdesk demo`: import (create or update) both businesses and print one JSON document.
pub async fn print_json(engine: &Engine) -> anyhow::Result<()> {
    let summaries = engine.load_demo().await?;
    let companies =
        with_fresh_keys(engine, summaries.into_iter().map(|s| s.company).collect()).await?;
    // A struct, not `json!`, so the fields keep their documented order.
    #[derive(Serialize)]
    struct DemoOutput {
        companies: Vec<DemoCompany>,
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&DemoOutput { companies })?
    );
    Ok(())
}

/// `serve --demo`: import the demo businesses that are missing, keep the ones that exist.
pub async fn ensure_loaded(engine: &Engine) -> anyhow::Result<Vec<DemoCompany>> {
    let mut companies = Vec::new();
    for file in demo_businesses()? {
        let company = match engine.company_by_slug(&file.company.slug).await {
            Ok(existing) => existing,
            Err(frontdesk_engine::EngineError::NotFound { .. }) => {
                engine.import_business(&file).await?.company
            }
            Err(e) => return Err(e.into()),
        };
        companies.push(company);
    }
    with_fresh_keys(engine, companies).await
}

pub fn print_welcome(companies: &[DemoCompany], addr: SocketAddr) {
    println!(
        "\nfrontdesk demo businesses (keys are new on every start; earlier ones stay valid):\n"
    );
    for c in companies {
        println!("  {} (slug {}, company_id {})", c.name, c.slug, c.id);
        println!("    MCP API key (X-API-Key):  {}", c.mcp_api_key);
        println!("    gateway token (Bearer):   {}", c.gateway_token);
        if let Some(key) = &c.retell_api_key {
            println!("    Retell API key (signs):   {key}");
        }
        if let Some(secret) = &c.vapi_secret {
            println!("    Vapi secret:              {secret}");
        }
        println!();
    }
    if let Some(beyond) = companies.iter().find(|c| c.slug == "beyond-the-club") {
        println!("Open a caller session for Rafael Silva:\n");
        println!(
            "  curl -s -X POST http://{addr}/mcp/auth/session -H 'Content-Type: application/json' -H 'X-API-Key: {}' -d '{{\"caller_id\": \"+5511999999999\"}}'\n",
            beyond.mcp_api_key
        );
    }
}
