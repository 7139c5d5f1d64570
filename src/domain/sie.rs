//! SIE 4 bookkeeping export (R-INV-8): the vendor's sales as vouchers
//! for Fortnox, Visma and the like, in SIE type 4I (an import file:
//! vouchers only, no balances), `#FORMAT PC8` — code page 437, CRLF.
//!
//! One voucher per issued document: the receivable (1510) against sales
//! per VAT rate and treatment (3001 at 25 % in Sweden, 3308 services to
//! another EU country, 3305 services outside the EU) and output VAT
//! (2611); a credit note is the same voucher reversed. One voucher per
//! payment received: the bank (1930), or the card and PayPal receivable
//! (1580) until the provider pays out, against 1510. Account credit used
//! on a later invoice needs no voucher of its own: the credit note (or
//! the overpayment) that made it already lowered 1510.
//!
//! Debits are positive, credits negative, in öre; every voucher sums to
//! zero ([`Voucher::balanced`]).

use crate::domain::vat::VatTreatment;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

pub const RECEIVABLES: u32 = 1510;
pub const CARD_RECEIVABLES: u32 = 1580;
pub const BANK: u32 = 1930;

/// The BAS accounts the export uses, with their BAS names.
const ACCOUNTS: [(u32, &str); 12] = [
    (1510, "Kundfordringar"),
    (1580, "Fordringar för kontokort och kuponger"),
    (1930, "Företagskonto/checkkonto/affärskonto"),
    (2611, "Utgående moms på försäljning inom Sverige, 25 %"),
    (2621, "Utgående moms på försäljning inom Sverige, 12 %"),
    (2631, "Utgående moms på försäljning inom Sverige, 6 %"),
    (3001, "Försäljning inom Sverige, 25 % moms"),
    (3002, "Försäljning inom Sverige, 12 % moms"),
    (3003, "Försäljning inom Sverige, 6 % moms"),
    (3004, "Försäljning inom Sverige, momsfri"),
    (3305, "Försäljning tjänster till land utanför EU"),
    (3308, "Försäljning tjänster till annat EU-land"),
];

/// An account's BAS name.
pub fn account_name(account: u32) -> &'static str {
    ACCOUNTS
        .iter()
        .find(|(n, _)| *n == account)
        .map_or("Konto", |(_, name)| name)
}

/// The sales account and the output VAT account of one VAT rate of a
/// document, under the buyer's treatment.
pub fn sales_accounts(treatment: &VatTreatment, rate: Decimal) -> (u32, u32) {
    match treatment {
        VatTreatment::ReverseCharge { .. } => (3308, 2611),
        VatTreatment::Export => (3305, 2611),
        VatTreatment::Domestic => match rate.round_dp(2) {
            r if r == Decimal::new(25, 2) => (3001, 2611),
            r if r == Decimal::new(12, 2) => (3002, 2621),
            r if r == Decimal::new(6, 2) => (3003, 2631),
            _ => (3004, 2611),
        },
    }
}

/// One VAT row of an issued document: its rate, base and VAT in öre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VatPart {
    pub rate: Decimal,
    pub base: i64,
    pub vat: i64,
}

/// A voucher: its date, its text and its rows (account, öre; debit
/// positive), one row per account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voucher {
    pub date: NaiveDate,
    pub text: String,
    pub rows: Vec<(u32, i64)>,
}

impl Voucher {
    fn new(date: NaiveDate, text: String) -> Voucher {
        Voucher {
            date,
            text,
            rows: Vec::new(),
        }
    }

    /// Adds `amount` to `account`'s row; zero adds nothing.
    fn post(&mut self, account: u32, amount: i64) {
        if amount == 0 {
            return;
        }
        match self.rows.iter_mut().find(|(a, _)| *a == account) {
            Some(row) => row.1 += amount,
            None => self.rows.push((account, amount)),
        }
        self.rows.retain(|(_, a)| *a != 0);
    }

    /// Debits equal credits.
    pub fn balanced(&self) -> bool {
        self.rows.iter().map(|(_, a)| a).sum::<i64>() == 0
    }
}

/// An issued document as booked: what kind, its number (and the invoice a
/// credit note corrects), its date, the buyer, its total and VAT rows.
pub struct BookedDocument<'a> {
    pub credit_note: bool,
    pub number: &'a str,
    pub corrects: Option<&'a str>,
    pub issue_date: NaiveDate,
    pub buyer: &'a str,
    pub treatment: &'a VatTreatment,
    pub total: i64,
    pub vat: &'a [VatPart],
}

