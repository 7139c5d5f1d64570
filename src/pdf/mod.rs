//! Invoice and credit-note PDFs (R-INV-6), typeset by Typst embedded as a
//! library. The layout is a template file (`invoice.typ`); this module only
//! hands it the document's data, already formatted in the document's
//! language, and exports PDF/A-2b (invoices are archived for years).
//!
//! The template, the bundled fonts (Libertinus Serif, DejaVu Sans Mono) and
//! the seller's logo are loaded once; each document is one compile with its
//! own `data.json`. The server typesets in a child process ([`worker`]).

use crate::config::Logo;
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::views::documents::DocumentView;
use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub mod worker;
pub use worker::Typesetter;

const TEMPLATE: &str = include_str!("invoice.typ");

/// Compiles documents to PDF; cheap to share (`Arc`) between requests.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    template: Source,
    data_id: FileId,
    logo: Option<(Logo, FileId, Bytes)>,
}

fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid virtual path"),
    ))
}

impl Renderer {
    /// `logo`: the seller's, printed in the documents' header.
    pub fn new(logo: Option<Logo>) -> Renderer {
        let wanted = [
            "LibertinusSerif-Regular",
            "LibertinusSerif-Bold",
            "LibertinusSerif-Italic",
            "DejaVuSansMono",
        ];
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .filter(|f| {
                let name = f.info().family.replace(' ', "");
                wanted.iter().any(|w| w.starts_with(&name))
            })
            .collect();
        let book = FontBook::from_fonts(&fonts);
        let main = file_id("/invoice.typ");
        Renderer {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main,
            template: Source::new(main, TEMPLATE.to_string()),
            data_id: file_id("/data.json"),
            logo: logo.map(|logo| {
                let id = file_id(&format!("/logo.{}", logo.format));
                let bytes = Bytes::new(logo.bytes.clone());
                (logo, id, bytes)
            }),
        }
    }

    /// The document as a PDF/A-2b file.
    pub fn render(&self, doc: &DocumentView) -> Result<Vec<u8>, String> {
        let logo_path = self
            .logo
            .as_ref()
            .map(|(_, id, _)| id.get().vpath().get_with_slash().to_string());
        let data = PdfData::new(doc, logo_path);
        let json = serde_json::to_vec(&data).map_err(|e| e.to_string())?;
        let world = DocumentWorld {
            renderer: self,
            data: Bytes::new(json),
        };
        let compiled = typst::compile::<PagedDocument>(&world).output;
        let document = compiled.map_err(|errors| messages(errors.iter().map(|e| &e.message)))?;
        let issued = Datetime::from_ymd_hms(
            chrono::Datelike::year(&doc.summary.issue_date),
            chrono::Datelike::month(&doc.summary.issue_date) as u8,
            chrono::Datelike::day(&doc.summary.issue_date) as u8,
            0,
            0,
            0,
        )
        .ok_or("issue date out of range")?;
        let options = PdfOptions {
            ident: typst::foundations::Smart::Custom(doc.summary.number.clone()),
            timestamp: Some(Timestamp::new_utc(issued)),
            standards: PdfStandards::new(&[PdfStandard::A_2b])
                .map_err(|e| e.message().to_string())?,
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&document, &options)
            .map_err(|errors| messages(errors.iter().map(|e| &e.message)))?;
        // Typst memoizes across compiles; drop what the last few did not use.
        typst::comemo::evict(10);
        Ok(pdf)
    }

    /// The seller's logo, for the pages that show it too.
    pub fn logo(&self) -> Option<&Logo> {
        self.logo.as_ref().map(|(logo, _, _)| logo)
    }
}

fn messages<'a>(m: impl Iterator<Item = &'a typst::ecow::EcoString>) -> String {
    m.map(|s| s.to_string()).collect::<Vec<_>>().join("; ")
}

/// One compile's view of the world: the template, its data, the logo and
/// the fonts. Nothing is read from disk or the network.
struct DocumentWorld<'a> {
    renderer: &'a Renderer,
    data: Bytes,
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.renderer.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.renderer.main {
            Ok(self.renderer.template.clone())
        } else {
            Err(FileError::NotFound(std::path::PathBuf::from(
                id.get().vpath().get_without_slash(),
            )))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.renderer.data_id {
            return Ok(self.data.clone());
        }
        match &self.renderer.logo {
            Some((_, logo, bytes)) if *logo == id => Ok(bytes.clone()),
            _ => Err(FileError::NotFound(std::path::PathBuf::from(
                id.get().vpath().get_without_slash(),
            ))),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).cloned()
    }

    /// Documents never depend on the day they are rendered.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// What the template reads: every value already formatted in the
/// document's language, so the template only lays out.
#[derive(Serialize)]
struct PdfData {
    lang: &'static str,
    credit_note: bool,
    number: String,
    corrects: Option<String>,
    issue_date: String,
    due_date: String,
    /// "30 dagar netto".
    payment_terms: String,
    currency: &'static str,
    /// The template's labels (messages pdf-*) in the document's language.
    t: std::collections::BTreeMap<&'static str, &'static str>,
    /// What a credit note did, with its amount.
    credited: String,
    logo: Option<String>,
    seller: SellerData,
    buyer: BuyerData,
    lines: Vec<LineData>,
    subtotal: String,
    vat: Vec<VatData>,
    total: String,
    credit_applied: Option<String>,
    /// Payments and credit notes that settled it: (what, amount).
    settlements: Vec<(String, String)>,
    /// "Betald 2026-12-01 med Visa •••• 4242" once paid.
    receipt: Option<String>,
    amount_due: String,
    vat_note: Option<String>,
    ocr: Option<String>,
}

