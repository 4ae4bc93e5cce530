//! The operator console: operators and their sessions, the tool calls agents made during
//! calls, and the console's lists of calls and customers.

use crate::bookings::booking_list_query;
use crate::rows::{
    BookingRow, CallRow, CustomerRow, JsonValue, convert_all, opt_ts, parse_json, parse_text, ts,
};
use crate::{begin, commit, map_err};
use frontdesk_domain::*;
use frontdesk_store::*;
use jiff::Timestamp;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

// ---- rows ----------------------------------------------------------------------------------

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
            role: parse_text(&self.role, "operators.role")?,
            password_hash: self.password_hash,
            language: self.language,
            created_at: ts(self.created_at, "operators.created_at")?,
            disabled_at: opt_ts(self.disabled_at, "operators.disabled_at")?,
        })
    }
}

/// A session (`s`) with its operator's columns (`o`, under their own names).
const SESSION_COLS: &str = "s.id AS session_id, s.csrf_token, s.created_at AS session_created_at,
     s.expires_at, o.*";

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
            created_at: ts(self.session_created_at, "operator_sessions.created_at")?,
            expires_at: ts(self.expires_at, "operator_sessions.expires_at")?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ToolCallRow {
    id: i64,
    company_id: i64,
    provider: String,
    call_external_id: String,
    tool: String,
    arguments: JsonValue,
    result: JsonValue,
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
            arguments: parse_json(self.arguments, "call_tool_calls.arguments")?,
            result: parse_json(self.result, "call_tool_calls.result")?,
            error_code: self.error_code,
            at: ts(self.at, "call_tool_calls.at")?,
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
                created_at: ts(created_at, "customers.created_at")?,
            }),
            _ => None,
        };
        Ok(CallSummary {
            call: self.call.into_model()?,
            customer,
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

// ---- operators -----------------------------------------------------------------------------

pub(crate) async fn create_operator(pool: &PgPool, new: NewOperator) -> StoreResult<Operator> {
    sqlx::query_as::<_, OperatorRow>(
        "INSERT INTO operators (company_id, email, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(&new.email)
    .bind(new.role.as_str())
    .bind(&new.password_hash)
    .bind(new.now.as_second())
    .fetch_one(pool)
    .await
    // The only unique constraint on operators is the e-mail's; an unknown company stays the
    // foreign-key conflict it is.
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict("operator e-mail exists".into())
        }
        _ => map_err(e),
    })?
    .into_model()
}

pub(crate) async fn list_operators(
    pool: &PgPool,
    company_id: CompanyId,
) -> StoreResult<Vec<Operator>> {
    let rows = sqlx::query_as::<_, OperatorRow>(
        "SELECT * FROM operators WHERE company_id = $1 ORDER BY email, id",
    )
    .bind(company_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, OperatorRow::into_model)
}

