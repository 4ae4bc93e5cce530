//! One function per command.

mod admin;
mod bookings;
mod demo;
mod ical;
mod messages;
mod operators;
mod serve;
mod stdio;
mod waitlist;
mod webhooks;

use crate::cli::{Command, CompanyCommand};
use crate::config::{Config, EXAMPLE};
use crate::store;
use frontdesk_engine::Engine;

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    if let Command::DefaultConfig = command {
        print!("{EXAMPLE}");
        return Ok(());
    }
    let store = store::open(
        &config.database,
        config.db_max_connections,
        config.db_acquire_timeout,
    )
    .await?;
    let mut engine = Engine::new(store)
        .with_private_webhook_targets(config.server.allow_private_webhook_targets);
    if needs_secret_key(&command) {
        engine = engine.with_secret_key(crate::secret_key::load(&config.secret_key)?);
    }
    match command {
        Command::Serve { demo, .. } => serve::run(engine, config, demo).await,
        Command::Migrate => {
            eprintln!("migrations applied to {}", store::redact(&config.database));
            Ok(())
        }
        Command::Demo => demo::print_json(&engine).await,
        Command::Import { file, check } => admin::import(&engine, &file, check).await,
        Command::Export { company, format } => admin::export(&engine, &company, format).await,
        Command::Company { command, .. } => admin::company(&engine, command).await,
        Command::Key { command, .. } => admin::key(&engine, command, &config.server).await,
        Command::Deliver => {
            crate::delivery::run(engine, config, frontdesk_server::shutdown_signal()).await
        }
        Command::Webhook { command } => webhooks::run(&engine, command).await,
        Command::Waitlist { command } => waitlist::run(&engine, command).await,
        Command::Operator { command } => operators::run(&engine, command).await,
        Command::Bookings { command } => bookings::run(&engine, command).await,
        Command::Messages { command } => messages::run(&engine, command, &config.delivery).await,
        Command::Ical { command } => ical::run(&engine, command, &config).await,
        Command::McpStdio {
            company, caller, ..
        } => stdio::run(engine, &company, &caller, &store::redact(&config.database)).await,
        Command::DefaultConfig => Ok(()),
    }
}

/// Commands that read or write secrets stored encrypted (the companies' Retell API keys). The
/// others never touch the key, so they neither need it nor create its file.
fn needs_secret_key(command: &Command) -> bool {
    matches!(
        command,
        Command::Serve { .. }
            | Command::Deliver
            | Command::Webhook { .. }
            | Command::Demo
            | Command::Import { .. }
            | Command::Export { .. }
            | Command::Company {
                command: CompanyCommand::Set { .. },
                ..
            }
    )
}
