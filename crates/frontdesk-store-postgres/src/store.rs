//! The `Store` implementation: a table of contents pointing each operation at the module that
//! owns its tables. Kept as free functions so no private inherent method can shadow the
//! trait's for callers outside this crate.

use crate::{
    PostgresStore, bookings, calls, catalog, console, credentials, feeds, keys, outbox, people,
    templates, waitlist, webhooks,
};
use async_trait::async_trait;
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.reads)
            .await
            .map_err(crate::map_err)?;
        Ok(())
    }

    fn pool_usage(&self) -> Option<frontdesk_store::PoolUsage> {
        // Both pools together: what the database sees of this process.
        let pools = [&self.pool, &self.reads];
        Some(frontdesk_store::PoolUsage {
            open: pools.iter().map(|p| p.size()).sum(),
            idle: pools.iter().map(|p| p.num_idle() as u32).sum(),
            max: pools
                .iter()
                .map(|p| p.options().get_max_connections())
                .sum(),
        })
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        // Autovacuum does this on its own schedule when it is on; right after an import, or
        // with it off, a caller's members were found by walking every member of the company.
        // Only the imported tables: statistics taken of a still empty bookings table would
        // make the planner scan it whole however large it grows before the next ANALYZE.
        sqlx::query("ANALYZE companies, branches, services, staff, customers, members")
            .execute(&self.pool)
            .await
            .map_err(crate::map_err)?;
        Ok(())
    }

    async fn upsert_company(&self, new: NewCompany) -> StoreResult<Company> {
        catalog::upsert_company(&self.pool, new).await
    }
    async fn get_company(&self, id: CompanyId) -> StoreResult<Company> {
        catalog::get_company(&self.reads, id).await
    }
    async fn get_company_by_slug(&self, slug: &str) -> StoreResult<Company> {
        catalog::get_company_by_slug(&self.reads, slug).await
    }
    async fn list_companies(&self) -> StoreResult<Vec<Company>> {
        catalog::list_companies(&self.reads).await
    }

    async fn upsert_branch(&self, new: NewBranch) -> StoreResult<Branch> {
        catalog::upsert_branch(&self.pool, new).await
    }
    async fn list_branches(&self, company_id: CompanyId) -> StoreResult<Vec<Branch>> {
        catalog::list_branches(&self.reads, company_id).await
    }
    async fn get_branch(&self, company_id: CompanyId, id: BranchId) -> StoreResult<Branch> {
        catalog::get_branch(&self.reads, company_id, id).await
    }
    async fn find_branch_by_phone(&self, phone: &str) -> StoreResult<Branch> {
        catalog::find_branch_by_phone(&self.reads, phone).await
    }

    async fn upsert_staff(&self, new: NewStaff) -> StoreResult<Staff> {
        catalog::upsert_staff(&self.pool, new).await
    }
    async fn list_staff(&self, company_id: CompanyId) -> StoreResult<Vec<Staff>> {
        catalog::list_staff(&self.reads, company_id).await
    }

    async fn upsert_service(&self, new: NewService) -> StoreResult<Service> {
        catalog::upsert_service(&self.pool, new).await
    }
    async fn list_services(&self, company_id: CompanyId) -> StoreResult<Vec<Service>> {
        catalog::list_services(&self.reads, company_id).await
    }
    async fn retire_catalog(
        &self,
        company_id: CompanyId,
        retire: &CatalogRetirement,
        now: Timestamp,
    ) -> StoreResult<()> {
        catalog::retire_catalog(&self.pool, company_id, retire, now).await
    }
    async fn get_service(&self, company_id: CompanyId, id: ServiceId) -> StoreResult<Service> {
        catalog::get_service(&self.reads, company_id, id).await
    }

    async fn upsert_customer(&self, new: NewCustomer) -> StoreResult<Customer> {
        people::upsert_customer(&self.pool, new).await
    }
    async fn get_customer(&self, company_id: CompanyId, id: CustomerId) -> StoreResult<Customer> {
        people::get_customer(&self.reads, company_id, id).await
    }
    async fn find_customer_by_phone(
        &self,
        company_id: CompanyId,
        phone: &str,
    ) -> StoreResult<Customer> {
        people::find_customer_by_phone(&self.reads, company_id, phone).await
    }

    async fn upsert_member(&self, new: NewMember) -> StoreResult<Member> {
        people::upsert_member(&self.pool, new).await
    }
    async fn get_member(&self, company_id: CompanyId, id: MemberId) -> StoreResult<Member> {
        people::get_member(&self.reads, company_id, id).await
    }
    async fn list_members(
        &self,
        company_id: CompanyId,
        customer_id: CustomerId,
    ) -> StoreResult<Vec<Member>> {
        people::list_members(&self.reads, company_id, customer_id).await
    }
    async fn get_member_preferences(&self, member_id: MemberId) -> StoreResult<MemberPreferences> {
        people::get_member_preferences(&self.reads, member_id).await
    }
    async fn set_member_preferences(
        &self,
        member_id: MemberId,
        preferences: &MemberPreferences,
        now: Timestamp,
    ) -> StoreResult<()> {
        people::set_member_preferences(&self.pool, member_id, preferences, now).await
    }

    async fn create_booking(
        &self,
        new: NewBooking,
        limits: BookingLimits,
    ) -> StoreResult<BookingOutcome> {
        bookings::create_booking(&self.pool, new, limits).await
    }
    async fn reschedule_booking(
        &self,
        company_id: CompanyId,
        id: BookingId,
        to: BookingMove,
        limits: BookingLimits,
    ) -> StoreResult<RescheduleOutcome> {
        bookings::reschedule_booking(&self.pool, company_id, id, to, limits).await
    }
    async fn cancel_booking(
        &self,
        company_id: CompanyId,
        id: BookingId,
        cancellation: Cancellation,
    ) -> StoreResult<CancelOutcome> {
        bookings::cancel_booking(&self.pool, company_id, id, cancellation).await
    }
    async fn get_booking(&self, company_id: CompanyId, id: BookingId) -> StoreResult<Booking> {
        bookings::get_booking(&self.reads, company_id, id).await
    }
    async fn get_booking_by_voucher(
        &self,
        company_id: CompanyId,
        code: &str,
    ) -> StoreResult<Booking> {
        bookings::get_booking_by_voucher(&self.reads, company_id, code).await
    }
    async fn list_bookings(&self, query: &BookingQuery) -> StoreResult<Vec<Booking>> {
        bookings::list_bookings(&self.reads, query).await
    }
    async fn list_booking_events(
        &self,
        company_id: CompanyId,
        id: BookingId,
    ) -> StoreResult<Vec<BookingEvent>> {
        bookings::list_booking_events(&self.reads, company_id, id).await
    }
    async fn slot_usage(
        &self,
        company_id: CompanyId,
        service_ids: &[ServiceId],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<SlotUsage>> {
        bookings::slot_usage(&self.reads, company_id, service_ids, from, to).await
    }
    async fn staff_busy(
        &self,
        company_id: CompanyId,
        staff_ids: &[StaffId],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<BusyInterval>> {
        bookings::staff_busy(&self.reads, company_id, staff_ids, from, to).await
    }

    async fn upsert_call(&self, call: CallUpdate) -> StoreResult<Call> {
        calls::upsert_call(&self.pool, call).await
    }
    async fn get_call(
        &self,
        company_id: CompanyId,
        provider: &str,
        external_id: &str,
    ) -> StoreResult<Call> {
        calls::get_call(&self.reads, company_id, provider, external_id).await
    }
    async fn find_call(&self, provider: &str, external_id: &str) -> StoreResult<Call> {
        calls::find_call(&self.reads, provider, external_id).await
    }
    async fn record_call_event(
        &self,
        call_id: CallId,
        event: &str,
        now: Timestamp,
        announce: &[NewNotification],
    ) -> StoreResult<bool> {
        calls::record_call_event(&self.pool, call_id, event, now, announce).await
    }
    async fn upsert_agent(&self, new: NewAgent) -> StoreResult<Agent> {
        calls::upsert_agent(&self.pool, new).await
    }
    async fn list_agents(&self, company_id: CompanyId) -> StoreResult<Vec<Agent>> {
        calls::list_agents(&self.reads, company_id).await
    }
    async fn find_agent(&self, provider: &str, external_id: &str) -> StoreResult<Agent> {
        calls::find_agent(&self.reads, provider, external_id).await
    }

    async fn set_company_credentials(
        &self,
        company_id: CompanyId,
        update: CredentialsUpdate,
    ) -> StoreResult<()> {
        credentials::set_company_credentials(&self.pool, company_id, update).await
    }
    async fn get_company_credentials(
        &self,
        company_id: CompanyId,
    ) -> StoreResult<CompanyCredentials> {
        credentials::get_company_credentials(&self.reads, company_id).await
    }
    async fn find_company_by_vapi_secret_hash(&self, hash: &str) -> StoreResult<Company> {
        credentials::find_company_by_vapi_secret_hash(&self.reads, hash).await
    }

    async fn enqueue_notification(&self, new: NewNotification) -> StoreResult<Notification> {
        outbox::enqueue_notification(&self.pool, new).await
    }
    async fn list_pending_notifications(
        &self,
        company_id: Option<CompanyId>,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        outbox::list_pending_notifications(&self.reads, company_id, limit).await
    }
    async fn mark_notification_sent(&self, id: i64, now: Timestamp) -> StoreResult<()> {
        outbox::mark_notification_sent(&self.pool, id, now).await
    }
    async fn claim_messages(&self, claim: MessageClaim) -> StoreResult<Vec<Notification>> {
        outbox::claim_messages(&self.pool, claim).await
    }
    async fn finish_message(
        &self,
        id: i64,
        outcome: AttemptOutcome,
        now: Timestamp,
    ) -> StoreResult<Notification> {
        outbox::finish_message(&self.pool, id, outcome, now).await
    }
    async fn list_messages(&self, query: MessageQuery) -> StoreResult<Vec<Notification>> {
        outbox::list_messages(&self.reads, query).await
    }
    async fn get_message(&self, id: i64) -> StoreResult<Notification> {
        outbox::get_message(&self.reads, id).await
    }
    async fn retry_message(&self, id: i64, now: Timestamp) -> StoreResult<Notification> {
        outbox::retry_message(&self.pool, id, now).await
    }
    async fn record_provider_report(
        &self,
        channel: &str,
        provider_id: &str,
        report: ProviderReport,
        now: Timestamp,
    ) -> StoreResult<Notification> {
        outbox::record_provider_report(&self.pool, channel, provider_id, report, now).await
    }
    async fn message_stats(&self, now: Timestamp) -> StoreResult<MessageStats> {
        outbox::message_stats(&self.reads, now).await
    }
    async fn create_webhook_endpoint(
        &self,
        new: NewWebhookEndpoint,
    ) -> StoreResult<WebhookEndpoint> {
        webhooks::create(&self.pool, new).await
    }
    async fn list_webhook_endpoints(
        &self,
        company_id: CompanyId,
    ) -> StoreResult<Vec<WebhookEndpoint>> {
        webhooks::list(&self.reads, company_id).await
    }
    async fn get_webhook_endpoint(&self, id: i64) -> StoreResult<WebhookEndpoint> {
        webhooks::get(&self.reads, id).await
    }
    async fn disable_webhook_endpoint(
        &self,
        id: i64,
        now: Timestamp,
    ) -> StoreResult<WebhookEndpoint> {
        webhooks::disable(&self.pool, id, now).await
    }

    async fn set_prompt_template(&self, new: NewPromptTemplate) -> StoreResult<()> {
        templates::set_prompt_template(&self.pool, new).await
    }
    async fn get_prompt_template(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
    ) -> StoreResult<String> {
        templates::get_prompt_template(&self.reads, company_id, branch_id, language).await
    }

    async fn create_api_key(&self, new: NewApiKey) -> StoreResult<ApiKey> {
        keys::create_api_key(&self.pool, new).await
    }
    async fn find_api_key_by_hash(&self, hash: &str) -> StoreResult<ApiKey> {
        keys::find_api_key_by_hash(&self.reads, hash).await
    }
    async fn list_api_keys(&self, company_id: CompanyId) -> StoreResult<Vec<ApiKey>> {
        keys::list_api_keys(&self.reads, company_id).await
    }
    async fn revoke_api_key(&self, id: ApiKeyId, now: Timestamp) -> StoreResult<RevokedApiKey> {
        keys::revoke_api_key(&self.pool, id, now).await
    }
    async fn touch_api_key(&self, id: ApiKeyId, now: Timestamp) -> StoreResult<()> {
        keys::touch_api_key(&self.pool, id, now).await
    }

    async fn create_caller_session(&self, new: NewCallerSession) -> StoreResult<CallerSession> {
        keys::create_caller_session(&self.pool, new).await
    }
    async fn find_caller_session(&self, token_hash: &str) -> StoreResult<CallerSession> {
        keys::find_caller_session(&self.reads, token_hash).await
    }
    async fn revoke_caller_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        keys::revoke_caller_session(&self.pool, token_hash, now).await
    }
    async fn count_active_caller_sessions(&self, now: Timestamp) -> StoreResult<i64> {
        keys::count_active_caller_sessions(&self.reads, now).await
    }
    async fn purge_caller_sessions(&self, before: Timestamp) -> StoreResult<u64> {
        keys::purge_caller_sessions(&self.pool, before).await
    }

    async fn create_calendar_feed(&self, new: NewCalendarFeed) -> StoreResult<CalendarFeed> {
        feeds::create_calendar_feed(&self.pool, new).await
    }
    async fn find_calendar_feed_by_token_hash(&self, hash: &str) -> StoreResult<CalendarFeed> {
        feeds::find_calendar_feed_by_token_hash(&self.reads, hash).await
    }
    async fn get_calendar_feed(&self, id: CalendarFeedId) -> StoreResult<CalendarFeed> {
        feeds::get_calendar_feed(&self.reads, id).await
    }
    async fn list_calendar_feeds(&self, company_id: CompanyId) -> StoreResult<Vec<CalendarFeed>> {
        feeds::list_calendar_feeds(&self.reads, company_id).await
    }
    async fn revoke_calendar_feed(
        &self,
        id: CalendarFeedId,
        now: Timestamp,
    ) -> StoreResult<CalendarFeed> {
        feeds::revoke_calendar_feed(&self.pool, id, now).await
    }
    async fn feed_bookings(&self, query: &FeedBookingsQuery) -> StoreResult<Vec<FeedBooking>> {
        feeds::feed_bookings(&self.reads, query).await
    }

    async fn join_waitlist(&self, new: NewWaitlistEntry) -> StoreResult<WaitlistEntry> {
        waitlist::join(&self.pool, new).await
    }
    async fn list_waitlist(&self, query: &WaitlistQuery) -> StoreResult<Vec<WaitlistEntry>> {
        waitlist::list(&self.reads, query).await
    }
    async fn get_waitlist_entry(
        &self,
        company_id: CompanyId,
        id: i64,
    ) -> StoreResult<WaitlistEntry> {
        waitlist::get(&self.reads, company_id, id).await
    }
    async fn waitlist_position(&self, entry: &WaitlistEntry) -> StoreResult<i64> {
        waitlist::position(&self.reads, entry).await
    }
    async fn leave_waitlist(
        &self,
        company_id: CompanyId,
        id: i64,
        now: Timestamp,
    ) -> StoreResult<WaitlistEntry> {
        waitlist::leave(&self.pool, company_id, id, now).await
    }
    async fn set_preference_entries(
        &self,
        member_id: MemberId,
        entries: Vec<NewWaitlistEntry>,
        now: Timestamp,
    ) -> StoreResult<()> {
        waitlist::set_preference_entries(&self.pool, member_id, entries, now).await
    }
    async fn refill_slot(&self, refill: Refill) -> StoreResult<Refilled> {
        waitlist::refill_slot(&self.pool, refill).await
    }
    async fn confirm_hold(
        &self,
        company_id: CompanyId,
        id: BookingId,
        notifications: Vec<NotificationDraft>,
        now: Timestamp,
    ) -> StoreResult<HoldOutcome> {
        waitlist::confirm_hold(&self.pool, company_id, id, notifications, now).await
    }
    async fn held_for_phone(&self, phone: &str, now: Timestamp) -> StoreResult<Vec<Booking>> {
        waitlist::held_for_phone(&self.reads, phone, now).await
    }
    async fn lapsed_holds(&self, now: Timestamp, limit: i64) -> StoreResult<Vec<Booking>> {
        waitlist::lapsed_holds(&self.reads, now, limit).await
    }
    async fn release_hold(
        &self,
        company_id: CompanyId,
        id: BookingId,
        refill: Option<Refill>,
        now: Timestamp,
    ) -> StoreResult<bool> {
        waitlist::release_hold(&self.pool, company_id, id, refill, now).await
    }
    async fn waitlist_counts(&self) -> StoreResult<Vec<(WaitlistStatus, i64)>> {
        waitlist::counts(&self.reads).await
    }
    async fn expire_waitlist(&self, now: Timestamp) -> StoreResult<u64> {
        waitlist::expire(&self.pool, now).await
    }

    async fn create_operator(&self, new: NewOperator) -> StoreResult<Operator> {
        console::create_operator(&self.pool, new).await
    }
    async fn list_operators(&self, company_id: CompanyId) -> StoreResult<Vec<Operator>> {
        console::list_operators(&self.reads, company_id).await
    }
    async fn find_operator_by_email(&self, email: &str) -> StoreResult<Operator> {
        console::find_operator_by_email(&self.reads, email).await
    }
    async fn get_operator(&self, company_id: CompanyId, id: i64) -> StoreResult<Operator> {
        console::get_operator(&self.reads, company_id, id).await
    }
    async fn set_operator_disabled(
        &self,
        company_id: CompanyId,
        id: i64,
        disabled_at: Option<Timestamp>,
    ) -> StoreResult<Operator> {
        console::set_operator_disabled(&self.pool, company_id, id, disabled_at).await
    }
    async fn set_operator_password(
        &self,
        company_id: CompanyId,
        id: i64,
        password_hash: &str,
    ) -> StoreResult<Operator> {
        console::set_operator_password(&self.pool, company_id, id, password_hash).await
    }
    async fn set_operator_language(
        &self,
        company_id: CompanyId,
        id: i64,
        language: Option<&str>,
    ) -> StoreResult<Operator> {
        console::set_operator_language(&self.pool, company_id, id, language).await
    }
    async fn create_operator_session(
        &self,
        new: NewOperatorSession,
    ) -> StoreResult<OperatorSession> {
        console::create_operator_session(&self.pool, new).await
    }
    async fn find_operator_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<OperatorSession> {
        console::find_operator_session(&self.reads, token_hash, now).await
    }
    async fn revoke_operator_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        console::revoke_operator_session(&self.pool, token_hash, now).await
    }
    async fn record_call_tool_call(&self, new: NewCallToolCall) -> StoreResult<CallToolCall> {
        console::record_call_tool_call(&self.pool, new).await
    }
    async fn list_call_tool_calls(
        &self,
        company_id: CompanyId,
        provider: &str,
        call_external_id: &str,
    ) -> StoreResult<Vec<CallToolCall>> {
        console::list_call_tool_calls(&self.reads, company_id, provider, call_external_id).await
    }
    async fn desk_bookings(&self, query: &BookingQuery) -> StoreResult<Vec<DeskBooking>> {
        console::desk_bookings(&self.reads, query).await
    }
    async fn list_calls(&self, query: CallQuery) -> StoreResult<Vec<CallSummary>> {
        console::list_calls(&self.reads, query).await
    }
    async fn get_call_by_id(&self, company_id: CompanyId, id: CallId) -> StoreResult<Call> {
        console::get_call_by_id(&self.reads, company_id, id).await
    }
    async fn search_customers(&self, query: CustomerSearch) -> StoreResult<Vec<Customer>> {
        console::search_customers(&self.reads, query).await
    }
    async fn update_customer(
        &self,
        company_id: CompanyId,
        id: CustomerId,
        name: Option<&str>,
        email: Option<&str>,
    ) -> StoreResult<Customer> {
        console::update_customer(&self.pool, company_id, id, name, email).await
    }
}
