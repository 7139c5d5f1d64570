//! The console's own login page.

use super::*;

#[component]
pub fn OpsLoginPage() -> impl IntoView {
    let login = ServerAction::<OpsLogin>::new();
    view! {
        <main class="page login">
            <h1>"Billing console"</h1>
            <p class="muted">"For the vendor's operators and support staff. Customers log in at " <a href="/login">"/login"</a>"."</p>
            <ActionForm action=login attr:class="card">
                <label>"E-mail"<input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password"<input type="password" name="password" autocomplete="current-password" required/></label>
                <button type="submit" class="primary">"Log in"</button>
            </ActionForm>
            {move || outcome(login.value().get(), |_| ())}
        </main>
    }
}
