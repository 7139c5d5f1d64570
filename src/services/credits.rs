//! Credits: the monthly allowance and expiry (the billing clock calls
//! these), buying a pack, recording usage from the API, and API keys.

use crate::db::audit;
use crate::db::credits::{self as ledger, NewGrant};
use crate::db::Tx;
use crate::db::{catalog, documents, orgs, Db};
use crate::domain::credits::{allowance_window, balance, expire, GrantKind};
use crate::domain::invoice::{totals, LineItem, Series};
use crate::domain::money::Money;
use crate::domain::party::Acting;
use crate::domain::period::{local_day, local_midnight};
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::services::{guard, tasks};
use crate::views::credits::{
    ApiKeyView, CreditsView, GrantView, HistoryEntry, NewApiKey, PackBought, PackView,
};
use chrono::{DateTime, Duration, Months, Utc};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const HISTORY_PAGE: i64 = 25;

fn tz_of(time_zone: &str) -> Result<chrono_tz::Tz, AppError> {
    time_zone
        .parse()
        .map_err(|e| AppError::internal("org time zone", e))
}

/// This month's allowance of a subscription (R-CRD-1): its plan's monthly
/// credits for the window from its anchor that holds the organisation's
/// today, granted and expiring at local midnights. `None` before the
/// anchor or on a plan without credits.
pub struct Allowance {
    pub org_id: i64,
    pub credits: i64,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The window's key: each window is granted once.
    pub source: String,
}

pub fn allowance_due(
    org_id: i64,
    tz: chrono_tz::Tz,
    anchor: chrono::NaiveDate,
    credits: i64,
    now: DateTime<Utc>,
) -> Option<Allowance> {
    let today = local_day(now, tz);
    if credits <= 0 || today < anchor {
        return None;
    }
    let w = allowance_window(anchor, today);
    Some(Allowance {
        org_id,
        credits,
        granted_at: local_midnight(w.start, tz),
        expires_at: local_midnight(w.end, tz),
        source: format!("allowance:{}", w.start),
    })
}

/// Writes allowances (whose organisations' locks `tx` holds); one granted
/// before is left out. Returns how many were added.
pub async fn insert_allowances(tx: &mut Tx, due: &[&Allowance]) -> Result<usize, AppError> {
    let grants: Vec<NewGrant> = due
        .iter()
        .map(|a| NewGrant {
            org_id: a.org_id,
            kind: GrantKind::Allowance,
            amount: a.credits,
            granted_at: a.granted_at,
            expires_at: a.expires_at,
            source: &a.source,
            document_id: None,
        })
        .collect();
    Ok(ledger::insert_grants(tx, &grants).await? as usize)
}

/// Grants this month's allowance to every organisation with a live
/// subscription that has none yet (R-CRD-1); the clock grants those it
/// renews itself. Granting the same month again adds nothing. Returns how
/// many grants were added.
pub async fn grant_monthly_allowances(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let rows = ledger::subscriptions_without_live_allowance(&mut *db.conn().await?, now).await?;
    let mut due = std::collections::HashMap::new();
    for (org_id, time_zone, anchor, credits) in rows {
        let allowance = tz_of(&time_zone).and_then(|tz| {
            let anchor = crate::db::parse_date(&anchor)?;
            Ok(allowance_due(org_id, tz, anchor, credits, now))
        });
        match allowance {
            Ok(Some(a)) => {
                due.insert(org_id, a);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(org_id, error = %e, "allowance not granted; tried again next run")
            }
        }
    }
    let mut ids: Vec<i64> = due.keys().copied().collect();
    ids.sort_unstable();
    // Under the organisations' locks, like every ledger write, so the usage
    // worker sees the new grants (the version moves).
    let due = std::sync::Arc::new(due);
    let (added, _) = tasks::by_chunks(db, &ids, "allowance", |tx, ids| {
        let due = due.clone();
        Box::pin(async move {
            let grants: Vec<&Allowance> = ids.iter().filter_map(|id| due.get(id)).collect();
            insert_allowances(tx, &grants).await
        })
    })
    .await;
    Ok(added)
}

