//! Authorization: each session has an `authrole`; a [`Role`] lists [`Permission`]s per URI
//! (exact or prefix) for the four actions. A denied action answers `wamp.error.not_authorized`.
//!
//! The permission that applies to a URI is the exact one if any, else the one with the longest
//! prefix; a URI no permission covers is denied. Pattern registrations and subscriptions are
//! checked with the pattern string itself (so `com.app.` with `match: prefix` needs a permission
//! covering `com.app.`).

mod dynamic;

use serde::Deserialize;

pub use dynamic::DynamicAuthorizer;
pub(crate) use dynamic::{Authorize, Decision, Verdict};

/// What a session asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// CALL a procedure.
    Call,
    /// REGISTER a procedure.
    Register,
    /// PUBLISH to a topic.
    Publish,
    /// SUBSCRIBE to a topic.
    Subscribe,
}

/// Which URIs a [`Permission`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UriMatch {
    /// Exactly the URI.
    #[default]
    Exact,
    /// Every URI that starts with it (the empty prefix covers everything).
    Prefix,
}

/// The actions allowed on a URI or URI prefix.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Permission {
    /// The URI or prefix.
    pub uri: String,
    /// How `uri` is matched.
    #[serde(default, rename = "match")]
    pub match_: UriMatch,
    /// May call.
    #[serde(default)]
    pub call: bool,
    /// May register.
    #[serde(default)]
    pub register: bool,
    /// May publish.
    #[serde(default)]
    pub publish: bool,
    /// May subscribe.
    #[serde(default)]
    pub subscribe: bool,
}

impl Permission {
    /// Every action on URIs starting with `prefix`.
    pub fn all(prefix: impl Into<String>) -> Self {
        Self {
            uri: prefix.into(),
            match_: UriMatch::Prefix,
            call: true,
            register: true,
            publish: true,
            subscribe: true,
        }
    }

    /// No action on `uri` (exact); combine with the setters below.
    pub fn exact(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            match_: UriMatch::Exact,
            call: false,
            register: false,
            publish: false,
            subscribe: false,
        }
    }

    /// No action on URIs starting with `prefix`; combine with the setters below.
    pub fn prefix(prefix: impl Into<String>) -> Self {
        Self {
            match_: UriMatch::Prefix,
            ..Self::exact(prefix)
        }
    }

    /// Allows the given actions.
    pub fn allow(mut self, actions: &[Action]) -> Self {
        for action in actions {
            *self.flag(*action) = true;
        }
        self
    }

    fn flag(&mut self, action: Action) -> &mut bool {
        match action {
            Action::Call => &mut self.call,
            Action::Register => &mut self.register,
            Action::Publish => &mut self.publish,
            Action::Subscribe => &mut self.subscribe,
        }
    }

    fn allows(&self, action: Action) -> bool {
        match action {
            Action::Call => self.call,
            Action::Register => self.register,
            Action::Publish => self.publish,
            Action::Subscribe => self.subscribe,
        }
    }

    fn covers(&self, uri: &str) -> bool {
        match self.match_ {
            UriMatch::Exact => self.uri == uri,
            UriMatch::Prefix => uri.starts_with(&self.uri),
        }
    }
}

/// A named set of permissions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Role {
    /// The `authrole` this role applies to.
    pub name: String,
    /// The permissions; see the module docs for which one applies.
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

impl Role {
    /// A role with no permissions.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            permissions: Vec::new(),
        }
    }

    /// A role allowed every action on every URI.
    pub fn trusted(name: impl Into<String>) -> Self {
        Self::new(name).permission(Permission::all(""))
    }

    /// Adds a permission.
    pub fn permission(mut self, permission: Permission) -> Self {
        self.permissions.push(permission);
        self
    }

    /// Whether this role may do `action` on `uri`.
    pub fn allows(&self, action: Action, uri: &str) -> bool {
        let exact = self
            .permissions
            .iter()
            .find(|p| p.match_ == UriMatch::Exact && p.covers(uri));
        let best = exact.or_else(|| {
            self.permissions
                .iter()
                .filter(|p| p.match_ == UriMatch::Prefix && p.covers(uri))
                .max_by_key(|p| p.uri.len())
        });
        best.is_some_and(|p| p.allows(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_beats_prefix_and_longest_prefix_wins() {
        let role = Role::new("user")
            .permission(Permission::all("com."))
            .permission(Permission::prefix("com.secret.").allow(&[Action::Subscribe]))
            .permission(Permission::exact("com.secret.open").allow(&[Action::Call]));
        assert!(role.allows(Action::Call, "com.app.add"));
        assert!(!role.allows(Action::Call, "com.secret.x"));
        assert!(role.allows(Action::Subscribe, "com.secret.x"));
        assert!(role.allows(Action::Call, "com.secret.open"));
        assert!(!role.allows(Action::Subscribe, "com.secret.open"));
        assert!(!role.allows(Action::Call, "org.other"));
        assert!(Role::trusted("t").allows(Action::Register, "anything"));
    }
}
