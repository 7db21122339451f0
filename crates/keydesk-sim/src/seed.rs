//! Seeds a tenant's directory deterministically from [`SimConfig`].
//!
//! Layout: the provisioning group holds most enabled users directly, the rest through a
//! nested "Pilot" group (one user is in both, so a naive flattener returns it twice), plus
//! the guests, the disabled users, a device and a service principal. "All Staff" and
//! "Helpdesk" exist so a name filter has something to filter out; the helpdesk users are
//! in no provisioning group.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::config::SimConfig;
use crate::directory::{Directory, Group, Member, User, UserType};

const FIRST_NAMES: &[&str] = &[
    "Adele",
    "Alex",
    "Amara",
    "Ben",
    "Carla",
    "Chen",
    "Diego",
    "Elif",
    "Emma",
    "Farah",
    "Grace",
    "Hana",
    "Henrik",
    "Irene",
    "Isaac",
    "Jonas",
    "Kim",
    "Lars",
    "Lea",
    "Lidia",
    "Lynne",
    "Malik",
    "Megan",
    "Miriam",
    "Nestor",
    "Nia",
    "Omar",
    "Patti",
    "Pradeep",
    "Quinn",
    "Rosa",
    "Sakura",
    "Sven",
    "Tariq",
    "Uma",
    "Valentina",
    "Wei",
    "Xavier",
    "Yasmin",
    "Zoe",
];

const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Bauer",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Underwood",
    "Varga",
    "Wilber",
    "Xu",
    "Yilmaz",
    "Zeller",
    "Brennan",
    "Costa",
    "Novak",
    "Sato",
    "Lindqvist",
    "Mensah",
    "Horvat",
    "Ortiz",
    "Pham",
    "Ruiz",
];

const JOB_TITLES: &[&str] = &[
    "Accountant",
    "Engineer",
    "Nurse",
    "Sales Manager",
    "Analyst",
    "Designer",
    "Technician",
];

/// Departments, one per job title above (the title picks it, so seeding draws no more
/// random numbers than before and seeded tenants stay the same).
const DEPARTMENTS: &[&str] = &[
    "Finance",
    "Engineering",
    "Ward 4",
    "Sales",
    "Finance",
    "Marketing",
    "Facilities",
];

/// Offices, one per job title above (picked like the department: no extra random draw).
const OFFICES: &[&str] = &[
    "Building 2, Floor 3",
    "Building 1, Floor 5",
    "Ward 4, Room 12",
    "Building 2, Floor 1",
    "Building 2, Floor 3",
    "Building 1, Floor 2",
    "Annex, Ground Floor",
];

/// The role the simulator gives its role holders ([`SimConfig::role_holders`]).
pub const GLOBAL_ADMINISTRATOR: &str = "Global Administrator";

