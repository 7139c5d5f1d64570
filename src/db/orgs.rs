//! Organisations, teams and memberships.

use crate::domain::invoice::Buyer;
use crate::domain::locale::Locale;
use crate::domain::money::Currency;
use crate::domain::subscription::{OrgTerms, Status};
use crate::domain::vat::VatTreatment;
use crate::error::AppError;
use sqlx::AnyConnection;

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub time_zone: String,
    pub partner_name: Option<String>,
    pub partner_contact: Option<String>,
    pub plan_locked: i64,
    pub manually_billed: i64,
    pub legal_name: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub vat_number: Option<String>,
    pub invoice_email: Option<String>,
    pub org_number: Option<String>,
    pub payment_method: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

/// The organisation row as the domain sees it: one place for each mapping.
impl OrgRow {
    /// The organisation's standing with its subscription's status.
    pub fn terms_with(&self, status: Status) -> OrgTerms {
        OrgTerms {
            partner: self.partner_name.clone(),
            plan_locked: self.plan_locked == 1,
            manually_billed: self.manually_billed == 1,
            past_due: status == Status::PastDue,
        }
    }

    pub fn tz(&self) -> Result<chrono_tz::Tz, AppError> {
        self.time_zone
            .parse()
            .map_err(|e| AppError::internal("org time zone", e))
    }

    pub fn currency(&self) -> Result<Currency, AppError> {
        Currency::parse(&self.currency).map_err(|e| AppError::internal("org currency", e))
    }

    /// VAT for this buyer as things stand now (R-INV-4).
    pub fn vat_treatment(&self) -> Result<VatTreatment, AppError> {
        self.buyer()
            .vat_treatment()
            .map_err(|e| AppError::internal("org country", e))
    }

    /// Documents to Swedish buyers are in Swedish, to others in English.
    pub fn document_locale(&self) -> Locale {
        Locale::for_buyer_country(&self.country)
    }

    /// The buyer as printed on a document issued now.
    pub fn buyer(&self) -> Buyer {
        Buyer {
            legal_name: self.legal_name.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            vat_number: self.vat_number.clone(),
            invoice_email: self.invoice_email.clone(),
            org_number: self.org_number.clone(),
        }
    }
}

pub(crate) const ORG_SELECT: &str =
    "SELECT id, name, country, currency, time_zone, partner_name, partner_contact, plan_locked, \
     manually_billed, legal_name, address, postal_code, city, vat_number, invoice_email, payment_method, card_brand, card_last4, \
     org_number FROM organisations";

