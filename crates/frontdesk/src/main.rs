//! The `frontdesk` binary: parses the command line, loads the layered configuration, opens
//! the database chosen by its URL and hands over to the command. Everything else lives in
//! the library crates.

mod cli;
mod commands;
mod config;
mod delivery;
mod logging;
mod secret_key;
mod store;
mod waitlist;

use clap::Parser;

/// jemalloc instead of glibc malloc: under load the server allocates and frees many small
/// buffers from every thread, where glibc's arena locks and consolidation cost a quarter of
/// its CPU. mimalloc was as fast but held half again as much memory per open SSE stream
/// (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let config = match config::Config::load(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("frontdesk: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    logging::init(config.log_format, &config.server.instance_id);
    match commands::run(cli.command, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontdesk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
