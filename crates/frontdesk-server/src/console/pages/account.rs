//! `/console/account`: the operator's own console language.

use super::{Chrome, done, or_page, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/account.html")]
struct AccountPage {
    c: Chrome,
    /// (tag, the language's own name).
    languages: Vec<(String, String)>,
    current: Option<String>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /console/account`
pub async fn show(desk: Desk, Query(q): Query<Done>) -> Response {
    let languages = frontdesk_locale::shipped()
        .iter()
        .map(|l| {
            (
                l.tag().to_string(),
                super::super::words::Words::new(l, "UTC").t("language-name"),
            )
        })
        .collect();
    render(&AccountPage {
        c: Chrome::new(&desk, "account").with_done(q.done.as_deref()),
        languages,
        current: desk.session.operator.language.clone(),
    })
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    language: String,
}

/// `POST /console/account/language` (empty: the business's language).
pub async fn set_language(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<LanguageForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    let tag = form.language.trim();
    let op = &desk.session.operator;
    let saved = state
        .engine
        .set_operator_language(op.company_id, op.id, (!tag.is_empty()).then_some(tag))
        .await;
    match or_page(&desk, &state, saved).await {
        Ok(_) => done("/console/account", "language"),
        Err(response) => response,
    }
}
