//! cargo-fuzz target `graph_reply`: see [`keydesk_fuzz::graph_reply`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keydesk_fuzz::graph_reply(data));
