//! Peppol BIS Billing 3.0 e-invoices (R-INV-8): every demo case's document,
//! downloaded as the customer downloads it, passes the official EN 16931
//! and OpenPeppol rules (`tests/fixtures/peppol`) with no fatal assertion,
//! run offline by SaxonJS (`end2end/peppol-validate.js`).

use crate::plan_changes::{confirm, plan_id, preview};
use crate::support::{both_databases, Client, TestApp};
use billing_portal::api::documents::{DocumentLine, DocumentSummary, DocumentView, VatRow};
use billing_portal::domain::invoice::{Buyer, DocumentStatus};
use billing_portal::domain::locale::Locale;
use billing_portal::domain::money::{Currency, Money};
use chrono::NaiveDate;
use rust_decimal_macros::dec;

/// The fatal assertions of both rule sets for each file, by file name.
fn fatal_assertions(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<serde_json::Value>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("ubl-{}-{}", std::process::id(), next_run()));
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<String> = files
        .iter()
        .map(|(name, bytes)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let out = std::process::Command::new("node")
        .arg(root.join("end2end/peppol-validate.js"))
        .arg(root.join("target/peppol"))
        .args(&paths)
        .output()
        .expect("node (.ci/setup.sh installs it; xslt3 comes with end2end's npm packages)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "the validator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = v["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (file, v["fatal"].as_array().unwrap().clone())
        })
        .collect()
}

