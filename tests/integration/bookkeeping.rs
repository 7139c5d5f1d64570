//! The SIE 4 bookkeeping export (R-INV-8): the operator downloads a
//! period's sales and payments, and a small SIE reader (here, not the
//! writer's code) reads it back: every voucher balances, the receivables
//! account ends where the documents and payments say, each VAT case has
//! its sales account, credit notes are reversed, and å, ä, ö survive code
//! page 437.

use crate::console::{operator, OPERATOR, SUPPORT};
use crate::einvoice::{vat_cases, VatCases};
use crate::support::{both_databases, TestApp};
use billing_portal::domain::money::{Currency, Money};
use billing_portal::domain::party::Party;
use billing_portal::services::bank::{self, Recording};
use std::collections::BTreeMap;

/// A voucher as read back: its date, text and (account, öre) rows.
#[derive(Debug)]
struct ReadVoucher {
    date: String,
    text: String,
    rows: Vec<(u32, i64)>,
}

/// An SIE file as read back: its label lines (`#FORMAT` → ["PC8"]) and
/// vouchers.
#[derive(Debug, Default)]
struct SieFile {
    labels: Vec<(String, Vec<String>)>,
    vouchers: Vec<ReadVoucher>,
}

impl SieFile {
    fn label(&self, name: &str) -> Vec<&Vec<String>> {
        self.labels
            .iter()
            .filter(|(l, _)| l == name)
            .map(|(_, f)| f)
            .collect()
    }
}

/// Code page 437's upper half, written out here again so the reader does
/// not trust the writer's table.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// A line's fields: words, "quoted strings" (with \" inside) and {lists}.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => s.push(chars.next().expect("an escaped character")),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
            '{' => {
                let mut s = String::new();
                for c in chars.by_ref() {
                    s.push(c);
                    if c == '}' {
                        break;
                    }
                }
                out.push(s);
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c == ' ' || c == '\t' {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(s);
            }
        }
    }
    out
}

/// Öre from an SIE amount ("-1250.00", "12.5", "3").
fn ore(amount: &str) -> i64 {
    let (neg, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let frac = format!("{frac:0<2}");
    assert_eq!(frac.len(), 2, "{amount}: at most two decimals");
    let v = whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
    if neg {
        -v
    } else {
        v
    }
}

fn read_sie(bytes: &[u8]) -> SieFile {
    let text: String = bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                CP437_HIGH.chars().nth(usize::from(b - 0x80)).unwrap()
            }
        })
        .collect();
    assert!(text.ends_with("\r\n"), "the last line ends with CRLF");
    let mut file = SieFile::default();
    let mut open: Option<ReadVoucher> = None;
    let mut in_block = false;
    for line in text.strip_suffix("\r\n").unwrap().split("\r\n") {
        assert!(!line.contains('\n'), "a bare LF in {line:?}");
        let f = fields(line.trim());
        match f.first().map(String::as_str) {
            Some("#VER") => {
                assert!(open.is_none(), "a voucher inside a voucher");
                open = Some(ReadVoucher {
                    date: f[3].clone(),
                    text: f.get(4).cloned().unwrap_or_default(),
                    rows: Vec::new(),
                });
            }
            Some("{") => in_block = true,
            Some("}") => {
                assert!(in_block);
                in_block = false;
                file.vouchers.push(open.take().expect("a #VER before {"));
            }
            Some("#TRANS") => {
                assert!(in_block, "#TRANS outside a voucher");
                let account = f[1].parse().unwrap();
                assert_eq!(f[2], "{}", "no objects");
                open.as_mut().unwrap().rows.push((account, ore(&f[3])));
            }
            Some(label) if label.starts_with('#') => {
                assert!(open.is_none(), "{label} inside a voucher");
                file.labels.push((label.to_string(), f[1..].to_vec()));
            }
            other => panic!("an unknown line {other:?}"),
        }
    }
    assert!(open.is_none() && !in_block, "an unclosed voucher");
    file
}

async fn sum(app: &TestApp, sql: &str) -> i64 {
    app.scalar(&format!(
        "SELECT CAST(COALESCE(SUM(x), 0) AS BIGINT) FROM ({sql}) AS s"
    ))
    .await
}

async fn total(app: &TestApp, number: &str) -> i64 {
    app.scalar(&format!(
        "SELECT total_minor FROM documents WHERE number = '{number}'"
    ))
    .await
}

