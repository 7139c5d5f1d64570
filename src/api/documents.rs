//! Invoices and credit notes (R-INV-1/2/6, R-UI-3) and billing details
//! (R-UI-6): the list, the detail page, and who invoices are addressed to.

use crate::domain::billing_details::BillingDetailsForm;
use crate::error::AppError;
pub use crate::views::documents::*;
use leptos::prelude::*;

#[server(endpoint = "documents")]
pub async fn documents(
    status: Option<String>,
    page: Option<u32>,
) -> Result<DocumentList, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let status = match status.as_deref() {
        None | Some("") | Some("all") => None,
        Some(s) => Some(DocumentStatus::parse(s).ok_or_else(|| {
            AppError::invalid("status", "use pending, overdue, paid, void or all")
        })?),
    };
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::documents::list(&ctx.db, member, status, page.unwrap_or(1).max(1), ctx.now())
        .await
}

#[server(endpoint = "document")]
pub async fn document(number: String) -> Result<DocumentView, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::documents::detail(&ctx.db, &ctx.seller, member.org_id, &number, ctx.now())
        .await
}

#[server(endpoint = "billing_details")]
pub async fn billing_details() -> Result<BillingDetailsView, AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::ViewBilling).await?;
    crate::services::documents::billing_details(&ctx.db, member).await
}

/// Saves the billing details; every wrong field is named at once. The
/// form's fields arrive flat, by name (`legal_name=…&city=…`), also from a
/// form posted without JavaScript; the organisation number is optional.
#[server(endpoint = "save_billing_details")]
pub async fn save_billing_details(
    #[server(flatten)] form: BillingDetailsForm,
) -> Result<(), AppError> {
    use crate::api::ctx::Ctx;
    use crate::domain::roles::Action;
    let ctx = Ctx::get()?;
    let member = ctx.require(Action::EditBillingDetails).await?;
    crate::services::documents::save_billing_details(&ctx.db, member, &form).await
}
