//! Membership roles (R-ACC-4), the permission matrix (R-ACC-5) and the
//! organisation's standing (R-ACC-6, R-PAY-2): the one place that says who
//! may do what, and what an organisation's terms refuse. Every refusal
//! names the rule that refused.

use crate::domain::subscription::OrgTerms;
use crate::i18n::{Text, TextArg};
use crate::msg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Member,
    /// A named custom role; paid.
    Custom,
    Client,
    CommentOnly,
    ViewOnly,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Member,
        Role::Custom,
        Role::Client,
        Role::CommentOnly,
        Role::ViewOnly,
    ];

    /// Paid roles count as seats; free roles never do (Blue's table).
    pub fn is_paid(self) -> bool {
        matches!(self, Role::Admin | Role::Member | Role::Custom)
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Custom => "custom",
            Role::Client => "client",
            Role::CommentOnly => "comment_only",
            Role::ViewOnly => "view_only",
        }
    }

    pub fn parse(code: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| format!("unknown role '{code}'"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    ViewBilling,
    DownloadInvoices,
    BuyCredits,
    ChangePlan,
    EditBillingDetails,
    ReassignBillingOwner,
    ViewSeatUsage,
    /// Create and revoke the organisation's usage API keys.
    ManageApiKeys,
    /// The vendor's own operations: corrections (void an invoice), the
    /// catalog, bank payments, an organisation's flags, the clock. Never a
    /// customer's, and refused by no standing.
    Operate,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::ViewBilling,
        Action::DownloadInvoices,
        Action::BuyCredits,
        Action::ChangePlan,
        Action::EditBillingDetails,
        Action::ReassignBillingOwner,
        Action::ViewSeatUsage,
        Action::ManageApiKeys,
    ];
}

/// Who is acting inside one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    pub is_billing_owner: bool,
}

impl Actor {
    pub fn may(self, action: Action) -> bool {
        // The billing owner is always an admin (R-ACC-4); a row that says
        // otherwise gets only the rights of its role.
        let owner = self.is_billing_owner && self.role == Role::Admin;
        match action {
            Action::ViewBilling
            | Action::DownloadInvoices
            | Action::BuyCredits
            | Action::ViewSeatUsage
            | Action::ManageApiKeys => self.role == Role::Admin,
            Action::ChangePlan | Action::EditBillingDetails | Action::ReassignBillingOwner => owner,
            Action::Operate => false,
        }
    }
}

/// Why something is refused: the rule, in words a person can act on.
/// `what` is the message id of what was refused ("what-upgrade").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    NotAdmin {
        owner: Option<String>,
    },
    NotOwner {
        what: String,
        owner: Option<String>,
    },
    PartnerManaged {
        partner: String,
    },
    PlanLocked,
    ContactSales,
    PastDue {
        what: String,
    },
    /// A team plan while the organisation's own plan covers every team.
    OrganisationCovers,
    /// A second team with a plan of its own (Asana: contact sales).
    SecondTeam {
        team: String,
    },
    /// An organisation plan beside a team's own (contact sales).
    TeamHasOwn {
        team: String,
    },
}