/// The voucher of an issued document: 1510 against sales and VAT; a
/// credit note reversed. A document whose VAT rows do not add up to its
/// total is refused by name (it cannot be booked as stored).
pub fn document_voucher(d: &BookedDocument<'_>) -> Result<Voucher, String> {
    let text = match (d.credit_note, d.corrects) {
        (false, _) => format!("Faktura {} {}", d.number, d.buyer),
        (true, Some(invoice)) => format!("Kreditfaktura {} ({invoice}) {}", d.number, d.buyer),
        (true, None) => format!("Kreditfaktura {} {}", d.number, d.buyer),
    };
    let sign = if d.credit_note { -1 } else { 1 };
    let mut v = Voucher::new(d.issue_date, text);
    v.post(RECEIVABLES, sign * d.total);
    for part in d.vat {
        let (sales, vat) = sales_accounts(d.treatment, part.rate);
        v.post(sales, -sign * part.base);
        v.post(vat, -sign * part.vat);
    }
    if v.balanced() {
        Ok(v)
    } else {
        Err(format!(
            "{}: its VAT rows do not add up to its total",
            d.number
        ))
    }
}

/// How a payment came in, for the account it debits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Bank,
    /// Card or PayPal: a receivable on the provider until it pays out.
    Provider,
}

/// A payment received as booked.
pub struct BookedPayment<'a> {
    pub received: Received,
    pub date: NaiveDate,
    pub payer: &'a str,
    /// The invoice it paid, where it was allocated to one.
    pub invoice: Option<&'a str>,
    pub reference: &'a str,
    pub amount: i64,
}

/// The voucher of a payment: the bank (or the provider) against 1510.
///
/// A negative amount is a payment taken back (matched to the wrong
/// invoice): the same voucher reversed.
pub fn payment_voucher(p: &BookedPayment<'_>) -> Voucher {
    let what = if p.amount < 0 {
        "Återförd inbetalning"
    } else {
        "Inbetalning"
    };
    let text = match p.invoice {
        Some(invoice) => format!("{what} {invoice} {}", p.payer),
        None => format!("{what} {} {}", p.reference, p.payer),
    };
    let mut v = Voucher::new(p.date, text);
    let account = match p.received {
        Received::Bank => BANK,
        Received::Provider => CARD_RECEIVABLES,
    };
    v.post(account, p.amount);
    v.post(RECEIVABLES, -p.amount);
    v
}

/// Who the file is for and what it covers.
pub struct Header<'a> {
    pub company: &'a str,
    pub org_number: &'a str,
    pub program_version: &'a str,
    pub generated: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// What the file leaves out (documents in another currency), named in
    /// its `#PROSA` for the accountant who imports it.
    pub left_out: &'a [String],
}

