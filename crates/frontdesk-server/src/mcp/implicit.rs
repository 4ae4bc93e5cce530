//! Sessions opened implicitly for voice platforms that can only send static headers
//! (`X-API-Key` and `X-Caller-Id` on every request): the first request opens a caller
//! session, later ones from the same caller reuse it until it ends.

use frontdesk_domain::CompanyId;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct ImplicitSessions {
    tokens: Mutex<HashMap<(CompanyId, String), String>>,
}

impl ImplicitSessions {
    pub fn token(&self, company_id: CompanyId, caller_id: &str) -> Option<String> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(company_id, caller_id.to_string()))
            .cloned()
    }

    pub fn remember(&self, company_id: CompanyId, caller_id: &str, token: String) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded: a flood of distinct caller ids cannot grow this without limit.
        if tokens.len() >= 100_000 {
            tokens.clear();
        }
        tokens.insert((company_id, caller_id.to_string()), token);
    }
}
