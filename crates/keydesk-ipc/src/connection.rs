//! The connection screen's contract: where the desk signs in and how, the events of an
//! interactive sign-in, and the tenant check's verdict lines. Secrets cross only inward
//! (to be stored in the OS keyring), never back to the UI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which Microsoft cloud the tenant lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CloudName {
    /// Microsoft Entra global (the only cloud with passkey provisioning today).
    #[default]
    Global,
    /// US Government GCC High.
    Usgov,
    /// US Government DoD.
    UsgovDod,
    /// China (21Vianet).
    China,
}

/// How the desk signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignInMode {
    /// The operator signs in with their admin account in the browser (auth code + PKCE on
    /// a loopback redirect).
    #[default]
    Browser,
    /// The operator signs in on any device with a code shown in the window.
    DeviceCode,
    /// The app signs in with a certificate (PEM, or PFX whose password is in the keyring).
    Certificate,
    /// The app signs in with a client secret kept in the OS keyring.
    ClientSecret,
}

/// Where and how to sign in; saved in the app's config file. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Connection {
    /// Tenant domain (`contoso.onmicrosoft.com`) or id.
    pub tenant: String,
    /// The tenant's cloud.
    pub cloud: CloudName,
    /// How to sign in.
    pub mode: SignInMode,
    /// The app registration's application (client) id.
    pub client_id: String,
    /// The certificate file (PEM or PFX), for [`SignInMode::Certificate`].
    pub cert_path: Option<String>,
    /// The group whose users form the queue.
    pub group: String,
}

/// What the connection screen opens with.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionState {
    /// The saved connection (or the demo's), if any.
    pub connection: Option<Connection>,
    /// Signed in now.
    pub signed_in: bool,
    /// A client secret or PFX password for this connection is in the keyring.
    pub secret_stored: bool,
    /// The demo's simulated tenant: the connection cannot be changed.
    pub demo: bool,
    /// A sign-in started from the command line (`--auth device-code`) is still running:
    /// the screen reads this state again until it is signed in or `start_failed` says why.
    pub start_running: bool,
    /// What that sign-in asks of the operator now (the code and where to enter it).
    pub waiting: Option<SignInEvent>,
    /// That sign-in failed: why.
    pub start_failed: Option<crate::IpcError>,
}

/// A secret typed in the connection screen, to be kept in the OS keyring.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewSecret {
    /// The client secret, or the PFX file's password.
    pub value: String,
}

/// What an interactive sign-in needs the operator to do.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[ts(export)]
pub enum SignInEvent {
    /// Enter `userCode` at `verificationUri` on any device.
    #[serde(rename_all = "camelCase")]
    DeviceCode {
        /// The code, e.g. `ABCD-EFGH`.
        user_code: String,
        /// Where to enter it.
        verification_uri: String,
        /// How long the code stays valid, in seconds.
        expires_in_secs: u32,
    },
    /// The sign-in page was handed to the browser.
    BrowserOpened {
        /// The page, to open by hand if no browser came up.
        url: String,
    },
}

/// One verdict of the tenant check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Verdict {
    /// Fine.
    Ok,
    /// Provisioning cannot work until this is fixed.
    Fail,
    /// Worth knowing.
    Info,
    /// Not checked, because an earlier point failed.
    Skipped,
}

/// One line of the tenant check, as `keydesk-cli check` prints it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckLine {
    /// The verdict.
    pub verdict: Verdict,
    /// What was checked and found.
    pub text: String,
    /// For a failure: the permission or role to add and where.
    pub fix: Option<String>,
}

/// A group found by searching display names, for the operator to pick. Names are not
/// unique in Entra: same-named groups are told apart by id and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GroupChoice {
    /// Object id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Its users, nested groups included, when Graph counted them.
    pub member_count: Option<u32>,
}

/// What the Yubico sample's `configs.json` gave the connection screen. The client secret
/// went to the OS keyring, never back here.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct YubicoImport {
    /// The connection filled in from the file (tenant, application id, group; client
    /// secret sign-in); saved only when the operator signs in with it.
    pub connection: Connection,
    /// The file's client secret is in the OS keyring now.
    pub secret_stored: bool,
    /// Minutes a registration challenge is valid, as the file says (the Challenge timeout
    /// setting), if it says.
    pub challenge_timeout_minutes: Option<u32>,
    /// What the operator should do now: delete the file (it holds the secret in clear), or
    /// why no secret was stored.
    pub notice: String,
}

/// A users file loaded as the queue: the file, how many of its users were found, and each
/// line left out (an unknown or repeated UPN, a line that is not one), as a sentence.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserListLoaded {
    /// The header facts, the group now naming the file.
    pub info: crate::AppInfo,
    /// The file, as the operator gave it.
    pub path: String,
    /// The users found, who form the queue.
    pub users: u32,
    /// `line N: upn: why, left out`, one per line not taken.
    pub problems: Vec<String>,
}
