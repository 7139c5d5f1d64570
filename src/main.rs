use billing_portal::config::{site_addr, Config};
use billing_portal::domain::party::Party;
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;

/// See Cargo.toml: glibc's allocator was a fifth of a page view's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option `purge_delay` (the 16th in the headers of mimalloc 2
/// and 3, which libmimalloc-sys builds but does not name;
/// `MIMALLOC_VERBOSE=1` lists the options in order).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // The PDF worker (src/pdf/worker.rs) is this binary too; it needs no
    // configuration and no runtime.
    if std::env::args().nth(1).as_deref() == Some(billing_portal::pdf::worker::COMMAND) {
        let outcome = billing_portal::pdf::worker::serve(
            std::io::stdin().lock(),
            std::io::BufWriter::new(std::io::stdout().lock()),
        );
        if let Err(e) = outcome {
            eprintln!("error: pdf worker: {e}");
            std::process::exit(1);
        }
        return;
    }
    run_server();
}

#[tokio::main]
async fn run_server() {
    // Memory freed goes back to the system at once, not a second later,
    // and in pages of 4 KiB: with transparent huge pages on ("always", as
    // on this machine) mimalloc's arenas grew the RSS in 2 MiB steps (the
    // peak under the usage load was 117-132 MB, 91 MB with mimalloc's
    // arenas committed lazily; docs/benchmarks.md).
    // SAFETY: sets an integer option, which mimalloc keeps atomic; prctl
    // with PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let config = Config::from_env().unwrap_or_else(|e| {
        eprintln!("error: configuration: {e}");
        std::process::exit(2);
    });
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // The log goes to standard error: standard output is the commands'
    // answer (JSON), for scripts to read.
    if config.json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_writer(std::io::stderr)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(filter)
            .init();
    }

    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("clock") {
        std::process::exit(clock_command(&config, &args[1..]).await);
    }
    if args.first().map(String::as_str) == Some("operator") {
        std::process::exit(operator_command(&config, &args[1..]).await);
    }
    if args.first().map(String::as_str) == Some("export") {
        std::process::exit(export_command(&config, &args[1..]).await);
    }
    if args.first().map(String::as_str) == Some("import-bgmax") {
        std::process::exit(import_bgmax_command(&config, &args[1..]).await);
    }
    if let Some(cmd @ ("record-payment" | "unmatched-payments" | "match-payment")) =
        args.first().map(String::as_str)
    {
        std::process::exit(bank_command(&config, cmd, &args[1..]).await);
    }

    let conf = get_configuration(None)
        .expect("Cargo.toml [package.metadata.leptos] or LEPTOS_* variables");
    let mut leptos_options = conf.leptos_options;
    // `cargo leptos build` with `hash-files` writes the assets' hashes
    // beside the server binary: the binary started by itself (not by
    // `cargo leptos serve`) uses them too.
    if !leptos_options.hash_files {
        leptos_options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(&*leptos_options.hash_file)))
            .is_some_and(|file| file.exists());
    }
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

/// The configured database, migrated, for a command; `None` after saying
/// why on standard error.
async fn open_database(config: &Config) -> Option<billing_portal::db::Db> {
    let db = match billing_portal::db::Db::connect(&config.database_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: database: {e}");
            return None;
        }
    };
    if let Err(e) = db.migrate().await {
        eprintln!("error: migrations: {e}");
        return None;
    }
    Some(db)
}

/// `billing-portal operator create <email> [--support]`: creates an
/// operator (or resets one) and prints a one-time password, which must be
/// changed at the first login.
async fn operator_command(config: &Config, args: &[String]) -> i32 {
    use billing_portal::domain::party::OperatorRole;
    let (email, role) = match args {
        [create, email] if create == "create" => (email, OperatorRole::Operator),
        [create, email, flag] if create == "create" && flag == "--support" => {
            (email, OperatorRole::Support)
        }
        _ => {
            eprintln!("error: usage: billing-portal operator create <email> [--support]");
            return 2;
        }
    };
    let Some(db) = open_database(config).await else {
        return 1;
    };
    match billing_portal::services::auth::create_operator(&db, email, role).await {
        Ok(password) => {
            println!(
                "{}",
                serde_json::json!({ "email": email.trim().to_lowercase(), "role": role.code(), "one_time_password": password })
            );
            eprintln!("Log in at /ops/login with this password; you will choose your own at once.");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// `billing-portal import-bgmax <file>`: imports Bankgirot's BgMax file of
/// incoming payments (whole, or nothing with the line and why) and prints
/// what was matched, what waits for manual matching and what was seen
/// before.
async fn import_bgmax_command(config: &Config, args: &[String]) -> i32 {
    let [path] = args else {
        eprintln!("error: usage: billing-portal import-bgmax <file>");
        return 2;
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return 1;
        }
    };
    let Some(db) = open_database(config).await else {
        return 1;
    };
    let result = billing_portal::services::bank::import_bgmax(
        &db,
        &Party::Command,
        &bytes,
        &config.seller.bankgiro,
    )
    .await
    .map(|report| serde_json::json!(report));
    answer(result, &format!("{path} was not imported"))
}

/// `billing-portal export sie --from <YYYY-MM-DD> --to <YYYY-MM-DD>`: the
/// period's sales and payments as an SIE 4 file (R-INV-8) on standard
/// output; what it holds, and what was left out, on standard error.
async fn export_command(config: &Config, args: &[String]) -> i32 {
    use std::io::Write;
    let usage = "usage: billing-portal export sie --from <YYYY-MM-DD> --to <YYYY-MM-DD> > sales.si";
    let (from, to) = match args {
        [sie, a, x, b, y] if sie == "sie" => match (a.as_str(), b.as_str()) {
            ("--from", "--to") => (x, y),
            ("--to", "--from") => (y, x),
            _ => {
                eprintln!("error: {usage}");
                return 2;
            }
        },
        _ => {
            eprintln!("error: {usage}");
            return 2;
        }
    };
    let (from, to) = match billing_portal::services::bookkeeping::period(from, to) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}; {usage}");
            return 2;
        }
    };
    let Some(db) = open_database(config).await else {
        return 1;
    };
    let export = match billing_portal::services::bookkeeping::sie(
        &db,
        &config.seller,
        from,
        to,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: the export failed: {e}");
            return 1;
        }
    };
    if let Err(e) = std::io::stdout().lock().write_all(&export.file) {
        eprintln!("error: writing the file: {e}");
        return 1;
    }
    eprintln!(
        "{}",
        serde_json::json!({ "file": export.name, "documents": export.documents, "payments": export.payments, "left_out": export.left_out })
    );
    0
}

