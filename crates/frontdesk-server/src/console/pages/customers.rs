//! `/console/customers`: find a customer by name or number; their family, bookings and
//! waitlist; correct their name and e-mail.

use super::{Chrome, done, or_page, refusal, render};
use crate::console::session::Desk;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use frontdesk_engine::desk::CustomerDossier;
use frontdesk_store::Customer;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/customers.html")]
struct CustomersPage {
    c: Chrome,
    q: String,
    customers: Vec<Customer>,
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

/// `GET /console/customers?q=`
pub async fn list(
    State(state): State<AppState>,
    desk: Desk,
    Query(params): Query<SearchParams>,
) -> Response {
    let found = state
        .engine
        .find_customers(desk.company_id(), &params.q)
        .await;
    match or_page(&desk, &state, found).await {
        Ok(customers) => render(&CustomersPage {
            c: Chrome::new(&desk, "customers"),
            q: params.q,
            customers,
        }),
        Err(response) => response,
    }
}

#[derive(Template)]
#[template(path = "console/customer.html")]
struct CustomerPage {
    c: Chrome,
    d: CustomerDossier,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /console/customers/{id}`
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
    let dossier = state.engine.customer_dossier(desk.company_id(), id).await;
    match or_page(&desk, state, dossier).await {
        Ok(d) => {
            let mut c = Chrome::new(&desk, "customers").with_done(done);
            c.error = error;
            render(&CustomerPage { c, d })
        }
        Err(response) => response,
    }
}

#[derive(Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

/// `POST /console/customers/{id}`
pub async fn update(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<CustomerForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    match state
        .engine
        .update_customer(desk.company_id(), id, &form.name, &form.email)
        .await
    {
        Ok(_) => done(&format!("/console/customers/{id}"), "saved"),
        Err(e) => {
            let message = match refusal(&desk, &state, e).await {
                Ok(message) => message,
                Err(response) => return response,
            };
            let mut response = page(&state, desk, id, None, Some(message)).await;
            if response.status() == StatusCode::OK {
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            response
        }
    }
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    csrf: String,
    member_id: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    relationship: String,
}

/// `POST /console/customers/{id}/members`: adds a member, or renames one (`member_id`).
pub async fn save_member(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    let member_id = super::agenda::chosen(&form.member_id);
    match state
        .engine
        .desk_save_member(
            desk.company_id(),
            id,
            member_id,
            &form.name,
            &form.relationship,
        )
        .await
    {
        Ok(_) => done(&format!("/console/customers/{id}"), "saved"),
        Err(e) => {
            let message = match refusal(&desk, &state, e).await {
                Ok(message) => message,
                Err(response) => return response,
            };
            let mut response = page(&state, desk, id, None, Some(message)).await;
            if response.status() == StatusCode::OK {
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            response
        }
    }
}