impl Refusal {
    pub fn text(&self) -> Text {
        match self {
            Refusal::NotAdmin { owner: None } => msg!("refusal-not-admin"),
            Refusal::NotAdmin { owner: Some(owner) } => {
                msg!("refusal-not-admin-ask", owner = owner.as_str())
            }
            Refusal::NotOwner { what, owner: None } => {
                msg!("refusal-not-owner", what = TextArg::message(what))
            }
            Refusal::NotOwner {
                what,
                owner: Some(owner),
            } => msg!(
                "refusal-not-owner-ask",
                what = TextArg::message(what),
                owner = owner.as_str()
            ),
            Refusal::PartnerManaged { partner } => {
                msg!("refusal-partner-managed", partner = partner.as_str())
            }
            Refusal::PlanLocked => msg!("refusal-plan-locked"),
            Refusal::ContactSales => msg!("refusal-contact-sales"),
            Refusal::PastDue { what } => msg!("refusal-past-due", what = TextArg::message(what)),
            Refusal::OrganisationCovers => msg!("refusal-organisation-covers"),
            Refusal::SecondTeam { team } => msg!("refusal-second-team", team = team.as_str()),
            Refusal::TeamHasOwn { team } => msg!("refusal-team-has-own", team = team.as_str()),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for Refusal {}

impl Action {
    /// Looks and changes nothing: what support staff may do.
    pub fn only_reads(self) -> bool {
        matches!(
            self,
            Action::ViewBilling | Action::DownloadInvoices | Action::ViewSeatUsage
        )
    }

    /// The message id of what the action does, for a refusal ("Only the
    /// billing owner can …").
    pub fn describe(self) -> &'static str {
        match self {
            Action::ViewBilling => "what-see-billing",
            Action::DownloadInvoices => "what-download-invoices",
            Action::BuyCredits => "what-buy-credit-packs",
            Action::ChangePlan => "what-change-plan",
            Action::EditBillingDetails => "what-edit-billing-details",
            Action::ReassignBillingOwner => "what-hand-over-owner",
            Action::ViewSeatUsage => "what-see-seat-usage",
            Action::ManageApiKeys => "what-manage-api-keys",
            Action::Operate => "what-operate",
        }
    }
}

impl Actor {
    /// The role half of every check: may, or the refusal that names the
    /// rule and the billing owner to ask.
    pub fn permit(self, action: Action, owner: Option<String>) -> Result<(), Refusal> {
        if self.may(action) {
            Ok(())
        } else if self.role == Role::Admin {
            Err(Refusal::NotOwner {
                what: action.describe().into(),
                owner,
            })
        } else {
            Err(Refusal::NotAdmin { owner })
        }
    }
}

/// What a subscription change does, for the organisation's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Change {
    /// A dearer plan or interval now (R-SUB-3/5).
    Upgrade,
    /// A cheaper plan or interval at the period end (R-SUB-4).
    Downgrade,
    AddSeats,
    RemoveSeats,
    /// Choosing the current plan: a scheduled change is dropped.
    CancelScheduled,
    StartTrial,
    EndTrial,
    /// Cancel or resume auto-renew (R-SUB-9).
    AutoRenew,
}

impl Change {
    /// The message id of what the change does, for a refusal.
    fn describe(self) -> &'static str {
        match self {
            Change::Upgrade => "what-upgrade",
            Change::AddSeats => "what-add-seats",
            Change::StartTrial => "what-start-trial",
            _ => "what-change-subscription",
        }
    }

    /// Gives the customer more now, so it waits for an unpaid invoice.
    /// Dropping a scheduled change counts: after the last failed retry the
    /// subscription is scheduled to go to Free (R-PAY-2), which only paying
    /// undoes.
    fn gives_value(self) -> bool {
        matches!(
            self,
            Change::Upgrade | Change::AddSeats | Change::StartTrial | Change::CancelScheduled
        )
    }
}

/// The standing half of every write (R-ACC-6, R-PAY-2): what the
/// organisation's terms refuse, whoever asks. The organisation guard calls
/// this under the organisation's lock.
pub fn standing_permits(terms: &OrgTerms, action: Action) -> Result<(), Refusal> {
    let partner = || {
        terms.partner.as_ref().map_or(Ok(()), |p| {
            Err(Refusal::PartnerManaged { partner: p.clone() })
        })
    };
    match action {
        Action::BuyCredits => {
            partner()?;
            if terms.past_due {
                return Err(Refusal::PastDue {
                    what: Action::BuyCredits.describe().into(),
                });
            }
            Ok(())
        }
        Action::ChangePlan => {
            partner()?;
            if terms.manually_billed {
                return Err(Refusal::ContactSales);
            }
            Ok(())
        }
        Action::EditBillingDetails => partner(),
        Action::ViewBilling
        | Action::DownloadInvoices
        | Action::ViewSeatUsage
        | Action::ManageApiKeys
        | Action::ReassignBillingOwner
        | Action::Operate => Ok(()),
    }
}

