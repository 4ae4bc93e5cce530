//! Keeps the answers of one legacy SSE stream in the order their requests were accepted.
//!
//! rmcp handles the requests of a session concurrently, so a quick `tools/list` posted after a
//! slow `book_session` would otherwise overtake it on the stream. Requests are noted as they
//! enter the session; an answer that arrives early waits until every earlier request has been
//! answered. Notifications and server requests pass at once. A request the client cancels
//! (`notifications/cancelled`) is not waited for.

use rmcp::model::{ClientJsonRpcMessage, ClientNotification, RequestId, ServerJsonRpcMessage};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct AnswerOrder {
    pending: Arc<Mutex<VecDeque<RequestId>>>,
}

impl AnswerOrder {
    /// Notes a message entering the session.
    pub fn accepted(&self, message: &ClientJsonRpcMessage) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        match message {
            ClientJsonRpcMessage::Request(req) => pending.push_back(req.id.clone()),
            ClientJsonRpcMessage::Notification(not) => {
                if let ClientNotification::CancelledNotification(cancel) = &not.notification
                    && let Some(cancelled) = &cancel.params.request_id
                {
                    pending.retain(|id| id != cancelled);
                }
            }
            _ => {}
        }
    }

    /// A reorder buffer for the session's outgoing messages.
    pub fn buffer(&self) -> Reorder {
        Reorder {
            order: self.clone(),
            early: HashMap::new(),
        }
    }
}

pub struct Reorder {
    order: AnswerOrder,
    early: HashMap<RequestId, ServerJsonRpcMessage>,
}

impl Reorder {
    /// The messages that may go out now, in order, given one more from the session.
    pub fn push(&mut self, message: ServerJsonRpcMessage) -> Vec<ServerJsonRpcMessage> {
        let id = match &message {
            ServerJsonRpcMessage::Response(r) => r.id.clone(),
            ServerJsonRpcMessage::Error(e) => match &e.id {
                Some(id) => id.clone(),
                None => return vec![message],
            },
            _ => return vec![message],
        };
        let mut pending = self.order.pending.lock().unwrap_or_else(|e| e.into_inner());
        if !pending.contains(&id) {
            // An answer to nothing we track (the handshake before ordering began): pass.
            return vec![message];
        }
        self.early.insert(id, message);
        let mut ready = Vec::new();
        while let Some(front) = pending.front() {
            match self.early.remove(front) {
                Some(answer) => {
                    ready.push(answer);
                    pending.pop_front();
                }
                None => break,
            }
        }
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(id: i64) -> ClientJsonRpcMessage {
        serde_json::from_value(json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"}))
            .expect("request")
    }

    fn answer(id: i64) -> ServerJsonRpcMessage {
        serde_json::from_value(json!({"jsonrpc": "2.0", "id": id, "result": {}})).expect("answer")
    }

    fn ids(messages: &[ServerJsonRpcMessage]) -> Vec<String> {
        messages
            .iter()
            .map(|m| serde_json::to_value(m).expect("json")["id"].to_string())
            .collect()
    }

    #[test]
    fn an_early_answer_waits_for_the_earlier_ones() {
        let order = AnswerOrder::default();
        let mut buffer = order.buffer();
        for id in 1..=3 {
            order.accepted(&request(id));
        }

        assert!(buffer.push(answer(3)).is_empty());
        assert!(buffer.push(answer(2)).is_empty());
        assert_eq!(ids(&buffer.push(answer(1))), ["1", "2", "3"]);
    }

    #[test]
    fn a_cancelled_request_is_not_waited_for() {
        let order = AnswerOrder::default();
        let mut buffer = order.buffer();
        order.accepted(&request(1));
        order.accepted(&request(2));
        let cancel: ClientJsonRpcMessage = serde_json::from_value(json!({
            "jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}
        }))
        .expect("notification");
        order.accepted(&cancel);

        assert_eq!(ids(&buffer.push(answer(2))), ["2"]);
        assert_eq!(
            ids(&buffer.push(answer(9))),
            ["9"],
            "untracked answers pass"
        );
    }
}
