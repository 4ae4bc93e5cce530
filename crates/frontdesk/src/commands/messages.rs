//! `frontdesk messages list|retry`: the outbox as an operator sees it.

use super::admin::{TIME, table};
use crate::cli::MessagesCommand;
use crate::config::DeliveryConfig;
use frontdesk_engine::Engine;
use frontdesk_store::{MessageQuery, MessageStatus, Notification};

pub async fn run(
    engine: &Engine,
    command: MessagesCommand,
    delivery: &DeliveryConfig,
) -> anyhow::Result<()> {
    match command {
        MessagesCommand::List {
            company,
            status,
            limit,
            json,
        } => {
            let company_id = match &company {
                Some(slug) => Some(engine.company_by_slug(slug).await?.id),
                None => None,
            };
            let status = status
                .as_deref()
                .map(str::parse::<MessageStatus>)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let rows = engine
                .list_messages(MessageQuery {
                    company_id,
                    status,
                    limit,
                    ..MessageQuery::default()
                })
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(());
            }
            print!("{}", describe(&rows));
            // Why what waits, waits: a channel nobody configured.
            for (channel, why) in crate::delivery::off_channels(delivery) {
                let waiting = rows
                    .iter()
                    .filter(|n| n.channel == channel && n.status == MessageStatus::Pending)
                    .count();
                if waiting > 0 {
                    eprintln!("{waiting} {channel} message(s) stay pending: {why}");
                }
            }
            Ok(())
        }
        MessagesCommand::Retry { id } => {
            let message = engine.retry_message(id).await?;
            println!(
                "message {} ({} {} to {}) is pending again and goes out at the worker's next round",
                message.id, message.kind, message.channel, message.recipient
            );
            Ok(())
        }
    }
}

fn describe(rows: &[Notification]) -> String {
    let lines: Vec<[String; 8]> = rows
        .iter()
        .map(|n| {
            [
                n.id.to_string(),
                n.status.to_string(),
                n.channel.clone(),
                n.kind.clone(),
                n.recipient.clone(),
                n.attempts.to_string(),
                match n.status {
                    MessageStatus::Pending | MessageStatus::Sending => {
                        n.next_attempt_at.strftime(TIME).to_string()
                    }
                    _ => n.updated_at.strftime(TIME).to_string(),
                },
                n.last_error
                    .as_deref()
                    .map(|e| e.chars().take(80).collect())
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let header = [
        "ID",
        "STATUS",
        "CHANNEL",
        "KIND",
        "TO",
        "ATTEMPTS",
        "WHEN",
        "LAST ERROR",
    ]
    .map(String::from);
    table(&header, &lines)
}
