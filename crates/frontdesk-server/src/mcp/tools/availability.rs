//! `get_availability` (also called as `check_availability`).

use super::members::bad;
use super::params::{AvailabilityRequest, DateWord, Hint};
use super::results::{AvailabilityOutput, SlotOutput};
use super::turn::{Problem, Reply, Turn};
use frontdesk_domain::parse_date;
use frontdesk_engine::AvailabilityQuery;
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
        let date = resolve(date, "date", today)?;
        let date_from = resolve(date_from, "date_from", today)?;
        let date_to = resolve(date_to, "date_to", today)?;
        let from = date_from.or(date).unwrap_or(today);
        let to = date_to.unwrap_or(from);

        let mut query = AvailabilityQuery::on(from);
        query.to = to;
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

pub(crate) fn resolve(
    word: Option<DateWord>,
    field: &'static str,
    today: Date,
) -> Result<Option<Date>, Problem> {
    word.map(|w| parse_date(&w.0, today).map_err(|_| bad(field, &w.0, Hint::Date).into()))
        .transpose()
}