pub(crate) async fn find_operator_by_email(pool: &PgPool, email: &str) -> StoreResult<Operator> {
    sqlx::query_as::<_, OperatorRow>("SELECT * FROM operators WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn get_operator(
    pool: &PgPool,
    company_id: CompanyId,
    id: i64,
) -> StoreResult<Operator> {
    sqlx::query_as::<_, OperatorRow>("SELECT * FROM operators WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

/// Ends every session of the operator not ended yet, at `now`.
async fn end_sessions(
    conn: &mut PgConnection,
    operator_id: i64,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE operator_sessions SET revoked_at = $2
         WHERE operator_id = $1 AND revoked_at IS NULL",
    )
    .bind(operator_id)
    .bind(now.as_second())
    .execute(conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

pub(crate) async fn set_operator_disabled(
    pool: &PgPool,
    company_id: CompanyId,
    id: i64,
    disabled_at: Option<Timestamp>,
) -> StoreResult<Operator> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query_as::<_, OperatorRow>(
        "UPDATE operators SET disabled_at = $3 WHERE company_id = $1 AND id = $2 RETURNING *",
    )
    .bind(company_id)
    .bind(id)
    .bind(disabled_at.map(Timestamp::as_second))
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    if let Some(now) = disabled_at {
        end_sessions(&mut tx, id, now).await?;
    }
    commit(tx).await?;
    row.into_model()
}

pub(crate) async fn set_operator_password(
    pool: &PgPool,
    company_id: CompanyId,
    id: i64,
    password_hash: &str,
) -> StoreResult<Operator> {
    // The contract passes no `now`: the sessions end at the server's current time.
    let now = Timestamp::now();
    let mut tx = begin(pool).await?;
    let row = sqlx::query_as::<_, OperatorRow>(
        "UPDATE operators SET password_hash = $3 WHERE company_id = $1 AND id = $2 RETURNING *",
    )
    .bind(company_id)
    .bind(id)
    .bind(password_hash)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?;
    end_sessions(&mut tx, id, now).await?;
    commit(tx).await?;
    row.into_model()
}

pub(crate) async fn set_operator_language(
    pool: &PgPool,
    company_id: CompanyId,
    id: i64,
    language: Option<&str>,
) -> StoreResult<Operator> {
    sqlx::query_as::<_, OperatorRow>(
        "UPDATE operators SET language = $3 WHERE company_id = $1 AND id = $2 RETURNING *",
    )
    .bind(company_id)
    .bind(id)
    .bind(language)
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

// ---- operator sessions ---------------------------------------------------------------------

pub(crate) async fn create_operator_session(
    pool: &PgPool,
    new: NewOperatorSession,
) -> StoreResult<OperatorSession> {
    // Selecting through `operators` turns an unknown operator into "no row" (NotFound)
    // instead of a foreign-key failure; the session comes back with its operator.
    sqlx::query_as::<_, SessionRow>(&format!(
        "WITH s AS (
             INSERT INTO operator_sessions
                 (operator_id, token_hash, csrf_token, created_at, expires_at)
             SELECT id, $2, $3, $4, $5 FROM operators WHERE id = $1
             RETURNING *
         )
         SELECT {SESSION_COLS} FROM s JOIN operators o ON o.id = s.operator_id"
    ))
    .bind(new.operator_id)
    .bind(&new.token_hash)
    .bind(&new.csrf_token)
    .bind(new.now.as_second())
    .bind(new.expires_at.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn find_operator_session(
    pool: &PgPool,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<OperatorSession> {
    sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLS} FROM operator_sessions s
         JOIN operators o ON o.id = s.operator_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
           AND o.disabled_at IS NULL"
    ))
    .bind(token_hash)
    .bind(now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

/// Ending again keeps the first end; an unknown token changes nothing and is not an error.
pub(crate) async fn revoke_operator_session(
    pool: &PgPool,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE operator_sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE token_hash = $1",
    )
    .bind(token_hash)
    .bind(now.as_second())
    .execute(pool)
    .await
    .map_err(map_err)?;
    Ok(())
}

// ---- tool calls ----------------------------------------------------------------------------

pub(crate) async fn record_call_tool_call(
    pool: &PgPool,
    new: NewCallToolCall,
) -> StoreResult<CallToolCall> {
    sqlx::query_as::<_, ToolCallRow>(
        "INSERT INTO call_tool_calls
             (company_id, provider, call_external_id, tool, arguments, result, error_code, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING *",
    )
    .bind(new.company_id)
    .bind(&new.provider)
    .bind(&new.call_external_id)
    .bind(&new.tool)
    .bind(Json(&new.arguments))
    .bind(Json(&new.result))
    .bind(&new.error_code)
    .bind(new.now.as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
}

pub(crate) async fn list_call_tool_calls(
    pool: &PgPool,
    company_id: CompanyId,
    provider: &str,
    call_external_id: &str,
) -> StoreResult<Vec<CallToolCall>> {
    let rows = sqlx::query_as::<_, ToolCallRow>(
        "SELECT * FROM call_tool_calls
         WHERE company_id = $1 AND provider = $2 AND call_external_id = $3
         ORDER BY id",
    )
    .bind(company_id)
    .bind(provider)
    .bind(call_external_id)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, ToolCallRow::into_model)
}

// ---- calls and customers -------------------------------------------------------------------

/// The bookings `list_bookings` lists for `query`, with their names, in one query.
pub(crate) async fn desk_bookings(
    pool: &PgPool,
    query: &BookingQuery,
) -> StoreResult<Vec<DeskBooking>> {
    let mut sql = booking_list_query(
        "SELECT b.*, m.name AS member_name, cu.name AS customer_name, \
         cu.phone AS customer_phone FROM bookings b \
         LEFT JOIN members m ON m.id = b.member_id AND m.company_id = b.company_id \
         JOIN customers cu ON cu.id = b.customer_id AND cu.company_id = b.company_id",
        query,
    );
    let rows = sql
        .build_query_as::<DeskBookingRow>()
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    convert_all(rows, DeskBookingRow::into_model)
}

pub(crate) async fn list_calls(pool: &PgPool, query: CallQuery) -> StoreResult<Vec<CallSummary>> {
    let rows = sqlx::query_as::<_, CallSummaryRow>(
        "SELECT c.*, cu.id AS cu_id, cu.company_id AS cu_company_id, cu.phone AS cu_phone,
                cu.name AS cu_name, cu.email AS cu_email,
                cu.has_linked_account AS cu_has_linked_account, cu.created_at AS cu_created_at
         FROM calls c
         LEFT JOIN customers cu ON cu.id = c.customer_id AND cu.company_id = c.company_id
         WHERE c.company_id = $1 AND ($2::BIGINT IS NULL OR c.created_at < $2)
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT $3",
    )
    .bind(query.company_id)
    .bind(query.before.map(Timestamp::as_second))
    .bind(query.limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, CallSummaryRow::into_model)
}

pub(crate) async fn get_call_by_id(
    pool: &PgPool,
    company_id: CompanyId,
    id: CallId,
) -> StoreResult<Call> {
    sqlx::query_as::<_, CallRow>("SELECT * FROM calls WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(map_err)?
        .into_model()
}

pub(crate) async fn search_customers(
    pool: &PgPool,
    query: CustomerSearch,
) -> StoreResult<Vec<Customer>> {
    let rows = sqlx::query_as::<_, CustomerRow>(
        "SELECT c.* FROM customers c
         WHERE c.company_id = $1
           AND (c.name ILIKE $2 ESCAPE '\\' OR c.phone ILIKE $2 ESCAPE '\\'
                OR EXISTS (SELECT 1 FROM members m
                           WHERE m.customer_id = c.id AND m.company_id = c.company_id
                             AND m.name ILIKE $2 ESCAPE '\\'))
         ORDER BY c.name NULLS LAST, c.id
         LIMIT $3",
    )
    .bind(query.company_id)
    .bind(contains_pattern(query.text.trim()))
    .bind(query.limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    convert_all(rows, CustomerRow::into_model)
}

pub(crate) async fn update_customer(
    pool: &PgPool,
    company_id: CompanyId,
    id: CustomerId,
    name: Option<&str>,
    email: Option<&str>,
) -> StoreResult<Customer> {
    // The contract passes no `now`: updated_at is the server's current time.
    sqlx::query_as::<_, CustomerRow>(
        "UPDATE customers SET name = $3, email = $4, updated_at = $5
         WHERE company_id = $1 AND id = $2
         RETURNING *",
    )
    .bind(company_id)
    .bind(id)
    .bind(name)
    .bind(email)
    .bind(Timestamp::now().as_second())
    .fetch_one(pool)
    .await
    .map_err(map_err)?
    .into_model()
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
