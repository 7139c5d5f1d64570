//! The integration test binary: each module holds one feature's scenarios,
//! each scenario runs on SQLite and on PostgreSQL.

mod abuse;
mod bookkeeping;
mod card_payments;
mod clock;
mod console;
mod credits;
mod documents;
mod einvoice;
mod hardening;
mod mail;
mod payments;
mod plan_changes;
mod skeleton;
mod subscription;
mod support;
mod team;
mod team_plans;
