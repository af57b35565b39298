//! Progress bars on standard error, for work that takes more than a second.
//!
//! Shown only when standard error is a terminal and the command was not run with `-q`
//! ([`enable`] is called once the arguments are known); a bar appears only after its task has
//! run for a second, so quick runs print nothing. Safe to update from many threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Allow progress bars (when standard error is a terminal) or forbid them.
pub fn enable(on: bool) {
    use std::io::IsTerminal;
    ENABLED.store(on && std::io::stderr().is_terminal(), Ordering::Relaxed);
}

const DELAY: Duration = Duration::from_secs(1);

/// One task with a known amount of work.
pub struct Task {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Task {
    /// A task of `total` units (`bytes` formats them as bytes).
    pub fn new(message: impl Into<String>, total: u64, bytes: bool) -> Task {
        let bar = ENABLED.load(Ordering::Relaxed).then(|| {
            let template = if bytes {
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta} left)"
            } else {
                "{msg} [{bar:30}] {pos}/{len} ({eta} left)"
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
                .with_style(style)
                .with_message(message.into())
        });
        Task {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    fn reveal(&self, bar: &ProgressBar) {
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() >= DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Add `n` units of work done.
    #[inline]
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
            self.reveal(bar);
        }
    }

    /// Set the work done so far.
    #[inline]
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            self.reveal(bar);
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
