//! The command line. Flags override `FRONTDESK_*` environment variables (clap reads them),
//! which override the TOML file given with `--config`.

use clap::{ArgGroup, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "frontdesk",
    version,
    about = "A booking front desk for AI voice agents"
)]
pub struct Cli {
    /// A TOML configuration file (see `frontdesk default-config`).
    #[arg(long, global = true, env = "FRONTDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL: `sqlite://frontdesk.db` (default, created if missing) or `postgres://…`.
    /// Accepted before or after the subcommand, like `--config`.
    #[arg(long, global = true, env = "FRONTDESK_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve HTTP.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8001].
        #[arg(long, env = "FRONTDESK_BIND", value_name = "ADDR")]
        bind: Option<SocketAddr>,
        /// Redis shared by several instances (`redis://host:6379/0`): rate limits, legacy SSE
        /// routing and MCP sessions across instances. Without it all of that stays in-process.
        #[arg(long = "redis", env = "FRONTDESK_REDIS_URL", value_name = "URL")]
        redis_url: Option<String>,
        /// Create what of the demo businesses is missing; print the keys it mints (or where to
        /// find them) and a curl line to try them.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create what of the demo businesses is missing (never replacing what exists) and print
    /// them as JSON, with the keys and credentials minted on this run.
    Demo,
    /// Make a business what a definition file (TOML or YAML) says: create and update what it
    /// lists, retire the services, staff and branches it no longer lists.
    Import {
        file: PathBuf,
        /// Print what importing would change, including confirmed future bookings left outside
        /// the new schedule, and change nothing. Exit status 0 either way.
        #[arg(long)]
        check: bool,
    },
    /// Print a company's business file (to stdout): importing it again changes nothing.
    Export {
        /// The company's slug.
        #[arg(long, value_name = "SLUG")]
        company: String,
        #[arg(long, value_enum, default_value = "toml")]
        format: ExportFormat,
    },
    /// Companies.
    Company {
        #[command(subcommand)]
        command: CompanyCommand,
    },
    /// API keys (shown once, stored hashed).
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Send the message outbox (SMS, e-mail) until SIGTERM, apart from `serve` (run `serve`
    /// with FRONTDESK_DELIVERY=false then). Any number may run against one database.
    Deliver,
    /// The message outbox: confirmations, notices and reminders, with their delivery state.
    Messages {
        #[command(subcommand)]
        command: MessagesCommand,
    },
    /// The waitlist: who waits for which places, and the places held for them.
    Waitlist {
        #[command(subcommand)]
        command: WaitlistCommand,
    },
    /// The people who log in to the console at `/console`.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// A company's bookings, for scripts.
    Bookings {
        #[command(subcommand)]
        command: BookingsCommand,
    },
    /// A company's webhook endpoints: events signed per Standard Webhooks.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Calendar feeds: a branch's or staff member's bookings as a secret iCalendar URL.
    Ical {
        #[command(subcommand)]
        command: IcalCommand,
    },
    /// Serve the MCP tools on stdin/stdout for one caller (desktop MCP clients).
    McpStdio {
        /// The company's slug.
        #[arg(long, value_name = "SLUG")]
        company: String,
        /// The caller's phone number.
        #[arg(long, value_name = "PHONE")]
        caller: String,
    },
    /// Print an example configuration file with every option and its default.
    DefaultConfig,
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// List companies.
    List,
    /// Set a company's voice-platform credentials: the Retell API key (stored encrypted with
    /// the secret key) and/or the Vapi secret (stored as a hash). Neither is printed back.
    #[command(group(ArgGroup::new("credentials").required(true).multiple(true).args(["retell_api_key", "vapi_secret"])))]
    Set {
        /// The company's slug.
        slug: String,
        /// The company's Retell API key: frontdesk calls Retell's API with it and checks
        /// Retell's webhook signatures with it.
        #[arg(long, value_name = "KEY")]
        retell_api_key: Option<String>,
        /// The secret Vapi sends with tool calls (`Authorization: Bearer` or `X-Vapi-Secret`).
        #[arg(long, value_name = "SECRET")]
        vapi_secret: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Toml,
    Yaml,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyKind {
    Mcp,
    Gateway,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Mint a key for a company; its secret is printed once.
    Create {
        #[arg(long, value_name = "SLUG")]
        company: String,
        #[arg(long, value_enum)]
        kind: KeyKind,
        #[arg(long)]
        name: Option<String>,
    },
    /// List a company's keys (never their secrets).
    List {
        #[arg(long, value_name = "SLUG")]
        company: String,
    },
    /// Revoke a key by id.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum MessagesCommand {
    /// List messages, newest first.
    List {
        /// Only this company's (its slug).
        #[arg(long, value_name = "SLUG")]
        company: Option<String>,
        /// Only messages in this state: pending, sending, sent, delivered, failed, cancelled.
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send a failed (or withdrawn) message again, at the worker's next round.
    Retry { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum WaitlistCommand {
    /// The company's entries still waiting or with a place held, oldest first.
    List {
        /// The company's slug.
        #[arg(long, value_name = "SLUG")]
        company: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OperatorRoleArg {
    /// Runs the day and manages settings, keys and operators.
    Owner,
    /// Runs the day.
    Staff,
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator; the password is read from standard input (one line).
    Create {
        #[arg(long, value_name = "SLUG")]
        company: String,
        /// The login; unique across the server.
        #[arg(long)]
        email: String,
        #[arg(long, value_enum, default_value = "staff")]
        role: OperatorRoleArg,
        /// Read the password from standard input (required: it never goes on a command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List a company's operators.
    List {
        #[arg(long, value_name = "SLUG")]
        company: String,
    },
    /// Disable an operator: they cannot log in and their sessions end at once.
    Disable {
        #[arg(long, value_name = "SLUG")]
        company: String,
        #[arg(long)]
        email: String,
    },
    /// Let a disabled operator log in again.
    Enable {
        #[arg(long, value_name = "SLUG")]
        company: String,
        #[arg(long)]
        email: String,
    },
    /// Set a new password (read from standard input); the operator's sessions end.
    Password {
        #[arg(long, value_name = "SLUG")]
        company: String,
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BookingsCommand {
    /// The bookings starting on one day (every status), in start order.
    List {
        #[arg(long, value_name = "SLUG")]
        company: String,
        /// The day (YYYY-MM-DD); default: today at the business.
        #[arg(long, value_name = "DATE")]
        date: Option<jiff::civil::Date>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add an endpoint; its signing secret (whsec_…) is printed once.
    Add {
        #[arg(long, value_name = "SLUG")]
        company: String,
        #[arg(long)]
        url: String,
        /// Comma-separated: booking.created, booking.rescheduled, booking.cancelled,
        /// call.ended, message.failed, webhook.test. Default: every event.
        #[arg(long)]
        events: Option<String>,
    },
    /// List a company's endpoints with their deliveries.
    List {
        #[arg(long, value_name = "SLUG")]
        company: String,
    },
    /// Stop an endpoint receiving events (its delivery log stays).
    Remove { id: i64 },
    /// Queue a `webhook.test` event to an endpoint.
    Test { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum IcalCommand {
    /// Mint a feed of a branch or a staff member and print its URL
    /// (`{public_url}/ical/{token}.ics`); the URL is the secret and is shown once.
    #[command(group(ArgGroup::new("subject").required(true).args(["branch", "staff"])))]
    Create {
        /// The company's slug.
        #[arg(long, value_name = "SLUG")]
        company: String,
        /// The branch whose bookings the feed shows.
        #[arg(long, value_name = "NAME")]
        branch: Option<String>,
        /// The staff member whose bookings the feed shows.
        #[arg(long, value_name = "NAME")]
        staff: Option<String>,
    },
    /// List a company's feeds (never their URLs).
    List {
        #[arg(long, value_name = "SLUG")]
        company: String,
    },
    /// Revoke a feed by id: its URL answers 404 from then on.
    Revoke { id: i64 },
}
