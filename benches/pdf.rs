//! Rendering one invoice PDF (R-INV-6): template compile, layout and PDF/A
//! export, after warm-up. `cargo bench --features ssr --bench pdf`.

use billing_portal::config::Logo;
use billing_portal::pdf::{sample_document, Renderer};
use criterion::{criterion_group, criterion_main, Criterion};

fn render(c: &mut Criterion) {
    let renderer = Renderer::new(Some(Logo::bundled()));
    for lines in [3, 40] {
        let doc = sample_document(lines);
        c.bench_function(&format!("pdf: invoice with {lines} lines"), |b| {
            b.iter(|| renderer.render(&doc).expect("renders"))
        });
    }
    // A different document each time: what a list of downloads costs when
    // no two are the same.
    let mut n = 0u64;
    c.bench_function("pdf: a different 3-line invoice each time", |b| {
        b.iter(|| {
            n += 1;
            let mut doc = sample_document(3);
            doc.summary.number = format!("2026-{n:06}");
            renderer.render(&doc).expect("renders")
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
