//! The HTTP surface: token endpoint, Graph under `/v1.0` and `/beta`, and `/_sim` controls.

mod fido2;
mod groups;
mod sim;
mod token;
mod users;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::error::GraphError;
use crate::layer::{self, ApiVersion};
use crate::tenant::Tenant;

/// Builds the whole application.
pub fn app(tenant: Arc<Tenant>) -> Router {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/_sim/state", get(sim::state))
        .route("/_sim/clock", post(sim::clock))
        .nest("/v1.0", graph(&tenant, ApiVersion::V1))
        .nest("/beta", graph(&tenant, ApiVersion::Beta))
        .with_state(tenant)
}

fn graph(tenant: &Arc<Tenant>, version: ApiVersion) -> Router<Arc<Tenant>> {
    const FIDO2: &str = "/users/{id}/authentication/fido2Methods";
    Router::new()
        .route("/groups", get(groups::list))
        .route("/groups/{id}", get(groups::get))
        .route("/groups/{id}/members", get(groups::members))
        .route(
            "/groups/{id}/transitiveMembers/microsoft.graph.user",
            get(groups::transitive_users),
        )
        .route("/users/{id}", get(users::get))
        .route(FIDO2, get(fido2::list).post(fido2::register))
        .route(
            &format!("{FIDO2}/{{segment}}"),
            get(fido2::get_segment).delete(fido2::delete),
        )
        .fallback(|| async { GraphError::for_status(StatusCode::NOT_FOUND) })
        .layer(Extension(version))
        .layer(from_fn_with_state(tenant.clone(), layer::graph))
}
