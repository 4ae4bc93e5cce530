//! `frontdesk webhook add|list|remove|test`: a company's signed webhook endpoints.

use super::admin::{TIME, table};
use crate::cli::WebhookCommand;
use frontdesk_engine::Engine;
use frontdesk_store::{MessageQuery, MessageStatus};

pub async fn run(engine: &Engine, command: WebhookCommand) -> anyhow::Result<()> {
    match command {
        WebhookCommand::Add {
            company,
            url,
            events,
        } => {
            let company = engine.company_by_slug(&company).await?;
            let events: Vec<String> = events
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect();
            let added = engine.add_webhook(company.id, &url, &events, None).await?;
            eprintln!(
                "webhook {} added for {} ({}); its signing secret (Standard Webhooks) is shown once:",
                added.endpoint.id,
                company.slug,
                if added.endpoint.events.is_empty() {
                    "every event".to_string()
                } else {
                    added.endpoint.events.join(", ")
                }
            );
            println!("{}", added.secret);
            Ok(())
        }
        WebhookCommand::List { company } => {
            let company = engine.company_by_slug(&company).await?;
            let mut rows = Vec::new();
            for endpoint in engine.webhooks(company.id).await? {
                let log = engine
                    .list_messages(MessageQuery {
                        company_id: Some(company.id),
                        channel: Some("webhook".into()),
                        recipient: Some(endpoint.id.to_string()),
                        limit: 1000,
                        ..MessageQuery::default()
                    })
                    .await?;
                let count = |s: MessageStatus| log.iter().filter(|m| m.status == s).count();
                rows.push([
                    endpoint.id.to_string(),
                    endpoint.url.clone(),
                    if endpoint.events.is_empty() {
                        "*".into()
                    } else {
                        endpoint.events.join(",")
                    },
                    format!(
                        "{} sent, {} pending, {} failed",
                        count(MessageStatus::Sent),
                        count(MessageStatus::Pending) + count(MessageStatus::Sending),
                        count(MessageStatus::Failed)
                    ),
                    log.first()
                        .and_then(|m| m.last_error.clone())
                        .map(|e| e.chars().take(60).collect())
                        .unwrap_or_else(|| "-".into()),
                    endpoint
                        .disabled_at
                        .map(|t| format!("removed {}", t.strftime(TIME)))
                        .unwrap_or_else(|| "active".into()),
                ]);
            }
            let header =
                ["ID", "URL", "EVENTS", "DELIVERIES", "LAST ERROR", "STATE"].map(String::from);
            print!("{}", table(&header, &rows));
            Ok(())
        }
        WebhookCommand::Remove { id } => {
            let removed = engine.remove_webhook(id).await?;
            println!(
                "webhook {} ({}) receives no more events",
                removed.id, removed.url
            );
            Ok(())
        }
        WebhookCommand::Test { id } => {
            let queued = engine.test_webhook(id).await?;
            println!(
                "a webhook.test event (message {}) is queued; `frontdesk messages list --json` shows how it went",
                queued.id
            );
            Ok(())
        }
    }
}
