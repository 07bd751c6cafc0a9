//! Procedural macros for typed WAMP services.
//!
//! This crate is reserved for `#[wamp_service]`, `#[subscribe]` and the derives for typed errors
//! and events; they arrive with the macros issue. Until then it exports nothing.
