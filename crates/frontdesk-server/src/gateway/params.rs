//! Reading a method's named parameters, with the `-32602 Invalid params` answers the document
//! shows: `data.details` names the parameter and says what is wrong
//! ("Missing required parameter: phone", "Invalid parameter appointment_id: expected an
//! integer").

use super::error::GatewayError;
use frontdesk_domain::{CompanyId, parse_time};
use frontdesk_engine::Engine;
use jiff::civil::{Date, Time};
use serde_json::{Map, Value};

/// A method's `params` object (absent `params` reads as an empty object).
#[derive(Debug, Clone, Default)]
pub struct Params(pub Map<String, Value>);

pub fn missing(name: &str) -> GatewayError {
    GatewayError::InvalidParams(format!("Missing required parameter: {name}"))
}

pub fn invalid(name: &str, expected: &str) -> GatewayError {
    GatewayError::InvalidParams(format!("Invalid parameter {name}: expected {expected}"))
}

impl Params {
    /// Present and not `null`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    pub fn str(&self, name: &str) -> Result<Option<String>, GatewayError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) if s.len() > 2000 => {
                Err(invalid(name, "a string of at most 2000 characters"))
            }
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            // A phone number or a code sent as a number is still what the caller meant.
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(invalid(name, "a string")),
        }
    }

    pub fn required_str(&self, name: &str) -> Result<String, GatewayError> {
        self.str(name)?.ok_or_else(|| missing(name))
    }

    /// An integer, also when sent as a string of digits (`"12345"`).
    pub fn i64(&self, name: &str) -> Result<Option<i64>, GatewayError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| invalid(name, "an integer")),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| invalid(name, "an integer")),
            Some(_) => Err(invalid(name, "an integer")),
        }
    }

    pub fn required_i64(&self, name: &str) -> Result<i64, GatewayError> {
        self.i64(name)?.ok_or_else(|| missing(name))
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, GatewayError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(invalid(name, "true or false")),
        }
    }

    /// A date as `YYYY-MM-DD` or a date word in the business's language or English
    /// (`today`, `tomorrow`, `monday`, `morgen`, `21 de novembro`), relative to today at the
    /// business (`Engine::read_date`).
    pub async fn date(
        &self,
        name: &str,
        engine: &Engine,
        company_id: CompanyId,
    ) -> Result<Option<Date>, GatewayError> {
        match self.str(name)? {
            None => Ok(None),
            Some(text) => engine
                .read_date(company_id, &text)
                .await?
                .map(|said| Some(said.date()))
                .map_err(|e| GatewayError::InvalidParams(format!("Invalid parameter {name}: {e}"))),
        }
    }

    pub async fn required_date(
        &self,
        name: &str,
        engine: &Engine,
        company_id: CompanyId,
    ) -> Result<Date, GatewayError> {
        self.date(name, engine, company_id)
            .await?
            .ok_or_else(|| missing(name))
    }

    /// A time as `HH:MM` (24-hour).
    pub fn required_time(&self, name: &str) -> Result<Time, GatewayError> {
        let text = self.required_str(name)?;
        parse_time(&text)
            .map_err(|e| GatewayError::InvalidParams(format!("Invalid parameter {name}: {e}")))
    }

    pub fn time(&self, name: &str) -> Result<Option<Time>, GatewayError> {
        match self.str(name)? {
            None => Ok(None),
            Some(_) => self.required_time(name).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Params {
        Params(v.as_object().cloned().unwrap_or_default())
    }

    #[test]
    fn a_missing_parameter_is_named_as_the_document_shows() {
        let err = params(json!({}))
            .required_str("company_id")
            .expect_err("missing");
        assert_eq!(
            err,
            GatewayError::InvalidParams("Missing required parameter: company_id".into())
        );
        assert_eq!(err.code(), -32602);
        let null = params(json!({ "phone": null }))
            .required_str("phone")
            .expect_err("null is missing");
        assert_eq!(null, missing("phone"));
    }

    #[test]
    fn integers_may_come_as_numbers_or_digit_strings() {
        let p = params(json!({ "a": 12345, "b": "678", "c": "x", "d": 1.5, "e": true }));
        assert_eq!(p.i64("a").expect("a"), Some(12345));
        assert_eq!(p.i64("b").expect("b"), Some(678));
        for bad in ["c", "d", "e"] {
            assert_eq!(p.i64(bad).expect_err(bad), invalid(bad, "an integer"));
        }
    }

    /// Date words are read in the business's language (AskProAI speaks German) or English.
    #[tokio::test]
    async fn dates_accept_iso_dates_and_date_words_in_the_business_language() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("fd.db").display());
        let store = frontdesk_store_sqlite::SqliteStore::connect(&url)
            .await
            .expect("store");
        let engine = Engine::new(std::sync::Arc::new(store));
        let demo = engine.load_demo().await.expect("demo");
        let askpro = demo
            .iter()
            .find(|d| d.company.slug == "askproai-demo")
            .expect("askproai")
            .company
            .id;
        let today = engine.today(askpro).await.expect("today");
        let tomorrow = today.tomorrow().expect("tomorrow");
        let p = params(
            json!({ "a": "2026-11-23", "b": "tomorrow", "m": "Morgen", "c": "soon",
                               "t": "9:30", "u": "25:00" }),
        );
        let read = |name: &'static str| p.date(name, &engine, askpro);
        assert_eq!(
            read("a").await.expect("a"),
            Some(jiff::civil::date(2026, 11, 23))
        );
        assert_eq!(read("b").await.expect("b"), Some(tomorrow));
        assert_eq!(read("m").await.expect("m"), Some(tomorrow));
        assert!(
            matches!(read("c").await, Err(GatewayError::InvalidParams(d)) if d.starts_with("Invalid parameter c:"))
        );
        assert_eq!(
            p.required_time("t").expect("t"),
            jiff::civil::time(9, 30, 0, 0)
        );
        assert!(p.required_time("u").is_err());
    }
}
