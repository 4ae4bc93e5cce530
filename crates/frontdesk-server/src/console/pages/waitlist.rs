//! `/console/waitlist`: who waits for which places, in line order, and the places held.

use super::{Chrome, or_page, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use frontdesk_engine::waitlist::WaitlistView;

#[derive(Template)]
#[template(path = "console/waitlist.html")]
struct WaitlistPage {
    c: Chrome,
    entries: Vec<WaitlistView>,
}

/// `GET /console/waitlist`
pub async fn list(State(state): State<AppState>, desk: Desk) -> Response {
    let entries = state.engine.company_waitlist(desk.company_id()).await;
    match or_page(&desk, &state, entries).await {
        Ok(entries) => render(&WaitlistPage {
            c: Chrome::new(&desk, "waitlist"),
            entries,
        }),
        Err(response) => response,
    }
}
