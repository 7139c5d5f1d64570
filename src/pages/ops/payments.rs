//! Payments: BgMax import, the SIE export, bank payments by hand, matching and reversing.

use super::*;

#[component]
pub fn OpsPaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let record = ServerAction::<OpsRecordPayment>::new();
    let matched = ServerAction::<OpsMatchPayment>::new();
    let reversed = ServerAction::<OpsReverseMatch>::new();
    console(
        "Payments",
        move || {
            (
                record.version().get(),
                matched.version().get(),
                reversed.version().get(),
            )
        },
        |_| ops_payments(),
        move |me, v| {
            let can = me.may_change();
            let q = query.read_untracked();
            let imported = q.get("in_file").map(|n| {
                format!(
                    "Imported: {n} payments in the file, {} matched by OCR reference, {} waiting for matching by hand, {} seen in an earlier import.",
                    q.get("matched").unwrap_or_default(),
                    q.get("unmatched").unwrap_or_default(),
                    q.get("already").unwrap_or_default()
                )
            });
            let error = q.get("error");
            view! {
                {imported.map(|t| view! { <p class="ok" role="status" data-test="imported">{t}</p> })}
                {error.map(|e| view! { <p class="error" role="alert">{format!("Nothing imported: {e}")}</p> })}
                <section class="card">
                    <h2>"Import a BgMax file"</h2>
                    <p class="muted">"Bankgirot's file of incoming payments: matched by OCR reference; the rest waits below. A file imported twice adds nothing."</p>
                    <form method="post" action="/ops/payments/bgmax" enctype="multipart/form-data" class="inline-form">
                        <label>"File"<input type="file" name="file" required/></label>
                        <button type="submit" disabled=!can>"Import"</button>
                    </form>
                </section>
                <section class="card">
                    <h2>"Bookkeeping export (SIE 4)"</h2>
                    <p class="muted">"Every invoice, credit note and payment of the period as vouchers for Fortnox, Visma and the like (SIE 4I, code page 437). Documents and payments in another currency than SEK are left out."</p>
                    <form method="get" action="/ops/export/sie" class="inline-form" data-test="sie-export">
                        <label>"First day"<input type="date" name="from" required/></label>
                        <label>"Last day"<input type="date" name="to" required/></label>
                        <button type="submit" disabled=!can>"Download"</button>
                    </form>
                </section>
                <section class="card">
                    <h2>"Record a bank payment"</h2>
                    <ActionForm action=record attr:class="details-form">
                        <input type="hidden" name="idempotency_key" value=v.action_key.clone()/>
                        <label>"Date (YYYY-MM-DD)"<input type="text" name="date" required pattern="\\d{4}-\\d{2}-\\d{2}"/></label>
                        <label>"Amount"<input type="text" name="amount" inputmode="decimal" required/></label>
                        <label>"Currency"{currency_select()}</label>
                        <label>"OCR reference or message"<input type="text" name="reference" required/></label>
                        <label>"Payer"<input type="text" name="payer"/></label>
                        <button type="submit" disabled=!can>"Record"</button>
                    </ActionForm>
                    {move || outcome(record.value().get(), |t: String| view! { <p class="ok" role="status">{t}</p> })}
                </section>
                <section class="card wide">
                    <h2>"Waiting for matching by hand"</h2>
                    {move || outcome(matched.value().get(), |_| view! { <p class="ok" role="status" data-test="matched">"Matched."</p> })}
                    <div class="table-scroll">
                    <table data-test="waiting">
                        <thead><tr><th>"Date"</th><th class="num">"Amount"</th><th>"Reference"</th><th>"Payer"</th><th>"Match to invoice"</th></tr></thead>
                        <tbody>
                            {v.waiting.into_iter().map(|p| view! {
                                <tr data-payment=p.id.to_string()>
                                    <td>{L.date(p.date)}</td>
                                    <td class="num">{money(p.amount)}{p.deduction.then_some(" (deduction)")}</td>
                                    <td>{p.reference}</td>
                                    <td>{p.payer.unwrap_or_default()}</td>
                                    <td>{(!p.deduction && can).then(|| view! {
                                        <ActionForm action=matched attr:class="inline-form">
                                            <input type="hidden" name="payment_id" value=p.id.to_string()/>
                                            <label>"Invoice number"<input type="text" name="invoice" required/></label>
                                            <button type="submit">"Match"</button>
                                        </ActionForm>
                                    })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                </section>
                <section class="card wide">
                    <h2>"Matched lately"</h2>
                    <p class="muted">"A payment matched to the wrong invoice is taken back here: the invoice owes it again, and the payment waits above to be matched by hand."</p>
                    {move || outcome(reversed.value().get(), |_| view! { <p class="ok" role="status" data-test="reversed">"Reversed: the payment waits for matching."</p> })}
                    <div class="table-scroll">
                    <table data-test="matched-payments">
                        <thead><tr><th>"Date"</th><th class="num">"Amount"</th><th>"Reference"</th><th>"Customer"</th><th>"Invoice"</th><th>"Reverse"</th></tr></thead>
                        <tbody>
                            {v.matched.into_iter().map(|p| view! {
                                <tr data-payment=p.id.to_string()>
                                    <td>{L.date(p.date)}</td>
                                    <td class="num">{money(p.amount)}</td>
                                    <td>{p.reference}</td>
                                    <td>{p.organisation}</td>
                                    <td>{p.invoice.unwrap_or_default()}</td>
                                    <td>{can.then(|| view! {
                                        <ActionForm action=reversed attr:class="inline-form">
                                            <input type="hidden" name="payment_id" value=p.id.to_string()/>
                                            <label>"Reason"<input type="text" name="reason" required minlength="3"/></label>
                                            <button type="submit">"Reverse"</button>
                                        </ActionForm>
                                    })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                </section>
            }
            .into_any()
        },
    )
}
