//! `frontdesk serve`: migrations were applied when the store opened; optionally load the
//! demo, then serve until SIGTERM or Ctrl-C.

use super::demo;
use crate::config::Config;
use anyhow::Context;
use frontdesk_engine::Engine;
use frontdesk_server::{AppState, serve, shutdown_signal};

pub async fn run(engine: Engine, mut config: Config, with_demo: bool) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.server.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.bind))?;
    let addr = listener.local_addr()?;
    if !config.public_url_given {
        // The address actually bound (with its port when `--bind` asked for port 0).
        config.server.public_url = format!("http://{addr}");
    }
    if with_demo {
        let companies = demo::ensure_loaded(&engine).await?;
        demo::print_welcome(&companies, addr);
    }
    let public_url = config.server.public_url.clone();
    // The delivery worker runs beside the server and stops after it (its round finishes).
    let (stop_delivery, stopped) = tokio::sync::watch::channel(false);
    let waitlist = tokio::spawn(crate::waitlist::sweep(engine.clone(), stopped.clone()));
    let delivery = if config.delivery.in_serve {
        let worker = crate::delivery::worker(engine.clone(), &config)?;
        let mut stopped = stopped;
        Some(tokio::spawn(worker.run(async move {
            let _ = stopped.changed().await;
        })))
    } else {
        tracing::info!(
            "message delivery is left to `frontdesk deliver` (FRONTDESK_DELIVERY=false)"
        );
        None
    };
    let state = AppState::try_new(engine, config.server).map_err(anyhow::Error::msg)?;
    tracing::info!(
        %addr,
        public_url = %public_url,
        database = %crate::store::redact(&config.database),
        "frontdesk listening"
    );
    let served = serve(listener, state, shutdown_signal()).await;
    let _ = stop_delivery.send(true);
    let _ = waitlist.await;
    if let Some(worker) = delivery {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(20), worker).await;
    }
    served?;
    tracing::info!("frontdesk stopped");
    Ok(())
}
