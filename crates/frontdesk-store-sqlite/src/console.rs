//! The operator console: operators and their sessions, the tool calls agents made during
//! calls, and the console's lists of calls and customers.

use crate::bookings::booking_list_query;
use crate::rows::{BookingRow, CallRow, call_cols, customer_cols, opt_ts, ts};
use crate::{SqliteStore, bad_json, json_write, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::error::ErrorKind;

// ---- rows ----------------------------------------------------------------------------------

const OPERATOR_COLS: &str =
    "id, company_id, email, role, password_hash, language, created_at, disabled_at";

#[derive(sqlx::FromRow)]
struct OperatorRow {
    id: i64,
    company_id: i64,
    email: String,
    role: String,
    password_hash: String,
    language: Option<String>,
    created_at: i64,
    disabled_at: Option<i64>,
}

impl OperatorRow {
    fn into_model(self) -> StoreResult<Operator> {
        Ok(Operator {
            id: self.id,
            company_id: self.company_id,
            email: self.email,
            role: self.role.parse().map_err(|_| {
                StoreError::Corrupt(format!("operators.role: unknown value {:?}", self.role))
            })?,
            password_hash: self.password_hash,
            language: self.language,
            created_at: ts("operators.created_at", self.created_at)?,
            disabled_at: opt_ts("operators.disabled_at", self.disabled_at)?,
        })
    }
}

/// A session with its operator's columns (the operator's under their own names).
const SESSION_COLS: &str = "s.id AS session_id, s.csrf_token, s.created_at AS session_created_at, \
     s.expires_at, o.id, o.company_id, o.email, o.role, o.password_hash, o.language, \
     o.created_at, o.disabled_at";

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    csrf_token: String,
    session_created_at: i64,
    expires_at: i64,
    #[sqlx(flatten)]
    operator: OperatorRow,
}

impl SessionRow {
    fn into_model(self) -> StoreResult<OperatorSession> {
        Ok(OperatorSession {
            id: self.session_id,
            operator: self.operator.into_model()?,
            csrf_token: self.csrf_token,
            created_at: ts("operator_sessions.created_at", self.session_created_at)?,
            expires_at: ts("operator_sessions.expires_at", self.expires_at)?,
        })
    }
}

const TOOL_CALL_COLS: &str =
    "id, company_id, provider, call_external_id, tool, arguments, result, error_code, at";

#[derive(sqlx::FromRow)]
struct ToolCallRow {
    id: i64,
    company_id: i64,
    provider: String,
    call_external_id: String,
    tool: String,
    arguments: String,
    result: String,
    error_code: Option<String>,
    at: i64,
}

impl ToolCallRow {
    fn into_model(self) -> StoreResult<CallToolCall> {
        Ok(CallToolCall {
            id: self.id,
            company_id: self.company_id,
            provider: self.provider,
            call_external_id: self.call_external_id,
            tool: self.tool,
            arguments: serde_json::from_str(&self.arguments)
                .map_err(bad_json("call_tool_calls.arguments"))?,
            result: serde_json::from_str(&self.result)
                .map_err(bad_json("call_tool_calls.result"))?,
            error_code: self.error_code,
            at: ts("call_tool_calls.at", self.at)?,
        })
    }
}

/// A call and the columns of its customer (all NULL when the call has none).
#[derive(sqlx::FromRow)]
struct CallSummaryRow {
    #[sqlx(flatten)]
    call: CallRow,
    cu_id: Option<i64>,
    cu_company_id: Option<i64>,
    cu_phone: Option<String>,
    cu_name: Option<String>,
    cu_email: Option<String>,
    cu_has_linked_account: Option<bool>,
    cu_created_at: Option<i64>,
}

impl CallSummaryRow {
    fn into_model(self) -> StoreResult<CallSummary> {
        let customer = match (
            self.cu_id,
            self.cu_company_id,
            self.cu_phone,
            self.cu_created_at,
        ) {
            (Some(id), Some(company_id), Some(phone), Some(created_at)) => Some(Customer {
                id,
                company_id,
                phone,
                name: self.cu_name,
                email: self.cu_email,
                has_linked_account: self.cu_has_linked_account.unwrap_or(false),
                created_at: ts("customers.created_at", created_at)?,
            }),
            _ => None,
        };
        Ok(CallSummary {
            call: self.call.into_model()?,
            customer,
        })
    }
}

