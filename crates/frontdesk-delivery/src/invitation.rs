//! The iCalendar invitation an e-mail to a customer carries (RFC 5545 / 5546): the booking's
//! event with its stable `UID` and `SEQUENCE`, `METHOD:REQUEST`, or `METHOD:CANCEL` when it
//! was cancelled; the business as `ORGANIZER`, the customer as `ATTENDEE`.

use frontdesk_engine::Engine;
use frontdesk_engine::calendar::{Party, invitation};
use frontdesk_store::{Company, Notification};

/// The `.ics`, or `None` (a notice to the business, a message without a booking). `Err` is
/// worth retrying (the booking could not be read).
pub async fn for_message(
    engine: &Engine,
    company: &Company,
    message: &Notification,
    from: &str,
) -> Result<Option<String>, String> {
    let to_business = message.payload.get("audience").and_then(|a| a.as_str()) == Some("business");
    if to_business {
        return Ok(None);
    }
    let Some((event, method)) = engine
        .message_event(message)
        .await
        .map_err(|e| format!("reading the booking for its invitation: {e}"))?
    else {
        return Ok(None);
    };
    let organizer = Party {
        name: Some(company.name.clone()),
        email: from.to_string(),
    };
    let attendee = Party {
        name: message
            .payload
            .get("customer_name")
            .and_then(|n| n.as_str())
            .map(str::to_string),
        email: message.recipient.clone(),
    };
    Ok(Some(invitation(
        &event,
        method,
        &organizer,
        Some(&attendee),
    )))
}
