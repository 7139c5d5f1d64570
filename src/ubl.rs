//! Peppol BIS Billing 3.0 (EN 16931) UBL renderings of issued documents
//! (R-INV-8): an Invoice (380) or a CreditNote (381, referring to the
//! invoice it corrects), from the same stored document the PDF shows.
//! Written with quick-xml's writer, which escapes every text and attribute.
//!
//! What an EN 16931 reader needs beyond the PDF's data is derived here:
//! the VAT category of the buyer's treatment (`S` 25 % in Sweden, `AE`
//! reverse charge in the EU, `G` export outside it) with its exemption
//! reason, the seller's Swedish organisation number as its Peppol address
//! (scheme 0007), "Godkänd för F-skatt" as the seller's tax registration,
//! and bankgiro with the OCR reference as the payment means.

use crate::domain::invoice::Seller;
use crate::domain::money::Money;
use crate::domain::vat::VatTreatment;
use crate::views::documents::DocumentView;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use rust_decimal::Decimal;

type R = Result<(), String>;

const CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn ev(&mut self, e: Event<'_>) -> R {
        self.w.write_event(e).map_err(|e| e.to_string())
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> R {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        self.ev(Event::Start(start))
    }

    fn close(&mut self, name: &str) -> R {
        self.ev(Event::End(BytesEnd::new(name)))
    }

    fn leaf_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> R {
        self.open(name, attrs)?;
        self.ev(Event::Text(BytesText::new(text)))?;
        self.close(name)
    }

    fn leaf(&mut self, name: &str, text: &str) -> R {
        self.leaf_with(name, &[], text)
    }

    /// A party's registration under a tax scheme (VAT, or TAX for F-skatt).
    fn party_tax_scheme(&mut self, company_id: &str, scheme: &str) -> R {
        self.open("cac:PartyTaxScheme", &[])?;
        self.leaf("cbc:CompanyID", company_id)?;
        self.open("cac:TaxScheme", &[])?;
        self.leaf("cbc:ID", scheme)?;
        self.close("cac:TaxScheme")?;
        self.close("cac:PartyTaxScheme")
    }

    fn amount(&mut self, name: &str, m: Money) -> R {
        self.leaf_with(
            name,
            &[("currencyID", m.currency().code())],
            &decimal2(m.to_decimal_major()),
        )
    }
}

