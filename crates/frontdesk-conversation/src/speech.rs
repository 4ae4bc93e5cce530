//! The one short text each tool answer carries, in the business's language, for a voice agent
//! to read aloud as it is.
//!
//! Every sentence is a Fluent message in `locales/<tag>/frontdesk-conversation.ftl`; the ids used
//! here are checked at compile time (`fl!`). Dates, weekday and month names and lists come from
//! the locale's ICU4X formatters (`frontdesk_locale`). Texts are for the ear: dates are spoken
//! ("sábado, 21 de novembro às 08:00"), ids are left to the structured result, lists are cut
//! after a few items. Error texts also tell the agent what to send instead; argument names stay
//! literal so the agent can act on them.

use crate::args::Hint;
use crate::results::{
    AvailabilityOutput, BookOutput, BookingOutput, BookingsOutput, BusinessOutput, CancelOutput,
    JoinWaitlistOutput, LeaveWaitlistOutput, MembersOutput, PreferencesOutput, RescheduleOutput,
    SlotOutput, WaitlistEntryOutput, WaitlistOutput,
};
use frontdesk_domain::Language;
use frontdesk_domain::dates::weekday_from_word;
use frontdesk_engine::error::Alternative;
use frontdesk_locale::{Loaders, Locale};
use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// How many items a spoken list names before "and N more".
const SPOKEN_ITEMS: usize = 6;

/// This crate's messages in every shipped locale, loaded once.
static TEXTS: LazyLock<Loaders> = LazyLock::new(|| Loaders::new(|| fluent_language_loader!()));

/// A message of `locales/<tag>/frontdesk-conversation.ftl`, its id checked at compile time.
macro_rules! t {
    ($say:expr, $id:literal) => {
        i18n_embed_fl::fl!($say.texts(), $id)
    };
    ($say:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        i18n_embed_fl::fl!($say.texts(), $id, $($name = $value),+)
    };
}

/// Phrases in one locale.
#[derive(Clone, Copy)]
pub struct Say {
    locale: &'static Locale,
    texts: &'static FluentLanguageLoader,
}

impl std::fmt::Debug for Say {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Say").field(&self.locale.tag()).finish()
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

impl Say {
    /// The words for a business that speaks `language`: its locale, or the nearest shipped one.
    pub fn new(language: &Language) -> Say {
        Say::for_locale(frontdesk_locale::resolve(language.tag()).locale)
    }

    pub fn for_locale(locale: &'static Locale) -> Say {
        Say {
            locale,
            texts: TEXTS.get(locale),
        }
    }

    fn texts(&self) -> &'static FluentLanguageLoader {
        self.texts
    }

