//! Reading what the Yubico sample (`entraId-register-passkeys-on-behalf-of-users`) leaves
//! on a desk, so its users can switch: [`users`] reads `usersToRegister.csv` (or any list of
//! UPNs) into a queue with per-row errors, [`yubico_config`] reads `configs.json`. Pure:
//! bytes in, values out; the caller reads files, the clock and the keyring.

pub mod upn;
pub mod users;
pub mod yubico_config;

pub use users::{parse_user_list, PrefetchedChallenge, QueueEntry, RowError, YUBICO_USERS_HEADER};
pub use yubico_config::{parse_yubico_config, ConfigError, YubicoConfig};
