//! `get_members`, `get_member_preferences`, `set_member_preferences`.

use crate::args::{Arg, ArgProblem, Hint, MemberRequest, SetPreferencesRequest};
use crate::results::{MemberOutput, MembersOutput, PreferencesData, PreferencesOutput};
use crate::turn::{Problem, Reply, Turn};
use frontdesk_domain::preferences::weekday_name;
use frontdesk_domain::schedule::ClockTime;
use frontdesk_domain::{MemberPreferences, parse_date, parse_time};
use frontdesk_store::Member;

impl Turn {
    pub async fn get_members(&self) -> Result<Reply, Problem> {
        let members = self.engine.members(&self.caller).await?;
        let out = MembersOutput {
            known_caller: self.caller.customer_id.is_some(),
            members: members.iter().map(MemberOutput::from).collect(),
        };
        Reply::new(&out, self.say().members(&out))
    }

    pub async fn get_member_preferences(&self, req: MemberRequest) -> Result<Reply, Problem> {
        let member = self.member(req.member_id, req.member_name).await?;
        let preferences = self
            .engine
            .member_preferences(&self.caller, member.id)
            .await?;
        let out = preferences_output(&member, &preferences);
        Reply::new(&out, self.say().preferences(&out, false))
    }

    /// Merges what was sent into the saved preferences: a field left out keeps its value.
    pub async fn set_member_preferences(
        &self,
        req: SetPreferencesRequest,
    ) -> Result<Reply, Problem> {
        let services = req.services.optional("services")?;
        let attributes = req.attributes.optional("attributes")?;
        let level = req.level.optional("level")?;
        let wave_side = req.wave_side.optional("wave_side")?;
        let hours = req
            .target_hours
            .optional_as("target_hours", Hint::TimeList)?;
        let weekdays = req
            .target_weekdays
            .optional_as("target_weekdays", Hint::Weekdays)?;
        let dates = req
            .target_dates
            .optional_as("target_dates", Hint::DateList)?;
        let notes = req.notes.optional("notes")?;
        let auto_book = req.auto_book.optional("auto_book")?;

        let hours = hours
            .map(|hours| {
                hours
                    .iter()
                    .map(|h| {
                        parse_time(h)
                            .map(ClockTime)
                            .map_err(|_| bad("target_hours", h, Hint::TimeList))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let weekdays = weekdays
            .map(|days| {
                days.iter()
                    .map(|d| {
                        // In the business's language or English; stored as the English name.
                        self.say()
                            .locale()
                            .weekday_named(d)
                            .map(|w| weekday_name(w).to_string())
                            .ok_or_else(|| bad("target_weekdays", d, Hint::Weekdays))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let dates = match dates {
            Some(words) => {
                let today = self.today().await?;
                Some(
                    words
                        .iter()
                        .map(|w| {
                            parse_date(w, today).map_err(|_| bad("target_dates", w, Hint::DateList))
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                )
            }
            None => None,
        };

        let member = self.member(req.member_id, req.member_name).await?;
        let mut preferences = self
            .engine
            .member_preferences(&self.caller, member.id)
            .await?;
        if let Some(services) = services {
            preferences.services = services;
        }
        let shortcuts = [("level", level), ("wave_side", wave_side)];
        let attributes = attributes.unwrap_or_default().into_iter().chain(
            shortcuts
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_string(), v?))),
        );
        for (key, values) in attributes {
            if values.is_empty() {
                preferences.attributes.remove(&key);
            } else {
                preferences.attributes.insert(key, values);
            }
        }
        if let Some(hours) = hours {
            preferences.target_hours = hours;
        }
        if let Some(weekdays) = weekdays {
            preferences.target_weekdays = weekdays;
        }
        if let Some(dates) = dates {
            preferences.target_dates = dates;
        }
        if let Some(notes) = notes {
            preferences.notes = Some(notes);
        }
        if let Some(auto_book) = auto_book {
            preferences.auto_book = auto_book;
        }
        let saved = self
            .engine
            .set_member_preferences(&self.caller, member.id, preferences)
            .await?;
        let out = preferences_output(&member, &saved);
        Reply::new(&out, self.say().preferences(&out, true))
    }

    /// The member named by id or name, or the caller's only member.
    pub async fn member(&self, id: Arg<i64>, name: Arg<String>) -> Result<Member, Problem> {
        let id = id.optional("member_id")?;
        let name = name.optional("member_name")?;
        Ok(self
            .engine
            .find_member(&self.caller, id, name.as_deref())
            .await?)
    }
}

fn preferences_output(member: &Member, preferences: &MemberPreferences) -> PreferencesOutput {
    PreferencesOutput {
        member_id: member.id,
        member: member.name.clone(),
        empty: preferences.is_empty(),
        preferences: PreferencesData::from(preferences),
    }
}

pub(crate) fn bad(field: &'static str, got: &str, hint: Hint) -> ArgProblem {
    ArgProblem {
        field,
        got: Some(got.chars().take(40).collect()),
        hint,
    }
}
