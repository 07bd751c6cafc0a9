//! `ticket`: the client sends a shared ticket in AUTHENTICATE.

use std::collections::HashMap;

use futures::future::BoxFuture;

use super::{
    constant_time_eq, required_authid, AuthDenied, Authenticator, HelloInfo, Identity, Step,
};

/// Ticket authentication against static principals.
#[derive(Clone, Default)]
pub struct TicketAuth {
    principals: HashMap<String, (String, String)>,
}

impl std::fmt::Debug for TicketAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketAuth")
            .field("authids", &self.principals.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl TicketAuth {
    /// No principals yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a principal: `authid` authenticates with `ticket` and gets `authrole`.
    pub fn principal(
        mut self,
        authid: impl Into<String>,
        ticket: impl Into<String>,
        authrole: impl Into<String>,
    ) -> Self {
        self.principals
            .insert(authid.into(), (ticket.into(), authrole.into()));
        self
    }
}

impl Authenticator for TicketAuth {
    fn method(&self) -> &str {
        "ticket"
    }

    fn admits(&self, authid: &str, authrole: &str) -> Option<bool> {
        Some(
            self.principals
                .get(authid)
                .is_some_and(|(_, role)| role == authrole),
        )
    }

    fn begin<'a>(&'a self, hello: &'a HelloInfo) -> BoxFuture<'a, Result<Step, AuthDenied>> {
        let principal =
            required_authid(hello).map(|authid| (self.principals.get(&authid).cloned(), authid));
        Box::pin(async move {
            let (principal, authid) = principal?;
            // An unknown authid is still challenged, so a client cannot probe which ids exist.
            Ok(Step::challenge(
                Default::default(),
                move |response| async move {
                    match principal {
                        Some((ticket, role))
                            if constant_time_eq(
                                ticket.as_bytes(),
                                response.signature.as_bytes(),
                            ) =>
                        {
                            Ok(Identity::new(authid, role))
                        }
                        _ => Err(AuthDenied::failed("wrong authid or ticket")),
                    }
                },
            ))
        })
    }
}
