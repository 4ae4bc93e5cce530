//! The backend is chosen once, here, from the database URL's scheme.

use anyhow::{Context, bail};
use frontdesk_store::DynStore;
use frontdesk_store_postgres::PostgresStore;
use frontdesk_store_sqlite::SqliteStore;
use std::sync::Arc;
use std::time::Duration;

/// Connects to the database and applies its migrations. `max_connections` and
/// `acquire_timeout` size PostgreSQL's pool (SQLite has its own single writer).
pub async fn open(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> anyhow::Result<DynStore> {
    let shown = redact(url);
    if url.starts_with("sqlite:") {
        let store = SqliteStore::connect(url)
            .await
            .with_context(|| format!("cannot open {shown}"))?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PostgresStore::connect_with_timeout(url, max_connections, acquire_timeout)
            .await
            .with_context(|| format!("cannot connect to {shown}"))?;
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL {shown:?}: use sqlite://PATH or postgres://USER@HOST/DB")
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db/frontdesk"),
            "postgres://app:***@db/frontdesk"
        );
        assert_eq!(
            redact("postgres://app@db/frontdesk"),
            "postgres://app@db/frontdesk"
        );
        assert_eq!(redact("sqlite://frontdesk.db"), "sqlite://frontdesk.db");
    }
}