    /// The locale answering (`es-ES` for a business in `es-MX`).
    pub fn locale(self) -> &'static Locale {
        self.locale
    }

    /// "sábado, 21 de novembro" / "Samstag, 21. November" / "Saturday, November 21".
    pub fn date(self, date: Date) -> String {
        self.locale.date(date)
    }

    /// "sábado, 21 de novembro às 08:00" / "Samstag, 21. November um 08:00 Uhr".
    pub fn at(self, date: Date, time: &str) -> String {
        t!(self, "date-at-time", date = self.date(date), time = time)
    }

    /// Like [`Say::at`] for a date written `YYYY-MM-DD`; an unreadable date is said as written.
    fn at_text(self, date: &str, time: &str) -> String {
        match date.parse::<Date>() {
            Ok(d) => self.at(d, time),
            Err(_) => format!("{date} {time}"),
        }
    }

    fn and_list(self, items: &[String]) -> String {
        self.locale.and_list(items)
    }

    fn or_list(self, items: &[String]) -> String {
        self.locale.or_list(items)
    }

    fn more(self, n: usize) -> String {
        format!(" {}", t!(self, "and-more", n = n))
    }

    fn attribute_label(self, key: &str) -> String {
        match key {
            "level" => t!(self, "attribute-level"),
            "wave_side" => t!(self, "attribute-wave-side"),
            other => speakable(other),
        }
    }

    // ---- results -------------------------------------------------------------------------

    pub fn members(self, out: &MembersOutput) -> String {
        let names: Vec<String> = out.members.iter().map(|m| m.name.clone()).collect();
        if !out.known_caller {
            t!(self, "members-unknown-caller")
        } else if names.is_empty() {
            t!(self, "members-none")
        } else {
            t!(self, "members-list", names = self.and_list(&names))
        }
    }

    pub fn preferences(self, out: &PreferencesOutput, saved: bool) -> String {
        let member = out.member.clone();
        if out.empty {
            return t!(
                self,
                "preferences-empty",
                saved = yes(saved),
                member = member
            );
        }
        let p = &out.preferences;
        let mut parts = Vec::new();
        if !p.services.is_empty() {
            let list = self.or_list(&speak_all(&p.services));
            parts.push(t!(self, "preferences-services", list = list));
        }
        for (key, values) in p.attributes.iter().filter(|(_, v)| !v.is_empty()) {
            parts.push(format!(
                "{} {}",
                self.attribute_label(key),
                self.or_list(&speak_all(values))
            ));
        }
        if !p.target_hours.is_empty() {
            let list = self.or_list(&p.target_hours);
            parts.push(t!(
                self,
                "preferences-times",
                n = p.target_hours.len(),
                list = list
            ));
        }
        if !p.target_weekdays.is_empty() {
            let days: Vec<String> = p
                .target_weekdays
                .iter()
                .map(|w| {
                    weekday_from_word(w)
                        .map(|d| self.locale.weekday(d))
                        .unwrap_or_else(|| w.clone())
                })
                .collect();
            parts.push(t!(self, "preferences-days", list = self.or_list(&days)));
        }
        if !p.target_dates.is_empty() {
            let dates: Vec<String> = p
                .target_dates
                .iter()
                .map(|d| {
                    d.parse::<Date>()
                        .map(|d| self.date(d))
                        .unwrap_or_else(|_| d.clone())
                })
                .collect();
            parts.push(t!(self, "preferences-dates", list = self.or_list(&dates)));
        }
        if let Some(notes) = &p.notes {
            parts.push(t!(self, "preferences-note", note = notes.clone()));
        }
        t!(
            self,
            "preferences",
            saved = yes(saved),
            member = member,
            parts = parts.join("; ")
        )
    }

    pub fn availability(self, out: &AvailabilityOutput, member: Option<&str>) -> String {
        let from = out.date_from.parse::<Date>().ok();
        let to = out.date_to.parse::<Date>().ok();
        if out.slots.is_empty() {
            let mut text = match (from, to) {
                (Some(f), Some(t)) if f == t => {
                    t!(self, "availability-none-on", date = self.date(f))
                }
                (Some(f), Some(t)) => t!(
                    self,
                    "availability-none-between",
                    from = self.date(f),
                    to = self.date(t)
                ),
                _ => t!(self, "availability-none"),
            };
            if let Some(next) = &out.next_available {
                let at = self.at_text(&next.date, &next.time);
                let service = speakable(next.service);
                text.push(' ');
                text.push_str(&t!(self, "availability-next", at = at, service = service));
            }
            return text;
        }

        let services: BTreeSet<&str> = out.slots.iter().map(|s| s.service).collect();
        let one_service = services.len() == 1;
        let shown = out.slots.len().min(SPOKEN_ITEMS);
        let rest = out.total.saturating_sub(shown);
        let mut text = if out.ranked {
            let items: Vec<String> = out.slots[..shown]
                .iter()
                .map(|s| {
                    format!(
                        "{}, {} ({})",
                        self.at_text(&s.date, &s.time),
                        speakable(s.service),
                        t!(self, "places-left", n = s.remaining)
                    )
                })
                .collect();
            t!(
                self,
                "availability-ranked",
                member = member.unwrap_or("").to_string(),
                items = items.join("; ")
            )
        } else {
            let groups = by_date(&out.slots[..shown]);
            let days: Vec<String> = groups
                .iter()
                .map(|(date, slots)| {
                    let day = date
                        .parse::<Date>()
                        .map(|d| self.date(d))
                        .unwrap_or_else(|_| date.clone());
                    if one_service {
                        let times: Vec<String> = slots.iter().map(|s| s.time.clone()).collect();
                        return format!("{day}: {}", self.and_list(&times));
                    }
                    // Service names hold commas ("Avançado2, Lado direito"): separate the
                    // slots more strongly.
                    let items: Vec<String> = slots
                        .iter()
                        .map(|s| format!("{} {}", s.time, speakable(s.service)))
                        .collect();
                    format!("{day}: {}", items.join("; "))
                })
                .collect();
            // Each day after the first begins a sentence: "… 19:00. Sábado, 21 de novembro: …".
            let days = days
                .iter()
                .enumerate()
                .map(|(i, d)| if i == 0 { d.clone() } else { sentence_case(d) })
                .collect::<Vec<_>>()
                .join(". ");
            if one_service {
                let service = speakable(services.first().copied().unwrap_or(""));
                t!(
                    self,
                    "availability-for-service",
                    service = service,
                    days = days
                )
            } else {
                t!(self, "availability", days = days)
            }
        };
        if rest > 0 {
            text.push_str(&self.more(rest));
        }
        text
    }

    fn booking_phrase(self, b: &BookingOutput, with_code: bool) -> String {
        let service = speakable(&b.service);
        let mut phrase = match &b.member {
            Some(member) => t!(self, "booking-for", what = service, member = member.clone()),
            None => service,
        };
        phrase = format!("{phrase}, {}", self.at_text(&b.date, &b.time));
        if let Some(staff) = &b.staff {
            phrase = t!(self, "booking-with", what = phrase, staff = staff.clone());
        }
        if with_code {
            phrase = t!(
                self,
                "booking-code",
                what = phrase,
                code = b.voucher_code.clone()
            );
        }
        if let Some(until) = self.held_until(b) {
            phrase = t!(self, "booking-held", what = phrase, until = until);
        }
        phrase
    }

    /// A held place's last moment, as the business's clock says it ("10:15").
    fn held_until(self, b: &BookingOutput) -> Option<String> {
        let until: jiff::Timestamp = b.held_until.as_deref()?.parse().ok()?;
        let tz = jiff::tz::TimeZone::get(&b.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let local = until.to_zoned(tz);
        Some(format!("{:02}:{:02}", local.hour(), local.minute()))
    }

    /// "on Saturday, November 21, starting between 08:00 and 11:00".
    fn waitlist_when(self, e: &WaitlistEntryOutput) -> String {
        let day = |d: &str| {
            d.parse::<Date>()
                .map(|d| self.date(d))
                .unwrap_or_else(|_| d.to_string())
        };
        let mut when = if e.date_from == e.date_to {
            t!(self, "waitlist-day", date = day(&e.date_from))
        } else {
            t!(
                self,
                "waitlist-days",
                from = day(&e.date_from),
                to = day(&e.date_to)
            )
        };
        let times = match (&e.time_from, &e.time_to) {
            (Some(from), Some(to)) if from == to => {
                Some(t!(self, "waitlist-times-at", time = from.clone()))
            }
            (Some(from), Some(to)) => Some(t!(
                self,
                "waitlist-times-between",
                from = from.clone(),
                to = to.clone()
            )),
            (Some(from), None) => Some(t!(self, "waitlist-times-after", from = from.clone())),
            (None, Some(to)) => Some(t!(self, "waitlist-times-before", to = to.clone())),
            (None, None) => None,
        };
        if let Some(times) = times {
            when.push_str(&times);
        }
        when
    }

    /// "number 3 in line", or the place held for the entry.
    fn waitlist_state(self, e: &WaitlistEntryOutput) -> String {
        match (&e.booking, e.position) {
            (Some(b), _) if e.status == "offered" => t!(
                self,
                "waitlist-offered",
                at = self.at_text(&b.date, &b.time),
                until = self.held_until(b).unwrap_or_default()
            ),
            (_, Some(n)) => t!(self, "waitlist-position", n = n),
            _ => self.status(&e.status),
        }
    }

    pub fn waitlist_joined(self, out: &JoinWaitlistOutput) -> String {
        let e = &out.entry;
        let (member, service) = (e.member.clone(), speakable(&e.service));
        let (when, position) = (self.waitlist_when(e), self.waitlist_state(e));
        if out.already_waiting {
            return t!(
                self,
                "waitlist-already",
                member = member,
                service = service,
                when = when,
                position = position
            );
        }
        t!(
            self,
            "waitlist-joined",
            member = member,
            service = service,
            when = when,
            position = position,
            auto = yes(e.auto_book)
        )
    }

    pub fn waitlist(self, out: &WaitlistOutput) -> String {
        if out.entries.is_empty() {
            return t!(self, "waitlist-none");
        }
        let shown = out.entries.len().min(SPOKEN_ITEMS);
        let items: Vec<String> = out.entries[..shown]
            .iter()
            .map(|e| {
                let item = t!(
                    self,
                    "waitlist-item",
                    member = e.member.clone(),
                    service = speakable(&e.service),
                    when = self.waitlist_when(e)
                );
                format!("{item} ({})", self.waitlist_state(e))
            })
            .collect();
        let mut text = t!(self, "waitlist", items = items.join("; "));
        if out.entries.len() > shown {
            text.push_str(&self.more(out.entries.len() - shown));
        }
        text
    }

    pub fn waitlist_left(self, out: &LeaveWaitlistOutput) -> String {
        if out.already_left {
            return t!(self, "waitlist-left-already");
        }
        let e = &out.entry;
        t!(
            self,
            "waitlist-left",
            member = e.member.clone(),
            service = speakable(&e.service),
            when = self.waitlist_when(e)
        )
    }

    pub fn slot_available(self, service: &str) -> String {
        t!(self, "slot-available", service = speakable(service))
    }

    pub fn already_booked(self, service: &str, date: &str, time: &str) -> String {
        let (service, at) = (speakable(service), self.at_text(date, time));
        t!(self, "already-booked", service = service, at = at)
    }

    pub fn booked(self, out: &BookOutput, registered_name: Option<&str>) -> String {
        let b = &out.booking;
        let what = self.booking_phrase(b, false);
        let code = b.voucher_code.clone();
        let mut text = String::new();
        if let Some(name) = registered_name.filter(|_| out.registered) {
            text.push_str(&t!(self, "booked-registered", name = name.to_string()));
            text.push(' ');
        }
        text.push_str(&if out.replayed {
            t!(self, "booked-replayed", what = what, code = code)
        } else {
            t!(self, "booked", what = what, code = code)
        });
        text
    }

    pub fn bookings(self, out: &BookingsOutput) -> String {
        let status = out.status.as_str();
        if out.bookings.is_empty() {
            return t!(self, "bookings-none", status = status);
        }
        let shown = out.bookings.len().min(SPOKEN_ITEMS);
        let items: Vec<String> = out.bookings[..shown]
            .iter()
            .map(|b| {
                let phrase = self.booking_phrase(b, true);
                if status == "all" {
                    format!("{phrase} ({})", self.status(&b.status))
                } else {
                    phrase
                }
            })
            .collect();
        let mut text = t!(self, "bookings", status = status, items = items.join("; "));
        if out.bookings.len() > shown {
            text.push_str(&self.more(out.bookings.len() - shown));
        }
        text
    }

    pub fn status(self, status: &str) -> String {
        t!(self, "status", status = status)
    }

    pub fn cancelled(self, out: &CancelOutput) -> String {
        let b = &out.booking;
        let code = b.voucher_code.clone();
        if out.already_cancelled {
            return t!(self, "cancel-already", code = code);
        }
        let what = self.booking_phrase(b, false);
        t!(
            self,
            "cancelled",
            code = code,
            what = what,
            refund = yes(out.refund_applicable)
        )
    }

    pub fn rescheduled(self, out: &RescheduleOutput) -> String {
        let code = out.after.voucher_code.clone();
        let before = self.at_text(&out.before.date, &out.before.time);
        let after = self.at_text(&out.after.date, &out.after.time);
        let service = speakable(&out.after.service);
        if out.unchanged {
            return t!(
                self,
                "reschedule-unchanged",
                code = code,
                at = after,
                service = service
            );
        }
        t!(
            self,
            "rescheduled",
            code = code,
            before = before,
            after = after,
            service = service
        )
    }

    pub fn business(self, out: &BusinessOutput) -> String {
        let mut text = out.name.clone();
        if let Some(address) = &out.address {
            text.push_str(&format!(", {address}"));
        }
        text.push('.');
        if let Some(phone) = &out.phone {
            text.push(' ');
            text.push_str(&t!(self, "business-phone", phone = phone.clone()));
        }
        if let Ok(date) = out.now.date.parse::<Date>() {
            text.push(' ');
            text.push_str(&t!(
                self,
                "business-now",
                time = out.now.time.clone(),
                date = self.date(date)
            ));
        }
        if let Some(branch) = out.branches.first() {
            let today = branch
                .opening_hours
                .iter()
                .find(|d| d.weekday == out.now.weekday);
            if let Some(today) = today {
                text.push(' ');
                text.push_str(&self.day_hours(&today.start_times, &today.open_ranges));
            }
            let closed: Vec<String> = branch
                .exceptions
                .iter()
                .filter(|e| e.closed && e.service.is_none())
                .filter_map(|e| {
                    let day = self.date(e.date.parse::<Date>().ok()?);
                    Some(match &e.note {
                        Some(note) => format!("{day} ({note})"),
                        None => day,
                    })
                })
                .collect();
            if !closed.is_empty() {
                text.push(' ');
                text.push_str(&t!(
                    self,
                    "business-closed-on",
                    days = self.and_list(&closed)
                ));
            }
        }
        text
    }

    fn day_hours(self, starts: &[String], ranges: &[String]) -> String {
        if !ranges.is_empty() {
            let spoken: Vec<String> = ranges
                .iter()
                .map(|r| {
                    let (a, b) = r.split_once('-').unwrap_or((r.as_str(), ""));
                    t!(
                        self,
                        "hours-range",
                        from = a.to_string(),
                        to = b.to_string()
                    )
                })
                .collect();
            return t!(self, "hours-open-today", ranges = self.and_list(&spoken));
        }
        match (starts.first(), starts.last()) {
            (Some(first), Some(last)) => t!(
                self,
                "hours-sessions-today",
                first = first.clone(),
                last = last.clone()
            ),
            _ => t!(self, "hours-closed-today"),
        }
    }

    // ---- errors --------------------------------------------------------------------------

    fn hint(self, hint: Hint) -> String {
        match hint {
            Hint::Integer => t!(self, "hint-integer"),
            Hint::Text => t!(self, "hint-text"),
            Hint::TextList => t!(self, "hint-text-list"),
            Hint::Date => t!(self, "hint-date"),
            Hint::DateList => t!(self, "hint-date-list"),
            Hint::Time => t!(self, "hint-time"),
            Hint::TimeList => t!(self, "hint-time-list"),
            Hint::Weekdays => t!(self, "hint-weekdays"),
            Hint::Status => t!(self, "hint-status"),
            Hint::Attributes => t!(self, "hint-attributes"),
            Hint::BookingRef => t!(self, "hint-booking-ref"),
            Hint::Member => t!(self, "hint-member"),
            Hint::Name => t!(self, "hint-name"),
            Hint::Boolean => t!(self, "hint-boolean"),
        }
    }

    pub fn missing(self, field: &str, hint: Hint) -> String {
        t!(
            self,
            "missing",
            field = field.to_string(),
            hint = self.hint(hint)
        )
    }

    pub fn invalid(self, field: &str, got: &str, hint: Hint) -> String {
        t!(
            self,
            "invalid",
            field = field.to_string(),
            got = got.to_string(),
            hint = self.hint(hint)
        )
    }

    pub fn not_found(self, what: &str) -> String {
        match what {
            "member" => t!(self, "not-found-member"),
            "booking" => t!(self, "not-found-booking"),
            "service" => t!(self, "not-found-service"),
            "branch" => t!(self, "not-found-branch"),
            "waitlist entry" => t!(self, "not-found-waitlist"),
            // Anything else (the company, the session) is not the caller's to fix.
            _ => t!(self, "not-found"),
        }
    }

    /// An argument the engine refused, said without its English detail (which stays in
    /// the logs): what was wrong, and what to send where that is known.
    pub fn invalid_input(self, field: &str) -> String {
        let hint = match field {
            "date" | "date_from" | "date_to" | "new_date" => Some(self.hint(Hint::Date)),
            "time" | "new_time" | "time_from" | "time_to" => Some(self.hint(Hint::Time)),
            "auto_book" => Some(self.hint(Hint::Boolean)),
            "voucher_code" | "booking_id" | "booking" => Some(self.hint(Hint::BookingRef)),
            "member" | "member_id" | "member_name" => Some(self.hint(Hint::Member)),
            "name" => Some(self.hint(Hint::Name)),
            "target_weekdays" => Some(self.hint(Hint::Weekdays)),
            "attributes" | "level" | "wave_side" => Some(self.hint(Hint::Attributes)),
            "service" => Some(t!(self, "hint-service")),
            "staff_id" | "staff" => return t!(self, "staff-not-for-service"),
            _ => None,
        };
        let field = field.to_string();
        match hint {
            Some(hint) => t!(self, "invalid-input-hint", field = field, hint = hint),
            None => t!(self, "invalid-input", field = field),
        }
    }

    /// Text refused by the rule for text from outside (control or bidi characters).
    pub fn unsafe_text(self, field: &str) -> String {
        t!(self, "unsafe-text", field = field.to_string())
    }

    /// A question for the caller when the engine needs them to pick one of `choices`.
    pub fn choose(self, field: &str, choices: &[String]) -> String {
        if choices.is_empty() {
            return self.invalid_input(field);
        }
        // Members carry their id ("Lucas Silva (12346)"), which must be read as written.
        let list = match field {
            "member_name" => self.or_list(choices),
            _ => self.or_list(&speak_all(choices)),
        };
        match field {
            "service" => t!(self, "choose-service", list = list),
            "member_name" => t!(self, "choose-member", list = list),
            "staff" => t!(self, "choose-staff", list = list),
            _ => t!(self, "choose", field = field.to_string(), list = list),
        }
    }

    pub fn invalid_phone(self) -> String {
        t!(self, "invalid-phone")
    }

    pub fn unknown_caller(self, company: &str, may_register: bool) -> String {
        if may_register {
            t!(self, "unknown-caller-may-register")
        } else {
            t!(self, "unknown-caller", company = company.to_string())
        }
    }

    /// "Rafael Silva (12345) ou Lucas Silva (12346)".
    pub fn which_member(self, choices: &[(i64, String)]) -> String {
        let items: Vec<String> = choices
            .iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect();
        t!(self, "which-member", list = self.or_list(&items))
    }

    pub fn no_such_slot(self, service: &str, date: &str, time: &str) -> String {
        let (service, at) = (speakable(service), self.at_text(date, time));
        t!(self, "no-such-slot", service = service, at = at)
    }

    pub fn slot_full(self, service: &str, date: &str, time: &str) -> String {
        let (service, at) = (speakable(service), self.at_text(date, time));
        t!(self, "slot-full", service = service, at = at)
    }

    pub fn in_the_past(self) -> String {
        t!(self, "in-the-past")
    }

    /// A day the caller named that is already over ("yesterday", last Friday).
    pub fn day_passed(self, date: Date) -> String {
        t!(self, "day-passed", date = self.date(date))
    }

    pub fn too_soon(self, minutes: i64) -> String {
        t!(self, "too-soon", minutes = minutes)
    }

    pub fn outside_window(self, days: i64) -> String {
        t!(self, "outside-window", days = days)
    }

    pub fn quota_reached(self, who: Option<&str>, active: i64, limit: i64) -> String {
        let who = who.map_or_else(|| t!(self, "this-member"), str::to_string);
        t!(
            self,
            "quota-reached",
            who = who,
            active = active,
            limit = limit
        )
    }

    pub fn active_bookings(self, bookings: &[BookingOutput]) -> String {
        let items: Vec<String> = bookings
            .iter()
            .take(3)
            .map(|b| self.booking_phrase(b, true))
            .collect();
        format!(" {}", t!(self, "active-bookings", items = items.join("; ")))
    }

    pub fn not_active(self, status: &str) -> String {
        t!(self, "not-active", status = self.status(status))
    }

    pub fn range_too_long(self, max: i64, requested: i64) -> String {
        t!(self, "range-too-long", max = max, requested = requested)
    }

    pub fn unavailable(self) -> String {
        t!(self, "unavailable")
    }

    pub fn arguments_not_an_object(self) -> String {
        t!(self, "arguments-not-object")
    }

    pub fn arguments_unreadable(self) -> String {
        t!(self, "arguments-unreadable")
    }

    pub fn unknown_tool(self, name: &str, tools: &str) -> String {
        t!(
            self,
            "unknown-tool",
            name = name.to_string(),
            tools = tools.to_string()
        )
    }

    pub fn caller_number_unknown(self) -> String {
        t!(self, "caller-number-unknown")
    }

    pub fn unknown_function(self, name: &str, functions: &str) -> String {
        t!(
            self,
            "unknown-function",
            name = name.to_string(),
            functions = functions.to_string()
        )
    }

    /// " Horários livres de X: sábado, 21 de novembro às 08:00 ou 18:00 …".
    pub fn alternatives(self, alternatives: &[Alternative]) -> String {
        let Some(first) = alternatives.first() else {
            return String::new();
        };
        let same_service = alternatives.iter().all(|a| a.service == first.service);
        let shown = &alternatives[..alternatives.len().min(3)];
        let items: Vec<String> = if same_service {
            // One date said once: "sábado … às 08:00 ou 18:00".
            let mut days: Vec<(&str, Vec<String>)> = Vec::new();
            for a in shown {
                match days.iter_mut().find(|(d, _)| *d == a.date) {
                    Some((_, times)) => times.push(a.time.clone()),
                    None => days.push((&a.date, vec![a.time.clone()])),
                }
            }
            // The engine puts the nearest first; read aloud, clock order is easier to follow.
            for (_, times) in &mut days {
                times.sort();
            }
            days.iter()
                .map(|(date, times)| self.at_text(date, &self.or_list(times)))
                .collect()
        } else {
            shown
                .iter()
                .map(|a| {
                    format!(
                        "{}, {}",
                        self.at_text(&a.date, &a.time),
                        speakable(&a.service)
                    )
                })
                .collect()
        };
        let list = items.join("; ");
        let text = if same_service {
            let service = speakable(&first.service);
            t!(
                self,
                "alternatives-for-service",
                service = service,
                list = list
            )
        } else {
            t!(self, "alternatives", list = list)
        };
        format!(" {text}")
    }
}

