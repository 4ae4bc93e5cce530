//! Row identifiers. Plain integers: they travel through JSON (`member_ids: [12345]`,
//! `company_id: 1`) exactly as the seed documents show them.

pub type CompanyId = i64;
pub type BranchId = i64;
pub type ServiceId = i64;
pub type StaffId = i64;
pub type CustomerId = i64;
pub type MemberId = i64;
pub type BookingId = i64;
pub type ApiKeyId = i64;
pub type CallId = i64;
pub type AgentId = i64;
pub type SessionId = i64;
pub type CalendarFeedId = i64;
