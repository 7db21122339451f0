//! The tracing set-up of both binaries (`keydesk` and `keydesk-cli`): one filter, one
//! writer, one environment variable.
//!
//! Logs go to stderr (stdout is the CLI's contract with scripts). `KEYDESK_LOG` takes an
//! `EnvFilter` directive such as `debug` or `warn,keydesk_graph=trace`; without it, or when
//! it does not parse, [`DEFAULT_FILTER`] applies. Colours only on a terminal, and never
//! when `NO_COLOR` is set (to anything but the empty string, as no-color.org says).

/// The filter used when `KEYDESK_LOG` is unset or invalid.
pub const DEFAULT_FILTER: &str = "warn,keydesk=info";

/// The environment variable holding the filter.
pub const ENV_VAR: &str = "KEYDESK_LOG";

/// Installs the global subscriber; call once, first thing in `main`.
pub fn init() {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && !no_color)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env(ENV_VAR)
                .unwrap_or_else(|_| DEFAULT_FILTER.into()),
        )
        .init();
}
