//! Callers, customers, members and their preferences.

use crate::Engine;
use crate::caller::Caller;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use crate::text::{plain, plain_json};
use frontdesk_domain::{CompanyId, MemberId, MemberPreferences, PhoneNumber};
use frontdesk_store::{Company, Customer, Member, NewCustomer, NewMember, OptionalExt};

/// A caller recognised by phone number: who they are to the company, if anybody.
#[derive(Debug, Clone)]
pub struct Identified {
    pub caller: Caller,
    pub phone: PhoneNumber,
    pub customer: Option<Customer>,
    pub members: Vec<Member>,
}

impl Engine {
    pub async fn company(&self, id: CompanyId) -> EngineResult<Company> {
        self.store.get_company(id).await.or_not_found("company")
    }

    pub async fn company_by_slug(&self, slug: &str) -> EngineResult<Company> {
        // No company has such a slug, and PostgreSQL could not even be asked (U+0000).
        if plain("company", slug).is_err() {
            return Err(EngineError::NotFound { what: "company" });
        }
        self.store
            .get_company_by_slug(slug)
            .await
            .or_not_found("company")
    }

    pub async fn companies(&self) -> EngineResult<Vec<Company>> {
        Ok(self.store.list_companies().await?)
    }

    /// Normalises `raw_phone` in the company's region and finds the customer it belongs to.
    pub async fn identify(
        &self,
        company_id: CompanyId,
        raw_phone: &str,
    ) -> EngineResult<Identified> {
        let company = self.company(company_id).await?;
        let phone = PhoneNumber::parse(raw_phone, &company.phone_region)
            .map_err(|e| EngineError::InvalidPhone(e.to_string()))?;
        let customer = self
            .store
            .find_customer_by_phone(company_id, phone.as_str())
            .await
            .optional()?;
        let members = match &customer {
            Some(c) => self.store.list_members(company_id, c.id).await?,
            None => Vec::new(),
        };
        let caller = Caller {
            company_id,
            phone: Some(phone.as_str().to_string()),
            customer_id: customer.as_ref().map(|c| c.id),
        };
        Ok(Identified {
            caller,
            phone,
            customer,
            members,
        })
    }

    /// Registers an unknown caller as a customer with one member (themselves), when the
    /// company's policy lets new callers book. Returns the caller as a known customer.
    pub async fn register_caller(&self, caller: &Caller, name: &str) -> EngineResult<Caller> {
        if caller.customer_id.is_some() {
            return Ok(caller.clone());
        }
        let company = self.company(caller.company_id).await?;
        if !company.policy.allow_unknown_callers {
            return Err(EngineError::UnknownCaller);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(EngineError::invalid(
                "name",
                "send the caller's full name (1 to 120 characters)",
            ));
        }
        plain("name", name)?;
        let phone = caller.phone.clone().ok_or_else(|| {
            EngineError::invalid("caller_id", "the caller's phone number is unknown")
        })?;
        let customer = self
            .store
            .upsert_customer(NewCustomer {
                company_id: caller.company_id,
                phone: phone.clone(),
                name: Some(name.to_string()),
                email: None,
                has_linked_account: false,
                now: self.now(),
            })
            .await?;
        self.store
            .upsert_member(NewMember {
                id: None,
                company_id: caller.company_id,
                customer_id: customer.id,
                name: name.to_string(),
                level: None,
                max_active_bookings: None,
                relationship: Some("self".into()),
            })
            .await?;
        Ok(Caller::customer(
            caller.company_id,
            customer.id,
            Some(phone),
        ))
    }

    /// The caller's members; empty for a caller the company does not know.
    pub async fn members(&self, caller: &Caller) -> EngineResult<Vec<Member>> {
        match caller.customer_id {
            Some(customer_id) => Ok(self
                .store
                .list_members(caller.company_id, customer_id)
                .await?),
            None => Ok(Vec::new()),
        }
    }

    /// One of the caller's members, named by id or by name (or the caller's only member when
    /// neither is given); another customer's member is "member not found".
    pub async fn find_member(
        &self,
        caller: &Caller,
        member_id: Option<MemberId>,
        member_name: Option<&str>,
    ) -> EngineResult<Member> {
        self.resolve_member(caller, member_id, member_name)
            .await?
            .ok_or(EngineError::NotFound { what: "member" })
    }

    pub async fn member_preferences(
        &self,
        caller: &Caller,
        member_id: MemberId,
    ) -> EngineResult<MemberPreferences> {
        let member = self.member_of(caller, member_id).await?;
        Ok(self
            .store
            .get_member_preferences(member.id)
            .await
            .optional()?
            .unwrap_or_default())
    }

    pub async fn set_member_preferences(
        &self,
        caller: &Caller,
        member_id: MemberId,
        preferences: MemberPreferences,
    ) -> EngineResult<MemberPreferences> {
        let member = self.member_of(caller, member_id).await?;
        validate_preferences(&preferences)?;
        // Auto-booking rides on the waitlist: its entries follow the saved preferences.
        let entries = self
            .preference_entries(caller, &member, &preferences)
            .await?;
        self.store
            .set_member_preferences(member.id, &preferences, self.now())
            .await?;
        self.set_preference_entries(caller, &member, entries)
            .await?;
        Ok(preferences)
    }
}

fn validate_preferences(p: &MemberPreferences) -> EngineResult<()> {
    let value = serde_json::to_value(p).map_err(|e| EngineError::Internal(e.to_string()))?;
    plain_json("preferences", &value)?;
    let too_many = p.services.len() > 50
        || p.attributes.len() > 20
        || p.attributes.values().any(|v| v.len() > 50)
        || p.target_hours.len() > 48
        || p.target_weekdays.len() > 7
        || p.target_dates.len() > 62;
    if too_many {
        return Err(EngineError::invalid(
            "preferences",
            "too many values in one preference list",
        ));
    }
    if let Some(bad) = p
        .target_weekdays
        .iter()
        .find(|w| frontdesk_domain::dates::weekday_from_word(w).is_none())
    {
        return Err(EngineError::invalid(
            "target_weekdays",
            format!("{bad:?} is not a weekday name"),
        ));
    }
    if p.notes.as_ref().is_some_and(|n| n.len() > 1000) {
        return Err(EngineError::invalid(
            "notes",
            "notes may be at most 1000 characters",
        ));
    }
    Ok(())
}
