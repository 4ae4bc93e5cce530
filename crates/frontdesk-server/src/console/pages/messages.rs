//! `/console/messages`: every SMS, e-mail and webhook delivery with its state; send a failed
//! one again.

use super::{Chrome, done, or_page, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use frontdesk_store::{MessageQuery, MessageStatus, Notification};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/messages.html")]
struct MessagesPage {
    c: Chrome,
    messages: Vec<Notification>,
    status: Option<String>,
    statuses: Vec<String>,
}

#[derive(Deserialize)]
pub struct MessagesParams {
    status: Option<String>,
    done: Option<String>,
}

/// `GET /console/messages?status=`
pub async fn list(
    State(state): State<AppState>,
    desk: Desk,
    Query(params): Query<MessagesParams>,
) -> Response {
    let status = params
        .status
        .as_deref()
        .and_then(|s| s.parse::<MessageStatus>().ok());
    let found = state
        .engine
        .list_messages(MessageQuery {
            company_id: Some(desk.company_id()),
            status,
            limit: 200,
            ..Default::default()
        })
        .await;
    match or_page(&desk, &state, found).await {
        Ok(messages) => render(&MessagesPage {
            c: Chrome::new(&desk, "messages").with_done(params.done.as_deref()),
            messages,
            status: status.map(|s| s.to_string()),
            statuses: MessageStatus::ALL.iter().map(|s| s.to_string()).collect(),
        }),
        Err(response) => response,
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /console/messages/{id}/retry`
pub async fn retry(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    let retried = state.engine.desk_retry_message(desk.company_id(), id).await;
    match or_page(&desk, &state, retried).await {
        Ok(_) => done("/console/messages", "retried"),
        Err(response) => response,
    }
}
