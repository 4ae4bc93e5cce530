//! Voice agents and inbound numbers: how a call from a provider finds its company, and the
//! agents a company runs there. Adapters look these up through the engine, never the store.

use crate::Engine;
use crate::calls::RETELL;
use crate::error::EngineResult;
use frontdesk_domain::CompanyId;
use frontdesk_store::{Agent, Company, NewAgent, OptionalExt};

impl Engine {
    /// Records an agent the provider confirmed for a company (created, or updated when the
    /// provider's id is known), so later events and function calls naming its `agent_id` are
    /// matched to the company.
    pub async fn remember_agent(&self, new: NewAgent) -> EngineResult<Agent> {
        Ok(self.store.upsert_agent(new).await?)
    }

    /// The company running the Retell agent `agent_id`, if the agent is known.
    pub async fn retell_agent_company(&self, agent_id: &str) -> EngineResult<Option<Company>> {
        match self.store.find_agent(RETELL, agent_id).await.optional()? {
            Some(agent) => Ok(Some(self.company(agent.company_id).await?)),
            None => Ok(None),
        }
    }

    /// The company with a branch answering `number` (E.164, as branches store it), if any.
    pub async fn company_by_number(&self, number: &str) -> EngineResult<Option<Company>> {
        match self.store.find_branch_by_phone(number).await.optional()? {
            Some(branch) => Ok(Some(self.company(branch.company_id).await?)),
            None => Ok(None),
        }
    }

    /// The company's own number: the first number of its first branch (lowest id), if it
    /// has one. Read from the store, not the catalogue cache, so a number just imported is
    /// seen.
    pub async fn company_phone_number(
        &self,
        company_id: CompanyId,
    ) -> EngineResult<Option<String>> {
        Ok(self
            .store
            .list_branches(company_id)
            .await?
            .into_iter()
            .min_by_key(|b| b.id)
            .and_then(|b| b.phone_numbers.into_iter().next()))
    }
}

#[cfg(test)]
mod tests {
    use crate::prompts::demo_engine;
    use frontdesk_store::NewAgent;

    #[tokio::test]
    async fn a_remembered_agent_and_a_branch_number_name_their_company() {
        let (engine, _dir) = demo_engine().await;
        let company = engine.company_by_slug("askproai-demo").await.expect("demo");
        assert!(
            engine
                .retell_agent_company("agent_x")
                .await
                .expect("lookup")
                .is_none()
        );
        engine
            .remember_agent(NewAgent {
                company_id: company.id,
                provider: "retell".into(),
                external_id: "agent_x".into(),
                name: Some("Desk".into()),
                llm_id: None,
                webhook_url: None,
            })
            .await
            .expect("remembered");
        let by_agent = engine
            .retell_agent_company("agent_x")
            .await
            .expect("lookup");
        assert_eq!(by_agent.map(|c| c.id), Some(company.id));

        let by_number = engine
            .company_by_number("+493083793369")
            .await
            .expect("lookup");
        assert_eq!(by_number.map(|c| c.id), Some(company.id));
        assert!(
            engine
                .company_by_number("+0")
                .await
                .expect("lookup")
                .is_none()
        );
        assert_eq!(
            engine
                .company_phone_number(company.id)
                .await
                .expect("number")
                .as_deref(),
            Some("+493083793369")
        );
    }
}