/// A subscription change against the standing: everything `ChangePlan`
/// refuses, plus plan-locked (every change to the agreed subscription:
/// plan, interval, seats, trials, auto-renew; ending a trial returns to it)
/// and past due (nothing that gives more before the open invoice is paid).
pub fn change_permitted(terms: &OrgTerms, change: Change) -> Result<(), Refusal> {
    standing_permits(terms, Action::ChangePlan)?;
    if terms.plan_locked && change != Change::EndTrial {
        return Err(Refusal::PlanLocked);
    }
    if terms.past_due && change.gives_value() {
        return Err(Refusal::PastDue {
            what: change.describe().into(),
        });
    }
    Ok(())
}

/// What a page offers `actor` (and the server accepts) in an organisation
/// of `terms`: the role's refusal first (naming the `owner` to ask), then
/// the standing's, for `action` or, for a subscription change, `change`.
/// Pages render their controls from this, so a control is offered exactly
/// when the server would take it; where it is not, the refusal says why.
pub fn offered(
    actor: Actor,
    owner: Option<String>,
    terms: &OrgTerms,
    action: Action,
    change: Option<Change>,
) -> Result<(), Refusal> {
    actor.permit(action, owner)?;
    match change {
        Some(change) => change_permitted(terms, change),
        None => standing_permits(terms, action),
    }
}

