//! The iCalendar invitation an e-mail to a customer carries.

use frontdesk_engine::Engine;
use frontdesk_store::{Company, Notification};

/// The `.ics` for the message's booking, or `None` (a notice to the business, or a message
/// without a booking). `Err` is worth retrying (the booking could not be read).
pub async fn for_message(
    _engine: &Engine,
    _company: &Company,
    _message: &Notification,
) -> Result<Option<String>, String> {
    Ok(None)
}