/// A booking with its member's name (NULL when it has none) and its customer's name and phone.
#[derive(sqlx::FromRow)]
struct DeskBookingRow {
    #[sqlx(flatten)]
    booking: BookingRow,
    member_name: Option<String>,
    customer_name: Option<String>,
    customer_phone: String,
}

impl DeskBookingRow {
    fn into_model(self) -> StoreResult<DeskBooking> {
        Ok(DeskBooking {
            booking: self.booking.into_model()?,
            member_name: self.member_name,
            customer_name: self.customer_name,
            customer_phone: self.customer_phone,
        })
    }
}

/// `text` as a LIKE pattern matching it anywhere, its wildcards (`%`, `_`) and the escape
/// character (`\`) taken literally (with `ESCAPE '\'`).
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

// ---- operators -----------------------------------------------------------------------------

pub(crate) async fn create_operator(s: &SqliteStore, new: NewOperator) -> StoreResult<Operator> {
    let row: OperatorRow = sqlx::query_as(&format!(
        "INSERT INTO operators (company_id, email, role, password_hash, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING {OPERATOR_COLS}"
    ))
    .bind(new.company_id)
    .bind(&new.email)
    .bind(new.role.as_str())
    .bind(&new.password_hash)
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    // The only unique index on operators is the e-mail's; an unknown company stays the
    // foreign-key conflict it is.
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation => {
            StoreError::Conflict("operator e-mail exists".into())
        }
        _ => map_err(e),
    })?;
    row.into_model()
}

