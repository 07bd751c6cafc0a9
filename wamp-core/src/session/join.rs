//! Joining a realm: HELLO, optional CHALLENGE/AUTHENTICATE rounds, then WELCOME or ABORT.

use futures::{SinkExt as _, StreamExt as _};

use crate::auth::{AuthError, Authenticator, KdfLimits};
#[cfg(feature = "scram")]
use crate::auth::{Scram, ScramFlavor};
use crate::error::{uris, Error};
use crate::message::{
    keys, role_features, Abort, Feature, Hello, Id, Message, ProtocolViolation, Role,
};
use crate::transport::{BoxTransport, TransportError};
use crate::value::{dict_to_value, Dict, Value};

/// The roles and features this client implements, as announced in HELLO: each only under a role
/// the spec defines it for.
pub(crate) const CLIENT_ROLES: &[(Role, &[Feature])] = &[
    (
        Role::Caller,
        &[
            Feature::CallerIdentification,
            Feature::CallCanceling,
            Feature::ProgressiveCallResults,
            Feature::ProgressiveCallInvocations,
            Feature::PayloadPassthruMode,
            Feature::PayloadTransparency,
            Feature::PayloadEncryptionCryptobox,
        ],
    ),
    (
        Role::Callee,
        &[
            Feature::CallerIdentification,
            Feature::CallCanceling,
            Feature::CallTimeout,
            Feature::CallReroute,
            Feature::ProgressiveCallResults,
            Feature::ProgressiveCallInvocations,
            Feature::PatternBasedRegistration,
            Feature::SharedRegistration,
            Feature::RegistrationRevocation,
            Feature::PayloadPassthruMode,
            Feature::PayloadTransparency,
            Feature::PayloadEncryptionCryptobox,
        ],
    ),
    (
        Role::Publisher,
        &[
            Feature::PublisherIdentification,
            Feature::PublisherExclusion,
            Feature::SubscriberBlackwhiteListing,
            Feature::PayloadPassthruMode,
            Feature::PayloadTransparency,
            Feature::PayloadEncryptionCryptobox,
        ],
    ),
    (
        Role::Subscriber,
        &[
            Feature::PublisherIdentification,
            Feature::PatternBasedSubscription,
            Feature::SubscriptionRevocation,
            Feature::PayloadPassthruMode,
            Feature::PayloadTransparency,
            Feature::PayloadEncryptionCryptobox,
        ],
    ),
];

/// [`CLIENT_ROLES`] as HELLO's `roles` dict.
pub(crate) fn client_roles() -> Dict {
    let mut roles = Dict::new();
    for (role, features) in CLIENT_ROLES {
        roles.insert(role.name().into(), role_features(*role, features));
    }
    roles
}

/// What to announce in HELLO and how to answer challenges.
pub(crate) struct JoinRequest {
    pub(crate) realm: String,
    pub(crate) authid: Option<String>,
    pub(crate) authrole: Option<String>,
    pub(crate) authextra: Dict,
    pub(crate) credentials: Vec<Credential>,
    pub(crate) anonymous: bool,
    pub(crate) kdf_limits: KdfLimits,
}

/// A way to authenticate, kept for every join of a session (the first and each reconnect).
pub(crate) enum Credential {
    /// An authenticator given ready-made; it answers every join's challenge. (`None` only
    /// while it answers a challenge on a blocking thread.)
    Ready(Option<Box<dyn Authenticator>>),
    /// WAMP-SCRAM: a fresh authenticator (with a fresh client nonce) for each join.
    #[cfg(feature = "scram")]
    Scram {
        password: String,
        flavor: ScramFlavor,
        current: Option<Box<dyn Authenticator>>,
    },
}

impl Credential {
    /// Readies the credential for a new join.
    fn renew(&mut self, authid: Option<&str>) -> Result<(), AuthError> {
        #[cfg(not(feature = "scram"))]
        let _ = authid;
        #[cfg(feature = "scram")]
        if let Credential::Scram {
            password,
            flavor,
            current,
        } = self
        {
            let authid = authid.ok_or_else(|| {
                AuthError::new("wamp-scram", "an authid is required: set Client::authid")
            })?;
            *current = Some(Box::new(
                Scram::new(authid, password.clone()).flavor(*flavor),
            ));
        }
        Ok(())
    }

    fn slot(&mut self) -> &mut Option<Box<dyn Authenticator>> {
        match self {
            Credential::Ready(a) => a,
            #[cfg(feature = "scram")]
            Credential::Scram { current, .. } => current,
        }
    }

    fn authenticator(&mut self) -> Option<&mut (dyn Authenticator + 'static)> {
        self.slot().as_deref_mut()
    }

    /// Answers a challenge on a blocking thread: a key derivation takes as long as the router
    /// asked (within [`KdfLimits`]), and must not hold up the runtime or the join timeout.
    async fn respond(
        &mut self,
        extra: Dict,
        limits: KdfLimits,
    ) -> Result<crate::message::Authenticate, AuthError> {
        let slot = self.slot();
        let Some(mut auth) = slot.take() else {
            return Err(AuthError::new(self.method().to_owned(), "no authenticator"));
        };
        let method = auth.method().to_owned();
        let answered = tokio::task::spawn_blocking(move || {
            auth.limit(&limits);
            let reply = auth.respond(&extra);
            (auth, reply)
        })
        .await;
        match answered {
            Ok((auth, reply)) => {
                *self.slot() = Some(auth);
                reply
            }
            Err(e) => Err(AuthError::new(
                method,
                format!("the challenge's answer failed: {e}"),
            )),
        }
    }

