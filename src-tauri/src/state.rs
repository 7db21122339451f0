//! The app's state: Graph (once signed in), the journal, the keys, the saved connection
//! and settings and, in demo mode, the simulator; or, when it could not start (another
//! KeyDesk holds the data folder), why, for the window.

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use std::sync::Arc;

use keydesk_core::DirectoryUser;
use keydesk_engine::keys::KeySource;
#[cfg(feature = "demo")]
use keydesk_engine::station::{self, StationFiles};
use keydesk_engine::station::{os_user, Station};
use keydesk_fido::rack::SoftRack;
use keydesk_graph::GraphClient;
use keydesk_ipc::{AppInfo, Connection, DeskSettings, GroupChoice, IpcError};
use tauri::Manager;

use crate::demo::Demo;
use crate::launch::Launch;

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
    /// Demo mode's simulator.
    pub demo: Option<Demo>,
    /// Simulated keys (demo mode, `--soft-keys`): the key panel plugs, touches, pulls.
    pub rack: Option<Arc<SoftRack>>,
    /// Simulated keys pulled with the key panel, to plug back in.
    pub drawer: Arc<crate::sim_keys::Drawer>,
    /// Where provisioning takes keys from: simulated keys, or the plugged security keys.
    pub keys: Option<Box<dyn KeySource>>,
    /// The FIDO metadata BLOB (model names, revoked models, attestation roots).
    pub metadata: Arc<crate::metadata::Metadata>,
    /// Wakes a running batch to stop taking new users (`batch_stop`).
    pub batch_stop: std::sync::atomic::AtomicBool,
    /// The group picked by search (its id: a name may be ambiguous), while the connection
    /// still names it; `None` reads the connection's group by name or id.
    pub group_pick: RwLock<Option<GroupChoice>>,
    /// The queue as last loaded.
    pub users: Mutex<Vec<DirectoryUser>>,
    /// The user being provisioned now, if any (one at a time in the window).
    pub active: Mutex<Option<String>>,
    /// Wakes the running job to stop it (`provision_cancel`); no permit is kept, so a
    /// cancel with no job running stops nothing later.
    pub cancel: tokio::sync::Notify,
    /// Wakes the phone hand-out waiting for a passkey (`phone_cancel`).
    pub phone_cancel: tokio::sync::Notify,
}

impl AppState {
    /// Builds the state; in demo mode starts the simulator too. Fails with a
    /// [`keydesk_engine::lock::LockError`] (inside a `StationError`, boxed) when another
    /// KeyDesk uses the data folder, before anything in it is opened or removed.
    pub async fn start(
        app: &tauri::App,
        launch: &Launch,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let data_dir = match &launch.global.data_dir {
            Some(dir) => dir.clone(),
            None => app.path().app_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir)?;
        if launch.demo {
            return Self::start_demo(&data_dir).await;
        }
        let station = Station::open(&data_dir)?;
        let config_dir = app.path().app_config_dir()?;
        let saved = crate::config::load(&config_dir)?;
        let saved_group = saved
            .connection
            .as_ref()
            .map(|c| c.group.clone())
            .unwrap_or_default();
        // The command line's tenant and app replace the saved connection for this run.
        let connection = launch.connection(&saved_group).or(saved.connection);
        // The group picked last time, unless this run names another (`--group`).
        let group_pick = saved.group.filter(|g| {
            connection
                .as_ref()
                .is_some_and(|c| c.group == g.display_name)
        });
        let group = connection
            .as_ref()
            .map(|c| c.group.clone())
            .unwrap_or_default();
        let drawer = Arc::new(crate::sim_keys::Drawer::default());
        let (rack, keys) = match launch.soft_keys {
            Some(n) => {
                let (rack, keys) = crate::sim_keys::soft_keys(n, Arc::clone(&drawer));
                (Some(rack), keys)
            }
            None => (None, crate::sim_keys::hardware_keys()),
        };
        let metadata = Arc::new(crate::metadata::Metadata::offline(&data_dir));
        let refreshing = Arc::clone(&metadata);
        let cache = keydesk_mds::MdsCache::new(&data_dir);
        tauri::async_runtime::spawn(async move { refreshing.refresh(&cache).await });
        let state = AppState {
            info: RwLock::new(AppInfo {
                demo: false,
                simulated_keys: rack.is_some(),
                tenant: "not signed in".into(),
                group,
                signed_in: false,
                operator: None,
                cloud: String::new(),
                api_version: saved.settings.api_version.clone(),
                metadata: String::new(),
            }),
            graph: RwLock::default(),
            config_dir: Some(config_dir),
            connection: RwLock::new(connection.clone()),
            settings: RwLock::new(saved.settings),
            operator: RwLock::new(os_user()),
            station,
            data_dir,
            demo: None,
            rack,
            drawer,
            keys: Some(keys),
            metadata,
            group_pick: RwLock::new(group_pick),
            users: Mutex::default(),
            active: Mutex::default(),
            cancel: tokio::sync::Notify::new(),
            phone_cancel: tokio::sync::Notify::new(),
            batch_stop: std::sync::atomic::AtomicBool::new(false),
        };
        if let Some(connection) = connection.filter(|_| launch.global.tenant.is_some()) {
            match crate::signin::at_start(&launch.global, &state.settings()).await {
                Ok((graph, operator)) => {
                    state.signed_in_as(&connection, graph, operator);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot sign in with the command line's options")
                }
            }
        }
        Ok(state)
    }

