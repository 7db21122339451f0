//! The tenant check: is this tenant ready for provisioning? Read calls only.
//!
//! One verdict per line (`ok`, `FAIL` with the fix, `info`, or `--` for a point not
//! checked), handed to a sink as it is found: `keydesk-cli check` prints each line, the
//! app's connection screen lists them. Each verdict comes from trying the read call
//! itself; the token's claims are shown as a hint only (Microsoft says clients must treat
//! Graph tokens as opaque), and the token itself is never shown. Nothing is written:
//! creation options are fetched for one user and then dropped, the challenge unused. No
//! data folder is needed, so a check can run beside a provisioning run.

use std::time::{SystemTime, UNIX_EPOCH};

use keydesk_core::DirectoryUser;
use keydesk_graph::{
    Fido2Policy, GraphClient, GraphConfig, GraphError, GraphErrorKind, KeyRestrictions, TokenHint,
};
use url::Url;

/// A verdict of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fine.
    Ok,
    /// Provisioning cannot work until this is fixed (the line has a fix).
    Fail,
    /// Worth knowing.
    Info,
    /// Not checked, because an earlier point failed.
    Skipped,
}

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The verdict.
    pub verdict: Verdict,
    /// What was checked and found.
    pub text: String,
    /// For a failure: the permission or role to add and where.
    pub fix: Option<String>,
}

impl Line {
    /// The line as `keydesk-cli check` prints it: `ok   …`, `FAIL …; fix: …`, `info …`,
    /// `--   …`.
    pub fn render(&self) -> String {
        match (self.verdict, &self.fix) {
            (Verdict::Ok, _) => format!("ok   {}", self.text),
            (Verdict::Info, _) => format!("info {}", self.text),
            (Verdict::Skipped, _) => format!("--   {}", self.text),
            (Verdict::Fail, Some(fix)) => format!("FAIL {}; fix: {fix}", self.text),
            (Verdict::Fail, None) => format!("FAIL {}", self.text),
        }
    }
}

/// How the check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Sign-in failed: nothing else was checked.
    SignInFailed,
    /// Signed in, but the token could not be read back: nothing else was checked.
    TokenFailed,
    /// Every point was checked; `failed` lines say FAIL.
    Checked {
        /// How many lines say FAIL.
        failed: usize,
    },
}

/// Where to click, for an application permission (app-only) or a delegated one.
fn add_permission(app_only: bool, client_id: &str, permission: &str) -> String {
    let (kind, label) = if app_only {
        ("Application permissions", "Application")
    } else {
        ("Delegated permissions", "Delegated")
    };
    format!(
        "add {permission} ({label}): Entra admin center > App registrations > (app {client_id}) \
         > API permissions > Add a permission > Microsoft Graph > {kind} > {permission}, then \
         Grant admin consent"
    )
}

/// Where to click, for a directory role of the technician who signs in.
fn add_role(roles: &str) -> String {
    format!(
        "the technician who signs in needs the role {roles}: Entra admin center > Roles & \
         admins > (role) > Add assignments"
    )
}

/// The FIDO2 method's page in the admin center.
const FIDO2_PAGE: &str = "Entra admin center > Authentication methods > Policies > Passkey (FIDO2)";

/// Hands verdicts to the sink as they are found, counting failures.
struct Report<'s> {
    failed: usize,
    sink: &'s mut (dyn FnMut(Line) + Send),
}

impl Report<'_> {
    fn push(&mut self, verdict: Verdict, text: &str, fix: Option<&str>) {
        (self.sink)(Line {
            verdict,
            text: text.to_owned(),
            fix: fix.map(str::to_owned),
        });
    }

    fn ok(&mut self, text: &str) {
        self.push(Verdict::Ok, text, None);
    }

    fn info(&mut self, text: &str) {
        self.push(Verdict::Info, text, None);
    }

    fn skip(&mut self, text: &str) {
        self.push(Verdict::Skipped, text, None);
    }

    fn fail(&mut self, text: &str, fix: &str) {
        self.failed += 1;
        self.push(Verdict::Fail, text, Some(fix));
    }
}

/// What a sign-in mode means for the hints.
struct Mode<'a> {
    app_only: bool,
    client_id: &'a str,
}

impl Mode<'_> {
    fn permission(&self, permission: &str) -> String {
        add_permission(self.app_only, self.client_id, permission)
    }

    /// The permission, plus the technician's role when a person signs in.
    fn permission_and_role(&self, permission: &str, roles: &str) -> String {
        let mut fix = self.permission(permission);
        if !self.app_only {
            fix.push_str("; ");
            fix.push_str(&add_role(roles));
        }
        fix
    }
}

