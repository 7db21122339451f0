//! cargo-fuzz target `creation_options`: see [`keydesk_fuzz::creation_options`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::creation_options(data));
