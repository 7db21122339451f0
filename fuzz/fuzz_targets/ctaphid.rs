//! cargo-fuzz target `ctaphid`: see [`keydesk_fuzz::ctaphid`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::ctaphid(data));
