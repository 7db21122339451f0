//! `keydesk-cli prefetch`: creation options for the selected users, fetched concurrently,
//! written to a CSV file (read only in the tenant: nothing is registered, and the data
//! folder is not opened).
//!
//! The first six columns are the Yubico sample's `usersToRegister.csv`, header
//! `#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID`, each value
//! as Graph sent it (`publicKey.user.name`, `.displayName`, `.id` in base64url, the
//! challenge verbatim, `challengeTimeoutDateTime`, `rp.id`), so its step 2 script reads
//! the file as is; then KeyDesk's: `ObjectId` (the user's Entra id) and `OptionsJson`
//! (the whole document). Quoted as CSV needs, lines end in CRLF as Python's csv module
//! writes them. stdout: `<UPN> fetched <expiry>` / `<UPN> skipped <why>` /
//! `<UPN> failed <error>`. Ineligible users (guests, disabled) are skipped.

use futures::stream::{self, StreamExt};
use keydesk_core::DirectoryUser;
use keydesk_graph::{GraphClient, GraphError, CHALLENGE_TIMEOUT_MINUTES};
use serde_json::{json, Value};

use crate::args::{Global, PrefetchArgs};
use crate::progress::Progress;
use crate::selection::{self, Selected};
use crate::{audit, connect, exit, out};

/// How many creation options are fetched at once.
const AT_ONCE: usize = 8;

/// The header line.
pub const HEADER: [&str; 8] = [
    "#User.Name",
    "User.DisplayName",
    "User.ID",
    "Challenge",
    "ChallengeExpiryTime",
    "RP.ID",
    "ObjectId",
    "OptionsJson",
];

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: PrefetchArgs) -> u8 {
    if let Some(minutes) = args.timeout_minutes {
        if !CHALLENGE_TIMEOUT_MINUTES.contains(&minutes) {
            eprintln!("error: --timeout-minutes must be 5 to 43200, not {minutes}");
            return exit::USAGE;
        }
    }
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
    let mut failed = missing.len();
    for (name, e) in &missing {
        out::user(args.json, name, "failed", &e.to_string(), json!({}));
    }
    let (eligible, ineligible): (Vec<_>, Vec<_>) =
        users.into_iter().partition(|u| u.ineligibility().is_none());
    for user in &ineligible {
        let why = user.ineligibility().unwrap_or_default();
        out::user(
            args.json,
            &user.upn,
            "skipped",
            why,
            json!({ "id": user.id }),
        );
    }
    let progress = Progress::new(eligible.len(), "prefetching");
    let fetched: Vec<_> = stream::iter(eligible)
        .map(|user| fetch(&graph, user, args.timeout_minutes))
        .buffered(AT_ONCE)
        .inspect(|_| progress.inc())
        .collect()
        .await;
    progress.finish();
    let mut csv = row(&HEADER.map(str::to_owned));
    let mut rows = 0;
    for (user, result) in fetched {
        match result {
            Ok(document) => {
                let fields = columns(&user, &document);
                out::user(
                    args.json,
                    &user.upn,
                    "fetched",
                    &fields[4],
                    json!({ "id": user.id, "expires": fields[4] }),
                );
                csv.push_str(&row(&fields));
                rows += 1;
            }
            Err(e) => {
                failed += 1;
                out::user(
                    args.json,
                    &user.upn,
                    "failed",
                    &format!("{e} ({})", e.remediation()),
                    json!({ "id": user.id }),
                );
            }
        }
    }
    if let Err(e) = audit::write_new(&args.out, csv.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return exit::USAGE;
    }
    eprintln!(
        "{rows} users' creation options written to {}; {} skipped, {failed} failed",
        args.out.display(),
        ineligible.len()
    );
    if failed == 0 {
        exit::OK
    } else {
        exit::FAILED
    }
}

async fn fetch(
    graph: &GraphClient,
    user: DirectoryUser,
    timeout_minutes: Option<u32>,
) -> (DirectoryUser, Result<Value, GraphError>) {
    let result = graph
        .creation_options_json(&user.id, timeout_minutes)
        .await
        .map(|(_, document)| document);
    (user, result)
}

/// The row's values: the Yubico six from the document, then ours.
fn columns(user: &DirectoryUser, document: &Value) -> [String; 8] {
    // Some documents wrap the options in "value".
    let root = if document.get("publicKey").is_some() {
        document
    } else {
        document.get("value").unwrap_or(document)
    };
    let text = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_default();
    let key = &root["publicKey"];
    [
        text(&key["user"]["name"]),
        text(&key["user"]["displayName"]),
        text(&key["user"]["id"]),
        text(&key["challenge"]),
        text(&root["challengeTimeoutDateTime"]),
        text(&key["rp"]["id"]),
        user.id.clone(),
        document.to_string(),
    ]
}

/// One CSV line: a field is quoted when it holds a comma, a quote or a line break, and
/// its quotes doubled; CRLF at the end.
fn row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::row;

    #[test]
    fn fields_are_quoted_as_csv_needs() {
        let fields = ["a".to_owned(), "b,c".to_owned(), "{\"x\":1}".to_owned()];
        assert_eq!(row(&fields), "a,\"b,c\",\"{\"\"x\"\":1}\"\r\n");
    }
}
