//! Voice-agent prompts: a template per company, branch and language, rendered with minijinja
//! from the company's real data (its name, the branch, the branch's services, and the working
//! hours written out from the services' schedules in that language).
//!
//! A prompt language is a language code (`de`, `en`, `pt`, `es`, `fr`, also written `de-DE`,
//! `pt_BR`) naming a shipped locale's language: every folder `locales/<tag>/` is one, with its
//! built-in template `agent-prompt.j2` and the words of the working hours
//! (`frontdesk-engine.ftl`; weekday abbreviations and "and" come from ICU4X). No language is
//! listed in Rust. A company can override the built-in template for all its branches or for
//! one branch, per language code (the store returns the most specific one). Variables
//! available to a template: `company_name`, `branch_name`, `services` (a list of names),
//! `working_hours` ("Mo-Fr 9:00-18:00"), `address`, `phone_number`, `time_zone` and
//! `language` (the code).

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use frontdesk_domain::opening::{Span, day_opening};
use frontdesk_domain::{BranchId, CompanyId};
use frontdesk_locale::unic_langid::LanguageIdentifier;
use frontdesk_locale::{Loaders, Locale, resolve, shipped};
use frontdesk_store::{Branch, NewPromptTemplate, Service, StoreError};
use i18n_embed::fluent::fluent_language_loader;
use i18n_embed_fl::fl;
use jiff::civil::Weekday;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;

const MAX_TEMPLATE_LEN: usize = 20_000;

/// The built-in template's file name in each `locales/<tag>/` folder.
pub const BUILTIN_TEMPLATE_FILE: &str = "agent-prompt.j2";

/// The words of `locales/<tag>/frontdesk-engine.ftl`, per locale; ids checked at compile time.
pub(crate) static TEXTS: LazyLock<Loaders> =
    LazyLock::new(|| Loaders::new(|| fluent_language_loader!()));

/// The language code of `locale` as prompts are stored: its language subtag (`pt` for pt-BR).
pub fn prompt_language_code(locale: &'static Locale) -> &'static str {
    locale.langid().language.as_str()
}

/// The prompt language code of a business's `language` (any BCP-47 tag), resolved as every
/// other surface resolves it: `es-MX` → `es`, `ja` → `en` (the fallback locale's).
pub fn business_prompt_language(tag: &str) -> &'static str {
    prompt_language_code(resolve(tag).locale)
}

/// The prompt language codes, one per language of the shipped locales, sorted: `de`, `en`,
/// `es`, `fr`, `pt`.
pub fn prompt_language_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = shipped().iter().map(|l| prompt_language_code(l)).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The codes for an error message: "de, en, es, fr or pt".
pub fn prompt_languages_expected() -> String {
    match prompt_language_codes().as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The locale of a prompt language code: a language subtag (`de`, `EN`), possibly with a
/// region or script (`de-DE`, `pt_BR`, `es-MX`), whose language a shipped locale speaks
/// (resolved as a business language is: `pt` and `pt-PT` are pt-BR). Anything else is
/// `InvalidInput` on `language`, listing the codes.
pub fn prompt_locale(text: &str) -> EngineResult<&'static Locale> {
    let wanted = text.trim().replace('_', "-");
    let language = wanted
        .parse::<LanguageIdentifier>()
        .ok()
        .map(|id| id.language)
        .filter(|language| !language.is_empty());
    let locale = resolve(&wanted).locale;
    match language {
        Some(language) if locale.langid().language == language => Ok(locale),
        _ => Err(EngineError::invalid(
            "language",
            format!(
                "{:?} is not supported: use {}",
                text.chars().take(20).collect::<String>(),
                prompt_languages_expected()
            ),
        )),
    }
}

/// The template shipped with frontdesk for `locale`: `locales/<tag>/agent-prompt.j2`, else
/// en-US's.
pub fn builtin_template(locale: &Locale) -> EngineResult<Cow<'static, str>> {
    locale.file(BUILTIN_TEMPLATE_FILE).ok_or_else(|| {
        EngineError::Internal(format!(
            "locales/{}/{BUILTIN_TEMPLATE_FILE} is missing",
            frontdesk_locale::FALLBACK_TAG
        ))
    })
}

