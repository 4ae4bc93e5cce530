//! The waitlist's clock inside `serve`: every second, held places whose time ran out pass to
//! the next entry and entries whose dates passed expire. Safe on any number of instances: the
//! store releases a hold once, under its row lock.

use frontdesk_engine::Engine;
use std::time::Duration;
use tokio::sync::watch;

const EVERY: Duration = Duration::from_secs(1);

pub async fn sweep(engine: Engine, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tick.tick() => {
                if let Err(e) = engine.sweep_waitlist().await {
                    tracing::warn!(error = %e, "waitlist sweep failed; trying again in a second");
                }
            }
        }
    }
}
