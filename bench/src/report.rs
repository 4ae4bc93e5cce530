//! Figures: one row per measured quantity, with its target when the issue sets one; printed
//! as a table or as one JSON document.

use serde_json::{Map, Value, json};

pub struct Row {
    pub scenario: String,
    pub metric: String,
    pub display: String,
    pub json: Value,
    pub target: Option<String>,
    pub ok: Option<bool>,
    value: Option<f64>,
}

/// Microseconds as milliseconds with two decimals.
pub fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

impl Row {
    pub fn num(scenario: &str, metric: &str, value: f64, unit: &str) -> Row {
        let display = if (value.fract() == 0.0 && value.abs() < 1e12) || value.abs() >= 100.0 {
            format!("{value:.0}")
        } else {
            format!("{value:.2}")
        };
        let display = if unit.is_empty() {
            display
        } else if unit == "/s" {
            format!("{display}/s")
        } else {
            format!("{display} {unit}")
        };
        Row {
            scenario: scenario.into(),
            metric: metric.into(),
            display,
            json: json!(value),
            target: None,
            ok: None,
            value: Some(value),
        }
    }

    pub fn text(scenario: &str, metric: &str, text: &str) -> Row {
        Row {
            scenario: scenario.into(),
            metric: metric.into(),
            display: text.into(),
            json: json!(text),
            target: None,
            ok: None,
            value: None,
        }
    }

    pub fn with_json(mut self, json: Value) -> Row {
        self.json = json;
        self
    }

    pub fn target_max(mut self, max: Option<f64>) -> Row {
        if let (Some(max), Some(v)) = (max, self.value) {
            self.target = Some(format!("≤ {max}"));
            self.ok = Some(v <= max);
        }
        self
    }

    pub fn target_min(mut self, min: Option<f64>) -> Row {
        if let (Some(min), Some(v)) = (min, self.value) {
            self.target = Some(format!("≥ {min}"));
            self.ok = Some(v >= min);
        }
        self
    }

    pub fn target_eq(mut self, want: f64) -> Row {
        if let Some(v) = self.value {
            self.target = Some(format!("= {want}"));
            self.ok = Some(v == want);
        }
        self
    }
}

pub fn table(rows: &[Row]) -> String {
    let w_s = rows
        .iter()
        .map(|r| r.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let w_m = rows
        .iter()
        .map(|r| r.metric.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let w_v = rows
        .iter()
        .map(|r| r.display.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!(
        "{:w_s$}  {:w_m$}  {:w_v$}  target\n",
        "scenario", "metric", "value"
    );
    for r in rows {
        let target = match (&r.target, r.ok) {
            (Some(t), Some(true)) => format!("{t}  ok"),
            (Some(t), Some(false)) => format!("{t}  MISSED"),
            _ => String::new(),
        };
        let pad_m = w_m - r.metric.chars().count();
        let pad_v = w_v.saturating_sub(r.display.chars().count());
        out.push_str(&format!(
            "{:w_s$}  {}{}  {}{}  {target}\n",
            r.scenario,
            r.metric,
            " ".repeat(pad_m),
            r.display,
            " ".repeat(pad_v)
        ));
    }
    out
}

pub fn json_document(meta: Value, rows: &[Row]) -> Value {
    let mut scenarios = Map::new();
    for r in rows {
        let entry = scenarios
            .entry(r.scenario.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            let mut v = json!({ "value": r.json });
            if let Some(t) = &r.target {
                v["target"] = json!(t);
                v["ok"] = json!(r.ok);
            }
            m.insert(r.metric.clone(), v);
        }
    }
    json!({ "run": meta, "scenarios": scenarios })
}
