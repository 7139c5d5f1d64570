//! Bulk data for the billing clock's crash test and benchmark.

use super::*;

/// `count` organisations named "<prefix> 1…", each with a Professional
/// monthly subscription of 3 seats whose first period runs from `start`:
/// bulk data for the billing clock's crash test and benchmark. Two
/// statements, however many organisations.
pub async fn bulk_subscriptions(
    db: &Db,
    prefix: &str,
    count: i64,
    start: NaiveDate,
) -> Result<(), AppError> {
    let price: i64 = sqlx::query_scalar(
        "SELECT p.id FROM prices p JOIN plans pl ON pl.id = p.plan_id \
         WHERE pl.code = 'professional' AND p.billing_interval = 'monthly' AND p.currency = 'SEK' AND p.is_current = 1",
    )
    .fetch_one(&db.pool)
    .await?;
    let mut tx = db.write().await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO organisations (name, legal_name, city, postal_code, created_at) \
         SELECT $2 || ' ' || CAST(i AS TEXT), $2 || ' ' || CAST(i AS TEXT) || ' AB', 'Stockholm', '111 22', $3 FROM n",
    )
    .bind(count)
    .bind(prefix)
    .bind(now_text())
    .execute(&mut *tx)
    .await?;
    let period_end = start + chrono::Months::new(1);
    sqlx::query(
        "INSERT INTO subscriptions (organisation_id, price_id, seats, anchor, period_start, period_end, status, auto_renew, created_at) \
         SELECT id, $1, 3, $2, $2, $3, 'active', 1, $4 FROM organisations WHERE name LIKE $5",
    )
    .bind(price)
    .bind(start.format("%Y-%m-%d").to_string())
    .bind(period_end.format("%Y-%m-%d").to_string())
    .bind(now_text())
    .bind(format!("{prefix} %"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
