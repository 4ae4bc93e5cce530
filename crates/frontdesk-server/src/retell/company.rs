//! Which company a Retell call is for, and who the caller is.
//!
//! A call names its company in these ways, tried in this order: the Retell `agent_id` (agents
//! are recorded per company when `retell_config.getWebhook` or `updateWebhook` sees them), the
//! business's own number (an inbound call's `to_number`, an outbound call's `from_number`,
//! matched against the branches' inbound numbers), the `company` query parameter of the URL (a
//! slug or a numeric id; one that names no company ends the search), and the `call_id` of a
//! call recorded earlier (its `call_started` webhook, or an earlier function call, named the
//! company). When none of them does — the document's `{"function_name", "call_id",
//! "parameters"}` form before any webhook, args at root, web calls — the company is the one
//! whose Retell API key verifies the request's signature ([`super::admit`]). Whichever way is
//! used, the signature must verify with that company's key, so naming a company gives no
//! access to it.

use frontdesk_conversation::calls::CallParty;
use frontdesk_engine::{Engine, EngineError, EngineResult};
use frontdesk_store::{Call, Company};
use serde_json::Value;

/// How the company was found (logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    Agent,
    Number,
    Query,
    /// A call recorded under the request's `call_id`.
    Call,
    /// The only key the signature verifies with.
    Signature,
}

/// Reads Retell's call object; fields that are absent or not strings are `None`.
pub fn party_from_call(call: &Value) -> CallParty {
    CallParty {
        call_id: text(call, "call_id"),
        agent_id: text(call, "agent_id"),
        from_number: text(call, "from_number"),
        to_number: text(call, "to_number"),
        direction: text(call, "direction"),
    }
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            Some(s.trim().chars().take(200).collect())
        }
        _ => None,
    }
}

/// The company of a call (see the module docs); `None` when nothing names a known company.
pub async fn find_company(
    engine: &Engine,
    party: &CallParty,
    query_company: Option<&str>,
) -> EngineResult<Option<(Company, FoundBy)>> {
    if let Some(agent_id) = &party.agent_id
        && let Some(company) = engine.retell_agent_company(agent_id).await?
    {
        return Ok(Some((company, FoundBy::Agent)));
    }
    if let Some(number) = party.business_number().and_then(e164)
        && let Some(company) = engine.company_by_number(&number).await?
    {
        return Ok(Some((company, FoundBy::Number)));
    }
    if let Some(wanted) = query_company.map(str::trim).filter(|c| !c.is_empty()) {
        let found = match wanted.parse::<i64>() {
            Ok(id) => engine.company(id).await,
            Err(_) => engine.company_by_slug(wanted).await,
        };
        return match found {
            Ok(company) => Ok(Some((company, FoundBy::Query))),
            Err(EngineError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        };
    }
    if let Some(call_id) = &party.call_id
        && let Some(company) = engine.retell_call_company(call_id).await?
    {
        return Ok(Some((company, FoundBy::Call)));
    }
    Ok(None)
}

/// A number as branches store them: E.164, `+` and digits only. Retell sends E.164 already;
/// spaces, dashes, dots and parentheses are tolerated. A number without `+` is not looked up
/// (without a country it could match the wrong business).
fn e164(raw: &str) -> Option<String> {
    let kept: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = kept.strip_prefix('+')?;
    (!digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(kept)
}

/// The call recorded under Retell's `call_id` for the company, if any.
pub async fn recorded_call(
    engine: &Engine,
    company: &Company,
    call_id: &str,
) -> EngineResult<Option<Call>> {
    engine.retell_call(company.id, call_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_business_and_the_customer_swap_on_an_outbound_call() {
        let inbound = party_from_call(
            &json!({"call_id": "c", "from_number": "+491234567890", "to_number": "+493083793369"}),
        );
        assert_eq!(inbound.business_number(), Some("+493083793369"));
        assert_eq!(inbound.customer_number(), Some("+491234567890"));
        let outbound = CallParty {
            direction: Some("outbound".into()),
            ..inbound
        };
        assert_eq!(outbound.business_number(), Some("+491234567890"));
        assert_eq!(outbound.customer_number(), Some("+493083793369"));
    }

    #[test]
    fn only_international_numbers_are_looked_up() {
        assert_eq!(e164("+49 30 8379-3369").as_deref(), Some("+493083793369"));
        assert_eq!(e164("030 83793369"), None);
        assert_eq!(e164("+"), None);
        assert_eq!(e164("+49abc"), None);
    }

    #[test]
    fn blank_and_non_string_fields_are_absent() {
        let party = party_from_call(&json!({"call_id": " ", "agent_id": 7, "to_number": "+1"}));
        assert_eq!(party.call_id, None);
        assert_eq!(party.agent_id, None);
        assert_eq!(party.to_number.as_deref(), Some("+1"));
    }
}
