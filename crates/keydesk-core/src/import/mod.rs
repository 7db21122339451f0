//! Reading what the Yubico sample (`entraId-register-passkeys-on-behalf-of-users`) leaves
//! on a desk, so its users can switch: [`users`] reads `usersToRegister.csv` (or any list of
//! UPNs) into a queue with per-row errors, each row's challenge kept as [`prefetched`]
//! creation options; [`yubico_config`] reads `configs.json`. Pure: bytes in, values out;
//! the caller reads files, the clock and the keyring.

pub mod prefetched;
pub mod upn;
pub mod users;
pub mod yubico_config;

pub use prefetched::PrefetchedChallenge;
pub use users::{parse_user_list, QueueEntry, RowError, YUBICO_USERS_HEADER};
pub use yubico_config::{parse_yubico_config, ConfigError, YubicoConfig};
