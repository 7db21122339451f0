//! `--store`: the shared store's URL, parsed here rather than by clap so that a refused URL
//! (which may hold a password) is never echoed in an error.

use keydesk_store_pg::{StoreTarget, TargetError};

use crate::Global;

impl Global {
    /// The shared store `--store` names, or `None` for the data folder's SQLite journal.
    /// The error never repeats the URL.
    pub fn store_target(&self) -> Result<Option<StoreTarget>, TargetError> {
        self.store.as_deref().map(str::parse).transpose()
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        global: Global,
    }

    #[test]
    fn a_password_in_store_is_refused_without_being_repeated() {
        let cli = Cli::parse_from(["k", "--store", "postgres://kim:hunter2@db.example/keydesk"]);
        let refused = cli.global.store_target().unwrap_err();
        assert_eq!(refused, TargetError::PasswordInUrl);
        assert!(!refused.to_string().contains("hunter2"));
        let none = Cli::parse_from(["k"]);
        assert_eq!(none.global.store_target().unwrap(), None);
    }
}
