//! `get_availability` (also called as `check_availability`).

use super::members::bad;
use crate::args::{AvailabilityRequest, DateWord, Hint};
use crate::results::{AvailabilityOutput, SlotOutput};
use crate::turn::{Problem, Reply, Turn};
use frontdesk_engine::{AvailabilityQuery, EngineError};
use jiff::civil::Date;

/// Most slots listed in one result; a month of a busy schedule would drown a voice agent.
const MAX_SLOTS: usize = 50;

impl Turn {
    pub async fn get_availability(&self, req: AvailabilityRequest) -> Result<Reply, Problem> {
        let date = req.date.optional("date")?;
        let date_from = req.date_from.optional("date_from")?;
        let date_to = req.date_to.optional("date_to")?;
        let service = req.service.optional("service")?;
        let level = req.level.optional("level")?;
        let wave_side = req.wave_side.optional("wave_side")?;
        let member_id = req.member_id.optional("member_id")?;

        let today = self.today().await?;
        let date = self.resolve(date, "date", today)?;
        let date_from = self.resolve(date_from, "date_from", today)?;
        let date_to = self.resolve(date_to, "date_to", today)?;
        let mut query = AvailabilityQuery::between(date, date_from, date_to, today);
        query.service = service;
        query.member_id = member_id;
        if let Some(level) = level {
            query.attributes.insert("level".into(), level);
        }
        if let Some(side) = wave_side {
            query.attributes.insert("wave_side".into(), side);
        }
        let availability = self.engine.availability(&self.caller, &query).await?;

        let out = AvailabilityOutput {
            date_from: availability.from.to_string(),
            date_to: availability.to.to_string(),
            time_zone: &availability.time_zone,
            ranked: availability.ranked,
            total: availability.slots.len(),
            truncated: availability.slots.len() > MAX_SLOTS,
            slots: availability
                .slots
                .iter()
                .take(MAX_SLOTS)
                .map(SlotOutput::from)
                .collect(),
            next_available: availability.next_available.as_ref().map(SlotOutput::from),
        };
        let member = match (availability.ranked, member_id) {
            (true, Some(id)) => self
                .engine
                .find_member(&self.caller, Some(id), None)
                .await
                .ok()
                .map(|m| m.name),
            _ => None,
        };
        Reply::new(&out, self.say().availability(&out, member.as_deref()))
    }
}

impl Turn {
    /// The day a caller's date word means in the business's language (or English, or ISO),
    /// relative to the business's `today`; a day already over is refused as passed.
    pub(crate) fn resolve(
        &self,
        word: Option<DateWord>,
        field: &'static str,
        today: Date,
    ) -> Result<Option<Date>, Problem> {
        word.map(|w| self.resolve_word(&w, field, today))
            .transpose()
    }

    /// [`Turn::resolve`] for a word that was given.
    pub(crate) fn resolve_word(
        &self,
        word: &DateWord,
        field: &'static str,
        today: Date,
    ) -> Result<Date, Problem> {
        let said = self
            .say()
            .locale()
            .parse_date(&word.0, today)
            .map_err(|_| Problem::from(bad(field, &word.0, Hint::Date)))?;
        if said.is_past() {
            let date = said.date();
            return Err(EngineError::DatePassed { field, date }.into());
        }
        Ok(said.date())
    }
}
