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

/// The command-line options that say how to reach the router (`--url`, `--realm`, and
/// `--authid` with `--ticket` or `--secret`), shared by `wamp-codegen fetch` and `wamp-mcp`.
#[derive(Debug, Clone, clap::Args)]
pub struct RouterArgs {
    /// Router URL: ws://host:port (WebSocket), wss:// (over TLS), tcp://host:port (RawSocket),
    /// tcps:// (RawSocket over TLS) or unix:///path (RawSocket over a Unix socket).
    #[arg(long)]
    pub url: String,
    /// Realm to join.
    #[arg(long)]
    pub realm: String,
    /// authid for ticket or WAMP-CRA authentication.
    #[arg(long, requires = "auth")]
    pub authid: Option<String>,
    /// Ticket (with --authid).
    #[arg(long, group = "auth")]
    pub ticket: Option<String>,
    /// WAMP-CRA secret (with --authid).
    #[arg(long, group = "auth")]
    pub secret: Option<String>,
}

impl From<RouterArgs> for Target {
    fn from(args: RouterArgs) -> Self {
        let authid = args.authid.unwrap_or_default();
        Self {
            url: args.url,
            realm: args.realm,
            ticket: args.ticket.map(|t| (authid.clone(), t)),
            wampcra: args.secret.map(|s| (authid, s)),
        }
    }
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

/// A procedure of the router's, answering `args[0]` as `T`.
async fn meta<T: serde::de::DeserializeOwned>(
    session: &Session,
    procedure: &str,
    args: Vec<wamp_core::Value>,
) -> Result<T, FetchError> {
    let call_error = |source| FetchError::Call {
        procedure: procedure.to_owned(),
        source,
    };
    let result = session
        .call(procedure)
        .arguments(wamp_core::Arguments::new(args, Default::default()))
        .timeout(Duration::from_secs(10))
        .await
        .map_err(call_error)?;
    result.value().map_err(|e| FetchError::Answer {
        procedure: procedure.to_owned(),
        message: e.to_string(),
    })
}

/// The describe procedures registered on the realm: through the router's reflection
/// (`wamp.reflection.procedure.list` and `.describe`, whose answers name each procedure's
/// describe procedure) where the router announces it, else through the registration meta API
/// (`wamp.registration.list` and `.get`: every exact registration named `*.describe`).
async fn describe_procedures(session: &Session) -> Result<Vec<String>, FetchError> {
    use std::collections::BTreeSet;
    use wamp_core::message::keys::reflection as k;
    use wamp_core::message::{Feature, Role};
    let text = |uri: &str| wamp_core::Value::Text(uri.to_owned());
    let mut found = BTreeSet::new();
    if session.info().router_has(Role::Dealer, Feature::Reflection) {
        let procedures: Vec<String> = meta(session, k::PROCEDURE_LIST, Vec::new()).await?;
        for uri in procedures {
            let described: serde_json::Value =
                meta(session, k::PROCEDURE_DESCRIBE, vec![text(&uri)]).await?;
            if let Some(interface) = described.get(k::INTERFACE).and_then(|i| i.as_str()) {
                found.insert(interface.to_owned());
            }
        }
    } else {
        let meta = wamp_core::meta::RegistrationMetaClient::new(session.clone());
        let failed = |procedure: &str, message: String| FetchError::Answer {
            procedure: procedure.to_owned(),
            message,
        };
        let lists = meta.list().await;
        let lists = lists.map_err(|e| failed("wamp.registration.list", e.to_string()))?;
        for id in lists.exact {
            let entry = meta.get(id).await;
            let entry = entry.map_err(|e| failed("wamp.registration.get", e.to_string()))?;
            if entry.uri.ends_with(&format!(".{DESCRIBE_SUFFIX}")) {
                found.insert(entry.uri);
            }
        }
    }
    Ok(found.into_iter().collect())
}

/// Every described service of the realm, in one document (sorted by prefix): each describe
/// procedure registered (through reflection, else the registration meta API) is called, and an answer that is not a
/// description is skipped with a warning on stderr.
pub async fn fetch_all(session: &Session) -> Result<Document, FetchError> {
    let mut services = Vec::new();
    for procedure in describe_procedures(session).await? {
        let prefix = procedure
            .strip_suffix(&format!(".{DESCRIBE_SUFFIX}"))
            .unwrap_or(&procedure);
        match fetch(session, prefix).await {
            Ok(document) => services.extend(document.services),
            Err(e) => eprintln!("warning: {procedure} skipped: {e}"),
        }
    }
    services.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    services.dedup_by(|a, b| a.prefix == b.prefix && a.name == b.name);
    Ok(Document::new(services))
}
