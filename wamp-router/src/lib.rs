//! An embedded WAMP router.
//!
//! This crate is reserved for the embedded router (realms, dealer, broker, meta API, authentication);
//! it arrives with the router issue. Until then it exports nothing.
