//! Serving until told to stop, then draining: in-flight requests get the grace period to
//! finish; whatever is still open after it is cut.

use crate::router::router;
use crate::state::AppState;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use tokio::net::TcpListener;
use tower::ServiceExt;

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
///
/// Each connection is served by hyper's HTTP/1.1 server with a header-read timeout: a client
/// that does not send a complete request head in time (a silent connection, a slowloris, an
/// idle kept-alive connection) is closed, so slow clients cannot pile up. On shutdown the
/// listener is closed at once, open streams are told to end (`state.shutdown`), idle
/// connections close, and busy ones close after their current response; whatever is still
/// open when the grace period is over is cut.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = state.settings.shutdown_grace;
    let stopping = state.shutdown.clone();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.settings.header_read_timeout);
    spawn_housekeeping(state.clone());
    let app = router(state);
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // Handlers see the peer as axum's `ConnectInfo`, as `into_make_service_with_connect_info`
        // would give it.
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }

    drop(listener);
    tracing::info!(
        grace_secs = grace.as_secs_f64(),
        "shutting down: draining requests"
    );
    // Long-lived streams end now, so the drain waits only for real requests.
    stopping.cancel();
    tokio::select! {
        _ = connections.shutdown() => {}
        _ = tokio::time::sleep(grace) => {
            tracing::warn!("grace period over: closing the remaining connections");
        }
    }
    Ok(())
}

/// What `accept` failing means: a connection that went away before it was accepted is
/// nothing; anything else (out of file descriptors) is logged and retried after a pause, so
/// a full table does not spin the loop.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
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
