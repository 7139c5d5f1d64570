//! Rendering one invoice as a Peppol UBL e-invoice (R-INV-8), the same
//! sample documents as the PDF benchmark. `cargo bench --features ssr --bench ubl`.

use billing_portal::pdf::sample_document;
use criterion::{criterion_group, criterion_main, Criterion};

fn render(c: &mut Criterion) {
    for lines in [3, 40] {
        let doc = sample_document(lines);
        c.bench_function(&format!("ubl: invoice with {lines} lines"), |b| {
            b.iter(|| billing_portal::ubl::render(&doc).expect("renders"))
        });
    }
}

criterion_group!(benches, render);
criterion_main!(benches);
