//! Operator chores: import a business, list companies and set their credentials, manage API
//! keys.

use crate::cli::{CompanyCommand, KeyCommand, KeyKind};
use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::Engine;
use frontdesk_engine::import::BusinessFile;
use std::path::Path;

pub async fn import(engine: &Engine, path: &Path) -> anyhow::Result<()> {
    let file = BusinessFile::from_path(path)?;
    let s = engine.import_business(&file).await?;
    println!(
        "imported {} (slug {}, company_id {}): {} branches, {} staff, {} services, {} customers, {} members, {} new appointments",
        s.company.name,
        s.company.slug,
        s.company.id,
        s.branches,
        s.staff,
        s.services,
        s.customers,
        s.members,
        s.appointments_created
    );
    Ok(())
}

pub async fn company(engine: &Engine, command: CompanyCommand) -> anyhow::Result<()> {
    match command {
        CompanyCommand::List => {
            println!(
                "{:>4}  {:<24} {:<28} {:<20} LANGUAGE",
                "ID", "SLUG", "NAME", "TIME ZONE"
            );
            for c in engine.companies().await? {
                println!(
                    "{:>4}  {:<24} {:<28} {:<20} {}",
                    c.id, c.slug, c.name, c.time_zone, c.language
                );
            }
            Ok(())
        }
        CompanyCommand::Set {
            slug,
            retell_api_key,
            vapi_secret,
        } => {
            let company = engine.company_by_slug(&slug).await?;
            engine
                .set_company_credentials(
                    company.id,
                    retell_api_key.as_deref(),
                    vapi_secret.as_deref(),
                )
                .await?;
            let mut set = Vec::new();
            if retell_api_key.is_some() {
                set.push("Retell API key (stored encrypted)");
            }
            if vapi_secret.is_some() {
                set.push("Vapi secret (stored hashed)");
            }
            println!(
                "{} (company_id {}): {} set",
                company.slug,
                company.id,
                set.join(" and ")
            );
            Ok(())
        }
    }
}

pub async fn key(engine: &Engine, command: KeyCommand) -> anyhow::Result<()> {
    match command {
        KeyCommand::Create {
            company,
            kind,
            name,
        } => {
            let company = engine.company_by_slug(&company).await?;
            let kind = match kind {
                KeyKind::Mcp => ApiKeyKind::Mcp,
                KeyKind::Gateway => ApiKeyKind::Gateway,
            };
            let minted = engine.create_api_key(company.id, kind, name).await?;
            eprintln!(
                "key {} created for {}; store the secret now, it is not shown again:",
                minted.key.id, company.slug
            );
            println!("{}", minted.secret);
            Ok(())
        }
        KeyCommand::List { company } => {
            let company = engine.company_by_slug(&company).await?;
            println!(
                "{:>4}  {:<8} {:<16} {:<14} {:<22} REVOKED",
                "ID", "KIND", "NAME", "PREFIX", "CREATED"
            );
            for k in engine.api_keys(company.id).await? {
                println!(
                    "{:>4}  {:<8} {:<16} {:<14} {:<22} {}",
                    k.id,
                    k.kind,
                    k.name.as_deref().unwrap_or("-"),
                    format!("{}…", k.prefix),
                    k.created_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                    k.revoked_at
                        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }
        KeyCommand::Revoke { id } => {
            let key = engine.revoke_api_key(id).await?;
            println!("key {} ({}…) revoked", key.id, key.prefix);
            Ok(())
        }
    }
}
