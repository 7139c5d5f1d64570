//! The test clock page.

use super::*;

async fn the_test_clock_shows_what_would_be_billed_and_writes_nothing(app: TestApp) {
    let acme = org_id(&app, "Acme AB").await.to_string();
    let support = operator(&app, SUPPORT).await;
    let today = app.now().date_naive();
    let preview = |days: i64| {
        let day = (today + chrono::Duration::days(days)).to_string();
        let (app, support, acme) = (&app, &support, &acme);
        async move {
            app.call::<Vec<billing_portal::api::ops::WouldIssue>>(
                support,
                "ops_clock_preview",
                &[("org_id", acme), ("date", &day)],
            )
            .await
        }
    };
    let documents = app.scalar("SELECT COUNT(*) FROM documents").await;
    // Acme renews monthly: within 40 days at least one renewal invoice.
    let shown = preview(40).await.unwrap();
    assert!(!shown.is_empty());
    assert!(shown
        .iter()
        .all(|d| d.total.is_positive() && !d.lines.is_empty()));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM documents").await,
        documents,
        "nothing written"
    );
    // Yesterday and beyond five years are refused with what to choose.
    for days in [-1, 6 * 366] {
        assert!(
            matches!(preview(days).await, Err(AppError::Invalid { .. })),
            "{days}"
        );
    }
    let missing = app
        .call::<Vec<billing_portal::api::ops::WouldIssue>>(
            &support,
            "ops_clock_preview",
            &[("org_id", "999999"), ("date", &today.to_string())],
        )
        .await;
    assert_eq!(missing.err(), Some(AppError::NotFound));
}
both_databases!(the_test_clock_shows_what_would_be_billed_and_writes_nothing);