/// Runs the check for `group` with `graph` (not signed in yet: signing in is the first
/// point checked), handing each line to `sink` as it is found.
pub async fn run(graph: &GraphClient, group: &str, sink: &mut (dyn FnMut(Line) + Send)) -> Outcome {
    let mut report = Report { failed: 0, sink };
    report.info(&network_line(graph.config()));
    let client_id = graph.config().client_id.trim().to_owned();
    let mode = Mode {
        app_only: graph.credentials().is_app_only(),
        client_id: &client_id,
    };
    if let Err(e) = graph.sign_in().await {
        report.fail(&format!("sign-in: {e}"), &one_line(&e.remediation()));
        return Outcome::SignInFailed;
    }
    checks(graph, &mode, group, &mut report).await
}

/// The check with a client that is signed in already (the app's, whose interactive sign-in
/// must not start again): every line of [`run`] but the network line and the sign-in.
pub async fn run_signed_in(
    graph: &GraphClient,
    group: &str,
    sink: &mut (dyn FnMut(Line) + Send),
) -> Outcome {
    let mut report = Report { failed: 0, sink };
    report.info(&network_line(graph.config()));
    let client_id = graph.config().client_id.trim().to_owned();
    let mode = Mode {
        app_only: graph.credentials().is_app_only(),
        client_id: &client_id,
    };
    checks(graph, &mode, group, &mut report).await
}

/// From the token hint on.
async fn checks(
    graph: &GraphClient,
    mode: &Mode<'_>,
    group: &str,
    report: &mut Report<'_>,
) -> Outcome {
    match graph.token_hint().await {
        Ok(hint) => report.ok(&token_line(&hint, mode.app_only)),
        Err(e) => {
            report.fail(&format!("sign-in: {e}"), &one_line(&e.remediation()));
            return Outcome::TokenFailed;
        }
    }

    let users = check_group(graph, mode, group, report).await;
    let policy = check_policy(graph, mode, report).await;
    check_creation_options(graph, mode, users.as_deref(), policy.as_ref(), report).await;
    Outcome::Checked {
        failed: report.failed,
    }
}

/// Which proxy and trust store the client uses for Graph, as the HTTP stack will pick them.
fn network_line(config: &GraphConfig) -> String {
    let url = &config.graph_url;
    let proxy = match proxy_for(url, |name| std::env::var(name).ok()) {
        Some((var, proxy)) => format!("proxy {proxy} (from {var})"),
        None => "no proxy (direct connection)".to_owned(),
    };
    let trust = if url.scheme() == "https" {
        keydesk_graph::TLS_TRUST
    } else {
        "plain HTTP, no TLS (a test tenant)"
    };
    format!("network: {proxy}; TLS trust: {trust}")
}

/// The proxy the environment names for `url` (reqwest's reading: `HTTPS_PROXY` or
/// `HTTP_PROXY` by scheme, then `ALL_PROXY`, upper or lower case, unless `NO_PROXY` covers
/// the host), with any user name and password in it hidden.
fn proxy_for(url: &Url, var: impl Fn(&str) -> Option<String>) -> Option<(String, String)> {
    let get = |name: &str| {
        [name.to_owned(), name.to_lowercase()]
            .into_iter()
            .find_map(|n| var(&n).filter(|v| !v.trim().is_empty()).map(|v| (n, v)))
    };
    let host = url.host_str().unwrap_or_default().to_lowercase();
    if let Some((_, no_proxy)) = get("NO_PROXY") {
        let covered = no_proxy.split(',').map(str::trim).any(|entry| {
            let entry = entry.trim_start_matches('.').to_lowercase();
            entry == "*"
                || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
        });
        if covered {
            return None;
        }
    }
    let scheme_var = if url.scheme() == "https" {
        "HTTPS_PROXY"
    } else {
        "HTTP_PROXY"
    };
    let (name, value) = get(scheme_var).or_else(|| get("ALL_PROXY"))?;
    let shown = match Url::parse(value.trim()) {
        Ok(mut proxy) if !proxy.username().is_empty() || proxy.password().is_some() => {
            let _ = proxy.set_username("***");
            let _ = proxy.set_password(None);
            proxy.to_string()
        }
        Ok(proxy) => proxy.to_string(),
        Err(_) => value.trim().to_owned(),
    };
    Some((name, shown))
}

