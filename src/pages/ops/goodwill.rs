//! The goodwill card of an organisation's page: credit notes and credits (R-OPS-1).

use super::*;

pub(super) struct GoodwillForms {
    pub(super) org_id: String,
    pub(super) key: String,
    pub(super) can: bool,
    /// The invoices a credit note may correct: not void.
    pub(super) invoices: Vec<String>,
    pub(super) note_preview: ServerAction<OpsGoodwillNote>,
    pub(super) note: ServerAction<OpsGoodwillNote>,
    pub(super) grant_preview: ServerAction<OpsGoodwillCredits>,
    pub(super) grant: ServerAction<OpsGoodwillCredits>,
}

/// Goodwill (R-OPS-1): a credit note against an invoice, and credits with
/// a last day; each previewed, then confirmed under its own key.
pub(super) fn goodwill_card(f: GoodwillForms) -> AnyView {
    let GoodwillForms {
        org_id,
        key,
        can,
        invoices,
        note_preview,
        note,
        grant_preview,
        grant,
    } = f;
    let (note_key, grant_key) = (format!("{key}-note"), format!("{key}-credits"));
    let (note_org, grant_org) = (org_id.clone(), org_id.clone());
    let (note_form_key, grant_form_key) = (note_key.clone(), grant_key.clone());
    let note_form_org = org_id.clone();
    view! {
        <section class="card wide">
            <h2>"Goodwill"</h2>
            <h3>"Credit note"</h3>
            <ActionForm action=note_preview attr:class="details-form" attr:data-test="goodwill-note-form">
                <input type="hidden" name="org_id" value=note_form_org/>
                <input type="hidden" name="idempotency_key" value=note_form_key/>
                <label>"Invoice it corrects"
                    <select name="number" required>
                        {invoices.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select></label>
                <label>"Amount before VAT (the invoice's currency)"<input type="text" name="amount" inputmode="decimal" required/></label>
                <label>"Reason (the customer reads it on the credit note)"<input type="text" name="reason" required minlength="3" maxlength="500"/></label>
                <button type="submit" disabled=!can>"Preview credit note"</button>
            </ActionForm>
            {move || {
                let (key, org_id) = (note_key.clone(), note_org.clone());
                outcome(note_preview.value().get(), move |p: GoodwillNote| view! {
                    <div class="card notice" data-test="goodwill-note-preview">
                        <p>{format!(
                            "A credit note against {}: {} + VAT {} = {}. It settles {} still owed; {} goes to the account balance. {} of the invoice may be credited after it. Reason: {}",
                            p.invoice, money(p.net), money(p.vat), money(p.total), money(p.settles), money(p.to_balance), money(p.creditable_after), p.reason
                        )}</p>
                        <ActionForm action=note>
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="number" value=p.invoice.clone()/>
                            <input type="hidden" name="amount" value=p.net.to_decimal_major().to_string()/>
                            <input type="hidden" name="reason" value=p.reason.clone()/>
                            <input type="hidden" name="idempotency_key" value=key/>
                            <input type="hidden" name="confirm" value="yes"/>
                            <button type="submit" class="primary">{format!("Issue the credit note of {}", money(p.total))}</button>
                        </ActionForm>
                    </div>
                })
            }}
            {move || outcome(note.value().get(), |p: GoodwillNote| view! {
                <p class="ok" data-test="goodwill-note-issued">{format!("Credit note {} of {} issued against {}.", p.credit_note.unwrap_or_default(), money(p.total), p.invoice)}</p>
            })}
            <h3>"Credits"</h3>
            <ActionForm action=grant_preview attr:class="details-form" attr:data-test="goodwill-credits-form">
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="idempotency_key" value=grant_form_key/>
                <label>"Credits"<input type="number" name="credits" min="1" required/></label>
                <label>"Last day they can be used"<input type="date" name="last_day" required/></label>
                <label>"Reason (the customer reads it in the credit history)"<input type="text" name="reason" required minlength="3" maxlength="500"/></label>
                <button type="submit" disabled=!can>"Preview credits"</button>
            </ActionForm>
            {move || {
                let (key, org_id) = (grant_key.clone(), grant_org.clone());
                outcome(grant_preview.value().get(), move |p: GoodwillCredits| view! {
                    <div class="card notice" data-test="goodwill-credits-preview">
                        <p>{format!("{} credits, usable through {}. Reason: {}", L.integer(p.credits.unsigned_abs()), L.date(p.last_day), p.reason)}</p>
                        <ActionForm action=grant>
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="credits" value=p.credits.to_string()/>
                            <input type="hidden" name="last_day" value=p.last_day.to_string()/>
                            <input type="hidden" name="reason" value=p.reason.clone()/>
                            <input type="hidden" name="idempotency_key" value=key/>
                            <input type="hidden" name="confirm" value="yes"/>
                            <button type="submit" class="primary">{format!("Grant {} credits", L.integer(p.credits.unsigned_abs()))}</button>
                        </ActionForm>
                    </div>
                })
            }}
            {move || outcome(grant.value().get(), |p: GoodwillCredits| view! {
                <p class="ok" data-test="goodwill-credits-granted">{format!("{} credits granted.", L.integer(p.credits.unsigned_abs()))}</p>
            })}
        </section>
    }
    .into_any()
}
