//! What every handler can reach: the engine and the settings.

use crate::settings::ServerSettings;
use frontdesk_engine::Engine;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub settings: Arc<ServerSettings>,
}

impl AppState {
    pub fn new(engine: Engine, settings: ServerSettings) -> Self {
        AppState { engine, settings: Arc::new(settings) }
    }
}
