//! `join_waitlist`, `get_waitlist`, `leave_waitlist`.

use super::members::bad;
use crate::args::{
    Arg, Hint, JoinWaitlistRequest, LeaveWaitlistRequest, TimeWord, WaitlistRequest,
};
use crate::results::{
    JoinWaitlistOutput, LeaveWaitlistOutput, WaitlistEntryOutput, WaitlistOutput,
};
use crate::turn::{Problem, Reply, Turn};
use frontdesk_domain::parse_time;
use frontdesk_engine::EngineError;
use jiff::civil::Time;

impl Turn {
    pub async fn join_waitlist(&mut self, req: JoinWaitlistRequest) -> Result<Reply, Problem> {
        let member_id = req.member_id.optional("member_id")?;
        let member_name = req.member_name.optional("member_name")?;
        let service = req.service.optional("service")?;
        let level = req.level.optional("level")?;
        let wave_side = req.wave_side.optional("wave_side")?;
        let date = req.date.optional("date")?;
        let date_from = req.date_from.optional("date_from")?;
        let date_to = req.date_to.optional("date_to")?;
        let time_from = optional_time(req.time_from, "time_from")?;
        let time_to = optional_time(req.time_to, "time_to")?;
        let auto_book = req.auto_book.optional("auto_book")?.unwrap_or(true);
        if self.caller.customer_id.is_none() {
            return Err(EngineError::UnknownCaller.into());
        }

        let today = self.today().await?;
        let date = self.resolve(date, "date", today)?;
        let date_from = self.resolve(date_from, "date_from", today)?;
        let date_to = self.resolve(date_to, "date_to", today)?;
        let Some(first) = date_from.or(date) else {
            return Err(crate::args::ArgProblem {
                field: "date",
                got: None,
                hint: Hint::Date,
            }
            .into());
        };
        let mut request = frontdesk_engine::waitlist::JoinWaitlistRequest::new(first);
        request.date_to = date_to;
        request.member_id = member_id;
        request.member_name = member_name;
        request.service = service;
        request.time_from = time_from;
        request.time_to = time_to;
        request.auto_book = auto_book;
        if let Some(level) = level {
            request.attributes.insert("level".into(), level);
        }
        if let Some(side) = wave_side {
            request.attributes.insert("wave_side".into(), side);
        }
        let result = self.engine.join_waitlist(&self.caller, request).await?;
        let out = JoinWaitlistOutput {
            entry: WaitlistEntryOutput::from(&result.entry),
            already_waiting: result.already_waiting,
        };
        Reply::new(&out, self.say().waitlist_joined(&out))
    }

    pub async fn get_waitlist(&self, req: WaitlistRequest) -> Result<Reply, Problem> {
        let member_id = req.member_id.optional("member_id")?;
        let member_name = req.member_name.optional("member_name")?;
        let member_id = match (member_id, member_name) {
            (Some(id), _) => Some(id),
            (None, Some(name)) if self.caller.customer_id.is_some() => Some(
                self.engine
                    .find_member(&self.caller, None, Some(&name))
                    .await?
                    .id,
            ),
            _ => None,
        };
        let entries = self.engine.waitlist(&self.caller, member_id).await?;
        let out = WaitlistOutput {
            member_id,
            count: entries.len(),
            entries: entries.iter().map(WaitlistEntryOutput::from).collect(),
        };
        Reply::new(&out, self.say().waitlist(&out))
    }

    pub async fn leave_waitlist(&self, req: LeaveWaitlistRequest) -> Result<Reply, Problem> {
        let entry_id = req.entry_id.required("entry_id")?;
        let result = self.engine.leave_waitlist(&self.caller, entry_id).await?;
        let out = LeaveWaitlistOutput {
            entry: WaitlistEntryOutput::from(&result.entry),
            already_left: result.already_left,
        };
        Reply::new(&out, self.say().waitlist_left(&out))
    }
}

fn optional_time(arg: Arg<TimeWord>, field: &'static str) -> Result<Option<Time>, Problem> {
    match arg.optional(field)? {
        Some(word) => Ok(Some(
            parse_time(&word.0).map_err(|_| bad(field, &word.0, Hint::Time))?,
        )),
        None => Ok(None),
    }
}
