//! Bankgirot's BgMax file of incoming payments (R-PAY-3): parsed whole or
//! refused whole, with the line and the reason. Records are 80 characters
//! of ISO-8859-1; a shorter line is read as padded with spaces, and a tab
//! as spaces to the next multiple of eight (Bankgirot's own example file
//! has both). Record types the manual defines but this portal has no use
//! for, and unknown ones, are skipped as the format allows.
//!
//! Checked: the file starts with an 01 record naming layout BGMAX and ends
//! with a 70 record whose counts of payments, deductions, extra references
//! and deposits are the file's; each deposit (05 … 15) sums and counts to
//! its 15 record.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgMaxFile {
    /// Written at, as the file says (`YYYYMMDDHHMMSSffffff`).
    pub written_at: String,
    /// `T`: a test file; `P`: production.
    pub test: bool,
    pub deposits: Vec<Deposit>,
}

/// One deposit to the receiver's bankgiro: its payments and its total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deposit {
    pub bankgiro: String,
    pub currency: String,
    pub account: String,
    pub date: NaiveDate,
    pub serial: u32,
    /// In öre: the payments less the deductions.
    pub amount_minor: i64,
    pub payments: Vec<BgPayment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgPayment {
    /// A deduction (record 21) takes money off the deposit.
    pub deduction: bool,
    pub sender_bankgiro: String,
    /// The payment's reference, then any extra ones (records 22 and 23).
    pub references: Vec<String>,
    /// In öre, always positive; a deduction counts negative in its deposit.
    pub amount_minor: i64,
    /// Bankgirot's reference code: 2 is a checked OCR reference.
    pub reference_code: u8,
    pub channel: u8,
    /// Bankgirot's serial number of the payment: unique, so a file imported
    /// twice adds nothing.
    pub bgc_serial: String,
    /// Free text (records 25).
    pub information: Vec<String>,
    pub payer_name: Option<String>,
    pub payer_org_number: Option<String>,
}

/// Why a file is refused: the line (from 1) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct BgMaxError {
    pub line: usize,
    pub message: String,
}

