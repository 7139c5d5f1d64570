//! Measures the change planner and the invoice builder, the two domain calls
//! on every plan-change preview and confirm. `cargo bench --bench domain`.

use billing_portal::domain::catalog::PriceVersion;
use billing_portal::domain::change::{plan_change, ChangeRequest};
use billing_portal::domain::invoice::{totals, LineItem, LineKind};
use billing_portal::domain::money::{Currency, Money};
use billing_portal::domain::period::{period_containing, Interval};
use billing_portal::domain::subscription::{OrgTerms, Status, Subscription};
use billing_portal::domain::vat::VatTreatment;
use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn price(id: i64, name: &str, rank: i32, per_seat: i64) -> PriceVersion {
    PriceVersion {
        id,
        plan_id: id,
        plan_name: name.into(),
        plan_rank: rank,
        version: 1,
        currency: Currency::Sek,
        interval: Interval::Monthly,
        flat: Money::major(490, Currency::Sek),
        per_seat: Money::major(per_seat, Currency::Sek),
        min_seats: 2,
        seat_step: 1,
    }
}

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let anchor = NaiveDate::from_ymd_opt(2026, 1, 25).unwrap();
    let sub = Subscription {
        price: price(1, "Professional", 2, 299),
        seats: 12,
        anchor,
        period: period_containing(anchor, Interval::Monthly, today),
        status: Status::Active,
        commitment_end: None,
        auto_renew: true,
        scheduled: None,
        trial: None,
    };
    let req = ChangeRequest {
        price: price(2, "Business", 3, 549),
        seats: 12,
    };
    let terms = OrgTerms::default();
    c.bench_function("plan_change upgrade", |b| {
        b.iter(|| {
            plan_change(black_box(&sub), &terms, black_box(&req), &[1, 2], 12, today).unwrap()
        })
    });

    let lines: Vec<LineItem> = (0..20)
        .map(|i| LineItem {
            kind: LineKind::Plan {
                plan: "Professional".into(),
                seats: i,
            },
            covers: None,
            days: Some((18, 31)),
            quantity: i,
            unit_price: Money::new(29_900, Currency::Sek),
            amount: Money::new(29_900 * i64::from(i), Currency::Sek),
            vat_rate: None,
        })
        .collect();
    c.bench_function("invoice totals, 20 lines", |b| {
        b.iter(|| {
            totals(
                black_box(&lines),
                &VatTreatment::Domestic,
                Currency::Sek,
                Money::new(50_000, Currency::Sek),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
