//! Who is at the desk: the console's cookie session, checked against the store on every
//! request (a logout, a new password or a disabled operator ends it on every instance at
//! once), its CSRF token, and the owner-only pages.

use super::words::Words;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use frontdesk_domain::OperatorRole;
use frontdesk_store::{Company, OperatorSession};
use subtle::ConstantTimeEq;

/// The session cookie: scoped to the console's paths, unreadable by scripts, never sent by
/// another site's request.
pub const SESSION_COOKIE: &str = "fd_console";
/// The login form's own CSRF cookie (there is no session yet to carry a token).
pub const LOGIN_COOKIE: &str = "fd_console_login";

/// A logged-in operator, their company and the words of their language.
pub struct Desk {
    pub session: OperatorSession,
    pub company: Company,
    pub words: Words,
}

impl Desk {
    pub fn company_id(&self) -> i64 {
        self.company.id
    }

    pub fn is_owner(&self) -> bool {
        self.session.operator.role == OperatorRole::Owner
    }

    /// The refusal of a form whose CSRF token is not this session's.
    pub fn csrf_refusal(&self, sent: &str) -> Option<Response> {
        (!same_secret(sent, &self.session.csrf_token)).then(|| forbidden(&self.words))
    }

    /// The refusal of a staff operator on an owner's page.
    pub fn owner_refusal(&self) -> Option<Response> {
        (!self.is_owner()).then(|| forbidden(&self.words))
    }
}

pub fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty() && a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn forbidden(words: &Words) -> Response {
    (
        StatusCode::FORBIDDEN,
        super::pages::plain_page(words, "error-forbidden"),
    )
        .into_response()
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` for the console's paths; `Secure` when the server is reached over https.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if state.settings.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{name}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

impl FromRequestParts<AppState> for Desk {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let to_login = || Redirect::to("/console/login").into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let session = match state.engine.operator_session(token).await {
            Ok(session) => session,
            Err(e) if e.is_client_error() => return Err(to_login()),
            Err(e) => return Err(super::pages::fault(e)),
        };
        let company = state
            .engine
            .cached_company(session.operator.company_id)
            .await
            .map_err(super::pages::fault)?;
        let tag = session
            .operator
            .language
            .clone()
            .unwrap_or_else(|| company.language.tag().to_string());
        let words = Words::new(frontdesk_locale::resolve(&tag).locale, &company.time_zone);
        Ok(Desk {
            session,
            company,
            words,
        })
    }
}
