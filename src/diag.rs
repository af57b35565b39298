//! Lines on standard error (warnings, the tolerance in use, progress notes), best effort:
//! a standard error that cannot be written (`2>/dev/full`, closed) never stops a report.

use std::fmt::Display;
use std::io::Write;

/// Write one line to standard error, ignoring any failure.
pub fn line(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// `warning: TEXT` on standard error, best effort.
pub fn warn(text: impl Display) {
    line(format_args!("warning: {text}"));
}