fn token_line(hint: &TokenHint, app_only: bool) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    if !hint.readable {
        return format!(
            "token obtained ({}; not a JWT, so its permissions show only as each call is tried \
             below)",
            if app_only { "app-only" } else { "delegated" }
        );
    }
    if app_only {
        format!(
            "token obtained (app-only; roles claimed: {}; a hint only, each call below is the \
             verdict)",
            list(&hint.roles)
        )
    } else {
        format!(
            "token obtained (signed in as {}; scopes claimed: {}; directory roles: {}; a hint \
             only, each call below is the verdict)",
            hint.user.as_deref().unwrap_or("an unnamed user"),
            list(&hint.scopes),
            list(&hint.directory_roles)
        )
    }
}

/// Group found, members readable with UPNs. Returns the members when they could be read.
async fn check_group(
    graph: &GraphClient,
    mode: &Mode<'_>,
    name: &str,
    report: &mut Report<'_>,
) -> Option<Vec<DirectoryUser>> {
    let group = match graph.resolve_group(name).await {
        Ok(group) => group,
        Err(e) => {
            match &e {
                GraphError::GroupNotFound(_) => report.fail(
                    &format!("group \"{name}\": no group has this name"),
                    &format!(
                        "check the exact display name (or pass the object id) in Entra admin \
                         center > Groups > All groups; if it is there, the app cannot see it: {}",
                        mode.permission("GroupMember.Read.All")
                    ),
                ),
                GraphError::AmbiguousGroup { candidates, .. } => report.fail(
                    &format!(
                        "group \"{name}\": {} groups have this name (ids {})",
                        candidates.len(),
                        candidates
                            .iter()
                            .map(|g| g.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "rename all but one in Entra admin center > Groups > All groups > (group) \
                     > Properties, or pass --group with the object id of the right one",
                ),
                e if e.kind() == GraphErrorKind::Forbidden => report.fail(
                    &format!("group \"{name}\" cannot be read: {e}"),
                    &mode.permission("GroupMember.Read.All"),
                ),
                e => report.fail(
                    &format!("group \"{name}\" cannot be looked up: {e}"),
                    &one_line(&e.remediation()),
                ),
            }
            report.skip("members: not checked (no group)");
            return None;
        }
    };
    report.ok(&format!(
        "group \"{}\" found (object id {})",
        group.display_name, group.id
    ));
    let users = match graph.group_users(&group.id).await {
        Ok(users) => users,
        Err(e) => {
            if lacks_user_read(&e) {
                report.fail(
                    &format!(
                        "members of \"{}\" are listed without user principal names (the app \
                         may read group members, not users): {e}",
                        group.display_name
                    ),
                    &mode.permission("User.ReadBasic.All"),
                );
            } else if e.kind() == GraphErrorKind::Forbidden {
                report.fail(
                    &format!("members of \"{}\" cannot be read: {e}", group.display_name),
                    &format!(
                        "{}; and {}",
                        mode.permission("GroupMember.Read.All"),
                        mode.permission("User.ReadBasic.All")
                    ),
                );
            } else {
                report.fail(
                    &format!("members of \"{}\" cannot be read: {e}", group.display_name),
                    &one_line(&e.remediation()),
                );
            }
            return None;
        }
    };
    if users.iter().any(|u| u.upn.trim().is_empty()) {
        report.fail(
            &format!(
                "members of \"{}\" are listed without user principal names (the app may read \
                 group members, not users)",
                group.display_name
            ),
            &mode.permission("User.ReadBasic.All"),
        );
        return None;
    }
    let eligible = users.iter().filter(|u| u.enabled && !u.guest).count();
    let guests = users.iter().filter(|u| u.guest).count();
    let disabled = users.iter().filter(|u| !u.enabled && !u.guest).count();
    if users.is_empty() {
        report.fail(
            &format!("group \"{}\" has no users", group.display_name),
            "add the users who get keys to the group (nested groups count) in Entra admin \
             center > Groups > All groups > (group) > Members",
        );
        return Some(users);
    }
    report.ok(&format!(
        "members readable with UPNs: {} users (nested included), {eligible} eligible, \
         {guests} guests, {disabled} disabled (e.g. {})",
        users.len(),
        users[0].upn
    ));
    if eligible == 0 {
        report.fail(
            "no member can hold a passkey (guests and disabled accounts cannot)",
            "add enabled member accounts to the group in Entra admin center > Groups > All \
             groups > (group) > Members",
        );
    }
    Some(users)
}

/// Graph's "limited information": members readable, users not. Judged by the error's own
/// code and message (a 403's hint names both permissions, so it cannot tell them apart).
fn lacks_user_read(e: &GraphError) -> bool {
    let text = e.to_string();
    e.code() == Some("LimitedInformation")
        || (e.kind() == GraphErrorKind::Forbidden && text.contains("User.ReadBasic.All"))
        || (matches!(e, GraphError::Malformed { .. })
            && (text.contains("userPrincipalName") || text.contains("UPN")))
}

/// FIDO2 policy readable, enabled, self-service, key restrictions, attestation, profiles.
async fn check_policy(
    graph: &GraphClient,
    mode: &Mode<'_>,
    report: &mut Report<'_>,
) -> Option<Fido2Policy> {
    let policy = match graph.fido2_policy().await {
        Ok(policy) => policy,
        Err(e) => {
            if e.kind() == GraphErrorKind::Forbidden {
                report.fail(
                    &format!("FIDO2 policy cannot be read: {e}"),
                    &mode.permission_and_role(
                        "Policy.Read.AuthenticationMethod",
                        "Global Reader or Authentication Policy Administrator",
                    ),
                );
            } else {
                report.fail(
                    &format!("FIDO2 policy cannot be read: {e}"),
                    &one_line(&e.remediation()),
                );
            }
            report.skip("FIDO2 policy settings: not checked (policy unreadable)");
            return None;
        }
    };
    report.ok("FIDO2 policy readable");
    if policy.enabled {
        report.ok("FIDO2 (passkey) method enabled");
    } else {
        report.fail(
            "FIDO2 (passkey) method disabled in the authentication methods policy",
            &format!(
                "{FIDO2_PAGE} > Enable and Target: on, for all users or the provisioning group"
            ),
        );
    }
    if policy.self_service_allowed {
        report.ok("self-service setup allowed (provisioning needs it)");
    } else {
        report.fail(
            "\"Allow self-service set up\" is off, and provisioning on a user's behalf needs it on",
            &format!("{FIDO2_PAGE} > Configure > Allow self-service set up: Yes"),
        );
    }
    report.ok(&format!(
        "key restrictions: {}",
        restrictions(policy.key_restrictions.as_ref())
    ));
    report.ok(if policy.attestation_enforced {
        "attestation enforced: only keys that send a packed attestation are accepted"
    } else {
        "attestation not enforced"
    });
    if policy.profiles.is_empty() {
        report.ok("passkey profiles: none (the top-level settings above apply)");
    } else {
        let allowed = |id: &str| {
            policy.allowed_profiles.is_empty() || policy.allowed_profiles.iter().any(|a| a == id)
        };
        let shown = policy
            .profiles
            .iter()
            .map(|p| {
                format!(
                    "{} ({}{})",
                    if p.name.is_empty() { &p.id } else { &p.name },
                    restrictions(p.key_restrictions.as_ref()),
                    if allowed(&p.id) {
                        ""
                    } else {
                        "; not allowed for the targets"
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        report.ok(&format!(
            "passkey profiles: {} (they supersede the top-level key restrictions): {shown}",
            policy.profiles.len()
        ));
    }
    Some(policy)
}

fn restrictions(r: Option<&KeyRestrictions>) -> String {
    match r {
        Some(r) if r.enforced && r.allow => format!(
            "allow list of {} model(s), other keys are refused before anything is written to \
             them ({})",
            r.aaguids.len(),
            aaguids(&r.aaguids)
        ),
        Some(r) if r.enforced => format!(
            "block list of {} model(s), refused before anything is written to them ({})",
            r.aaguids.len(),
            aaguids(&r.aaguids)
        ),
        _ => "none, every key model is allowed".to_owned(),
    }
}

fn aaguids<T: ToString>(list: &[T]) -> String {
    if list.is_empty() {
        return "none listed".to_owned();
    }
    list.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One eligible user's passkeys listed (reconciliation reads them before every POST), and
/// creation options fetched and dropped.
async fn check_creation_options(
    graph: &GraphClient,
    mode: &Mode<'_>,
    users: Option<&[DirectoryUser]>,
    policy: Option<&Fido2Policy>,
    report: &mut Report<'_>,
) {
    let Some(user) = users
        .unwrap_or_default()
        .iter()
        .find(|u| u.enabled && !u.guest && !u.upn.is_empty())
    else {
        report.skip("creation options: not checked (no eligible member was read)");
        return;
    };
    match graph.passkeys(&user.id).await {
        Ok(passkeys) => report.ok(&format!(
            "passkeys of {} readable ({} registered; runs compare against this listing)",
            user.upn,
            passkeys.len()
        )),
        Err(e) if e.kind() == GraphErrorKind::Forbidden => report.fail(
            &format!("passkeys of {} cannot be listed: {e}", user.upn),
            &mode.permission_and_role(
                "UserAuthMethod-Passkey.ReadWrite.All",
                "Authentication Administrator or Privileged Authentication Administrator",
            ),
        ),
        Err(e) => report.fail(
            &format!("passkeys of {} cannot be listed: {e}", user.upn),
            &one_line(&e.remediation()),
        ),
    }
    match graph.creation_options(&user.id, None).await {
        Ok(options) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            report.ok(&format!(
                "creation options obtainable for {} (relying party {}, challenge valid for \
                 {} s; nothing registered)",
                user.upn,
                options.rp_id,
                (options.expires_at_unix - now).max(0)
            ));
        }
        Err(e) if e.kind() == GraphErrorKind::Forbidden => report.fail(
            &format!("creation options refused for {}: {e}", user.upn),
            &mode.permission_and_role(
                "UserAuthMethod-Passkey.ReadWrite.All",
                "Authentication Administrator or Privileged Authentication Administrator",
            ),
        ),
        Err(e) => {
            // A policy problem already has its own red line; say so rather than repeat it.
            let policy_says_no = policy.is_some_and(|p| !p.enabled || !p.self_service_allowed);
            let fix = if policy_says_no {
                "fix the FIDO2 policy lines above first".to_owned()
            } else {
                one_line(&e.remediation())
            };
            report.fail(
                &format!("creation options refused for {}: {e}", user.upn),
                &fix,
            );
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_proxy_follows_scheme_and_no_proxy_and_hides_credentials() {
        let graph = Url::parse("https://graph.microsoft.com").unwrap();
        let local = Url::parse("http://127.0.0.1:9").unwrap();
        let vars = [
            ("HTTPS_PROXY", "http://user:pw@proxy.corp:8080"),
            ("no_proxy", "localhost,.internal"),
        ];
        let (var, shown) = proxy_for(&graph, env(&vars)).unwrap();
        assert_eq!(var, "HTTPS_PROXY");
        assert!(!shown.contains("pw") && !shown.contains("user"), "{shown}");
        assert!(shown.contains("proxy.corp:8080"), "{shown}");
        assert_eq!(proxy_for(&local, env(&vars)), None, "http needs HTTP_PROXY");
        let vars = [("http_proxy", "http://p:3128"), ("NO_PROXY", "127.0.0.1")];
        assert_eq!(proxy_for(&local, env(&vars)), None);
        let vars = [
            ("ALL_PROXY", "socks5://p:1080"),
            ("NO_PROXY", "microsoft.com"),
        ];
        assert_eq!(proxy_for(&graph, env(&vars)), None);
        let graph_other = Url::parse("https://graph.microsoft.us").unwrap();
        assert_eq!(proxy_for(&graph_other, env(&vars)).unwrap().0, "ALL_PROXY");
    }

    #[test]
    fn lines_render_as_the_command_line_prints_them() {
        let line = |verdict, fix: Option<&str>| Line {
            verdict,
            text: "group found".into(),
            fix: fix.map(str::to_owned),
        };
        assert_eq!(line(Verdict::Ok, None).render(), "ok   group found");
        assert_eq!(line(Verdict::Info, None).render(), "info group found");
        assert_eq!(line(Verdict::Skipped, None).render(), "--   group found");
        assert_eq!(
            line(Verdict::Fail, Some("add X")).render(),
            "FAIL group found; fix: add X"
        );
    }

    #[test]
    fn the_token_line_never_shows_the_token_and_says_it_is_a_hint() {
        let hint = TokenHint {
            readable: true,
            roles: vec!["GroupMember.Read.All".into()],
            ..TokenHint::default()
        };
        let line = token_line(&hint, true);
        assert!(line.contains("app-only; roles claimed: GroupMember.Read.All"));
        assert!(line.contains("hint"));
        assert!(token_line(&TokenHint::default(), true).contains("not a JWT"));
    }
}
