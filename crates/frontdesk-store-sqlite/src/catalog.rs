//! What a company offers: the company itself, its branches (with their inbound numbers), staff
//! and services (with the staff who perform them).

use crate::rows::*;
use crate::{SqliteStore, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::SqliteConnection;
use std::collections::HashMap;

// ---- companies ---------------------------------------------------------------------------

pub(crate) async fn upsert_company(s: &SqliteStore, new: NewCompany) -> StoreResult<Company> {
    let policy = serde_json::to_string(&new.policy).map_err(json_write)?;
    let messaging = serde_json::to_string(&new.messaging).map_err(json_write)?;
    let row: CompanyRow = sqlx::query_as(concat!(
        "INSERT INTO companies (slug, name, time_zone, language, phone_region, address, policy, \
         messaging, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, \
         language = excluded.language, phone_region = excluded.phone_region, \
         address = excluded.address, policy = excluded.policy, \
         messaging = excluded.messaging, updated_at = excluded.updated_at \
         RETURNING ",
        company_cols!()
    ))
    .bind(&new.slug)
    .bind(&new.name)
    .bind(&new.time_zone)
    .bind(new.language.tag())
    .bind(&new.phone_region)
    .bind(&new.address)
    .bind(policy)
    .bind(messaging)
    .bind(new.now.as_second())
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn get_company(s: &SqliteStore, id: CompanyId) -> StoreResult<Company> {
    let row: CompanyRow = sqlx::query_as(concat!(
        "SELECT ",
        company_cols!(),
        " FROM companies WHERE id = ?"
    ))
    .bind(id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn get_company_by_slug(s: &SqliteStore, slug: &str) -> StoreResult<Company> {
    let row: CompanyRow = sqlx::query_as(concat!(
        "SELECT ",
        company_cols!(),
        " FROM companies WHERE slug = ?"
    ))
    .bind(slug)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list_companies(s: &SqliteStore) -> StoreResult<Vec<Company>> {
    let rows: Vec<CompanyRow> = sqlx::query_as(concat!(
        "SELECT ",
        company_cols!(),
        " FROM companies ORDER BY id"
    ))
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(CompanyRow::into_model).collect()
}

// ---- branches ----------------------------------------------------------------------------

pub(crate) async fn upsert_branch(s: &SqliteStore, new: NewBranch) -> StoreResult<Branch> {
    let exceptions = serde_json::to_string(&new.exceptions).map_err(json_write)?;
    let mut tx = s.begin_write().await?;
    let row: BranchRow = sqlx::query_as(concat!(
        "INSERT INTO branches (company_id, name, time_zone, address, exceptions) \
         VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (company_id, name) DO UPDATE SET time_zone = excluded.time_zone, \
         address = excluded.address, exceptions = excluded.exceptions, retired_at = NULL RETURNING ",
        branch_cols!()
    ))
    .bind(new.company_id)
    .bind(&new.name)
    .bind(&new.time_zone)
    .bind(&new.address)
    .bind(exceptions)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;

    sqlx::query("DELETE FROM branch_phone_numbers WHERE branch_id = ?")
        .bind(row.id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    let phones = dedup(new.phone_numbers);
    for (position, phone) in (0_i64..).zip(&phones) {
        // The primary key on `phone` refuses a number another branch already answers.
        sqlx::query(
            "INSERT INTO branch_phone_numbers (phone, branch_id, position) VALUES (?, ?, ?)",
        )
        .bind(phone)
        .bind(row.id)
        .bind(position)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    }
    tx.commit().await.map_err(map_err)?;
    row.into_model(phones)
}

pub(crate) async fn list_branches(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<Vec<Branch>> {
    let rows: Vec<BranchRow> = sqlx::query_as(concat!(
        "SELECT ",
        branch_cols!(),
        " FROM branches WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    let phones: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.branch_id, p.phone FROM branch_phone_numbers p \
         JOIN branches b ON b.id = p.branch_id WHERE b.company_id = ? \
         ORDER BY p.branch_id, p.position",
    )
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    let mut by_branch = group(phones);
    rows.into_iter()
        .map(|r| {
            let phones = by_branch.remove(&r.id).unwrap_or_default();
            r.into_model(phones)
        })
        .collect()
}

pub(crate) async fn get_branch(
    s: &SqliteStore,
    company_id: CompanyId,
    id: BranchId,
) -> StoreResult<Branch> {
    let row: BranchRow = sqlx::query_as(concat!(
        "SELECT ",
        branch_cols!(),
        " FROM branches WHERE company_id = ? AND id = ?"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    with_phones(s, row).await
}

pub(crate) async fn find_branch_by_phone(s: &SqliteStore, phone: &str) -> StoreResult<Branch> {
    let row: BranchRow = sqlx::query_as(concat!(
        "SELECT ",
        branch_cols!(),
        " FROM branches WHERE id = (SELECT branch_id FROM branch_phone_numbers WHERE phone = ?)"
    ))
    .bind(phone)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    with_phones(s, row).await
}

async fn with_phones(s: &SqliteStore, row: BranchRow) -> StoreResult<Branch> {
    let phones: Vec<String> = sqlx::query_scalar(
        "SELECT phone FROM branch_phone_numbers WHERE branch_id = ? ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model(phones)
}

// ---- staff -------------------------------------------------------------------------------

pub(crate) async fn upsert_staff(s: &SqliteStore, new: NewStaff) -> StoreResult<Staff> {
    let row: StaffRow = sqlx::query_as(concat!(
        "INSERT INTO staff (company_id, branch_id, name, active) VALUES (?, ?, ?, ?) \
         ON CONFLICT (company_id, name) DO UPDATE SET branch_id = excluded.branch_id, \
         active = excluded.active, retired_at = NULL RETURNING ",
        staff_cols!()
    ))
    .bind(new.company_id)
    .bind(new.branch_id)
    .bind(&new.name)
    .bind(new.active)
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    Ok(row.into_model())
}

pub(crate) async fn list_staff(s: &SqliteStore, company_id: CompanyId) -> StoreResult<Vec<Staff>> {
    let rows: Vec<StaffRow> = sqlx::query_as(concat!(
        "SELECT ",
        staff_cols!(),
        " FROM staff WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    Ok(rows.into_iter().map(StaffRow::into_model).collect())
}

// ---- services ----------------------------------------------------------------------------

pub(crate) async fn upsert_service(s: &SqliteStore, new: NewService) -> StoreResult<Service> {
    let attributes = serde_json::to_string(&new.attributes).map_err(json_write)?;
    let schedule = serde_json::to_string(&new.schedule).map_err(json_write)?;
    let exceptions = serde_json::to_string(&new.exceptions).map_err(json_write)?;
    let mut tx = s.begin_write().await?;
    let row: ServiceRow = sqlx::query_as(concat!(
        "INSERT INTO services (company_id, branch_id, code, name, description, duration_minutes, \
         capacity, buffer_before_minutes, buffer_after_minutes, price_cents, currency, \
         attributes, schedule, exceptions, active) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (company_id, code) DO UPDATE SET branch_id = excluded.branch_id, \
         name = excluded.name, description = excluded.description, \
         duration_minutes = excluded.duration_minutes, capacity = excluded.capacity, \
         buffer_before_minutes = excluded.buffer_before_minutes, \
         buffer_after_minutes = excluded.buffer_after_minutes, \
         price_cents = excluded.price_cents, currency = excluded.currency, \
         attributes = excluded.attributes, schedule = excluded.schedule, \
         exceptions = excluded.exceptions, active = excluded.active, retired_at = NULL \
         RETURNING ",
        service_cols!()
    ))
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
    .bind(attributes)
    .bind(schedule)
    .bind(exceptions)
    .bind(new.active)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;

    let staff_ids = dedup(new.staff_ids);
    replace_service_staff(&mut tx, new.company_id, row.id, &staff_ids).await?;
    tx.commit().await.map_err(map_err)?;
    row.into_model(staff_ids)
}

async fn replace_service_staff(
    conn: &mut SqliteConnection,
    company_id: CompanyId,
    service_id: ServiceId,
    staff_ids: &[StaffId],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM service_staff WHERE service_id = ?")
        .bind(service_id)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    for (position, staff_id) in (0_i64..).zip(staff_ids) {
        // Selecting the staff row within the company keeps another company's staff out.
        let done = sqlx::query(
            "INSERT INTO service_staff (service_id, staff_id, position) \
             SELECT ?, id, ? FROM staff WHERE id = ? AND company_id = ?",
        )
        .bind(service_id)
        .bind(position)
        .bind(staff_id)
        .bind(company_id)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "staff {staff_id} is not a staff member of company {company_id}"
            )));
        }
    }
    Ok(())
}

pub(crate) async fn list_services(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<Vec<Service>> {
    let rows: Vec<ServiceRow> = sqlx::query_as(concat!(
        "SELECT ",
        service_cols!(),
        " FROM services WHERE company_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    let links: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT l.service_id, l.staff_id FROM service_staff l \
         JOIN services v ON v.id = l.service_id WHERE v.company_id = ? \
         ORDER BY l.service_id, l.position",
    )
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    let mut by_service = group(links);
    rows.into_iter()
        .map(|r| {
            let staff = by_service.remove(&r.id).unwrap_or_default();
            r.into_model(staff)
        })
        .collect()
}

pub(crate) async fn get_service(
    s: &SqliteStore,
    company_id: CompanyId,
    id: ServiceId,
) -> StoreResult<Service> {
    let row: ServiceRow = sqlx::query_as(concat!(
        "SELECT ",
        service_cols!(),
        " FROM services WHERE company_id = ? AND id = ?"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    let staff: Vec<i64> = sqlx::query_scalar(
        "SELECT staff_id FROM service_staff WHERE service_id = ? ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model(staff)
}

// ---- retirement --------------------------------------------------------------------------

pub(crate) async fn retire_catalog(
    s: &SqliteStore,
    company_id: CompanyId,
    retire: &CatalogRetirement,
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = s.begin_write().await?;
    for &id in &retire.branch_ids {
        let done = sqlx::query(
            "UPDATE branches SET retired_at = COALESCE(retired_at, ?) WHERE id = ? AND company_id = ?",
        )
        .bind(now.as_second())
        .bind(id)
        .bind(company_id)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        if done.rows_affected() > 0 {
            // A retired branch answers no calls; its numbers may go to another branch.
            sqlx::query("DELETE FROM branch_phone_numbers WHERE branch_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
    }
    for (table, ids) in [
        ("staff", &retire.staff_ids),
        ("services", &retire.service_ids),
    ] {
        let sql = format!(
            "UPDATE {table} SET active = 0, retired_at = COALESCE(retired_at, ?) \
             WHERE id = ? AND company_id = ?"
        );
        for &id in ids {
            sqlx::query(&sql)
                .bind(now.as_second())
                .bind(id)
                .bind(company_id)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
        }
    }
    tx.commit().await.map_err(map_err)?;
    Ok(())
}

// ---- helpers -----------------------------------------------------------------------------

/// Drops repeated entries, keeping the first occurrence's position: a list repeating a phone
/// number or staff id means the same thing as the list without the repetition.
fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Groups (owner, value) pairs already ordered by owner and position.
fn group<V>(pairs: Vec<(i64, V)>) -> HashMap<i64, Vec<V>> {
    let mut map: HashMap<i64, Vec<V>> = HashMap::new();
    for (owner, value) in pairs {
        map.entry(owner).or_default().push(value);
    }
    map
}
