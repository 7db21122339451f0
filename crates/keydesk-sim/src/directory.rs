//! The directory objects of the tenant: users, groups and the other kinds of members.
//!
//! Read-only once seeded. Passkeys, tokens, challenges and group membership change at run
//! time and live in [`crate::tenant`], not here: `Group::members` is the seeded membership,
//! and the traversals take the live member lists ([`MembersOf`]).

use std::collections::HashMap;

use uuid::Uuid;

/// The member list of a group by index: the seeded one or the live one.
pub type MembersOf<'f, 'a> = &'f dyn Fn(usize) -> &'a [Member];

/// `userType` as Graph spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    /// A user homed in the tenant.
    Member,
    /// A B2B guest invited from another tenant.
    Guest,
}

impl UserType {
    /// The Graph string.
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Member => "Member",
            UserType::Guest => "Guest",
        }
    }
}

/// A user object.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub upn: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub mail: String,
    pub job_title: String,
    /// The department, as HR set it (empty: not set, `null` in Graph).
    pub department: String,
    /// The office (`officeLocation`; empty: not set, `null` in Graph).
    pub office: String,
    pub account_enabled: bool,
    pub user_type: UserType,
    /// The opaque WebAuthn user handle Entra sends as `publicKey.user.id`.
    pub handle: Vec<u8>,
    /// Directory roles the user holds (display names), e.g. "Global Administrator".
    pub roles: Vec<String>,
}

/// A member of a group.
#[derive(Debug, Clone)]
pub enum Member {
    /// Index into [`Directory::users`].
    User(usize),
    /// Index into [`Directory::groups`].
    Group(usize),
    Device {
        id: Uuid,
        display_name: String,
    },
    ServicePrincipal {
        id: Uuid,
        display_name: String,
    },
}

/// A security group.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: Uuid,
    pub display_name: String,
    pub description: String,
    pub members: Vec<Member>,
}

/// Every directory object of the tenant.
#[derive(Debug, Clone)]
pub struct Directory {
    pub tenant_id: Uuid,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    /// Index into `users` of the operator who signs in interactively.
    pub operator: usize,
    by_id: HashMap<Uuid, usize>,
    by_upn: HashMap<String, usize>,
}

impl Directory {
    /// Builds the directory and its lookup indexes.
    pub fn new(tenant_id: Uuid, users: Vec<User>, groups: Vec<Group>, operator: usize) -> Self {
        let by_id = users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let by_upn = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.upn.to_lowercase(), i))
            .collect();
        Directory {
            tenant_id,
            users,
            groups,
            operator,
            by_id,
            by_upn,
        }
    }

    /// A user by object id or (case-insensitively) by userPrincipalName.
    pub fn user(&self, id_or_upn: &str) -> Option<&User> {
        let index = match Uuid::parse_str(id_or_upn) {
            Ok(id) => self.by_id.get(&id),
            Err(_) => self.by_upn.get(&id_or_upn.to_lowercase()),
        };
        index.map(|&i| &self.users[i])
    }

    /// The operator who signs in interactively.
    pub fn operator(&self) -> &User {
        &self.users[self.operator]
    }

    /// A group by object id.
    pub fn group(&self, id: &str) -> Option<(usize, &Group)> {
        let id = Uuid::parse_str(id).ok()?;
        self.groups.iter().enumerate().find(|(_, g)| g.id == id)
    }

    /// Groups whose display name equals `name` (case-insensitively, as OData `eq` does).
    pub fn groups_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups
            .iter()
            .filter(move |g| g.display_name.to_lowercase() == name.to_lowercase())
    }

    /// Groups as Entra's `$search="displayName:TEXT"` finds them: a word of the display
    /// name (words split at anything but letters and digits) starts with TEXT, ignoring
    /// case. Not a substring match: "prov" finds "FIDO Provisioning", "ovis" does not.
    pub fn groups_searched<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        let text = text.to_lowercase();
        self.groups.iter().filter(move |g| {
            g.display_name
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| !word.is_empty() && word.starts_with(&text))
        })
    }

    /// Users reachable from a group through any depth of nesting (seeded membership),
    /// each once, in depth-first order.
    #[cfg(test)]
    pub fn transitive_users(&self, group: usize) -> Vec<&User> {
        self.transitive_users_in(&|g| &self.groups[g].members, group)
    }

    /// [`Directory::transitive_users`] over the member lists `members_of` gives.
    pub fn transitive_users_in<'a>(
        &'a self,
        members_of: MembersOf<'_, 'a>,
        group: usize,
    ) -> Vec<&'a User> {
        let mut seen_groups = vec![false; self.groups.len()];
        let mut seen_users = vec![false; self.users.len()];
        let mut out = Vec::new();
        self.collect_users(
            members_of,
            group,
            &mut seen_groups,
            &mut seen_users,
            &mut out,
        );
        out
    }

    /// Members of a group over the member lists `members_of` gives: direct ones, or every
    /// object reachable through nesting (nested groups themselves included), each once.
    pub fn members_in<'a>(
        &'a self,
        members_of: MembersOf<'_, 'a>,
        group: usize,
        transitive: bool,
    ) -> Vec<&'a Member> {
        if !transitive {
            return members_of(group).iter().collect();
        }
        let mut seen_groups = vec![false; self.groups.len()];
        let mut seen_users = vec![false; self.users.len()];
        let mut seen_others = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut stack = vec![group];
        seen_groups[group] = true;
        while let Some(g) = stack.pop() {
            for member in members_of(g) {
                let new = match member {
                    Member::User(u) => !std::mem::replace(&mut seen_users[*u], true),
                    Member::Group(n) => {
                        let new = !std::mem::replace(&mut seen_groups[*n], true);
                        if new {
                            stack.push(*n);
                        }
                        new
                    }
                    Member::Device { id, .. } | Member::ServicePrincipal { id, .. } => {
                        seen_others.insert(*id)
                    }
                };
                if new {
                    out.push(member);
                }
            }
        }
        out
    }

    /// The index of a user by object id or UPN.
    pub fn user_index(&self, id_or_upn: &str) -> Option<usize> {
        match Uuid::parse_str(id_or_upn) {
            Ok(id) => self.by_id.get(&id).copied(),
            Err(_) => self.by_upn.get(&id_or_upn.to_lowercase()).copied(),
        }
    }

    fn collect_users<'a>(
        &'a self,
        members_of: MembersOf<'_, 'a>,
        group: usize,
        seen_groups: &mut [bool],
        seen_users: &mut [bool],
        out: &mut Vec<&'a User>,
    ) {
        if std::mem::replace(&mut seen_groups[group], true) {
            return;
        }
        for member in members_of(group) {
            match member {
                Member::User(u) if !std::mem::replace(&mut seen_users[*u], true) => {
                    out.push(&self.users[*u]);
                }
                Member::Group(g) => {
                    self.collect_users(members_of, *g, seen_groups, seen_users, out)
                }
                _ => {}
            }
        }
    }
}