/// A name as it should be read aloud: "Intermediario2 · Lado esquerdo" becomes
/// "Intermediario2, Lado esquerdo", "Lado_esquerdo" becomes "Lado esquerdo".
pub fn speakable(name: &str) -> String {
    name.replace(" · ", ", ")
        .replace('·', ",")
        .replace('_', " ")
}

/// `text` with its first letter in upper case ("sábado" → "Sábado").
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn speak_all(items: &[String]) -> Vec<String> {
    items.iter().map(|s| speakable(s)).collect()
}

/// Slots grouped by date, in the order they come.
fn by_date<'s, 'a>(slots: &'s [SlotOutput<'a>]) -> Vec<(String, Vec<&'s SlotOutput<'a>>)> {
    let mut groups: Vec<(String, Vec<&'s SlotOutput<'a>>)> = Vec::new();
    for slot in slots {
        match groups.iter_mut().find(|(date, _)| *date == slot.date) {
            Some((_, group)) => group.push(slot),
            None => groups.push((slot.date.clone(), vec![slot])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn say(tag: &str) -> Say {
        Say::new(&tag.parse().expect("tag"))
    }

    #[test]
    fn dates_are_spoken_in_each_language() {
        let d = date(2026, 11, 21);
        assert_eq!(
            say("pt-BR").at(d, "08:00"),
            "sábado, 21 de novembro às 08:00"
        );
        assert_eq!(
            say("de-DE").at(d, "08:00"),
            "Samstag, 21. November um 08:00 Uhr"
        );
        assert_eq!(
            say("en-US").at(d, "08:00"),
            "Saturday, November 21 at 08:00"
        );
        assert_eq!(
            say("es-ES").at(d, "08:00"),
            "sábado, 21 de noviembre a las 08:00"
        );
        assert_eq!(say("fr-FR").at(d, "08:00"), "samedi 21 novembre à 08:00");
    }

    #[test]
    fn names_read_aloud_without_symbols() {
        assert_eq!(
            speakable("Intermediario2 · Lado esquerdo"),
            "Intermediario2, Lado esquerdo"
        );
        assert_eq!(speakable("Lado_esquerdo"), "Lado esquerdo");
    }
}
