//! Error and close URIs: the spec's predefined ones (wamp-proto `rfc/text/basic/uri_reference.md`
//! and `rfc/text/advanced/uris.md`), the few that widely used peers add under `wamp.` (each cites
//! where), and this project's own, under [`OWN_PREFIX`].

/// The peer violated the protocol (an ABORT reason).
pub const PROTOCOL_VIOLATION: &str = "wamp.error.protocol_violation";
/// The URI is not valid (or not allowed, such as a procedure under `wamp.`).
pub const INVALID_URI: &str = "wamp.error.invalid_uri";
/// No procedure is registered under the URI.
pub const NO_SUCH_PROCEDURE: &str = "wamp.error.no_such_procedure";
/// The procedure is already registered (and the registration is not shared alike).
pub const PROCEDURE_ALREADY_EXISTS: &str = "wamp.error.procedure_already_exists";
/// No registration with the ID exists (of this session).
pub const NO_SUCH_REGISTRATION: &str = "wamp.error.no_such_registration";
/// No subscription with the ID exists (of this session).
pub const NO_SUCH_SUBSCRIPTION: &str = "wamp.error.no_such_subscription";
/// No session with the ID exists (the session meta API chapter).
pub const NO_SUCH_SESSION: &str = "wamp.error.no_such_session";
/// The arguments (or an option's value) are not acceptable.
pub const INVALID_ARGUMENT: &str = "wamp.error.invalid_argument";
/// The call was canceled.
pub const CANCELED: &str = "wamp.error.canceled";
/// A message is larger than the peer accepts.
pub const PAYLOAD_SIZE_EXCEEDED: &str = "wamp.error.payload_size_exceeded";
/// The call or invocation timed out.
pub const TIMEOUT: &str = "wamp.error.timeout";
/// The router disallows an option the peer used.
pub const OPTION_NOT_ALLOWED: &str = "wamp.error.option_not_allowed";
/// The callee cannot take the invocation now (Call Reroute); the dealer may try another.
pub const UNAVAILABLE: &str = "wamp.error.unavailable";
/// No callee of the registration is available.
pub const NO_AVAILABLE_CALLEE: &str = "wamp.error.no_available_callee";
/// A peer on the route does not support a feature the request needs.
pub const FEATURE_NOT_SUPPORTED: &str = "wamp.error.feature_not_supported";

/// The action is not authorized.
pub const NOT_AUTHORIZED: &str = "wamp.error.not_authorized";
/// The authorization could not be decided.
pub const AUTHORIZATION_FAILED: &str = "wamp.error.authorization_failed";
/// No realm of this name exists on the router.
pub const NO_SUCH_REALM: &str = "wamp.error.no_such_realm";
/// The role the session would get does not exist on the realm.
pub const NO_SUCH_ROLE: &str = "wamp.error.no_such_role";
/// No authid of this name is known.
pub const NO_SUCH_PRINCIPAL: &str = "wamp.error.no_such_principal";
/// None of the offered authentication methods is available.
pub const NO_MATCHING_AUTH_METHOD: &str = "wamp.error.no_matching_auth_method";
/// The client's authentication failed.
pub const AUTHENTICATION_FAILED: &str = "wamp.error.authentication_failed";

/// A normal close of the session.
pub const CLOSE_REALM: &str = "wamp.close.close_realm";
/// The answer to a GOODBYE.
pub const GOODBYE_AND_OUT: &str = "wamp.close.goodbye_and_out";
/// The router is shutting down (a GOODBYE reason); a reconnecting client tries again.
pub const SYSTEM_SHUTDOWN: &str = "wamp.close.system_shutdown";
/// The session was killed through the session meta API.
pub const KILLED: &str = "wamp.close.killed";

/// A handler failed unexpectedly (it panicked). Not in the spec: autobahn-python
/// (`autobahn/wamp/protocol.py`, an exception without a mapped URI) and autobahn-js
/// (`lib/session.js`, a handler that throws a non-`autobahn.Error`) answer with it, so callers
/// already know it.
pub const RUNTIME_ERROR: &str = "wamp.error.runtime_error";

/// A sealed (end-to-end encrypted) payload did not open with the receiver's key, or is not a
/// WAMP-cryptobox payload. Not in the spec: autobahn-python's `autobahn/wamp/exception.py`
/// (`ApplicationError.ENC_DECRYPT_ERROR`), which WAMP-cryptobox peers answer with.
pub const DECRYPT_ERROR: &str = "wamp.error.encryption.decrypt_error";
/// A sealed payload was sealed for another URI than the one it arrived under. Not in the spec:
/// autobahn-python's `ApplicationError.ENC_TRUSTED_URI_MISMATCH`.
pub const TRUSTED_URI_MISMATCH: &str = "wamp.error.encryption.trusted_uri_mismatch";

