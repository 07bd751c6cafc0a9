//! The opening handshake: HELLO, authentication (cookie, then the methods the client offers),
//! WELCOME with the router's roles.

use std::sync::Arc;

use futures::{SinkExt as _, StreamExt as _};
use tokio::sync::oneshot;

use wamp_core::message::{features, keys, uris, Challenge, Feature, Hello, Role, Welcome};
use wamp_core::transport::BoxTransport;
use wamp_core::value::dict_to_value;
use wamp_core::{Dict, Id, Message, Value};

use super::{abort, abort_reason, Joined};
use crate::auth::{AuthDenied, HelloInfo, Identity, RouterCalls, Step, ROUTER_AUTHID};
use crate::cookies::CookieAuth;
use crate::realm::options::{dict_of, text_list};
use crate::realm::{outbound, random_id, Realm, SessionEntry};
use crate::shared::Shared;

/// The features this router implements, exactly as announced in WELCOME.
pub(crate) const ROUTER_ROLES: &[(Role, &[Feature])] = &[
    (
        Role::Broker,
        &[
            Feature::EventHistory,
            Feature::EventRetention,
            Feature::PatternBasedSubscription,
            Feature::PayloadEncryptionCryptobox,
            Feature::PayloadPassthruMode,
            Feature::PayloadTransparency,
            Feature::PublisherExclusion,
            Feature::PublisherIdentification,
            Feature::Reflection,
            Feature::SessionMetaApi,
            Feature::SubscriberBlackwhiteListing,
            Feature::SubscriptionMetaApi,
            Feature::SubscriptionRevocation,
        ],
    ),
    (
        Role::Dealer,
        &[
            Feature::CallCanceling,
            Feature::CallReroute,
            Feature::CallTimeout,
            Feature::CallerIdentification,
            Feature::PatternBasedRegistration,
            Feature::PayloadEncryptionCryptobox,
            Feature::PayloadPassthruMode,
            Feature::PayloadTransparency,
            Feature::ProgressiveCallInvocations,
            Feature::ProgressiveCallResults,
            Feature::Reflection,
            Feature::RegistrationMetaApi,
            Feature::RegistrationRevocation,
            Feature::SessionMetaApi,
            Feature::SharedRegistration,
            Feature::TestamentMetaApi,
        ],
    ),
];

/// Who a session is, as its log lines say.
pub(super) struct Who {
    pub(super) authid: String,
    pub(super) authrole: String,
    pub(super) transport: String,
}

/// The text of a transport detail (`type`, `protocol`), or `-`.
fn detail(info: &Dict, key: &str) -> String {
    match info.get(key) {
        Some(Value::Text(text)) => text.clone(),
        _ => "-".to_owned(),
    }
}

/// The transport detail that holds the connection's cookie.
pub(crate) const HTTP_CBTID: &str = "http_cbtid";

/// Authmethod `cookie`: who the connection's cookie stands for, if the client offers `cookie`,
/// the cookie is bound on this realm, and the realm still admits that principal. A HELLO that
/// does not offer `cookie` unbinds it.
fn cookie_login(
    shared: &Shared,
    realm: &Realm,
    hello: &Hello,
    id: &str,
) -> Option<(Identity, String)> {
    let offered = text_list(&hello.details, keys::AUTHMETHODS).unwrap_or_default();
    if !offered.iter().any(|m| m == "cookie") {
        shared.cookies.bind(id, None);
        return None;
    }
    let known = shared.cookies.auth(id, &hello.realm)?;
    if !realm
        .access()
        .still_admits(&known.authmethod, &known.authid, &known.authrole)
    {
        shared.cookies.bind(id, None);
        return None;
    }
    let mut identity = Identity::new(known.authid, known.authrole).provider("cookie");
    identity.authextra = known.authextra;
    Some((identity, known.authmethod))
}