/// What a template can use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromptVariables {
    pub company_name: String,
    pub branch_name: String,
    /// The names of the branch's active services.
    pub services: Vec<String>,
    /// "Mo-Fr 9:00-18:00", from the services' regular schedules.
    pub working_hours: String,
    /// The branch's address, else the company's.
    pub address: Option<String>,
    /// The branch's first inbound number (E.164).
    pub phone_number: Option<String>,
    pub time_zone: String,
    /// The prompt language code: `de`, `en`, `pt`, `es`, `fr` (a language subtag).
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentPrompt {
    pub template: String,
    pub variables: PromptVariables,
    pub rendered: String,
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Prompts are plain text: nothing is HTML-escaped.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env
}

/// Renders `template` with `variables`; a broken template is an input error naming the cause.
pub fn render(template: &str, variables: &PromptVariables) -> EngineResult<String> {
    environment()
        .render_str(template, variables)
        .map(|text| text.trim().to_string())
        .map_err(|e| EngineError::invalid("template", e.to_string()))
}

impl Engine {
    /// The agent prompt of a branch (the company's first branch when `branch_id` is `None`)
    /// in `language` (a code of [`prompt_locale`]: `de`, `en`, `pt`, `es`, `fr`): the
    /// company's template if it set one, else the locale's built-in one, rendered from the
    /// branch's real data. A branch of another company is "branch not found".
    pub async fn agent_prompt(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
    ) -> EngineResult<AgentPrompt> {
        let locale = prompt_locale(language)?;
        let code = prompt_language_code(locale);
        let company = self.company(company_id).await?;
        let branch = self.prompt_branch(company_id, branch_id).await?;
        let services: Vec<Service> = self
            .store
            .list_services(company_id)
            .await?
            .into_iter()
            .filter(|s| s.active && s.branch_id == branch.id)
            .collect();
        let template = match self
            .store
            .get_prompt_template(company_id, Some(branch.id), code)
            .await
        {
            Ok(custom) => custom,
            Err(StoreError::NotFound) => builtin_template(locale)?.into_owned(),
            Err(e) => return Err(e.into()),
        };
        let variables = PromptVariables {
            company_name: company.name.clone(),
            branch_name: branch.name.clone(),
            services: services.iter().map(|s| s.name.clone()).collect(),
            working_hours: working_hours(&services, locale),
            address: branch.address.clone().or(company.address.clone()),
            phone_number: branch.phone_numbers.first().cloned(),
            time_zone: branch
                .time_zone
                .clone()
                .unwrap_or(company.time_zone.clone()),
            language: code.to_string(),
        };
        let rendered = render(&template, &variables)?;
        Ok(AgentPrompt {
            template,
            variables,
            rendered,
        })
    }

    /// Stores the company's own template for one branch (or all, with `None`) and language
    /// (stored as the code's language subtag: `de-DE` is `de`), after checking that it parses.
    pub async fn set_agent_prompt_template(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
        template: &str,
    ) -> EngineResult<()> {
        let code = prompt_language_code(prompt_locale(language)?);
        if template.trim().is_empty() {
            return Err(EngineError::invalid("template", "must not be empty"));
        }
        crate::text::plain_lines("template", template)?;
        if template.len() > MAX_TEMPLATE_LEN {
            return Err(EngineError::invalid(
                "template",
                format!("must be at most {MAX_TEMPLATE_LEN} characters"),
            ));
        }
        environment()
            .template_from_str(template)
            .map_err(|e| EngineError::invalid("template", e.to_string()))?;
        self.company(company_id).await?;
        if let Some(id) = branch_id {
            self.prompt_branch(company_id, Some(id)).await?;
        }
        self.store
            .set_prompt_template(NewPromptTemplate {
                company_id,
                branch_id,
                language: code.to_string(),
                template: template.to_string(),
                now: self.now(),
            })
            .await
            .or_not_found("company")
    }