/// Builds the directory for a configuration.
pub fn directory(config: &SimConfig) -> Directory {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let tenant_id = uuid(&mut rng);
    let mut names = NamePicker::default();
    let domain = config.tenant.to_lowercase();
    let extra = config.nested.unwrap_or(0);
    let mut users = Vec::with_capacity(config.users + extra + config.guests + config.disabled + 4);
    let mut push = |kind: Kind, rng: &mut StdRng, names: &mut NamePicker| {
        let (first, last, local) = names.pick(rng);
        users.push(make_user(rng, &domain, kind, first, last, &local));
        users.len() - 1
    };

    let enabled: Vec<usize> = (0..config.users + extra)
        .map(|_| push(Kind::Member, &mut rng, &mut names))
        .collect();
    let guests: Vec<usize> = (0..config.guests)
        .map(|_| push(Kind::Guest, &mut rng, &mut names))
        .collect();
    let disabled: Vec<usize> = (0..config.disabled)
        .map(|_| push(Kind::Disabled, &mut rng, &mut names))
        .collect();
    let helpdesk: Vec<usize> = (0..3)
        .map(|_| push(Kind::Member, &mut rng, &mut names))
        .collect();
    // The first `role_holders` members of the provisioning group are Global Administrators.
    for &u in enabled.iter().take(config.role_holders) {
        users[u].roles.push(GLOBAL_ADMINISTRATOR.to_owned());
    }

    // Which enabled users are direct members and which come through "Pilot" (and, with an
    // explicit `nested`, a "Wave 2" group nested inside Pilot).
    let (direct, pilot, wave2): (&[usize], Vec<usize>, &[usize]) = match config.nested {
        None => {
            let nested = if config.users >= 2 {
                (config.users / 5).clamp(1, 5)
            } else {
                0
            };
            let pilot = enabled[..nested]
                .iter()
                .chain(enabled.get(nested))
                .copied()
                .collect();
            (&enabled[nested..], pilot, &[])
        }
        Some(m) => {
            let (direct, nested) = enabled.split_at(config.users);
            let (first, second) = nested.split_at(m.div_ceil(2));
            let overlap = if m > 0 { direct.first() } else { None };
            (
                direct,
                first.iter().chain(overlap).copied().collect(),
                second,
            )
        }
    };
    let mut main_members: Vec<Member> = direct.iter().map(|&u| Member::User(u)).collect();
    main_members.push(Member::Device {
        id: uuid(&mut rng),
        display_name: "KIOSK-FRONTDESK-01".to_owned(),
    });
    main_members.extend(guests.iter().chain(&disabled).map(|&u| Member::User(u)));
    main_members.insert(main_members.len().min(3), Member::Group(1));
    main_members.push(Member::ServicePrincipal {
        id: uuid(&mut rng),
        display_name: "Provisioning Automation".to_owned(),
    });
    let mut pilot_members: Vec<Member> = pilot.iter().map(|&u| Member::User(u)).collect();
    if !wave2.is_empty() {
        pilot_members.push(Member::Group(4));
    }
    let everyone = (0..users.len()).map(Member::User).collect();
    let operator = users.len();
    users.push(operator_user(&mut rng, &domain));

    let mut groups = vec![
        group(
            &mut rng,
            &config.group,
            "Users who get a FIDO2 security key",
            main_members,
        ),
        group(
            &mut rng,
            &format!("{} - Pilot", config.group),
            "Pilot wave, nested in the provisioning group",
            pilot_members,
        ),
        group(&mut rng, "All Staff", "Everyone", everyone),
        group(
            &mut rng,
            "Helpdesk",
            "Service desk operators",
            helpdesk
                .iter()
                .chain([&operator])
                .map(|&u| Member::User(u))
                .collect(),
        ),
    ];
    if !wave2.is_empty() {
        groups.push(group(
            &mut rng,
            &format!("{} - Pilot Wave 2", config.group),
            "Second pilot wave, nested in the pilot group",
            wave2.iter().map(|&u| Member::User(u)).collect(),
        ));
    }
    // Empty at first: where provisioned users are moved (`POST /groups/{id}/members/$ref`).
    groups.push(group(
        &mut rng,
        &format!("{} - Provisioned", config.group),
        "Users who received their security key",
        Vec::new(),
    ));
    // Last, so the indexes above (nested groups refer to them) stay put.
    if config.duplicate_group {
        groups.push(group(
            &mut rng,
            &config.group,
            "Another group with the same display name",
            helpdesk.iter().take(1).map(|&u| Member::User(u)).collect(),
        ));
    }
    Directory::new(tenant_id, users, groups, operator)
}

/// The administrator who signs in interactively (delegated flows); in no provisioning
/// group. Its directory roles come from `SimConfig::operator_roles`.
fn operator_user(rng: &mut StdRng, domain: &str) -> User {
    let mut user = make_user(rng, domain, Kind::Member, "Avery", "Admin", "keydesk.admin");
    user.job_title = "Service Desk Lead".to_owned();
    user.department = "IT".to_owned();
    user.office = "Building 1, Floor 1".to_owned();
    user
}

#[derive(Clone, Copy)]
enum Kind {
    Member,
    Guest,
    Disabled,
}