fn next_run() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn ubl(app: &TestApp, c: &Client, number: &str) -> Vec<u8> {
    let r = c
        .http
        .get(app.url(&format!("/billing/invoices/{number}/ubl")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{number}");
    assert_eq!(r.headers()["content-type"], "application/xml");
    r.bytes().await.unwrap().to_vec()
}

async fn newest(app: &TestApp, org: &str, kind: &str) -> String {
    sqlx::query_scalar(
        "SELECT d.number FROM documents d JOIN organisations o ON o.id = d.organisation_id \
         WHERE o.name = $1 AND d.kind = $2 ORDER BY d.id DESC LIMIT 1",
    )
    .bind(org)
    .bind(kind)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

fn text(xml: &[u8]) -> String {
    String::from_utf8(xml.to_vec()).unwrap()
}

/// A document built by hand: two VAT rates and sixty lines (more than a
/// PDF page), the shapes the demo does not issue.
fn built(number: &str) -> DocumentView {
    let sek = |minor| Money::new(minor, Currency::Sek);
    let day = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let mut lines = Vec::new();
    for n in 0..60 {
        let (rate, amount) = if n % 2 == 0 {
            (dec!(0.25), 10_050)
        } else {
            (dec!(0.12), 3_333)
        };
        lines.push(DocumentLine {
            description: format!("Rad {n}: Professional, 16 nov. – 15 dec. 2026 <& \"citat\">"),
            period: Some((day, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap())),
            quantity: 3,
            unit_price: sek(amount / 3),
            vat_rate: rate,
            amount: sek(amount),
        });
    }
    let base25 = 30 * 10_050;
    let base12 = 30 * 3_333;
    let vat25 = base25 / 4;
    let vat12 = (base12 * 12 + 50) / 100;
    let subtotal = base25 + base12;
    let total = subtotal + vat25 + vat12;
    DocumentView {
        summary: DocumentSummary {
            credit_note: false,
            number: number.into(),
            corrects: None,
            credited_by: vec![],
            issue_date: day,
            due_date: day + chrono::Duration::days(30),
            status: DocumentStatus::Pending,
            total: sek(total),
            amount_due: sek(total - 5_000),
        },
        seller: billing_portal::config::seller_from_env(),
        buyer: Buyer {
            legal_name: "Åsa & Öberg AB".into(),
            address: "Storgatan 1".into(),
            postal_code: "411 38".into(),
            city: "Göteborg".into(),
            country: "SE".into(),
            vat_number: None,
            invoice_email: Some("faktura@asa.example".into()),
            org_number: Some("5560360793".into()),
        },
        lines,
        subtotal: sek(subtotal),
        vat: vec![
            VatRow {
                rate: dec!(0.25),
                base: sek(base25),
                vat: sek(vat25),
            },
            VatRow {
                rate: dec!(0.12),
                base: sek(base12),
                vat: sek(vat12),
            },
        ],
        credit_applied: sek(5_000),
        vat_note: None,
        ocr: Some(
            billing_portal::domain::ocr::OcrReference::for_document(2026, 777)
                .as_str()
                .to_string(),
        ),
        payment_terms_days: 30,
        locale: Locale::Sv,
        settlements: vec![],
        attempts: vec![],
    }
}

/// The documents of the VAT cases the demo does not issue by itself.
pub(crate) struct VatCases {
    /// Acme's upgrade: a new invoice at 25 %, and the credit note of the
    /// invoice it replaces.
    pub upgrade: String,
    pub credit_note: String,
    /// An EU business with a VAT number (reverse charge): Småföretaget
    /// moves to Germany, then upgrades; and its billing owner.
    pub reverse: String,
    pub sara: Client,
}

pub(crate) async fn vat_cases(app: &TestApp, anna: &Client) -> VatCases {
    let business = plan_id(app, "business").await;
    let p = preview(app, anna, business, "monthly", 6).await.unwrap();
    let outcome = confirm(app, anna, &p).await.unwrap();
    sqlx::query(
        "UPDATE organisations SET country = 'DE', vat_number = 'DE123456789', city = 'Berlin', \
         postal_code = '10115' WHERE name = 'Småföretaget AB'",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let sara = app.login("sara@smaforetaget.example").await;
    let professional = plan_id(app, "professional").await;
    let p = preview(app, &sara, professional, "monthly", 2)
        .await
        .unwrap();
    let reverse = confirm(app, &sara, &p).await.unwrap().invoice.unwrap();
    VatCases {
        upgrade: outcome.invoice.unwrap(),
        credit_note: outcome.credit_note.expect("a credit note"),
        reverse,
        sara,
    }
}

both_databases!(every_demo_case_is_a_valid_peppol_document);
async fn every_demo_case_is_a_valid_peppol_document(app: TestApp) {
    // Swedish buyer: 25 % (S).
    let anna = app.login("anna@acme.example").await;
    let acme_invoice = newest(&app, "Acme AB", "invoice").await;
    let VatCases {
        upgrade,
        credit_note,
        reverse,
        sara,
    } = vat_cases(&app, &anna).await;
    // Outside the EU (Norway): export, 0 % (G).
    let ola = app.login("ola@nordlys.example").await;
    let nordlys = newest(&app, "Nordlys AS", "invoice").await;

    let files = vec![
        ("se.xml".to_string(), ubl(&app, &anna, &acme_invoice).await),
        (
            "se-upgrade.xml".to_string(),
            ubl(&app, &anna, &upgrade).await,
        ),
        (
            "credit-note.xml".to_string(),
            ubl(&app, &anna, &credit_note).await,
        ),
        ("export.xml".to_string(), ubl(&app, &ola, &nordlys).await),
        (
            "reverse-charge.xml".to_string(),
            ubl(&app, &sara, &reverse).await,
        ),
        (
            "two-rates-sixty-lines.xml".to_string(),
            billing_portal::ubl::render(&built("2026-000777")).unwrap(),
        ),
    ];
    // What each case must say.
    let doc = |name: &str| text(&files.iter().find(|f| f.0 == name).unwrap().1);
    assert!(doc("se.xml").contains("<cbc:ID>S</cbc:ID>"));
    assert!(
        doc("se.xml").contains(r#"<cbc:EndpointID schemeID="0007">5566778899</cbc:EndpointID>"#)
    );
    assert!(doc("se.xml").contains("Godkänd för F-skatt"));
    assert!(
        doc("se.xml").contains("<cbc:PaymentMeansCode name=\"Bankgiro\">30</cbc:PaymentMeansCode>")
    );
    let cn = doc("credit-note.xml");
    assert!(cn.contains("<CreditNote") && cn.contains("<cbc:CreditNoteTypeCode>381"));
    let reference = &cn[cn
        .find("<cac:InvoiceDocumentReference>")
        .expect("a billing reference")..];
    assert!(reference.contains(&format!("<cbc:ID>{acme_invoice}</cbc:ID>")));
    assert!(doc("export.xml").contains("<cbc:ID>G</cbc:ID>"));
    assert!(doc("export.xml").contains("VATEX-EU-G"));
    let rc = doc("reverse-charge.xml");
    assert!(rc.contains("<cbc:ID>AE</cbc:ID>") && rc.contains("VATEX-EU-AE"));
    assert!(rc.contains("DE123456789") && rc.contains("SE556677889901"));
    assert!(doc("two-rates-sixty-lines.xml").contains("&lt;&amp; &quot;citat&quot;&gt;"));
    // The official examples pass too: a validator that finds nothing
    // wrong with anything would pass our files as well.
    let mut all = files.clone();
    for example in ["base-example.xml", "base-creditnote-correction.xml"] {
        let path = format!(
            "{}/tests/fixtures/peppol/{example}",
            env!("CARGO_MANIFEST_DIR")
        );
        all.push((example.to_string(), std::fs::read(path).unwrap()));
    }
    let mut broken = std::fs::read(format!(
        "{}/tests/fixtures/peppol/base-example.xml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    broken = text(&broken)
        .replace("<cbc:InvoiceTypeCode>380<", "<cbc:InvoiceTypeCode>999<")
        .into_bytes();
    all.push(("broken.xml".to_string(), broken));
    let results = fatal_assertions(&all);
    assert_eq!(results.len(), all.len(), "a result per file");
    for (file, fatal) in &results {
        if file == "broken.xml" {
            assert!(!fatal.is_empty(), "the validator finds a wrong type code");
        } else {
            assert!(
                fatal.is_empty(),
                "{file}: {fatal:#?}\n{}",
                text(&all.iter().find(|f| &f.0 == file).unwrap().1)
            );
        }
    }
    // Another organisation's number is not found.
    let r = ola
        .http
        .get(app.url(&format!("/billing/invoices/{acme_invoice}/ubl")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
