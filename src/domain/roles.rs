//! Membership roles (R-ACC-4) and the permission matrix (R-ACC-5): the one
//! place that says who may do what on the billing pages.

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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
