//! cargo-fuzz target `ctap_response`: see [`keydesk_fuzz::ctap_response`].
//!
//! KeyDesk runs ctap-hid-fido2 inside `catch_unwind` (`keydesk_fido::hid::enumerate::
//! contained`), so a panic raised in that crate's own source is contained and is not a
//! finding here; libFuzzer's abort-on-panic hook still fires for a panic anywhere else.
#![no_main]

use std::sync::Once;

fn contain_crate_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_crate = info
                .location()
                .is_some_and(|at| at.file().contains("ctap-hid-fido2-"));
            if !in_crate {
                abort(info);
            }
        }));
    });
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    contain_crate_panics();
    keydesk_fuzz::ctap_response(data);
});
