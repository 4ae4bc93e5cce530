//! `frontdesk ical`: create, list and revoke the calendar feeds of a company's branches and
//! staff members. The engine does the work (`frontdesk_engine::calendar::feeds`).

use super::admin::{TIME, table};
use crate::cli::IcalCommand;
use crate::config::Config;
use frontdesk_engine::Engine;
use frontdesk_engine::calendar::FeedTarget;
use frontdesk_store::FeedSubject;

pub async fn run(engine: &Engine, command: IcalCommand, config: &Config) -> anyhow::Result<()> {
    match command {
        IcalCommand::Create {
            company,
            branch,
            staff,
        } => {
            let target = match (&branch, &staff) {
                (Some(branch), None) => FeedTarget::Branch(branch),
                (None, Some(staff)) => FeedTarget::Staff(staff),
                // clap's group allows exactly one of them.
                _ => anyhow::bail!("give exactly one of --branch and --staff"),
            };
            let created = engine.create_feed(&company, target).await?;
            if !config.public_url_given {
                eprintln!(
                    "frontdesk: FRONTDESK_PUBLIC_URL is not set; the URL below uses {}, \
                     replace it with the address calendars reach this server at",
                    config.server.public_url
                );
            }
            eprintln!(
                "feed {} created for {} of {}; store the URL now, it is not shown again:",
                created.feed.feed.id,
                describe(created.feed.feed.subject, &created.feed.subject_name),
                company
            );
            println!(
                "{}/ical/{}.ics",
                config.server.public_url.trim_end_matches('/'),
                created.token
            );
            Ok(())
        }
        IcalCommand::List { company } => {
            let rows: Vec<[String; 4]> = engine
                .list_feeds(&company)
                .await?
                .into_iter()
                .map(|view| {
                    [
                        view.feed.id.to_string(),
                        describe(view.feed.subject, &view.subject_name),
                        view.feed.created_at.strftime(TIME).to_string(),
                        view.feed
                            .revoked_at
                            .map(|t| t.strftime(TIME).to_string())
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let header = ["ID", "FOR", "CREATED", "REVOKED"].map(String::from);
            print!("{}", table(&header, &rows));
            Ok(())
        }
        IcalCommand::Revoke { id } => {
            let revoked = engine.revoke_feed(id).await?;
            match (revoked.already_revoked, revoked.feed.revoked_at) {
                (true, Some(at)) => println!(
                    "feed {id} was already revoked on {}; nothing changed",
                    at.strftime(TIME)
                ),
                _ => println!("feed {id} revoked: its URL answers 404 from now on"),
            }
            Ok(())
        }
    }
}

fn describe(subject: FeedSubject, name: &str) -> String {
    match subject {
        FeedSubject::Branch(_) => format!("branch {name}"),
        FeedSubject::Staff(_) => format!("staff {name}"),
    }
}
