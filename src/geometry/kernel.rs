//! Containing the geometry kernel: a panic inside a third-party boolean operation (i_overlay,
//! under geo's `BooleanOps`) becomes an error for the pair being computed, never a crash.
//!
//! Rings are cleaned on load ([`super::clean`]) so that the kernel should never be given the
//! degenerate input it is known to panic on; this is the second line of defence. A contained
//! panic prints nothing: the process-wide panic hook is wrapped once, and stays silent for a
//! thread while it runs a [`contained`] call (any other panic is still printed as before).
//! Rayon would re-raise a panic from a worker on the calling thread and stop the whole
//! command; each pair is contained on its worker instead, so the others still complete.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Depth of [`contained`] calls on this thread.
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

static HOOK: Once = Once::new();

/// Wrap the panic hook once: silent while this thread is inside [`contained`].
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) == 0 {
                previous(info);
            }
        }));
    });
}

/// A panic inside the geometry kernel, with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelPanic(pub String);

impl std::fmt::Display for KernelPanic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the geometry kernel failed ({})", self.0)
    }
}

/// Run `f`, turning a panic into [`KernelPanic`] (with no message on stderr).
///
/// ```
/// use footprint::geometry::kernel::contained;
/// assert_eq!(contained(|| 2 + 2), Ok(4));
/// let v: Vec<u32> = Vec::new();
/// assert!(contained(|| v[usize::MAX]).is_err());
/// ```
pub fn contained<T>(f: impl FnOnce() -> T) -> Result<T, KernelPanic> {
    install_hook();
    QUIET.with(|q| q.set(q.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get() - 1));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".to_string());
        KernelPanic(message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_an_error_and_later_panics_still_unwind() {
        let e = contained(|| -> u32 { panic!("boom") }).unwrap_err();
        assert_eq!(e.0, "boom");
        // Outside `contained`, a panic is a panic (the hook delegates, the unwind goes on).
        let outer = panic::catch_unwind(|| panic!("outer"));
        assert!(outer.is_err());
        // Nested calls restore the depth.
        let r = contained(|| contained(|| -> u32 { panic!("inner") }).is_err());
        assert_eq!(r, Ok(true));
        assert_eq!(QUIET.with(|q| q.get()), 0);
    }
}
