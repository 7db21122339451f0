//! The app's side of the command contract declared in `keydesk_ipc::with_commands!`.
//!
//! [`handler!`] turns the declaration into the `invoke_handler`, so every declared command
//! is registered, and checks at compile time that each `#[tauri::command]` of
//! `commands/` takes the declared argument types after its `State` and resolves to the
//! declared result. A declared command with no function fails to compile; a command
//! function nobody declared is dead code, a warning `make test` refuses. The argument
//! names, which the UI sends, are checked by a test below.

use std::future::{ready, Future, Ready};

use keydesk_ipc::IpcError;

/// `tauri::generate_handler!` over every declared command, after checking their types.
/// Used as `keydesk_ipc::with_commands!(handler)`.
macro_rules! handler {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ok:ty;
    )*) => {{
        #[allow(dead_code)]
        async fn signatures_match_the_declaration() {
            use $crate::contract::{AsyncCommand as _, SyncCommand as _};
            $(
                $crate::contract::returns::<$ok, _>(
                    crate::commands::$name(
                        $crate::contract::any(),
                        $($crate::contract::declared::<$ty, _>()),*
                    )
                    .settle()
                    .await,
                );
            )*
        }
        tauri::generate_handler![$(crate::commands::$name),*]
    }};
}
pub(crate) use handler;

/// A value of any type, for a call that is only type-checked.
pub fn any<T>() -> T {
    unreachable!("the command signatures are only type-checked")
}

/// An argument of the command's own type `A`, which must match the declared `D`.
pub fn declared<D, A: Matches<D>>() -> A {
    any()
}

/// Checks that a command resolves to what the contract declares as `D`.
pub fn returns<D, A: Matches<D>>(_: Result<A, IpcError>) {}

/// The command's argument or result type `Self` is what the contract declares as `D`.
pub trait Matches<D> {}

impl<T> Matches<T> for T {}

/// A declared channel is a Tauri channel in the app.
impl<E> Matches<keydesk_ipc::Channel<E>> for tauri::ipc::Channel<E> {}

/// Declared PDF bytes are a raw IPC response in the app.
impl Matches<keydesk_ipc::PdfBytes> for tauri::ipc::Response {}

/// A synchronous command's result, awaited like an async one's.
pub trait SyncCommand<T> {
    /// The result, ready.
    fn settle(self) -> Ready<Result<T, IpcError>>;
}

impl<T> SyncCommand<T> for Result<T, IpcError> {
    fn settle(self) -> Ready<Result<T, IpcError>> {
        ready(self)
    }
}

/// An async command's future, as it is.
pub trait AsyncCommand: Future + Sized {
    /// The future itself.
    fn settle(self) -> Self {
        self
    }
}

impl<F: Future> AsyncCommand for F {}

#[cfg(test)]
mod tests {
    /// The parameter names of `fn name(...)` in `source`, but the `State` one.
    fn params(source: &str, name: &str) -> Vec<String> {
        let head = format!("fn {name}(");
        let start = source
            .find(&head)
            .unwrap_or_else(|| panic!("commands/ has no {head}"))
            + head.len();
        let (mut depth, mut params, mut current) = (0, Vec::new(), String::new());
        for c in source[start..].chars() {
            match c {
                ')' if depth == 0 => break,
                '(' | '<' => depth += 1,
                ')' | '>' => depth -= 1,
                ',' if depth == 0 => {
                    params.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        params.push(current);
        params
            .iter()
            .filter_map(|p| p.split_once(':'))
            .filter(|(_, ty)| !ty.trim().starts_with("State<"))
            .map(|(name, _)| name.trim().to_owned())
            .collect()
    }

    #[test]
    fn every_command_takes_the_declared_argument_names() {
        let source = [
            include_str!("commands/mod.rs"),
            include_str!("commands/attention.rs"),
            include_str!("commands/batch.rs"),
            include_str!("commands/connection.rs"),
            include_str!("commands/demo_keys.rs"),
            include_str!("commands/group.rs"),
            include_str!("commands/history.rs"),
            include_str!("commands/inventory.rs"),
            include_str!("commands/lock.rs"),
            include_str!("commands/queue.rs"),
            include_str!("commands/settings.rs"),
            include_str!("commands/paper.rs"),
            include_str!("commands/phone.rs"),
            include_str!("commands/import.rs"),
            include_str!("commands/passkeys.rs"),
            include_str!("commands/user_list.rs"),
            include_str!("commands/shared_store.rs"),
        ]
        .concat();
        for command in keydesk_ipc::COMMANDS {
            assert_eq!(
                params(&source, command.name),
                command.args,
                "{}: commands/ and keydesk_ipc::with_commands! disagree",
                command.name
            );
        }
    }

    #[test]
    fn parameters_are_read_past_generics() {
        let source = "pub async fn f(\n    state: State<'_, A>,\n    user_id: String,\n    on_event: Channel<E>,\n) -> R";
        assert_eq!(params(source, "f"), ["user_id", "on_event"]);
    }
}
