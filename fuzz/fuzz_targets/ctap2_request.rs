//! cargo-fuzz target `ctap2_request`: see [`keydesk_fuzz::ctap2_request`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::ctap2_request(data));
