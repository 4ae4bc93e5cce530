//! The console's pages: one file per page, each a handler that asks the engine once or a few
//! times and renders one template.

pub mod account;
pub mod agenda;
pub mod booking;
pub mod calls;
pub mod customers;
pub mod login;
pub mod messages;
pub mod settings;
pub mod waitlist;

use super::assets::{CONSOLE_CSS, HTMX_JS};
use super::session::Desk;
use super::words::Words;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use frontdesk_engine::{Caller, EngineError};

/// What every page around its content shows: the company, the navigation (owners see
/// settings), the operator, the logout form's CSRF token and the outcome of the last action.
pub struct Chrome {
    pub w: Words,
    pub company: String,
    pub email: String,
    pub owner: bool,
    pub csrf: String,
    pub css: &'static str,
    pub js: &'static str,
    /// The navigation entry of this page.
    pub section: &'static str,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl Chrome {
    pub fn new(desk: &Desk, section: &'static str) -> Chrome {
        Chrome {
            w: desk.words.clone(),
            company: desk.company.name.clone(),
            email: desk.session.operator.email.clone(),
            owner: desk.is_owner(),
            csrf: desk.session.csrf_token.clone(),
            css: &CONSOLE_CSS.name,
            js: &HTMX_JS.name,
            section,
            notice: None,
            error: None,
        }
    }

    /// The notice of a finished action, from the `done` query parameter of the redirect.
    pub fn with_done(mut self, done: Option<&str>) -> Chrome {
        if let Some(done) = done.filter(|d| d.chars().all(|c| c.is_ascii_lowercase() || c == '-')) {
            let id = format!("done-{done}");
            self.notice = Some(self.w.t(&id));
        }
        self
    }
}

/// A template rendered as the page, or a fault.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => fault(e),
    }
}

/// A page with only a title and a way back (not found, forbidden).
#[derive(Template)]
#[template(path = "console/plain.html")]
struct PlainPage<'a> {
    w: &'a Words,
    title: String,
    css: &'a str,
}

pub fn plain_page(words: &Words, title_id: &str) -> Response {
    render(&PlainPage {
        w: words,
        title: words.t(title_id),
        css: &CONSOLE_CSS.name,
    })
}

/// A fault (the store unreachable, a template bug): logged, and a plain 500 page.
pub fn fault(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console page failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html("<!doctype html><title>500</title><p>The console could not answer. Try again in a moment.</p>"),
    )
        .into_response()
}

/// The engine's answer to a page's request that failed: not found as a 404 page, a fault as a
/// 500, a rule's refusal as the words a caller would hear (in the business's language) with
/// its code, to show above the form.
pub async fn refusal(
    desk: &Desk,
    state: &crate::state::AppState,
    e: EngineError,
) -> Result<String, Response> {
    match &e {
        EngineError::NotFound { .. } => Err((
            StatusCode::NOT_FOUND,
            plain_page(&desk.words, "error-not-found"),
        )
            .into_response()),
        _ if !e.is_client_error() => Err(fault(e)),
        _ => {
            let anyone = Caller::anonymous(desk.company_id(), None);
            let code = e.code();
            let answer = frontdesk_conversation::explain_error(&state.engine, &anyone, e).await;
            Ok(format!("{} ({code})", answer.text))
        }
    }
}

/// The engine's answer as a page: the value, or the response to send instead (not found,
/// a fault).
pub async fn or_page<T>(
    desk: &Desk,
    state: &crate::state::AppState,
    result: Result<T, EngineError>,
) -> Result<T, Response> {
    match result {
        Ok(value) => Ok(value),
        Err(e) => Err(match refusal(desk, state, e).await {
            Ok(message) => (StatusCode::UNPROCESSABLE_ENTITY, message).into_response(),
            Err(response) => response,
        }),
    }
}

/// After a successful action: back to `to` with a notice (`done-<what>` in the words).
pub fn done(to: &str, what: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{sep}done={what}")).into_response()
}