/// HELLO, authentication, WELCOME. Answers `None` when the connection ended instead.
pub(super) async fn handshake(
    shared: &Arc<Shared>,
    transport: &mut BoxTransport,
    transport_info: &Dict,
    service: bool,
) -> Option<Joined> {
    let hello = match next_message(transport, "HELLO").await? {
        Message::Hello(hello) => hello,
        other => {
            let message = format!("expected HELLO, got {}", other.name());
            abort(transport, uris::PROTOCOL_VIOLATION, &message).await;
            return None;
        }
    };
    let Some(realm) = shared.realms.get(&hello.realm).cloned() else {
        let message = format!("no realm {:?} on this router", hello.realm);
        abort(transport, uris::NO_SUCH_REALM, &message).await;
        return None;
    };
    if !has_roles(&hello) {
        let message = "HELLO.Details.roles must announce at least one role";
        abort(transport, uris::PROTOCOL_VIOLATION, message).await;
        return None;
    }
    let session = random_id(|id| realm.has_session(id));
    let cookie = realm
        .config
        .cookie_auth
        .then(|| match transport_info.get(HTTP_CBTID) {
            Some(Value::Text(id)) => Some(id.clone()),
            _ => None,
        })
        .flatten();
    let by_cookie = cookie
        .as_deref()
        .and_then(|id| cookie_login(shared, &realm, &hello, id));
    let authenticated = if service {
        let identity = Identity::new(ROUTER_AUTHID, ROUTER_AUTHID).provider("router");
        Ok(Some((identity, "router".to_owned())))
    } else if let Some(known) = by_cookie {
        Ok(Some(known))
    } else {
        let calls = RouterCalls::new(shared);
        authenticate(&realm, &hello, session, transport, transport_info, calls).await
    };
    let (identity, authmethod) = match authenticated {
        Ok(Some(done)) => done,
        Ok(None) => return None,
        Err(denied) => {
            if let Some(metrics) = &shared.metrics {
                metrics.auth_failure(&hello.realm, &denied.reason);
            }
            abort(transport, &denied.reason, &denied.message).await;
            return None;
        }
    };
    if !service && !realm.access().has_role(&identity.authrole) {
        let message = format!(
            "the role {:?} is not defined on this realm",
            identity.authrole
        );
        if let Some(metrics) = &shared.metrics {
            metrics.auth_failure(&hello.realm, uris::NO_SUCH_ROLE);
        }
        abort(transport, uris::NO_SUCH_ROLE, &message).await;
        return None;
    }
    let mut details = Dict::new();
    details.insert(keys::REALM.into(), Value::Text(hello.realm.clone()));
    details.insert(keys::AUTHID.into(), Value::Text(identity.authid.clone()));
    details.insert(
        keys::AUTHROLE.into(),
        Value::Text(identity.authrole.clone()),
    );
    details.insert(keys::AUTHMETHOD.into(), Value::Text(authmethod.clone()));
    details.insert(
        "authprovider".into(),
        Value::Text(identity.authprovider.clone()),
    );
    if !identity.authextra.is_empty() {
        details.insert(
            "authextra".into(),
            dict_to_value(identity.authextra.clone()),
        );
    }
    details.insert(keys::ROLES.into(), features::roles(ROUTER_ROLES));
    let who = Who {
        authid: identity.authid.clone(),
        authrole: identity.authrole.clone(),
        transport: format!(
            "{} {}",
            detail(transport_info, "type"),
            detail(transport_info, "protocol")
        ),
    };
    let (outbox, outbound) = outbound(shared.outbound_queue, shared.outbound_bytes);
    let (close_tx, close) = oneshot::channel();
    // Joined before the WELCOME goes out, so that a full realm is refused exactly; what the
    // realm sends the session meanwhile waits in its outbound queue, behind the WELCOME.
    let cookie_extra = identity.authextra.clone();
    let mut entry = SessionEntry::new(
        session,
        identity,
        authmethod.clone(),
        transport_info.clone(),
        &hello.details,
        outbox,
        close_tx,
    );
    entry.service = service;
    if !realm.join(entry) {
        let message = format!("the realm {:?} holds its most sessions", hello.realm);
        abort(transport, uris::REALM_FULL, &message).await;
        return None;
    }
    let welcome = Message::Welcome(Welcome { session, details });
    if transport.send(welcome).await.is_err() {
        realm.leave(session);
        return None;
    }
    if let Some(id) = cookie.as_deref().filter(|_| !service) {
        // Authenticated on this cookie: a later connection that presents it is this principal.
        shared.cookies.bind(
            id,
            Some(CookieAuth {
                realm: hello.realm.clone(),
                authid: who.authid.clone(),
                authrole: who.authrole.clone(),
                authmethod: authmethod.clone(),
                authextra: cookie_extra,
            }),
        );
    }
    tracing::info!(
        session,
        realm = %hello.realm,
        authid = %who.authid,
        authrole = %who.authrole,
        %authmethod,
        transport = %who.transport,
        "session joined"
    );
    Some(Joined {
        id: session,
        realm,
        outbound,
        close,
        who,
    })
}

