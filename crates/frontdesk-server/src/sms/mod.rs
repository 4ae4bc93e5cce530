//! SMS providers calling back: `POST /api/sms/twilio/status`, where Twilio reports what became
//! of a text message frontdesk sent (delivered, undelivered, failed).

pub mod twilio_status;
