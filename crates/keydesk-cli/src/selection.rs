//! Which users a command works on: `--group NAME`, `--users UPN,UPN…` or
//! `--users-csv FILE`, one clap declaration ([`Selection`]) and one resolver
//! ([`resolve`]) for every command that works on users.
//!
//! A users file is a CSV or plain text list: the UPN is the first column of each line;
//! empty lines and lines starting with `#` are skipped (so the Yubico sample's
//! `usersToRegister.csv`, whose first column is `#User.Name`, reads as is), and a first
//! line without an `@` is taken as a header. Every bad line is reported with its number.

use std::path::{Path, PathBuf};

use clap::Args;
use futures::stream::{self, StreamExt};
use keydesk_core::DirectoryUser;
use keydesk_graph::{GraphClient, GraphError};

/// How many users are looked up at once for `--users`/`--users-csv`.
const LOOKUPS_AT_ONCE: usize = 8;

/// `--group NAME | --users UPN,UPN… | --users-csv FILE`: exactly one.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct Selection {
    /// Display name (or object id) of a group: its users, nested groups included.
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// These users (user principal names or object ids), comma-separated.
    #[arg(long, value_name = "UPN,UPN...", value_delimiter = ',')]
    pub users: Option<Vec<String>>,
    /// The users listed in a file: one UPN per line, or a CSV whose first column is the
    /// UPN; `#` lines are skipped.
    #[arg(long, value_name = "FILE")]
    pub users_csv: Option<PathBuf>,
}

/// The selected users found in the directory, and the names that were not.
#[derive(Debug, Default)]
pub struct Selected {
    /// Found, in the order given (a group: Graph's order).
    pub users: Vec<DirectoryUser>,
    /// Names given that could not be looked up, with why.
    pub missing: Vec<(String, GraphError)>,
}

/// Why a selection could not be read at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    /// The users file cannot be read.
    #[error("cannot read --users-csv {path}: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Lines of the users file that are not UPNs.
    #[error("--users-csv {path}:\n{}", lines.join("\n"))]
    BadLines {
        /// The file.
        path: String,
        /// `line N: …` for each.
        lines: Vec<String>,
    },
    /// An empty list.
    #[error("no users selected: {0}")]
    Empty(String),
    /// The group cannot be found or listed.
    #[error("{0}\n  {remediation}", remediation = .0.remediation())]
    Group(GraphError),
}

impl Selection {
    /// The names given with `--users` or in `--users-csv` (`None` for a group).
    pub fn names(&self) -> Result<Option<Vec<String>>, SelectionError> {
        if let Some(users) = &self.users {
            let names: Vec<String> = users
                .iter()
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty())
                .collect();
            if names.is_empty() {
                return Err(SelectionError::Empty("--users is empty".into()));
            }
            return Ok(Some(names));
        }
        match &self.users_csv {
            Some(path) => read_file(path).map(Some),
            None => Ok(None),
        }
    }
}

/// Finds the selected users: a group's transitive user members, or each name looked up.
pub async fn resolve(
    graph: &GraphClient,
    selection: &Selection,
) -> Result<Selected, SelectionError> {
    let Some(names) = selection.names()? else {
        let name = selection.group.as_deref().unwrap_or_default();
        let group = graph
            .resolve_group(name)
            .await
            .map_err(SelectionError::Group)?;
        let users = graph
            .group_users(&group.id)
            .await
            .map_err(SelectionError::Group)?;
        return Ok(Selected {
            users,
            missing: Vec::new(),
        });
    };
    let found: Vec<_> = stream::iter(names)
        .map(|name| async move {
            let user = graph.user(&name).await;
            (name, user)
        })
        .buffered(LOOKUPS_AT_ONCE)
        .collect()
        .await;
    let mut selected = Selected::default();
    for (name, user) in found {
        match user {
            Ok(user) if selected.users.iter().any(|u| u.id == user.id) => {}
            Ok(user) => selected.users.push(user),
            Err(e) => selected.missing.push((name, e)),
        }
    }
    Ok(selected)
}

fn read_file(path: &Path) -> Result<Vec<String>, SelectionError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SelectionError::Unreadable {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let names = parse_list(&text).map_err(|lines| SelectionError::BadLines {
        path: shown.clone(),
        lines,
    })?;
    if names.is_empty() {
        return Err(SelectionError::Empty(format!("{shown} lists no users")));
    }
    Ok(names)
}

/// The UPNs of a users file, or a `line N: …` message for every bad line.
pub fn parse_list(text: &str) -> Result<Vec<String>, Vec<String>> {
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let first = first_column(line);
        if first.contains('@') && !first.contains(char::is_whitespace) {
            names.push(first.to_owned());
        } else if number == 1 || (names.is_empty() && errors.is_empty() && is_header(first)) {
            // A header line such as `upn,serial`.
        } else {
            errors.push(format!(
                "line {number}: {first:?} is not a user principal name (name@domain)"
            ));
        }
    }
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(errors)
    }
}

fn is_header(first: &str) -> bool {
    let lower = first.to_ascii_lowercase();
    lower.contains("upn") || lower.contains("user")
}

/// The first CSV column, unquoted (`"a@b.c",x` and `a@b.c;x` both give `a@b.c`).
fn first_column(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix('"') {
        return rest.split('"').next().unwrap_or_default().trim();
    }
    line.split([',', ';', '\t'])
        .next()
        .unwrap_or_default()
        .trim()
}

#[cfg(test)]
mod tests {
    use super::parse_list;

    #[test]
    fn reads_upns_from_text_and_csv() {
        let text = "#User.Name,User.DisplayName\nkim@contoso.com,Kim\n\n\"lee@contoso.com\",Lee\n  ana@contoso.com  \n";
        assert_eq!(
            parse_list(text).unwrap(),
            ["kim@contoso.com", "lee@contoso.com", "ana@contoso.com"]
        );
        assert_eq!(
            parse_list("upn,serial\nkim@contoso.com,123\n").unwrap(),
            ["kim@contoso.com"]
        );
    }

    #[test]
    fn bad_lines_are_numbered() {
        let errors = parse_list("kim@contoso.com\nnot a upn\n# fine\nalso-bad\n").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("line 2: "), "{errors:?}");
        assert!(errors[1].starts_with("line 4: "), "{errors:?}");
    }
}
