//! Logs go to stderr (stdout carries command output such as `frontdesk demo`'s JSON), human
//! readable by default or one JSON object per line; `RUST_LOG` filters them. Every line
//! carries the instance id (`FRONTDESK_INSTANCE_ID`), so the logs of several instances can be
//! read together: after the timestamp in human logs, as `instance_id` in JSON ones.

use frontdesk_server::LogFormat;
use std::fmt;
use std::io::IsTerminal;
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// What is logged unless `RUST_LOG` says otherwise. The MCP SDK (rmcp) logs three lines at
/// `info` for every Streamable HTTP request; at thousands of tool calls a second those
/// writes cost more than the calls (see BENCHMARKS.md), so it logs warnings only.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,rmcp=warn";

pub fn init(format: LogFormat, instance_id: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Colours only for a person at a terminal: a journal or a file gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Human => builder
            .with_timer(TimeAndInstance(instance_id.to_string()))
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .event_format(JsonWithInstance {
                inner: tracing_subscriber::fmt::format().json().flatten_event(true),
                field: format!("\"instance_id\":{},", serde_json::Value::from(instance_id)),
            })
            .try_init(),
    };
}

/// The human format's timestamp followed by the instance id.
struct TimeAndInstance(String);

impl FormatTime for TimeAndInstance {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        SystemTime.format_time(w)?;
        write!(w, " {}", self.0)
    }
}

/// The JSON format with `"instance_id"` as the first field of every object.
struct JsonWithInstance<F> {
    inner: F,
    /// `"instance_id":"…",`, ready to insert.
    field: String,
}

impl<S, N, F> FormatEvent<S, N> for JsonWithInstance<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        match line.strip_prefix('{') {
            Some(rest) => write!(writer, "{{{}{rest}", self.field),
            None => writer.write_str(&line),
        }
    }
}
