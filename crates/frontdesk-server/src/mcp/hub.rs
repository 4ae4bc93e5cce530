//! The legacy SSE streams open in this process: which caller session each belongs to, where
//! its messages go, and how to end it when the caller session ends. One stream per caller
//! session. With Redis, [`crate::cluster::streams`] extends this registry to every instance.

use futures::channel::mpsc;
use rmcp::model::ClientJsonRpcMessage;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio_util::sync::CancellationToken;

struct Stream {
    session_id: i64,
    /// The caller session's token hash: how revocations from other processes name it.
    token_hash: String,
    inbox: mpsc::Sender<ClientJsonRpcMessage>,
    ended: CancellationToken,
}

#[derive(Default)]
struct Inner {
    by_stream: HashMap<String, Stream>,
    by_session: HashMap<i64, String>,
}

#[derive(Default)]
pub struct StreamHub {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
pub struct AlreadyOpen;

impl StreamHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a stream for `session_id`; refused when the session already has one.
    pub fn open(
        &self,
        session_id: i64,
        token_hash: &str,
        stream_id: String,
        inbox: mpsc::Sender<ClientJsonRpcMessage>,
    ) -> Result<CancellationToken, AlreadyOpen> {
        let mut inner = self.lock();
        if inner.by_session.contains_key(&session_id) {
            return Err(AlreadyOpen);
        }
        let ended = CancellationToken::new();
        metrics::gauge!("frontdesk_sse_streams_open").increment(1.0);
        inner.by_session.insert(session_id, stream_id.clone());
        inner.by_stream.insert(
            stream_id,
            Stream {
                session_id,
                token_hash: token_hash.to_string(),
                inbox,
                ended: ended.clone(),
            },
        );
        Ok(ended)
    }

    /// Forgets a stream (its connection closed).
    pub fn close(&self, stream_id: &str) {
        let mut inner = self.lock();
        if let Some(stream) = inner.by_stream.remove(stream_id) {
            metrics::gauge!("frontdesk_sse_streams_open").decrement(1.0);
            stream.ended.cancel();
            if inner
                .by_session
                .get(&stream.session_id)
                .is_some_and(|s| s == stream_id)
            {
                inner.by_session.remove(&stream.session_id);
            }
        }
    }

    /// Where messages for `stream_id` go, if it is open and belongs to `session_id`.
    pub fn inbox(
        &self,
        stream_id: &str,
        session_id: i64,
    ) -> Option<mpsc::Sender<ClientJsonRpcMessage>> {
        let inner = self.lock();
        inner
            .by_stream
            .get(stream_id)
            .filter(|s| s.session_id == session_id)
            .map(|s| s.inbox.clone())
    }

    /// Ends the stream of a caller session that was logged out.
    pub fn end_session(&self, session_id: i64) {
        let stream_id = self.lock().by_session.get(&session_id).cloned();
        if let Some(stream_id) = stream_id {
            self.close(&stream_id);
        }
    }

    /// Ends the stream of the caller session with this token hash, if any: a session ended
    /// elsewhere (a revoked API key's, or a logout on another instance).
    pub fn end_token(&self, token_hash: &str) {
        let stream_id = self
            .lock()
            .by_stream
            .iter()
            .find(|(_, s)| s.token_hash == token_hash)
            .map(|(id, _)| id.clone());
        if let Some(stream_id) = stream_id {
            self.close(&stream_id);
        }
    }

    pub fn open_streams(&self) -> usize {
        self.lock().by_stream.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_stream_per_session_and_only_its_owner_reaches_it() {
        let hub = StreamHub::default();
        let (tx, _rx) = mpsc::channel(1);
        let ended = hub
            .open(7, "h7", "a".into(), tx.clone())
            .expect("first stream");
        assert!(hub.open(7, "h7", "b".into(), tx.clone()).is_err());
        assert!(hub.inbox("a", 7).is_some());
        assert!(hub.inbox("a", 8).is_none());
        hub.end_session(7);
        assert!(ended.is_cancelled());
        assert!(hub.inbox("a", 7).is_none());
        let again = hub.open(7, "h7", "c".into(), tx).expect("a new stream");
        hub.end_token("other");
        assert!(!again.is_cancelled());
        hub.end_token("h7");
        assert!(again.is_cancelled(), "ended by its token hash");
        assert_eq!(hub.open_streams(), 0);
    }
}
