//! Voice-agent prompts: a template per company, branch and language, rendered with minijinja
//! from the company's real data (its name, the branch, the branch's services, and the working
//! hours written out from the services' schedules in that language).
//!
//! Built-in templates for `de`, `en` and `pt` live in `templates/`; a company can override
//! them for all its branches or for one branch, per language (the store returns the most
//! specific one). Variables available to a template: `company_name`, `branch_name`,
//! `services` (a list of names), `working_hours` ("Mo-Fr 9:00-18:00"), `address`,
//! `phone_number`, `time_zone` and `language`.

use crate::Engine;
use crate::error::{EngineError, EngineResult, NotFoundAs};
use frontdesk_domain::opening::{Span, day_opening};
use frontdesk_domain::{BranchId, CompanyId};
use frontdesk_store::{Branch, NewPromptTemplate, Service, StoreError};
use jiff::civil::Weekday;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

const MAX_TEMPLATE_LEN: usize = 20_000;

/// A language prompts exist in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptLanguage {
    De,
    En,
    Pt,
}

impl PromptLanguage {
    /// `de`, `en`, `pt`, also written with a region (`de-DE`, `pt_BR`) or in capitals.
    pub fn parse(text: &str) -> EngineResult<Self> {
        let lower = text.trim().to_ascii_lowercase();
        let primary = lower.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "de" => Ok(PromptLanguage::De),
            "en" => Ok(PromptLanguage::En),
            "pt" => Ok(PromptLanguage::Pt),
            _ => Err(EngineError::invalid(
                "language",
                format!(
                    "{:?} is not supported: use de, en or pt",
                    text.chars().take(20).collect::<String>()
                ),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PromptLanguage::De => "de",
            PromptLanguage::En => "en",
            PromptLanguage::Pt => "pt",
        }
    }

    /// The template shipped with frontdesk.
    pub fn builtin_template(self) -> &'static str {
        match self {
            PromptLanguage::De => include_str!("../templates/agent_prompt.de.j2"),
            PromptLanguage::En => include_str!("../templates/agent_prompt.en.j2"),
            PromptLanguage::Pt => include_str!("../templates/agent_prompt.pt.j2"),
        }
    }

    fn day_names(self) -> [&'static str; 7] {
        match self {
            PromptLanguage::De => ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
            PromptLanguage::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            PromptLanguage::Pt => ["Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom"],
        }
    }

