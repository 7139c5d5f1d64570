//! The payment method: cards, PayPal agreements, invoice payment, and the
//! page that shows them with what failed charges left owed.

use super::*;

/// Saves a card as the organisation's payment method (R-PAY-1): every
/// field checked, then verified by the provider; only its token, brand,
/// last four digits and expiry are kept.
pub async fn save_card(
    db: &Db,
    gateway: &Gateway,
    who: Acting,
    form: &CardForm,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let card = form.validate(now.date_naive()).map_err(AppError::Fields)?;
    let saved = gateway.provider.save_card(&card).await.map_err(|d| {
        AppError::Fields(vec![crate::domain::billing_details::FieldError {
            field: "number".into(),
            message: crate::msg!("card-declined", reason = TextArg::message(d.message_id())),
            typed: None,
        }])
    })?;
    let after = InstrumentRow {
        payment_token: Some(saved.token),
        card_brand: Some(saved.shown.brand.name().into()),
        card_last4: Some(saved.shown.last4.clone()),
        card_exp_month: Some(saved.shown.exp_month.into()),
        card_exp_year: Some(saved.shown.exp_year.into()),
        ..InstrumentRow::of(PaymentMethodKind::Card)
    };
    set_instrument(db, who, after, "payment_method.card").await
}

/// Invoice (bank transfer) as the payment method: for organisations in
/// Sweden and annual subscriptions of 20 seats or more (R-PAY-1).
pub async fn choose_invoice(db: &Db, who: Acting) -> Result<String, AppError> {
    set_instrument(
        db,
        who,
        InstrumentRow::of(PaymentMethodKind::Invoice),
        "payment_method.invoice",
    )
    .await
}

/// Whether the organisation may pay by invoice, as things stand.
pub async fn invoice_allowed(conn: &mut AnyConnection, org_id: i64) -> Result<bool, AppError> {
    let org = orgs::org(conn, org_id).await?.ok_or(AppError::NotFound)?;
    invoice_allowed_of(
        &org,
        catalog::org_subscription(conn, org_id).await?.as_ref(),
    )
}

/// Whether `org` with its own live `subscription` may pay by invoice.
fn invoice_allowed_of(
    org: &orgs::OrgRow,
    subscription: Option<&catalog::StoredSubscription>,
) -> Result<bool, AppError> {
    let country = crate::domain::vat::Country::parse(&org.country)
        .map_err(|e| AppError::internal("org country", e))?;
    let (interval, seats) = match subscription {
        Some(s) => (s.subscription.price.interval, s.subscription.seats),
        None => (Interval::Monthly, 0),
    };
    Ok(invoice_payment_allowed(&country, interval, seats))
}

/// Starts PayPal's approval: returns where to send the customer.
pub async fn begin_paypal(db: &Db, gateway: &Gateway, who: Acting) -> Result<String, AppError> {
    let mut g = guard::write(
        db,
        who.org_id,
        Action::EditBillingDetails,
        "payment_method.paypal_begin",
    )
    .await?;
    let token = guard::new_key();
    payments::insert_paypal_approval(
        &mut g.tx,
        &token,
        who.org_id,
        who.user_id().ok_or(AppError::Unauthenticated)?,
    )
    .await?;
    let url = gateway.provider.begin_paypal(&token).await.map_err(|d| {
        AppError::invalid(
            "payment_method",
            crate::msg!("paypal-refused", reason = TextArg::message(d.message_id())),
        )
    })?;
    g.finish(url).await
}

/// The customer came back from PayPal having approved (or cancelled) the
/// billing agreement; an approval is used once, by its own organisation.
/// Returns whether PayPal is now the payment method.
pub async fn finish_paypal(
    db: &Db,
    gateway: &Gateway,
    who: Acting,
    token: &str,
    approved: bool,
) -> Result<bool, AppError> {
    let mut g = guard::write(
        db,
        who.org_id,
        Action::EditBillingDetails,
        "payment_method.paypal",
    )
    .await?;
    if !payments::finish_paypal_approval(&mut g.tx, token, who.org_id).await? {
        return Err(AppError::invalid(
            "token",
            "This PayPal approval was used already or is not yours; start again from the payment method page",
        ));
    }
    if !approved {
        return g.finish(false).await;
    }
    let agreement = gateway.provider.finish_paypal(token).await.map_err(|d| {
        AppError::invalid(
            "payment_method",
            crate::msg!("paypal-refused", reason = TextArg::message(d.message_id())),
        )
    })?;
    let after = InstrumentRow {
        payment_token: Some(agreement.token),
        paypal_email: Some(agreement.payer),
        ..InstrumentRow::of(PaymentMethodKind::PayPal)
    };
    store_instrument(&mut g.tx, who, &after, "payment_method.paypal").await?;
    g.finish(true).await
}

