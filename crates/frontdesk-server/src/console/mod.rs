//! The operator console: the business runs its front desk in a browser at `/console`.
//!
//! Server-rendered HTML (askama templates under `templates/console/`, checked at compile
//! time), one stylesheet and htmx (vendored, `assets/`), words from
//! `locales/<tag>/frontdesk-console.ftl`. Every page works without JavaScript; htmx only
//! swaps the page body instead of reloading. A thin adapter like the others: each action is
//! one engine call, so every booking rule holds as on the phone.

pub mod assets;
pub mod pages;
pub mod session;
pub mod words;

use crate::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

/// Scripts and styles only from this server, no inline code, no framing, forms only to us.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(pages::agenda::today))
        .route("/console/", get(pages::agenda::today))
        .route("/console/agenda", get(pages::agenda::agenda))
        .route("/console/bookings", post(pages::agenda::book))
        .route("/console/bookings/{id}", get(pages::booking::show))
        .route(
            "/console/bookings/{id}/move",
            post(pages::booking::move_booking),
        )
        .route(
            "/console/bookings/{id}/cancel",
            post(pages::booking::cancel),
        )
        .route("/console/calls", get(pages::calls::list))
        .route("/console/calls/{id}", get(pages::calls::show))
        .route("/console/customers", get(pages::customers::list))
        .route(
            "/console/customers/{id}",
            get(pages::customers::show).post(pages::customers::update),
        )
        .route(
            "/console/customers/{id}/members",
            post(pages::customers::save_member),
        )
        .route("/console/waitlist", get(pages::waitlist::list))
        .route("/console/messages", get(pages::messages::list))
        .route("/console/messages/{id}/retry", post(pages::messages::retry))
        .route("/console/account", get(pages::account::show))
        .route(
            "/console/account/language",
            post(pages::account::set_language),
        )
        .route("/console/settings", get(pages::settings::show))
        .route(
            "/console/settings/closures",
            post(pages::settings::close_day),
        )
        .route(
            "/console/settings/closures/remove",
            post(pages::settings::reopen_day),
        )
        .route("/console/settings/policy", post(pages::settings::policy))
        .route("/console/settings/file", post(pages::settings::file))
        .route("/console/settings/keys", post(pages::settings::create_key))
        .route(
            "/console/settings/keys/{id}/revoke",
            post(pages::settings::revoke_key),
        )
        .route(
            "/console/settings/webhooks",
            post(pages::settings::add_webhook),
        )
        .route(
            "/console/settings/webhooks/{id}/remove",
            post(pages::settings::remove_webhook),
        )
        .route(
            "/console/settings/feeds",
            post(pages::settings::create_feed),
        )
        .route(
            "/console/settings/feeds/{id}/revoke",
            post(pages::settings::revoke_feed),
        )
        .route(
            "/console/settings/operators",
            post(pages::settings::add_operator),
        )
        .route(
            "/console/settings/operators/{id}/{action}",
            post(pages::settings::set_operator),
        )
        .route(
            "/console/login",
            get(pages::login::show).post(pages::login::submit),
        )
        .route("/console/logout", post(pages::login::logout))
        .route("/console/assets/{name}", get(assets::get))
        .layer(middleware::from_fn(security_headers))
}

/// The headers every console answer carries.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages show customers' data: never kept by a shared cache or the back button.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
