//! The enumerated option values of the spec: how URIs match (`match`), how a dealer picks among
//! the callees of a shared registration (`invoke`), and how a call is canceled (`mode`).
//!
//! Each enum spells its values exactly as the spec does ([`name`](MatchPolicy::name)) and reads
//! them back ([`parse`](MatchPolicy::parse)).
//!
//! A value the spec does not define is one of two things. An implementation-specific value
//! ([`is_extension`]: `x_` and a name, the form the spec uses for such values) is well-formed: a
//! receiver that does not implement it answers the request (the router with
//! `wamp.error.invalid_argument`; a CANCEL, which has no ERROR, is ignored). Any other value is
//! malformed and a protocol violation, as the spec's conformance vectors
//! (`testsuite/singlemessage/basic/subscribe.json`), Crossbar.io and Autobahn have it.

/// Defines an enum of option values with `ALL`, `name` and `parse`, and serde and schemars
/// spellings that agree with `name`.
macro_rules! option_values {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Default,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every value, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Every value's spelling, in the spec's order.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The value as the spec spells it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value `text` names, or `None` if the spec defines no such value.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

/// Whether `value` is an implementation-specific option value: `x_` followed by a name.
pub fn is_extension(value: &str) -> bool {
    value.strip_prefix("x_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

option_values! {
    /// How a URI is matched (`SUBSCRIBE.Options.match`, `REGISTER.Options.match`); it also decides
    /// where a pattern may leave components empty.
    pub enum MatchPolicy {
        /// The URI is matched exactly (no empty components). The default, omitted on the wire.
        #[default]
        Exact = "exact",
        /// The URI is a prefix (the last component may be empty).
        Prefix = "prefix",
        /// The URI is a pattern (any component may be empty, standing for "anything").
        Wildcard = "wildcard",
    }
}

impl MatchPolicy {
    /// The value of the `match` option, or `None` for exact (the default, which is omitted).
    pub fn as_option(self) -> Option<&'static str> {
        (self != MatchPolicy::Exact).then(|| self.name())
    }
}

option_values! {
    /// How a dealer picks among the callees of a shared registration (`REGISTER.Options.invoke`).
    pub enum InvokePolicy {
        /// Only one callee may register (the default).
        #[default]
        Single = "single",
        /// Callees take turns.
        RoundRobin = "roundrobin",
        /// A random callee.
        Random = "random",
        /// The callee that registered first.
        First = "first",
        /// The callee that registered last.
        Last = "last",
    }
}

option_values! {
    /// How a CANCEL (`CANCEL.Options.mode`) or an INTERRUPT (`INTERRUPT.Options.mode`) treats the
    /// running invocation.
    pub enum CancelMode {
        /// The dealer answers the caller at once and lets the callee finish; no INTERRUPT.
        Skip = "skip",
        /// The dealer interrupts the callee and answers once the callee has answered.
        Kill = "kill",
        /// The dealer interrupts the callee and answers the caller at once.
        #[default]
        KillNoWait = "killnowait",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for p in MatchPolicy::ALL {
            assert_eq!(MatchPolicy::parse(p.name()), Some(*p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.name());
        }
        for p in InvokePolicy::ALL {
            assert_eq!(InvokePolicy::parse(p.name()), Some(*p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.name());
        }
        for m in CancelMode::ALL {
            assert_eq!(CancelMode::parse(m.name()), Some(*m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
        assert_eq!(InvokePolicy::parse("x_sharded"), None);
        assert!(is_extension("x_sharded"));
        for not in ["x_", "sharded", "X_a", "x_A", "x_a b"] {
            assert!(!is_extension(not), "{not}");
        }
        assert_eq!(MatchPolicy::NAMES, ["exact", "prefix", "wildcard"]);
        assert_eq!(CancelMode::default(), CancelMode::KillNoWait);
    }
}
