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

impl UriCheck {
    /// Every rule.
    pub const ALL: &'static [UriCheck] = &[UriCheck::Loose, UriCheck::Strict];

    /// The rule's name, as attributes (`uri_check = "loose"`) and configuration spell it.
    pub fn name(self) -> &'static str {
        match self {
            UriCheck::Loose => "loose",
            UriCheck::Strict => "strict",
        }
    }

    /// The rule `name` names.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }
}

pub use crate::message::MatchPolicy;

/// The rule a URI breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriProblem {
    /// The URI is the empty string.
    #[error("a URI cannot be empty")]
    Empty,
    /// A component is empty where the match policy does not allow it.
    #[error("component {index} is empty, which only a wildcard pattern (or the last component of a prefix pattern) may be")]
    EmptyComponent {
        /// Its position, from 0.
        index: usize,
    },
    /// A component holds `#` or whitespace, which no URI may.
    #[error("component {component:?} holds {found:?}: no WAMP URI may hold `#` or whitespace")]
    Forbidden {
        /// The component.
        component: String,
        /// The character.
        found: char,
    },
    /// A component holds a character outside `[0-9a-z_]` under the strict rule.
    #[error("component {component:?} holds {found:?}: a strict URI takes only lower-case letters, digits and `_` (the client's `uri_check(UriCheck::Loose)` allows it)")]
    NotStrict {
        /// The component.
        component: String,
        /// The character.
        found: char,
    },
}

/// Whether `uri` is valid under `check`, with no empty components.
pub fn is_valid(uri: &str, check: UriCheck) -> bool {
    is_valid_pattern(uri, check, MatchPolicy::Exact)
}

/// Whether `uri` is a valid URI or pattern under `check` for the given match policy.
pub fn is_valid_pattern(uri: &str, check: UriCheck, policy: MatchPolicy) -> bool {
    validate(uri, check, policy).is_ok()
}

/// Checks `uri` as a URI or pattern under `check` for the given match policy, saying which
/// rule it breaks.
pub fn validate(uri: &str, check: UriCheck, policy: MatchPolicy) -> Result<(), UriProblem> {
    if uri.is_empty() {
        return Err(UriProblem::Empty);
    }
    let count = uri.split('.').count();
    for (index, component) in uri.split('.').enumerate() {
        if component.is_empty() {
            let allowed = match policy {
                MatchPolicy::Exact => false,
                MatchPolicy::Prefix => index + 1 == count && count > 1,
                MatchPolicy::Wildcard => true,
            };
            if !allowed {
                return Err(UriProblem::EmptyComponent { index });
            }
            continue;
        }
        if let Some(found) = component.chars().find(|c| *c == '#' || c.is_whitespace()) {
            return Err(UriProblem::Forbidden {
                component: component.to_owned(),
                found,
            });
        }
        if check == UriCheck::Strict {
            if let Some(found) = component
                .chars()
                .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
            {
                return Err(UriProblem::NotStrict {
                    component: component.to_owned(),
                    found,
                });
            }
        }
    }
    Ok(())
}

/// A typed service's procedure URI may be a template: a component `{name}` is a capture, filled
/// in from the parameter `name` at each call (see the `wamp_service` macro). These are its
/// captures, each with the component's position.
pub fn captures(uri: &str) -> impl Iterator<Item = (usize, &str)> {
    uri.split('.').enumerate().filter_map(|(index, component)| {
        let name = component.strip_prefix('{')?.strip_suffix('}')?;
        Some((index, name))
    })
}

/// The pattern a URI template registers: each capture an empty component, matched as a
/// wildcard. A URI without captures is itself.
pub fn capture_pattern(uri: &str) -> String {
    uri.split('.')
        .map(|c| if captures(c).next().is_some() { "" } else { c })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let uri = "com.app.user.{id}.room.{room}";
        assert_eq!(captures(uri).collect::<Vec<_>>(), [(3, "id"), (5, "room")]);
        assert_eq!(capture_pattern(uri), "com.app.user..room.");
        assert_eq!(capture_pattern("com.app.add"), "com.app.add");
    }

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
    fn each_problem_says_its_rule() {
        let p = |uri, check, policy| validate(uri, check, policy).err();
        assert_eq!(
            p("", UriCheck::Loose, MatchPolicy::Exact),
            Some(UriProblem::Empty)
        );
        assert_eq!(
            p("com..a", UriCheck::Loose, MatchPolicy::Exact),
            Some(UriProblem::EmptyComponent { index: 1 })
        );
        assert_eq!(p("com..a", UriCheck::Loose, MatchPolicy::Wildcard), None);
        assert_eq!(
            p("com.a b", UriCheck::Loose, MatchPolicy::Exact),
            Some(UriProblem::Forbidden {
                component: "a b".into(),
                found: ' '
            })
        );
        let strict = p("com.legacy.getUser", UriCheck::Strict, MatchPolicy::Exact).unwrap();
        assert_eq!(
            strict,
            UriProblem::NotStrict {
                component: "getUser".into(),
                found: 'U'
            }
        );
        assert!(strict.to_string().contains("lower-case"), "{strict}");
        assert_eq!(
            p("com.legacy.getUser", UriCheck::Loose, MatchPolicy::Exact),
            None
        );
        for c in UriCheck::ALL {
            assert_eq!(UriCheck::parse(c.name()), Some(*c));
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