/// Writes expiry entries for what is left of grants whose time is up
/// (R-CRD-1/2). Running it twice for the same instant adds nothing.
pub async fn expire_credits(db: &Db, now: DateTime<Utc>) -> Result<i64, AppError> {
    let org_ids = ledger::orgs_with_expired_credits(&mut *db.conn().await?, now).await?;
    let (expired, _) = tasks::by_chunks(db, &org_ids, "expiry", |tx, ids| {
        Box::pin(async move {
            let grants = ledger::grants_of(tx, ids).await?;
            let mut entries = Vec::new();
            for org in orgs::orgs(tx, ids).await? {
                let day = local_day(now, tz_of(&org.time_zone)?);
                let of_org = grants.get(&org.id).map(Vec::as_slice).unwrap_or_default();
                for (grant_id, amount) in expire(of_org, now) {
                    entries.push(ledger::Entry {
                        org_id: org.id,
                        grant_id,
                        amount,
                        day,
                    });
                }
            }
            ledger::insert_entries_of(tx, "expiry", &entries, now).await?;
            Ok(entries.iter().map(|e| e.amount).sum::<i64>())
        })
    })
    .await;
    Ok(expired)
}

pub async fn view(
    db: &Db,
    who: Acting,
    page: u32,
    now: DateTime<Utc>,
) -> Result<CreditsView, AppError> {
    // The organisation's day is known after the read: read usage from the
    // earliest day it can be (a day before UTC's) and keep the last 30.
    let earliest = now.date_naive() - Duration::days(30);
    let offset = i64::from(page) * HISTORY_PAGE;
    let read = crate::db::billing::credits(
        &mut *db.conn().await?,
        who.org_id,
        now,
        (HISTORY_PAGE + 1, offset),
        earliest,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let org = read.org;
    let tz = org.tz()?;
    let today = local_day(now, tz);
    let grants = read.grants;
    let mut rows = read.history;
    let has_more = rows.len() as i64 > HISTORY_PAGE;
    rows.truncate(HISTORY_PAGE as usize);
    let since = today - Duration::days(29);
    let used: std::collections::HashMap<String, i64> = read
        .daily_usage
        .into_iter()
        .map(|d| (d.day, d.used))
        .collect();
    let daily_usage = (0..30)
        .map(|i| {
            let day = since + Duration::days(i);
            (
                day,
                used.get(&day.format("%Y-%m-%d").to_string())
                    .copied()
                    .unwrap_or(0),
            )
        })
        .collect();
    let plan = read.plan.ok_or(AppError::NotFound)?;
    let currency = org.currency()?;
    let treatment = org.vat_treatment()?;
    // The packs are offered exactly when the server would sell one.
    let refused = who.offered(None, &read.terms, Action::BuyCredits, None);
    let (packs, packs_refusal) = if let Err(refusal) = refused {
        (vec![], Some(refusal.text()))
    } else if plan.packs_allowed {
        let packs = read
            .packs
            .into_iter()
            .map(|p| {
                let price = Money::new(p.price_minor, currency);
                let line = LineItem::credit_pack(&p.name, p.credits, price);
                PackView {
                    id: p.id,
                    price_with_vat: totals(&[line], &treatment, currency, Money::zero(currency))
                        .total,
                    name: p.name,
                    credits: p.credits,
                    price,
                    validity_months: p.validity_months as u32,
                }
            })
            .collect();
        (packs, None)
    } else {
        (
            vec![],
            Some(crate::msg!(
                "credits-no-packs-on-plan",
                plan = plan.name.as_str()
            )),
        )
    };
    Ok(CreditsView {
        balance: balance(&grants, now),
        grants: grants
            .iter()
            .filter(|g| g.remaining() > 0 && g.granted_at <= now)
            .map(|g| GrantView {
                kind: g.kind.code().to_string(),
                amount: g.amount,
                remaining: g.remaining(),
                last_day: local_day(g.expires_at - Duration::seconds(1), tz),
            })
            .collect(),
        history: rows
            .into_iter()
            .map(|r| {
                Ok(HistoryEntry {
                    day: local_day(ledger::parse_ts(&r.at)?, tz),
                    kind: r.kind,
                    amount: r.amount,
                    detail: r.detail,
                })
            })
            .collect::<Result<_, AppError>>()?,
        page,
        has_more,
        daily_usage,
        packs,
        packs_refusal,
        action_key: guard::new_key(),
        last_purchase: read.last_purchase.unwrap_or_default(),
    })
}

/// Buys a credit pack (R-CRD-2): an invoice and a grant in one transaction,
/// once per idempotency key. Not on plans without packs (Starter).
pub async fn buy_pack(
    db: &Db,
    gateway: &crate::services::payments::Gateway,
    who: Acting,
    pack_id: i64,
    last_seen: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<PackBought, AppError> {
    let mut g =
        match guard::begin(db, who.org_id, Action::BuyCredits, key, "credits.buy_pack").await? {
            guard::Begin::Fresh(g) => g,
            // A repeat while the first was still charging gets the charge too.
            guard::Begin::Repeat(mut bought @ PackBought { payment: None, .. }) => {
                bought.payment = crate::services::payments::charge_of(
                    db,
                    gateway,
                    &who.by,
                    who.org_id,
                    &bought.invoice,
                )
                .await?;
                return Ok(bought);
            }
            guard::Begin::Repeat(bought) => return Ok(bought),
        };
    let tx = &mut g.tx;
    // Bought from a page that did not know of the latest purchase: another
    // tab or a second click bought already. Say which, and ask again.
    if let Some((number, day, credits)) = ledger::last_pack_purchase(tx, who.org_id).await? {
        if number != last_seen {
            return Err(AppError::Conflict(crate::msg!(
                "credits-bought-meanwhile",
                credits = credits,
                day = day.as_str(),
                number = number.as_str()
            )));
        }
    }
    // A pack bought on invoice is usable at once; the next waits until
    // that invoice is paid, so unpaid packs cannot pile up.
    if let Some(number) = ledger::unpaid_pack(tx, who.org_id).await? {
        return Err(AppError::Conflict(crate::msg!(
            "credits-pack-unpaid",
            number = number.as_str()
        )));
    }
    let org = orgs::org(tx, who.org_id).await?.ok_or(AppError::NotFound)?;
    let tz = org.tz()?;
    let today = local_day(now, tz);
    let currency = org.currency()?;
    let stored = catalog::org_subscription(tx, who.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = catalog::plan(tx, stored.subscription.price.plan_id).await?;
    if !plan.packs_allowed {
        return Err(AppError::Forbidden {
            message: crate::msg!("credits-no-packs-on-plan", plan = plan.name.as_str()),
            billing_owner: None,
        });
    }
    let catalog::PackRow {
        name,
        credits,
        price_minor: price,
        currency: pack_currency,
        validity_months: months,
        retired,
        ..
    } = catalog::pack(tx, pack_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if retired == 1 {
        return Err(AppError::Conflict(
            "This credit pack is no longer sold; reload the page to see the packs on offer".into(),
        ));
    }
    if pack_currency != currency.code() {
        return Err(AppError::invalid(
            "pack",
            format!("choose a pack priced in {currency}"),
        ));
    }
    let price = Money::new(price, currency);
    let lines = vec![LineItem::credit_pack(&name, credits, price)];
    let treatment = org.vat_treatment()?;
    let t = totals(&lines, &treatment, currency, Money::zero(currency));
    let (document_id, number) = documents::issue(
        tx,
        documents::NewDocument {
            org_id: who.org_id,
            series: Series::Invoice,
            subscription_id: None,
            corrects_id: None,
            issue_date: today,
            currency,
            lines: &lines,
            totals: &t,
            vat_note: treatment.legal_note(),
            vat_rate: treatment.rate(),
            buyer: &org.buyer(),
            locale: org.document_locale(),
        },
    )
    .await?;
    let expires_day = today + Months::new(months as u32);
    let source = format!("pack:{number}");
    ledger::insert_grant(
        tx,
        NewGrant {
            org_id: who.org_id,
            kind: GrantKind::Pack,
            amount: credits,
            granted_at: now,
            expires_at: local_midnight(expires_day, tz),
            source: &source,
            document_id: Some(document_id),
        },
    )
    .await?;
    audit::record(
        tx,
        &who,
        "credits.buy_pack",
        &serde_json::Value::Null,
        &serde_json::json!({ "pack": name, "credits": credits, "invoice": number }),
    )
    .await?;
    // Charged at once when the organisation pays by card or PayPal
    // (R-PAY-2): recorded here, carried out once the lock is let go.
    let intent = crate::services::payments::intend_on_issue(tx, &who, document_id, today).await?;
    let mut bought = g
        .finish(PackBought {
            invoice: number,
            credits,
            expires: expires_day - Duration::days(1),
            payment: None,
        })
        .await?;
    if let Some(intent) = intent {
        bought.payment =
            crate::services::payments::charge_issued(db, gateway, &who.by, intent).await;
        guard::amend(db, who.org_id, key, "credits.buy_pack", &bought).await?;
    }
    Ok(bought)
}

fn hash_key(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Live API keys by prefix, as read from the database within the last
/// `KEY_CACHE_TTL`: the usage API then costs no database read per request.
/// Bounded: at most `KEY_CACHE_SIZE` entries, the least used go first. A
/// revocation clears its entry here at once; another server instance sees
/// it within the TTL.
type CachedKey = Option<(i64, String)>;
pub const KEY_CACHE_SIZE: u64 = 10_000;
const KEY_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);
static KEY_CACHE: LazyLock<moka::sync::Cache<String, CachedKey>> = LazyLock::new(|| {
    moka::sync::Cache::builder()
        .max_capacity(KEY_CACHE_SIZE)
        .time_to_live(KEY_CACHE_TTL)
        .build()
});

/// Counts revocations: a lookup that began before one may not put what it
/// read into the cache (the key it read may be the one revoked since).
/// Checked and bumped under the lock, so no insert slips between them.
static REVOCATIONS: std::sync::Mutex<u64> = std::sync::Mutex::new(0);

fn revocations() -> std::sync::MutexGuard<'static, u64> {
    REVOCATIONS.lock().unwrap_or_else(|p| p.into_inner())
}

fn forget_key(prefix: &str) {
    let mut n = revocations();
    *n += 1;
    KEY_CACHE.invalidate(prefix);
}

/// Caches what a lookup that began at revocation count `since` read,
/// unless a key was revoked meanwhile.
fn remember_key(prefix: &str, key: CachedKey, since: u64) {
    let n = revocations();
    if *n == since {
        KEY_CACHE.insert(prefix.to_string(), key);
    }
}

/// How many keys the cache holds now (after its pending upkeep).
pub fn cached_keys() -> u64 {
    KEY_CACHE.run_pending_tasks();
    KEY_CACHE.entry_count()
}

/// The organisation a bearer key belongs to, if it is live.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<i64>, AppError> {
    // "bp_<prefix>_<rest>": the prefix finds the row, the hash proves the key.
    let Some(prefix) = secret.strip_prefix("bp_").and_then(|s| s.split('_').next()) else {
        return Ok(None);
    };
    if prefix.len() != 12 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let key = match KEY_CACHE.get(prefix) {
        Some(key) => key,
        None => {
            let since = *revocations();
            let key = ledger::api_key(&mut *db.conn().await?, prefix)
                .await?
                .map(|(_, org, hash)| (org, hash));
            remember_key(prefix, key.clone(), since);
            key
        }
    };
    Ok(key.and_then(|(org_id, hash)| (hash == hash_key(secret)).then_some(org_id)))
}

pub async fn api_keys(db: &Db, who: Acting) -> Result<Vec<ApiKeyView>, AppError> {
    Ok(ledger::api_keys(&mut *db.conn().await?, who.org_id)
        .await?
        .into_iter()
        .map(|k| ApiKeyView {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created: k.created_at,
            revoked: k.revoked_at.is_some(),
        })
        .collect())
}

pub async fn create_api_key(db: &Db, who: Acting, name: &str) -> Result<NewApiKey, AppError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 80 {
        return Err(AppError::invalid(
            "name",
            "give the key a name of 1 to 80 characters",
        ));
    }
    let prefix = guard::new_key()[..12].to_string();
    let secret = format!("bp_{prefix}_{}", guard::new_key());
    let mut g = guard::write(db, who.org_id, Action::ManageApiKeys, "api_key.create").await?;
    let tx = &mut g.tx;
    let id = ledger::insert_api_key(
        tx,
        who.org_id,
        name,
        &prefix,
        &hash_key(&secret),
        who.user_id(),
    )
    .await?;
    audit::record(
        tx,
        &who,
        "api_key.create",
        &serde_json::Value::Null,
        &serde_json::json!({ "id": id, "name": name, "prefix": prefix }),
    )
    .await?;
    g.finish(NewApiKey { id, secret }).await
}

pub async fn revoke_api_key(db: &Db, who: Acting, id: i64) -> Result<(), AppError> {
    let mut g = guard::write(db, who.org_id, Action::ManageApiKeys, "api_key.revoke").await?;
    let tx = &mut g.tx;
    // Scoped to the member's organisation: another organisation's key id is not found.
    let prefix = ledger::revoke_api_key(tx, who.org_id, id).await?;
    let Some(prefix) = prefix else {
        return Err(AppError::NotFound);
    };
    audit::record(
        tx,
        &who,
        "api_key.revoke",
        &serde_json::json!({ "id": id }),
        &serde_json::Value::Null,
    )
    .await?;
    g.finish(()).await?;
    forget_key(&prefix);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookup that read a key before its revocation and finishes after
    /// it leaves nothing in the cache: the revoked key stops at once.
    #[test]
    fn a_lookup_older_than_a_revocation_caches_nothing() {
        let prefix = "abcdef012345";
        let since = *revocations();
        forget_key(prefix);
        remember_key(prefix, Some((1, "hash".into())), since);
        assert!(KEY_CACHE.get(prefix).is_none());
        let since = *revocations();
        remember_key(prefix, Some((1, "hash".into())), since);
        assert!(KEY_CACHE.get(prefix).is_some());
        forget_key(prefix);
    }
}
