//! SMS providers calling: `POST /api/sms/twilio/status`, where Twilio reports what became of a
//! text message frontdesk sent (delivered, undelivered, failed), and `POST
//! /api/sms/twilio/inbound`, a text a customer sent (a yes confirms a place held for them).

pub mod twilio_inbound;
pub mod twilio_status;
