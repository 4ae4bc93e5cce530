//! `frontdesk waitlist list`: who waits for which places, as an operator sees it.

use super::admin::table;
use crate::cli::WaitlistCommand;
use frontdesk_engine::Engine;
use frontdesk_engine::waitlist::WaitlistView;

pub async fn run(engine: &Engine, command: WaitlistCommand) -> anyhow::Result<()> {
    match command {
        WaitlistCommand::List { company, json } => {
            let company = engine.company_by_slug(&company).await?;
            let entries = engine.company_waitlist(company.id).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else if entries.is_empty() {
                println!("nobody is waiting at {}", company.name);
            } else {
                print!("{}", describe(&entries));
            }
            Ok(())
        }
    }
}

fn describe(entries: &[WaitlistView]) -> String {
    let lines: Vec<[String; 8]> = entries
        .iter()
        .map(|e| {
            let dates = if e.date_from == e.date_to {
                e.date_from.to_string()
            } else {
                format!("{} to {}", e.date_from, e.date_to)
            };
            let times = match (&e.time_from, &e.time_to) {
                (None, None) => "any".to_string(),
                (from, to) => format!(
                    "{}-{}",
                    from.as_deref().unwrap_or(""),
                    to.as_deref().unwrap_or("")
                ),
            };
            let state = match (&e.booking, e.position) {
                (Some(b), _) => format!(
                    "held {} {} until {}",
                    b.date,
                    b.time,
                    b.hold_until.map(|t| t.to_string()).unwrap_or_default()
                ),
                (None, Some(n)) => format!("waiting, #{n} in line"),
                (None, None) => e.status.to_string(),
            };
            [
                e.entry_id.to_string(),
                e.member.clone(),
                e.service.clone(),
                dates,
                times,
                if e.auto_book { "book" } else { "offer" }.to_string(),
                e.kind.clone(),
                state,
            ]
        })
        .collect();
    let header = [
        "ENTRY", "MEMBER", "SERVICE", "DATES", "TIMES", "FREED", "KIND", "STATE",
    ]
    .map(String::from);
    table(&header, &lines)
}