    fn every_day(self) -> &'static str {
        match self {
            PromptLanguage::De => "täglich",
            PromptLanguage::En => "daily",
            PromptLanguage::Pt => "todos os dias",
        }
    }

    fn and(self) -> &'static str {
        match self {
            PromptLanguage::De => "und",
            PromptLanguage::En => "and",
            PromptLanguage::Pt => "e",
        }
    }

    fn no_hours(self) -> &'static str {
        match self {
            PromptLanguage::De => "keine festen Öffnungszeiten",
            PromptLanguage::En => "no regular opening hours",
            PromptLanguage::Pt => "sem horário fixo",
        }
    }
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
    /// `de`, `en` or `pt`.
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
    /// in `language` (`de`, `en`, `pt`): the company's template if it set one, else the
    /// built-in one, rendered from the branch's real data. A branch of another company is
    /// "branch not found".
    pub async fn agent_prompt(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
    ) -> EngineResult<AgentPrompt> {
        let lang = PromptLanguage::parse(language)?;
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
            .get_prompt_template(company_id, Some(branch.id), lang.code())
            .await
        {
            Ok(custom) => custom,
            Err(StoreError::NotFound) => lang.builtin_template().to_string(),
            Err(e) => return Err(e.into()),
        };
        let variables = PromptVariables {
            company_name: company.name.clone(),
            branch_name: branch.name.clone(),
            services: services.iter().map(|s| s.name.clone()).collect(),
            working_hours: working_hours(&services, lang),
            address: branch.address.clone().or(company.address.clone()),
            phone_number: branch.phone_numbers.first().cloned(),
            time_zone: branch
                .time_zone
                .clone()
                .unwrap_or(company.time_zone.clone()),
            language: lang.code().to_string(),
        };
        let rendered = render(&template, &variables)?;
        Ok(AgentPrompt {
            template,
            variables,
            rendered,
        })
    }

    /// Stores the company's own template for one branch (or all, with `None`) and language,
    /// after checking that it parses.
    pub async fn set_agent_prompt_template(
        &self,
        company_id: CompanyId,
        branch_id: Option<BranchId>,
        language: &str,
        template: &str,
    ) -> EngineResult<()> {
        let lang = PromptLanguage::parse(language)?;
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
                language: lang.code().to_string(),
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

/// "Mo-Fr 9:00-18:00; Sa 10:00-14:00" in `lang`: weekdays with equal hours grouped, runs of
/// consecutive days written as ranges.
pub fn working_hours(services: &[Service], lang: PromptLanguage) -> String {
    format_week(&weekly_hours(services), lang)
}

fn format_week(week: &[Vec<Span>; 7], lang: PromptLanguage) -> String {
    let names = lang.day_names();
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
        return lang.no_hours().to_string();
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(spans, days)| {
            let days_text = if days.len() == 7 {
                lang.every_day().to_string()
            } else {
                runs(days)
                    .into_iter()
                    .map(|(a, b)| {
                        if a == b {
                            names[a].to_string()
                        } else {
                            format!("{}-{}", names[a], names[b])
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let ranges: Vec<String> = spans
                .iter()
                .map(|(s, e)| format!("{}-{}", clock(*s), clock(*e)))
                .collect();
            let hours_text = match ranges.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.and()),
            };
            format!("{days_text} {hours_text}")
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

    #[test]
    fn weekdays_with_equal_hours_are_grouped_in_each_language() {
        let s = service(
            open(
                serde_json::json!({"kind": "open_hours", "hours": {"mon-fri": ["09:00-18:00"]}, "interval_minutes": 30}),
            ),
            60,
        );
        assert_eq!(
            working_hours(std::slice::from_ref(&s), PromptLanguage::De),
            "Mo-Fr 9:00-18:00"
        );
        assert_eq!(
            working_hours(std::slice::from_ref(&s), PromptLanguage::En),
            "Mon-Fri 9:00-18:00"
        );
        assert_eq!(
            working_hours(&[s], PromptLanguage::Pt),
            "Seg-Sex 9:00-18:00"
        );
    }

    #[test]
    fn breaks_split_the_day_and_other_days_get_their_own_group() {
        let s = service(
            open(serde_json::json!({"kind": "open_hours",
                "hours": {"mon-wed": ["08:30-17:00"], "fri": ["08:30-17:00"], "sat": ["10:00-13:00"]},
                "interval_minutes": 15, "breaks": ["12:00-13:00"]})),
            30,
        );
        assert_eq!(
            working_hours(&[s], PromptLanguage::De),
            "Mo-Mi, Fr 8:30-12:00 und 13:00-17:00; Sa 10:00-12:00"
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
            working_hours(&[a, b], PromptLanguage::En),
            "Mon-Fri 8:00-13:00; Sat-Sun 8:00-13:00 and 18:00-19:30"
        );
        assert_eq!(working_hours(&[], PromptLanguage::Pt), "sem horário fixo");
    }

    #[test]
    fn languages_parse_with_or_without_region() {
        for (text, lang) in [
            ("de", PromptLanguage::De),
            ("de-DE", PromptLanguage::De),
            ("EN", PromptLanguage::En),
            ("pt_BR", PromptLanguage::Pt),
        ] {
            assert_eq!(PromptLanguage::parse(text).ok(), Some(lang), "{text}");
        }
        for bad in ["", "fr", "deutsch", "x-de"] {
            assert!(
                matches!(
                    PromptLanguage::parse(bad),
                    Err(EngineError::InvalidInput {
                        field: "language",
                        ..
                    })
                ),
                "{bad}"
            );
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
        assert_eq!(pt.variables.working_hours, "Seg-Sex 9:00-18:00");
        assert!(
            pt.rendered
                .starts_with("Você é o assistente de IA de AskProAI Demo")
        );
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
        let language = engine.agent_prompt(askpro.id, None, "fr").await.err();
        assert!(
            matches!(
                language,
                Some(EngineError::InvalidInput {
                    field: "language",
                    ..
                })
            ),
            "{language:?}"
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
        assert_eq!(en.template, PromptLanguage::En.builtin_template());

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
