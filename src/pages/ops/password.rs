//! Choosing one's own password (after a one-time one).

use super::*;

#[component]
pub fn OpsPasswordPage() -> impl IntoView {
    let change = ServerAction::<OpsPassword>::new();
    view! {
        <main class="page login">
            <h1>"Choose your password"</h1>
            <p>"Replace the one-time password with your own, at least 12 characters. Your other sessions end."</p>
            <ActionForm action=change attr:class="card">
                <label>"Current password"<input type="password" name="current" autocomplete="current-password" required/></label>
                <label>"New password"<input type="password" name="password" autocomplete="new-password" minlength="12" required/></label>
                <label>"Again"<input type="password" name="repeat" autocomplete="new-password" minlength="12" required/></label>
                <button type="submit" class="primary">"Save"</button>
            </ActionForm>
            {move || outcome(change.value().get(), |_| ())}
        </main>
    }
}
