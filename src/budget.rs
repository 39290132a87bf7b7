//! A time budget for reading one document in this process (PDFs have their worker's timeout).
//!
//! [`within`] runs a closure under a deadline kept in a thread-local; the decoders' and the
//! understanding stage's loops call [`check`], which, once the deadline has passed, unwinds
//! with an [`Expired`] payload. [`crate::process`] catches it and fails that one document with
//! [`crate::error::DocError::TimeLimit`]; the run goes on. Unwinding is used so that every loop
//! can give up without threading a `Result` through code that cannot otherwise fail.
//!
//! The deadline belongs to the thread that called [`within`]: work another thread steals (the
//! PDF decoder's page tasks) is never cut by it, and nested budgets restore the outer one.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The default budget of one non-PDF document. The slowest real document portolan has read
/// takes well under a second; a minute is a document that will never finish.
pub const DEFAULT_DOCUMENT_SECONDS: u64 = 60;

/// How many [`check`] calls pass between two reads of the clock (a read costs ~20 ns; a check
/// ~1 ns).
const CLOCK_EVERY: u32 = 256;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// The panic payload of an expired budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired;

/// Runs `f` with a deadline `limit` from now on this thread; the previous deadline (if any)
/// is restored afterwards, also when `f` unwinds.
pub fn within<R>(limit: Duration, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.with(|d| d.set(self.0));
        }
    }
    let deadline = Instant::now().checked_add(limit);
    let outer = DEADLINE.with(|d| d.replace(deadline));
    // an inner budget never outlives the outer one
    if let (Some(o), Some(n)) = (outer, deadline) {
        DEADLINE.with(|d| d.set(Some(o.min(n))));
    }
    let _restore = Restore(outer);
    f()
}

/// Gives up (unwinds with [`Expired`]) if this thread's deadline has passed. Cheap enough for
/// any loop: the clock is read once every [`CLOCK_EVERY`] calls.
#[inline]
pub fn check() {
    let n = CALLS.with(|c| {
        let n = c.get().wrapping_add(1);
        c.set(n);
        n
    });
    if n.is_multiple_of(CLOCK_EVERY) {
        check_now();
    }
}

#[cold]
fn check_now() {
    if let Some(d) = DEADLINE.with(Cell::get) {
        if Instant::now() >= d {
            std::panic::panic_any(Expired);
        }
    }
}

/// Whether a caught panic payload is an expired budget.
pub fn is_expired(payload: &(dyn std::any::Any + Send)) -> bool {
    payload.is::<Expired>()
}

/// Installs a panic hook that keeps quiet about expired budgets (they are reported as the
/// document's error) and leaves every other panic to the previous hook. For binaries.
pub fn quiet_expiry_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_expired(info.payload()) {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_that_checks_gives_up_at_its_deadline() {
        quiet_expiry_hook();
        let started = Instant::now();
        let r = std::panic::catch_unwind(|| {
            within(Duration::from_millis(20), || loop {
                check();
            })
        });
        let payload = r.expect_err("the loop is cut");
        assert!(is_expired(payload.as_ref()));
        assert!(started.elapsed() < Duration::from_secs(5));
        // the deadline is gone afterwards
        for _ in 0..10_000 {
            check();
        }
    }

    #[test]
    fn without_a_deadline_nothing_is_cut() {
        let mut n = 0u64;
        for _ in 0..100_000 {
            check();
            n += 1;
        }
        assert_eq!(n, 100_000);
        assert_eq!(within(Duration::from_secs(60), || 7), 7);
    }
}