fn make_user(
    rng: &mut StdRng,
    domain: &str,
    kind: Kind,
    first: &str,
    last: &str,
    local: &str,
) -> User {
    // Real user handles are 51 bytes (68 base64url characters).
    let mut handle = vec![0u8; 51];
    let id = uuid(rng);
    rng.fill(handle.as_mut_slice());
    let (upn, mail, user_type) = match kind {
        Kind::Guest => (
            format!("{local}_fabrikam.com#EXT#@{domain}"),
            format!("{local}@fabrikam.com"),
            UserType::Guest,
        ),
        _ => (
            format!("{local}@{domain}"),
            format!("{local}@{domain}"),
            UserType::Member,
        ),
    };
    let title = rng.random_range(0..JOB_TITLES.len());
    User {
        id,
        upn,
        display_name: format!("{first} {last}"),
        given_name: first.to_owned(),
        surname: last.to_owned(),
        mail,
        job_title: JOB_TITLES[title].to_owned(),
        department: DEPARTMENTS[title].to_owned(),
        office: OFFICES[title].to_owned(),
        account_enabled: !matches!(kind, Kind::Disabled),
        user_type,
        handle,
        roles: Vec::new(),
    }
}

fn group(rng: &mut StdRng, name: &str, description: &str, members: Vec<Member>) -> Group {
    Group {
        id: uuid(rng),
        display_name: name.to_owned(),
        description: description.to_owned(),
        members,
    }
}

fn uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// Picks first/last name pairs whose mail local part is unique in the tenant.
#[derive(Default)]
struct NamePicker {
    taken: HashSet<String>,
}

impl NamePicker {
    fn pick(&mut self, rng: &mut StdRng) -> (&'static str, &'static str, String) {
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        let base = format!("{first}.{last}").to_lowercase();
        let mut local = base.clone();
        let mut n = 1;
        while !self.taken.insert(local.clone()) {
            n += 1;
            local = format!("{base}{n}");
        }
        (first, last, local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_directory_and_members_add_up() {
        let config = SimConfig {
            guests: 2,
            disabled: 3,
            ..SimConfig::default()
        };
        let a = directory(&config);
        let b = directory(&config);
        assert_eq!(a.users[7].upn, b.users[7].upn);
        assert_eq!(a.groups[0].id, b.groups[0].id);
        assert_eq!(a.transitive_users(0).len(), 25 + 2 + 3);
        let upns: HashSet<_> = a.users.iter().map(|u| &u.upn).collect();
        assert_eq!(upns.len(), a.users.len());
        assert_eq!(a.operator().upn, "keydesk.admin@contoso.onmicrosoft.com");
        assert!(!a
            .transitive_users(0)
            .iter()
            .any(|u| u.id == a.operator().id));
    }

    #[test]
    fn explicit_nesting_adds_users_two_levels_deep() {
        let config = SimConfig {
            users: 4,
            nested: Some(5),
            ..SimConfig::default()
        };
        let d = directory(&config);
        assert_eq!(d.groups.len(), 6, "with the empty Provisioned group last");
        assert!(d.groups[5].members.is_empty());
        assert_eq!(d.transitive_users(0).len(), 9);
        // Pilot: 3 of its own + 1 overlap with the direct members + Wave 2 (2 users).
        assert_eq!(d.transitive_users(1).len(), 6);
        assert_eq!(d.transitive_users(4).len(), 2);
    }

    #[test]
    fn a_duplicate_group_shares_the_name_and_leaves_the_rest_alone() {
        let plain = directory(&SimConfig::default());
        let twice = directory(&SimConfig {
            duplicate_group: true,
            ..SimConfig::default()
        });
        assert_eq!(twice.groups.len(), plain.groups.len() + 1);
        let last = twice.groups.last().unwrap();
        assert_eq!(last.display_name, twice.groups[0].display_name);
        assert_ne!(last.id, twice.groups[0].id);
        assert_eq!(twice.groups[0].id, plain.groups[0].id);
        assert_eq!(
            twice.transitive_users(0).len(),
            plain.transitive_users(0).len()
        );
    }

    #[test]
    fn ten_thousand_users_seed_fast() {
        let started = std::time::Instant::now();
        let d = directory(&SimConfig {
            users: 9_000,
            nested: Some(1_000),
            ..SimConfig::default()
        });
        assert_eq!(d.transitive_users(0).len(), 10_000);
        // Generous for unoptimised debug builds on a loaded machine; release is ~10x faster.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}