pub async fn org(conn: &mut AnyConnection, id: i64) -> Result<Option<OrgRow>, sqlx::Error> {
    sqlx::query_as(&format!("{ORG_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// Several organisations in one read (batch work), by id.
pub async fn orgs(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<OrgRow>, sqlx::Error> {
    super::select_in(
        conn,
        &format!("{ORG_SELECT} WHERE id IN {{ids}} ORDER BY id"),
        ids,
    )
    .await
}

/// Takes the billing lock of several organisations at once (batch work,
/// like `subscriptions::lock_org` for one) and returns those it holds. On
/// PostgreSQL an organisation another transaction holds is skipped, not
/// waited for: another clock is on it, or a customer's change is, and the
/// next run takes it. SQLite has one writer, so it holds them all.
pub async fn lock_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    if super::Backend::of(conn) == super::Backend::Sqlite {
        super::execute_in(
            conn,
            "UPDATE organisations SET lock_version = lock_version + 1 WHERE id IN {ids}",
            ids,
        )
        .await?;
        return Ok(ids.to_vec());
    }
    let mut held: Vec<i64> = super::select_in::<(i64,)>(
        conn,
        "UPDATE organisations SET lock_version = lock_version + 1 WHERE id IN \
         (SELECT id FROM organisations WHERE id IN {ids} ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING id",
        ids,
    )
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    held.sort_unstable();
    Ok(held)
}

/// One user's active membership in one organisation: (role, billing owner).
pub async fn membership(
    conn: &mut AnyConnection,
    user_id: i64,
    org_id: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT role, is_billing_owner FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND active = 1",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await
}

/// The organisations a user belongs to, by name: (id, name).
pub async fn organisations_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.user_id = $1 AND m.active = 1 ORDER BY o.name, o.id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await
}

/// A name a read found.
#[derive(serde::Deserialize)]
pub(super) struct NameRow {
    pub name: String,
}

/// Organisation `id` and its billing owner's name, in one statement.
pub async fn org_and_owner(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(OrgRow, Option<String>)>, AppError> {
    struct Query {
        read: super::OneRead,
        org: super::Part<OrgRow>,
        owner: super::Part<NameRow>,
    }
    static QUERY: std::sync::LazyLock<Query> = std::sync::LazyLock::new(|| {
        let mut read = super::OneRead::new();
        Query {
            org: read.part(format!("{ORG_SELECT} WHERE id = $1")),
            owner: read.part(BILLING_OWNER),
            read,
        }
    });
    let q = &*QUERY;
    let rows = q.read.run(conn, vec![super::Val::from(id)]).await?;
    let Some(org) = rows.first(q.org)? else {
        return Ok(None);
    };
    let owner = rows.first(q.owner)?.map(|r| r.name);
    Ok(Some((org, owner)))
}

/// The billing owner's name of organisation `$1`.
pub(super) const BILLING_OWNER: &str =
    "SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.organisation_id = $1 AND m.is_billing_owner = 1";

pub async fn billing_owner_name(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(BILLING_OWNER)
        .bind(org_id)
        .fetch_optional(&mut *conn)
        .await
}

/// Active members of a subscription's scope (R-ACC-2), `$1` the
/// organisation and `$2` the team: one team, or the organisation but for
/// the teams that have a subscription of their own (their members are that
/// subscription's).
pub(crate) const IN_SCOPE: &str = "m.organisation_id = $1 AND m.active = 1 AND CASE WHEN $2 IS NULL THEN \
     NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.team_id = m.team_id AND s.status <> 'canceled') \
     ELSE m.team_id = $2 END";

/// The roles that take a seat (R-ACC-4), for `m.role IN …`.
pub(crate) const PAID_ROLES: &str = "('admin', 'member', 'custom')";

/// Active members with paid roles (seats, R-ACC-4) in a subscription's scope.
pub async fn paid_members(
    conn: &mut AnyConnection,
    org_id: i64,
    team_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM memberships m WHERE {IN_SCOPE} AND m.role IN {PAID_ROLES}"
    ))
    .bind(org_id)
    .bind(team_id)
    .fetch_one(&mut *conn)
    .await
}

/// Saves the billing details (R-UI-6). Only future documents read them:
/// issued ones carry their own copy of the buyer.
pub async fn save_billing_details(
    conn: &mut AnyConnection,
    org_id: i64,
    b: &Buyer,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE organisations SET legal_name = $1, address = $2, postal_code = $3, city = $4, country = $5, \
         vat_number = $6, invoice_email = $7, org_number = $8 WHERE id = $9",
    )
    .bind(&b.legal_name)
    .bind(&b.address)
    .bind(&b.postal_code)
    .bind(&b.city)
    .bind(&b.country)
    .bind(&b.vat_number)
    .bind(&b.invoice_email)
    .bind(&b.org_number)
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn time_zone(conn: &mut AnyConnection, org_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT time_zone FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await
}

/// Organisations whose name or legal name contains `text`, whose VAT or
/// organisation number does, or that have an invoice with that number or
/// OCR reference; by name, at most `limit`.
pub async fn search(
    conn: &mut AnyConnection,
    text: &str,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let exact = text.trim();
    let digits: String = exact.chars().filter(char::is_ascii_alphanumeric).collect();
    let like = format!("%{}%", super::like_escape(&exact.to_lowercase()));
    let digits_like = if digits.is_empty() {
        String::new()
    } else {
        format!("%{}%", digits.to_uppercase())
    };
    sqlx::query_scalar(
        "SELECT o.id FROM organisations o WHERE lower(o.name) LIKE $1 ESCAPE '\\' \
         OR lower(o.legal_name) LIKE $1 ESCAPE '\\' \
         OR ($2 <> '' AND upper(replace(replace(COALESCE(o.vat_number, ''), '-', ''), ' ', '')) LIKE $2) \
         OR EXISTS (SELECT 1 FROM documents d WHERE d.organisation_id = o.id AND (d.number = $3 OR d.ocr = $4)) \
         ORDER BY o.name LIMIT $5",
    )
    .bind(like)
    .bind(digits_like)
    .bind(exact)
    .bind(digits)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

/// Sets the organisation's flags (R-ACC-1, R-ACC-6).
pub async fn set_flags(
    conn: &mut AnyConnection,
    org_id: i64,
    partner: Option<(&str, Option<&str>)>,
    plan_locked: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE organisations SET partner_name = $1, partner_contact = $2, plan_locked = $3 WHERE id = $4",
    )
    .bind(partner.map(|p| p.0.to_string()))
    .bind(partner.and_then(|p| p.1.map(str::to_string)))
    .bind(super::flag(plan_locked))
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks the organisation billed by its contract's instalments (R-SUB-10).
pub async fn set_manually_billed(
    conn: &mut AnyConnection,
    org_id: i64,
    manually_billed: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organisations SET manually_billed = $1 WHERE id = $2")
        .bind(i64::from(manually_billed))
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One membership as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct MemberRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team_id: Option<i64>,
    pub is_billing_owner: i64,
    pub active: i64,
}

/// Every membership of organisation `$1`, active first, by name.
pub(crate) const MEMBERS_SELECT: &str =
    "SELECT m.id, m.user_id, u.name, u.email, m.role, m.team_id, m.is_billing_owner, m.active \
     FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 \
     ORDER BY m.active DESC, u.name, m.id";

/// Every membership of the organisation, active first, by name.
pub async fn members(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(MEMBERS_SELECT)
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await
}

pub async fn member(
    conn: &mut AnyConnection,
    org_id: i64,
    membership_id: i64,
) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.user_id, u.name, u.email, m.role, m.team_id, m.is_billing_owner, m.active \
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 AND m.id = $2",
    )
    .bind(org_id)
    .bind(membership_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Deactivates or reactivates a membership; its history stays (R-ACC-7).
pub async fn set_member_active(
    conn: &mut AnyConnection,
    membership_id: i64,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_member_team(
    conn: &mut AnyConnection,
    membership_id: i64,
    team_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET team_id = $1 WHERE id = $2")
        .bind(team_id)
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The organisation's teams: (id, name, whether it has a subscription of
/// its own), by name.
pub async fn teams(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.name, CAST((SELECT COUNT(*) FROM subscriptions s WHERE s.team_id = t.id \
         AND s.status <> 'canceled') AS BIGINT) FROM teams t WHERE t.organisation_id = $1 ORDER BY t.name, t.id",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await
}

/// Adds a team; `None` when the organisation has one of that name.
pub async fn add_team(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO teams (organisation_id, name) VALUES ($1, $2) \
         ON CONFLICT (organisation_id, name) DO NOTHING RETURNING id",
    )
    .bind(org_id)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await
}

/// Moves the billing owner's role from membership `from` to `to`, who is
/// made admin: the old owner's flag is cleared first, so there is never a
/// second owner (the unique index), and both rows change in the caller's
/// transaction, so there is never none.
pub async fn hand_over_ownership(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE memberships SET is_billing_owner = 0 WHERE id = $1 AND is_billing_owner = 1",
    )
    .bind(from)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE memberships SET role = 'admin', is_billing_owner = 1 WHERE id = $1 AND active = 1",
    )
    .bind(to)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
