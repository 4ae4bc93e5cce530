//! The demo businesses: loaded by `frontdesk demo` (printing JSON) and `serve --demo`
//! (printing keys and a curl line). Keys are stored hashed, so each run mints new ones;
//! the old ones stay valid.

use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::demo::demo_businesses;
use frontdesk_engine::Engine;
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
}

async fn with_fresh_keys(engine: &Engine, companies: Vec<Company>) -> anyhow::Result<Vec<DemoCompany>> {
    let mut out = Vec::new();
    for c in companies {
        let mcp = engine.create_api_key(c.id, ApiKeyKind::Mcp, Some("demo".into())).await?;
        let gateway = engine.create_api_key(c.id, ApiKeyKind::Gateway, Some("demo".into())).await?;
        out.push(DemoCompany {
            id: c.id,
            slug: c.slug,
            name: c.name,
            mcp_api_key: mcp.secret,
            gateway_token: gateway.secret,
        });
    }
    Ok(out)
}

/// `frontdesk demo`: import (create or update) both businesses and print one JSON document.
pub async fn print_json(engine: &Engine) -> anyhow::Result<()> {
    let summaries = engine.load_demo().await?;
    let companies = with_fresh_keys(engine, summaries.into_iter().map(|s| s.company).collect()).await?;
    // A struct, not `json!`, so the fields keep their documented order.
    #[derive(Serialize)]
    struct DemoOutput {
        companies: Vec<DemoCompany>,
    }
    println!("{}", serde_json::to_string_pretty(&DemoOutput { companies })?);
    Ok(())
}

/// `serve --demo`: import the demo businesses that are missing, keep the ones that exist.
pub async fn ensure_loaded(engine: &Engine) -> anyhow::Result<Vec<DemoCompany>> {
    let mut companies = Vec::new();
    for file in demo_businesses()? {
        let company = match engine.company_by_slug(&file.company.slug).await {
            Ok(existing) => existing,
            Err(frontdesk_engine::EngineError::NotFound { .. }) => engine.import_business(&file).await?.company,
            Err(e) => return Err(e.into()),
        };
        companies.push(company);
    }
    with_fresh_keys(engine, companies).await
}

pub fn print_welcome(companies: &[DemoCompany], addr: SocketAddr) {
    println!("\nfrontdesk demo businesses (keys are new on every start; earlier ones stay valid):\n");
    for c in companies {
        println!("  {} (slug {}, company_id {})", c.name, c.slug, c.id);
        println!("    MCP API key (X-API-Key):  {}", c.mcp_api_key);
        println!("    gateway token (Bearer):   {}\n", c.gateway_token);
    }
    if let Some(beyond) = companies.iter().find(|c| c.slug == "beyond-the-club") {
        println!("Open a caller session for Rafael Silva:\n");
        println!(
            "  curl -s -X POST http://{addr}/mcp/auth/session -H 'Content-Type: application/json' -H 'X-API-Key: {}' -d '{{\"caller_id\": \"+5511999999999\"}}'\n",
            beyond.mcp_api_key
        );
    }
}
