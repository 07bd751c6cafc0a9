//! Compile-time behaviour of the macros: every error case in `ui/fail` (its first line says
//! what is wrong; the `.stderr` beside it is the expected message), and the cases in `ui/pass`
//! that must compile, among them `#![deny(missing_docs)]` and `#![no_implicit_prelude]`.
//!
//! Regenerate the expected messages after a deliberate change with `TRYBUILD=overwrite`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
