//! Roles and the Advanced Profile features announced under them in `HELLO.Details.roles` and
//! `WELCOME.Details.roles` (`{"<role>": {"features": {"<feature>": true}}}`).
//!
//! [`Feature::roles`] is the spec's table of which roles define each feature (wamp-proto
//! `rfc/text/advanced/features.md`, and each chapter's "Feature Announcement" section where the
//! two disagree); a peer announces a feature only under a role that defines it.

use crate::value::{Dict, Value};

use Role::{Broker, Callee, Caller, Dealer, Publisher, Subscriber};

/// A WAMP role: the four client roles and the two router roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Calls procedures.
    Caller,
    /// Registers procedures.
    Callee,
    /// Publishes events.
    Publisher,
    /// Subscribes to topics.
    Subscriber,
    /// The router role that routes calls.
    Dealer,
    /// The router role that routes events.
    Broker,
}

impl Role {
    /// Every role.
    pub const ALL: &'static [Role] = &[Caller, Callee, Publisher, Subscriber, Dealer, Broker];

    /// The role's key in `roles`.
    pub fn name(self) -> &'static str {
        match self {
            Caller => "caller",
            Callee => "callee",
            Publisher => "publisher",
            Subscriber => "subscriber",
            Dealer => "dealer",
            Broker => "broker",
        }
    }

    /// The role `name` names, if any.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.name() == name)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! features {
    ($( $(#[$meta:meta])* $variant:ident = $text:literal by [$($role:ident),*], )*) => {
        /// An Advanced Profile feature, as announced under a role.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Feature {
            $( $(#[$meta])* $variant, )*
        }

        impl Feature {
            /// Every feature this crate knows.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant),*];

            /// The feature's key under `features`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Feature::$variant => $text,)*
                }
            }

            /// The roles under which the spec defines the feature.
            pub fn roles(self) -> &'static [Role] {
                match self {
                    $(Feature::$variant => &[$($role),*],)*
                }
            }
        }
    };
}

features! {
    /// Results sent as they come (`RESULT.Details.progress`).
    ProgressiveCallResults = "progressive_call_results" by [Caller, Callee, Dealer],
    /// Arguments sent as they come (`CALL.Options.progress`).
    ProgressiveCallInvocations = "progressive_call_invocations" by [Caller, Callee, Dealer],
    /// `CALL.Options.timeout`. The feature table marks the caller too; the chapter has only the
    /// dealer (MUST) and the callee (MAY): we follow the chapter and never announce it as caller.
    CallTimeout = "call_timeout" by [Callee, Dealer],
    /// CANCEL and INTERRUPT.
    CallCanceling = "call_canceling" by [Caller, Callee, Dealer],
    /// `caller`, `caller_authid`, `caller_authrole` in INVOCATION details.
    CallerIdentification = "caller_identification" by [Caller, Callee, Dealer],
    /// `trustlevel` in INVOCATION details.
    CallTrustlevels = "call_trustlevels" by [Callee, Dealer],
    /// A callee answers `wamp.error.unavailable` and the dealer tries another callee.
    CallReroute = "call_reroute" by [Callee, Dealer],
    /// `wamp.registration.*` procedures and events.
    RegistrationMetaApi = "registration_meta_api" by [Dealer],
    /// `REGISTER.Options.match`.
    PatternBasedRegistration = "pattern_based_registration" by [Callee, Dealer],
    /// `REGISTER.Options.invoke`.
    SharedRegistration = "shared_registration" by [Callee, Dealer],
    /// `REGISTER.Options.rkey` and `CALL.Options.rkey`.
    ShardedRegistration = "sharded_registration" by [Caller, Callee, Dealer],
    /// UNREGISTERED with request 0 and details when the dealer revokes a registration.
    RegistrationRevocation = "registration_revocation" by [Callee, Dealer],
    /// `wamp.session.*` procedures and events.
    SessionMetaApi = "session_meta_api" by [Dealer, Broker],
    /// `wamp.subscription.*` procedures and events.
    SubscriptionMetaApi = "subscription_meta_api" by [Broker],
    /// `PUBLISH.Options.exclude*` and `eligible*`.
    SubscriberBlackwhiteListing = "subscriber_blackwhite_listing" by [Publisher, Broker],
    /// `PUBLISH.Options.exclude_me`.
    PublisherExclusion = "publisher_exclusion" by [Publisher, Broker],
    /// `publisher`, `publisher_authid`, `publisher_authrole` in EVENT details.
    PublisherIdentification = "publisher_identification" by [Publisher, Subscriber, Broker],
    /// `trustlevel` in EVENT details.
    PublicationTrustlevels = "publication_trustlevels" by [Subscriber, Broker],
    /// `SUBSCRIBE.Options.match`.
    PatternBasedSubscription = "pattern_based_subscription" by [Subscriber, Broker],
    /// `wamp.reflection.*`: what is registered and published, described (a sketch in the spec).
    Reflection = "reflection" by [Dealer, Broker],
    /// `wamp.subscription.get_events`.
    EventHistory = "event_history" by [Broker],
    /// `PUBLISH.Options.retain`, `SUBSCRIBE.Options.get_retained`.
    EventRetention = "event_retention" by [Broker],
    /// UNSUBSCRIBED with request 0 and details when the broker revokes a subscription.
    SubscriptionRevocation = "subscription_revocation" by [Subscriber, Broker],
    /// `wamp.session.add_testament` and friends.
    TestamentMetaApi = "testament_meta_api" by [Dealer],
    /// Payloads the router does not look inside (`ppt_*` options).
    PayloadPassthruMode = "payload_passthru_mode" by [Caller, Callee, Publisher, Subscriber, Dealer, Broker],
    /// Autobahn's and Crossbar.io's name for their older passthru dialect (`enc_*` options, see
    /// [`passthru::Dialect::Transparent`](super::passthru::Dialect)); not in the spec's table.
    PayloadTransparency = "payload_transparency" by [Caller, Callee, Publisher, Subscriber, Dealer, Broker],
    /// Autobahn's and Crossbar.io's name for WAMP-cryptobox end-to-end encryption (`enc_algo =
    /// "cryptobox"`); not in the spec's table. A router announces it when it forwards such
    /// payloads, which it cannot read.
    PayloadEncryptionCryptobox = "payload_encryption_cryptobox" by [Caller, Callee, Publisher, Subscriber, Dealer, Broker],
}

