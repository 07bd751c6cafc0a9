//! Ticket authentication: the client sends a shared secret (a ticket) as the signature.

use super::{authenticate, AuthError, Authenticator};
use crate::message::Authenticate;
use crate::value::Dict;

/// Ticket authentication. Send it only over TLS outside of tests: the ticket travels in clear.
#[derive(Clone)]
pub struct Ticket {
    ticket: String,
}

impl Ticket {
    /// Authenticates with `ticket`.
    pub fn new(ticket: impl Into<String>) -> Self {
        Self {
            ticket: ticket.into(),
        }
    }
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ticket(..)")
    }
}

impl Authenticator for Ticket {
    fn method(&self) -> &str {
        "ticket"
    }

    fn respond(&mut self, _challenge: &Dict) -> Result<Authenticate, AuthError> {
        Ok(authenticate(self.ticket.clone()))
    }
}
