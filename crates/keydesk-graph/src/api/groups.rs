//! Finding the provisioning group (by object id or by display name) and listing its users.
//!
//! Group names are not unique in Entra: several matches are an error the operator must
//! resolve ([`GraphError::AmbiguousGroup`]), never "take the first". Members are read
//! transitively (nested groups flattened) and cast to users, so devices, service
//! principals and groups never show up. The plain query is tried first (an advanced query,
//! `ConsistencyLevel: eventual`, can miss members added minutes ago); only when Graph
//! answers `Request_UnsupportedQuery` is it repeated as an advanced query. Members that
//! come back with an id but neither UPN nor display name mean the caller lacks a user-read
//! permission (Graph answers 200 with "limited information"): that is reported as a 403 of
//! [`Operation::GroupMembers`], whose hint names User.ReadBasic.All.

use std::collections::HashSet;

use keydesk_core::DirectoryUser;

use super::users::{to_directory_user, with_request_id, USER_SELECT};
use crate::http::Call;
use crate::query::{eq_literal, with_query};
use crate::wire::{GroupDto, UserDto};
use crate::{GraphClient, GraphError, Group, Operation};

impl GraphClient {
    /// The one group named exactly `display_name`.
    pub async fn find_group(&self, display_name: &str) -> Result<Group, GraphError> {
        if display_name.trim().is_empty() {
            return Err(GraphError::InvalidInput("the group name is empty".into()));
        }
        let url = with_query(
            self.url(self.config().api, &["groups"]),
            &[
                ("$filter", &eq_literal("displayName", display_name)),
                ("$select", "id,displayName"),
            ],
        );
        let found: Vec<GroupDto> = self
            .get_all(Operation::FindGroup, "/groups?$filter", url, false)
            .await?;
        let mut groups = found
            .into_iter()
            .map(to_group)
            .collect::<Result<Vec<_>, _>>()?;
        match groups.len() {
            0 => Err(GraphError::GroupNotFound(display_name.to_owned())),
            1 => Ok(groups.remove(0)),
            _ => Err(GraphError::AmbiguousGroup {
                name: display_name.to_owned(),
                candidates: groups,
            }),
        }
    }