impl Feature {
    /// Every feature the spec defines for `role`.
    pub fn defined_for(role: Role) -> Vec<Feature> {
        Feature::ALL
            .iter()
            .copied()
            .filter(|f| f.roles().contains(&role))
            .collect()
    }
}

impl std::fmt::Display for Feature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One role's entry in `HELLO.Details.roles` or `WELCOME.Details.roles`:
/// `{"features": {"<feature>": true, ...}}`.
///
/// # Panics
///
/// In debug builds, if a feature is not defined for `role` (a bug in the announcing code).
pub fn role_features(role: Role, features: &[Feature]) -> Value {
    debug_assert!(
        features.iter().all(|f| f.roles().contains(&role)),
        "a feature announced under {role} that the spec does not define for it: {features:?}"
    );
    let features = features
        .iter()
        .map(|f| (Value::Text(f.name().into()), Value::Bool(true)))
        .collect();
    Value::Map(vec![(Value::Text("features".into()), Value::Map(features))])
}

/// A whole `roles` value: each role with its features.
pub fn roles(entries: &[(Role, &[Feature])]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(role, features)| {
                (
                    Value::Text(role.name().into()),
                    role_features(*role, features),
                )
            })
            .collect(),
    )
}

/// Whether HELLO or WELCOME details announce `roles.<role>.features.<feature> = true`.
pub fn announces(details: &Dict, role: Role, feature: Feature) -> bool {
    fn get<'a>(map: &'a Value, key: &str) -> Option<&'a Value> {
        match map {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    details
        .get("roles")
        .and_then(|roles| get(roles, role.name()))
        .and_then(|r| get(r, "features"))
        .and_then(|f| get(f, feature.name()))
        .is_some_and(|v| *v == Value::Bool(true))
}

/// Every `(role, feature)` that HELLO or WELCOME details announce, known or not, sorted.
pub fn announced(details: &Dict) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(Value::Map(roles)) = details.get("roles") else {
        return out;
    };
    for (role, body) in roles {
        let (Some(role), Value::Map(body)) = (role.as_text(), body) else {
            continue;
        };
        for (key, features) in body {
            if key.as_text() != Some("features") {
                continue;
            }
            if let Value::Map(features) = features {
                for (name, on) in features {
                    if let (Some(name), Value::Bool(true)) = (name.as_text(), on) {
                        out.push((role.to_owned(), name.to_owned()));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_feature_has_a_role() {
        let mut names: Vec<_> = Feature::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Feature::ALL.len());
        assert!(Feature::ALL.iter().all(|f| !f.roles().is_empty()));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.name()), Some(*r));
        }
    }

    #[test]
    fn announces_reads_what_roles_writes() {
        let mut details = Dict::new();
        details.insert(
            "roles".into(),
            roles(&[(Callee, &[Feature::CallReroute, Feature::CallCanceling])]),
        );
        assert!(announces(&details, Callee, Feature::CallReroute));
        assert!(!announces(&details, Caller, Feature::CallCanceling));
        assert_eq!(
            announced(&details),
            vec![
                ("callee".to_owned(), "call_canceling".to_owned()),
                ("callee".to_owned(), "call_reroute".to_owned())
            ]
        );
    }
}
