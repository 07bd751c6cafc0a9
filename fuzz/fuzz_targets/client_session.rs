//! The client's session state machine against a hostile router: any sequence of messages (one
//! JSON message per line) after WELCOME, while the session has a call, a subscription, a
//! registration, a progressive result stream and a progressive call in flight. Never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wamp_core::__private::fuzzing::client_session(data);
});
