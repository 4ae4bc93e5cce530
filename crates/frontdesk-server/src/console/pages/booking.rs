//! `/console/bookings/{id}`: a booking with its audit trail and messages; move and cancel it.

use super::agenda::chosen;
use super::{Chrome, done, refusal, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use frontdesk_domain::BookingStatus;
use frontdesk_engine::desk::{BookingDossier, NamedRef};
use jiff::civil::Date;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/booking.html")]
struct BookingPage {
    c: Chrome,
    d: BookingDossier,
    /// Whether it can still be moved or cancelled.
    active: bool,
    staff: Vec<NamedRef>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /console/bookings/{id}`
pub async fn show(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Response {
    page(&state, desk, id, q.done.as_deref(), None).await
}

async fn page(
    state: &AppState,
    desk: Desk,
    id: i64,
    done: Option<&str>,
    error: Option<String>,
) -> Response {
    let mut chrome = Chrome::new(&desk, "agenda").with_done(done);
    chrome.error = error;
    let dossier = match state.engine.booking_dossier(desk.company_id(), id).await {
        Ok(d) => d,
        Err(e) => {
            return match refusal(&desk, state, e).await {
                Ok(message) => super::fault(message),
                Err(response) => response,
            };
        }
    };
    let staff = match state.engine.agenda_staff(desk.company_id()).await {
        Ok(staff) => staff,
        Err(e) => return super::fault(e),
    };
    let b = &dossier.booking.booking;
    let active = matches!(b.status, BookingStatus::Confirmed | BookingStatus::Held)
        && b.ends_at > state.engine.now();
    render(&BookingPage {
        c: chrome,
        d: dossier,
        active,
        staff,
    })
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    staff_id: Option<String>,
}

/// `POST /console/bookings/{id}/move`
pub async fn move_booking(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    let outcome = match (
        form.date.parse::<Date>(),
        frontdesk_domain::parse_time(&form.time),
    ) {
        (Ok(date), Ok(time)) => {
            state
                .engine
                .desk_move(desk.company_id(), id, date, time, chosen(&form.staff_id))
                .await
        }
        _ => Err(frontdesk_engine::EngineError::InvalidInput {
            field: "date",
            message: "a date and a time are needed".into(),
        }),
    };
    match outcome {
        Ok(_) => done(&format!("/console/bookings/{id}"), "moved"),
        Err(e) => refused_page(&state, desk, id, e).await,
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    csrf: String,
    reason: Option<String>,
}

/// `POST /console/bookings/{id}/cancel`
pub async fn cancel(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<CancelForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    let reason = form.reason.filter(|r| !r.trim().is_empty());
    match state
        .engine
        .desk_cancel(desk.company_id(), id, reason)
        .await
    {
        Ok(_) => done(&format!("/console/bookings/{id}"), "cancelled"),
        Err(e) => refused_page(&state, desk, id, e).await,
    }
}

/// The booking's page again with the engine's refusal above it (422).
async fn refused_page(
    state: &AppState,
    desk: Desk,
    id: i64,
    e: frontdesk_engine::EngineError,
) -> Response {
    let message = match refusal(&desk, state, e).await {
        Ok(message) => message,
        Err(response) => return response,
    };
    let mut response = page(state, desk, id, None, Some(message)).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}