/// The SIE 4I file of `vouchers`, encoded in code page 437 with CRLF line
/// ends. The financial years (`#RAR`) are calendar years: 0 is the year
/// of `to`, -1 the one before, for every year the period touches.
pub fn render(h: &Header<'_>, vouchers: &[Voucher]) -> Vec<u8> {
    let mut out = String::with_capacity(256 + vouchers.len() * 160);
    let mut line = |s: String| {
        out.push_str(&s);
        out.push_str("\r\n");
    };
    line("#FLAGGA 0".into());
    line("#FORMAT PC8".into());
    line("#SIETYP 4".into());
    line(format!(
        "#PROGRAM \"billing-portal\" {}",
        quoted(h.program_version)
    ));
    line(format!("#GEN {}", ymd(h.generated)));
    line(format!("#FNAMN {}", quoted(h.company)));
    line(format!("#ORGNR {}", quoted(h.org_number)));
    let mut prosa = format!("Försäljning {} – {}", h.from, h.to);
    if !h.left_out.is_empty() {
        prosa.push_str(&format!(
            "; ej med (annan valuta än SEK): {}",
            h.left_out.join(", ")
        ));
    }
    line(format!("#PROSA {}", quoted(&prosa)));
    let last = h.to.year();
    for year in (h.from.year().min(last)..=last).rev() {
        let (start, end) = (
            NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"),
            NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December"),
        );
        line(format!("#RAR {} {} {}", year - last, ymd(start), ymd(end)));
    }
    let used: BTreeSet<u32> = vouchers
        .iter()
        .flat_map(|v| v.rows.iter().map(|(a, _)| *a))
        .collect();
    for account in used {
        line(format!(
            "#KONTO {account} {}",
            quoted(account_name(account))
        ));
    }
    for v in vouchers {
        line(format!("#VER A \"\" {} {}", ymd(v.date), quoted(&v.text)));
        line("{".into());
        for (account, amount) in &v.rows {
            line(format!("   #TRANS {account} {{}} {}", kronor(*amount)));
        }
        line("}".into());
    }
    cp437::encode(&out)
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Öre as SIE writes amounts: kronor with a point and two decimals.
pub fn kronor(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A field in quotes, a quote or a backslash in it escaped (SIE reads a
/// backslash as "the next character as it is": a name ending in `\` would
/// otherwise swallow its closing quote), control characters (a line break
/// in a name) as spaces.
fn quoted(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            c if c.is_control() => q.push(' '),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Code page 437, the character set of `#FORMAT PC8`.
pub mod cp437 {
    /// The characters of bytes 0x80–0xFF.
    const HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

    /// The byte of a character; Norwegian and Danish ø become ö (not in
    /// the code page), any other character outside it a question mark.
    fn byte(c: char) -> u8 {
        if c.is_ascii() {
            return c as u8;
        }
        let c = match c {
            'ø' => 'ö',
            'Ø' => 'Ö',
            '–' | '—' => '-',
            c => c,
        };
        if c.is_ascii() {
            return c as u8;
        }
        HIGH.chars()
            .position(|h| h == c)
            .map_or(b'?', |i| 0x80 + i as u8)
    }

    pub fn encode(s: &str) -> Vec<u8> {
        s.chars().map(byte).collect()
    }

    pub fn decode(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|&b| {
                if b < 0x80 {
                    b as char
                } else {
                    HIGH.chars()
                        .nth(usize::from(b - 0x80))
                        .expect("128 characters")
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// 1 000 kr at 25 %.
    const SWEDISH_1000_KR: [VatPart; 1] = [VatPart {
        rate: Decimal::from_parts(25, 0, 0, false, 2),
        base: 100_000,
        vat: 25_000,
    }];

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn invoice(credit_note: bool, treatment: &VatTreatment, vat: &[VatPart]) -> Voucher {
        let total = vat.iter().map(|p| p.base + p.vat).sum();
        document_voucher(&BookedDocument {
            credit_note,
            number: "2026-000001",
            corrects: credit_note.then_some("2026-000001"),
            issue_date: day(16),
            buyer: "Åsa Öberg AB",
            treatment,
            total,
            vat,
        })
        .unwrap()
    }

    #[test]
    fn a_swedish_invoice_books_receivable_against_sales_and_output_vat() {
        let v = invoice(false, &VatTreatment::Domestic, &SWEDISH_1000_KR);
        assert_eq!(
            v.rows,
            vec![(1510, 125_000), (3001, -100_000), (2611, -25_000)]
        );
        assert!(v.balanced());
    }

    #[test]
    fn a_credit_note_is_the_invoice_reversed() {
        let parts = [
            VatPart {
                rate: dec!(0.25),
                base: 10_050,
                vat: 2_513,
            },
            VatPart {
                rate: dec!(0.12),
                base: 3_333,
                vat: 400,
            },
        ];
        let inv = invoice(false, &VatTreatment::Domestic, &parts);
        let cn = invoice(true, &VatTreatment::Domestic, &parts);
        let reversed: Vec<_> = inv.rows.iter().map(|(a, m)| (*a, -m)).collect();
        assert_eq!(cn.rows, reversed);
        assert!(cn.balanced() && inv.balanced());
        assert!(cn
            .text
            .starts_with("Kreditfaktura 2026-000001 (2026-000001)"));
    }

    #[test]
    fn reverse_charge_and_export_book_their_own_sales_accounts_without_vat() {
        let zero = [VatPart {
            rate: dec!(0),
            base: 49_000,
            vat: 0,
        }];
        let eu = invoice(
            false,
            &VatTreatment::ReverseCharge {
                buyer_vat: crate::domain::vat::VatNumber::parse(
                    "DE123456789",
                    &crate::domain::vat::Country::parse("DE").unwrap(),
                )
                .unwrap(),
            },
            &zero,
        );
        assert_eq!(eu.rows, vec![(1510, 49_000), (3308, -49_000)]);
        let export = invoice(false, &VatTreatment::Export, &zero);
        assert_eq!(export.rows, vec![(1510, 49_000), (3305, -49_000)]);
    }

    #[test]
    fn a_document_whose_vat_rows_miss_its_total_is_refused() {
        let e = document_voucher(&BookedDocument {
            credit_note: false,
            number: "2026-000009",
            corrects: None,
            issue_date: day(1),
            buyer: "X",
            treatment: &VatTreatment::Domestic,
            total: 125_001,
            vat: &SWEDISH_1000_KR,
        })
        .unwrap_err();
        assert!(e.contains("2026-000009"));
    }

    #[test]
    fn payments_debit_the_bank_or_the_providers_receivable() {
        let p = |received| {
            payment_voucher(&BookedPayment {
                received,
                date: day(20),
                payer: "Acme AB",
                invoice: Some("2026-000001"),
                reference: "ch_1",
                amount: 125_000,
            })
        };
        assert_eq!(
            p(Received::Bank).rows,
            vec![(1930, 125_000), (1510, -125_000)]
        );
        assert_eq!(
            p(Received::Provider).rows,
            vec![(1580, 125_000), (1510, -125_000)]
        );
    }

    #[test]
    fn kronor_have_two_decimals_and_a_sign() {
        assert_eq!(kronor(125_000), "1250.00");
        assert_eq!(kronor(-5), "-0.05");
        assert_eq!(kronor(0), "0.00");
        assert_eq!(kronor(-100_001), "-1000.01");
    }

    #[test]
    fn the_file_is_code_page_437_with_crlf() {
        let v = invoice(false, &VatTreatment::Domestic, &SWEDISH_1000_KR);
        let file = render(
            &Header {
                company: "Fakturaföretaget \"Ö\" AB",
                org_number: "556677-8899",
                program_version: "0.1.0",
                generated: day(29),
                from: NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
                to: day(30),
                left_out: &["2026-000002 (EUR)".to_string()],
            },
            &[v],
        );
        // å ä ö Å Ä Ö as code page 437 bytes, never as UTF-8.
        assert!(file.windows(2).all(|w| w != [0xC3, 0xB6]));
        assert!(file.contains(&0x94) && file.contains(&0x8F));
        let text = cp437::decode(&file);
        assert!(text.contains("#FNAMN \"Fakturaföretaget \\\"Ö\\\" AB\"\r\n"));
        assert!(text.contains("\"Faktura 2026-000001 Åsa Öberg AB\""));
        assert!(text.contains("; ej med (annan valuta än SEK): 2026-000002 (EUR)\"\r\n"));
        assert!(text.contains("#RAR 0 20260101 20261231\r\n#RAR -1 20250101 20251231\r\n"));
        assert!(text.contains("#KONTO 2611 \"Utgående moms på försäljning inom Sverige, 25 %\""));
        assert!(text.contains("   #TRANS 3001 {} -1000.00\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
    }

    /// A line's fields as a SIE reader splits them: spaces between fields,
    /// quotes around one, a backslash takes the next character as it is.
    fn fields(line: &str) -> Vec<String> {
        let (mut out, mut cur, mut quoted, mut escaped, mut any) =
            (Vec::new(), String::new(), false, false, false);
        for c in line.chars() {
            match c {
                _ if escaped => {
                    cur.push(c);
                    escaped = false;
                }
                '\\' => escaped = true,
                '"' => {
                    quoted = !quoted;
                    any = true;
                }
                ' ' if !quoted => {
                    if any || !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                c => cur.push(c),
            }
        }
        if any || !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    #[test]
    fn a_quote_or_backslash_in_a_name_reads_back_as_one_field() {
        for name in ["Ände \\", "A \\\" B", "\\", "C:\\dir \"x\""] {
            let line = format!("#FNAMN {}", quoted(name));
            assert_eq!(fields(&line), ["#FNAMN", name], "{line}");
        }
    }

    #[test]
    fn characters_outside_the_code_page_are_replaced_not_lost() {
        assert_eq!(cp437::decode(&cp437::encode("åäöÅÄÖéü")), "åäöÅÄÖéü");
        assert_eq!(cp437::decode(&cp437::encode("Bjørn – €")), "Björn - ?");
        for b in 0u8..=255 {
            assert_eq!(cp437::encode(&cp437::decode(&[b])), vec![b]);
        }
    }
}
