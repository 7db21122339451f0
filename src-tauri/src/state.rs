//! The app's state: Graph (once signed in), the journal, the keys, the saved connection
//! and settings and, in demo mode, the simulator; or, when it could not start (another
//! KeyDesk holds the data folder), why, for the window.

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use keydesk_core::DirectoryUser;
use keydesk_engine::keys::RackKeys;
#[cfg(feature = "demo")]
use keydesk_engine::station::{self, StationFiles};
use keydesk_engine::station::{os_user, Station};
use keydesk_graph::GraphClient;
use keydesk_ipc::{AppInfo, Connection, DeskSettings, IpcError};
use tauri::Manager;

use crate::demo::Demo;

/// What the commands get: the started app, or the start-up error the window shows in its
/// place (every command answers with it).
pub struct Started(Result<AppState, IpcError>);

impl Started {
    /// Wraps the outcome of [`AppState::start`].
    pub fn new(result: Result<AppState, IpcError>) -> Started {
        Started(result)
    }

    /// The app, or why it did not start.
    pub fn get(&self) -> Result<&AppState, IpcError> {
        self.0.as_ref().map_err(IpcError::clone)
    }
}

/// Everything the commands need.
pub struct AppState {
    /// Header facts.
    pub info: RwLock<AppInfo>,
    /// Graph, when signed in (demo mode signs in to the simulator at start).
    pub graph: RwLock<Option<GraphClient>>,
    /// Where `keydesk.json` lives; `None` in demo mode, whose settings live and die with it.
    pub config_dir: Option<PathBuf>,
    /// The connection signed in with, or saved for the next sign-in.
    pub connection: RwLock<Option<Connection>>,
    /// The desk's settings.
    pub settings: RwLock<DeskSettings>,
    /// The data folder, open and locked for the app's life (one KeyDesk per folder, app
    /// or command line, demo or not): journal, secret store, escrow, audit log.
    pub station: Station,
    /// The data folder's path (saves offer its parent, and refuse the folder itself).
    pub data_dir: PathBuf,
    /// Who is at the desk, for the inventory and the audit log.
    pub operator: RwLock<String>,
    /// Demo mode's simulator and keys.
    pub demo: Option<Demo>,
    /// Where provisioning takes keys from.
    pub keys: Option<RackKeys>,
    /// The queue as last loaded.
    pub users: Mutex<Vec<DirectoryUser>>,
    /// The user being provisioned now, if any (one at a time in the window).
    pub active: Mutex<Option<String>>,
    /// Wakes the running job to stop it (`provision_cancel`); no permit is kept, so a
    /// cancel with no job running stops nothing later.
    pub cancel: tokio::sync::Notify,
}

impl AppState {
    /// Builds the state; in demo mode starts the simulator too. Fails with a
    /// [`keydesk_engine::lock::LockError`] (inside a `StationError`, boxed) when another
    /// KeyDesk uses the data folder, before anything in it is opened or removed.
    pub async fn start(
        app: &tauri::App,
        demo: bool,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let data_dir = app.path().app_data_dir()?;
        std::fs::create_dir_all(&data_dir)?;
        if demo {
            return Self::start_demo(&data_dir).await;
        }
        let station = Station::open(&data_dir)?;
        let config_dir = app.path().app_config_dir()?;
        let saved = crate::config::load(&config_dir)?;
        let group = saved
            .connection
            .as_ref()
            .map(|c| c.group.clone())
            .unwrap_or_default();
        Ok(AppState {
            info: RwLock::new(AppInfo {
                demo: false,
                tenant: "not signed in".into(),
                group,
                signed_in: false,
                operator: None,
                cloud: String::new(),
                api_version: saved.settings.api_version.clone(),
            }),
            graph: RwLock::default(),
            config_dir: Some(config_dir),
            connection: RwLock::new(saved.connection),
            settings: RwLock::new(saved.settings),
            operator: RwLock::new(os_user()),
            station,
            data_dir,
            demo: None,
            keys: None,
            users: Mutex::default(),
            active: Mutex::default(),
            cancel: tokio::sync::Notify::new(),
        })
    }

    /// Demo mode: the demo's own files in the data folder, new at every start (a demo
    /// tenant is new too), and keys in memory, so a demo's PINs and log die with it.
    #[cfg(feature = "demo")]
    async fn start_demo(
        data_dir: &std::path::Path,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let store = Box::new(keydesk_engine::secrets::MemoryStore::default());
        let station = Station::open_with(data_dir, StationFiles::DEMO, Some(store))?;
        let (demo, graph) = Demo::start().await?;
        let operator = station::operator_name(&graph, None)
            .await
            .unwrap_or_else(|| "demo operator".into());
        let keys = RackKeys::new(std::sync::Arc::clone(demo.rack()));
        let connection = Connection {
            tenant: demo.sim.config().tenant.clone(),
            group: demo.sim.config().group.clone(),
            client_id: graph.config().client_id.clone(),
            mode: keydesk_ipc::SignInMode::ClientSecret,
            ..Connection::default()
        };
        Ok(AppState {
            info: RwLock::new(AppInfo {
                demo: true,
                tenant: connection.tenant.clone(),
                group: connection.group.clone(),
                signed_in: true,
                operator: crate::signin::signed_in_label(&graph, Some(&operator)),
                cloud: crate::signin::cloud_label(graph.config()),
                api_version: graph.config().api.segment().to_owned(),
            }),
            graph: RwLock::new(Some(graph)),
            config_dir: None,
            connection: RwLock::new(Some(connection)),
            settings: RwLock::default(),
            operator: RwLock::new(operator),
            station,
            data_dir: data_dir.to_path_buf(),
            demo: Some(demo),
            keys: Some(keys),
            users: Mutex::default(),
            active: Mutex::default(),
            cancel: tokio::sync::Notify::new(),
        })
    }

    /// Graph, when signed in.
    pub fn graph(&self) -> Option<GraphClient> {
        self.graph.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The header facts now.
    pub fn info(&self) -> AppInfo {
        self.info.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The desk's settings now.
    pub fn settings(&self) -> DeskSettings {
        self.settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Who is at the desk now.
    pub fn operator(&self) -> String {
        self.operator
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Without the `demo` feature `main` refuses `--demo`; this is the same answer.
    #[cfg(not(feature = "demo"))]
    async fn start_demo(_: &std::path::Path) -> Result<AppState, Box<dyn std::error::Error>> {
        Err(crate::demo::NOT_BUILT_IN.into())
    }
}
