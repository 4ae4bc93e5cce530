//! Who books: customers (one per phone number and company), the members they book for, and
//! the members' preferences.

use crate::rows::{CustomerRow, JsonValue, MemberRow, parse_json};
use crate::{begin, commit, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::PgPool;
use sqlx::types::Json;

// ---- customers -----------------------------------------------------------------------

pub(crate) async fn upsert_customer(pool: &PgPool, new: NewCustomer) -> StoreResult<Customer> {
    sqlx::query_as::<_, CustomerRow>(
        "INSERT INTO customers
             (company_id, phone, name, email, has_linked_account, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (company_id, phone) DO UPDATE SET
             name = EXCLUDED.name,
             email = EXCLUDED.email,
             has_linked_account = EXCLUDED.has_linked_account,
             updated_at = EXCLUDED.updated_at
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(&new.phone)
    .bind(&new.name)
    .bind(&new.email)
    .bind(new.has_linked_account)
    .bind(new.now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn get_customer(
    pool: &PgPool,
    company_id: CompanyId,
    id: CustomerId,
) -> StoreResult<Customer> {
    sqlx::query_as::<_, CustomerRow>("SELECT * FROM customers WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn find_customer_by_phone(
    pool: &PgPool,
    company_id: CompanyId,
    phone: &str,
) -> StoreResult<Customer> {
    sqlx::query_as::<_, CustomerRow>("SELECT * FROM customers WHERE company_id = $1 AND phone = $2")
        .bind(company_id)
        .bind(phone)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

// ---- members -------------------------------------------------------------------------

pub(crate) async fn upsert_member(pool: &PgPool, new: NewMember) -> StoreResult<Member> {
    match new.id {
        Some(id) => upsert_member_with_id(pool, id, new).await,
        None => upsert_member_by_name(pool, new).await,
    }
}

/// The member keeps the id an external system gave it (the demo's 12345).
async fn upsert_member_with_id(pool: &PgPool, id: MemberId, new: NewMember) -> StoreResult<Member> {
    let mut tx = begin(pool).await?;
    // The WHERE turns "this id is another company's member" into no row instead of a
    // silent takeover.
    let row = sqlx::query_as::<_, MemberRow>(
        "INSERT INTO members
             (id, company_id, customer_id, name, level, max_active_bookings, relationship)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET
             customer_id = EXCLUDED.customer_id,
             name = EXCLUDED.name,
             level = EXCLUDED.level,
             max_active_bookings = EXCLUDED.max_active_bookings,
             relationship = EXCLUDED.relationship
         WHERE members.company_id = EXCLUDED.company_id
         RETURNING *",
    )
    .bind(id)
    .bind(new.company_id)
    .bind(new.customer_id)
    .bind(&new.name)
    .bind(&new.level)
    .bind(new.max_active_bookings)
    .bind(&new.relationship)
    .fetch_optional(&mut *tx)
    .await
    .map_err(map_err)?
    .ok_or_else(|| StoreError::Conflict(format!("member {id} belongs to another company")))?;

    // An explicit id does not advance the identity sequence; move it past the largest id so
    // generated ids never collide. Never backwards: nextval() covers ids handed out to
    // transactions that have not committed yet, which MAX(id) cannot see.
    sqlx::query(
        "SELECT setval(pg_get_serial_sequence('members', 'id'),
                       GREATEST((SELECT MAX(id) FROM members),
                                nextval(pg_get_serial_sequence('members', 'id'))))",
    )
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    commit(tx).await?;
    Ok(row.into_model())
}

/// Without an id a member is known by its name within the customer's household.
async fn upsert_member_by_name(pool: &PgPool, new: NewMember) -> StoreResult<Member> {
    // The WHERE guards the update path, where the composite foreign key is never checked:
    // a request for one company must not rewrite a member of another.
    let row = sqlx::query_as::<_, MemberRow>(
        "INSERT INTO members
             (company_id, customer_id, name, level, max_active_bookings, relationship)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (customer_id, name) DO UPDATE SET
             level = EXCLUDED.level,
             max_active_bookings = EXCLUDED.max_active_bookings,
             relationship = EXCLUDED.relationship
         WHERE members.company_id = EXCLUDED.company_id
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(new.customer_id)
    .bind(&new.name)
    .bind(&new.level)
    .bind(new.max_active_bookings)
    .bind(&new.relationship)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .ok_or_else(|| {
        StoreError::Conflict(format!(
            "customer {} belongs to another company",
            new.customer_id
        ))
    })?;
    Ok(row.into_model())
}

pub(crate) async fn get_member(
    pool: &PgPool,
    company_id: CompanyId,
    id: MemberId,
) -> StoreResult<Member> {
    let row =
        sqlx::query_as::<_, MemberRow>("SELECT * FROM members WHERE company_id = $1 AND id = $2")
            .bind(company_id)
            .bind(id)
            .fetch_one(pool)
            .await
            .map_err(map_err)?;
    Ok(row.into_model())
}

pub(crate) async fn list_members(
    pool: &PgPool,
    company_id: CompanyId,
    customer_id: CustomerId,
) -> StoreResult<Vec<Member>> {
    let rows = sqlx::query_as::<_, MemberRow>(
        "SELECT * FROM members WHERE company_id = $1 AND customer_id = $2 ORDER BY id",
    )
    .bind(company_id)
    .bind(customer_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    Ok(rows.into_iter().map(MemberRow::into_model).collect())
}

// ---- preferences ---------------------------------------------------------------------

pub(crate) async fn get_member_preferences(
    pool: &PgPool,
    member_id: MemberId,
) -> StoreResult<MemberPreferences> {
    let value: JsonValue =
        sqlx::query_scalar("SELECT preferences FROM member_preferences WHERE member_id = $1")
            .bind(member_id)
            .fetch_one(pool)
            .await
            .map_err(map_err)?;
    parse_json(value, "member_preferences.preferences")
}

pub(crate) async fn set_member_preferences(
    pool: &PgPool,
    member_id: MemberId,
    preferences: &MemberPreferences,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO member_preferences (member_id, preferences, updated_at)
         VALUES ($1, $2, $3)
         ON CONFLICT (member_id) DO UPDATE SET
             preferences = EXCLUDED.preferences,
             updated_at = EXCLUDED.updated_at",
    )
    .bind(member_id)
    .bind(Json(preferences))
    .bind(now.as_second())
    .execute(pool)
    .await
    .map_err(map_err)?;
    Ok(())
}
