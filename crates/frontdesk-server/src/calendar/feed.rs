//! `GET /ical/{token}.ics`: the feed behind a secret token.
//!
//! The token is the credential (calendar applications cannot send headers), so a refused
//! token counts against the client address's allowance of failed authentications like a
//! refused API key: guessing tokens gets 429 long before it could find one. The answer
//! carries a strong ETag (the hash of the body) and `Cache-Control: private, max-age=300`,
//! and `If-None-Match` with that tag gets `304` without a body, so polling is cheap.

use crate::auth::ClientIp;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The media type of the body.
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";
/// Calendar clients poll; five minutes matches the feed's own `REFRESH-INTERVAL`.
pub const CACHE_CONTROL: &str = "private, max-age=300";

/// A subscribable iCalendar feed
#[utoipa::path(
    get,
    path = "/ical/{feed}",
    operation_id = "getCalendarFeed",
    tag = "calendar",
    summary = "A branch's or staff member's bookings as an iCalendar feed",
    description = "The URL `frontdesk ical create` prints: `/ical/{token}.ics`. RFC 5545 text: \
        one `VEVENT` per booking from 30 days ago to the end of the company's booking window \
        (stable `UID` `booking-{id}@{company}.frontdesk`, `SEQUENCE` raised by every reschedule \
        and the cancellation, `DTSTART`/`DTEND` in the branch's local time with `TZID` and its \
        `VTIMEZONE`), cancellations of the last 30 days as `STATUS:CANCELLED`. The summary is \
        the service and the member's name, the description the confirmation code; no phone \
        number or other caller data.",
    params(
        ("feed" = String, Path, description = "The feed's secret token followed by `.ics` \
            (`fd_ical_….ics`)"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag this feed answered \
            with: `304` when the feed has not changed since"),
    ),
    responses(
        (status = 200, description = "The feed",
            content_type = "text/calendar",
            body = String,
            headers(
                ("ETag" = String, description = "Strong tag of this body"),
                ("Cache-Control" = String, description = "`private, max-age=300`"),
            )),
        (status = 304, description = "Not modified since the ETag in `If-None-Match`",
            headers(
                ("ETag" = String, description = "Strong tag of the unchanged body"),
                ("Cache-Control" = String, description = "`private, max-age=300`"),
            )),
        (status = 404, description = "`NOT_FOUND`: no such feed (unknown or revoked token, or not `….ics`)",
            body = crate::openapi::ErrorBody),
        (status = 429, description = "`RATE_LIMITED`: too many refused tokens or API keys from this address",
            body = crate::openapi::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
        (status = 500, description = "`INTERNAL_ERROR`: a fault", body = crate::openapi::ErrorBody),
        (status = 503, description = "`TEMPORARILY_UNAVAILABLE`: the database cannot be reached",
            body = crate::openapi::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))),
    ),
)]
#[tracing::instrument(skip_all)]
pub async fn get(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(feed): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let rendered = match feed.strip_suffix(".ics") {
        Some(token) => state.engine.render_feed(token).await?,
        None => None,
    };
    let Some(rendered) = rendered else {
        state.limits.check_failed_auth(ip).await?;
        return Err(not_found());
    };
    let etag = HeaderValue::from_str(&rendered.etag)
        .map_err(|_| ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    let cache = HeaderValue::from_static(CACHE_CONTROL);
    if matches(&headers, &rendered.etag) {
        tracing::debug!(feed_id = rendered.feed_id, "calendar feed not modified");
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    tracing::debug!(
        feed_id = rendered.feed_id,
        events = rendered.events,
        "calendar feed served"
    );
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        rendered.body,
    )
        .into_response())
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "no such calendar feed")
}

/// Whether `If-None-Match` names `etag` (or is `*`). RFC 9110 compares weakly here: a
/// `W/` prefix is ignored.
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn if_none_match_finds_the_tag_in_a_list_weak_or_strong() {
        let etag = "\"abc\"";
        assert!(matches(&with("\"abc\""), etag));
        assert!(matches(&with("\"x\", W/\"abc\""), etag));
        assert!(matches(&with("*"), etag));
        assert!(!matches(&with("\"abd\""), etag));
        assert!(!matches(&HeaderMap::new(), etag));
    }
}
