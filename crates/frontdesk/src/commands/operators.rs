//! `frontdesk operator …`: the people who log in to the console.

use super::admin::table;
use crate::cli::{OperatorCommand, OperatorRoleArg};
use anyhow::Context;
use frontdesk_domain::OperatorRole;
use frontdesk_engine::Engine;
use frontdesk_engine::operators::operator_email;
use frontdesk_store::Operator;
use std::io::BufRead;

pub async fn run(engine: &Engine, command: OperatorCommand) -> anyhow::Result<()> {
    match command {
        OperatorCommand::Create {
            company,
            email,
            role,
            ..
        } => {
            let company = engine.company_by_slug(&company).await?;
            let role = match role {
                OperatorRoleArg::Owner => OperatorRole::Owner,
                OperatorRoleArg::Staff => OperatorRole::Staff,
            };
            let password = read_password()?;
            let op = engine
                .create_operator(company.id, &email, role, &password)
                .await?;
            println!(
                "operator {} ({}) can log in to {} at /console/login",
                op.email, op.role, company.name
            );
            Ok(())
        }
        OperatorCommand::List { company } => {
            let company = engine.company_by_slug(&company).await?;
            let operators = engine.operators(company.id).await?;
            if operators.is_empty() {
                println!("{} has no operators", company.name);
            } else {
                print!("{}", describe(&operators));
            }
            Ok(())
        }
        OperatorCommand::Disable { company, email } => {
            let (company_id, op) = find(engine, &company, &email).await?;
            engine
                .set_operator_disabled(company_id, op.id, true)
                .await?;
            println!("{} is disabled; their sessions have ended", op.email);
            Ok(())
        }
        OperatorCommand::Enable { company, email } => {
            let (company_id, op) = find(engine, &company, &email).await?;
            engine
                .set_operator_disabled(company_id, op.id, false)
                .await?;
            println!("{} can log in again", op.email);
            Ok(())
        }
        OperatorCommand::Password { company, email, .. } => {
            let (company_id, op) = find(engine, &company, &email).await?;
            let password = read_password()?;
            engine
                .set_operator_password(company_id, op.id, &password)
                .await?;
            println!(
                "{}'s password is changed; their sessions have ended",
                op.email
            );
            Ok(())
        }
    }
}

async fn find(engine: &Engine, slug: &str, email: &str) -> anyhow::Result<(i64, Operator)> {
    let company = engine.company_by_slug(slug).await?;
    let email = operator_email(email)?;
    let op = engine
        .operators(company.id)
        .await?
        .into_iter()
        .find(|op| op.email == email)
        .with_context(|| format!("{} has no operator {email}", company.name))?;
    Ok((company.id, op))
}

/// One line of standard input, without its line break.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(password)
}

fn describe(operators: &[Operator]) -> String {
    let lines: Vec<[String; 4]> = operators
        .iter()
        .map(|op| {
            [
                op.id.to_string(),
                op.email.clone(),
                op.role.to_string(),
                match op.disabled_at {
                    Some(at) => format!("disabled {at}"),
                    None => "active".to_string(),
                },
            ]
        })
        .collect();
    table(&["ID", "E-MAIL", "ROLE", "STATE"].map(String::from), &lines)
}
