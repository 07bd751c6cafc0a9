//! Interface descriptions and client generation for typed WAMP services.
//!
//! This crate is reserved for the JSON Schema interface descriptions, the Rust and TypeScript client
//! generators and the breaking-change diff; they arrive with the codegen issue. Until then it exports nothing.
