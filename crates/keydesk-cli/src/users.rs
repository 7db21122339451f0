//! `keydesk-cli users`: the selected users and whether each can get a passkey, read only
//! (the data folder is not opened). stdout: `<UPN> eligible <display name>` or
//! `<UPN> ineligible <why>`; a name that is not found is `<name> failed <error>` (exit 1).

use serde_json::json;

use crate::args::{Global, UsersArgs};
use crate::selection::{self, Selected};
use crate::{connect, exit, out};

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: UsersArgs) -> u8 {
    let graph = match connect::signed_in(global).await {
        Ok(graph) => graph,
        Err(code) => return code,
    };
    let Selected { users, missing } = match selection::resolve(&graph, &args.select).await {
        Ok(selected) => selected,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let mut eligible = 0;
    for user in &users {
        let extra = json!({
            "id": user.id,
            "displayName": user.display_name,
            "enabled": user.enabled,
            "guest": user.guest,
        });
        match user.ineligibility() {
            None => {
                eligible += 1;
                out::user(args.json, &user.upn, "eligible", &user.display_name, extra);
            }
            Some(why) => out::user(args.json, &user.upn, "ineligible", why, extra),
        }
    }
    for (name, e) in &missing {
        out::user(args.json, name, "failed", &e.to_string(), json!({}));
    }
    eprintln!(
        "{} users: {eligible} eligible, {} ineligible, {} not found",
        users.len() + missing.len(),
        users.len() - eligible,
        missing.len()
    );
    if missing.is_empty() {
        exit::OK
    } else {
        exit::FAILED
    }
}
