//! `/console/settings` (owners): closed days, policies, the business file (hours, breaks,
//! services, staff), API keys, the voice platforms' URLs, operators. Every change goes through
//! the engine's settings edits, which plan before they save.

use super::agenda::chosen;
use super::{Chrome, done, refusal, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use frontdesk_domain::{ApiKeyKind, BookingPolicy, OperatorRole, ReminderOffset};
use frontdesk_engine::EngineError;
use frontdesk_engine::calendar::feeds::FeedView;
use frontdesk_engine::desk::NamedRef;
use frontdesk_engine::import::{BookingOutside, ImportPlan};
use frontdesk_engine::settings::{Closure, FeedOf, SettingsEdit};
use frontdesk_store::{ApiKey, Operator, WebhookEndpoint};
use jiff::civil::Date;
use serde::Deserialize;

/// A closure that would leave confirmed bookings outside the schedule, waiting for "close
/// anyway".
pub struct Affected {
    branch_id: i64,
    date: Date,
    reason: String,
    bookings: Vec<BookingOutside>,
}

/// A business file's plan, as lines to read.
pub struct PlanView {
    lines: Vec<String>,
    outside: Vec<BookingOutside>,
}

impl PlanView {
    fn of(plan: &ImportPlan) -> PlanView {
        let mut lines = Vec::new();
        if !plan.company_changed.is_empty() {
            lines.push(format!("company: {}", plan.company_changed.join(", ")));
        }
        for (what, changes) in [
            ("branches", &plan.branches),
            ("staff", &plan.staff),
            ("services", &plan.services),
            ("customers", &plan.customers),
        ] {
            for (verb, items) in [
                ("added", &changes.added),
                ("changed", &changes.changed),
                ("retired", &changes.retired),
            ] {
                if !items.is_empty() {
                    lines.push(format!("{what} {verb}: {}", items.join(", ")));
                }
            }
        }
        lines.extend(plan.hours_changed.iter().cloned());
        if !plan.credentials.is_empty() {
            lines.push(format!("credentials: {}", plan.credentials.join(", ")));
        }
        PlanView {
            lines,
            outside: plan.bookings_outside.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/settings.html")]
pub struct SettingsPage {
    c: Chrome,
    me: i64,
    branches: Vec<NamedRef>,
    closures: Vec<Closure>,
    affected: Option<Affected>,
    policy: BookingPolicy,
    reminders: String,
    file_text: String,
    plan: Option<PlanView>,
    keys: Vec<ApiKey>,
    new_secret: Option<String>,
    urls: Vec<(&'static str, String)>,
    retell_set: bool,
    vapi_set: bool,
    webhooks: Vec<WebhookEndpoint>,
    new_webhook_secret: Option<String>,
    feeds: Vec<FeedView>,
    new_feed_url: Option<String>,
    staff: Vec<NamedRef>,
    operators: Vec<Operator>,
}

/// What the page shows beyond the settings themselves: the outcome of the last action.
#[derive(Default)]
struct Extras {
    done: Option<String>,
    error: Option<String>,
    affected: Option<Affected>,
    file_text: Option<String>,
    plan: Option<PlanView>,
    new_secret: Option<String>,
    new_webhook_secret: Option<String>,
    new_feed_url: Option<String>,
}

async fn page(state: &AppState, desk: &Desk, extras: Extras, status: StatusCode) -> Response {
    if let Some(refused) = desk.owner_refusal() {
        return refused;
    }
    match build(state, desk, extras).await {
        Ok(page) => {
            let mut response = render(&page);
            if response.status() == StatusCode::OK {
                *response.status_mut() = status;
            }
            response
        }
        Err(e) => super::fault(e),
    }
}

async fn build(state: &AppState, desk: &Desk, extras: Extras) -> Result<SettingsPage, EngineError> {
    let engine = &state.engine;
    let company_id = desk.company_id();
    let file = engine.settings_file(company_id).await?;
    let file_text = match extras.file_text {
        Some(text) => text,
        None => file.to_text("toml")?,
    };
    let directory = engine.directory(company_id).await?;
    let (branches, staff) = (directory.branches, directory.staff);
    let policy = desk.company.policy.clone();
    let reminders = policy
        .reminders
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let base = state.settings.public_url.trim_end_matches('/').to_string();
    let urls = vec![
        ("url-mcp", format!("{base}/mcp")),
        ("url-sse", format!("{base}/mcp/sse")),
        (
            "url-retell-function",
            format!("{base}/api/mcp/retell/custom-function"),
        ),
        (
            "url-retell-webhook",
            format!("{base}/api/mcp/retell/webhook"),
        ),
        ("url-vapi", format!("{base}/api/vapi/tool-calls")),
        ("url-gateway", format!("{base}/api/mcp/gateway")),
    ];
    let (retell_set, vapi_set) = engine.voice_credentials_set(company_id).await?;
    let mut chrome = Chrome::new(desk, "settings").with_done(extras.done.as_deref());
    chrome.error = extras.error;
    Ok(SettingsPage {
        c: chrome,
        me: desk.session.operator.id,
        branches,
        closures: engine.closures(company_id).await?,
        affected: extras.affected,
        policy,
        reminders,
        file_text,
        plan: extras.plan,
        keys: engine.api_keys(company_id).await?,
        new_secret: extras.new_secret,
        urls,
        retell_set,
        vapi_set,
        webhooks: engine.webhooks(company_id).await?,
        new_webhook_secret: extras.new_webhook_secret,
        feeds: engine.list_feeds(&desk.company.slug).await?,
        new_feed_url: extras.new_feed_url,
        staff,
        operators: engine.operators(company_id).await?,
    })
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /console/settings`
pub async fn show(State(state): State<AppState>, desk: Desk, Query(q): Query<Done>) -> Response {
    let extras = Extras {
        done: q.done,
        ..Default::default()
    };
    page(&state, &desk, extras, StatusCode::OK).await
}

/// The page again with the engine's refusal above it (422).
async fn refused(state: &AppState, desk: &Desk, e: EngineError, mut extras: Extras) -> Response {
    match refusal(desk, state, e).await {
        Ok(message) => {
            extras.error = Some(message);
            page(state, desk, extras, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(response) => response,
    }
}

/// Checks the form's CSRF token and the operator's role.
fn guard(desk: &Desk, csrf: &str) -> Option<Response> {
    desk.owner_refusal().or_else(|| desk.csrf_refusal(csrf))
}

#[derive(Deserialize)]
pub struct ClosureForm {
    #[serde(default)]
    csrf: String,
    branch_id: Option<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
    confirm: Option<String>,
}

/// `POST /console/settings/closures`: closes a branch for a day; when confirmed bookings fall
/// on it, lists them and asks again.
pub async fn close_day(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<ClosureForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let (Some(branch_id), Ok(date)) = (chosen(&form.branch_id), form.date.parse::<Date>()) else {
        let e = EngineError::InvalidInput {
            field: "date",
            message: "a branch and a date are needed".into(),
        };
        return refused(&state, &desk, e, Extras::default()).await;
    };
    let edit = SettingsEdit::CloseDay {
        branch_id,
        date,
        note: Some(form.reason.clone()),
    };
    if form.confirm.as_deref() != Some("yes") {
        match state
            .engine
            .plan_settings(desk.company_id(), edit.clone())
            .await
        {
            Ok(plan) if !plan.bookings_outside.is_empty() => {
                let extras = Extras {
                    affected: Some(Affected {
                        branch_id,
                        date,
                        reason: form.reason,
                        bookings: plan.bookings_outside,
                    }),
                    ..Default::default()
                };
                return page(&state, &desk, extras, StatusCode::OK).await;
            }
            Ok(_) => {}
            Err(e) => return refused(&state, &desk, e, Extras::default()).await,
        }
    }
    match state.engine.save_settings(desk.company_id(), edit).await {
        Ok(_) => done("/console/settings", "closed"),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    csrf: String,
    branch_id: Option<String>,
    #[serde(default)]
    date: String,
}

/// `POST /console/settings/closures/remove`
pub async fn reopen_day(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<ReopenForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let (Some(branch_id), Ok(date)) = (chosen(&form.branch_id), form.date.parse::<Date>()) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "a branch and a date are needed",
        )
            .into_response();
    };
    let edit = SettingsEdit::ReopenDay { branch_id, date };
    match state.engine.save_settings(desk.company_id(), edit).await {
        Ok(_) => done("/console/settings", "reopened"),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    min_notice_minutes: String,
    #[serde(default)]
    booking_window_days: String,
    #[serde(default)]
    max_active_bookings_per_member: String,
    #[serde(default)]
    free_cancellation_hours: String,
    #[serde(default)]
    reminders: String,
    #[serde(default)]
    waitlist_hold_minutes: String,
    allow_unknown_callers: Option<String>,
}

impl PolicyForm {
    fn policy(&self) -> Result<BookingPolicy, EngineError> {
        let number = |field: &'static str, text: &str| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| EngineError::InvalidInput {
                    field,
                    message: "a whole number is needed".into(),
                })
        };
        let quota = self.max_active_bookings_per_member.trim();
        let mut reminders = Vec::new();
        for part in self
            .reminders
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            reminders.push(part.parse::<ReminderOffset>().map_err(|e| {
                EngineError::InvalidInput {
                    field: "reminders",
                    message: e.to_string(),
                }
            })?);
        }
        Ok(BookingPolicy {
            min_notice_minutes: number("min_notice_minutes", &self.min_notice_minutes)?,
            booking_window_days: number("booking_window_days", &self.booking_window_days)?,
            max_active_bookings_per_member: if quota.is_empty() {
                None
            } else {
                Some(number("max_active_bookings_per_member", quota)?)
            },
            free_cancellation_hours: number(
                "free_cancellation_hours",
                &self.free_cancellation_hours,
            )?,
            allow_unknown_callers: self.allow_unknown_callers.as_deref() == Some("yes"),
            reminders,
            waitlist_hold_minutes: number("waitlist_hold_minutes", &self.waitlist_hold_minutes)?,
        })
    }
}

/// `POST /console/settings/policy`
pub async fn policy(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<PolicyForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let saved = match form.policy() {
        Ok(policy) => {
            state
                .engine
                .save_settings(desk.company_id(), SettingsEdit::Policy(policy))
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => done("/console/settings", "saved"),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct FileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    action: String,
}

/// `POST /console/settings/file`: `action=check` shows what saving would change (bookings
/// left outside the new schedule included); `action=save` saves it.
pub async fn file(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<FileForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let keep = || Extras {
        file_text: Some(form.file.clone()),
        ..Default::default()
    };
    let edit = match state.engine.parse_settings_file(&form.file) {
        Ok(file) => SettingsEdit::File(Box::new(file)),
        Err(e) => return refused(&state, &desk, e, keep()).await,
    };
    if form.action == "save" {
        return match state.engine.save_settings(desk.company_id(), edit).await {
            Ok(_) => done("/console/settings", "saved"),
            Err(e) => refused(&state, &desk, e, keep()).await,
        };
    }
    match state.engine.plan_settings(desk.company_id(), edit).await {
        Ok(plan) => {
            let extras = Extras {
                plan: Some(PlanView::of(&plan)),
                ..keep()
            };
            page(&state, &desk, extras, StatusCode::OK).await
        }
        Err(e) => refused(&state, &desk, e, keep()).await,
    }
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

/// `POST /console/settings/keys`: the new key's secret is on the answer, once.
pub async fn create_key(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<KeyForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let kind = match form.kind.as_str() {
        "gateway" => ApiKeyKind::Gateway,
        _ => ApiKeyKind::Mcp,
    };
    match state
        .engine
        .desk_create_key(desk.company_id(), kind, &form.name)
        .await
    {
        Ok(minted) => {
            let extras = Extras {
                new_secret: Some(minted.secret),
                ..Default::default()
            };
            page(&state, &desk, extras, StatusCode::OK).await
        }
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /console/settings/keys/{id}/revoke`: the key and the caller sessions it opened end,
/// on every instance.
pub async fn revoke_key(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    match state.engine.desk_revoke_key(desk.company_id(), id).await {
        Ok(revoked) => {
            if let Some(revocations) = &state.cluster.revocations
                && let Err(e) = revocations.publish_all(&revoked.ended_sessions).await
            {
                tracing::warn!(error = %e, "revoked sessions not announced; other instances stop trusting their copies within 2 s");
            }
            done("/console/settings", "key-revoked")
        }
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct OperatorForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// `POST /console/settings/operators`
pub async fn add_operator(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<OperatorForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let role = match form.role.as_str() {
        "owner" => OperatorRole::Owner,
        _ => OperatorRole::Staff,
    };
    match state
        .engine
        .create_operator(desk.company_id(), &form.email, role, &form.password)
        .await
    {
        Ok(_) => done("/console/settings", "operator-added"),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

/// `POST /console/settings/operators/{id}/disable` and `…/enable`: an owner cannot disable
/// themselves (the company would risk having no owner left to undo it).
pub async fn set_operator(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let disable = match action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return super::plain_page(&desk.words, "error-not-found"),
    };
    match state
        .engine
        .desk_set_operator_disabled(desk.company_id(), desk.session.operator.id, id, disable)
        .await
    {
        Ok(_) => done(
            "/console/settings",
            if disable {
                "operator-disabled"
            } else {
                "operator-enabled"
            },
        ),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: String,
}

/// `POST /console/settings/webhooks`: the endpoint's signing secret is on the answer, once.
pub async fn add_webhook(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<WebhookForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    match state
        .engine
        .desk_add_webhook(desk.company_id(), &form.url, &form.events)
        .await
    {
        Ok(added) => {
            let extras = Extras {
                new_webhook_secret: Some(added.secret),
                ..Default::default()
            };
            page(&state, &desk, extras, StatusCode::OK).await
        }
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

/// `POST /console/settings/webhooks/{id}/remove`
pub async fn remove_webhook(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    match state
        .engine
        .desk_remove_webhook(desk.company_id(), id)
        .await
    {
        Ok(()) => done("/console/settings", "saved"),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

#[derive(Deserialize)]
pub struct FeedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    of: String,
}

/// `POST /console/settings/feeds` (`of=branch-ID` or `staff-ID`): the feed's URL is on the
/// answer, once.
pub async fn create_feed(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<FeedForm>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    let of = match form.of.split_once('-') {
        Some(("branch", id)) => id.parse().ok().map(FeedOf::Branch),
        Some(("staff", id)) => id.parse().ok().map(FeedOf::Staff),
        _ => None,
    };
    let Some(of) = of else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose a branch or a staff member",
        )
            .into_response();
    };
    match state.engine.desk_create_feed(desk.company_id(), of).await {
        Ok(created) => {
            let base = state.settings.public_url.trim_end_matches('/');
            let extras = Extras {
                new_feed_url: Some(format!("{base}/ical/{}.ics", created.token)),
                ..Default::default()
            };
            page(&state, &desk, extras, StatusCode::OK).await
        }
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}

/// `POST /console/settings/feeds/{id}/revoke`
pub async fn revoke_feed(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(refused) = guard(&desk, &form.csrf) {
        return refused;
    }
    match state.engine.desk_revoke_feed(desk.company_id(), id).await {
        Ok(()) => done("/console/settings", "saved"),
        Err(e) => refused(&state, &desk, e, Extras::default()).await,
    }
}
