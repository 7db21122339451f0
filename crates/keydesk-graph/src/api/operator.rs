//! Who is acting, for the audit log: the signed-in person (`GET /me`) or, for app-only
//! sign-in, the app registration itself.

use serde::Deserialize;

use crate::http::Call;
use crate::{GraphClient, GraphError, Operation};

/// Whether a person or an app is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorKind {
    /// A person signed in (delegated sign-in).
    Person,
    /// The app registration (client secret or certificate).
    App,
}

/// The identity KeyDesk acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// Person or app.
    pub kind: OperatorKind,
    /// The person's object id, or the app's client id.
    pub id: String,
    /// The person's user principal name.
    pub upn: Option<String>,
    /// The person's display name.
    pub display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeDto {
    id: Option<String>,
    user_principal_name: Option<String>,
    display_name: Option<String>,
}

impl GraphClient {
    /// The operator: `GET /me` for a person (signing in if needed), the client id for an
    /// app (no call).
    pub async fn operator(&self) -> Result<Operator, GraphError> {
        if self.credentials().is_app_only() {
            return Ok(Operator {
                kind: OperatorKind::App,
                id: self.config().client_id.trim().to_owned(),
                upn: None,
                display_name: None,
            });
        }
        let url = crate::query::with_query(
            self.url(self.config().api, &["me"]),
            &[("$select", "id,userPrincipalName,displayName")],
        );
        let reply = self.send(Call::get(Operation::GetMe, "/me", url)).await?;
        let me: MeDto = reply.json("signed-in user")?;
        let id = me
            .id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| GraphError::Malformed {
                what: "/me id".into(),
                detail: "missing".into(),
                request_id: reply.request_id.clone(),
            })?;
        Ok(Operator {
            kind: OperatorKind::Person,
            id,
            upn: me.user_principal_name,
            display_name: me.display_name,
        })
    }
}
