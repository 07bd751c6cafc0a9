//! Feeds arbitrary bytes through the RawSocket frame decoder in two reads, decoding every message
//! frame with the serializer the first octet picks: typed errors only, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wamp_core::__private::fuzzing::rawsocket_frames(data);
});
