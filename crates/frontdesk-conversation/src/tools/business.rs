//! `get_business_info`.

use crate::results::BusinessOutput;
use crate::turn::{Problem, Reply, Turn};

impl Turn {
    pub async fn get_business_info(&self) -> Result<Reply, Problem> {
        let info = self.engine.business_info(&self.caller).await?;
        let out = BusinessOutput::from(&info);
        Reply::new(&out, self.say().business(&out))
    }
}