#[derive(Serialize)]
struct SellerData {
    legal_name: String,
    org_number: String,
    vat_number: String,
    address: Vec<String>,
    bankgiro: String,
    email: String,
    f_tax: bool,
}

#[derive(Serialize)]
struct BuyerData {
    legal_name: String,
    address: Vec<String>,
    country: String,
    vat_number: Option<String>,
    email: Option<String>,
}

#[derive(Serialize)]
struct LineData {
    description: String,
    quantity: String,
    unit_price: String,
    vat_rate: String,
    amount: String,
}

#[derive(Serialize)]
struct VatData {
    /// "Moms 25 % på 1 000,00".
    label: String,
    rate: String,
    base: String,
    vat: String,
}

impl PdfData {
    fn new(d: &DocumentView, logo: Option<String>) -> PdfData {
        let l = d.locale;
        PdfData {
            lang: l.code(),
            credit_note: d.summary.credit_note,
            number: d.summary.number.clone(),
            corrects: d.summary.corrects.clone(),
            issue_date: l.date(d.summary.issue_date),
            due_date: l.date(d.summary.due_date),
            payment_terms: crate::tf!(l, "pdf-net-days", days = d.payment_terms_days),
            currency: d.summary.total.currency().code(),
            t: crate::i18n::with_prefix(l, "pdf-"),
            credited: crate::tf!(
                l,
                "pdf-credited-to-account",
                amount = d.summary.total.format(l)
            ),
            logo,
            seller: SellerData {
                legal_name: d.seller.legal_name.clone(),
                org_number: d.seller.org_number.clone(),
                vat_number: d.seller.vat_number.clone(),
                address: d.seller.address.clone(),
                bankgiro: d.seller.bankgiro.clone(),
                email: d.seller.email.clone(),
                f_tax: d.seller.f_tax,
            },
            buyer: BuyerData {
                legal_name: d.buyer.legal_name.clone(),
                address: d.buyer.address_lines(),
                country: d.buyer.country.clone(),
                vat_number: d.buyer.vat_number.clone(),
                email: d.buyer.invoice_email.clone(),
            },
            lines: d
                .lines
                .iter()
                .map(|line| LineData {
                    description: line.description.clone(),
                    quantity: l.integer(line.quantity.unsigned_abs()),
                    unit_price: line.unit_price.format_number(l),
                    vat_rate: crate::domain::vat::percent(line.vat_rate),
                    amount: line.amount.format_number(l),
                })
                .collect(),
            subtotal: d.subtotal.format_number(l),
            vat: d
                .vat
                .iter()
                .map(|v| VatData {
                    label: crate::tf!(
                        l,
                        "pdf-vat-rate-on",
                        rate = crate::domain::vat::percent(v.rate),
                        base = v.base.format_number(l)
                    ),
                    rate: crate::domain::vat::percent(v.rate),
                    base: v.base.format_number(l),
                    vat: v.vat.format_number(l),
                })
                .collect(),
            total: d.summary.total.format_number(l),
            credit_applied: (!d.credit_applied.is_zero())
                .then(|| d.credit_applied.format_number(l)),
            settlements: d
                .settlements
                .iter()
                .map(|p| (p.line_text(l), format!("-{}", p.amount.format_number(l))))
                .collect(),
            receipt: (d.summary.status == crate::domain::invoice::DocumentStatus::Paid)
                .then(|| d.settlements.last().map(|p| p.receipt_text(l)))
                .flatten(),
            amount_due: d.summary.amount_due.format_number(l),
            vat_note: d.vat_note.clone(),
            ocr: d.ocr.clone(),
        }
    }
}

/// A Swedish invoice with `lines` lines, for the benchmark and the layout
/// tests (many lines run over several pages).
pub fn sample_document(lines: usize) -> DocumentView {
    use crate::domain::invoice::Buyer;
    use crate::domain::money::Currency;
    use crate::views::documents::{DocumentLine, DocumentStatus, DocumentSummary, VatRow};
    use rust_decimal::Decimal;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).expect("a date");
    let sek = |minor| Money::new(minor, Currency::Sek);
    let line_amount = 149_500;
    let subtotal = line_amount * lines as i64;
    let vat = subtotal / 4;
    DocumentView {
        summary: DocumentSummary {
            credit_note: false,
            number: "2026-000123".into(),
            corrects: None,
            credited_by: Vec::new(),
            issue_date: day(11, 25),
            due_date: day(12, 25),
            status: DocumentStatus::Pending,
            total: sek(subtotal + vat),
            amount_due: sek(subtotal + vat),
        },
        seller: crate::config::seller_from_env(),
        buyer: Buyer {
            legal_name: "Åkesson & Öberg Bygg AB".into(),
            address: "Storgatan 1".into(),
            postal_code: "111 22".into(),
            city: "Stockholm".into(),
            country: "SE".into(),
            vat_number: Some("SE556677889901".into()),
            invoice_email: Some("faktura@akesson.example".into()),
            org_number: Some("5566778899".into()),
        },
        lines: (0..lines)
            .map(|i| DocumentLine {
                description: format!(
                    "Professional, 5 platser, 25 nov – 24 dec 2026 (rad {})",
                    i + 1
                ),
                period: Some((day(11, 25), day(12, 24))),
                quantity: 1,
                unit_price: sek(line_amount),
                vat_rate: Decimal::new(25, 2),
                amount: sek(line_amount),
            })
            .collect(),
        subtotal: sek(subtotal),
        vat: vec![VatRow {
            rate: Decimal::new(25, 2),
            base: sek(subtotal),
            vat: sek(vat),
        }],
        credit_applied: sek(0),
        vat_note: None,
        ocr: Some("202600012372".into()),
        payment_terms_days: 30,
        locale: Locale::Sv,
        settlements: Vec::new(),
        attempts: Vec::new(),
    }
}