/// No event history is kept for the subscription asked about. Not in the spec (which names no
/// error for it): Crossbar.io's `wamp.subscription.get_events` (`crossbar/router/service.py`).
pub const HISTORY_UNAVAILABLE: &str = "wamp.error.history_unavailable";

/// The namespace of the URIs this project adds (never `wamp.`, which the spec reserves).
pub const OWN_PREFIX: &str = "wamp_rs.";
/// The ABORT reason for a session whose outbound queue overflowed (a slow consumer). Neither the
/// spec nor Autobahn nor Crossbar has one; see the router's `outbound_queue`.
pub const SLOW_CONSUMER: &str = "wamp_rs.error.slow_consumer";
/// A typed procedure declared `encrypted` got a payload that was not sealed: it refuses it
/// rather than run on input anyone on the route could read or forge.
pub const ENCRYPTION_REQUIRED: &str = "wamp_rs.error.encryption_required";
/// A CALL that reached a router shutting down gracefully: the calls in flight finish, new ones
/// are refused with this, so the caller can try again elsewhere (the spec has no such error).
pub const SHUTTING_DOWN: &str = "wamp_rs.error.shutting_down";
/// The ABORT reason for a HELLO to a realm that holds its configured most sessions (the spec
/// has no such limit, nor a reason for it).
pub const REALM_FULL: &str = "wamp_rs.error.realm_full";

/// Every error and close URI above, for tests and documentation.
pub const ALL: &[&str] = &[
    PROTOCOL_VIOLATION,
    INVALID_URI,
    NO_SUCH_PROCEDURE,
    PROCEDURE_ALREADY_EXISTS,
    NO_SUCH_REGISTRATION,
    NO_SUCH_SUBSCRIPTION,
    NO_SUCH_SESSION,
    INVALID_ARGUMENT,
    CANCELED,
    PAYLOAD_SIZE_EXCEEDED,
    TIMEOUT,
    OPTION_NOT_ALLOWED,
    UNAVAILABLE,
    NO_AVAILABLE_CALLEE,
    FEATURE_NOT_SUPPORTED,
    NOT_AUTHORIZED,
    AUTHORIZATION_FAILED,
    NO_SUCH_REALM,
    NO_SUCH_ROLE,
    NO_SUCH_PRINCIPAL,
    NO_MATCHING_AUTH_METHOD,
    AUTHENTICATION_FAILED,
    CLOSE_REALM,
    GOODBYE_AND_OUT,
    SYSTEM_SHUTDOWN,
    KILLED,
    RUNTIME_ERROR,
    DECRYPT_ERROR,
    TRUSTED_URI_MISMATCH,
    HISTORY_UNAVAILABLE,
    SLOW_CONSUMER,
    ENCRYPTION_REQUIRED,
    SHUTTING_DOWN,
    REALM_FULL,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uri_is_strict_and_only_cited_ones_leave_the_spec() {
        // The spec's lists (basic/uri_reference.md, advanced/uris.md, the session meta API).
        const SPEC: &[&str] = &[
            PROTOCOL_VIOLATION,
            INVALID_URI,
            NO_SUCH_PROCEDURE,
            PROCEDURE_ALREADY_EXISTS,
            NO_SUCH_REGISTRATION,
            NO_SUCH_SUBSCRIPTION,
            NO_SUCH_SESSION,
            INVALID_ARGUMENT,
            CANCELED,
            PAYLOAD_SIZE_EXCEEDED,
            TIMEOUT,
            OPTION_NOT_ALLOWED,
            UNAVAILABLE,
            NO_AVAILABLE_CALLEE,
            FEATURE_NOT_SUPPORTED,
            NOT_AUTHORIZED,
            AUTHORIZATION_FAILED,
            NO_SUCH_REALM,
            NO_SUCH_ROLE,
            NO_SUCH_PRINCIPAL,
            NO_MATCHING_AUTH_METHOD,
            AUTHENTICATION_FAILED,
            CLOSE_REALM,
            GOODBYE_AND_OUT,
            SYSTEM_SHUTDOWN,
            KILLED,
        ];
        // Used by Autobahn, cited at the constant.
        const CITED: &[&str] = &[
            RUNTIME_ERROR,
            DECRYPT_ERROR,
            TRUSTED_URI_MISMATCH,
            HISTORY_UNAVAILABLE,
        ];
        for uri in ALL {
            assert!(
                crate::uri::is_valid(uri, crate::uri::UriCheck::Strict),
                "{uri}"
            );
            if uri.starts_with("wamp.") {
                assert!(SPEC.contains(uri) || CITED.contains(uri), "{uri}");
            } else {
                assert!(uri.starts_with(OWN_PREFIX), "{uri}");
            }
        }
    }
}