/// One 80-character record: tabs expanded, padded with spaces.
fn record(raw: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(80);
    for c in raw.chars() {
        if c == '\t' {
            out.push(' ');
            while out.len() % 8 != 0 {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    while out.len() < 80 {
        out.push(' ');
    }
    out
}

/// Field at 1-based positions `from..=to`, as the manual numbers them.
fn field(r: &[char], from: usize, to: usize) -> String {
    r.get(from - 1..to.min(r.len()))
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

struct Reader {
    line: usize,
}

impl Reader {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, BgMaxError> {
        Err(BgMaxError {
            line: self.line,
            message: message.into(),
        })
    }

    /// A field that must be digits only, as text.
    fn digits(&self, r: &[char], from: usize, to: usize, what: &str) -> Result<String, BgMaxError> {
        let text = field(r, from, to);
        if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
            return self.err(format!(
                "{what} (positions {from}–{to}) must be digits, not '{}'",
                text.trim()
            ));
        }
        Ok(text)
    }

    fn number(&self, r: &[char], from: usize, to: usize, what: &str) -> Result<i64, BgMaxError> {
        self.digits(r, from, to, what)?
            .parse()
            .or_else(|_| self.err(format!("{what} (positions {from}–{to}) is too large")))
    }

    fn digit(&self, r: &[char], at: usize, what: &str) -> Result<u8, BgMaxError> {
        Ok(self.number(r, at, at, what)? as u8)
    }
}

fn text(r: &[char], from: usize, to: usize) -> Option<String> {
    let t = field(r, from, to).trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// Parses a BgMax file as its bytes (ISO-8859-1).
pub fn parse(bytes: &[u8]) -> Result<BgMaxFile, BgMaxError> {
    // ISO-8859-1: every byte is the character of that code.
    let content: String = bytes.iter().map(|&b| b as char).collect();
    let lines: Vec<&str> = content
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    let mut rd = Reader { line: 0 };
    let mut file: Option<BgMaxFile> = None;
    let mut open: Option<Deposit> = None;
    let mut ended = false;
    let (mut payments, mut deductions, mut extra_refs) = (0i64, 0i64, 0i64);
    for (i, raw) in lines.iter().enumerate() {
        rd.line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        if ended {
            return rd.err("nothing may follow the end record (70)");
        }
        let r = record(raw);
        if r.len() > 80 {
            return rd.err(format!("a record has 80 characters, this one {}", r.len()));
        }
        let kind = field(&r, 1, 2);
        if file.is_none() && kind != "01" {
            return rd.err("a BgMax file starts with a start record (01)");
        }
        match kind.as_str() {
            "01" => {
                if file.is_some() {
                    return rd.err("a second start record (01)");
                }
                if field(&r, 3, 22).trim() != "BGMAX" {
                    return rd.err("the layout (positions 3–22) must be BGMAX");
                }
                let mark = field(&r, 45, 45);
                if mark != "T" && mark != "P" {
                    return rd.err("the test mark (position 45) must be T or P");
                }
                file = Some(BgMaxFile {
                    written_at: rd.digits(&r, 25, 44, "the time written")?,
                    test: mark == "T",
                    deposits: Vec::new(),
                });
            }
            "05" => {
                if open.is_some() {
                    return rd.err("a deposit (05) opened before the last one closed (15)");
                }
                rd.number(&r, 3, 12, "the receiving bankgiro")?;
                open = Some(Deposit {
                    bankgiro: field(&r, 3, 12),
                    currency: field(&r, 23, 25),
                    account: String::new(),
                    date: NaiveDate::MIN,
                    serial: 0,
                    amount_minor: 0,
                    payments: Vec::new(),
                });
            }
            "20" | "21" => {
                let Some(d) = open.as_mut() else {
                    return rd.err("a payment outside a deposit (05 … 15)");
                };
                let deduction = kind == "21";
                if deduction {
                    deductions += 1;
                } else {
                    payments += 1;
                }
                let reference = field(&r, 13, 37).trim().to_string();
                d.payments.push(BgPayment {
                    deduction,
                    sender_bankgiro: field(&r, 3, 12),
                    references: if reference.is_empty() {
                        vec![]
                    } else {
                        vec![reference]
                    },
                    amount_minor: rd.number(&r, 38, 55, "the amount")?,
                    reference_code: rd.digit(&r, 56, "the reference code")?,
                    channel: rd.digit(&r, 57, "the payment channel")?,
                    bgc_serial: field(&r, 58, 69),
                    information: Vec::new(),
                    payer_name: None,
                    payer_org_number: None,
                });
            }
            "22" | "23" => {
                extra_refs += 1;
                let Some(p) = open.as_mut().and_then(|d| d.payments.last_mut()) else {
                    return rd.err("an extra reference (22/23) with no payment before it");
                };
                rd.number(&r, 38, 55, "the amount")?;
                if let Some(reference) = text(&r, 13, 37) {
                    p.references.push(reference);
                }
            }
            "25" | "26" | "27" | "28" | "29" => {
                let Some(p) = open.as_mut().and_then(|d| d.payments.last_mut()) else {
                    return rd.err(format!("a record {kind} with no payment before it"));
                };
                match kind.as_str() {
                    "25" => p.information.extend(text(&r, 3, 52)),
                    "26" => p.payer_name = text(&r, 3, 37),
                    "29" => p.payer_org_number = text(&r, 3, 14),
                    _ => {}
                }
            }
            "15" => {
                let Some(mut d) = open.take() else {
                    return rd.err("a deposit end (15) with no deposit open (05)");
                };
                d.account = field(&r, 3, 37);
                let day = field(&r, 38, 45);
                d.date = match NaiveDate::parse_from_str(&day, "%Y%m%d") {
                    Ok(date) => date,
                    Err(_) => return rd.err(format!("the payment date '{day}' is not a date")),
                };
                d.serial = rd.number(&r, 46, 50, "the deposit serial number")? as u32;
                d.amount_minor = rd.number(&r, 51, 68, "the deposit amount")?;
                if field(&r, 69, 71) != d.currency {
                    return rd.err("the deposit's currency differs from its opening (05)");
                }
                let count = rd.number(&r, 72, 79, "the number of payments")?;
                let Some(sum) = d.payments.iter().try_fold(0i64, |acc, p| {
                    if p.deduction {
                        acc.checked_sub(p.amount_minor)
                    } else {
                        acc.checked_add(p.amount_minor)
                    }
                }) else {
                    return rd.err("the deposit's payments add up to more than can be counted");
                };
                if count != d.payments.len() as i64 {
                    return rd.err(format!(
                        "the deposit says {count} payments, it holds {}",
                        d.payments.len()
                    ));
                }
                if sum != d.amount_minor {
                    return rd.err(format!(
                        "the deposit says {} öre, its payments sum to {sum}",
                        d.amount_minor
                    ));
                }
                if let Some(f) = file.as_mut() {
                    f.deposits.push(d);
                }
            }
            "70" => {
                if open.is_some() {
                    return rd.err("the file ends (70) inside a deposit");
                }
                let deposits = file.as_ref().map_or(0, |f| f.deposits.len() as i64);
                for (from, what, counted) in [
                    (3, "payments", payments),
                    (11, "deductions", deductions),
                    (19, "extra references", extra_refs),
                    (27, "deposits", deposits),
                ] {
                    let said = rd.number(&r, from, from + 7, &format!("the number of {what}"))?;
                    if said != counted {
                        return rd.err(format!("the file says {said} {what}, it holds {counted}"));
                    }
                }
                ended = true;
            }
            // Other record types are skipped, as the format allows.
            _ => {}
        }
    }
    match (file, ended) {
        (Some(f), true) => Ok(f),
        _ => Err(BgMaxError {
            line: lines.len(),
            message: "the file has no end record (70)".into(),
        }),
    }
}

/// A bankgiro number as digits without leading zeros: `991-2346` and the
/// file's `0009912346` are the same account.
pub fn bankgiro_digits(bankgiro: &str) -> String {
    let digits: String = bankgiro.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').to_string()
}

/// Parses a file of payments to `receiver` (the seller's bankgiro) that
/// may settle invoices: a test file (Bankgirot's test mark `T`) or a
/// deposit to another bankgiro is refused whole, naming the line, since its
/// money never reached the seller's account.
pub fn parse_for(bytes: &[u8], receiver: &str) -> Result<BgMaxFile, BgMaxError> {
    let file = parse(bytes)?;
    if file.test {
        return Err(BgMaxError {
            line: 1,
            message: "this is a test file (test mark T in position 45): its payments never \
                      happened; import the production file (P)"
                .into(),
        });
    }
    let want = bankgiro_digits(receiver);
    // The lines of the deposits' opening records, in order.
    let openings = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| l.starts_with(b"05"))
        .map(|(i, _)| i + 1);
    for (deposit, line) in file.deposits.iter().zip(openings) {
        if bankgiro_digits(&deposit.bankgiro) != want {
            return Err(BgMaxError {
                line,
                message: format!(
                    "this deposit is to bankgiro {}, not this seller's ({receiver}): \
                     its payments belong to another account",
                    deposit.bankgiro.trim_start_matches('0')
                ),
            });
        }
    }
    Ok(file)
}

/// Writes a BgMax file (for tests and examples): the inverse of [`parse`]
/// for everything `parse` keeps.
pub fn write(file: &BgMaxFile) -> Vec<u8> {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&format!("{s:<80}"));
        out.push_str("\r\n");
    };
    line(format!(
        "01{:<20}01{:<20}{}",
        "BGMAX",
        file.written_at,
        if file.test { "T" } else { "P" }
    ));
    let (mut payments, mut deductions, mut extra) = (0, 0, 0);
    for d in &file.deposits {
        line(format!("05{:<10}{:<10}{:<3}", d.bankgiro, "", d.currency));
        for p in &d.payments {
            if p.deduction {
                deductions += 1;
            } else {
                payments += 1;
            }
            let first = p.references.first().map(String::as_str).unwrap_or("");
            line(format!(
                "{}{:<10}{:>25}{:018}{}{}{:<12}0",
                if p.deduction { "21" } else { "20" },
                p.sender_bankgiro,
                first,
                p.amount_minor,
                p.reference_code,
                p.channel,
                p.bgc_serial
            ));
            for extra_ref in p.references.iter().skip(1) {
                extra += 1;
                line(format!(
                    "22{:<10}{:>25}{:018}{}{}{:<12}0",
                    p.sender_bankgiro, extra_ref, 0, p.reference_code, p.channel, p.bgc_serial
                ));
            }
            for info in &p.information {
                line(format!("25{info:<50}"));
            }
            if let Some(name) = &p.payer_name {
                line(format!("26{name:<35}"));
            }
            if let Some(org) = &p.payer_org_number {
                line(format!("29{org:<12}"));
            }
        }
        line(format!(
            "15{:<35}{}{:05}{:018}{:<3}{:08} ",
            d.account,
            d.date.format("%Y%m%d"),
            d.serial,
            d.amount_minor,
            d.currency,
            d.payments.len()
        ));
    }
    line(format!(
        "70{payments:08}{deductions:08}{extra:08}{:08}",
        file.deposits.len()
    ));
    // ISO-8859-1 out: characters above U+00FF cannot be written.
    out.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// ISO-8859-1 both ways, as the files are.
    fn latin1(b: &[u8]) -> String {
        b.iter().map(|&c| c as char).collect()
    }

    fn bytes(s: &str) -> Vec<u8> {
        s.chars().map(|c| c as u32 as u8).collect()
    }

    const EXAMPLE: &[u8] = include_bytes!(
        "../../tests/fixtures/bgmax/bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"
    );

    #[test]
    fn bankgirots_example_file_parses_to_its_deposits_and_payments() {
        let f = parse(EXAMPLE).unwrap();
        assert!(!f.test);
        assert_eq!(f.written_at, "20040525173035010331");
        assert_eq!(f.deposits.len(), 2);
        let (a, b) = (&f.deposits[0], &f.deposits[1]);
        assert_eq!(
            (a.bankgiro.as_str(), a.currency.as_str()),
            ("0009912346", "SEK")
        );
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2004, 5, 25).unwrap());
        assert_eq!(
            (a.serial, a.amount_minor, a.payments.len()),
            (74, 190_000, 3)
        );
        assert_eq!(
            (b.serial, b.amount_minor, b.payments.len()),
            (75, 800_000, 4)
        );
        let first = &a.payments[0];
        assert_eq!(first.references, ["655969"]);
        assert_eq!((first.amount_minor, first.reference_code), (100_000, 2));
        assert_eq!(first.payer_name.as_deref(), Some("Kalles Plåt AB"));
        assert_eq!(first.payer_org_number.as_deref(), Some("005500001234"));
        let deduction = &a.payments[1];
        assert!(deduction.deduction);
        assert_eq!(deduction.amount_minor, 50_000);
        // Four extra references, one of them on a line with tabs.
        let several = &a.payments[2];
        assert_eq!(
            several.references,
            [
                "657866 658765 657767",
                "657866",
                "658765",
                "657767",
                "657965"
            ]
        );
        assert_eq!(several.information, ["Betalning med extra refnr 657965"]);
        assert_eq!(b.payments[3].references, ["658260", "658369", "658468"]);
    }

    /// Payments whose amounts cannot be added up refuse the file by line,
    /// never overflow.
    #[test]
    fn amounts_too_large_to_add_up_are_refused() {
        let mut file = parse(include_bytes!(
            "../../tests/fixtures/bgmax/bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"
        ))
        .unwrap();
        let deposit = &mut file.deposits[0];
        for p in deposit.payments.iter_mut() {
            p.deduction = false;
            p.amount_minor = 999_999_999_999_999_999;
        }
        while deposit.payments.len() < 12 {
            let again = deposit.payments[0].clone();
            deposit.payments.push(again);
        }
        let e = parse(&write(&file)).unwrap_err();
        assert!(e.message.contains("more than can be counted"), "{e}");
    }

    #[test]
    fn a_malformed_file_is_refused_whole_with_the_line_and_why() {
        let text = latin1(EXAMPLE).replace("00000003 ", "00000004 ");
        let e = parse(&bytes(&text)).unwrap_err();
        assert_eq!(e.line, 23);
        assert!(e.message.contains("4 payments"), "{e}");
        let written = latin1(&write(&parse(EXAMPLE).unwrap()));
        let cut: Vec<&str> = written.lines().collect();
        let no_end = cut[..cut.len() - 1].join("\n");
        assert!(parse(&bytes(&no_end))
            .unwrap_err()
            .message
            .contains("end record"));
        let bad_amount = cut
            .join("\n")
            .replacen("000000000000100000", "0000000000001x0000", 1);
        let e = parse(&bytes(&bad_amount)).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("amount"), "{e}");
        assert!(parse(b"05000991234")
            .unwrap_err()
            .message
            .contains("start record"));
    }

    #[test]
    fn a_test_file_or_another_bankgiros_deposit_is_refused() {
        let example = include_bytes!(
            "../../tests/fixtures/bgmax/bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_checksiffra_langd_sv.txt"
        );
        assert!(parse_for(example, "991-2346").is_ok());
        let other = parse_for(example, "5050-1055").unwrap_err();
        assert_eq!(other.line, 2, "{other}");
        assert!(other.message.contains("9912346"), "{other}");
        let mut test = parse(example).unwrap();
        test.test = true;
        let refused = parse_for(&write(&test), "991-2346").unwrap_err();
        assert_eq!(refused.line, 1);
        assert!(refused.message.contains("test file"));
        assert_eq!(bankgiro_digits("0009912346"), bankgiro_digits("991-2346"));
    }

    #[test]
    fn unknown_records_are_skipped() {
        let written = latin1(&write(&parse(EXAMPLE).unwrap()));
        let mut lines: Vec<&str> = written.lines().collect();
        lines.insert(1, "99 a record type of a later version");
        assert_eq!(
            parse(&bytes(&lines.join("\n"))).unwrap(),
            parse(EXAMPLE).unwrap()
        );
    }

    fn digits(n: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(0u8..10, n)
            .prop_map(|v| v.iter().map(|d| (b'0' + d) as char).collect())
    }

    fn payment() -> impl Strategy<Value = BgPayment> {
        (
            any::<bool>(),
            digits(10),
            proptest::collection::vec(
                digits(6).prop_map(|s| s.trim_start_matches('0').to_string() + "1"),
                1..4,
            ),
            1i64..100_000_000,
            0u8..6,
            digits(12),
            proptest::option::of(
                "[A-Za-zåäöÅÄÖ ]{1,30}"
                    .prop_map(|s| s.trim().to_string())
                    .prop_filter("a name", |s| !s.is_empty()),
            ),
        )
            .prop_map(
                |(deduction, sender, references, amount, code, serial, name)| BgPayment {
                    deduction,
                    sender_bankgiro: sender,
                    references,
                    amount_minor: amount,
                    reference_code: code,
                    channel: 1,
                    bgc_serial: serial,
                    information: vec![],
                    payer_name: name,
                    payer_org_number: None,
                },
            )
    }

    proptest! {
        // Any payments written as a BgMax file read back as the same.
        #[test]
        fn written_payments_read_back_the_same(
            deposits in proptest::collection::vec(proptest::collection::vec(payment(), 1..6), 1..4),
            day in 0i64..3000,
        ) {
            let date = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(day);
            let file = BgMaxFile {
                written_at: "20260101120000000000".into(),
                test: true,
                deposits: deposits
                    .into_iter()
                    .enumerate()
                    .map(|(i, payments)| Deposit {
                        bankgiro: "0009912346".into(),
                        currency: "SEK".into(),
                        account: "00000000000000000005841000001009823".into(),
                        date,
                        serial: i as u32 + 1,
                        amount_minor: payments
                            .iter()
                            .map(|p| if p.deduction { -p.amount_minor } else { p.amount_minor })
                            .sum(),
                        payments,
                    })
                    .collect(),
            };
            prop_assume!(file.deposits.iter().all(|d| d.amount_minor >= 0));
            prop_assert_eq!(parse(&write(&file)).unwrap(), file);
        }

        #[test]
        fn parsing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(&bytes);
        }
    }
}
