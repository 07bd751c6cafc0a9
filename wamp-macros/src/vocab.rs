//! The protocol's option values that attributes take (`match`, `invoke`, `cancel`, `uri_check`),
//! as enums.
//!
//! This crate cannot depend on `wamp-core` (which re-exports it), so the values are spelled here
//! a second time; the unit test below checks each against `wamp_core::message`, so the two cannot
//! drift apart.

use proc_macro2::{Ident, Span};

macro_rules! values {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal,)* } default $default:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
        pub(crate) enum $name {
            #[default]
            $default,
            $($variant,)*
        }

        impl $name {
            /// Every value's spelling, in the order attributes list them.
            pub(crate) const NAMES: &'static [&'static str] =
                &[values!(@text $default $($variant = $text,)*), $($text),*];

            /// The value `text` names (an attribute checks `text` against [`Self::NAMES`] first).
            pub(crate) fn parse(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    _ => $name::$default,
                }
            }

            /// The variant of the `wamp_core` enum of the same name (`uri_check` only checks at
            /// compile time, so its value is never rendered).
            #[allow(dead_code)]
            pub(crate) fn variant(self) -> Ident {
                let name = match self {
                    $name::$default => stringify!($default),
                    $($name::$variant => stringify!($variant),)*
                };
                Ident::new(name, Span::call_site())
            }

            /// Every value.
            #[cfg(test)]
            pub(crate) const ALL: &'static [$name] = &[$name::$default, $($name::$variant),*];
        }
    };
    (@text Exact $($rest:tt)*) => { "exact" };
    (@text Single $($rest:tt)*) => { "single" };
    (@text Kill $($rest:tt)*) => { "kill" };
    (@text Strict $($rest:tt)*) => { "strict" };
}

values! {
    /// `match`: how a URI is matched (`MatchPolicy`).
    MatchPolicy { Prefix = "prefix", Wildcard = "wildcard", } default Exact
}

values! {
    /// `invoke`: how a shared registration picks its callee (`InvokePolicy`).
    InvokePolicy {
        RoundRobin = "roundrobin",
        Random = "random",
        First = "first",
        Last = "last",
    } default Single
}

values! {
    /// `cancel`: how a typed client cancels a call (`CancelMode`). Typed calls default to `kill`,
    /// so that the callee's answer to the interrupt reaches the caller.
    CancelMode { Skip = "skip", KillNoWait = "killnowait", } default Kill
}

values! {
    /// `uri_check`: which URI rule an attribute's URIs are held to (`wamp_core::uri::UriCheck`).
    /// The typed layer holds them to the strict rule unless told `loose`, for services that
    /// already exist under URIs such as `com.legacy.getUser`.
    UriCheck { Loose = "loose", } default Strict
}

#[cfg(test)]
mod tests {
    use super::*;
    use wamp_core::message as core;

    /// `(spelling, variant)` pairs, sorted.
    fn pairs<'a>(items: impl Iterator<Item = (&'a str, String)>) -> Vec<(String, String)> {
        let mut v: Vec<_> = items.map(|(a, b)| (a.to_owned(), b)).collect();
        v.sort();
        v
    }

    #[test]
    fn every_value_agrees_with_wamp_core() {
        let ours = pairs(
            MatchPolicy::NAMES
                .iter()
                .zip(MatchPolicy::ALL)
                .map(|(n, m)| {
                    assert_eq!(MatchPolicy::parse(n), *m);
                    (*n, m.variant().to_string())
                }),
        );
        let theirs = pairs(
            core::MatchPolicy::ALL
                .iter()
                .map(|c| (c.name(), format!("{c:?}"))),
        );
        assert_eq!(ours, theirs);

        let ours = pairs(
            InvokePolicy::NAMES
                .iter()
                .zip(InvokePolicy::ALL)
                .map(|(n, m)| {
                    assert_eq!(InvokePolicy::parse(n), *m);
                    (*n, m.variant().to_string())
                }),
        );
        let theirs = pairs(
            core::InvokePolicy::ALL
                .iter()
                .map(|c| (c.name(), format!("{c:?}"))),
        );
        assert_eq!(ours, theirs);

        let ours = pairs(CancelMode::NAMES.iter().zip(CancelMode::ALL).map(|(n, m)| {
            assert_eq!(CancelMode::parse(n), *m);
            (*n, m.variant().to_string())
        }));
        let theirs = pairs(
            core::CancelMode::ALL
                .iter()
                .map(|c| (c.name(), format!("{c:?}"))),
        );
        assert_eq!(ours, theirs);

        let ours = pairs(UriCheck::NAMES.iter().zip(UriCheck::ALL).map(|(n, m)| {
            assert_eq!(UriCheck::parse(n), *m);
            (*n, m.variant().to_string())
        }));
        let theirs = pairs(
            wamp_core::uri::UriCheck::ALL
                .iter()
                .map(|c| (c.name(), format!("{c:?}"))),
        );
        assert_eq!(ours, theirs);
    }
}
