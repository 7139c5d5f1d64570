use billing_portal::config::{site_addr, Config};
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let config = Config::from_env().unwrap_or_else(|e| {
        eprintln!("error: configuration: {e}");
        std::process::exit(2);
    });
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if config.json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }

    let conf = get_configuration(None)
        .expect("Cargo.toml [package.metadata.leptos] or LEPTOS_* variables");
    let leptos_options = conf.leptos_options;
    let addr = site_addr(leptos_options.site_addr);
    let (router, state) = match billing_portal::server::build(&config, leptos_options).await {
        Ok(built) => built,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            std::process::exit(1);
        }
    };
    if config.demo_data {
        billing_portal::seed::print_demo_logins();
    }
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|e| {
            eprintln!("error: cannot listen on {addr}: {e}");
            std::process::exit(1);
        });
    tracing::info!(%addr, database = ?state.db.backend, "billing portal listening on http://{addr}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .expect("server");
}
