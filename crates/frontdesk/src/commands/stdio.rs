//! `frontdesk mcp-stdio`: the booking tools over stdin/stdout for one caller of one company,
//! for desktop MCP clients. Logs stay on stderr; stdout carries only MCP messages.

use anyhow::Context;
use frontdesk_engine::Engine;
use frontdesk_server::mcp::tools::FrontdeskMcp;
use rmcp::ServiceExt;

/// `database` is the URL opened (passwords redacted), named when the company is not there.
pub async fn run(
    engine: Engine,
    company: &str,
    caller: &str,
    database: &str,
) -> anyhow::Result<()> {
    let company = match engine.company_by_slug(company).await {
        Ok(found) => found,
        Err(frontdesk_engine::EngineError::NotFound { .. }) => {
            let slugs: Vec<String> = engine
                .companies()
                .await?
                .into_iter()
                .map(|c| c.slug)
                .collect();
            let there = if slugs.is_empty() {
                "it has no companies (load one with `frontdesk import FILE` or `frontdesk demo`, \
                 or give the right --database)"
                    .to_string()
            } else {
                format!("its companies are: {}", slugs.join(", "))
            };
            anyhow::bail!("no company with slug {company:?} in the database {database}: {there}");
        }
        Err(e) => return Err(e.into()),
    };
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