fn decimal2(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// A VAT category of EN 16931 (UNCL 5305) and its exemption reason.
struct Category {
    id: &'static str,
    exemption: Option<(&'static str, &'static str)>,
}

/// The category of a VAT rate under the buyer's treatment: a rate above
/// zero is standard (`S`); zero is reverse charge or export.
fn category(t: &VatTreatment, rate: Decimal) -> Category {
    match t {
        _ if rate > Decimal::ZERO => Category {
            id: "S",
            exemption: None,
        },
        VatTreatment::ReverseCharge { .. } => Category {
            id: "AE",
            exemption: Some(("VATEX-EU-AE", "Reverse charge")),
        },
        VatTreatment::Export => Category {
            id: "G",
            exemption: Some(("VATEX-EU-G", "Export outside the EU")),
        },
        // Zero-rated at home (a line that costs nothing).
        VatTreatment::Domestic => Category {
            id: "Z",
            exemption: None,
        },
    }
}

/// The digits of a Swedish organisation number or bankgiro.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The seller's address lines as street, postal code and city: "Drottninggatan
/// 12", "111 51 Stockholm" (a Swedish postal code is five digits).
fn seller_address(lines: &[String]) -> (String, String, String) {
    let street = lines.first().cloned().unwrap_or_default();
    let place = lines.get(1).cloned().unwrap_or_default();
    let split = place
        .char_indices()
        .find(|(_, c)| c.is_alphabetic())
        .map_or(place.len(), |(i, _)| i);
    let (postal, city) = place.split_at(split);
    (street, postal.trim().to_string(), city.trim().to_string())
}

/// The document as a Peppol BIS Billing 3.0 UBL file.
pub fn render(doc: &DocumentView) -> Result<Vec<u8>, String> {
    let s = &doc.summary;
    let credit = s.credit_note;
    let root = if credit { "CreditNote" } else { "Invoice" };
    let ns = if credit {
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    } else {
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    };
    let treatment = doc.buyer.vat_treatment()?;
    let currency = s.total.currency().code();
    let mut x = Xml {
        w: Writer::new_with_indent(Vec::with_capacity(8 * 1024), b' ', 2),
    };
    x.ev(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    x.open(
        root,
        &[
            ("xmlns", ns),
            (
                "xmlns:cac",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
            ),
            (
                "xmlns:cbc",
                "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            ),
        ],
    )?;
    x.leaf("cbc:CustomizationID", CUSTOMIZATION)?;
    x.leaf("cbc:ProfileID", PROFILE)?;
    x.leaf("cbc:ID", &s.number)?;
    x.leaf("cbc:IssueDate", &s.issue_date.to_string())?;
    if credit {
        x.leaf("cbc:CreditNoteTypeCode", "381")?;
    } else {
        x.leaf("cbc:DueDate", &s.due_date.to_string())?;
        x.leaf("cbc:InvoiceTypeCode", "380")?;
    }
    if let Some(note) = &doc.vat_note {
        x.leaf("cbc:Note", note)?;
    }
    x.leaf("cbc:DocumentCurrencyCode", currency)?;
    // Peppol asks for the buyer's reference or an order: the payment
    // reference is what the buyer quotes.
    x.leaf(
        "cbc:BuyerReference",
        doc.ocr.as_deref().unwrap_or(&s.number),
    )?;
    if let Some(corrected) = &s.corrects {
        x.open("cac:BillingReference", &[])?;
        x.open("cac:InvoiceDocumentReference", &[])?;
        x.leaf("cbc:ID", corrected)?;
        x.close("cac:InvoiceDocumentReference")?;
        x.close("cac:BillingReference")?;
    }
    seller_party(&mut x, &doc.seller)?;
    buyer_party(&mut x, doc)?;
    if !credit {
        x.open("cac:PaymentMeans", &[])?;
        x.leaf_with("cbc:PaymentMeansCode", &[("name", "Bankgiro")], "30")?;
        if let Some(ocr) = &doc.ocr {
            x.leaf("cbc:PaymentID", ocr)?;
        }
        x.open("cac:PayeeFinancialAccount", &[])?;
        x.leaf("cbc:ID", &digits(&doc.seller.bankgiro))?;
        x.open("cac:FinancialInstitutionBranch", &[])?;
        x.leaf("cbc:ID", "SE:BANKGIRO")?;
        x.close("cac:FinancialInstitutionBranch")?;
        x.close("cac:PayeeFinancialAccount")?;
        x.close("cac:PaymentMeans")?;
        x.open("cac:PaymentTerms", &[])?;
        x.leaf("cbc:Note", &format!("{} days net", doc.payment_terms_days))?;
        x.close("cac:PaymentTerms")?;
    }
    // VAT per rate (R-INV-4).
    let vat_total = doc
        .vat
        .iter()
        .fold(Money::zero(s.total.currency()), |a, v| a + v.vat);
    x.open("cac:TaxTotal", &[])?;
    x.amount("cbc:TaxAmount", vat_total)?;
    for v in &doc.vat {
        x.open("cac:TaxSubtotal", &[])?;
        x.amount("cbc:TaxableAmount", v.base)?;
        x.amount("cbc:TaxAmount", v.vat)?;
        tax_category(
            &mut x,
            "cac:TaxCategory",
            &category(&treatment, v.rate),
            v.rate,
            true,
        )?;
        x.close("cac:TaxSubtotal")?;
    }
    x.close("cac:TaxTotal")?;
    x.open("cac:LegalMonetaryTotal", &[])?;
    x.amount("cbc:LineExtensionAmount", doc.subtotal)?;
    x.amount("cbc:TaxExclusiveAmount", doc.subtotal)?;
    x.amount("cbc:TaxInclusiveAmount", s.total)?;
    // Account credit applied at issue is paid in advance; later payments
    // do not change an issued document.
    if doc.credit_applied.is_positive() {
        x.amount("cbc:PrepaidAmount", doc.credit_applied)?;
    }
    x.amount("cbc:PayableAmount", s.total - doc.credit_applied)?;
    x.close("cac:LegalMonetaryTotal")?;
    let (line_tag, quantity_tag) = if credit {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    for (n, l) in doc.lines.iter().enumerate() {
        x.open(line_tag, &[])?;
        x.leaf("cbc:ID", &(n + 1).to_string())?;
        // The price is net per unit and never negative: a negative line is
        // a negative quantity. A prorated line's price is its amount per
        // unit, so quantity × price is the line's amount.
        let amount = l.amount.to_decimal_major();
        let quantity = Decimal::from(l.quantity.max(1))
            * if amount < Decimal::ZERO {
                Decimal::NEGATIVE_ONE
            } else {
                Decimal::ONE
            };
        let price = (amount / quantity).round_dp(6).normalize();
        x.leaf_with(quantity_tag, &[("unitCode", "C62")], &quantity.to_string())?;
        x.amount("cbc:LineExtensionAmount", l.amount)?;
        if let Some((start, last)) = l.period {
            x.open("cac:InvoicePeriod", &[])?;
            x.leaf("cbc:StartDate", &start.to_string())?;
            x.leaf("cbc:EndDate", &last.to_string())?;
            x.close("cac:InvoicePeriod")?;
        }
        x.open("cac:Item", &[])?;
        x.leaf("cbc:Name", &l.description)?;
        tax_category(
            &mut x,
            "cac:ClassifiedTaxCategory",
            &category(&treatment, l.vat_rate),
            l.vat_rate,
            false,
        )?;
        x.close("cac:Item")?;
        x.open("cac:Price", &[])?;
        x.leaf_with(
            "cbc:PriceAmount",
            &[("currencyID", currency)],
            &price.to_string(),
        )?;
        x.close("cac:Price")?;
        x.close(line_tag)?;
    }
    x.close(root)?;
    Ok(x.w.into_inner())
}

fn tax_category(x: &mut Xml, tag: &str, cat: &Category, rate: Decimal, reason: bool) -> R {
    x.open(tag, &[])?;
    x.leaf("cbc:ID", cat.id)?;
    x.leaf(
        "cbc:Percent",
        &(rate * Decimal::ONE_HUNDRED).normalize().to_string(),
    )?;
    if let (true, Some((code, text))) = (reason, cat.exemption) {
        x.leaf("cbc:TaxExemptionReasonCode", code)?;
        x.leaf("cbc:TaxExemptionReason", text)?;
    }
    x.open("cac:TaxScheme", &[])?;
    x.leaf("cbc:ID", "VAT")?;
    x.close("cac:TaxScheme")?;
    x.close(tag)
}

fn seller_party(x: &mut Xml, seller: &Seller) -> R {
    let org_number = digits(&seller.org_number);
    let (street, postal, city) = seller_address(&seller.address);
    x.open("cac:AccountingSupplierParty", &[])?;
    x.open("cac:Party", &[])?;
    x.leaf_with("cbc:EndpointID", &[("schemeID", "0007")], &org_number)?;
    x.open("cac:PartyName", &[])?;
    x.leaf("cbc:Name", &seller.legal_name)?;
    x.close("cac:PartyName")?;
    x.open("cac:PostalAddress", &[])?;
    x.leaf("cbc:StreetName", &street)?;
    x.leaf("cbc:CityName", &city)?;
    x.leaf("cbc:PostalZone", &postal)?;
    x.open("cac:Country", &[])?;
    x.leaf("cbc:IdentificationCode", "SE")?;
    x.close("cac:Country")?;
    x.close("cac:PostalAddress")?;
    x.party_tax_scheme(&seller.vat_number, "VAT")?;
    if seller.f_tax {
        // The Swedish seller's tax registration (BT-32).
        x.party_tax_scheme("Godkänd för F-skatt", "TAX")?;
    }
    x.open("cac:PartyLegalEntity", &[])?;
    x.leaf("cbc:RegistrationName", &seller.legal_name)?;
    x.leaf_with("cbc:CompanyID", &[("schemeID", "0007")], &org_number)?;
    x.close("cac:PartyLegalEntity")?;
    x.open("cac:Contact", &[])?;
    x.leaf("cbc:ElectronicMail", &seller.email)?;
    x.close("cac:Contact")?;
    x.close("cac:Party")?;
    x.close("cac:AccountingSupplierParty")
}

/// The buyer's Peppol address (EAS scheme and identifier): its Swedish
/// (0007) or Norwegian (0192) organisation number, or else its EU VAT
/// number under its country's VAT scheme. `None` when none is known: the
/// document is then not deliverable over Peppol (rule PEPPOL-EN16931-R010).
fn buyer_address(b: &crate::domain::invoice::Buyer) -> Option<(&'static str, String)> {
    let country = b.country.to_ascii_uppercase();
    if let Some(org) = b
        .org_number
        .as_deref()
        .map(digits)
        .filter(|d| !d.is_empty())
    {
        match country.as_str() {
            "SE" => return Some(("0007", org)),
            "NO" => return Some(("0192", org)),
            _ => {}
        }
    }
    // The Electronic Address Scheme code of each EU country's VAT number.
    const VAT_SCHEMES: &[(&str, &str)] = &[
        ("AT", "9914"),
        ("BE", "9925"),
        ("BG", "9926"),
        ("CY", "9928"),
        ("CZ", "9929"),
        ("DE", "9930"),
        ("EE", "9931"),
        ("ES", "9920"),
        ("FR", "9957"),
        ("GR", "9933"),
        ("EL", "9933"),
        ("HR", "9934"),
        ("HU", "9910"),
        ("IE", "9935"),
        ("LT", "9937"),
        ("LU", "9938"),
        ("LV", "9939"),
        ("MT", "9943"),
        ("NL", "9944"),
        ("PL", "9945"),
        ("PT", "9946"),
        ("RO", "9947"),
        ("SI", "9949"),
        ("SK", "9950"),
    ];
    let vat = b.vat_number.as_deref()?;
    VAT_SCHEMES
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, scheme)| (*scheme, vat.to_string()))
}

fn buyer_party(x: &mut Xml, doc: &DocumentView) -> R {
    let b = &doc.buyer;
    x.open("cac:AccountingCustomerParty", &[])?;
    x.open("cac:Party", &[])?;
    let address = buyer_address(b);
    if let Some((scheme, id)) = &address {
        x.leaf_with("cbc:EndpointID", &[("schemeID", scheme)], id)?;
    }
    x.open("cac:PartyName", &[])?;
    x.leaf("cbc:Name", &b.legal_name)?;
    x.close("cac:PartyName")?;
    x.open("cac:PostalAddress", &[])?;
    if !b.address.trim().is_empty() {
        x.leaf(
            "cbc:StreetName",
            b.address.lines().next().unwrap_or_default(),
        )?;
    }
    if !b.city.trim().is_empty() {
        x.leaf("cbc:CityName", &b.city)?;
    }
    if !b.postal_code.trim().is_empty() {
        x.leaf("cbc:PostalZone", &b.postal_code)?;
    }
    x.open("cac:Country", &[])?;
    x.leaf("cbc:IdentificationCode", &b.country.to_ascii_uppercase())?;
    x.close("cac:Country")?;
    x.close("cac:PostalAddress")?;
    if let Some(vat) = &b.vat_number {
        x.party_tax_scheme(vat, "VAT")?;
    }
    x.open("cac:PartyLegalEntity", &[])?;
    x.leaf("cbc:RegistrationName", &b.legal_name)?;
    if let Some((scheme @ ("0007" | "0192"), org)) = &address {
        x.leaf_with("cbc:CompanyID", &[("schemeID", scheme)], org)?;
    }
    x.close("cac:PartyLegalEntity")?;
    x.close("cac:Party")?;
    x.close("cac:AccountingCustomerParty")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::invoice::{totals, Buyer, DocumentStatus, LineItem, LineKind};
    use crate::domain::locale::Locale;
    use crate::domain::money::Currency;
    use crate::views::documents::{DocumentLine, DocumentSummary, VatRow};
    use proptest::prelude::*;

    /// The text of the first element named `tag`.
    fn first(xml: &str, tag: &str) -> String {
        let open = xml.find(&format!("<{tag}")).expect(tag);
        let start = open + xml[open..].find('>').unwrap() + 1;
        let end = start + xml[start..].find('<').unwrap();
        xml[start..end].to_string()
    }

    /// An invoice as the domain builds it: lines, then totals with VAT per
    /// rate and account credit applied.
    fn invoice(amounts: &[i64], quantity: u32, export: bool, credit: i64) -> DocumentView {
        let sek = |m| Money::new(m, Currency::Sek);
        let treatment = if export {
            VatTreatment::Export
        } else {
            VatTreatment::Domestic
        };
        let lines: Vec<LineItem> = amounts
            .iter()
            .map(|&a| LineItem {
                kind: LineKind::Plan {
                    plan: "Professional".into(),
                    seats: quantity,
                },
                covers: None,
                days: None,
                quantity,
                unit_price: sek(a / i64::from(quantity)),
                amount: sek(a),
                vat_rate: None,
            })
            .collect();
        let t = totals(&lines, &treatment, Currency::Sek, sek(credit));
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        DocumentView {
            summary: DocumentSummary {
                credit_note: false,
                number: "2026-000001".into(),
                corrects: None,
                credited_by: vec![],
                issue_date: day,
                due_date: day,
                status: DocumentStatus::Pending,
                total: t.total,
                amount_due: t.amount_due,
            },
            seller: crate::config::seller_from_env(),
            buyer: Buyer {
                legal_name: "Köparen AB".into(),
                country: if export { "NO" } else { "SE" }.into(),
                org_number: Some(if export { "923609016" } else { "5560360793" }.into()),
                ..Buyer::default()
            },
            lines: lines
                .iter()
                .map(|l| DocumentLine {
                    description: "Professional".into(),
                    period: None,
                    quantity: i64::from(l.quantity),
                    unit_price: l.unit_price,
                    vat_rate: treatment.rate(),
                    amount: l.amount,
                })
                .collect(),
            subtotal: t.subtotal,
            vat: t
                .vat
                .iter()
                .map(|v| VatRow {
                    rate: v.rate,
                    base: v.base,
                    vat: v.vat,
                })
                .collect(),
            credit_applied: t.credit_applied,
            vat_note: treatment.legal_note().map(str::to_string),
            ocr: None,
            payment_terms_days: 30,
            locale: Locale::Sv,
            settlements: vec![],
            attempts: vec![],
        }
    }

    proptest! {
        // Any invoice the domain can build renders to UBL whose totals are
        // the stored totals, to the öre.
        #[test]
        fn the_ubl_totals_are_the_stored_totals(
            amounts in proptest::collection::vec(1i64..10_000_000, 1..30),
            quantity in 1u32..40,
            export in any::<bool>(),
            credit in 0i64..2_000_000,
        ) {
            let doc = invoice(&amounts, quantity, export, credit);
            let xml = String::from_utf8(render(&doc).unwrap()).unwrap();
            let vat: Money = doc.vat.iter().fold(Money::zero(Currency::Sek), |a, v| a + v.vat);
            let two = |m: Money| decimal2(m.to_decimal_major());
            prop_assert_eq!(first(&xml, "cbc:LineExtensionAmount"), two(doc.subtotal));
            prop_assert_eq!(first(&xml, "cbc:TaxAmount"), two(vat));
            prop_assert_eq!(first(&xml, "cbc:TaxInclusiveAmount"), two(doc.summary.total));
            prop_assert_eq!(first(&xml, "cbc:PayableAmount"), two(doc.summary.amount_due));
            // Each line's quantity × price is its amount.
            let lines: Vec<&str> = xml.split("<cac:InvoiceLine>").skip(1).collect();
            prop_assert_eq!(lines.len(), amounts.len());
            for (l, a) in lines.iter().zip(&amounts) {
                let q: Decimal = first(l, "cbc:InvoicedQuantity").parse().unwrap();
                let p: Decimal = first(l, "cbc:PriceAmount").parse().unwrap();
                prop_assert_eq!((q * p).round_dp(2), Decimal::new(*a, 2));
            }
        }
    }

    #[test]
    fn the_seller_address_splits_into_street_postal_code_and_city() {
        let lines = vec![
            "Drottninggatan 12".to_string(),
            "111 51 Stockholm".to_string(),
        ];
        assert_eq!(
            seller_address(&lines),
            (
                "Drottninggatan 12".into(),
                "111 51".into(),
                "Stockholm".into()
            )
        );
    }
}
