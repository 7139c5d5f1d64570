//! One typed method per server function the tests read pages through:
//! `app.billing_overview(&anna)` instead of an endpoint's name and its
//! arguments as strings.

use super::{Client, TestApp};
use billing_portal::api::billing::Overview;
use billing_portal::api::credits::{ApiKeys, CreditsView};
use billing_portal::api::documents::BillingDetailsView;
use billing_portal::api::payment::PaymentMethodPage;
use billing_portal::api::subscription::{CancellationView, SubscriptionsView};
use billing_portal::api::team::TeamView;
use billing_portal::error::AppError;

impl TestApp {
    /// The billing overview (`/billing`) as `c` sees it.
    pub async fn billing_overview(&self, c: &Client) -> Result<Overview, AppError> {
        self.call(c, "billing_overview", &[]).await
    }

    /// The credits page (`/billing/credits`).
    pub async fn credits(&self, c: &Client) -> Result<CreditsView, AppError> {
        self.call(c, "credits", &[]).await
    }

    /// The billing details page (`/billing/details`).
    pub async fn billing_details(&self, c: &Client) -> Result<BillingDetailsView, AppError> {
        self.call(c, "billing_details", &[]).await
    }

    /// The payment method page (`/billing/payment-method`).
    pub async fn payment_method(&self, c: &Client) -> Result<PaymentMethodPage, AppError> {
        self.call(c, "payment_method", &[]).await
    }

    /// The subscriptions page (`/billing/subscriptions`).
    pub async fn subscriptions(&self, c: &Client) -> Result<SubscriptionsView, AppError> {
        self.call(c, "subscriptions", &[]).await
    }

    /// The API keys page (`/billing/api-keys`).
    pub async fn api_keys(&self, c: &Client) -> Result<ApiKeys, AppError> {
        self.call(c, "api_keys", &[]).await
    }

    /// The seats and owner page (`/billing/team`).
    pub async fn team(&self, c: &Client) -> Result<TeamView, AppError> {
        self.call(c, "team", &[]).await
    }

    /// The cancel auto-renew page (`/billing/cancel`) of the organisation.
    pub async fn cancellation(&self, c: &Client) -> Result<CancellationView, AppError> {
        self.call(c, "cancellation", &[]).await
    }
}
