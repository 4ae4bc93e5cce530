//! `/console/login` and `/console/logout`.

use crate::auth::ClientIp;
use crate::console::assets::CONSOLE_CSS;
use crate::console::session::{
    Desk, LOGIN_COOKIE, SESSION_COOKIE, cookie, same_secret, set_cookie,
};
use crate::console::words::Words;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use frontdesk_engine::keys::random_token;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    w: Words,
    css: &'static str,
    csrf: String,
    email: String,
    error: Option<String>,
}

/// Before login the console speaks the server's fallback language, or the browser's first
/// language the server ships.
fn login_words(headers: &HeaderMap) -> Words {
    let wanted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    let resolved = frontdesk_locale::resolve(&wanted);
    let locale = if resolved.exact || !wanted.is_empty() {
        resolved.locale
    } else {
        frontdesk_locale::fallback()
    };
    Words::new(locale, "UTC")
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: String,
    error: Option<&str>,
) -> Response {
    let w = login_words(headers);
    let csrf = random_token(32);
    let error = error.map(|id| w.t(id));
    let page = LoginPage {
        w,
        css: &CONSOLE_CSS.name,
        csrf: csrf.clone(),
        email,
        error,
    };
    let mut response = super::render(&page);
    *response.status_mut() = status;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_COOKIE, &csrf, 3600),
    );
    response
}

/// `GET /console/login`
pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    login_page(&state, &headers, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /console/login`: a cookie session on success; the same answer for every failure.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let email = form.email.trim().chars().take(254).collect::<String>();
    let sent = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if !same_secret(&form.csrf, sent) {
        return login_page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            email,
            Some("login-expired"),
        );
    }
    if state.limits.check_login(ip).await.is_err() {
        return login_page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            email,
            Some("login-too-many"),
        );
    }
    match state
        .engine
        .operator_login(&form.email, &form.password)
        .await
    {
        Ok(Some(login)) => {
            let ttl = frontdesk_engine::operators::OPERATOR_SESSION_TTL.as_secs();
            let mut response = Redirect::to("/console").into_response();
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &login.token, ttl),
            );
            headers.append(header::SET_COOKIE, set_cookie(&state, LOGIN_COOKIE, "", 0));
            tracing::info!(operator_id = login.session.operator.id, "console login");
            response
        }
        Ok(None) => login_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            email,
            Some("login-failed"),
        ),
        Err(e) => super::fault(e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /console/logout`: the session ends on every instance at once.
pub async fn logout(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = desk.csrf_refusal(&form.csrf) {
        return refused;
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.engine.operator_logout(token).await
    {
        return super::fault(e);
    }
    let mut response = Redirect::to("/console/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", 0),
    );
    response
}
