//! What a company offers: the company itself, its branches and their inbound numbers, its
//! staff, and its services with the staff who perform them.

use crate::rows::{BranchRow, CompanyRow, ServiceRow, StaffRow, convert_all};
use crate::{begin, commit, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::PgPool;
use sqlx::types::Json;

// ---- companies -----------------------------------------------------------------------

pub(crate) async fn upsert_company(pool: &PgPool, new: NewCompany) -> StoreResult<Company> {
    sqlx::query_as::<_, CompanyRow>(
        "INSERT INTO companies
             (slug, name, time_zone, language, phone_region, address, policy, messaging,
              created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8, $8)
         ON CONFLICT (slug) DO UPDATE SET
             name = EXCLUDED.name,
             time_zone = EXCLUDED.time_zone,
             language = EXCLUDED.language,
             phone_region = EXCLUDED.phone_region,
             address = EXCLUDED.address,
             policy = EXCLUDED.policy,
             messaging = EXCLUDED.messaging,
             updated_at = EXCLUDED.updated_at
         RETURNING *",
    )
    .bind(&new.slug)
    .bind(&new.name)
    .bind(&new.time_zone)
    .bind(new.language.tag())
    .bind(&new.phone_region)
    .bind(&new.address)
    .bind(Json(&new.policy))
    .bind(new.now.as_second())
    .bind(Json(&new.messaging))
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn get_company(pool: &PgPool, id: CompanyId) -> StoreResult<Company> {
    sqlx::query_as::<_, CompanyRow>("SELECT * FROM companies WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn get_company_by_slug(pool: &PgPool, slug: &str) -> StoreResult<Company> {
    sqlx::query_as::<_, CompanyRow>("SELECT * FROM companies WHERE slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn list_companies(pool: &PgPool) -> StoreResult<Vec<Company>> {
    let rows = sqlx::query_as::<_, CompanyRow>("SELECT * FROM companies ORDER BY id")
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    convert_all(rows, CompanyRow::into_model)
}

// ---- branches ------------------------------------------------------------------------

/// A branch row with its inbound numbers, in the order they were given.
macro_rules! select_branch {
    () => {
        "SELECT b.*,
                COALESCE((SELECT array_agg(p.phone ORDER BY p.position)
                            FROM branch_phone_numbers p
                           WHERE p.branch_id = b.id), '{}'::text[]) AS phone_numbers
           FROM branches b "
    };
}

pub(crate) async fn upsert_branch(pool: &PgPool, new: NewBranch) -> StoreResult<Branch> {
    let mut tx = begin(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO branches (company_id, name, time_zone, address, exceptions)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (company_id, name) DO UPDATE SET
             time_zone = EXCLUDED.time_zone,
             address = EXCLUDED.address,
             exceptions = EXCLUDED.exceptions,
             retired_at = NULL
         RETURNING id",
    )
    .bind(new.company_id)
    .bind(&new.name)
    .bind(&new.time_zone)
    .bind(&new.address)
    .bind(Json(&new.exceptions))
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;

    sqlx::query("DELETE FROM branch_phone_numbers WHERE branch_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    // A number another branch already routes is refused by the primary key (Conflict).
    sqlx::query(
        "INSERT INTO branch_phone_numbers (phone, branch_id, position)
         SELECT t.phone, $1, t.position::integer
           FROM UNNEST($2::text[]) WITH ORDINALITY AS t(phone, position)",
    )
    .bind(id)
    .bind(distinct(&new.phone_numbers))
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;

    let branch = sqlx::query_as::<_, BranchRow>(concat!(select_branch!(), "WHERE b.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?
        .into_model()?;
    commit(tx).await?;
    Ok(branch)
}

pub(crate) async fn list_branches(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<Vec<Branch>> {
    let rows = sqlx::query_as::<_, BranchRow>(concat!(
        select_branch!(),
        "WHERE b.company_id = $1 ORDER BY b.id"
    ))
    .bind(company_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, BranchRow::into_model)
}

pub(crate) async fn get_branch(
    pool: &PgPool,
    company_id: CompanyId,
    id: BranchId,
) -> StoreResult<Branch> {
    sqlx::query_as::<_, BranchRow>(concat!(
        select_branch!(),
        "WHERE b.company_id = $1 AND b.id = $2"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn find_branch_by_phone(pool: &PgPool, phone: &str) -> StoreResult<Branch> {
    sqlx::query_as::<_, BranchRow>(concat!(
        select_branch!(),
        "WHERE b.id = (SELECT branch_id FROM branch_phone_numbers WHERE phone = $1)"
    ))
    .bind(phone)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

// ---- staff ---------------------------------------------------------------------------

pub(crate) async fn upsert_staff(pool: &PgPool, new: NewStaff) -> StoreResult<Staff> {
    let row = sqlx::query_as::<_, StaffRow>(
        "INSERT INTO staff (company_id, branch_id, name, active)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (company_id, name) DO UPDATE SET
             branch_id = EXCLUDED.branch_id,
             active = EXCLUDED.active,
             retired_at = NULL
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(new.branch_id)
    .bind(&new.name)
    .bind(new.active)
    .fetch_one(pool)
    .await
    .map_err(map_err)?;
    Ok(row.into_model())
}

pub(crate) async fn list_staff(pool: &PgPool, company_id: CompanyId) -> StoreResult<Vec<Staff>> {
    let rows =
        sqlx::query_as::<_, StaffRow>("SELECT * FROM staff WHERE company_id = $1 ORDER BY id")
            .bind(company_id)
            .fetch_all(pool)
            .await
            .map_err(map_err)?;
    Ok(rows.into_iter().map(StaffRow::into_model).collect())
}

// ---- services ------------------------------------------------------------------------

/// A service row with the staff who perform it, in the order they were given.
macro_rules! select_service {
    () => {
        "SELECT s.*,
                COALESCE((SELECT array_agg(l.staff_id ORDER BY l.position)
                            FROM service_staff l
                           WHERE l.service_id = s.id), '{}'::bigint[]) AS staff_ids
           FROM services s "
    };
}

pub(crate) async fn upsert_service(pool: &PgPool, new: NewService) -> StoreResult<Service> {
    let mut tx = begin(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO services
             (company_id, branch_id, code, name, description, duration_minutes, capacity,
              buffer_before_minutes, buffer_after_minutes, price_cents, currency,
              attributes, schedule, exceptions, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (company_id, code) DO UPDATE SET
             branch_id = EXCLUDED.branch_id,
             name = EXCLUDED.name,
             description = EXCLUDED.description,
             duration_minutes = EXCLUDED.duration_minutes,
             capacity = EXCLUDED.capacity,
             buffer_before_minutes = EXCLUDED.buffer_before_minutes,
             buffer_after_minutes = EXCLUDED.buffer_after_minutes,
             price_cents = EXCLUDED.price_cents,
             currency = EXCLUDED.currency,
             attributes = EXCLUDED.attributes,
             schedule = EXCLUDED.schedule,
             exceptions = EXCLUDED.exceptions,
             active = EXCLUDED.active,
             retired_at = NULL
         RETURNING id",
    )
    .bind(new.company_id)
    .bind(new.branch_id)
    .bind(&new.code)
    .bind(&new.name)
    .bind(&new.description)
    .bind(new.duration_minutes)
    .bind(new.capacity)
    .bind(new.buffer_before_minutes)
    .bind(new.buffer_after_minutes)
    .bind(new.price_cents)
    .bind(&new.currency)
    .bind(Json(&new.attributes))
    .bind(Json(&new.schedule))
    .bind(Json(&new.exceptions))
    .bind(new.active)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;

    sqlx::query("DELETE FROM service_staff WHERE service_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    let staff_ids = distinct(&new.staff_ids);
    // Joining on the company keeps another company's staff member (or an unknown id) out;
    // the shortfall in inserted rows is how we notice.
    let linked = sqlx::query(
        "INSERT INTO service_staff (service_id, staff_id, position)
         SELECT $1, t.staff_id, t.position::integer
           FROM UNNEST($2::bigint[]) WITH ORDINALITY AS t(staff_id, position)
           JOIN staff st ON st.id = t.staff_id AND st.company_id = $3",
    )
    .bind(id)
    .bind(&staff_ids)
    .bind(new.company_id)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?
    .rows_affected();
    if linked != staff_ids.len() as u64 {
        return Err(StoreError::Conflict(
            "service staff must be staff members of the same company (service_staff_staff_fk)"
                .into(),
        ));
    }

    let service = sqlx::query_as::<_, ServiceRow>(concat!(select_service!(), "WHERE s.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?
        .into_model()?;
    commit(tx).await?;
    Ok(service)
}

pub(crate) async fn list_services(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<Vec<Service>> {
    let rows = sqlx::query_as::<_, ServiceRow>(concat!(
        select_service!(),
        "WHERE s.company_id = $1 ORDER BY s.id"
    ))
    .bind(company_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, ServiceRow::into_model)
}

pub(crate) async fn get_service(
    pool: &PgPool,
    company_id: CompanyId,
    id: ServiceId,
) -> StoreResult<Service> {
    sqlx::query_as::<_, ServiceRow>(concat!(
        select_service!(),
        "WHERE s.company_id = $1 AND s.id = $2"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

// ---- retirement ----------------------------------------------------------------------

pub(crate) async fn retire_catalog(
    pool: &PgPool,
    company_id: CompanyId,
    retire: &CatalogRetirement,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = begin(pool).await?;
    let retired: Vec<i64> = sqlx::query_scalar(
        "UPDATE branches SET retired_at = COALESCE(retired_at, $1)
          WHERE company_id = $2 AND id = ANY($3) RETURNING id",
    )
    .bind(now.as_second())
    .bind(company_id)
    .bind(&retire.branch_ids)
    .fetch_all(&mut *tx)
    .await
    .map_err(map_err)?;
    // A retired branch answers no calls; its numbers may go to another branch.
    sqlx::query("DELETE FROM branch_phone_numbers WHERE branch_id = ANY($1)")
        .bind(&retired)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    for (sql, ids) in [
        (
            "UPDATE staff SET active = FALSE, retired_at = COALESCE(retired_at, $1)
              WHERE company_id = $2 AND id = ANY($3)",
            &retire.staff_ids,
        ),
        (
            "UPDATE services SET active = FALSE, retired_at = COALESCE(retired_at, $1)
              WHERE company_id = $2 AND id = ANY($3)",
            &retire.service_ids,
        ),
    ] {
        sqlx::query(sql)
            .bind(now.as_second())
            .bind(company_id)
            .bind(ids)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
    }
    commit(tx).await?;
    Ok(())
}

/// The values in their first-seen order, without repeats: a repeated link or number is the
/// same fact said twice, not a conflict.
fn distinct<T: Clone + PartialEq>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}
