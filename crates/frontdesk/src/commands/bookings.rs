//! `frontdesk bookings list`: a day's bookings, for scripts (`--json`) and people.

use super::admin::table;
use crate::cli::BookingsCommand;
use frontdesk_engine::Engine;

pub async fn run(engine: &Engine, command: BookingsCommand) -> anyhow::Result<()> {
    match command {
        BookingsCommand::List {
            company,
            date,
            json,
        } => {
            let company = engine.company_by_slug(&company).await?;
            let bookings = engine.bookings_on(company.id, date).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&bookings)?);
                return Ok(());
            }
            if bookings.is_empty() {
                println!("no bookings at {} on that day", company.name);
                return Ok(());
            }
            let lines: Vec<[String; 8]> = bookings
                .iter()
                .map(|b| {
                    let v = &b.booking;
                    [
                        v.id.to_string(),
                        format!("{} {}", v.date, v.time),
                        v.service.clone(),
                        v.member.clone().unwrap_or_default(),
                        b.customer_phone.clone(),
                        v.staff.clone().unwrap_or_default(),
                        v.voucher_code.clone(),
                        format!("{} ({})", v.status, v.source),
                    ]
                })
                .collect();
            let header = [
                "ID", "STARTS", "SERVICE", "MEMBER", "PHONE", "STAFF", "CODE", "STATUS",
            ]
            .map(String::from);
            print!("{}", table(&header, &lines));
            Ok(())
        }
    }
}
