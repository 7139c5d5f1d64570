//! Usage API keys (R-CRD-4): created and revoked by admins, the secret
//! shown once.

use crate::api::auth::SessionInfo;
use crate::api::credits::{list_api_keys, ApiKeys, CreateApiKey, RevokeApiKey};
use crate::components::page::{error_view, sub_page};
use crate::components::session::SessionResource;
use crate::domain::locale::Locale;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or(SessionInfo { locale: Locale::default(), user: None });
                let l = info.locale;
                let body = match keys.await {
                    Ok(ApiKeys { keys, created }) => view! {
                        <section class="card">
                            <h2>{t(l, "api-keys-new-key")}</h2>
                            <ActionForm action=create attr:class="inline-form">
                                <label>{t(l, "api-keys-name")}<input type="text" name="name" required maxlength="80"/></label>
                                <button type="submit" class="primary">{t(l, "api-keys-create-key")}</button>
                            </ActionForm>
                            {created.map(|k| view! {
                                <p>{t(l, "api-keys-copy-the-key-now-it")}</p>
                                <p class="secret" data-test="secret">{k.secret}</p>
                            })}
                            {move || match create.value().get() {
                                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(l)}</p> }),
                                _ => None,
                            }}
                        </section>
                        <section class="card">
                            <h2>{t(l, "api-keys-keys")}</h2>
                            <table>
                                <tbody>
                                    {keys.into_iter().map(|k| view! {
                                        <tr>
                                            <td>{k.name}</td>
                                            <td><code>{format!("bp_{}_…", k.prefix)}</code></td>
                                            <td>{k.created}</td>
                                            <td>{if k.revoked {
                                                view! { <span class="muted">{t(l, "api-keys-revoked")}</span> }.into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=revoke>
                                                        <input type="hidden" name="id" value=k.id.to_string()/>
                                                        <button type="submit">{t(l, "api-keys-revoke")}</button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any(),
                    Err(e) => error_view(e, l),
                };
                sub_page(info, t(l, "api-keys-usage-api-keys"), body)
            })}
        </Suspense>
    }
}
