//! Who acts on an organisation's billing (R-OPS-1): a customer's member, one
//! of the vendor's operators, the billing clock or an organisation's API
//! key. Services take it, the permission check asks it what it may do, and
//! the audit log records it, so one service serves the billing pages, the
//! operators' console, the clock and the usage API alike.

use crate::domain::roles::{Action, Actor};
use serde::{Deserialize, Serialize};

/// The vendor's staff: `operator` changes, `support` only reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperatorRole {
    Operator,
    Support,
}

impl OperatorRole {
    pub fn code(self) -> &'static str {
        match self {
            OperatorRole::Operator => "operator",
            OperatorRole::Support => "support",
        }
    }

    /// The console's role rule: an operator may do what a billing owner
    /// may and run the vendor's billing (`Action::Operate`); support only
    /// reads.
    pub fn may(self, action: Action) -> bool {
        self == OperatorRole::Operator || action.only_reads()
    }

    pub fn parse(code: &str) -> Result<OperatorRole, String> {
        match code {
            "operator" => Ok(OperatorRole::Operator),
            "support" => Ok(OperatorRole::Support),
            other => Err(format!("unknown operator role '{other}'")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    /// A customer's user, through the billing pages, with their role there.
    Member { user_id: i64, actor: Actor },
    /// The vendor's staff, through the console.
    Operator { id: i64, role: OperatorRole },
    /// The billing clock: renewals, retries, trials ending.
    Clock,
    /// The vendor's product, reporting usage with an organisation's key.
    ApiKey { key_id: i64 },
    /// Whoever runs the server's commands (`import-bgmax`, `record-payment`,
    /// the demo seed): they have the database anyway.
    Command,
}

impl Party {
    /// The role half of the permission check (R-ACC-5 for members, the
    /// console's roles for operators); the clock, API keys and the command
    /// line act only through their own services.
    pub fn may(&self, action: Action) -> bool {
        match *self {
            Party::Member { actor, .. } => actor.may(action),
            Party::Operator { role, .. } => role.may(action),
            Party::Clock | Party::ApiKey { .. } | Party::Command => false,
        }
    }

    /// How the audit log names it: `user:7`, `operator:2`, `billing-clock`,
    /// `api-key:5`.
    pub fn audit_name(&self) -> String {
        match self {
            Party::Member { user_id, .. } => format!("user:{user_id}"),
            Party::Operator { id, .. } => format!("operator:{id}"),
            Party::Clock => "billing-clock".into(),
            Party::ApiKey { key_id } => format!("api-key:{key_id}"),
            Party::Command => "command-line".into(),
        }
    }
}

/// A party acting on one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acting {
    pub org_id: i64,
    pub by: Party,
}

impl Acting {
    pub fn member(org_id: i64, user_id: i64, actor: Actor) -> Acting {
        Acting {
            org_id,
            by: Party::Member { user_id, actor },
        }
    }

    pub fn clock(org_id: i64) -> Acting {
        Acting::by(org_id, Party::Clock)
    }

    pub fn by(org_id: i64, by: Party) -> Acting {
        Acting { org_id, by }
    }

    pub fn may(&self, action: Action) -> bool {
        self.by.may(action)
    }

    /// [`crate::domain::roles::offered`] for this party: a customer's user
    /// by their role; anyone else (an operator looking at the customer's
    /// page) is offered nothing.
    pub fn offered(
        &self,
        owner: Option<String>,
        terms: &crate::domain::subscription::OrgTerms,
        action: Action,
        change: Option<crate::domain::roles::Change>,
    ) -> Result<(), crate::domain::roles::Refusal> {
        match self.by {
            Party::Member { actor, .. } => {
                crate::domain::roles::offered(actor, owner, terms, action, change)
            }
            _ => Err(crate::domain::roles::Refusal::NotOwner {
                what: action.describe().into(),
                owner,
            }),
        }
    }

    /// The customer's user, when one acts.
    pub fn user_id(&self) -> Option<i64> {
        match self.by {
            Party::Member { user_id, .. } => Some(user_id),
            _ => None,
        }
    }

    pub fn audit_name(&self) -> String {
        self.by.audit_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roles::Role;

    #[test]
    fn support_only_reads_and_an_operator_may_what_an_owner_may() {
        let owner = Acting::member(
            1,
            7,
            Actor {
                role: Role::Admin,
                is_billing_owner: true,
            },
        );
        let op = |role| Acting {
            org_id: 1,
            by: Party::Operator { id: 2, role },
        };
        for a in Action::ALL {
            assert_eq!(op(OperatorRole::Operator).may(a), owner.may(a), "{a:?}");
            assert_eq!(op(OperatorRole::Support).may(a), a.only_reads(), "{a:?}");
            assert!(!Acting::clock(1).may(a));
        }
        assert!(op(OperatorRole::Operator).may(Action::Operate));
        assert!(!op(OperatorRole::Support).may(Action::Operate));
        assert!(!owner.may(Action::Operate), "never a customer's");
    }

    #[test]
    fn the_audit_log_names_each_party() {
        assert_eq!(
            Acting::member(
                1,
                7,
                Actor {
                    role: Role::Admin,
                    is_billing_owner: false
                }
            )
            .audit_name(),
            "user:7"
        );
        assert_eq!(Acting::clock(1).audit_name(), "billing-clock");
        assert_eq!(Party::ApiKey { key_id: 5 }.audit_name(), "api-key:5");
        assert_eq!(
            Party::Operator {
                id: 2,
                role: OperatorRole::Support
            }
            .audit_name(),
            "operator:2"
        );
        for r in [OperatorRole::Operator, OperatorRole::Support] {
            assert_eq!(OperatorRole::parse(r.code()), Ok(r));
        }
    }
}