    fn method(&self) -> &str {
        match self {
            Credential::Ready(Some(a)) => a.method(),
            Credential::Ready(None) => "",
            #[cfg(feature = "scram")]
            Credential::Scram {
                current: Some(a), ..
            } => a.method(),
            #[cfg(feature = "scram")]
            Credential::Scram { .. } => "wamp-scram",
        }
    }
}

async fn abort(transport: &mut BoxTransport, reason: &str, message: String) {
    let mut details = Dict::new();
    details.insert(keys::MESSAGE.into(), Value::Text(message));
    let abort = Message::Abort(Abort {
        details,
        reason: reason.into(),
        arguments: Default::default(),
    });
    let _ = transport.send(abort).await;
    let _ = transport.close().await;
}

/// Runs the opening handshake; answers the session ID and the WELCOME details.
pub(crate) async fn join(
    transport: &mut BoxTransport,
    request: &mut JoinRequest,
) -> Result<(Id, Dict), Error> {
    let mut details = Dict::new();
    details.insert(keys::ROLES.into(), dict_to_value(client_roles()));
    details.insert(
        "agent".into(),
        Value::Text(concat!("wamp-rs/", env!("CARGO_PKG_VERSION")).into()),
    );
    let mut methods: Vec<Value> = Vec::new();
    let mut authextra = request.authextra.clone();
    for credential in &mut request.credentials {
        credential.renew(request.authid.as_deref())?;
        if let Some(auth) = credential.authenticator() {
            methods.push(Value::Text(auth.method().to_owned()));
            authextra.extend(auth.authextra()?);
        }
    }
    if request.anonymous {
        methods.push(Value::Text("anonymous".into()));
    }
    if !methods.is_empty() {
        details.insert(keys::AUTHMETHODS.into(), Value::Array(methods));
    }
    if let Some(authid) = &request.authid {
        details.insert(keys::AUTHID.into(), Value::Text(authid.clone()));
    }
    if let Some(authrole) = &request.authrole {
        details.insert(keys::AUTHROLE.into(), Value::Text(authrole.clone()));
    }
    if !authextra.is_empty() {
        details.insert(keys::AUTHEXTRA.into(), dict_to_value(authextra));
    }
    transport
        .send(Message::Hello(Hello {
            realm: request.realm.clone(),
            details,
        }))
        .await?;

    let mut answered: Option<usize> = None;
    loop {
        let message = match transport.next().await {
            None => return Err(Error::Transport(TransportError::Closed)),
            Some(Err(TransportError::Decode(e))) => {
                abort(transport, uris::PROTOCOL_VIOLATION, e.to_string()).await;
                return Err(Error::Transport(TransportError::Decode(e)));
            }
            Some(Err(e)) => return Err(Error::Transport(e)),
            Some(Ok(m)) => m,
        };
        match message {
            Message::Welcome(welcome) => {
                if let Some(index) = answered {
                    if let Some(auth) = request
                        .credentials
                        .get_mut(index)
                        .and_then(Credential::authenticator)
                    {
                        if let Err(e) = auth.check_welcome(&welcome.details) {
                            abort(transport, uris::AUTHENTICATION_FAILED, e.to_string()).await;
                            return Err(Error::Auth(e));
                        }
                    }
                }
                return Ok((welcome.session, welcome.details));
            }
            Message::Abort(abort) => {
                let message = abort
                    .details
                    .get(keys::MESSAGE)
                    .and_then(Value::as_text)
                    .map(str::to_owned);
                return Err(Error::Refused {
                    reason: abort.reason,
                    message,
                    details: abort.details,
                });
            }
            Message::Challenge(challenge) => {
                let found = request.credentials.iter().position(|a| {
                    a.method() == challenge.method
                        || (matches!(a.method(), "scram" | "wamp-scram")
                            && matches!(challenge.method.as_str(), "scram" | "wamp-scram"))
                });
                let Some(index) = found else {
                    let reason = format!(
                        "the router challenged with {:?}, which was not offered",
                        challenge.method
                    );
                    abort(transport, uris::PROTOCOL_VIOLATION, reason.clone()).await;
                    return Err(Error::ProtocolViolation(ProtocolViolation(reason)));
                };
                let Some(credential) = request.credentials.get_mut(index) else {
                    continue;
                };
                match credential
                    .respond(challenge.extra, request.kdf_limits)
                    .await
                {
                    Ok(reply) => {
                        answered = Some(index);
                        transport.send(Message::Authenticate(reply)).await?;
                    }
                    Err(e) => {
                        abort(transport, uris::AUTHENTICATION_FAILED, e.to_string()).await;
                        return Err(Error::Auth(e));
                    }
                }
            }
            other => {
                let reason = format!(
                    "received {} before the session was established",
                    other.name()
                );
                abort(transport, uris::PROTOCOL_VIOLATION, reason.clone()).await;
                return Err(Error::ProtocolViolation(ProtocolViolation(reason)));
            }
        }
    }
}
