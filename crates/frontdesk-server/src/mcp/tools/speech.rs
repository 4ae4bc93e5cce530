//! The one short text each tool result carries, written in the business's language so a
//! voice agent can read it aloud as it is (pt-BR, de-DE, en-US).
//!
//! Texts are for the ear: dates are spoken as "sábado, 21 de novembro às 08:00", ids are left
//! to `structuredContent`, and lists are cut after a few items. Error texts also tell the
//! agent what to send instead; argument names stay literal so the agent can act on them.

use super::params::Hint;
use super::results::{
    AvailabilityOutput, BookOutput, BookingOutput, BookingsOutput, BusinessOutput, CancelOutput,
    MembersOutput, PreferencesOutput, RescheduleOutput, SlotOutput,
};
use frontdesk_domain::Language;
use frontdesk_domain::dates::weekday_from_word;
use frontdesk_engine::error::Alternative;
use jiff::civil::{Date, Weekday};
use std::collections::BTreeSet;

/// How many items a spoken list names before "and N more".
const SPOKEN_ITEMS: usize = 6;

/// Phrases in one language.
#[derive(Debug, Clone, Copy)]
pub struct Say(pub Language);

impl Say {
    fn pick(self, pt: &'static str, de: &'static str, en: &'static str) -> &'static str {
        match self.0 {
            Language::PtBr => pt,
            Language::DeDe => de,
            Language::EnUs => en,
        }
    }

    pub fn weekday(self, day: Weekday) -> &'static str {
        let i = day.to_monday_zero_offset() as usize;
        match self.0 {
            Language::PtBr => [
                "segunda-feira",
                "terça-feira",
                "quarta-feira",
                "quinta-feira",
                "sexta-feira",
                "sábado",
                "domingo",
            ][i],
            Language::DeDe => [
                "Montag",
                "Dienstag",
                "Mittwoch",
                "Donnerstag",
                "Freitag",
                "Samstag",
                "Sonntag",
            ][i],
            Language::EnUs => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ][i],
        }
    }

    fn month(self, month: i8) -> &'static str {
        let i = (month.clamp(1, 12) - 1) as usize;
        match self.0 {
            Language::PtBr => [
                "janeiro",
                "fevereiro",
                "março",
                "abril",
                "maio",
                "junho",
                "julho",
                "agosto",
                "setembro",
                "outubro",
                "novembro",
                "dezembro",
            ][i],
            Language::DeDe => [
                "Januar",
                "Februar",
                "März",
                "April",
                "Mai",
                "Juni",
                "Juli",
                "August",
                "September",
                "Oktober",
                "November",
                "Dezember",
            ][i],
            Language::EnUs => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ][i],
        }
    }

    /// "sábado, 21 de novembro" / "Samstag, 21. November" / "Saturday, November 21".
    pub fn date(self, date: Date) -> String {
        let (day, month) = (date.day(), self.month(date.month()));
        let weekday = self.weekday(date.weekday());
        match self.0 {
            Language::PtBr if day == 1 => format!("{weekday}, 1º de {month}"),
            Language::PtBr => format!("{weekday}, {day} de {month}"),
            Language::DeDe => format!("{weekday}, {day}. {month}"),
            Language::EnUs => format!("{weekday}, {month} {day}"),
        }
    }

    /// "sábado, 21 de novembro às 08:00" / "Samstag, 21. November um 08:00 Uhr" /
    /// "Saturday, November 21 at 08:00".
    pub fn at(self, date: Date, time: &str) -> String {
        let date = self.date(date);
        match self.0 {
            Language::PtBr => format!("{date} às {time}"),
            Language::DeDe => format!("{date} um {time} Uhr"),
            Language::EnUs => format!("{date} at {time}"),
        }
    }

    /// Like [`Say::at`] for a date written `YYYY-MM-DD`; an unreadable date is said as written.
    fn at_text(self, date: &str, time: &str) -> String {
        match date.parse::<Date>() {
            Ok(d) => self.at(d, time),
            Err(_) => format!("{date} {time}"),
        }
    }

    fn and(self) -> &'static str {
        self.pick(" e ", " und ", " and ")
    }

    fn or(self) -> &'static str {
        self.pick(" ou ", " oder ", " or ")
    }

    /// "a, b e c".
    fn list(self, items: &[String], last_joiner: &str) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}{last_joiner}{last}", init.join(", ")),
        }
    }

    fn and_list(self, items: &[String]) -> String {
        self.list(items, self.and())
    }

    fn more(self, n: usize) -> String {
        match self.0 {
            Language::PtBr => format!(" E mais {n}."),
            Language::DeDe => format!(" Und {n} weitere."),
            Language::EnUs => format!(" And {n} more."),
        }
    }

    fn places(self, n: i64) -> String {
        match (self.0, n) {
            (Language::PtBr, 1) => "1 vaga".into(),
            (Language::PtBr, n) => format!("{n} vagas"),
            (Language::DeDe, 1) => "1 freier Platz".into(),
            (Language::DeDe, n) => format!("{n} freie Plätze"),
            (Language::EnUs, 1) => "1 place left".into(),
            (Language::EnUs, n) => format!("{n} places left"),
        }
    }

    fn attribute_label(self, key: &str) -> String {
        match key {
            "level" => self.pick("nível", "Niveau", "level").into(),
            "wave_side" => self.pick("lado da onda", "Wellenseite", "wave side").into(),
            other => speakable(other),
        }
    }

    // ---- results -------------------------------------------------------------------------

    pub fn members(self, out: &MembersOutput) -> String {
        let names: Vec<String> = out.members.iter().map(|m| m.name.clone()).collect();
        match (out.known_caller, names.is_empty(), self.0) {
            (false, _, Language::PtBr) => "Este número de telefone não tem cadastro.".into(),
            (false, _, Language::DeDe) => {
                "Zu dieser Telefonnummer gibt es kein Kundenkonto.".into()
            }
            (false, _, Language::EnUs) => "This phone number has no customer account.".into(),
            (true, true, _) => self
                .pick(
                    "A conta não tem membros cadastrados.",
                    "Das Konto hat keine Mitglieder.",
                    "This account has no members.",
                )
                .into(),
            (true, false, Language::PtBr) => {
                format!("Membros da conta: {}.", self.and_list(&names))
            }
            (true, false, Language::DeDe) => {
                format!("Mitglieder des Kontos: {}.", self.and_list(&names))
            }
            (true, false, Language::EnUs) => {
                format!("Members on this account: {}.", self.and_list(&names))
            }
        }
    }

    pub fn preferences(self, out: &PreferencesOutput, saved: bool) -> String {
        let who = &out.member;
        if out.empty {
            return match (self.0, saved) {
                (Language::PtBr, true) => format!("Preferências de {who} apagadas."),
                (Language::PtBr, false) => format!("{who} ainda não tem preferências salvas."),
                (Language::DeDe, true) => format!("Die Vorlieben von {who} wurden gelöscht."),
                (Language::DeDe, false) => {
                    format!("Für {who} sind noch keine Vorlieben gespeichert.")
                }
                (Language::EnUs, true) => format!("Cleared the preferences of {who}."),
                (Language::EnUs, false) => format!("{who} has no saved preferences yet."),
            };
        }
        let p = &out.preferences;
        let mut parts = Vec::new();
        if !p.services.is_empty() {
            let label = self.pick("serviços", "Leistungen", "services");
            parts.push(format!(
                "{label} {}",
                self.list(&speak_all(&p.services), self.or())
            ));
        }
        for (key, values) in p.attributes.iter().filter(|(_, v)| !v.is_empty()) {
            parts.push(format!(
                "{} {}",
                self.attribute_label(key),
                self.list(&speak_all(values), self.or())
            ));
        }
        if !p.target_hours.is_empty() {
            let label = match p.target_hours.len() {
                1 => self.pick("horário", "Uhrzeit", "time"),
                _ => self.pick("horários", "Uhrzeiten", "times"),
            };
            parts.push(format!("{label} {}", self.list(&p.target_hours, self.or())));
        }
        if !p.target_weekdays.is_empty() {
            let days: Vec<String> = p
                .target_weekdays
                .iter()
                .map(|w| {
                    weekday_from_word(w)
                        .map(|d| self.weekday(d).to_string())
                        .unwrap_or_else(|| w.clone())
                })
                .collect();
            parts.push(format!(
                "{} {}",
                self.pick("dias", "Wochentage", "days"),
                self.list(&days, self.or())
            ));
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
            parts.push(format!(
                "{} {}",
                self.pick("datas", "Daten", "dates"),
                self.list(&dates, self.or())
            ));
        }
        if let Some(notes) = &p.notes {
            parts.push(format!(
                "{}: {notes}",
                self.pick("observação", "Notiz", "note")
            ));
        }
        let parts = parts.join("; ");
        match (self.0, saved) {
            (Language::PtBr, true) => format!("Preferências de {who} salvas: {parts}."),
            (Language::PtBr, false) => format!("Preferências de {who}: {parts}."),
            (Language::DeDe, true) => format!("Vorlieben von {who} gespeichert: {parts}."),
            (Language::DeDe, false) => format!("Vorlieben von {who}: {parts}."),
            (Language::EnUs, true) => format!("Saved the preferences of {who}: {parts}."),
            (Language::EnUs, false) => format!("Preferences of {who}: {parts}."),
        }
    }

    pub fn availability(self, out: &AvailabilityOutput, member: Option<&str>) -> String {
        let from = out.date_from.parse::<Date>().ok();
        let to = out.date_to.parse::<Date>().ok();
        if out.slots.is_empty() {
            let period = match (from, to) {
                (Some(f), Some(t)) if f == t => match self.0 {
                    Language::PtBr => format!("em {}", self.date(f)),
                    Language::DeDe => format!("am {}", self.date(f)),
                    Language::EnUs => format!("on {}", self.date(f)),
                },
                (Some(f), Some(t)) => match self.0 {
                    Language::PtBr => format!("entre {} e {}", self.date(f), self.date(t)),
                    Language::DeDe => format!("zwischen {} und {}", self.date(f), self.date(t)),
                    Language::EnUs => format!("between {} and {}", self.date(f), self.date(t)),
                },
                _ => String::new(),
            };
            let mut text = match self.0 {
                Language::PtBr => format!("Não há horários livres {period}."),
                Language::DeDe => format!("Es gibt keine freien Termine {period}."),
                Language::EnUs => format!("Nothing is available {period}."),
            };
            if let Some(next) = &out.next_available {
                let at = self.at_text(&next.date, &next.time);
                let service = speakable(next.service);
                text.push_str(&match self.0 {
                    Language::PtBr => format!(" O próximo horário livre é {at}, {service}."),
                    Language::DeDe => format!(" Der nächste freie Termin ist am {at}, {service}."),
                    Language::EnUs => format!(" The next available time is {at}, {service}."),
                });
            }
            return text;
        }

        let services: BTreeSet<&str> = out.slots.iter().map(|s| s.service).collect();
        let one_service = services.len() == 1;
        let shown = out.slots.len().min(SPOKEN_ITEMS);
        let rest = out.total.saturating_sub(shown);
        let mut text = if out.ranked {
            let who = member.unwrap_or("");
            let items: Vec<String> = out.slots[..shown]
                .iter()
                .map(|s| {
                    format!(
                        "{}, {} ({})",
                        self.at_text(&s.date, &s.time),
                        speakable(s.service),
                        self.places(s.remaining)
                    )
                })
                .collect();
            match self.0 {
                Language::PtBr => format!("Melhores opções para {who}: {}.", items.join("; ")),
                Language::DeDe => format!("Passende Termine für {who}: {}.", items.join("; ")),
                Language::EnUs => format!("Best matches for {who}: {}.", items.join("; ")),
            }
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
            let head = match (self.0, one_service) {
                (Language::PtBr, true) => format!(
                    "Horários livres de {}",
                    speakable(services.first().copied().unwrap_or(""))
                ),
                (Language::PtBr, false) => "Horários livres".to_string(),
                (Language::DeDe, true) => format!(
                    "Freie Termine für {}",
                    speakable(services.first().copied().unwrap_or(""))
                ),
                (Language::DeDe, false) => "Freie Termine".to_string(),
                (Language::EnUs, true) => format!(
                    "Available times for {}",
                    speakable(services.first().copied().unwrap_or(""))
                ),
                (Language::EnUs, false) => "Available times".to_string(),
            };
            format!("{head}: {}.", days.join(". "))
        };
        if rest > 0 {
            text.push_str(&self.more(rest));
        }
        text
    }

    fn booking_phrase(self, b: &BookingOutput, with_code: bool) -> String {
        let service = speakable(&b.service);
        let at = self.at_text(&b.date, &b.time);
        let member = b.member.as_deref().map(|m| match self.0 {
            Language::PtBr => format!(" para {m}"),
            Language::DeDe => format!(" für {m}"),
            Language::EnUs => format!(" for {m}"),
        });
        let mut phrase = format!("{service}{}, {at}", member.unwrap_or_default());
        if let Some(staff) = &b.staff {
            phrase.push_str(&match self.0 {
                Language::PtBr => format!(", com {staff}"),
                Language::DeDe => format!(", bei {staff}"),
                Language::EnUs => format!(", with {staff}"),
            });
        }
        if with_code {
            phrase.push_str(&match self.0 {
                Language::PtBr => format!(", código {}", b.voucher_code),
                Language::DeDe => format!(", Code {}", b.voucher_code),
                Language::EnUs => format!(", code {}", b.voucher_code),
            });
        }
        phrase
    }

    pub fn booked(self, out: &BookOutput, registered_name: Option<&str>) -> String {
        let b = &out.booking;
        let what = self.booking_phrase(b, false);
        let code = &b.voucher_code;
        let mut text = String::new();
        if let Some(name) = registered_name.filter(|_| out.registered) {
            text.push_str(&match self.0 {
                Language::PtBr => format!("Cadastro criado para {name}. "),
                Language::DeDe => format!("Kundenkonto für {name} angelegt. "),
                Language::EnUs => format!("Created a customer account for {name}. "),
            });
        }
        text.push_str(&match (self.0, out.replayed) {
            (Language::PtBr, false) => {
                format!("Reserva confirmada: {what}. O código da reserva é {code}.")
            }
            (Language::PtBr, true) => {
                format!("Essa reserva já estava feita: {what}. O código da reserva é {code}.")
            }
            (Language::DeDe, false) => format!("Gebucht: {what}. Der Buchungscode ist {code}."),
            (Language::DeDe, true) => {
                format!("Dieser Termin war bereits gebucht: {what}. Der Buchungscode ist {code}.")
            }
            (Language::EnUs, false) => format!("Booked: {what}. The booking code is {code}."),
            (Language::EnUs, true) => {
                format!("This booking had already been made: {what}. The booking code is {code}.")
            }
        });
        text
    }

    pub fn bookings(self, out: &BookingsOutput) -> String {
        let status = out.status.as_str();
        if out.bookings.is_empty() {
            return match (self.0, status) {
                (Language::PtBr, "upcoming") => "Não há reservas futuras.",
                (Language::PtBr, "past") => "Não há reservas passadas.",
                (Language::PtBr, "cancelled") => "Não há reservas canceladas.",
                (Language::PtBr, _) => "Não há reservas.",
                (Language::DeDe, "upcoming") => "Es gibt keine anstehenden Termine.",
                (Language::DeDe, "past") => "Es gibt keine vergangenen Termine.",
                (Language::DeDe, "cancelled") => "Es gibt keine stornierten Termine.",
                (Language::DeDe, _) => "Es gibt keine Termine.",
                (Language::EnUs, "upcoming") => "There are no upcoming bookings.",
                (Language::EnUs, "past") => "There are no past bookings.",
                (Language::EnUs, "cancelled") => "There are no cancelled bookings.",
                (Language::EnUs, _) => "There are no bookings.",
            }
            .into();
        }
        let head = match (self.0, status) {
            (Language::PtBr, "upcoming") => "Reservas futuras",
            (Language::PtBr, "past") => "Reservas passadas",
            (Language::PtBr, "cancelled") => "Reservas canceladas",
            (Language::PtBr, _) => "Reservas",
            (Language::DeDe, "upcoming") => "Anstehende Termine",
            (Language::DeDe, "past") => "Vergangene Termine",
            (Language::DeDe, "cancelled") => "Stornierte Termine",
            (Language::DeDe, _) => "Termine",
            (Language::EnUs, "upcoming") => "Upcoming bookings",
            (Language::EnUs, "past") => "Past bookings",
            (Language::EnUs, "cancelled") => "Cancelled bookings",
            (Language::EnUs, _) => "Bookings",
        };
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
        let mut text = format!("{head}: {}.", items.join("; "));
        if out.bookings.len() > shown {
            text.push_str(&self.more(out.bookings.len() - shown));
        }
        text
    }

    pub fn status(self, status: &str) -> &'static str {
        match status {
            "confirmed" => self.pick("confirmada", "bestätigt", "confirmed"),
            "cancelled" => self.pick("cancelada", "storniert", "cancelled"),
            "completed" => self.pick("concluída", "abgeschlossen", "completed"),
            "no_show" => self.pick(
                "marcada como falta",
                "als nicht erschienen vermerkt",
                "marked as a no-show",
            ),
            _ => self.pick("inativa", "nicht mehr aktiv", "not active"),
        }
    }

    pub fn cancelled(self, out: &CancelOutput) -> String {
        let b = &out.booking;
        let code = &b.voucher_code;
        if out.already_cancelled {
            return match self.0 {
                Language::PtBr => format!("A reserva {code} já estava cancelada."),
                Language::DeDe => format!("Der Termin {code} war bereits storniert."),
                Language::EnUs => format!("Booking {code} was already cancelled."),
            };
        }
        let what = self.booking_phrase(b, false);
        let refund = match (self.0, out.refund_applicable) {
            (Language::PtBr, true) => "O cancelamento é gratuito.",
            (Language::PtBr, false) => {
                "O prazo de cancelamento gratuito já tinha passado, então não há reembolso."
            }
            (Language::DeDe, true) => "Die Stornierung ist kostenlos.",
            (Language::DeDe, false) => {
                "Die kostenlose Stornierungsfrist war schon vorbei, es gibt keine Erstattung."
            }
            (Language::EnUs, true) => "The cancellation is free of charge.",
            (Language::EnUs, false) => {
                "The free cancellation period had passed, so there is no refund."
            }
        };
        match self.0 {
            Language::PtBr => format!("Reserva {code} cancelada: {what}. {refund}"),
            Language::DeDe => format!("Termin {code} storniert: {what}. {refund}"),
            Language::EnUs => format!("Booking {code} cancelled: {what}. {refund}"),
        }
    }

    pub fn rescheduled(self, out: &RescheduleOutput) -> String {
        let code = &out.after.voucher_code;
        let before = self.at_text(&out.before.date, &out.before.time);
        let after = self.at_text(&out.after.date, &out.after.time);
        let service = speakable(&out.after.service);
        if out.unchanged {
            return match self.0 {
                Language::PtBr => format!(
                    "A reserva {code} já está marcada para {after}, {service}: nada foi alterado."
                ),
                Language::DeDe => format!(
                    "Der Termin {code} ist bereits am {after}, {service}: nichts wurde geändert."
                ),
                Language::EnUs => {
                    format!("Booking {code} is already on {after}, {service}: nothing was changed.")
                }
            };
        }
        match self.0 {
            Language::PtBr => {
                format!("Reserva {code} remarcada de {before} para {after}, {service}.")
            }
            Language::DeDe => {
                format!("Termin {code} verschoben von {before} auf {after}, {service}.")
            }
            Language::EnUs => format!("Booking {code} moved from {before} to {after}, {service}."),
        }
    }

    pub fn business(self, out: &BusinessOutput) -> String {
        let mut text = out.name.clone();
        if let Some(address) = &out.address {
            text.push_str(&format!(", {address}"));
        }
        text.push('.');
        if let Some(phone) = &out.phone {
            text.push_str(&format!(
                " {} {phone}.",
                self.pick("Telefone", "Telefon", "Phone")
            ));
        }
        if let Ok(date) = out.now.date.parse::<Date>() {
            let (time, day) = (&out.now.time, self.date(date));
            text.push_str(&match self.0 {
                Language::PtBr => format!(" Agora são {time} de {day}."),
                Language::DeDe => format!(" Jetzt ist es {time} Uhr am {day}."),
                Language::EnUs => format!(" It is now {time} on {day}."),
            });
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
                let days = self.and_list(&closed);
                text.push_str(&match self.0 {
                    Language::PtBr => format!(" Fechado em {days}."),
                    Language::DeDe => format!(" Geschlossen am {days}."),
                    Language::EnUs => format!(" Closed on {days}."),
                });
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
                    match self.0 {
                        Language::PtBr => format!("das {a} às {b}"),
                        Language::DeDe => format!("von {a} bis {b} Uhr"),
                        Language::EnUs => format!("from {a} to {b}"),
                    }
                })
                .collect();
            let spoken = self.and_list(&spoken);
            return match self.0 {
                Language::PtBr => format!("Hoje o atendimento é {spoken}."),
                Language::DeDe => format!("Heute geöffnet {spoken}."),
                Language::EnUs => format!("Open today {spoken}."),
            };
        }
        match (starts.first(), starts.last()) {
            (Some(first), Some(last)) => match self.0 {
                Language::PtBr => format!("Hoje há sessões das {first} às {last}."),
                Language::DeDe => format!("Heute gibt es Termine zwischen {first} und {last} Uhr."),
                Language::EnUs => format!("Today there are sessions from {first} to {last}."),
            },
            _ => self
                .pick(
                    "Hoje está fechado.",
                    "Heute ist geschlossen.",
                    "Closed today.",
                )
                .into(),
        }
    }

    // ---- errors --------------------------------------------------------------------------

    fn hint(self, hint: Hint) -> &'static str {
        match hint {
            Hint::Integer => self.pick(
                "envie um número inteiro, como 12345",
                "senden Sie eine ganze Zahl, z. B. 12345",
                "send a whole number such as 12345",
            ),
            Hint::Text => self.pick("envie um texto", "senden Sie einen Text", "send a text"),
            Hint::TextList => self.pick(
                "envie uma lista de textos, como [\"a\", \"b\"]",
                "senden Sie eine Liste von Texten, z. B. [\"a\", \"b\"]",
                "send a list of texts such as [\"a\", \"b\"]",
            ),
            Hint::Date => self.pick(
                "envie a data como AAAA-MM-DD (por exemplo 2026-11-21), today, tomorrow ou um dia da semana, como saturday ou sábado",
                "senden Sie das Datum als JJJJ-MM-TT (z. B. 2026-11-21), today, tomorrow oder einen Wochentag wie saturday oder Samstag",
                "send the date as YYYY-MM-DD (for example 2026-11-21), today, tomorrow or a weekday such as saturday",
            ),
            Hint::DateList => self.pick(
                "envie uma lista de datas AAAA-MM-DD, como [\"2026-11-21\"]",
                "senden Sie eine Liste von Daten JJJJ-MM-TT, z. B. [\"2026-11-21\"]",
                "send a list of YYYY-MM-DD dates such as [\"2026-11-21\"]",
            ),
            Hint::Time => self.pick(
                "envie o horário como HH:MM no formato 24 horas, por exemplo 14:00",
                "senden Sie die Uhrzeit als HH:MM im 24-Stunden-Format, z. B. 14:00",
                "send the time as HH:MM in 24-hour form, for example 14:00",
            ),
            Hint::TimeList => self.pick(
                "envie uma lista de horários HH:MM, como [\"08:00\"]",
                "senden Sie eine Liste von Uhrzeiten HH:MM, z. B. [\"08:00\"]",
                "send a list of HH:MM times such as [\"08:00\"]",
            ),
            Hint::Weekdays => self.pick(
                "envie nomes de dias da semana, como [\"saturday\"] ou [\"sábado\"]",
                "senden Sie Wochentage, z. B. [\"saturday\"] oder [\"Samstag\"]",
                "send weekday names such as [\"saturday\"]",
            ),
            Hint::Status => self.pick(
                "use upcoming, past, cancelled ou all",
                "verwenden Sie upcoming, past, cancelled oder all",
                "use upcoming, past, cancelled or all",
            ),
            Hint::Attributes => self.pick(
                "envie um objeto como {\"level\": [\"Intermediario2\"]}",
                "senden Sie ein Objekt wie {\"level\": [\"Intermediario2\"]}",
                "send an object such as {\"level\": [\"Intermediario2\"]}",
            ),
            Hint::BookingRef => self.pick(
                "envie booking_id (um número) ou voucher_code (como KRM-482); get_bookings lista as reservas",
                "senden Sie booking_id (eine Zahl) oder voucher_code (z. B. KRM-482); get_bookings listet die Termine",
                "send booking_id (a number) or voucher_code (such as KRM-482); get_bookings lists the bookings",
            ),
            Hint::Member => self.pick(
                "envie member_id ou member_name; get_members lista os membros",
                "senden Sie member_id oder member_name; get_members listet die Mitglieder",
                "send member_id or member_name; get_members lists the members",
            ),
            Hint::Name => self.pick(
                "envie o nome completo da pessoa em name",
                "senden Sie den vollständigen Namen als name",
                "send the caller's full name as name",
            ),
        }
    }

    pub fn missing(self, field: &str, hint: Hint) -> String {
        let hint = self.hint(hint);
        match self.0 {
            Language::PtBr => format!("Falta {field}: {hint}."),
            Language::DeDe => format!("{field} fehlt: {hint}."),
            Language::EnUs => format!("Missing {field}: {hint}."),
        }
    }

    pub fn invalid(self, field: &str, got: &str, hint: Hint) -> String {
        let hint = self.hint(hint);
        match self.0 {
            Language::PtBr => format!("{field} inválido (\"{got}\"): {hint}."),
            Language::DeDe => format!("{field} ist ungültig (\"{got}\"): {hint}."),
            Language::EnUs => format!("{field} is not valid (\"{got}\"): {hint}."),
        }
    }

    pub fn not_found(self, what: &str) -> String {
        match (self.0, what) {
            (Language::PtBr, "member") => "Esse membro não foi encontrado entre os membros deste cliente. Use get_members e envie um dos member_id da lista.".into(),
            (Language::DeDe, "member") => "Dieses Mitglied gehört nicht zu diesem Kunden. Rufen Sie get_members auf und senden Sie eine der member_id daraus.".into(),
            (Language::EnUs, "member") => "No such member for this caller. Call get_members and send one of its member_id values.".into(),
            (Language::PtBr, "booking") => "Essa reserva não foi encontrada entre as reservas deste cliente. Use get_bookings e envie o booking_id ou voucher_code certo.".into(),
            (Language::DeDe, "booking") => "Dieser Termin wurde bei diesem Kunden nicht gefunden. Rufen Sie get_bookings auf und senden Sie die richtige booking_id oder den voucher_code.".into(),
            (Language::EnUs, "booking") => "No such booking for this caller. Call get_bookings and send one of its booking_id or voucher_code values.".into(),
            (Language::PtBr, "service") => "Serviço não encontrado. get_business_info lista os serviços.".into(),
            (Language::DeDe, "service") => "Leistung nicht gefunden. get_business_info listet die Leistungen.".into(),
            (Language::EnUs, "service") => "No such service. get_business_info lists the services.".into(),
            (Language::PtBr, "branch") => "Unidade não encontrada. get_business_info lista as unidades.".into(),
            (Language::DeDe, "branch") => "Standort nicht gefunden. get_business_info listet die Standorte.".into(),
            (Language::EnUs, "branch") => "No such branch. get_business_info lists the branches.".into(),
            // Anything else (the company, the session) is not the caller's to fix.
            _ => self.pick(
                "Não foi possível encontrar esse registro. Ofereça transferir a ligação para a equipe.",
                "Dieser Eintrag wurde nicht gefunden. Bieten Sie an, den Anruf weiterzuleiten.",
                "That record could not be found. Offer to transfer the call.",
            )
            .into(),
        }
    }

    /// An argument the engine refused, said without its English detail (which stays in
    /// the logs): what was wrong, and what to send where that is known.
    pub fn invalid_input(self, field: &str) -> String {
        let hint = match field {
            "date" | "date_from" | "date_to" | "new_date" => Some(self.hint(Hint::Date)),
            "time" | "new_time" => Some(self.hint(Hint::Time)),
            "voucher_code" | "booking_id" | "booking" => Some(self.hint(Hint::BookingRef)),
            "member" | "member_id" | "member_name" => Some(self.hint(Hint::Member)),
            "name" => Some(self.hint(Hint::Name)),
            "target_weekdays" => Some(self.hint(Hint::Weekdays)),
            "attributes" | "level" | "wave_side" => Some(self.hint(Hint::Attributes)),
            "service" => Some(self.pick(
                "get_business_info lista os serviços",
                "get_business_info listet die Leistungen",
                "get_business_info lists the services",
            )),
            "staff_id" | "staff" => {
                return self
                    .pick(
                        "Esse profissional não atende esse serviço. get_business_info mostra quem atende cada serviço.",
                        "Dieser Mitarbeiter bietet diese Leistung nicht an. get_business_info zeigt, wer welche Leistung anbietet.",
                        "That staff member does not provide this service. get_business_info shows who provides each service.",
                    )
                    .into();
            }
            _ => None,
        };
        let text = match self.0 {
            Language::PtBr => format!("O valor enviado em {field} não é válido"),
            Language::DeDe => format!("Der Wert in {field} ist ungültig"),
            Language::EnUs => format!("The value sent as {field} is not valid"),
        };
        match hint {
            Some(hint) => format!("{text}: {hint}."),
            None => format!("{text}."),
        }
    }

    /// Text refused by the rule for text from outside (control or bidi characters).
    pub fn unsafe_text(self, field: &str) -> String {
        match self.0 {
            Language::PtBr => format!(
                "O texto em {field} contém caracteres de controle ou de direção de texto: envie apenas texto simples."
            ),
            Language::DeDe => format!(
                "Der Text in {field} enthält Steuer- oder Schreibrichtungszeichen: senden Sie nur einfachen Text."
            ),
            Language::EnUs => format!(
                "The text in {field} contains control or text-direction characters: send plain text only."
            ),
        }
    }

    /// A question for the caller when the engine needs them to pick one of `choices`.
    pub fn choose(self, field: &str, choices: &[String]) -> String {
        if choices.is_empty() {
            return self.invalid_input(field);
        }
        // Members carry their id ("Lucas Silva (12346)"), which must be read as written.
        let list = match field {
            "member_name" => self.list(choices, self.or()),
            _ => self.list(&speak_all(choices), self.or()),
        };
        match (self.0, field) {
            (Language::PtBr, "service") => format!("Qual serviço? As opções são: {list}."),
            (Language::DeDe, "service") => format!("Welche Leistung? Zur Wahl stehen: {list}."),
            (Language::EnUs, "service") => format!("Which service? The options are: {list}."),
            (Language::PtBr, "member_name") => {
                format!("Para qual membro? Os membros deste cliente são: {list}.")
            }
            (Language::DeDe, "member_name") => {
                format!("Für welches Mitglied? Die Mitglieder dieses Kunden sind: {list}.")
            }
            (Language::EnUs, "member_name") => {
                format!("Which member? This caller's members are: {list}.")
            }
            (Language::PtBr, "staff") => format!("Com qual profissional? As opções são: {list}."),
            (Language::DeDe, "staff") => {
                format!("Bei welchem Mitarbeiter? Zur Wahl stehen: {list}.")
            }
            (Language::EnUs, "staff") => format!("Which staff member? The options are: {list}."),
            (Language::PtBr, _) => format!("Qual {field}? As opções são: {list}."),
            (Language::DeDe, _) => format!("Welche Angabe für {field}? Zur Wahl stehen: {list}."),
            (Language::EnUs, _) => format!("Which {field}? The options are: {list}."),
        }
    }

    pub fn invalid_phone(self) -> String {
        self.pick(
            "Número de telefone inválido: envie no formato E.164, como +5511999999999.",
            "Ungültige Telefonnummer: senden Sie sie im E.164-Format, z. B. +491234567890.",
            "Invalid phone number: send it in E.164 form, like +14155552671.",
        )
        .into()
    }

    pub fn unknown_caller(self, company: &str, may_register: bool) -> String {
        match (self.0, may_register) {
            (Language::PtBr, true) => "Este número não tem cadastro. Pergunte o nome completo da pessoa e envie-o em name para cadastrá-la e fazer a reserva.".into(),
            (Language::PtBr, false) => format!("Este número não tem cadastro, e {company} só faz reservas para clientes cadastrados. Ofereça transferir a ligação para a equipe."),
            (Language::DeDe, true) => "Zu dieser Nummer gibt es kein Kundenkonto. Fragen Sie nach dem vollständigen Namen und senden Sie ihn als name, dann wird ein Konto angelegt und gebucht.".into(),
            (Language::DeDe, false) => format!("Zu dieser Nummer gibt es kein Kundenkonto, und {company} bucht nur für bestehende Kunden. Bieten Sie an, den Anruf weiterzuleiten."),
            (Language::EnUs, true) => "This phone number has no customer account. Ask for the caller's full name and send it as name to register them and book.".into(),
            (Language::EnUs, false) => format!("This phone number has no customer account, and {company} only books for registered customers. Offer to transfer the call."),
        }
    }

    /// "Rafael Silva (12345) ou Lucas Silva (12346)".
    pub fn which_member(self, choices: &[(i64, String)]) -> String {
        let items: Vec<String> = choices
            .iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect();
        let list = self.list(&items, self.or());
        match self.0 {
            Language::PtBr => format!("Para qual membro é a reserva? Envie member_id: {list}."),
            Language::DeDe => {
                format!("Für welches Mitglied ist der Termin? Senden Sie member_id: {list}.")
            }
            Language::EnUs => format!("Which member is it for? Send member_id: {list}."),
        }
    }

    pub fn no_such_slot(self, service: &str, date: &str, time: &str) -> String {
        let (service, at) = (speakable(service), self.at_text(date, time));
        match self.0 {
            Language::PtBr => format!("Não há sessão de {service} em {at}."),
            Language::DeDe => format!("Für {service} gibt es keinen Termin am {at}."),
            Language::EnUs => format!("{service} has no session on {at}."),
        }
    }

    pub fn slot_full(self, service: &str, date: &str, time: &str) -> String {
        let (service, at) = (speakable(service), self.at_text(date, time));
        match self.0 {
            Language::PtBr => format!("A sessão de {service} em {at} está lotada."),
            Language::DeDe => format!("{service} am {at} ist ausgebucht."),
            Language::EnUs => format!("{service} on {at} is full."),
        }
    }

    pub fn in_the_past(self) -> String {
        self.pick(
            "Esse horário já começou ou já passou.",
            "Dieser Termin hat schon begonnen oder ist vorbei.",
            "That time has already started or passed.",
        )
        .into()
    }

    pub fn too_soon(self, minutes: i64) -> String {
        match self.0 {
            Language::PtBr => format!(
                "Esse horário é muito em cima da hora: as reservas precisam de pelo menos {minutes} minutos de antecedência."
            ),
            Language::DeDe => format!(
                "Dieser Termin ist zu kurzfristig: Buchungen brauchen mindestens {minutes} Minuten Vorlauf."
            ),
            Language::EnUs => {
                format!("That time is too soon: bookings need at least {minutes} minutes' notice.")
            }
        }
    }

    pub fn outside_window(self, days: i64) -> String {
        match self.0 {
            Language::PtBr => format!(
                "Essa data está longe demais: as reservas abrem com no máximo {days} dias de antecedência."
            ),
            Language::DeDe => format!(
                "Dieses Datum liegt zu weit in der Zukunft: Buchungen sind höchstens {days} Tage im Voraus möglich."
            ),
            Language::EnUs => {
                format!("That date is too far ahead: bookings open at most {days} days in advance.")
            }
        }
    }

    pub fn quota_reached(self, who: Option<&str>, active: i64, limit: i64) -> String {
        match self.0 {
            Language::PtBr => format!(
                "{} já tem {active} {} e o máximo permitido é {limit}. Para reservar outra, cancele ou remarque a reserva existente.",
                who.unwrap_or("Este membro"),
                if active == 1 {
                    "reserva ativa"
                } else {
                    "reservas ativas"
                },
            ),
            Language::DeDe => format!(
                "{} hat bereits {active} {}, erlaubt sind höchstens {limit}. Für einen neuen Termin muss ein bestehender storniert oder verschoben werden.",
                who.unwrap_or("Dieses Mitglied"),
                if active == 1 {
                    "aktiven Termin"
                } else {
                    "aktive Termine"
                },
            ),
            Language::EnUs => format!(
                "{} already has {active} active {}, the most allowed is {limit}. Cancel or reschedule the existing booking to book another.",
                who.unwrap_or("This member"),
                if active == 1 { "booking" } else { "bookings" },
            ),
        }
    }

    pub fn active_bookings(self, bookings: &[BookingOutput]) -> String {
        let items: Vec<String> = bookings
            .iter()
            .take(3)
            .map(|b| self.booking_phrase(b, true))
            .collect();
        match self.0 {
            Language::PtBr => format!(" Reserva ativa: {}.", items.join("; ")),
            Language::DeDe => format!(" Aktiver Termin: {}.", items.join("; ")),
            Language::EnUs => format!(" Active booking: {}.", items.join("; ")),
        }
    }

    pub fn not_active(self, status: &str) -> String {
        let status = self.status(status);
        match self.0 {
            Language::PtBr => format!("Essa reserva está {status} e não pode mais ser alterada."),
            Language::DeDe => {
                format!("Dieser Termin ist {status} und kann nicht mehr geändert werden.")
            }
            Language::EnUs => format!("This booking is {status} and can no longer be changed."),
        }
    }

    pub fn range_too_long(self, max: i64, requested: i64) -> String {
        match self.0 {
            Language::PtBr => format!(
                "O período pode ter no máximo {max} dias, não {requested}: envie date_from e date_to mais próximos."
            ),
            Language::DeDe => format!(
                "Der Zeitraum darf höchstens {max} Tage umfassen, nicht {requested}: senden Sie date_from und date_to näher beieinander."
            ),
            Language::EnUs => format!(
                "A date range may cover at most {max} days, not {requested}: send a date_from and date_to closer together."
            ),
        }
    }

    pub fn unavailable(self) -> String {
        self.pick(
            "O sistema de reservas está temporariamente indisponível. Tente novamente em instantes.",
            "Das Buchungssystem ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
            "The booking system is temporarily unavailable. Please try again in a moment.",
        )
        .into()
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
                .map(|(date, times)| self.at_text(date, &self.list(times, self.or())))
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
        let service = speakable(&first.service);
        match (self.0, same_service) {
            (Language::PtBr, true) => format!(" Horários livres de {service}: {list}."),
            (Language::PtBr, false) => format!(" Horários livres: {list}."),
            (Language::DeDe, true) => format!(" Freie Alternativen für {service}: {list}."),
            (Language::DeDe, false) => format!(" Freie Alternativen: {list}."),
            (Language::EnUs, true) => format!(" Available instead for {service}: {list}."),
            (Language::EnUs, false) => format!(" Available instead: {list}."),
        }
    }
}

/// A name as it should be read aloud: "Intermediario2 · Lado esquerdo" becomes
/// "Intermediario2, Lado esquerdo", "Lado_esquerdo" becomes "Lado esquerdo".
pub fn speakable(name: &str) -> String {
    name.replace(" · ", ", ")
        .replace('·', ",")
        .replace('_', " ")
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

    #[test]
    fn dates_are_spoken_in_each_language() {
        let d = date(2026, 11, 21);
        assert_eq!(
            Say(Language::PtBr).at(d, "08:00"),
            "sábado, 21 de novembro às 08:00"
        );
        assert_eq!(
            Say(Language::DeDe).at(d, "08:00"),
            "Samstag, 21. November um 08:00 Uhr"
        );
        assert_eq!(
            Say(Language::EnUs).at(d, "08:00"),
            "Saturday, November 21 at 08:00"
        );
        assert_eq!(
            Say(Language::PtBr).date(date(2026, 12, 1)),
            "terça-feira, 1º de dezembro"
        );
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