pub(crate) async fn list_operators(
    s: &SqliteStore,
    company_id: CompanyId,
) -> StoreResult<Vec<Operator>> {
    let rows: Vec<OperatorRow> = sqlx::query_as(&format!(
        "SELECT {OPERATOR_COLS} FROM operators WHERE company_id = ? ORDER BY email, id"
    ))
    .bind(company_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(OperatorRow::into_model).collect()
}

pub(crate) async fn find_operator_by_email(s: &SqliteStore, email: &str) -> StoreResult<Operator> {
    let row: OperatorRow = sqlx::query_as(&format!(
        "SELECT {OPERATOR_COLS} FROM operators WHERE email = ?"
    ))
    .bind(email)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn get_operator(
    s: &SqliteStore,
    company_id: CompanyId,
    id: i64,
) -> StoreResult<Operator> {
    let row: OperatorRow = sqlx::query_as(&format!(
        "SELECT {OPERATOR_COLS} FROM operators WHERE company_id = ? AND id = ?"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

/// Ends every session of the operator not ended yet, at `now`.
async fn end_sessions(
    conn: &mut sqlx::SqliteConnection,
    operator_id: i64,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE operator_sessions SET revoked_at = ? WHERE operator_id = ? AND revoked_at IS NULL",
    )
    .bind(now.as_second())
    .bind(operator_id)
    .execute(conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

pub(crate) async fn set_operator_disabled(
    s: &SqliteStore,
    company_id: CompanyId,
    id: i64,
    disabled_at: Option<Timestamp>,
) -> StoreResult<Operator> {
    let mut tx = s.begin_write().await?;
    let row: OperatorRow = sqlx::query_as(&format!(
        "UPDATE operators SET disabled_at = ? WHERE company_id = ? AND id = ? \
         RETURNING {OPERATOR_COLS}"
    ))
    .bind(disabled_at.map(Timestamp::as_second))
    .bind(company_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    if let Some(now) = disabled_at {
        end_sessions(&mut tx, id, now).await?;
    }
    tx.commit().await.map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn set_operator_password(
    s: &SqliteStore,
    company_id: CompanyId,
    id: i64,
    password_hash: &str,
) -> StoreResult<Operator> {
    // The contract passes no `now`: the sessions end at the server's current time.
    let now = Timestamp::now();
    let mut tx = s.begin_write().await?;
    let row: OperatorRow = sqlx::query_as(&format!(
        "UPDATE operators SET password_hash = ? WHERE company_id = ? AND id = ? \
         RETURNING {OPERATOR_COLS}"
    ))
    .bind(password_hash)
    .bind(company_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    end_sessions(&mut tx, id, now).await?;
    tx.commit().await.map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn set_operator_language(
    s: &SqliteStore,
    company_id: CompanyId,
    id: i64,
    language: Option<&str>,
) -> StoreResult<Operator> {
    let row: OperatorRow = sqlx::query_as(&format!(
        "UPDATE operators SET language = ? WHERE company_id = ? AND id = ? \
         RETURNING {OPERATOR_COLS}"
    ))
    .bind(language)
    .bind(company_id)
    .bind(id)
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

// ---- operator sessions ---------------------------------------------------------------------

pub(crate) async fn create_operator_session(
    s: &SqliteStore,
    new: NewOperatorSession,
) -> StoreResult<OperatorSession> {
    let mut tx = s.begin_write().await?;
    // Selecting through `operators` turns an unknown operator into "no row" (NotFound)
    // instead of a foreign-key failure.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO operator_sessions (operator_id, token_hash, csrf_token, created_at, \
         expires_at) SELECT id, ?, ?, ?, ? FROM operators WHERE id = ? RETURNING id",
    )
    .bind(&new.token_hash)
    .bind(&new.csrf_token)
    .bind(new.now.as_second())
    .bind(new.expires_at.as_second())
    .bind(new.operator_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    let row: SessionRow = sqlx::query_as(&format!(
        "SELECT {SESSION_COLS} FROM operator_sessions s \
         JOIN operators o ON o.id = s.operator_id WHERE s.id = ?"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    tx.commit().await.map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn find_operator_session(
    s: &SqliteStore,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<OperatorSession> {
    let row: SessionRow = sqlx::query_as(&format!(
        "SELECT {SESSION_COLS} FROM operator_sessions s \
         JOIN operators o ON o.id = s.operator_id \
         WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? \
         AND o.disabled_at IS NULL"
    ))
    .bind(token_hash)
    .bind(now.as_second())
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn revoke_operator_session(
    s: &SqliteStore,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    // COALESCE keeps the first end; an unknown token changes nothing and is not an error.
    sqlx::query(
        "UPDATE operator_sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE token_hash = ?",
    )
    .bind(now.as_second())
    .bind(token_hash)
    .execute(&s.write)
    .await
    .map_err(map_err)?;
    Ok(())
}

// ---- tool calls ----------------------------------------------------------------------------

pub(crate) async fn record_call_tool_call(
    s: &SqliteStore,
    new: NewCallToolCall,
) -> StoreResult<CallToolCall> {
    let arguments = serde_json::to_string(&new.arguments).map_err(json_write)?;
    let result = serde_json::to_string(&new.result).map_err(json_write)?;
    let row: ToolCallRow = sqlx::query_as(&format!(
        "INSERT INTO call_tool_calls (company_id, provider, call_external_id, tool, arguments, \
         result, error_code, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {TOOL_CALL_COLS}"
    ))
    .bind(new.company_id)
    .bind(&new.provider)
    .bind(&new.call_external_id)
    .bind(&new.tool)
    .bind(arguments)
    .bind(result)
    .bind(&new.error_code)
    .bind(new.now.as_second())
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn list_call_tool_calls(
    s: &SqliteStore,
    company_id: CompanyId,
    provider: &str,
    call_external_id: &str,
) -> StoreResult<Vec<CallToolCall>> {
    let rows: Vec<ToolCallRow> = sqlx::query_as(&format!(
        "SELECT {TOOL_CALL_COLS} FROM call_tool_calls \
         WHERE company_id = ? AND provider = ? AND call_external_id = ? ORDER BY id"
    ))
    .bind(company_id)
    .bind(provider)
    .bind(call_external_id)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(ToolCallRow::into_model).collect()
}

// ---- calls and customers -------------------------------------------------------------------

/// The bookings `list_bookings` lists for `query`, with their names, in one query.
pub(crate) async fn desk_bookings(
    s: &SqliteStore,
    query: &BookingQuery,
) -> StoreResult<Vec<DeskBooking>> {
    let (sql, values) = booking_list_query(
        "SELECT b.*, m.name AS member_name, cu.name AS customer_name, \
         cu.phone AS customer_phone FROM bookings b \
         LEFT JOIN members m ON m.id = b.member_id AND m.company_id = b.company_id \
         JOIN customers cu ON cu.id = b.customer_id AND cu.company_id = b.company_id",
        query,
    );
    let rows = s
        .readers
        .all(&sql, rusqlite::params_from_iter(values), |r| {
            Ok(DeskBookingRow {
                booking: BookingRow::read(r)?,
                member_name: r.get("member_name")?,
                customer_name: r.get("customer_name")?,
                customer_phone: r.get("customer_phone")?,
            })
        })?;
    rows.into_iter().map(DeskBookingRow::into_model).collect()
}

pub(crate) async fn list_calls(s: &SqliteStore, query: CallQuery) -> StoreResult<Vec<CallSummary>> {
    let rows: Vec<CallSummaryRow> = sqlx::query_as(
        "SELECT c.*, cu.id AS cu_id, cu.company_id AS cu_company_id, cu.phone AS cu_phone, \
         cu.name AS cu_name, cu.email AS cu_email, \
         cu.has_linked_account AS cu_has_linked_account, cu.created_at AS cu_created_at \
         FROM calls c \
         LEFT JOIN customers cu ON cu.id = c.customer_id AND cu.company_id = c.company_id \
         WHERE c.company_id = ? AND (? IS NULL OR c.created_at < ?) \
         ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
    )
    .bind(query.company_id)
    .bind(query.before.map(Timestamp::as_second))
    .bind(query.before.map(Timestamp::as_second))
    .bind(query.limit)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter().map(CallSummaryRow::into_model).collect()
}

pub(crate) async fn get_call_by_id(
    s: &SqliteStore,
    company_id: CompanyId,
    id: CallId,
) -> StoreResult<Call> {
    let row: CallRow = sqlx::query_as(concat!(
        "SELECT ",
        call_cols!(),
        " FROM calls WHERE company_id = ? AND id = ?"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_one(&s.read)
    .await
    .map_err(map_err)?;
    row.into_model()
}

pub(crate) async fn search_customers(
    s: &SqliteStore,
    query: CustomerSearch,
) -> StoreResult<Vec<Customer>> {
    // SQLite's LIKE ignores case for ASCII letters only.
    let pattern = contains_pattern(query.text.trim());
    let rows: Vec<crate::rows::CustomerRow> = sqlx::query_as(concat!(
        "SELECT ",
        customer_cols!(),
        " FROM customers c WHERE c.company_id = ? AND (c.name LIKE ? ESCAPE '\\' \
         OR c.phone LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM members m \
         WHERE m.customer_id = c.id AND m.company_id = c.company_id \
         AND m.name LIKE ? ESCAPE '\\')) \
         ORDER BY c.name IS NULL, c.name, c.id LIMIT ?"
    ))
    .bind(query.company_id)
    .bind(&pattern)
    .bind(&pattern)
    .bind(&pattern)
    .bind(query.limit)
    .fetch_all(&s.read)
    .await
    .map_err(map_err)?;
    rows.into_iter()
        .map(crate::rows::CustomerRow::into_model)
        .collect()
}

pub(crate) async fn update_customer(
    s: &SqliteStore,
    company_id: CompanyId,
    id: CustomerId,
    name: Option<&str>,
    email: Option<&str>,
) -> StoreResult<Customer> {
    // The contract passes no `now`: updated_at is the server's current time.
    let row: crate::rows::CustomerRow = sqlx::query_as(concat!(
        "UPDATE customers SET name = ?, email = ?, updated_at = ? \
         WHERE company_id = ? AND id = ? RETURNING ",
        customer_cols!()
    ))
    .bind(name)
    .bind(email)
    .bind(Timestamp::now().as_second())
    .bind(company_id)
    .bind(id)
    .fetch_one(&s.write)
    .await
    .map_err(map_err)?;
    row.into_model()
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_are_literal() {
        assert_eq!(contains_pattern("ana"), "%ana%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(contains_pattern(""), "%%");
    }
}
