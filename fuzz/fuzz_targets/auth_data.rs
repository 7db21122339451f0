//! cargo-fuzz target `auth_data`: see [`keydesk_fuzz::auth_data`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::auth_data(data));
