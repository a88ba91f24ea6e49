//! Part of stage 4 (assets): how much decoded photo the build holds at once.
//! Each decode of a source photo takes a share of one process-wide memory
//! budget for as long as its full-size pixels live, and waits while the
//! budget is spent, so eight 100-megapixel photos are decoded one after the
//! other instead of one per core (which took a gigabyte per core). A photo
//! larger than the whole budget runs alone. No I/O; never blocks a thread
//! that holds a share.
//!
//! Holders must not wait on rayon work while they hold a share (a rayon
//! worker that blocks here could be the one that work needs): decode and
//! resize run sequentially inside a share; encoding runs after it is given
//! back.

use std::sync::{Condvar, Mutex, OnceLock};

/// Bytes of decoded pixels the build holds at once (768 MiB).
pub(crate) const BUDGET_BYTES: u64 = 768 << 20;

pub(crate) struct Budget {
    capacity: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A share of the budget, given back when dropped.
pub(crate) struct Share<'a> {
    budget: &'a Budget,
    amount: u64,
}

impl Budget {
    pub(crate) fn new(capacity: u64) -> Self {
        Budget { capacity, used: Mutex::new(0), freed: Condvar::new() }
    }

    /// Waits until `bytes` (at most the whole budget) are free, and takes them.
    pub(crate) fn take(&self, bytes: u64) -> Share<'_> {
        let amount = bytes.min(self.capacity);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + amount > self.capacity {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += amount;
        Share { budget: self, amount }
    }

    #[cfg(test)]
    fn used(&self) -> u64 {
        *self.used.lock().expect("budget")
    }
}

impl Drop for Share<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.amount;
        self.budget.freed.notify_all();
    }
}

/// The process-wide budget that image variants and share cards share.
pub(crate) fn memory() -> &'static Budget {
    static BUDGET: OnceLock<Budget> = OnceLock::new();
    BUDGET.get_or_init(|| Budget::new(BUDGET_BYTES))
}

/// What decoding a photo of `width` x `height` holds at most: its pixels
/// (RGB or RGBA) twice, for the decoder's own format before conversion or
/// a turn by its EXIF orientation.
pub(crate) fn decode_cost(width: u32, height: u32, alpha: bool) -> u64 {
    u64::from(width) * u64::from(height) * if alpha { 4 } else { 3 } * 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn shares_never_exceed_the_budget_and_a_large_one_runs_alone() {
        let budget = Budget::new(100);
        let peak = AtomicU64::new(0);
        std::thread::scope(|s| {
            for cost in [60, 60, 30, 250, 10, 90] {
                let (budget, peak) = (&budget, &peak);
                s.spawn(move || {
                    let _share = budget.take(cost);
                    peak.fetch_max(budget.used(), Ordering::SeqCst);
                    std::thread::yield_now();
                });
            }
        });
        assert!(peak.load(Ordering::SeqCst) <= 100);
        assert_eq!(budget.used(), 0);
    }
}