    /// Groups whose display name has a word starting with `text` (Graph's `$search`, an
    /// advanced query: `ConsistencyLevel: eventual`), at most [`GROUP_SEARCH_TOP`], each
    /// with its number of users (nested groups included) when Graph tells it. Names are
    /// not unique: every match is returned, for the operator to tell apart by id and size.
    pub async fn search_groups(&self, text: &str) -> Result<Vec<GroupMatch>, GraphError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(GraphError::InvalidInput("the search is empty".into()));
        }
        let top = GROUP_SEARCH_TOP.to_string();
        let url = with_query(
            self.url(self.config().api, &["groups"]),
            &[
                ("$search", &search_literal("displayName", text)),
                ("$select", "id,displayName"),
                ("$count", "true"),
                ("$top", &top),
            ],
        );
        let reply = self
            .send(eventual(Call::get(
                Operation::FindGroup,
                "/groups?$search",
                url,
            )))
            .await?;
        let page: GroupPage = reply.json("group search")?;
        let groups = page
            .value
            .into_iter()
            .take(GROUP_SEARCH_TOP)
            .map(to_group)
            .collect::<Result<Vec<_>, _>>()?;
        let counts = futures::future::join_all(groups.iter().map(|g| self.user_count(&g.id))).await;
        Ok(groups
            .into_iter()
            .zip(counts)
            .map(|(group, member_count)| GroupMatch {
                group,
                member_count,
            })
            .collect())
    }

    /// The group's users, nested groups included, as Graph counts them (`$count`, an
    /// advanced query); `None` when Graph does not say.
    async fn user_count(&self, group_id: &str) -> Option<u64> {
        let url = with_query(
            self.url(
                self.config().api,
                &[
                    "groups",
                    group_id,
                    "transitiveMembers",
                    "microsoft.graph.user",
                ],
            ),
            &[("$count", "true"), ("$top", "1"), ("$select", "id")],
        );
        let template = "/groups/{id}/transitiveMembers/microsoft.graph.user?$count";
        let reply = self
            .send(eventual(Call::get(Operation::GroupMembers, template, url)))
            .await
            .ok()?;
        reply.json::<CountDto>("member count").ok()?.count
    }

    /// The group with object id `id`.
    pub async fn group(&self, id: &str) -> Result<Group, GraphError> {
        let id = id.trim();
        if id.is_empty() {
            return Err(GraphError::InvalidInput("the group id is empty".into()));
        }
        let url = with_query(
            self.url(self.config().api, &["groups", id]),
            &[("$select", "id,displayName")],
        );
        let reply = self
            .send(Call::get(Operation::GetGroup, "/groups/{id}", url))
            .await?;
        to_group(reply.json("group")?).map_err(|e| with_request_id(e, &reply.request_id))
    }

    /// The group named by `id_or_name`: an object id (a GUID) is read directly, anything
    /// else is looked up by display name ([`GraphClient::find_group`]).
    pub async fn resolve_group(&self, id_or_name: &str) -> Result<Group, GraphError> {
        if uuid::Uuid::parse_str(id_or_name.trim()).is_ok() {
            self.group(id_or_name).await
        } else {
            self.find_group(id_or_name).await
        }
    }

    /// Every user in the group, nested groups included, each once, in Graph's order.
    pub async fn group_users(&self, group_id: &str) -> Result<Vec<DirectoryUser>, GraphError> {
        if group_id.trim().is_empty() {
            return Err(GraphError::InvalidInput("the group id is empty".into()));
        }
        let base = self.url(
            self.config().api,
            &[
                "groups",
                group_id.trim(),
                "transitiveMembers",
                "microsoft.graph.user",
            ],
        );
        let template = "/groups/{id}/transitiveMembers/microsoft.graph.user";
        let plain = with_query(base.clone(), &[("$select", USER_SELECT), ("$top", "999")]);
        let members: Vec<UserDto> = match self
            .get_all(Operation::GroupMembers, template, plain, false)
            .await
        {
            // Some tenants only accept the cast as an advanced query.
            Err(GraphError::Api {
                status: 400, code, ..
            }) if code == "Request_UnsupportedQuery" => {
                let advanced = with_query(
                    base,
                    &[
                        ("$select", USER_SELECT),
                        ("$top", "999"),
                        ("$count", "true"),
                    ],
                );
                self.get_all(Operation::GroupMembers, template, advanced, true)
                    .await?
            }
            other => other?,
        };
        let mut seen = HashSet::new();
        let mut users = Vec::with_capacity(members.len());
        for member in members {
            if is_limited(&member) {
                return Err(limited_information());
            }
            let user = to_directory_user(member)?;
            if seen.insert(user.id.clone()) {
                users.push(user);
            }
        }
        Ok(users)
    }
}

/// A user Graph listed with its id only: the caller may read group members
/// (GroupMember.Read.All) but not users (Graph's "limited information").
pub(crate) fn is_limited(member: &UserDto) -> bool {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
    !blank(&member.id) && blank(&member.user_principal_name) && blank(&member.display_name)
}

/// The permission error for members listed with limited information.
pub(crate) fn limited_information() -> GraphError {
    GraphError::Api {
        operation: Operation::GroupMembers,
        status: 403,
        code: "LimitedInformation".into(),
        message: "members were listed with their ids only (no user principal name or display \
                  name): the app may read group members but not users"
            .into(),
        request_id: None,
        client_request_id: None,
    }
}

/// How many groups a search returns at most.
pub const GROUP_SEARCH_TOP: usize = 25;

/// A group found by [`GraphClient::search_groups`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMatch {
    /// The group.
    pub group: Group,
    /// Its users, nested groups included, when Graph counted them.
    pub member_count: Option<u64>,
}

#[derive(serde::Deserialize)]
struct GroupPage {
    value: Vec<GroupDto>,
}

#[derive(serde::Deserialize)]
struct CountDto {
    #[serde(rename = "@odata.count")]
    count: Option<u64>,
}

fn eventual(mut call: Call) -> Call {
    call.eventual = true;
    call
}

/// `"FIELD:TEXT"` for `$search`, with `"` and `\` escaped by a backslash.
fn search_literal(field: &str, text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{field}:{escaped}\"")
}

fn to_group(dto: GroupDto) -> Result<Group, GraphError> {
    let id = dto
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| GraphError::Malformed {
            what: "group id".into(),
            detail: "a group in the result has no id".into(),
            request_id: None,
        })?;
    Ok(Group {
        id,
        display_name: dto.display_name.unwrap_or_default(),
    })
}
