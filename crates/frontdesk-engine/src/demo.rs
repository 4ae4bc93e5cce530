//! The two demo businesses of the seed documents, shipped as the importable files under
//! `examples/`: Beyond The Club (a surf club in São Paulo, TOML) and AskProAI Demo (a practice
//! in Berlin, YAML).

use crate::Engine;
use crate::error::{EngineError, EngineResult};
use crate::import::{BusinessFile, ImportSummary};

/// (file name, contents) of each demo business.
pub const DEMO_FILES: [(&str, &str); 2] = [
    (
        "beyond-the-club.toml",
        include_str!("../../../examples/beyond-the-club.toml"),
    ),
    (
        "askproai-demo.yaml",
        include_str!("../../../examples/askproai-demo.yaml"),
    ),
];

pub fn demo_businesses() -> EngineResult<Vec<BusinessFile>> {
    DEMO_FILES
        .iter()
        .map(|(name, text)| {
            let ext = name.rsplit('.').next().unwrap_or_default();
            BusinessFile::parse(text, ext)
                .map_err(|e| EngineError::Internal(format!("demo file {name}: {e}")))
        })
        .collect()
}

impl Engine {
    /// Imports the demo businesses (creating or updating them); idempotent.
    pub async fn load_demo(&self) -> EngineResult<Vec<ImportSummary>> {
        let mut out = Vec::new();
        for file in demo_businesses()? {
            out.push(self.import_business(&file).await?);
        }
        Ok(out)
    }
}
