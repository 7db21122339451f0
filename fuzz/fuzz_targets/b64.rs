//! cargo-fuzz target `b64`: see [`keydesk_fuzz::b64`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::b64(data));
