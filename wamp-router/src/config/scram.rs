//! The `[[realm.scram]]` principals of the configuration file, as one [`ScramAuth`] per flavor.

#[cfg(feature = "scram")]
use base64::engine::general_purpose::STANDARD;
#[cfg(feature = "scram")]
use base64::Engine as _;

use crate::config::ScramFilePrincipal;
use crate::{RealmConfig, RouterError};

#[cfg(feature = "scram")]
use crate::auth::{ScramAuth, ScramPrincipal};
#[cfg(feature = "scram")]
use wamp_core::auth::scram::{ScramKdf, ScramKeys};
#[cfg(feature = "scram")]
use wamp_core::auth::ScramFlavor;

fn invalid(authid: &str, message: &str) -> RouterError {
    RouterError::Config(format!("scram principal {authid:?}: {message}"))
}

/// `realm` with the authenticators the principals need.
#[cfg(not(feature = "scram"))]
pub(crate) fn add(
    realm: RealmConfig,
    principals: &[ScramFilePrincipal],
) -> Result<RealmConfig, RouterError> {
    match principals.first() {
        Some(p) => Err(invalid(
            &p.authid,
            "needs the cargo feature `scram` of wamp-router",
        )),
        None => Ok(realm),
    }
}

/// `realm` with the authenticators the principals need: one per flavor in use.
#[cfg(feature = "scram")]
pub(crate) fn add(
    mut realm: RealmConfig,
    principals: &[ScramFilePrincipal],
) -> Result<RealmConfig, RouterError> {
    let mut crossbar = ScramAuth::new(ScramFlavor::Crossbar);
    let mut spec = ScramAuth::new(ScramFlavor::Spec);
    let (mut any_crossbar, mut any_spec) = (false, false);
    for p in principals {
        let flavor = match p.flavor.as_deref() {
            None | Some("crossbar") => ScramFlavor::Crossbar,
            Some("spec") => ScramFlavor::Spec,
            Some(other) => {
                return Err(invalid(
                    &p.authid,
                    &format!("flavor {other:?} is not \"crossbar\" or \"spec\""),
                ))
            }
        };
        let principal = principal(p, flavor)?;
        match flavor {
            ScramFlavor::Crossbar => {
                any_crossbar = true;
                crossbar = crossbar.principal_keys(p.authid.clone(), principal);
            }
            ScramFlavor::Spec => {
                any_spec = true;
                spec = spec.principal_keys(p.authid.clone(), principal);
            }
        }
    }
    if any_crossbar {
        realm = realm.authenticator(crossbar);
    }
    if any_spec {
        realm = realm.authenticator(spec);
    }
    Ok(realm)
}

#[cfg(feature = "scram")]
fn principal(p: &ScramFilePrincipal, flavor: ScramFlavor) -> Result<ScramPrincipal, RouterError> {
    let kdf = match p.kdf.as_deref() {
        None | Some("argon2id") | Some("argon2id-13") | Some("argon2id13") => ScramKdf::Argon2id {
            memory: p.memory.unwrap_or(65_536),
            iterations: p.iterations.unwrap_or(3),
        },
        Some("pbkdf2") => ScramKdf::Pbkdf2 {
            iterations: p.iterations.unwrap_or(600_000),
        },
        Some(other) => {
            return Err(invalid(
                &p.authid,
                &format!("kdf {other:?} is not \"argon2id\" or \"pbkdf2\""),
            ))
        }
    };
    let decode = |what: &str, text: &str| {
        STANDARD
            .decode(text)
            .map_err(|e| invalid(&p.authid, &format!("{what} is not base64: {e}")))
    };
    let salt = p.salt.as_deref().map(|s| decode("salt", s)).transpose()?;
    match (&p.password, &p.stored_key, &p.server_key, salt) {
        (Some(password), None, None, salt) => {
            ScramPrincipal::from_password(flavor, password, salt, kdf, p.role.clone())
                .map_err(|e| invalid(&p.authid, &e.to_string()))
        }
        (None, Some(stored), Some(server), Some(salt)) => Ok(ScramPrincipal {
            authrole: p.role.clone(),
            salt,
            kdf,
            keys: ScramKeys {
                stored_key: decode("stored_key", stored)?,
                server_key: decode("server_key", server)?,
            },
        }),
        _ => Err(invalid(
            &p.authid,
            "give either `password`, or `salt`, `stored_key` and `server_key`",
        )),
    }
}