/// A command's answer: its JSON on standard output (exit 0), or why it
/// failed on standard error (exit 1).
fn answer(result: Result<serde_json::Value, billing_portal::error::AppError>, failed: &str) -> i32 {
    match result {
        Ok(report) => {
            println!("{report}");
            0
        }
        Err(e) => {
            eprintln!("error: {failed}: {e}");
            1
        }
    }
}

/// `billing-portal clock [--now <RFC 3339>] [--dry-run]`: runs the billing
/// clock once (at now, or at the instant given) and prints what it did; with
/// `--dry-run`, what it would issue, writing nothing.
async fn clock_command(config: &Config, args: &[String]) -> i32 {
    let mut now = chrono::Utc::now();
    let mut dry_run = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--dry-run" => dry_run = true,
            "--now" => {
                match rest.next().map(|v| chrono::DateTime::parse_from_rfc3339(v)) {
                    Some(Ok(t)) => now = t.with_timezone(&chrono::Utc),
                    _ => {
                        eprintln!("error: --now takes an RFC 3339 instant, e.g. 2026-12-01T00:00:00+01:00");
                        return 2;
                    }
                }
            }
            other => {
                eprintln!("error: unknown argument {other}; usage: billing-portal clock [--now <RFC 3339>] [--dry-run]");
                return 2;
            }
        }
    }
    let Some(db) = open_database(config).await else {
        return 1;
    };
    let gateway = match billing_portal::services::payments::Gateway::from_config(config) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let result = if dry_run {
        billing_portal::services::clock::predict_all(&db, now)
            .await
            .map(|issued| serde_json::json!({ "dry_run": true, "now": now, "would_issue": issued }))
    } else {
        billing_portal::services::clock::advance(&db, &gateway, now)
            .await
            .map(|counts| serde_json::json!({ "now": now, "done": counts }))
    };
    answer(result, "the billing clock failed")
}

/// The operators' bank payment commands (R-PAY-3), until the console has
/// pages for them:
/// `record-payment --date 2026-12-01 --amount 1250,00 --reference <OCR> [--currency SEK] [--payer <name>] [--key <key>]`,
/// `unmatched-payments`, `match-payment <bank payment id> <invoice number>`.
/// Each prints its outcome as JSON.
async fn bank_command(config: &Config, cmd: &str, args: &[String]) -> i32 {
    use billing_portal::services::bank;
    let usage = "usage: billing-portal record-payment --date <YYYY-MM-DD> --amount <1250,00> --reference <OCR> \
                 [--currency SEK] [--payer <name>] [--key <key>] | unmatched-payments | match-payment <id> <invoice number>";
    let Some(db) = open_database(config).await else {
        return 1;
    };
    let result = match cmd {
        "unmatched-payments" => bank::unmatched(&db).await.map(|u| serde_json::json!(u)),
        "match-payment" => {
            let [id, number] = args else {
                eprintln!("error: {usage}");
                return 2;
            };
            let Ok(id) = id.parse::<i64>() else {
                eprintln!("error: {id}: a bank payment id from unmatched-payments");
                return 2;
            };
            bank::match_to_invoice(&db, &Party::Command, id, number)
                .await
                .map(|()| serde_json::json!({ "matched": id, "invoice": number }))
        }
        _ => {
            let mut opts = std::collections::HashMap::new();
            let mut rest = args.iter();
            while let (Some(name), Some(value)) = (rest.next(), rest.next()) {
                opts.insert(name.trim_start_matches("--").to_string(), value.clone());
            }
            let get = |k: &str| opts.get(k).cloned();
            let parsed = (|| {
                let currency = billing_portal::domain::money::Currency::parse(
                    &get("currency").unwrap_or_else(|| "SEK".into()),
                )?;
                let date = get("date").ok_or("--date is missing")?;
                let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|_| format!("--date {date}: use YYYY-MM-DD"))?;
                let amount = billing_portal::domain::money::Money::parse_major(
                    &get("amount").ok_or("--amount is missing")?,
                    currency,
                )?;
                let reference = get("reference").ok_or("--reference is missing")?;
                Ok::<_, String>(bank::Recording {
                    key: get("key").unwrap_or_else(|| {
                        format!("{date}/{}/{}", amount.minor(), reference.trim())
                    }),
                    date,
                    amount,
                    reference,
                    payer: get("payer"),
                })
            })();
            match parsed {
                Ok(r) => bank::record(&db, &Party::Command, &r)
                    .await
                    .map(|o| serde_json::json!(o)),
                Err(e) => {
                    eprintln!("error: {e}; {usage}");
                    return 2;
                }
            }
        }
    };
    answer(result, cmd)
}
