//! Calendar feeds: a branch's or a staff member's bookings as a subscribable iCalendar URL,
//! `{public_url}/ical/{token}.ics`.
//!
//! The token is minted once, shown once and stored as its SHA-256 (like API keys, see
//! [`crate::keys`]): anyone holding the URL reads the feed, so it carries over 230 random
//! bits and is revocable. A feed shows the bookings from [`PAST_DAYS`] ago to the end of the
//! company's booking window, and cancellations of the last [`CANCELLED_KEPT_DAYS`] as
//! `STATUS:CANCELLED` (a calendar that already holds the event then shows it cancelled rather
//! than keeping a stale copy).

use super::{event_of, ics, zone_name};
use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::keys::{hash_secret, random_token};
use crate::text::same;
use frontdesk_domain::CalendarFeedId;
use frontdesk_store::{CalendarFeed, FeedBookingsQuery, FeedSubject, NewCalendarFeed};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

/// How far back a feed shows bookings.
pub const PAST_DAYS: i64 = 30;
/// How long a cancelled booking stays in a feed (as cancelled) after its cancellation.
pub const CANCELLED_KEPT_DAYS: i64 = 30;
/// Most bookings in one feed: far more than a branch has in its window, a bound on the work
/// one request can cause.
pub const MAX_EVENTS: i64 = 5000;
/// Every feed token starts with this, so one found in a log is recognised.
pub const TOKEN_PREFIX: &str = "fd_ical_";

/// Whose bookings a new feed shows, by the name the business gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedTarget<'a> {
    Branch(&'a str),
    Staff(&'a str),
}

/// A feed as `ical list` shows it: whose it is, by name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeedView {
    pub feed: CalendarFeed,
    /// The branch's or staff member's name.
    pub subject_name: String,
}

/// A new feed and its token: the only time the token is seen.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CreatedFeed {
    pub feed: FeedView,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RevokedFeed {
    pub feed: CalendarFeed,
    /// It had been revoked before (nothing changed).
    pub already_revoked: bool,
}

/// A feed's iCalendar text, and its strong ETag (the quoted hash of the text).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedFeed {
    pub feed_id: CalendarFeedId,
    pub body: String,
    pub etag: String,
    pub events: usize,
}

fn names<'a>(all: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = all.collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n * 24)
}

impl Engine {
    /// Mints a feed of the company's branch or staff member (found by name, case and accents
    /// aside).
    pub async fn create_feed(
        &self,
        company_slug: &str,
        target: FeedTarget<'_>,
    ) -> EngineResult<CreatedFeed> {
        let company = self.company_by_slug(company_slug).await?;
        let catalog = self.catalog(company.id).await?;
        let (subject, subject_name) = match target {
            FeedTarget::Branch(name) => {
                let branch = catalog
                    .branches
                    .iter()
                    .find(|b| same(&b.name, name))
                    .ok_or_else(|| {
                        EngineError::choose(
                            "branch",
                            format!(
                                "{} has no branch called {name:?}; branches are: {}",
                                company.slug,
                                names(catalog.branches.iter().map(|b| b.name.as_str()))
                            ),
                            catalog.branches.iter().map(|b| b.name.as_str()),
                        )
                    })?;
                (FeedSubject::Branch(branch.id), branch.name.clone())
            }
            FeedTarget::Staff(name) => {
                let staff = catalog
                    .staff
                    .iter()
                    .find(|s| same(&s.name, name))
                    .ok_or_else(|| {
                        EngineError::choose(
                            "staff",
                            format!(
                                "{} has no staff member called {name:?}; staff are: {}",
                                company.slug,
                                names(catalog.staff.iter().map(|s| s.name.as_str()))
                            ),
                            catalog.staff.iter().map(|s| s.name.as_str()),
                        )
                    })?;
                (FeedSubject::Staff(staff.id), staff.name.clone())
            }
        };
        // 40 alphanumerics ≈ 238 bits.
        let token = format!("{TOKEN_PREFIX}{}", random_token(40));
        let feed = self
            .store
            .create_calendar_feed(NewCalendarFeed {
                company_id: company.id,
                subject,
                token_hash: hash_secret(&token),
                now: self.now(),
            })
            .await?;
        Ok(CreatedFeed {
            feed: FeedView { feed, subject_name },
            token,
        })
    }

