//! A router realm's state machine against a hostile client: any sequence of messages (one JSON
//! message per line) from a joined session, with a well-behaved callee and subscriber joined.
//! Never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wamp_router::fuzzing::router_session(data);
});
