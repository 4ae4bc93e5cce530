//! The `Store` trait, wired to the modules that implement each group of operations.

use crate::{
    SqliteStore, bookings, calls, catalog, console, credentials, feeds, keys, map_err, outbox,
    people, templates, waitlist, webhooks,
};
use async_trait::async_trait;
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn upsert_company(&self, new: NewCompany) -> StoreResult<Company> {
        catalog::upsert_company(self, new).await
    }
    async fn get_company(&self, id: CompanyId) -> StoreResult<Company> {
        catalog::get_company(self, id).await
    }
    async fn get_company_by_slug(&self, slug: &str) -> StoreResult<Company> {
        catalog::get_company_by_slug(self, slug).await
    }
    async fn list_companies(&self) -> StoreResult<Vec<Company>> {
        catalog::list_companies(self).await
    }

    async fn upsert_branch(&self, new: NewBranch) -> StoreResult<Branch> {
        catalog::upsert_branch(self, new).await
    }
    async fn list_branches(&self, company_id: CompanyId) -> StoreResult<Vec<Branch>> {
        catalog::list_branches(self, company_id).await
    }
    async fn get_branch(&self, company_id: CompanyId, id: BranchId) -> StoreResult<Branch> {
        catalog::get_branch(self, company_id, id).await
    }
    async fn find_branch_by_phone(&self, phone: &str) -> StoreResult<Branch> {
        catalog::find_branch_by_phone(self, phone).await
    }
    async fn upsert_staff(&self, new: NewStaff) -> StoreResult<Staff> {
        catalog::upsert_staff(self, new).await
    }
    async fn list_staff(&self, company_id: CompanyId) -> StoreResult<Vec<Staff>> {
        catalog::list_staff(self, company_id).await
    }
    async fn upsert_service(&self, new: NewService) -> StoreResult<Service> {
        catalog::upsert_service(self, new).await
    }
    async fn list_services(&self, company_id: CompanyId) -> StoreResult<Vec<Service>> {
        catalog::list_services(self, company_id).await
    }
    async fn retire_catalog(
        &self,
        company_id: CompanyId,
        retire: &CatalogRetirement,
        now: Timestamp,
    ) -> StoreResult<()> {
        catalog::retire_catalog(self, company_id, retire, now).await
    }
    async fn get_service(&self, company_id: CompanyId, id: ServiceId) -> StoreResult<Service> {
        catalog::get_service(self, company_id, id).await
    }

    async fn upsert_customer(&self, new: NewCustomer) -> StoreResult<Customer> {
        people::upsert_customer(self, new).await
    }
    async fn get_customer(&self, company_id: CompanyId, id: CustomerId) -> StoreResult<Customer> {
        people::get_customer(self, company_id, id).await
    }
    async fn find_customer_by_phone(
        &self,
        company_id: CompanyId,
        phone: &str,
    ) -> StoreResult<Customer> {
        people::find_customer_by_phone(self, company_id, phone).await
    }
    async fn upsert_member(&self, new: NewMember) -> StoreResult<Member> {
        people::upsert_member(self, new).await
    }
    async fn get_member(&self, company_id: CompanyId, id: MemberId) -> StoreResult<Member> {
        people::get_member(self, company_id, id).await
    }
    async fn list_members(
        &self,
        company_id: CompanyId,
        customer_id: CustomerId,
    ) -> StoreResult<Vec<Member>> {
        people::list_members(self, company_id, customer_id).await
    }
    async fn get_member_preferences(&self, member_id: MemberId) -> StoreResult<MemberPreferences> {
        people::get_member_preferences(self, member_id).await
    }
    async fn set_member_preferences(
        &self,
        member_id: MemberId,
        preferences: &MemberPreferences,
        now: Timestamp,
    ) -> StoreResult<()> {
        people::set_member_preferences(self, member_id, preferences, now).await
    }

    async fn create_booking(
        &self,
        new: NewBooking,
        limits: BookingLimits,
    ) -> StoreResult<BookingOutcome> {
        bookings::create_booking(self, new, limits).await
    }
    async fn reschedule_booking(
        &self,
        company_id: CompanyId,
        id: BookingId,
        to: BookingMove,
        limits: BookingLimits,
    ) -> StoreResult<RescheduleOutcome> {
        bookings::reschedule_booking(self, company_id, id, to, limits).await
    }
    async fn cancel_booking(
        &self,
        company_id: CompanyId,
        id: BookingId,
        cancellation: Cancellation,
    ) -> StoreResult<CancelOutcome> {
        bookings::cancel_booking(self, company_id, id, cancellation).await
    }
    async fn get_booking(&self, company_id: CompanyId, id: BookingId) -> StoreResult<Booking> {
        bookings::get_booking(self, company_id, id).await
    }
    async fn get_booking_by_voucher(
        &self,
        company_id: CompanyId,
        code: &str,
    ) -> StoreResult<Booking> {
        bookings::get_booking_by_voucher(self, company_id, code).await
    }
    async fn list_bookings(&self, query: &BookingQuery) -> StoreResult<Vec<Booking>> {
        bookings::list_bookings(self, query).await
    }
    async fn list_booking_events(
        &self,
        company_id: CompanyId,
        id: BookingId,
    ) -> StoreResult<Vec<BookingEvent>> {
        bookings::list_booking_events(self, company_id, id).await
    }
    async fn slot_usage(
        &self,
        company_id: CompanyId,
        service_ids: &[ServiceId],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<SlotUsage>> {
        bookings::slot_usage(self, company_id, service_ids, from, to).await
    }
    async fn staff_busy(
        &self,
        company_id: CompanyId,
        staff_ids: &[StaffId],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<BusyInterval>> {
        bookings::staff_busy(self, company_id, staff_ids, from, to).await
    }

    async fn upsert_call(&self, call: CallUpdate) -> StoreResult<Call> {
        calls::upsert_call(self, call).await
    }
    async fn get_call(
        &self,
        company_id: CompanyId,
        provider: &str,
        external_id: &str,
    ) -> StoreResult<Call> {
        calls::get_call(self, company_id, provider, external_id).await
    }
    async fn find_call(&self, provider: &str, external_id: &str) -> StoreResult<Call> {
        calls::find_call(self, provider, external_id).await
    }
    async fn record_call_event(
        &self,
        call_id: CallId,
        event: &str,
        now: Timestamp,
        announce: &[NewNotification],
    ) -> StoreResult<bool> {
        calls::record_call_event(self, call_id, event, now, announce).await
    }
    async fn upsert_agent(&self, new: NewAgent) -> StoreResult<Agent> {
        calls::upsert_agent(self, new).await
    }
    async fn list_agents(&self, company_id: CompanyId) -> StoreResult<Vec<Agent>> {
        calls::list_agents(self, company_id).await
    }
    async fn find_agent(&self, provider: &str, external_id: &str) -> StoreResult<Agent> {
        calls::find_agent(self, provider, external_id).await
    }

    async fn set_company_credentials(
        &self,
        company_id: CompanyId,
        update: CredentialsUpdate,
    ) -> StoreResult<()> {
        credentials::set_company_credentials(self, company_id, update).await
    }
    async fn get_company_credentials(
        &self,
        company_id: CompanyId,
    ) -> StoreResult<CompanyCredentials> {
        credentials::get_company_credentials(self, company_id).await
    }
    async fn find_company_by_vapi_secret_hash(&self, hash: &str) -> StoreResult<Company> {
        credentials::find_company_by_vapi_secret_hash(self, hash).await
    }
    async fn enqueue_notification(&self, new: NewNotification) -> StoreResult<Notification> {
        outbox::enqueue_notification(self, new).await
    }
    async fn list_pending_notifications(
        &self,
        company_id: Option<CompanyId>,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        outbox::list_pending_notifications(self, company_id, limit).await
    }
    async fn mark_notification_sent(&self, id: i64, now: Timestamp) -> StoreResult<()> {
        outbox::mark_notification_sent(self, id, now).await
    }
    async fn claim_messages(&self, claim: MessageClaim) -> StoreResult<Vec<Notification>> {
        outbox::claim_messages(self, claim).await
    }
    async fn finish_message(
        &self,
        id: i64,
        outcome: AttemptOutcome,
        now: Timestamp,
    ) -> StoreResult<Notification> {
        outbox::finish_message(self, id, outcome, now).await
    }
    async fn list_messages(&self, query: MessageQuery) -> StoreResult<Vec<Notification>> {
        outbox::list_messages(self, query).await
    }
    async fn get_message(&self, id: i64) -> StoreResult<Notification> {
        outbox::get_message(self, id).await
    }
    async fn retry_message(&self, id: i64, now: Timestamp) -> StoreResult<Notification> {
        outbox::retry_message(self, id, now).await
    }
    async fn record_provider_report(
        &self,
        channel: &str,
        provider_id: &str,
        report: ProviderReport,
        now: Timestamp,
    ) -> StoreResult<Notification> {
        outbox::record_provider_report(self, channel, provider_id, report, now).await
    }
    async fn message_stats(&self, now: Timestamp) -> StoreResult<MessageStats> {
        outbox::message_stats(self, now).await
    }
    async fn create_webhook_endpoint(
        &self,
        new: NewWebhookEndpoint,
    ) -> StoreResult<WebhookEndpoint> {
        webhooks::create(self, new).await
    }
    async fn list_webhook_endpoints(
        &self,
        company_id: CompanyId,
    ) -> StoreResult<Vec<WebhookEndpoint>> {
        webhooks::list(self, company_id).await
    }
    async fn get_webhook_endpoint(&self, id: i64) -> StoreResult<WebhookEndpoint> {
        webhooks::get(self, id).await
    }
    async fn disable_webhook_endpoint(
        &self,
        id: i64,
        now: Timestamp,
    ) -> StoreResult<WebhookEndpoint> {
        webhooks::disable(self, id, now).await
    }
    async fn set_prompt_template(&self, new: NewPromptTemplate) -> StoreResult<()> {
        templates::set_prompt_template(self, new).await
    }
    async fn get_prompt_template(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
    ) -> StoreResult<String> {
        templates::get_prompt_template(self, company_id, branch_id, language).await
    }

    async fn create_api_key(&self, new: NewApiKey) -> StoreResult<ApiKey> {
        keys::create_api_key(self, new).await
    }
    async fn find_api_key_by_hash(&self, hash: &str) -> StoreResult<ApiKey> {
        keys::find_api_key_by_hash(self, hash).await
    }
    async fn list_api_keys(&self, company_id: CompanyId) -> StoreResult<Vec<ApiKey>> {
        keys::list_api_keys(self, company_id).await
    }
    async fn revoke_api_key(&self, id: ApiKeyId, now: Timestamp) -> StoreResult<RevokedApiKey> {
        keys::revoke_api_key(self, id, now).await
    }
    async fn touch_api_key(&self, id: ApiKeyId, now: Timestamp) -> StoreResult<()> {
        keys::touch_api_key(self, id, now).await
    }

    async fn create_caller_session(&self, new: NewCallerSession) -> StoreResult<CallerSession> {
        keys::create_caller_session(self, new).await
    }
    async fn find_caller_session(&self, token_hash: &str) -> StoreResult<CallerSession> {
        keys::find_caller_session(self, token_hash).await
    }
    async fn revoke_caller_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        keys::revoke_caller_session(self, token_hash, now).await
    }
    async fn count_active_caller_sessions(&self, now: Timestamp) -> StoreResult<i64> {
        keys::count_active_caller_sessions(self, now).await
    }
    async fn purge_caller_sessions(&self, before: Timestamp) -> StoreResult<u64> {
        keys::purge_caller_sessions(self, before).await
    }

    async fn create_calendar_feed(&self, new: NewCalendarFeed) -> StoreResult<CalendarFeed> {
        feeds::create_calendar_feed(self, new).await
    }
    async fn find_calendar_feed_by_token_hash(&self, hash: &str) -> StoreResult<CalendarFeed> {
        feeds::find_calendar_feed_by_token_hash(self, hash).await
    }
    async fn get_calendar_feed(&self, id: CalendarFeedId) -> StoreResult<CalendarFeed> {
        feeds::get_calendar_feed(self, id).await
    }
    async fn list_calendar_feeds(&self, company_id: CompanyId) -> StoreResult<Vec<CalendarFeed>> {
        feeds::list_calendar_feeds(self, company_id).await
    }
    async fn revoke_calendar_feed(
        &self,
        id: CalendarFeedId,
        now: Timestamp,
    ) -> StoreResult<CalendarFeed> {
        feeds::revoke_calendar_feed(self, id, now).await
    }
    async fn feed_bookings(&self, query: &FeedBookingsQuery) -> StoreResult<Vec<FeedBooking>> {
        feeds::feed_bookings(self, query).await
    }

    async fn join_waitlist(&self, new: NewWaitlistEntry) -> StoreResult<WaitlistEntry> {
        waitlist::join(self, new).await
    }
    async fn list_waitlist(&self, query: &WaitlistQuery) -> StoreResult<Vec<WaitlistEntry>> {
        waitlist::list(self, query).await
    }
    async fn get_waitlist_entry(
        &self,
        company_id: CompanyId,
        id: i64,
    ) -> StoreResult<WaitlistEntry> {
        waitlist::get(self, company_id, id).await
    }
    async fn waitlist_position(&self, entry: &WaitlistEntry) -> StoreResult<i64> {
        waitlist::position(self, entry).await
    }
    async fn leave_waitlist(
        &self,
        company_id: CompanyId,
        id: i64,
        now: Timestamp,
    ) -> StoreResult<WaitlistEntry> {
        waitlist::leave(self, company_id, id, now).await
    }
    async fn set_preference_entries(
        &self,
        member_id: MemberId,
        entries: Vec<NewWaitlistEntry>,
        now: Timestamp,
    ) -> StoreResult<()> {
        waitlist::set_preference_entries(self, member_id, entries, now).await
    }
    async fn refill_slot(&self, refill: Refill) -> StoreResult<Refilled> {
        waitlist::refill_slot(self, refill).await
    }
    async fn confirm_hold(
        &self,
        company_id: CompanyId,
        id: BookingId,
        notifications: Vec<NotificationDraft>,
        now: Timestamp,
    ) -> StoreResult<HoldOutcome> {
        waitlist::confirm_hold(self, company_id, id, notifications, now).await
    }
    async fn held_for_phone(&self, phone: &str, now: Timestamp) -> StoreResult<Vec<Booking>> {
        waitlist::held_for_phone(self, phone, now).await
    }
    async fn lapsed_holds(&self, now: Timestamp, limit: i64) -> StoreResult<Vec<Booking>> {
        waitlist::lapsed_holds(self, now, limit).await
    }
    async fn release_hold(
        &self,
        company_id: CompanyId,
        id: BookingId,
        refill: Option<Refill>,
        now: Timestamp,
    ) -> StoreResult<bool> {
        waitlist::release_hold(self, company_id, id, refill, now).await
    }
    async fn waitlist_counts(&self) -> StoreResult<Vec<(WaitlistStatus, i64)>> {
        waitlist::counts(self).await
    }
    async fn expire_waitlist(&self, now: Timestamp) -> StoreResult<u64> {
        waitlist::expire(self, now).await
    }

    async fn create_operator(&self, new: NewOperator) -> StoreResult<Operator> {
        console::create_operator(self, new).await
    }
    async fn list_operators(&self, company_id: CompanyId) -> StoreResult<Vec<Operator>> {
        console::list_operators(self, company_id).await
    }
    async fn find_operator_by_email(&self, email: &str) -> StoreResult<Operator> {
        console::find_operator_by_email(self, email).await
    }
    async fn get_operator(&self, company_id: CompanyId, id: i64) -> StoreResult<Operator> {
        console::get_operator(self, company_id, id).await
    }
    async fn set_operator_disabled(
        &self,
        company_id: CompanyId,
        id: i64,
        disabled_at: Option<Timestamp>,
    ) -> StoreResult<Operator> {
        console::set_operator_disabled(self, company_id, id, disabled_at).await
    }
    async fn set_operator_password(
        &self,
        company_id: CompanyId,
        id: i64,
        password_hash: &str,
    ) -> StoreResult<Operator> {
        console::set_operator_password(self, company_id, id, password_hash).await
    }
    async fn set_operator_language(
        &self,
        company_id: CompanyId,
        id: i64,
        language: Option<&str>,
    ) -> StoreResult<Operator> {
        console::set_operator_language(self, company_id, id, language).await
    }
    async fn create_operator_session(
        &self,
        new: NewOperatorSession,
    ) -> StoreResult<OperatorSession> {
        console::create_operator_session(self, new).await
    }
    async fn find_operator_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<OperatorSession> {
        console::find_operator_session(self, token_hash, now).await
    }
    async fn revoke_operator_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        console::revoke_operator_session(self, token_hash, now).await
    }
    async fn record_call_tool_call(&self, new: NewCallToolCall) -> StoreResult<CallToolCall> {
        console::record_call_tool_call(self, new).await
    }
    async fn list_call_tool_calls(
        &self,
        company_id: CompanyId,
        provider: &str,
        call_external_id: &str,
    ) -> StoreResult<Vec<CallToolCall>> {
        console::list_call_tool_calls(self, company_id, provider, call_external_id).await
    }
    async fn desk_bookings(&self, query: &BookingQuery) -> StoreResult<Vec<DeskBooking>> {
        console::desk_bookings(self, query).await
    }
    async fn list_calls(&self, query: CallQuery) -> StoreResult<Vec<CallSummary>> {
        console::list_calls(self, query).await
    }
    async fn get_call_by_id(&self, company_id: CompanyId, id: CallId) -> StoreResult<Call> {
        console::get_call_by_id(self, company_id, id).await
    }
    async fn search_customers(&self, query: CustomerSearch) -> StoreResult<Vec<Customer>> {
        console::search_customers(self, query).await
    }
    async fn update_customer(
        &self,
        company_id: CompanyId,
        id: CustomerId,
        name: Option<&str>,
        email: Option<&str>,
    ) -> StoreResult<Customer> {
        console::update_customer(self, company_id, id, name, email).await
    }
}