    /// The company's feeds, revoked ones too, oldest first.
    pub async fn list_feeds(&self, company_slug: &str) -> EngineResult<Vec<FeedView>> {
        let company = self.company_by_slug(company_slug).await?;
        let catalog = self.catalog(company.id).await?;
        let feeds = self.store.list_calendar_feeds(company.id).await?;
        Ok(feeds
            .into_iter()
            .map(|feed| {
                let subject_name = match feed.subject {
                    FeedSubject::Branch(id) => catalog.branch(id).map(|b| b.name.clone()),
                    FeedSubject::Staff(id) => catalog.staff_name(id).map(str::to_string),
                }
                .unwrap_or_else(|| "?".into());
                FeedView { feed, subject_name }
            })
            .collect())
    }

    /// Revokes a feed: its URL answers 404 from now on. Revoking twice changes nothing.
    pub async fn revoke_feed(&self, id: CalendarFeedId) -> EngineResult<RevokedFeed> {
        let before = self
            .store
            .get_calendar_feed(id)
            .await
            .or_not_found("calendar feed")?;
        if before.revoked_at.is_some() {
            return Ok(RevokedFeed {
                feed: before,
                already_revoked: true,
            });
        }
        let feed = self
            .store
            .revoke_calendar_feed(id, self.now())
            .await
            .or_not_found("calendar feed")?;
        Ok(RevokedFeed {
            feed,
            already_revoked: false,
        })
    }

    /// The feed behind `token` as iCalendar text; `None` for a token that is unknown,
    /// revoked or malformed (the caller learns nothing about which). The token is looked up
    /// by its hash, never compared as it is.
    pub async fn render_feed(&self, token: &str) -> EngineResult<Option<RenderedFeed>> {
        let token = token.trim();
        if !token.starts_with(TOKEN_PREFIX)
            || token.len() > 200
            || !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Ok(None);
        }
        let feed = match self
            .store
            .find_calendar_feed_by_token_hash(&hash_secret(token))
            .await
        {
            Ok(feed) if feed.revoked_at.is_none() => feed,
            Ok(_) | Err(frontdesk_store::StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let catalog = self.catalog(feed.company_id).await?;
        let company = &catalog.company;
        let (subject_name, feed_zone) = match feed.subject {
            FeedSubject::Branch(id) => (
                catalog.branch(id).map(|b| b.name.clone()),
                zone_name(&catalog, id),
            ),
            FeedSubject::Staff(id) => {
                let staff = catalog.staff.iter().find(|s| s.id == id);
                let zone = staff
                    .and_then(|s| s.branch_id)
                    .map(|branch| zone_name(&catalog, branch))
                    .unwrap_or_else(|| company.time_zone.clone());
                (staff.map(|s| s.name.clone()), zone)
            }
        };
        let now = self.now();
        let before = |n: i64| now.checked_sub(days(n)).unwrap_or(Timestamp::MIN);
        let bookings = self
            .store
            .feed_bookings(&FeedBookingsQuery {
                company_id: feed.company_id,
                subject: feed.subject,
                from: before(PAST_DAYS),
                to: company.policy.latest_start(now),
                cancelled_after: before(CANCELLED_KEPT_DAYS),
                limit: MAX_EVENTS,
            })
            .await?;
        let events: Vec<_> = bookings
            .iter()
            .map(|b| event_of(&catalog, &b.booking, b.member_name.as_deref()))
            .collect();
        let name = match subject_name {
            Some(subject) => format!("{} – {subject}", company.name),
            None => company.name.clone(),
        };
        let body = ics::feed(&name, &feed_zone, &events);
        let etag = format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(body.as_bytes()))[..32]
        );
        Ok(Some(RenderedFeed {
            feed_id: feed.id,
            body,
            etag,
            events: events.len(),
        }))
    }
}
