//! Decodes arbitrary bytes as a msgpack WAMP message: a message or a typed error, never a panic;
//! a decoded message must encode again.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wamp_core::__private::fuzzing::decode(wamp_core::Serializer::MsgPack, data);
});
