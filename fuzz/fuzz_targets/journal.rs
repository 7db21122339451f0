//! cargo-fuzz target `journal`: see [`keydesk_fuzz::journal`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::journal(data));
