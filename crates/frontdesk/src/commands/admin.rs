//! Operator chores: import a business, list companies and set their credentials, manage API
//! keys.

use crate::cli::{CompanyCommand, ExportFormat, KeyCommand, KeyKind};
use frontdesk_domain::ApiKeyKind;
use frontdesk_engine::Engine;
use frontdesk_engine::import::{BusinessFile, ImportPlan, SpokenLanguage};
use std::path::Path;

/// How times are shown.
pub(super) const TIME: &str = "%Y-%m-%d %H:%M UTC";

pub async fn import(engine: &Engine, path: &Path, check: bool) -> anyhow::Result<()> {
    let file = BusinessFile::from_path(path)?;
    if check {
        let plan = engine.plan_import(&file).await?;
        print!("{}", describe_plan(&plan));
        print!("{}", describe_language(&plan.spoken));
        return Ok(());
    }
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
    print!("{}", describe_language(&s.spoken));
    for added in &s.webhooks_added {
        match added.generated {
            true => println!(
                "webhook {} added ({}); its generated signing secret, shown once: {}",
                added.endpoint.id, added.endpoint.url, added.secret
            ),
            false => println!(
                "webhook {} added ({}) with the file's secret",
                added.endpoint.id, added.endpoint.url
            ),
        }
    }
    for (what, names) in [
        ("branches", &s.retired.branches),
        ("staff", &s.retired.staff),
        ("services", &s.retired.services),
    ] {
        if !names.is_empty() {
            println!(
                "retired {what} (no longer in the file; their bookings stay): {}",
                names.join(", ")
            );
        }
    }
    Ok(())
}

/// A line when callers will hear another language than the file names (`es-MX` → `es-ES`).
fn describe_language(spoken: &SpokenLanguage) -> String {
    if spoken.exact {
        return String::new();
    }
    format!(
        "language {}: callers are answered in {}, the nearest language frontdesk ships ({})\n",
        spoken.language,
        spoken.answered_in,
        SpokenLanguage::shipped().join(", ")
    )
}

/// `import --check`: one line per kind of change, then the bookings left outside the schedule.
fn describe_plan(plan: &ImportPlan) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str(&format!(
            "{}: no changes (importing this file changes nothing)\n",
            plan.slug
        ));
        return out;
    }
    if plan.new_company {
        out.push_str(&format!("{}: a new company would be created\n", plan.slug));
    } else {
        out.push_str(&format!(
            "{}: importing this file would change:\n",
            plan.slug
        ));
    }
    if !plan.company_changed.is_empty() {
        out.push_str(&format!(
            "  company: {} changed\n",
            plan.company_changed.join(", ")
        ));
    }
    for (what, changes) in [
        ("branches", &plan.branches),
        ("staff", &plan.staff),
        ("services", &plan.services),
        ("customers", &plan.customers),
    ] {
        for (verb, names) in [
            ("added", &changes.added),
            ("changed", &changes.changed),
            ("retired", &changes.retired),
        ] {
            if !names.is_empty() {
                out.push_str(&format!("  {what} {verb}: {}\n", names.join(", ")));
            }
        }
    }
    if !plan.hours_changed.is_empty() {
        out.push_str(&format!(
            "  hours and closures changed: {}\n",
            plan.hours_changed.join("; ")
        ));
    }
    if !plan.credentials.is_empty() {
        out.push_str(&format!(
            "  credentials set: {}\n",
            plan.credentials.join(", ")
        ));
    }
    if plan.bookings_outside.is_empty() {
        out.push_str("  confirmed future bookings left outside the schedule: none\n");
    } else {
        out.push_str(&format!(
            "  confirmed future bookings left outside the schedule ({}; they are kept, visible and cancellable):\n",
            plan.bookings_outside.len()
        ));
        for b in &plan.bookings_outside {
            out.push_str(&format!(
                "    booking {} (voucher {}) {} at {}: {}\n",
                b.booking_id, b.voucher_code, b.service, b.starts, b.reason
            ));
        }
    }
    out.push_str("nothing was changed (--check)\n");
    out
}

