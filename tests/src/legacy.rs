//! Services that already exist under loose URIs (camelCase, common with Autobahn and
//! Crossbar), bound from Rust with `uri_check = "loose"`: one served, one called.

use wamp_core::wamp_service;

/// A service that already exists under camelCase URIs, served from Rust: the whole service
/// opts in to loose URIs.
#[wamp_service(prefix = "com.legacy", uri_check = "loose")]
pub trait Legacy {
    /// `com.legacy.getUser`.
    #[wamp(name = "getUser")]
    async fn get_user(&self, id: u64) -> String;
}

/// The implementation: `user-<id>`.
#[derive(Debug, Clone, Copy)]
pub struct Users;

impl Legacy for Users {
    async fn get_user(&self, id: u64) -> String {
        format!("user-{id}")
    }
}

/// A strict service with one method bound to a loose URI that another peer serves.
#[wamp_service(prefix = "com.modern")]
pub trait Modern {
    /// Served by a legacy peer at `com.Legacy.listUsers`.
    #[wamp(uri = "com.Legacy.listUsers", uri_check = "loose")]
    async fn list_users(&self) -> Vec<String>;
}
