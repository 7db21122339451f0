//! The HTTP surface: token endpoint, Graph under `/v1.0` and `/beta`, and `/_sim` controls.

mod fido2;
mod groups;
mod members;
mod phone;
mod policy;
mod signin;
mod sim;
mod tap;
mod token;
mod users;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post};
use axum::{Extension, Router};

use crate::error::GraphError;
use crate::layer;
use crate::tenant::Tenant;
use crate::version::ApiVersion;

/// Builds the whole application; every response is dated by the simulated clock.
pub fn app(tenant: Arc<Tenant>) -> Router {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(signin::authorize_page).post(signin::authorize_submit),
        )
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(signin::device_code),
        )
        .route(
            "/devicelogin",
            get(signin::device_page).post(signin::device_approve),
        )
        .route("/_sim/state", get(sim::state))
        .route("/_sim/clock", post(sim::clock))
        .route("/_sim/faults", get(sim::get_faults).post(sim::set_faults))
        .route("/_sim/policy", post(sim::set_policy))
        .route("/_sim/passkeys", post(sim::plant_passkey))
        .route("/_sim/leave", post(sim::leave_group))
        .route("/_sim/tapPolicy", post(sim::set_tap_policy))
        .route("/_sim/phone", post(phone::play))
        .nest("/v1.0", graph(&tenant, ApiVersion::V1))
        .nest("/beta", graph(&tenant, ApiVersion::Beta))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(from_fn_with_state(tenant.clone(), layer::date))
        .with_state(tenant)
}

fn graph(tenant: &Arc<Tenant>, version: ApiVersion) -> Router<Arc<Tenant>> {
    const FIDO2: &str = "/users/{id}/authentication/fido2Methods";
    Router::new()
        .route("/groups", get(groups::list))
        .route("/groups/{id}", get(groups::get))
        .route("/groups/{id}/members", get(groups::listing::<false, false>))
        .route("/groups/{id}/members/$ref", post(members::add))
        .route(
            "/groups/{id}/members/{member}/$ref",
            delete(members::remove),
        )
        .route(
            "/groups/{id}/members/microsoft.graph.user",
            get(groups::listing::<false, true>),
        )
        .route(
            "/groups/{id}/transitiveMembers",
            get(groups::listing::<true, false>),
        )
        .route(
            "/groups/{id}/transitiveMembers/microsoft.graph.user",
            get(groups::listing::<true, true>),
        )
        .route("/users/{id}", get(users::get))
        .route(
            "/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole",
            get(users::roles),
        )
        .route("/me", get(users::me))
        .route(
            "/users/{id}/authentication/temporaryAccessPassMethods",
            get(tap::list).post(tap::create),
        )
        .route(
            "/users/{id}/authentication/temporaryAccessPassMethods/{method}",
            delete(tap::delete),
        )
        .route(
            "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass",
            get(tap::policy),
        )
        .route(
            "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2",
            get(policy::fido2),
        )
        .route(FIDO2, get(fido2::list).post(fido2::register))
        .route(
            &format!("{FIDO2}/{{segment}}"),
            get(fido2::get_segment).delete(fido2::delete),
        )
        .fallback(|| async { GraphError::for_status(StatusCode::NOT_FOUND) })
        .layer(Extension(version))
        .layer(from_fn_with_state(tenant.clone(), layer::graph))
}
