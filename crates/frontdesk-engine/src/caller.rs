//! Who is acting: a company and, when the caller is known, their customer record. Every use
//! case that touches members or bookings is scoped by it, so one caller never sees another's.

use frontdesk_domain::{CompanyId, CustomerId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub company_id: CompanyId,
    /// E.164 number the caller called from, when known.
    pub phone: Option<String>,
    /// The caller's customer record; `None` for a caller the company does not know.
    pub customer_id: Option<CustomerId>,
}

impl Caller {
    /// A caller acting for a known customer.
    pub fn customer(company_id: CompanyId, customer_id: CustomerId, phone: Option<String>) -> Self {
        Caller {
            company_id,
            phone,
            customer_id: Some(customer_id),
        }
    }

    /// A caller the company does not know (yet).
    pub fn anonymous(company_id: CompanyId, phone: Option<String>) -> Self {
        Caller {
            company_id,
            phone,
            customer_id: None,
        }
    }
}
