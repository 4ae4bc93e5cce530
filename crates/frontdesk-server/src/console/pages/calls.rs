//! `/console/calls` and `/console/calls/{id}`: every voice call, what the agent did in it.

use super::{Chrome, or_page, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use frontdesk_engine::desk::CallDossier;
use frontdesk_store::CallSummary;
use serde::Deserialize;

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "console/calls.html")]
struct CallsPage {
    c: Chrome,
    calls: Vec<CallSummary>,
    /// The next page's `before`, when this one is full.
    older: Option<String>,
}

#[derive(Deserialize)]
pub struct CallsParams {
    before: Option<String>,
}

/// `GET /console/calls`
pub async fn list(
    State(state): State<AppState>,
    desk: Desk,
    Query(params): Query<CallsParams>,
) -> Response {
    let before = params.before.as_deref().and_then(|b| b.parse().ok());
    let calls = match or_page(
        &desk,
        &state,
        state.engine.calls(desk.company_id(), before, PAGE).await,
    )
    .await
    {
        Ok(calls) => calls,
        Err(response) => return response,
    };
    let older = (calls.len() as i64 == PAGE)
        .then(|| calls.last().map(|s| s.call.created_at.to_string()))
        .flatten();
    render(&CallsPage {
        c: Chrome::new(&desk, "calls"),
        calls,
        older,
    })
}

#[derive(Template)]
#[template(path = "console/call.html")]
struct CallPage {
    c: Chrome,
    d: CallDossier,
}

/// `GET /console/calls/{id}`
pub async fn show(State(state): State<AppState>, desk: Desk, Path(id): Path<i64>) -> Response {
    match or_page(
        &desk,
        &state,
        state.engine.call_dossier(desk.company_id(), id).await,
    )
    .await
    {
        Ok(d) => render(&CallPage {
            c: Chrome::new(&desk, "calls"),
            d,
        }),
        Err(response) => response,
    }
}