async fn set_instrument(
    db: &Db,
    who: Acting,
    after: InstrumentRow,
    action: &'static str,
) -> Result<String, AppError> {
    let mut g = guard::write(db, who.org_id, Action::EditBillingDetails, action).await?;
    store_instrument(&mut g.tx, who, &after, action).await?;
    g.finish(after.shown()).await
}

/// Makes `after` the organisation's payment method inside the caller's
/// guarded write, refusing invoice payment where it is not allowed, and
/// audits what changed.
async fn store_instrument(
    tx: &mut Tx,
    who: Acting,
    after: &InstrumentRow,
    action: &str,
) -> Result<(), AppError> {
    if after.kind()? == PaymentMethodKind::Invoice && !invoice_allowed(tx, who.org_id).await? {
        return Err(AppError::invalid(
            "method",
            "Invoice payment is for organisations in Sweden and for annual subscriptions of 20 seats or more; choose card or PayPal",
        ));
    }
    replace_instrument(tx, who, after, action).await
}

/// Makes `after` the organisation's way to pay, with an audit entry, with
/// no check of who may pay by invoice: an enterprise contract always is.
pub async fn replace_instrument(
    tx: &mut Tx,
    who: Acting,
    after: &InstrumentRow,
    action: &str,
) -> Result<(), AppError> {
    let before = payments::instrument(tx, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    payments::set_instrument(tx, who.org_id, after).await?;
    let shown =
        |i: &InstrumentRow| serde_json::json!({ "method": i.payment_method, "shown": i.shown() });
    audit::record(tx, &who, action, &shown(&before), &shown(after)).await
}

/// What the organisation owes after failed charges, for the past-due
/// banner: the total and the last decline; `None` when nothing is owed.
pub async fn failed_payment(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<crate::views::billing::FailedPayment>, AppError> {
    failed_payment_of(&payments::failed_owed(conn, org_id).await?)
}

/// What the invoices a declined charge left owing (`owed`, oldest first)
/// add up to, with the latest decline.
fn failed_payment_of(
    owed: &[payments::FailedOwed],
) -> Result<Option<crate::views::billing::FailedPayment>, AppError> {
    let Some(first) = owed.first() else {
        return Ok(None);
    };
    let code = &first.currency;
    let currency = Currency::parse(code).map_err(|e| AppError::internal("invoice currency", e))?;
    let amount = Money::new(
        owed.iter()
            .filter(|o| &o.currency == code)
            .map(|o| o.due)
            .sum(),
        currency,
    );
    // The latest decline, if any charge was declined at all; invoices only
    // left unpaid past their due date have none.
    let decline = owed
        .iter()
        .rev()
        .find_map(|o| o.decline_code.as_deref())
        .map(|code| Decline::parse(code).unwrap_or(Decline::Generic));
    Ok(Some(crate::views::billing::FailedPayment {
        amount,
        decline,
        invoices: owed.len(),
    }))
}

/// The payment method page: what is saved, what may be chosen, and what
/// failed charges left owed.
pub async fn page(
    db: &Db,
    who: Acting,
) -> Result<crate::views::payment::PaymentMethodPage, AppError> {
    let read = crate::db::billing::payment_method(&mut *db.conn().await?, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let i = &read.instrument;
    let kind = i.kind()?;
    let shown = match (i.card_exp_month, i.card_exp_year) {
        (Some(m), Some(y)) if kind == PaymentMethodKind::Card => {
            format!("{}, {m:02}/{:02}", i.shown(), y % 100)
        }
        _ => i.shown(),
    };
    let refusal = who
        .offered(
            read.billing_owner.clone(),
            &read.terms,
            Action::EditBillingDetails,
            None,
        )
        .err()
        .map(|r| r.text());
    Ok(crate::views::payment::PaymentMethodPage {
        kind,
        shown,
        chargeable: i.payment_token.is_some() && kind.charged_automatically(),
        invoice_allowed: invoice_allowed_of(&read.org, read.subscription.as_ref())?,
        editable: refusal.is_none(),
        refusal,
        billing_owner: read.billing_owner.clone(),
        failed: failed_payment_of(&read.failed)?,
        action_key: guard::new_key(),
    })
}