both_databases!(the_sie_export_books_every_document_and_payment_and_balances);
async fn the_sie_export_books_every_document_and_payment_and_balances(app: TestApp) {
    let today = app.now().date_naive();
    // Acme's upgrade (a credit note, reversed, and an invoice at 25 %) and
    // Småföretaget's reverse-charge invoice from Germany.
    let anna = app.login("anna@acme.example").await;
    let VatCases {
        upgrade,
        credit_note,
        reverse,
        ..
    } = vat_cases(&app, &anna).await;
    // A bank payment of part of the upgrade invoice, by its OCR reference.
    let ocr: String = sqlx::query_scalar("SELECT ocr FROM documents WHERE number = $1")
        .bind(&upgrade)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    bank::record(
        &app.db,
        &Party::Command,
        &Recording {
            key: "sie-test".into(),
            date: today,
            amount: Money::new(10_000, Currency::Sek),
            reference: ocr,
            payer: Some("Acme AB".into()),
        },
    )
    .await
    .unwrap();
    // A document in euros: not booked in kronor, named in the file.
    sqlx::query(
        "INSERT INTO documents (organisation_id, kind, number, series_year, seq, issue_date, due_date, status, \
         currency, subtotal_minor, vat_minor, total_minor, credit_applied_minor, amount_due_minor, buyer, created_at) \
         SELECT organisation_id, kind, 'EUR-000001', series_year, 999999, issue_date, due_date, status, 'EUR', \
         subtotal_minor, vat_minor, total_minor, credit_applied_minor, amount_due_minor, buyer, created_at \
         FROM documents WHERE number = $1",
    )
    .bind(&upgrade)
    .execute(&app.db.pool)
    .await
    .unwrap();

    let from = today - chrono::Duration::days(400);
    let to = today + chrono::Duration::days(1);
    let path = format!("/ops/export/sie?from={from}&to={to}");
    let op = operator(&app, OPERATOR).await;
    let r = op.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/plain; charset=IBM437");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".si\""));
    let bytes = r.bytes().await.unwrap().to_vec();
    // Code page 437, not UTF-8: ö is 0x94, å 0x86.
    assert!(bytes.contains(&0x94) && bytes.contains(&0x86));
    assert!(!bytes
        .windows(2)
        .any(|w| w == [0xC3, 0xA5] || w == [0xC3, 0xB6]));
    let file = read_sie(&bytes);

    // The header.
    for (label, first) in [
        ("#FLAGGA", "0"),
        ("#FORMAT", "PC8"),
        ("#SIETYP", "4"),
        ("#PROGRAM", "billing-portal"),
        ("#ORGNR", "556677-8899"),
    ] {
        assert_eq!(file.label(label).len(), 1, "{label} once");
        assert_eq!(file.label(label)[0][0], first, "{label}");
    }
    let stockholm_today = app.now().with_timezone(&chrono_tz::Europe::Stockholm);
    assert_eq!(
        file.label("#GEN")[0][0],
        stockholm_today.format("%Y%m%d").to_string()
    );
    assert!(!file.label("#FNAMN")[0][0].is_empty());
    let rar0 = &file.label("#RAR")[0];
    assert_eq!(rar0[0], "0");
    assert_eq!(rar0[1], format!("{}0101", to.format("%Y")));
    let prosa = &file.label("#PROSA")[0][0];
    assert!(prosa.contains("EUR-000001 (EUR)"), "{prosa}");

    // Every voucher balances; every account used is named by #KONTO.
    let named: Vec<u32> = file
        .label("#KONTO")
        .iter()
        .map(|f| f[0].parse().unwrap())
        .collect();
    let mut per_account: BTreeMap<u32, i64> = BTreeMap::new();
    for v in &file.vouchers {
        assert_eq!(
            v.rows.iter().map(|(_, a)| a).sum::<i64>(),
            0,
            "{v:?} balances"
        );
        assert_eq!(v.date.len(), 8);
        for (account, amount) in &v.rows {
            assert!(named.contains(account), "#KONTO {account}");
            *per_account.entry(*account).or_default() += amount;
        }
    }
    // One voucher per document in kronor and per payment in kronor.
    let range = format!("BETWEEN '{from}' AND '{to}'");
    let documents = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM documents WHERE currency = 'SEK' AND issue_date {range}"
        ))
        .await;
    let payments = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM payments WHERE currency = 'SEK' AND received_on {range}"
        ))
        .await;
    assert!(documents >= 4 && payments >= 1);
    assert_eq!(file.vouchers.len() as i64, documents + payments);
    assert!(!file.vouchers.iter().any(|v| v.text.contains("EUR-000001")));

    // 1510 ends at what was invoiced less what was credited and paid.
    let invoiced = sum(&app, &format!("SELECT total_minor AS x FROM documents WHERE currency = 'SEK' AND kind = 'invoice' AND issue_date {range}")).await;
    let credited = sum(&app, &format!("SELECT total_minor AS x FROM documents WHERE currency = 'SEK' AND kind = 'credit_note' AND issue_date {range}")).await;
    let paid = sum(
        &app,
        &format!(
            "SELECT amount_minor AS x FROM payments WHERE currency = 'SEK' AND received_on {range}"
        ),
    )
    .await;
    assert_eq!(per_account[&1510], invoiced - credited - paid);
    // Output VAT is the VAT of the documents, credit notes less.
    let vat = sum(&app, &format!("SELECT CASE kind WHEN 'invoice' THEN vat_minor ELSE -vat_minor END AS x FROM documents WHERE currency = 'SEK' AND issue_date {range}")).await;
    assert_eq!(per_account[&2611], -vat);

    // Each case's voucher.
    let voucher = |number: &str| {
        // By the number as a word: CN2027-000001 contains 2027-000001.
        file.vouchers
            .iter()
            .find(|v| v.text.split(' ').nth(1) == Some(number))
            .unwrap_or_else(|| panic!("a voucher of {number}"))
    };
    let up = voucher(&upgrade);
    assert!(up.text.starts_with("Faktura") && up.text.contains("Acme AB"));
    assert_eq!(up.rows[0], (1510, total(&app, &upgrade).await));
    assert!(up.rows.iter().any(|(a, m)| *a == 3001 && *m < 0));
    let cn = voucher(&credit_note);
    assert!(cn.text.starts_with("Kreditfaktura"));
    assert_eq!(cn.rows[0], (1510, -total(&app, &credit_note).await));
    assert!(cn.rows.iter().any(|(a, m)| *a == 3001 && *m > 0));
    assert!(cn.rows.iter().any(|(a, m)| *a == 2611 && *m > 0));
    let rc = voucher(&reverse);
    assert!(rc.text.contains("Småföretaget AB"), "{}", rc.text);
    assert_eq!(
        rc.rows,
        vec![
            (1510, total(&app, &reverse).await),
            (3308, -total(&app, &reverse).await)
        ]
    );
    let nordlys = file
        .vouchers
        .iter()
        .find(|v| v.text.contains("Nordlys AS"))
        .expect("Nordlys' invoice");
    assert!(nordlys.rows.iter().any(|(a, m)| *a == 3305 && *m < 0));
    assert!(!nordlys.rows.iter().any(|(a, _)| *a == 2611));
    // The card charge of the upgrade invoice is on the provider's
    // receivable; the bank payment (beyond what was owed) on the bank.
    let card = file
        .vouchers
        .iter()
        .find(|v| v.text == format!("Inbetalning {upgrade} Acme AB"))
        .expect("the card payment's voucher");
    assert_eq!(card.rows[0].0, 1580);
    let bank = file
        .vouchers
        .iter()
        .filter(|v| v.text.ends_with(" Acme AB") && v.rows.iter().any(|(a, _)| *a == 1930))
        .collect::<Vec<_>>();
    assert_eq!(bank.len(), 1, "{bank:?}");
    assert_eq!(bank[0].rows, vec![(1930, 10_000), (1510, -10_000)]);
    assert!(bank[0].text.starts_with("Inbetalning "));

    // Support reads, but not the whole ledger; customers and strangers
    // never; a wrong period says what to fix.
    let support = operator(&app, SUPPORT).await;
    let r = support.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = anna.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 303, "a customer's session is no operator's");
    let r = app
        .anonymous()
        .http
        .get(app.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/ops/login");
    for (q, says) in [
        (
            format!("from={to}&to={from}"),
            "the last day comes on or after the first",
        ),
        (format!("from=1.11.2026&to={to}"), "use YYYY-MM-DD"),
        ("".to_string(), "use YYYY-MM-DD"),
        (format!("from=2020-01-01&to={to}"), "at most two years"),
    ] {
        let r = op
            .http
            .get(app.url(&format!("/ops/export/sie?{q}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{q}");
        assert!(r.text().await.unwrap().contains(says), "{q}");
    }
}