    /// Demo mode: the demo's own files in the data folder, new at every start (a demo
    /// tenant is new too), and keys in memory, so a demo's PINs and log die with it.
    #[cfg(feature = "demo")]
    pub(crate) async fn start_demo(
        data_dir: &std::path::Path,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let store = Box::new(keydesk_engine::secrets::MemoryStore::default());
        let station = Station::open_with(data_dir, StationFiles::DEMO, Some(store))?;
        let (demo, graph) = Demo::start().await?;
        let operator = station::operator_name(&graph, None)
            .await
            .unwrap_or_else(|| "demo operator".into());
        let metadata = Arc::new(crate::metadata::Metadata::default());
        if let Some(cache) = crate::metadata::demo_cache(data_dir, &demo.sim) {
            metadata.refresh(&cache).await;
        }
        let rack = Arc::clone(demo.rack());
        let keys: Box<dyn KeySource> =
            Box::new(keydesk_engine::keys::RackKeys::new(Arc::clone(&rack)));
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
                simulated_keys: true,
                tenant: connection.tenant.clone(),
                group: connection.group.clone(),
                signed_in: true,
                operator: crate::signin::signed_in_label(&graph, Some(&operator)),
                cloud: crate::signin::cloud_label(graph.config()),
                api_version: graph.config().api.segment().to_owned(),
                metadata: String::new(),
            }),
            graph: RwLock::new(Some(graph)),
            config_dir: None,
            connection: RwLock::new(Some(connection)),
            settings: RwLock::default(),
            operator: RwLock::new(operator),
            station,
            data_dir: data_dir.to_path_buf(),
            demo: Some(demo),
            rack: Some(rack),
            drawer: Default::default(),
            keys: Some(keys),
            metadata,
            group_pick: RwLock::default(),
            users: Mutex::default(),
            active: Mutex::default(),
            cancel: tokio::sync::Notify::new(),
            phone_cancel: tokio::sync::Notify::new(),
            batch_stop: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Keeps the signed-in client and updates the header facts.
    pub fn signed_in_as(
        &self,
        connection: &Connection,
        graph: GraphClient,
        operator: Option<String>,
    ) -> AppInfo {
        let mut info = self.info.write().unwrap_or_else(|p| p.into_inner());
        info.tenant = connection.tenant.clone();
        info.group = connection.group.clone();
        info.signed_in = true;
        info.operator = crate::signin::signed_in_label(&graph, operator.as_deref());
        info.cloud = crate::signin::cloud_label(graph.config());
        info.api_version = graph.config().api.segment().to_owned();
        info.metadata = self.metadata.summary();
        if let Some(op) = operator {
            *self.operator.write().unwrap_or_else(|p| p.into_inner()) = op;
        }
        *self.graph.write().unwrap_or_else(|p| p.into_inner()) = Some(graph);
        info.clone()
    }

    /// Graph, when signed in.
    pub fn graph(&self) -> Option<GraphClient> {
        self.graph.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The header facts now.
    pub fn info(&self) -> AppInfo {
        let mut info = self.info.read().unwrap_or_else(|p| p.into_inner()).clone();
        info.metadata = self.metadata.summary();
        info
    }

    /// The engine's context for one command: the station's journal, escrow and audit log,
    /// the operator at the desk and the desk's FIDO metadata.
    pub fn context<'a>(&'a self, graph: &'a GraphClient) -> keydesk_engine::Context<'a> {
        let mut ctx = self.station.context(graph);
        ctx.operator = self.operator();
        ctx.metadata = self.metadata.current();
        ctx
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
    pub(crate) async fn start_demo(
        _: &std::path::Path,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        Err(crate::demo::NOT_BUILT_IN.into())
    }
}
