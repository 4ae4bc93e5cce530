//! The tools themselves: each reads its arguments, calls the engine once and says the answer.

mod availability;
mod bookings;
mod business;
mod members;
mod waitlist;
