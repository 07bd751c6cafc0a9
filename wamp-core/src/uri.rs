//! URI validation as the spec defines it.
//!
//! - *Loose* URIs: components separated by `.`, each non-empty and free of `.`, `#` and whitespace.
//! - *Strict* URIs (recommended): components of lower-case letters, digits and `_` only.
//! - Patterns: a `wildcard` registration or subscription may leave components empty
//!   (`com..update`); a `prefix` pattern may end with an empty component (`com.myapp.`).

/// Which URI rule to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UriCheck {
    /// The spec's MUST: no empty components, no `.`, `#` or whitespace inside a component.
    #[default]
    Loose,
    /// The spec's SHOULD: components only of `[0-9a-z_]`.
    Strict,
}

pub use crate::message::MatchPolicy;

/// Whether `uri` is valid under `check`, with no empty components.
pub fn is_valid(uri: &str, check: UriCheck) -> bool {
    is_valid_pattern(uri, check, MatchPolicy::Exact)
}

/// Whether `uri` is a valid URI or pattern under `check` for the given match policy.
pub fn is_valid_pattern(uri: &str, check: UriCheck, policy: MatchPolicy) -> bool {
    if uri.is_empty() {
        return false;
    }
    let count = uri.split('.').count();
    uri.split('.').enumerate().all(|(i, component)| {
        if component.is_empty() {
            match policy {
                MatchPolicy::Exact => false,
                MatchPolicy::Prefix => i + 1 == count && count > 1,
                MatchPolicy::Wildcard => true,
            }
        } else {
            valid_component(component, check)
        }
    })
}

fn valid_component(component: &str, check: UriCheck) -> bool {
    match check {
        UriCheck::Loose => !component
            .chars()
            .any(|c| c == '#' || c == '.' || c.is_whitespace()),
        UriCheck::Strict => component
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_rules() {
        assert!(is_valid("com.myapp.topic1", UriCheck::Loose));
        assert!(is_valid("com.MyApp.Top-ic", UriCheck::Loose));
        assert!(is_valid("single", UriCheck::Loose));
        for bad in [
            "",
            "com..a",
            ".com",
            "com.",
            "com.my app",
            "com.a#b",
            "com.\tx",
        ] {
            assert!(!is_valid(bad, UriCheck::Loose), "{bad:?}");
        }
    }

    #[test]
    fn strict_rules() {
        assert!(is_valid("com.my_app.v2", UriCheck::Strict));
        assert!(!is_valid("com.MyApp", UriCheck::Strict));
        assert!(!is_valid("com.my-app", UriCheck::Strict));
    }

    #[test]
    fn pattern_rules() {
        assert!(is_valid_pattern(
            "com..update",
            UriCheck::Loose,
            MatchPolicy::Wildcard
        ));
        assert!(is_valid_pattern(
            ".a.",
            UriCheck::Strict,
            MatchPolicy::Wildcard
        ));
        assert!(!is_valid_pattern(
            "com..update",
            UriCheck::Loose,
            MatchPolicy::Prefix
        ));
        assert!(is_valid_pattern(
            "com.myapp.",
            UriCheck::Loose,
            MatchPolicy::Prefix
        ));
        assert!(is_valid_pattern(
            "com.myapp",
            UriCheck::Loose,
            MatchPolicy::Prefix
        ));
        assert!(!is_valid_pattern(
            "com.myapp.",
            UriCheck::Loose,
            MatchPolicy::Exact
        ));
        assert!(!is_valid_pattern(
            "",
            UriCheck::Loose,
            MatchPolicy::Wildcard
        ));
    }
}
