//! A queue from a list of names: the bytes of a users file (the Yubico sample's
//! `usersToRegister.csv`, a CSV with a `upn`/`userPrincipalName` column, or one UPN per
//! line, read by [`keydesk_core::import::parse_user_list`]) resolved through the directory.
//!
//! Every row that does not become a queue user is a [`ListProblem`] naming its line and
//! UPN: a line that is not a UPN, a UPN the directory does not know (or cannot be read), a
//! UPN listed twice, two UPNs of one user. The rest form the queue, in file order.
//!
//! Not here: reading the file (the caller's) and who may be listed (see
//! [`crate::membership`]).

use std::collections::HashSet;

use futures::stream::{self, StreamExt};
use keydesk_core::import::parse_user_list;
use keydesk_core::DirectoryUser;
use keydesk_graph::GraphErrorKind;

use crate::directory::Directory;
use crate::ProvisionError;

/// How many users are looked up at once.
const LOOKUPS_AT_ONCE: usize = 8;

/// A list's users and what was left out.
#[derive(Debug, Default)]
pub struct UserList {
    /// Found in the directory, each once, in file order.
    pub users: Vec<DirectoryUser>,
    /// Rows left out (or imported with a remark), in line order.
    pub problems: Vec<ListProblem>,
}

/// A row of the list that did not become a queue user as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    /// 1-based line; 0 for the file as a whole.
    pub line: usize,
    /// The UPN on that line, when it had one.
    pub upn: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl std::fmt::Display for ListProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, &self.upn) {
            (0, _) => write!(f, "{}", self.message),
            (line, Some(upn)) => write!(f, "line {line}: {upn}: {}", self.message),
            (line, None) => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// Reads `bytes` as a users file and looks each UPN up in `directory`.
pub async fn resolve(directory: &dyn Directory, bytes: &[u8]) -> UserList {
    // The clock only judges prefetched challenges, which a queue does not keep.
    let (entries, errors) = parse_user_list(bytes, 0);
    let mut problems: Vec<ListProblem> = errors
        .into_iter()
        .filter(|e| !e.imported)
        .map(|e| ListProblem {
            line: e.line,
            upn: None,
            message: e.message,
        })
        .collect();
    let found: Vec<_> = stream::iter(entries)
        .map(|entry| async move {
            let user = directory.user(&entry.upn).await;
            (entry, user)
        })
        .buffered(LOOKUPS_AT_ONCE)
        .collect()
        .await;
    let mut seen = HashSet::new();
    let mut users = Vec::new();
    for (entry, user) in found {
        let problem = |message: String| ListProblem {
            line: entry.line,
            upn: Some(entry.upn.clone()),
            message,
        };
        match user {
            Ok(user) if !seen.insert(user.id.clone()) => problems.push(problem(format!(
                "the same user as an earlier line ({}), left out",
                user.upn
            ))),
            Ok(user) => users.push(user),
            Err(ProvisionError::Graph(e)) if e.kind() == GraphErrorKind::NotFound => {
                problems.push(problem(
                    "no user has this name in the tenant (check the spelling), left out".into(),
                ))
            }
            Err(e) => problems.push(problem(format!("{e}; left out"))),
        }
    }
    problems.sort_by_key(|p| p.line);
    UserList { users, problems }
}
