//! cargo-fuzz target `audit`: see [`keydesk_fuzz::audit`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::audit(data));
