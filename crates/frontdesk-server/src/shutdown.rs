//! Serving until told to stop, then draining: in-flight requests get the grace period to
//! finish; whatever is still open after it (long-lived streams) is cut.

use crate::router::router;
use crate::state::AppState;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// Serves the app on `listener` until `shutdown` resolves, then drains within the grace period.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = state.settings.shutdown_grace;
    let stopping = state.shutdown.clone();
    spawn_housekeeping(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        tracing::info!(
            grace_secs = grace.as_secs_f64(),
            "shutting down: draining requests"
        );
        // Long-lived streams end now, so the drain waits only for real requests.
        stopping.cancel();
        let _ = stopping_tx.send(());
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(signal);
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => result,
        _ = async {
            let _ = stopping_rx.await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!("grace period over: closing the remaining connections");
            Ok(())
        }
    }
}

/// Once a minute: forget idle rate-limit keys and delete long-ended caller sessions.
fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = state.shutdown.cancelled() => break,
            }
            state.limits.prune();
            if let Err(e) = state.engine.purge_old_sessions().await {
                tracing::warn!(error = %e, "could not purge old caller sessions");
            }
        }
    });
}
