//! Who books: customers (one per phone number and company), the members they book for, and
//! each member's preferences.

use crate::rows::*;
use crate::{SqliteStore, bad_json, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use rusqlite::params;

// ---- customers ---------------------------------------------------------------------------

pub(crate) async fn upsert_customer(s: &SqliteStore, new: NewCustomer) -> StoreResult<Customer> {
    let row: CustomerRow = sqlx::query_as(concat!(
        "INSERT INTO customers (company_id, phone, name, email, has_linked_account, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (company_id, phone) DO UPDATE SET name = excluded.name, \
         email = excluded.email, has_linked_account = excluded.has_linked_account, \
         updated_at = excluded.updated_at RETURNING ",
        customer_cols!()
    ))
    .bind(new.company_id)
    .bind(&new.phone)
    .bind(&new.name)
    .bind(&new.email)
    .bind(new.has_linked_account)
    .bind(new.now.as_second())
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn get_customer(
    s: &SqliteStore,
    company_id: CompanyId,
    id: CustomerId,
) -> StoreResult<Customer> {
    s.readers
        .one(
            concat!(
                "SELECT ",
                customer_cols!(),
                " FROM customers WHERE company_id = ? AND id = ?"
            ),
            params![company_id, id],
            CustomerRow::read,
        )?
        .into_model()
}

pub(crate) async fn find_customer_by_phone(
    s: &SqliteStore,
    company_id: CompanyId,
    phone: &str,
) -> StoreResult<Customer> {
    s.readers
        .one(
            concat!(
                "SELECT ",
                customer_cols!(),
                " FROM customers WHERE company_id = ? AND phone = ?"
            ),
            params![company_id, phone],
            CustomerRow::read,
        )?
        .into_model()
}

// ---- members -----------------------------------------------------------------------------

pub(crate) async fn upsert_member(s: &SqliteStore, new: NewMember) -> StoreResult<Member> {
    let row: Option<MemberRow> = match new.id {
        // The WHERE on the update leaves a member of another company untouched and returns no
        // row, which is how that case is told apart from a plain update.
        Some(id) => sqlx::query_as(concat!(
            "INSERT INTO members (id, company_id, customer_id, name, level, \
             max_active_bookings, relationship) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, \
             name = excluded.name, level = excluded.level, \
             max_active_bookings = excluded.max_active_bookings, \
             relationship = excluded.relationship \
             WHERE members.company_id = excluded.company_id RETURNING ",
            member_cols!()
        ))
        .bind(id)
        .bind(new.company_id)
        .bind(new.customer_id)
        .bind(&new.name)
        .bind(&new.level)
        .bind(new.max_active_bookings)
        .bind(&new.relationship)
        .fetch_optional(&s.write)
        .await
        .map_err(map_err)?,
        None => sqlx::query_as(concat!(
            "INSERT INTO members (company_id, customer_id, name, level, max_active_bookings, \
             relationship) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (customer_id, name) DO UPDATE SET level = excluded.level, \
             max_active_bookings = excluded.max_active_bookings, \
             relationship = excluded.relationship \
             WHERE members.company_id = excluded.company_id RETURNING ",
            member_cols!()
        ))
        .bind(new.company_id)
        .bind(new.customer_id)
        .bind(&new.name)
        .bind(&new.level)
        .bind(new.max_active_bookings)
        .bind(&new.relationship)
        .fetch_optional(&s.write)
        .await
        .map_err(map_err)?,
    };
    match row {
        Some(row) => Ok(row.into_model()),
        None => Err(StoreError::Conflict(format!(
            "member {} belongs to another company",
            new.id.map_or_else(|| new.name.clone(), |id| id.to_string())
        ))),
    }
}

pub(crate) async fn get_member(
    s: &SqliteStore,
    company_id: CompanyId,
    id: MemberId,
) -> StoreResult<Member> {
    s.readers
        .one(
            concat!(
                "SELECT ",
                member_cols!(),
                " FROM members WHERE company_id = ? AND id = ?"
            ),
            params![company_id, id],
            MemberRow::read,
        )
        .map(MemberRow::into_model)
}

pub(crate) async fn list_members(
    s: &SqliteStore,
    company_id: CompanyId,
    customer_id: CustomerId,
) -> StoreResult<Vec<Member>> {
    // `+company_id` guards only: the customer's index finds the rows.
    let rows = s.readers.all(
        concat!(
            "SELECT ",
            member_cols!(),
            " FROM members WHERE +company_id = ? AND customer_id = ? ORDER BY id"
        ),
        params![company_id, customer_id],
        MemberRow::read,
    )?;
    Ok(rows.into_iter().map(MemberRow::into_model).collect())
}

// ---- preferences -------------------------------------------------------------------------

pub(crate) async fn get_member_preferences(
    s: &SqliteStore,
    member_id: MemberId,
) -> StoreResult<MemberPreferences> {
    let text: String =
        sqlx::query_scalar("SELECT preferences FROM member_preferences WHERE member_id = ?")
            .bind(member_id)
            .fetch_one(&s.read)
            .await
            .map_err(map_err)?;
    serde_json::from_str(&text).map_err(bad_json("member_preferences.preferences"))
}

pub(crate) async fn set_member_preferences(
    s: &SqliteStore,
    member_id: MemberId,
    preferences: &MemberPreferences,
    now: Timestamp,
) -> StoreResult<()> {
    let text = serde_json::to_string(preferences).map_err(json_write)?;
    // Selecting through `members` turns an unknown member into "no row written" (NotFound)
    // instead of a foreign-key failure.
    let done = sqlx::query(
        "INSERT INTO member_preferences (member_id, preferences, updated_at) \
         SELECT id, ?, ? FROM members WHERE id = ? \
         ON CONFLICT (member_id) DO UPDATE SET preferences = excluded.preferences, \
         updated_at = excluded.updated_at",
    )
    .bind(text)
    .bind(now.as_second())
    .bind(member_id)
    .execute(&s.write)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
