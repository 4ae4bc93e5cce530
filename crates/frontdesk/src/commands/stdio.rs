//! `frontdesk mcp-stdio`: the booking tools over stdin/stdout for one caller of one company,
//! for desktop MCP clients. Logs stay on stderr; stdout carries only MCP messages.

use anyhow::Context;
use frontdesk_engine::Engine;
use frontdesk_server::mcp::tools::FrontdeskMcp;
use rmcp::ServiceExt;

pub async fn run(engine: Engine, company: &str, caller: &str) -> anyhow::Result<()> {
    let company = engine
        .company_by_slug(company)
        .await
        .with_context(|| format!("no company with slug {company:?}"))?;
    let identified = engine.identify(company.id, caller).await?;
    tracing::info!(company = %company.slug, caller = %identified.phone, known = identified.customer.is_some(), "serving MCP on stdio");
    let service = FrontdeskMcp::for_caller(engine, identified.caller)
        .serve(rmcp::transport::stdio())
        .await
        .context("MCP handshake on stdio failed")?;
    service
        .waiting()
        .await
        .context("MCP stdio session failed")?;
    Ok(())
}
