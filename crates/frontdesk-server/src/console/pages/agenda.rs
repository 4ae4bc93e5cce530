//! `/console` (today) and `/console/agenda` (a day or a week, by branch and staff member),
//! and `POST /console/bookings` (the desk books for a customer).

use super::{Chrome, done, refusal, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use frontdesk_engine::desk::{Agenda, AgendaQuery, DeskBookRequest};
use jiff::civil::Date;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/agenda.html")]
struct AgendaPage {
    c: Chrome,
    title: String,
    /// The form's own address (today's page or the agenda).
    path: &'static str,
    agenda: Agenda,
    week: bool,
    branch: Option<i64>,
    staff: Option<i64>,
    prev: String,
    next: String,
}

#[derive(Deserialize, Default)]
pub struct AgendaParams {
    date: Option<String>,
    view: Option<String>,
    branch: Option<String>,
    staff: Option<String>,
    done: Option<String>,
}

/// An id from a form's select (empty: none).
pub fn chosen(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.trim().parse().ok())
}

/// `GET /console`
pub async fn today(
    State(state): State<AppState>,
    desk: Desk,
    Query(params): Query<AgendaParams>,
) -> Response {
    page(&state, desk, params, "today", None).await
}

/// `GET /console/agenda`
pub async fn agenda(
    State(state): State<AppState>,
    desk: Desk,
    Query(params): Query<AgendaParams>,
) -> Response {
    page(&state, desk, params, "agenda", None).await
}

async fn page(
    state: &AppState,
    desk: Desk,
    params: AgendaParams,
    section: &'static str,
    error: Option<String>,
) -> Response {
    let mut chrome = Chrome::new(&desk, section).with_done(params.done.as_deref());
    chrome.error = error;
    let week = params.view.as_deref() == Some("week");
    let from = match params.date.as_deref().filter(|d| !d.is_empty()) {
        Some(text) => match text.parse::<Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                chrome.error = Some(chrome.w.t("error-date"));
                None
            }
        },
        None => None,
    };
    let (branch, staff) = (chosen(&params.branch), chosen(&params.staff));
    let query = AgendaQuery {
        from,
        days: if week { 7 } else { 1 },
        branch_id: branch,
        staff_id: staff,
    };
    let agenda = match state.engine.agenda(desk.company_id(), &query).await {
        Ok(agenda) => agenda,
        Err(e) => {
            return match refusal(&desk, state, e).await {
                Ok(message) => super::fault(message),
                Err(response) => response,
            };
        }
    };
    let step = if week { 7 } else { 1 };
    let link = |days: i64| {
        let date = agenda
            .from
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(agenda.from);
        let mut url = format!(
            "/console/agenda?date={date}&view={}",
            if week { "week" } else { "day" }
        );
        if let Some(b) = branch {
            url.push_str(&format!("&branch={b}"));
        }
        if let Some(s) = staff {
            url.push_str(&format!("&staff={s}"));
        }
        url
    };
    let (prev, next) = (link(-step), link(step));
    let title = if section == "today" && agenda.from == agenda.today {
        chrome
            .w
            .t1("today-title", "date", chrome.w.date(&agenda.from))
    } else {
        chrome.w.t("nav-agenda")
    };
    render(&AgendaPage {
        c: chrome,
        title,
        path: if section == "today" {
            "/console"
        } else {
            "/console/agenda"
        },
        agenda,
        week,
        branch,
        staff,
        prev,
        next,
    })
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    customer_name: Option<String>,
    service_id: Option<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    staff_id: Option<String>,
}

/// `POST /console/bookings`: the new booking's page, or today's page with the refusal.
pub async fn book(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<BookForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    let parsed = (
        form.date.parse::<Date>(),
        frontdesk_domain::parse_time(&form.time),
        chosen(&form.service_id),
    );
    let outcome = match parsed {
        (Ok(date), Ok(time), Some(service_id)) => {
            state
                .engine
                .desk_book(
                    desk.company_id(),
                    DeskBookRequest {
                        phone: form.phone.clone(),
                        customer_name: form.customer_name.clone(),
                        member_id: None,
                        service_id,
                        date,
                        time,
                        staff_id: chosen(&form.staff_id),
                        notes: None,
                    },
                )
                .await
        }
        _ => Err(frontdesk_engine::EngineError::InvalidInput {
            field: "date",
            message: "a date, a time and a service are needed".into(),
        }),
    };
    match outcome {
        Ok(booked) => done(
            &format!("/console/bookings/{}", booked.booking.id),
            "booked",
        ),
        Err(e) => {
            let message = match refusal(&desk, &state, e).await {
                Ok(message) => message,
                Err(response) => return response,
            };
            let params = AgendaParams {
                date: Some(form.date.clone()).filter(|d| d.parse::<Date>().is_ok()),
                ..Default::default()
            };
            // The refusal is shown above the agenda of the day asked for.
            let mut response = page(&state, desk, params, "agenda", Some(message)).await;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
    }
}
