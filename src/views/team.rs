//! Seats and the billing owner (R-ACC-4/5): who uses the seats bought, by
//! role, and to whom the owner can hand the role over.

use crate::domain::roles::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub membership_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub billing_owner: bool,
}

/// Someone the owner can hand the role to: another active member; one
/// without the admin role is made admin, and one with a free role then
/// takes a seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub membership_id: i64,
    pub name: String,
    pub role: Role,
    pub becomes_admin: bool,
    /// A free role made admin needs a seat, and none is free: add one first.
    pub needs_seat: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    /// Seats bought, or the contract's tier.
    pub seats_bought: u32,
    pub under_contract: bool,
    /// Active members with paid roles: they take seats.
    pub paid: u32,
    /// Active members with free roles.
    pub free: u32,
    /// Active members per role, every role listed.
    pub by_role: Vec<(Role, u32)>,
    pub members: Vec<TeamMember>,
    /// Whether the person looking is the billing owner.
    pub is_owner: bool,
    /// Empty for everyone but the owner.
    pub candidates: Vec<Candidate>,
    pub action_key: String,
}

/// The handover done: who owns the billing now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedOver {
    pub owner: String,
}
