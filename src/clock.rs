//! The one source of "now" for the server. Money code never reads the wall
//! clock: services take `now` as an argument, and the server asks this
//! clock for it. Production runs on the system clock; tests pin it and move
//! it, so no test depends on today's date.

use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};

#[derive(Clone, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: a pinned instant that tests move.
    pinned: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { pinned: None }
    }

    pub fn pinned(at: DateTime<Utc>) -> Clock {
        Clock {
            pinned: Some(Arc::new(RwLock::new(at))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.pinned {
            Some(at) => *at.read().unwrap_or_else(|p| p.into_inner()),
            None => Utc::now(),
        }
    }

    /// Moves a pinned clock; a system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(pinned) = &self.pinned {
            *pinned.write().unwrap_or_else(|p| p.into_inner()) = at;
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pinned {
            Some(_) => write!(f, "Clock::pinned({})", self.now()),
            None => write!(f, "Clock::system"),
        }
    }
}
