//! JUnit XML for CI systems: one test case per rule, a failure element when it fails.

use std::io::Write;

use anyhow::Result;

use super::CheckReport;

/// Escape text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn write(report: &CheckReport, w: &mut dyn Write) -> Result<()> {
    let total: f64 = report.results.iter().map(|r| r.seconds).sum();
    let suite = escape(&report.rules_file);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="footprint check" tests="{}" failures="{}" errors="0" time="{total:.3}">"#,
        report.rules, report.failed
    )?;
    writeln!(
        w,
        r#"  <testsuite name="{suite}" tests="{}" failures="{}" errors="0" skipped="0" time="{total:.3}">"#,
        report.rules, report.failed
    )?;
    for r in &report.results {
        write!(
            w,
            r#"    <testcase name="{}" classname="footprint.{}" time="{:.3}">"#,
            escape(&r.name),
            r.check,
            r.seconds
        )?;
        writeln!(w)?;
        if !r.passed {
            writeln!(
                w,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&r.summary),
                r.check,
                escape(&r.failures.join("\n"))
            )?;
        }
        writeln!(
            w,
            "      <system-out>{} (tolerance {} m)</system-out>",
            escape(&r.summary),
            r.tolerance_m
        )?;
        writeln!(w, "    </testcase>")?;
    }
    writeln!(w, "  </testsuite>")?;
    writeln!(w, "</testsuites>")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b>&\"c' \u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;  ");
    }
}
