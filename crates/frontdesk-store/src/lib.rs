//! frontdesk-store: the storage contract between the booking engine and a database.
//!
//! The [`Store`] trait, the rows it reads and writes ([`models`]) and [`StoreError`]. Each
//! backend crate (`frontdesk-store-sqlite`, `frontdesk-store-postgres`) implements it with its
//! own SQL and migrations. Rules are decided by the engine; the operations that must be
//! atomic under concurrency (taking a place in a slot, moving a booking) receive the limits
//! the engine decided and enforce them inside one transaction. This crate must not depend on
//! a database driver, the engine or any adapter.

pub mod console;
pub mod error;
pub mod feeds;
pub mod models;
pub mod outbox;
pub mod waitlist;

pub use console::*;
pub use error::{OptionalExt, StoreError, StoreResult};
pub use feeds::*;
pub use models::*;
pub use outbox::*;
pub use waitlist::*;

use async_trait::async_trait;
use frontdesk_domain::*;
use jiff::Timestamp;
use std::sync::Arc;

/// A shared handle to whichever backend the binary chose at start-up.
pub type DynStore = Arc<dyn Store>;

/// A connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// Connections open (idle or in use).
    pub open: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A cheap round trip that fails when the database is unreachable (`/readyz`).
    async fn ping(&self) -> StoreResult<()>;

    /// How the backend's connection pool is used right now, for `/metrics`; `None` for a
    /// backend without a pool worth watching.
    fn pool_usage(&self) -> Option<PoolUsage> {
        None
    }

    /// Brings the query planner's statistics of the catalogue and the people (the tables an
    /// import writes) up to date, for a backend whose plans depend on them. `SQLite`'s hot
    /// queries are written not to.
    async fn refresh_statistics(&self) -> StoreResult<()> {
        Ok(())
    }

    // ---- companies -------------------------------------------------------------------
    /// Creates the company with `new.slug`, or updates its fields when it exists.
    async fn upsert_company(&self, new: NewCompany) -> StoreResult<Company>;
    async fn get_company(&self, id: CompanyId) -> StoreResult<Company>;
    async fn get_company_by_slug(&self, slug: &str) -> StoreResult<Company>;
    async fn list_companies(&self) -> StoreResult<Vec<Company>>;

    // ---- branches, services, staff ---------------------------------------------------
    /// Keyed by (company, name). Replaces the branch's inbound phone numbers.
    async fn upsert_branch(&self, new: NewBranch) -> StoreResult<Branch>;
    async fn list_branches(&self, company_id: CompanyId) -> StoreResult<Vec<Branch>>;
    async fn get_branch(&self, company_id: CompanyId, id: BranchId) -> StoreResult<Branch>;
    /// The branch whose inbound numbers include `phone` (E.164), in any company.
    async fn find_branch_by_phone(&self, phone: &str) -> StoreResult<Branch>;

    /// Keyed by (company, name).
    async fn upsert_staff(&self, new: NewStaff) -> StoreResult<Staff>;
    async fn list_staff(&self, company_id: CompanyId) -> StoreResult<Vec<Staff>>;

    /// Keyed by (company, code). Replaces the service's staff links.
    async fn upsert_service(&self, new: NewService) -> StoreResult<Service>;
    async fn list_services(&self, company_id: CompanyId) -> StoreResult<Vec<Service>>;
    async fn get_service(&self, company_id: CompanyId, id: ServiceId) -> StoreResult<Service>;
    /// In one transaction, retires these branches, staff and services of the company (ids of
    /// another company are ignored): marks them retired, makes staff and services inactive and
    /// releases the branches' inbound numbers. Their bookings are untouched. An upsert of the
    /// same key brings an entry back.
    async fn retire_catalog(
        &self,
        company_id: CompanyId,
        retire: &CatalogRetirement,
        now: Timestamp,
    ) -> StoreResult<()>;

    // ---- customers and members -------------------------------------------------------
    /// Keyed by (company, phone).
    async fn upsert_customer(&self, new: NewCustomer) -> StoreResult<Customer>;
    async fn get_customer(&self, company_id: CompanyId, id: CustomerId) -> StoreResult<Customer>;
    async fn find_customer_by_phone(
        &self,
        company_id: CompanyId,
        phone: &str,
    ) -> StoreResult<Customer>;

    /// With `new.id`: creates the member with that id or updates it (`Conflict` when the id
    /// belongs to another company). Without: keyed by (customer, name).
    async fn upsert_member(&self, new: NewMember) -> StoreResult<Member>;
    async fn get_member(&self, company_id: CompanyId, id: MemberId) -> StoreResult<Member>;
    async fn list_members(
        &self,
        company_id: CompanyId,
        customer_id: CustomerId,
    ) -> StoreResult<Vec<Member>>;
    /// `NotFound` when the member has no preferences yet.
    async fn get_member_preferences(&self, member_id: MemberId) -> StoreResult<MemberPreferences>;
    async fn set_member_preferences(
        &self,
        member_id: MemberId,
        preferences: &MemberPreferences,
        now: Timestamp,
    ) -> StoreResult<()>;

    // ---- bookings --------------------------------------------------------------------
    /// In one transaction: returns the booking already made with `new.idempotency_key` if
    /// any (`Replayed`); otherwise checks every limit in `limits` against the confirmed
    /// bookings and inserts the booking with a fresh voucher code (`Created`), or refuses.
    /// Concurrent calls for the same slot, staff member or member are serialised.
    async fn create_booking(
        &self,
        new: NewBooking,
        limits: BookingLimits,
    ) -> StoreResult<BookingOutcome>;
    /// In one transaction: checks the new slot (not counting the booking itself) and moves
    /// the confirmed booking there, keeping its id and voucher code; if refused, the booking
    /// is untouched.
    async fn reschedule_booking(
        &self,
        company_id: CompanyId,
        id: BookingId,
        to: BookingMove,
        limits: BookingLimits,
    ) -> StoreResult<RescheduleOutcome>;
    /// Cancels a confirmed booking; `NotActive` if it no longer is.
    async fn cancel_booking(
        &self,
        company_id: CompanyId,
        id: BookingId,
        cancellation: Cancellation,
    ) -> StoreResult<CancelOutcome>;
    async fn get_booking(&self, company_id: CompanyId, id: BookingId) -> StoreResult<Booking>;
    async fn get_booking_by_voucher(
        &self,
        company_id: CompanyId,
        code: &str,
    ) -> StoreResult<Booking>;
    /// Ordered by start time (descending when `query.newest_first`).
    async fn list_bookings(&self, query: &BookingQuery) -> StoreResult<Vec<Booking>>;
    /// The audit trail of a booking, oldest first.
    async fn list_booking_events(
        &self,
        company_id: CompanyId,
        id: BookingId,
    ) -> StoreResult<Vec<BookingEvent>>;
    /// Confirmed bookings per (service, start) for these services, starting in [from, to).
    async fn slot_usage(
        &self,
        company_id: CompanyId,
        service_ids: &[ServiceId],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<SlotUsage>>;
    /// The time confirmed bookings keep these staff members busy (each booking's interval
    /// widened by its service's buffers), where it overlaps [from, to).
    async fn staff_busy(
        &self,
        company_id: CompanyId,
        staff_ids: &[StaffId],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<BusyInterval>>;

    // ---- calls and agents ------------------------------------------------------------
    /// Creates or updates the call (provider, external id); fields left `None` keep their value.
    /// `Conflict` when the call exists for another company.
    async fn upsert_call(&self, call: CallUpdate) -> StoreResult<Call>;
    async fn get_call(
        &self,
        company_id: CompanyId,
        provider: &str,
        external_id: &str,
    ) -> StoreResult<Call>;
    /// The call under (provider, external id), whichever company it belongs to (a call id is
    /// unique per provider).
    async fn find_call(&self, provider: &str, external_id: &str) -> StoreResult<Call>;
    /// Records that `event` of the call was handled; `false` if it had been already. On the
    /// first recording only, `announce` (the event's webhook rows) is queued in the same
    /// transaction, so an event announced is an event recorded and a repeat announces nothing.
    async fn record_call_event(
        &self,
        call_id: CallId,
        event: &str,
        now: Timestamp,
        announce: &[NewNotification],
    ) -> StoreResult<bool>;
    /// Keyed by (provider, external agent id).
    async fn upsert_agent(&self, new: NewAgent) -> StoreResult<Agent>;
    async fn list_agents(&self, company_id: CompanyId) -> StoreResult<Vec<Agent>>;
    async fn find_agent(&self, provider: &str, external_id: &str) -> StoreResult<Agent>;

    // ---- company credentials, the message outbox, prompt templates ----------------------
    /// Sets the company's voice-platform credentials; a `None` field keeps the stored value.
    /// `NotFound` when the company does not exist.
    async fn set_company_credentials(
        &self,
        company_id: CompanyId,
        update: CredentialsUpdate,
    ) -> StoreResult<()>;
    /// `NotFound` when the company does not exist.
    async fn get_company_credentials(
        &self,
        company_id: CompanyId,
    ) -> StoreResult<CompanyCredentials>;
    /// The company whose Vapi secret hashes to `hash`.
    async fn find_company_by_vapi_secret_hash(&self, hash: &str) -> StoreResult<Company>;
    /// Queues a message for a delivery worker (the outbox).
    async fn enqueue_notification(&self, new: NewNotification) -> StoreResult<Notification>;
    /// Messages still to send (pending or sending), oldest first, of one company or all.
    async fn list_pending_notifications(
        &self,
        company_id: Option<CompanyId>,
        limit: i64,
    ) -> StoreResult<Vec<Notification>>;
    /// Marks a message sent (without a provider id). `NotFound` if there is no such message.
    async fn mark_notification_sent(&self, id: i64, now: Timestamp) -> StoreResult<()>;

    // ---- message delivery ----------------------------------------------------------------
    /// Takes up to `claim.limit` messages due now on the given channels: pending ones whose
    /// time has come and sending ones whose worker's lease ran out. Each is `sending` until
    /// `claim.lease_until`, its attempts raised by one. A row is taken by one worker at a
    /// time (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the one writer).
    async fn claim_messages(&self, claim: MessageClaim) -> StoreResult<Vec<Notification>>;
    /// Records how the attempt on a message this worker holds (`sending`) ended. `NotFound`
    /// if there is no such message; `Conflict` if it is not `sending` any more.
    async fn finish_message(
        &self,
        id: i64,
        outcome: AttemptOutcome,
        now: Timestamp,
    ) -> StoreResult<Notification>;
    /// Messages of one company or all, newest first.
    async fn list_messages(&self, query: MessageQuery) -> StoreResult<Vec<Notification>>;
    async fn get_message(&self, id: i64) -> StoreResult<Notification>;
    /// Puts a failed (or cancelled, or pending) message back in the queue for now.
    /// `NotFound` if there is no such message; `Conflict` if it is sending or was sent.
    async fn retry_message(&self, id: i64, now: Timestamp) -> StoreResult<Notification>;
    /// A provider's later report on the message it accepted as `provider_id`. A report never
    /// moves a message back (delivered stays delivered). `NotFound` for an unknown id.
    async fn record_provider_report(
        &self,
        channel: &str,
        provider_id: &str,
        report: ProviderReport,
        now: Timestamp,
    ) -> StoreResult<Notification>;
    /// Counts per status and the oldest due message still to send.
    async fn message_stats(&self, now: Timestamp) -> StoreResult<MessageStats>;

    // ---- webhook endpoints -------------------------------------------------------------
    async fn create_webhook_endpoint(
        &self,
        new: NewWebhookEndpoint,
    ) -> StoreResult<WebhookEndpoint>;
    /// Every endpoint of the company, removed ones included, oldest first.
    async fn list_webhook_endpoints(
        &self,
        company_id: CompanyId,
    ) -> StoreResult<Vec<WebhookEndpoint>>;
    async fn get_webhook_endpoint(&self, id: i64) -> StoreResult<WebhookEndpoint>;
    /// Stops the endpoint receiving events (its log stays). `NotFound` if there is no such
    /// endpoint; removing twice keeps the first time.
    async fn disable_webhook_endpoint(
        &self,
        id: i64,
        now: Timestamp,
    ) -> StoreResult<WebhookEndpoint>;

    /// Creates or replaces the prompt template of (company, branch or all branches, language).
    async fn set_prompt_template(&self, new: NewPromptTemplate) -> StoreResult<()>;
    /// The most specific template: the branch's for that language, else the company-wide one;
    /// `NotFound` when neither exists.
    async fn get_prompt_template(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
    ) -> StoreResult<String>;

    // ---- API keys ----------------------------------------------------------------------
    async fn create_api_key(&self, new: NewApiKey) -> StoreResult<ApiKey>;
    /// The key with this hash, revoked or not.
    async fn find_api_key_by_hash(&self, hash: &str) -> StoreResult<ApiKey>;
    async fn list_api_keys(&self, company_id: CompanyId) -> StoreResult<Vec<ApiKey>>;
    /// Revokes the key and, in the same transaction, every caller session it opened that is
    /// still live at `now`. `NotFound` if there is no such key; revoking twice is not an
    /// error (the first revocation time stays).
    async fn revoke_api_key(&self, id: ApiKeyId, now: Timestamp) -> StoreResult<RevokedApiKey>;
    async fn touch_api_key(&self, id: ApiKeyId, now: Timestamp) -> StoreResult<()>;

    // ---- caller sessions ---------------------------------------------------------------
    async fn create_caller_session(&self, new: NewCallerSession) -> StoreResult<CallerSession>;
    /// The session with this token hash, expired or revoked or not.
    async fn find_caller_session(&self, token_hash: &str) -> StoreResult<CallerSession>;
    /// `NotFound` if there is no such session.
    async fn revoke_caller_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;
    /// Sessions neither expired nor revoked at `now`, in all companies.
    async fn count_active_caller_sessions(&self, now: Timestamp) -> StoreResult<i64>;
    /// Deletes sessions that ended before `before`; returns how many.
    async fn purge_caller_sessions(&self, before: Timestamp) -> StoreResult<u64>;

    // ---- calendar feeds ----------------------------------------------------------------
    /// `Conflict` when the token hash is taken or the branch or staff member is not the
    /// company's.
    async fn create_calendar_feed(&self, new: NewCalendarFeed) -> StoreResult<CalendarFeed>;
    /// The feed with this token hash, revoked or not.
    async fn find_calendar_feed_by_token_hash(&self, hash: &str) -> StoreResult<CalendarFeed>;
    async fn get_calendar_feed(&self, id: CalendarFeedId) -> StoreResult<CalendarFeed>;
    /// The company's feeds, revoked ones too, oldest first.
    async fn list_calendar_feeds(&self, company_id: CompanyId) -> StoreResult<Vec<CalendarFeed>>;
    /// `NotFound` if there is no such feed; revoking twice is not an error (the first
    /// revocation time stays).
    async fn revoke_calendar_feed(
        &self,
        id: CalendarFeedId,
        now: Timestamp,
    ) -> StoreResult<CalendarFeed>;
    /// The bookings a feed shows (see [`FeedBookingsQuery`]), earliest start first.
    async fn feed_bookings(&self, query: &FeedBookingsQuery) -> StoreResult<Vec<FeedBooking>>;

    // ---- the waitlist --------------------------------------------------------------------
    /// Adds a request entry (the engine has checked the caller's rules).
    async fn join_waitlist(&self, new: NewWaitlistEntry) -> StoreResult<WaitlistEntry>;
    /// Oldest first.
    async fn list_waitlist(&self, query: &WaitlistQuery) -> StoreResult<Vec<WaitlistEntry>>;
    async fn get_waitlist_entry(
        &self,
        company_id: CompanyId,
        id: i64,
    ) -> StoreResult<WaitlistEntry>;
    /// The entry's place in line: how many waiting entries of its service, itself included,
    /// joined no later and want some of the same places (overlapping dates and times).
    async fn waitlist_position(&self, entry: &WaitlistEntry) -> StoreResult<i64>;
    /// Takes a waiting entry off the waitlist (`left`); an entry no longer active is returned
    /// as it is. An offered entry is left by cancelling its held place (the engine does).
    async fn leave_waitlist(
        &self,
        company_id: CompanyId,
        id: i64,
        now: Timestamp,
    ) -> StoreResult<WaitlistEntry>;
    /// Replaces the member's waiting preference entries with `entries` (none: the member no
    /// longer auto-books); their first join time stays for an unchanged service.
    async fn set_preference_entries(
        &self,
        member_id: MemberId,
        entries: Vec<NewWaitlistEntry>,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Gives the free places of one slot to the waitlist, in a transaction of its own (a
    /// capacity raised by an import, a hold that lapsed, a sweep).
    async fn refill_slot(&self, refill: Refill) -> StoreResult<Refilled>;
    /// Confirms the member's held place: `confirmed`, its entry `booked`, `notifications`
    /// queued. `NotHeld` when it is not held (or its hold ended before `now`).
    async fn confirm_hold(
        &self,
        company_id: CompanyId,
        id: BookingId,
        notifications: Vec<NotificationDraft>,
        now: Timestamp,
    ) -> StoreResult<HoldOutcome>;
    /// Places held, at `now`, for the customers with this phone number (E.164), in any
    /// company: the hold ending first, first.
    async fn held_for_phone(&self, phone: &str, now: Timestamp) -> StoreResult<Vec<Booking>>;
    /// Held places whose hold ended at `now`, oldest first.
    async fn lapsed_holds(&self, now: Timestamp, limit: i64) -> StoreResult<Vec<Booking>>;
    /// In one transaction: ends a lapsed hold (the booking `cancelled`, its entry `lapsed`) and
    /// gives the place to the next entry (`refill`). `false` when it was no longer a lapsed
    /// hold (confirmed or released meanwhile).
    async fn release_hold(
        &self,
        company_id: CompanyId,
        id: BookingId,
        refill: Option<Refill>,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// How many entries are waiting and how many have a place held (offered), in all
    /// companies, for `/metrics`.
    async fn waitlist_counts(&self) -> StoreResult<Vec<(WaitlistStatus, i64)>>;
    /// Marks waiting entries whose dates have passed `expired`; how many.
    async fn expire_waitlist(&self, now: Timestamp) -> StoreResult<u64>;

    // The operator console (issue 15).

    /// `Conflict` when an operator with this e-mail exists (in any company).
    async fn create_operator(&self, new: NewOperator) -> StoreResult<Operator>;
    /// The company's operators by e-mail.
    async fn list_operators(&self, company_id: CompanyId) -> StoreResult<Vec<Operator>>;
    /// `NotFound` when no operator has this (lower-case) e-mail.
    async fn find_operator_by_email(&self, email: &str) -> StoreResult<Operator>;
    /// `NotFound` when the company has no such operator.
    async fn get_operator(&self, company_id: CompanyId, id: i64) -> StoreResult<Operator>;
    /// Disables (`Some(now)`) or enables (`None`) the operator; disabling ends their sessions
    /// in the same transaction. `NotFound` when the company has no such operator.
    async fn set_operator_disabled(
        &self,
        company_id: CompanyId,
        id: i64,
        disabled_at: Option<Timestamp>,
    ) -> StoreResult<Operator>;
    /// Sets the operator's password hash and ends their sessions. `NotFound` as above.
    async fn set_operator_password(
        &self,
        company_id: CompanyId,
        id: i64,
        password_hash: &str,
    ) -> StoreResult<Operator>;
    /// Sets the operator's console language (`None`: the business's).
    async fn set_operator_language(
        &self,
        company_id: CompanyId,
        id: i64,
        language: Option<&str>,
    ) -> StoreResult<Operator>;
    async fn create_operator_session(
        &self,
        new: NewOperatorSession,
    ) -> StoreResult<OperatorSession>;
    /// The session with this token hash if it is live at `now` (not revoked, not expired, its
    /// operator not disabled); `NotFound` otherwise.
    async fn find_operator_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<OperatorSession>;
    /// Ends the session (idempotent: ending an ended or unknown session is not an error).
    async fn revoke_operator_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;
    /// Records one tool call an agent made during a call.
    async fn record_call_tool_call(&self, new: NewCallToolCall) -> StoreResult<CallToolCall>;
    /// The tool calls of one call, in the order they were made.
    async fn list_call_tool_calls(
        &self,
        company_id: CompanyId,
        provider: &str,
        call_external_id: &str,
    ) -> StoreResult<Vec<CallToolCall>>;
    /// The bookings of `query` with their member's and customer's names (one query in the
    /// backends; this default reads them one by one).
    async fn desk_bookings(&self, query: &BookingQuery) -> StoreResult<Vec<DeskBooking>> {
        let mut rows = Vec::new();
        for booking in self.list_bookings(query).await? {
            let member_name = match booking.member_id {
                Some(id) => self
                    .get_member(booking.company_id, id)
                    .await
                    .optional()?
                    .map(|m| m.name),
                None => None,
            };
            let customer = self
                .get_customer(booking.company_id, booking.customer_id)
                .await?;
            rows.push(DeskBooking {
                booking,
                member_name,
                customer_name: customer.name,
                customer_phone: customer.phone,
            });
        }
        Ok(rows)
    }
    /// The company's calls, newest first, with their customers.
    async fn list_calls(&self, query: CallQuery) -> StoreResult<Vec<CallSummary>>;
    /// `NotFound` when the company has no call with this id.
    async fn get_call_by_id(&self, company_id: CompanyId, id: CallId) -> StoreResult<Call>;
    async fn search_customers(&self, query: CustomerSearch) -> StoreResult<Vec<Customer>>;
    /// `NotFound` when the company has no customer with this id.
    async fn update_customer(
        &self,
        company_id: CompanyId,
        id: CustomerId,
        name: Option<&str>,
        email: Option<&str>,
    ) -> StoreResult<Customer>;
}
