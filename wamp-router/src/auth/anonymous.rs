//! `anonymous`: every client is welcomed with a random authid and the configured role.

use futures::future::BoxFuture;
use rand::Rng as _;

use super::{AuthDenied, Authenticator, HelloInfo, Identity, Step};

/// Welcomes every client that asks for `anonymous` with the given role.
#[derive(Debug, Clone)]
pub struct Anonymous {
    authrole: String,
}

impl Anonymous {
    /// Anonymous clients get `authrole`.
    pub fn new(authrole: impl Into<String>) -> Self {
        Self {
            authrole: authrole.into(),
        }
    }
}

impl Authenticator for Anonymous {
    fn method(&self) -> &str {
        "anonymous"
    }

    fn admits(&self, _authid: &str, authrole: &str) -> Option<bool> {
        Some(self.authrole == authrole)
    }

    fn begin<'a>(&'a self, _hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        let authid = format!("anonymous-{:016x}", rand::thread_rng().gen::<u64>());
        let identity = Identity::new(authid, self.authrole.clone()).provider("static");
        Box::pin(async move { Ok(Step::Accept(identity)) })
    }
}