pub async fn export(engine: &Engine, slug: &str, format: ExportFormat) -> anyhow::Result<()> {
    let company = engine.company_by_slug(slug).await?;
    let file = engine.export_business(company.id).await?;
    let ext = match format {
        ExportFormat::Toml => "toml",
        ExportFormat::Yaml => "yaml",
    };
    print!("{}", file.to_text(ext)?);
    Ok(())
}

pub async fn company(engine: &Engine, command: CompanyCommand) -> anyhow::Result<()> {
    match command {
        CompanyCommand::List => {
            let rows: Vec<[String; 5]> = engine
                .companies()
                .await?
                .into_iter()
                .map(|c| {
                    [
                        c.id.to_string(),
                        c.slug,
                        c.name,
                        c.time_zone,
                        c.language.to_string(),
                    ]
                })
                .collect();
            let header = ["ID", "SLUG", "NAME", "TIME ZONE", "LANGUAGE"].map(String::from);
            print!("{}", table(&header, &rows));
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

pub async fn key(
    engine: &Engine,
    command: KeyCommand,
    server: &frontdesk_server::ServerSettings,
) -> anyhow::Result<()> {
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
            let rows: Vec<[String; 6]> = engine
                .api_keys(company.id)
                .await?
                .into_iter()
                .map(|k| {
                    [
                        k.id.to_string(),
                        k.kind.to_string(),
                        k.name.unwrap_or_else(|| "-".into()),
                        format!("{}…", k.prefix),
                        k.created_at.strftime(TIME).to_string(),
                        k.revoked_at
                            .map(|t| t.strftime(TIME).to_string())
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let header = ["ID", "KIND", "NAME", "PREFIX", "CREATED", "REVOKED"].map(String::from);
            print!("{}", table(&header, &rows));
            Ok(())
        }
        KeyCommand::Revoke { id } => {
            // The key's company and state, read before revoking, so the answer can name them.
            let mut found = None;
            for company in engine.companies().await? {
                if let Some(key) = engine
                    .api_keys(company.id)
                    .await?
                    .into_iter()
                    .find(|k| k.id == id)
                {
                    found = Some((company, key));
                    break;
                }
            }
            let Some((company, before)) = found else {
                anyhow::bail!("api key {id} not found");
            };
            if let Some(at) = before.revoked_at {
                println!(
                    "key {} ({}…, {} key of {}) was already revoked on {}; nothing changed",
                    before.id,
                    before.prefix,
                    before.kind,
                    company.slug,
                    at.strftime(TIME)
                );
                return Ok(());
            }
            let revoked = engine.revoke_api_key_and_sessions(id).await?;
            let key = &revoked.key;
            let ended = revoked.ended_sessions.len();
            println!(
                "key {} ({}…, {} key of {}) revoked; {ended} caller session{} it opened ended",
                key.id,
                key.prefix,
                key.kind,
                company.slug,
                if ended == 1 { "" } else { "s" }
            );
            // Running instances drop their cached copies now rather than within 2 s.
            if let Some(url) = &server.redis_url
                && let Err(e) = frontdesk_server::cluster::revocations::announce(
                    url,
                    &server.redis_prefix,
                    &revoked.ended_sessions,
                )
                .await
            {
                eprintln!(
                    "frontdesk: the sessions are ended in the database, but the running \
                     instances could not be told through Redis ({e}): they stop trusting \
                     cached copies within 2 s"
                );
            }
            Ok(())
        }
    }
}

/// Left-aligned columns as wide as their widest cell (the first right-aligned: ids), two
/// spaces apart; widths count characters, not bytes (`…`).
pub(super) fn table<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in std::iter::once(header).chain(rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            let pad = " ".repeat(w - cell.chars().count());
            match i {
                0 => line.push_str(&format!("{pad}{cell}")),
                _ if i == N - 1 => line.push_str(cell),
                _ => line.push_str(&format!("{cell}{pad}")),
            }
            if i + 1 < N {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