/// Where a paid plan may be (R-ACC-2, Asana): on the organisation, or on
/// one team while the organisation itself is on Free; a second team, or
/// the organisation beside a team's plan, is for sales. `team` is the
/// scope changed, `teams_with_plan` the teams with a live subscription.
pub fn scope_permitted(
    team: Option<i64>,
    organisation_on_free: bool,
    teams_with_plan: &[(i64, String)],
    to_free: bool,
) -> Result<(), Refusal> {
    let other = teams_with_plan.iter().find(|(id, _)| Some(*id) != team);
    match (team, other) {
        (Some(_), _) if !organisation_on_free => Err(Refusal::OrganisationCovers),
        (Some(_), Some((_, name))) => Err(Refusal::SecondTeam { team: name.clone() }),
        (None, Some((_, name))) if !to_free => Err(Refusal::TeamHasOwn { team: name.clone() }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_team_plan_while_the_organisation_is_on_free() {
        let sales = [(7, "Sälj".to_string())];
        // The first team plan, and changes to it.
        assert_eq!(scope_permitted(Some(7), true, &[], false), Ok(()));
        assert_eq!(scope_permitted(Some(7), true, &sales, false), Ok(()));
        // A second team: sales.
        assert_eq!(
            scope_permitted(Some(8), true, &sales, false),
            Err(Refusal::SecondTeam {
                team: "Sälj".into()
            })
        );
        // The organisation's paid plan covers every team.
        assert_eq!(
            scope_permitted(Some(7), false, &[], false),
            Err(Refusal::OrganisationCovers)
        );
        // The organisation on a paid plan beside a team's: sales; on Free, fine.
        assert_eq!(
            scope_permitted(None, true, &sales, false),
            Err(Refusal::TeamHasOwn {
                team: "Sälj".into()
            })
        );
        assert_eq!(scope_permitted(None, true, &sales, true), Ok(()));
        assert_eq!(scope_permitted(None, false, &[], false), Ok(()));
    }

    #[test]
    fn matrix_of_r_acc_5() {
        let owner = Actor {
            role: Role::Admin,
            is_billing_owner: true,
        };
        let admin = Actor {
            role: Role::Admin,
            is_billing_owner: false,
        };
        for a in Action::ALL {
            assert!(owner.may(a), "owner may {a:?}");
        }
        for a in [
            Action::ViewBilling,
            Action::DownloadInvoices,
            Action::BuyCredits,
            Action::ViewSeatUsage,
        ] {
            assert!(admin.may(a));
        }
        for a in [
            Action::ChangePlan,
            Action::EditBillingDetails,
            Action::ReassignBillingOwner,
        ] {
            assert!(!admin.may(a));
        }
        for role in [
            Role::Member,
            Role::Custom,
            Role::Client,
            Role::CommentOnly,
            Role::ViewOnly,
        ] {
            for owner_flag in [false, true] {
                let actor = Actor {
                    role,
                    is_billing_owner: owner_flag,
                };
                for a in Action::ALL {
                    assert!(!actor.may(a), "{role:?} may not {a:?}");
                }
            }
        }
    }

    #[test]
    fn paid_and_free_roles() {
        let paid: Vec<_> = Role::ALL.into_iter().filter(|r| r.is_paid()).collect();
        assert_eq!(paid, vec![Role::Admin, Role::Member, Role::Custom]);
    }

    #[test]
    fn refusals_name_the_rule() {
        let admin = Actor {
            role: Role::Admin,
            is_billing_owner: false,
        };
        let refusal = admin
            .permit(Action::ChangePlan, Some("Anna Andersson".into()))
            .unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "Only the billing owner can change the plan, seats or auto-renew; ask Anna Andersson."
        );
        // The same refusal reads in the person's language, the action too.
        assert_eq!(
            refusal.text().render(crate::domain::locale::Locale::Sv),
            "Bara faktureringsansvarig kan ändra plan, platser eller automatisk förnyelse; fråga Anna Andersson."
        );
        assert_eq!(
            refusal.text().render(crate::domain::locale::Locale::Nb),
            "Bare faktureringsansvarlig kan endre plan, plasser eller automatisk fornyelse; spør Anna Andersson."
        );
        let member = Actor {
            role: Role::Member,
            is_billing_owner: false,
        };
        assert_eq!(
            member
                .permit(Action::ViewBilling, None)
                .unwrap_err()
                .to_string(),
            "Only admins can see billing."
        );
    }

    #[test]
    fn standing_refuses_by_terms() {
        let partner = OrgTerms {
            partner: Some("Nordic Partners AB".into()),
            ..Default::default()
        };
        for a in [
            Action::BuyCredits,
            Action::ChangePlan,
            Action::EditBillingDetails,
        ] {
            assert!(matches!(
                standing_permits(&partner, a),
                Err(Refusal::PartnerManaged { .. })
            ));
        }
        let past_due = OrgTerms {
            past_due: true,
            ..Default::default()
        };
        assert!(standing_permits(&past_due, Action::BuyCredits).is_err());
        assert!(standing_permits(&past_due, Action::EditBillingDetails).is_ok());
        assert!(change_permitted(&past_due, Change::Upgrade).is_err());
        assert!(change_permitted(&past_due, Change::AddSeats).is_err());
        assert!(change_permitted(&past_due, Change::Downgrade).is_ok());
        assert!(change_permitted(&past_due, Change::CancelScheduled).is_err());
        let locked = OrgTerms {
            plan_locked: true,
            ..Default::default()
        };
        assert_eq!(
            change_permitted(&locked, Change::Upgrade),
            Err(Refusal::PlanLocked)
        );
        // Plan-locked: every change to the agreed subscription (issue 33).
        for change in [
            Change::AddSeats,
            Change::RemoveSeats,
            Change::Downgrade,
            Change::AutoRenew,
            Change::StartTrial,
            Change::CancelScheduled,
        ] {
            assert_eq!(change_permitted(&locked, change), Err(Refusal::PlanLocked));
        }
        assert!(change_permitted(&locked, Change::EndTrial).is_ok());
        assert!(standing_permits(&locked, Action::BuyCredits).is_ok());
        let contract = OrgTerms {
            manually_billed: true,
            ..Default::default()
        };
        assert_eq!(
            change_permitted(&contract, Change::AddSeats),
            Err(Refusal::ContactSales)
        );
        assert!(standing_permits(&contract, Action::EditBillingDetails).is_ok());
    }
}
