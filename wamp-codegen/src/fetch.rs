//! Reading a description from a running service: a call to `<prefix>.describe`.

use std::time::Duration;

use wamp_core::describe::{Document, DESCRIBE_SUFFIX};
use wamp_core::{Client, Session};

/// Why a description could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The connection or the join failed.
    #[error("cannot join {realm} at {url}")]
    Connect {
        /// The router URL.
        url: String,
        /// The realm.
        realm: String,
        /// Why.
        #[source]
        source: wamp_core::Error,
    },
    /// The `describe` call failed (no such procedure: the service is not running, or opted out).
    #[error("calling {procedure}")]
    Call {
        /// The procedure called.
        procedure: String,
        /// Why.
        #[source]
        source: wamp_core::Error,
    },
    /// The answer is not a description document.
    #[error("{procedure} answered something that is not a description: {message}")]
    Answer {
        /// The procedure called.
        procedure: String,
        /// What is wrong.
        message: String,
    },
}

/// How to reach the router.
#[derive(Debug, Clone)]
pub struct Target {
    /// The router URL (`ws://`, `wss://`, `tcp://`, `tcps://`, `unix://`).
    pub url: String,
    /// The realm.
    pub realm: String,
    /// `(authid, ticket)` for ticket authentication; anonymous when `None`.
    pub ticket: Option<(String, String)>,
    /// `(authid, secret)` for WAMP-CRA; anonymous when `None`.
    pub wampcra: Option<(String, String)>,
}

impl Target {
    /// Joins the realm.
    pub async fn connect(&self) -> Result<Session, FetchError> {
        let mut client = Client::new(&self.url, &self.realm);
        if let Some((authid, ticket)) = &self.ticket {
            client = client.authid(authid).ticket(ticket);
        } else if let Some((authid, secret)) = &self.wampcra {
            client = client.authid(authid).wampcra(secret);
        }
        client
            .connect()
            .await
            .map_err(|source| FetchError::Connect {
                url: self.url.clone(),
                realm: self.realm.clone(),
                source,
            })
    }
}

/// Calls `<prefix>.describe` over `session` and reads the document it answers.
pub async fn fetch(session: &Session, prefix: &str) -> Result<Document, FetchError> {
    let procedure = format!("{prefix}.{DESCRIBE_SUFFIX}");
    let result = session
        .call(procedure.as_str())
        .timeout(Duration::from_secs(10))
        .await
        .map_err(|source| FetchError::Call {
            procedure: procedure.clone(),
            source,
        })?;
    let json: serde_json::Value =
        result
            .arguments
            .decode_value()
            .map_err(|e| FetchError::Answer {
                procedure: procedure.clone(),
                message: e.to_string(),
            })?;
    Document::from_json_value(json).map_err(|e| FetchError::Answer {
        procedure,
        message: e.to_string(),
    })
}