fn has_roles(hello: &Hello) -> bool {
    matches!(hello.details.get(keys::ROLES), Some(Value::Map(roles)) if !roles.is_empty())
}

/// Reads the next message of the handshake; aborts on errors and answers `None` when the
/// connection ended.
async fn next_message(transport: &mut BoxTransport, expected: &str) -> Option<Message> {
    match transport.next().await {
        Some(Ok(message)) => Some(message),
        Some(Err(e)) => {
            if let Some(reason) = abort_reason(&e) {
                abort(
                    transport,
                    reason,
                    &format!("while waiting for {expected}: {e}"),
                )
                .await;
            }
            None
        }
        None => None,
    }
}

/// Runs the chosen authentication method. `Ok(None)`: the connection ended.
async fn authenticate(
    realm: &Realm,
    hello: &Hello,
    session: Id,
    transport: &mut BoxTransport,
    transport_info: &Dict,
    router: RouterCalls,
) -> Result<Option<(Identity, String)>, AuthDenied> {
    let offered = text_list(&hello.details, keys::AUTHMETHODS)
        .unwrap_or_else(|| vec!["anonymous".to_owned()]);
    let access = realm.access();
    let Some((method, authenticator)) = offered
        .iter()
        .find_map(|m| access.authenticator_for(m).map(|a| (m.clone(), a)))
    else {
        if realm.config.cookie_auth && offered.iter().any(|m| m == "cookie") {
            return Err(AuthDenied::failed(
                "the connection's cookie stands for no principal on this realm",
            ));
        }
        return Err(AuthDenied {
            reason: uris::NO_MATCHING_AUTH_METHOD.into(),
            message: format!("none of the authmethods {offered:?} is offered on this realm"),
        });
    };
    let text = |key: &str| match hello.details.get(key) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let info = HelloInfo {
        realm: hello.realm.clone(),
        session,
        authid: text("authid"),
        authrole: text("authrole"),
        authextra: dict_of(hello.details.get(keys::AUTHEXTRA)),
        transport: transport_info.clone(),
        router,
    };
    let identity = match authenticator.begin(&info).await? {
        Step::Accept(identity) => identity,
        Step::Challenge { extra, verify } => {
            let challenge = Message::Challenge(Challenge {
                method: method.clone(),
                extra,
            });
            if transport.send(challenge).await.is_err() {
                return Ok(None);
            }
            match next_message(transport, "AUTHENTICATE").await {
                Some(Message::Authenticate(response)) => verify(response).await?,
                Some(Message::Abort(_)) | None => return Ok(None),
                Some(other) => {
                    return Err(AuthDenied {
                        reason: uris::PROTOCOL_VIOLATION.into(),
                        message: format!("expected AUTHENTICATE, got {}", other.name()),
                    })
                }
            }
        }
    };
    Ok(Some((identity, method)))
}