    async fn prompt_branch(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
    ) -> EngineResult<Branch> {
        match branch_id {
            Some(id) => {
                let branch = self
                    .store
                    .get_branch(company_id, id)
                    .await
                    .or_not_found("branch")?;
                if branch.company_id != company_id {
                    return Err(EngineError::NotFound { what: "branch" });
                }
                Ok(branch)
            }
            None => self
                .store
                .list_branches(company_id)
                .await?
                .into_iter()
                .filter(|b| !b.retired)
                .min_by_key(|b| b.id)
                .ok_or(EngineError::NotFound { what: "branch" }),
        }
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// When each weekday (Monday first) has any of `services` running, from their regular
/// schedules (the domain's one rule: open hours less breaks; for fixed start times, the first
/// start to the last end).
fn weekly_hours(services: &[Service]) -> [Vec<Span>; 7] {
    WEEK.map(|day| {
        day_opening(
            day,
            services.iter().map(|s| (&s.schedule, s.duration_minutes)),
        )
        .spans()
    })
}

fn clock(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// "Mo-Fr 9:00-18:00; Sa 10:00-14:00" in `locale`'s words: weekdays with equal hours grouped,
/// runs of consecutive days written as ranges of ICU's abbreviated names, a day's hours as an
/// "and"-list; "daily" and "no regular opening hours" from `frontdesk-engine.ftl`.
pub fn working_hours(services: &[Service], locale: &Locale) -> String {
    format_week(&weekly_hours(services), locale)
}

fn format_week(week: &[Vec<Span>; 7], locale: &Locale) -> String {
    let texts = TEXTS.get(locale);
    // Groups of days with the same hours, in the order of their first day.
    let mut groups: Vec<(&Vec<Span>, Vec<usize>)> = Vec::new();
    for (day, spans) in week.iter().enumerate() {
        if spans.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(s, _)| *s == spans) {
            Some((_, days)) => days.push(day),
            None => groups.push((spans, vec![day])),
        }
    }
    if groups.is_empty() {
        return fl!(texts, "hours-none");
    }
    let name = |day: usize| locale.weekday_short(WEEK[day]);
    let parts: Vec<String> = groups
        .iter()
        .map(|(spans, days)| {
            let days_text = if days.len() == 7 {
                fl!(texts, "hours-every-day")
            } else {
                runs(days)
                    .into_iter()
                    .map(|(a, b)| {
                        if a == b {
                            name(a)
                        } else {
                            format!("{}-{}", name(a), name(b))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let ranges: Vec<String> = spans
                .iter()
                .map(|(s, e)| format!("{}-{}", clock(*s), clock(*e)))
                .collect();
            format!("{days_text} {}", locale.and_list(&ranges))
        })
        .collect();
    parts.join("; ")
}

/// Consecutive runs of sorted day indexes: [0,1,2,4] → [(0,2),(4,4)].
fn runs(days: &[usize]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => out.push((d, d)),
        }
    }
    out
}

/// A temporary SQLite store with the demo businesses loaded (engine tests).
#[cfg(test)]
pub(crate) async fn demo_engine() -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("engine.db").display());
    let store = frontdesk_store_sqlite::SqliteStore::connect(&url)
        .await
        .expect("sqlite store");
    let engine = Engine::new(std::sync::Arc::new(store));
    engine.load_demo().await.expect("demo businesses");
    (engine, dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_domain::Schedule;

    fn open(json: serde_json::Value) -> Schedule {
        serde_json::from_value(json).expect("schedule")
    }

    fn service(schedule: Schedule, duration: i32) -> Service {
        Service {
            id: 1,
            company_id: 1,
            branch_id: 1,
            code: "s".into(),
            name: "S".into(),
            description: None,
            duration_minutes: duration,
            capacity: 1,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            price_cents: None,
            currency: None,
            attributes: Default::default(),
            schedule,
            exceptions: Vec::new(),
            staff_ids: Vec::new(),
            active: true,
            retired: false,
        }
    }

    fn lang(code: &str) -> &'static Locale {
        prompt_locale(code).expect("prompt language")
    }

    #[test]
    fn weekdays_with_equal_hours_are_grouped_in_each_language() {
        let s = service(
            open(
                serde_json::json!({"kind": "open_hours", "hours": {"mon-fri": ["09:00-18:00"]}, "interval_minutes": 30}),
            ),
            60,
        );
        // ICU's stand-alone abbreviations (CLDR): pt-BR writes "seg.", not "Seg".
        for (code, hours) in [
            ("de", "Mo-Fr 9:00-18:00"),
            ("en", "Mon-Fri 9:00-18:00"),
            ("pt", "seg.-sex. 9:00-18:00"),
            ("es", "lun-vie 9:00-18:00"),
            ("fr", "lun.-ven. 9:00-18:00"),
        ] {
            assert_eq!(
                working_hours(std::slice::from_ref(&s), lang(code)),
                hours,
                "{code}"
            );
        }
    }

    #[test]
    fn breaks_split_the_day_and_other_days_get_their_own_group() {
        let s = service(
            open(serde_json::json!({"kind": "open_hours",
                "hours": {"mon-wed": ["08:30-17:00"], "fri": ["08:30-17:00"], "sat": ["10:00-13:00"]},
                "interval_minutes": 15, "breaks": ["12:00-13:00"]})),
            30,
        );
        let s = std::slice::from_ref(&s);
        assert_eq!(
            working_hours(s, lang("de")),
            "Mo-Mi, Fr 8:30-12:00 und 13:00-17:00; Sa 10:00-12:00"
        );
        assert_eq!(
            working_hours(s, lang("es")),
            "lun-mié, vie 8:30-12:00 y 13:00-17:00; sáb 10:00-12:00"
        );
        assert_eq!(
            working_hours(s, lang("fr")),
            "lun.-mer., ven. 8:30-12:00 et 13:00-17:00; sam. 10:00-12:00"
        );
    }

    #[test]
    fn fixed_times_span_first_start_to_last_end_and_services_combine() {
        let a = service(
            open(
                serde_json::json!({"kind": "fixed_times", "times": {"daily": ["08:00", "12:00"]}}),
            ),
            60,
        );
        let b = service(
            open(serde_json::json!({"kind": "fixed_times", "times": {"sat-sun": ["18:00"]}})),
            90,
        );
        assert_eq!(
            working_hours(&[a, b], lang("en")),
            "Mon-Fri 8:00-13:00; Sat-Sun 8:00-13:00 and 18:00-19:30"
        );
        for (code, none) in [
            ("de", "keine festen Öffnungszeiten"),
            ("en", "no regular opening hours"),
            ("pt", "sem horário fixo"),
            ("es", "sin horario fijo"),
            ("fr", "pas d'horaires fixes"),
        ] {
            assert_eq!(working_hours(&[], lang(code)), none, "{code}");
        }
    }

    #[test]
    fn three_ranges_are_a_list_in_the_locales_words() {
        let s = service(
            open(
                serde_json::json!({"kind": "open_hours", "hours": {"daily": ["08:00-17:00"]},
                "interval_minutes": 60, "breaks": ["09:00-12:00", "13:00-16:00"]}),
            ),
            60,
        );
        let s = std::slice::from_ref(&s);
        assert_eq!(
            working_hours(s, lang("de")),
            "täglich 8:00-9:00, 12:00-13:00 und 16:00-17:00"
        );
        assert_eq!(
            working_hours(s, lang("en")),
            "daily 8:00-9:00, 12:00-13:00, and 16:00-17:00"
        );
        assert_eq!(
            working_hours(s, lang("es")),
            "todos los días 8:00-9:00, 12:00-13:00 y 16:00-17:00"
        );
        assert_eq!(
            working_hours(s, lang("fr")),
            "tous les jours 8:00-9:00, 12:00-13:00 et 16:00-17:00"
        );
    }

    #[test]
    fn languages_parse_with_or_without_region() {
        for (text, tag) in [
            ("de", "de-DE"),
            ("de-DE", "de-DE"),
            ("de-AT", "de-DE"),
            ("EN", "en-US"),
            ("en_GB", "en-US"),
            ("pt_BR", "pt-BR"),
            ("pt-PT", "pt-BR"),
            (" es ", "es-ES"),
            ("es-MX", "es-ES"),
            ("fr", "fr-FR"),
            ("fr-CA", "fr-FR"),
        ] {
            assert_eq!(
                prompt_locale(text).map(|l| l.tag()).ok(),
                Some(tag),
                "{text}"
            );
        }
        for l in shipped() {
            let code = prompt_language_code(l);
            assert_eq!(code.len(), 2, "{l}");
            assert_eq!(prompt_locale(code).ok(), Some(*l), "{l}");
            assert_eq!(prompt_locale(l.tag()).ok(), Some(*l), "{l}");
        }
        assert_eq!(prompt_language_codes(), ["de", "en", "es", "fr", "pt"]);
        assert_eq!(business_prompt_language("es-MX"), "es");
        assert_eq!(business_prompt_language("pt-BR"), "pt");
        assert_eq!(business_prompt_language("ja"), "en");
        for bad in ["", "ja", "zh-TW", "deutsch", "x-de", "und", "en-", "--"] {
            match prompt_locale(bad) {
                Err(EngineError::InvalidInput {
                    field: "language",
                    message,
                }) => assert!(
                    message.ends_with("is not supported: use de, en, es, fr or pt"),
                    "{bad}: {message}"
                ),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn every_locale_has_its_own_built_in_template_and_hours_words() {
        for l in shipped() {
            for file in [BUILTIN_TEMPLATE_FILE, "frontdesk-engine.ftl"] {
                let path = format!("{}/{file}", l.tag());
                assert!(
                    frontdesk_locale::Localizations::get(&path).is_some(),
                    "locales/{path} is missing"
                );
            }
            let template = builtin_template(l).expect("template");
            environment()
                .template_from_str(&template)
                .unwrap_or_else(|e| panic!("{l}: {e}"));
            crate::text::plain_lines("template", &template).unwrap_or_else(|e| panic!("{l}: {e}"));
        }
    }

    #[tokio::test]
    async fn the_askproai_prompt_is_rendered_from_the_real_catalogue() {
        let (engine, _dir) = demo_engine().await;
        let company = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");
        let branch = engine
            .store()
            .list_branches(company.id)
            .await
            .expect("branches")[0]
            .clone();

        let prompt = engine
            .agent_prompt(company.id, Some(branch.id), "de")
            .await
            .expect("prompt");

        assert_eq!(prompt.variables.company_name, "AskProAI Demo");
        assert_eq!(prompt.variables.branch_name, "Berlin Hauptfiliale");
        assert_eq!(
            prompt.variables.services,
            ["Beratung", "Support", "Training"]
        );
        assert_eq!(prompt.variables.working_hours, "Mo-Fr 9:00-18:00");
        assert_eq!(
            prompt.variables.phone_number.as_deref(),
            Some("+493083793369")
        );
        assert!(
            prompt
                .template
                .starts_with("Sie sind der KI-Assistent für {{company_name}}"),
            "{}",
            prompt.template
        );
        assert!(
            prompt
                .rendered
                .starts_with("Sie sind der KI-Assistent für AskProAI Demo, Berlin Hauptfiliale."),
            "{}",
            prompt.rendered
        );
        assert!(
            prompt
                .rendered
                .contains("Unsere Leistungen: Beratung, Support, Training.")
        );
        assert!(
            prompt
                .rendered
                .contains("Öffnungszeiten: Mo-Fr 9:00-18:00.")
        );
        assert!(
            prompt
                .rendered
                .contains("Adresse: Friedrichstraße 100, 10117 Berlin.")
        );
        assert!(!prompt.rendered.contains("{{") && !prompt.rendered.contains("{%"));

        let en = engine
            .agent_prompt(company.id, None, "en")
            .await
            .expect("prompt");
        assert_eq!(en.variables.working_hours, "Mon-Fri 9:00-18:00");
        assert!(
            en.rendered
                .starts_with("You are the AI assistant for AskProAI Demo")
        );
        let pt = engine
            .agent_prompt(company.id, None, "pt-BR")
            .await
            .expect("prompt");
        assert_eq!(pt.variables.working_hours, "seg.-sex. 9:00-18:00");
        assert!(
            pt.rendered
                .starts_with("Você é o assistente de IA de AskProAI Demo")
        );
    }

    #[tokio::test]
    async fn every_locale_renders_the_built_in_prompt_in_its_own_words() {
        let (engine, _dir) = demo_engine().await;
        let company = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");
        let english = engine
            .agent_prompt(company.id, None, "en")
            .await
            .expect("prompt");
        for l in shipped() {
            let code = prompt_language_code(l);
            let prompt = engine
                .agent_prompt(company.id, None, code)
                .await
                .unwrap_or_else(|e| panic!("{l}: {e}"));
            assert_eq!(prompt.variables.language, code);
            assert_eq!(prompt.template, builtin_template(l).expect("built-in"));
            assert!(
                prompt
                    .variables
                    .working_hours
                    .starts_with(&l.weekday_short(Weekday::Monday)),
                "{l}: {}",
                prompt.variables.working_hours
            );
            assert!(prompt.rendered.contains(&prompt.variables.working_hours));
            assert!(
                prompt
                    .rendered
                    .contains("AskProAI Demo, Berlin Hauptfiliale")
            );
            assert!(prompt.rendered.contains("Beratung, Support, Training"));
            assert!(
                prompt
                    .rendered
                    .contains("Friedrichstraße 100, 10117 Berlin")
            );
            assert!(!prompt.rendered.contains("{{") && !prompt.rendered.contains("{%"));
            crate::text::plain_lines("prompt", &prompt.rendered)
                .unwrap_or_else(|e| panic!("{l}: {e}"));
            if code == "en" {
                continue;
            }
            // Not one English line or word of the prompt's own text.
            for line in english.rendered.lines().filter(|l| !l.trim().is_empty()) {
                assert!(!prompt.rendered.contains(line), "{l}: {line}");
            }
            let words = |text: &str| -> Vec<String> {
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.len() > 2)
                    .map(str::to_lowercase)
                    .collect()
            };
            let data = words(
                "AskProAI Demo Berlin Hauptfiliale Beratung Support Training Friedrichstraße",
            );
            let own = words(&prompt.rendered);
            let shared: std::collections::BTreeSet<String> = words(&english.rendered)
                .into_iter()
                .filter(|w| !data.contains(w) && own.contains(w))
                .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
                .collect();
            // Only words both languages spell alike.
            let cognates = ["system", "error", "assistant", "date", "questions"];
            assert!(
                shared.iter().all(|w| cognates.contains(&w.as_str())),
                "{l}: {shared:?}"
            );
        }

        let expected = [
            (
                "de",
                "Sie sind der KI-Assistent für AskProAI Demo, Berlin Hauptfiliale.",
                "Öffnungszeiten: Mo-Fr 9:00-18:00.",
            ),
            (
                "en",
                "You are the AI assistant for AskProAI Demo, Berlin Hauptfiliale.",
                "Opening hours: Mon-Fri 9:00-18:00.",
            ),
            (
                "pt",
                "Você é o assistente de IA de AskProAI Demo, Berlin Hauptfiliale.",
                "Horário de funcionamento: seg.-sex. 9:00-18:00.",
            ),
            (
                "es",
                "Eres el asistente de IA de AskProAI Demo, Berlin Hauptfiliale.",
                "Horario de atención: lun-vie 9:00-18:00.",
            ),
            (
                "fr",
                "Vous êtes l'assistant IA qui répond au téléphone pour AskProAI Demo, Berlin Hauptfiliale.",
                "Horaires d'ouverture : lun.-ven. 9:00-18:00.",
            ),
        ];
        for (code, opening, hours) in expected {
            let prompt = engine
                .agent_prompt(company.id, None, code)
                .await
                .expect("prompt");
            assert!(prompt.rendered.starts_with(opening), "{}", prompt.rendered);
            assert!(
                prompt.rendered.lines().any(|line| line == hours),
                "{}",
                prompt.rendered
            );
        }
    }

    #[tokio::test]
    async fn the_surf_club_hours_come_from_its_fixed_session_times() {
        let (engine, _dir) = demo_engine().await;
        let company = engine
            .company_by_slug("beyond-the-club")
            .await
            .expect("company");

        let prompt = engine
            .agent_prompt(company.id, None, "pt")
            .await
            .expect("prompt");

        assert_eq!(prompt.variables.working_hours, "todos os dias 7:00-20:00");
        assert_eq!(prompt.variables.services.len(), 12);
        assert!(
            prompt
                .rendered
                .contains("Horário de funcionamento: todos os dias 7:00-20:00.")
        );
    }

    #[tokio::test]
    async fn another_companys_branch_or_an_unknown_language_is_refused() {
        let (engine, _dir) = demo_engine().await;
        let askpro = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");
        let beyond = engine
            .company_by_slug("beyond-the-club")
            .await
            .expect("company");
        let beyond_branch = engine
            .store()
            .list_branches(beyond.id)
            .await
            .expect("branches")[0]
            .id;

        let foreign = engine
            .agent_prompt(askpro.id, Some(beyond_branch), "de")
            .await
            .err();
        assert!(
            matches!(foreign, Some(EngineError::NotFound { what: "branch" })),
            "{foreign:?}"
        );
        let unknown = engine
            .agent_prompt(askpro.id, Some(999_999), "de")
            .await
            .err();
        assert!(
            matches!(unknown, Some(EngineError::NotFound { what: "branch" })),
            "{unknown:?}"
        );
        let language = engine.agent_prompt(askpro.id, None, "ja").await.err();
        assert!(
            matches!(
                &language,
                Some(EngineError::InvalidInput {
                    field: "language",
                    message,
                }) if message == "\"ja\" is not supported: use de, en, es, fr or pt"
            ),
            "{language:?}"
        );
        let stored = engine
            .set_agent_prompt_template(askpro.id, None, "ja", "Hi")
            .await
            .err();
        assert!(
            matches!(
                stored,
                Some(EngineError::InvalidInput {
                    field: "language",
                    ..
                })
            ),
            "{stored:?}"
        );
        let company = engine.agent_prompt(999_999, None, "de").await.err();
        assert!(
            matches!(company, Some(EngineError::NotFound { what: "company" })),
            "{company:?}"
        );
    }

    #[tokio::test]
    async fn a_company_template_overrides_the_built_in_one_per_branch_and_language() {
        let (engine, _dir) = demo_engine().await;
        let company = engine
            .company_by_slug("askproai-demo")
            .await
            .expect("company");
        let branch = engine
            .store()
            .list_branches(company.id)
            .await
            .expect("branches")[0]
            .id;

        engine
            .set_agent_prompt_template(
                company.id,
                None,
                "de",
                "Hallo von {{company_name}}: {{ services|length }} Leistungen, {{working_hours}}.",
            )
            .await
            .expect("company-wide");
        let wide = engine
            .agent_prompt(company.id, Some(branch), "de")
            .await
            .expect("prompt");
        assert_eq!(
            wide.rendered,
            "Hallo von AskProAI Demo: 3 Leistungen, Mo-Fr 9:00-18:00."
        );

        engine
            .set_agent_prompt_template(company.id, Some(branch), "de", "Filiale {{branch_name}}")
            .await
            .expect("branch");
        let specific = engine
            .agent_prompt(company.id, Some(branch), "de")
            .await
            .expect("prompt");
        assert_eq!(specific.rendered, "Filiale Berlin Hauptfiliale");
        assert_eq!(specific.template, "Filiale {{branch_name}}");
        // Other languages keep the built-in template.
        let en = engine
            .agent_prompt(company.id, Some(branch), "en")
            .await
            .expect("prompt");
        assert_eq!(en.template, builtin_template(lang("en")).expect("built-in"));
        // Stored under the language subtag: es-ES and es are one template, fr keeps its own.
        engine
            .set_agent_prompt_template(company.id, None, "es-ES", "Hola de {{company_name}}")
            .await
            .expect("es");
        let es = engine
            .agent_prompt(company.id, Some(branch), "es")
            .await
            .expect("prompt");
        assert_eq!(es.rendered, "Hola de AskProAI Demo");
        assert_eq!(es.variables.language, "es");
        let fr = engine
            .agent_prompt(company.id, Some(branch), "fr_FR")
            .await
            .expect("prompt");
        assert_eq!(fr.template, builtin_template(lang("fr")).expect("built-in"));

        let broken = engine
            .set_agent_prompt_template(company.id, None, "de", "{% if %}")
            .await
            .err();
        assert!(
            matches!(
                broken,
                Some(EngineError::InvalidInput {
                    field: "template",
                    ..
                })
            ),
            "{broken:?}"
        );
    }
}
