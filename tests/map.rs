//! The HTML map report, completions and the man page, driven through the real binary.
//! `map_browser.rs` opens the report in a real browser.

mod common;

use common::{demo, footprint, repo};
use predicates::prelude::*;

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/map")
        .join(name)
        .display()
        .to_string()
}

/// Run `footprint map ARGS -o DIR/report.html` and return the report.
fn map_html(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    footprint()
        .arg("map")
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(&out).unwrap()
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn demo_map_has_one_shape_per_feature_and_a_part_per_split_row() {
    let html = map_html(&[
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--providers",
        &demo("trusts.geojson"),
        "--weights",
        &demo("population.csv"),
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(count(&html, "<path data-kind=\"unit\""), 8);
    assert_eq!(count(&html, "<path data-kind=\"footprint\""), 3);
    assert_eq!(count(&html, "<path data-kind=\"provider\""), 3);
    // Oakhurst and Wendle and Stanmoor are split, two parts each.
    assert_eq!(count(&html, "<path data-kind=\"part\""), 4);
    assert_eq!(count(&html, "<text class=\"label\""), 3);
    // Units are grouped by status, as coterminosity counts them.
    for (class, n) in [("whole", 5), ("split", 2), ("outside", 1)] {
        let start = html
            .find(&format!("<g class=\"units {class}\">"))
            .unwrap_or_else(|| panic!("no {class} group"));
        let group = &html[start..start + html[start..].find("</g>").unwrap()];
        assert_eq!(count(group, "<path data-kind=\"unit\""), n, "{class}");
    }
    // The tables: the split council part by part, the gap, the spanning trust.
    assert!(html.contains("<tr data-code=\"X07000004\">"));
    assert!(html.contains("<tr data-code=\"X07000008\">"));
    assert!(html.contains("<tr data-code=\"XR1\">"));
    assert!(html.contains("1 of 3 providers span more than one footprint"));
    // Hover text carries code, name, km² and shares.
    assert!(html.contains("X07000004 Oakhurst and Wendle\n567.3 km² · split\n"));
    assert!(html.contains("59.3% of its area, 96.9% of its weight in X54000001"));
}

#[test]
fn map_is_self_contained() {
    let html = map_html(&[
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--providers",
        &demo("trusts.geojson"),
    ]);
    // Nothing to fetch: no URLs at all (inline SVG in HTML needs no namespace URL), no
    // external scripts, styles, images or fonts.
    for needle in [
        "http://", "https://", "src=", "<link", "@import", "url(http", "//cdn",
    ] {
        assert!(!html.contains(needle), "found {needle:?}");
    }
    assert_eq!(count(&html, "<script>"), 1);
    assert_eq!(count(&html, "<script"), 1);
}

#[test]
fn names_and_codes_are_escaped() {
    let html = map_html(&[
        &fixture("names_to_escape_footprints.geojson"),
        "--units",
        &fixture("names_to_escape_units.geojson"),
        "--title",
        "A <title> & more",
        "-q",
    ]);
    // Only the report's own script; every hostile name arrives as text.
    assert_eq!(count(&html, "<script"), 1);
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>\"Borough"));
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("Tom &amp; Jerry&#39;s &lt;b&gt;&quot;Borough&quot;&lt;/b&gt;"));
    assert!(html.contains("data-code=\"F&lt;1&gt;\""));
    assert!(html.contains("data-code=\"U&amp;1\""));
    assert!(html.contains("<title>A &lt;title&gt; &amp; more</title>"));
    // U2 straddles both footprints: two parts, both escaped.
    assert_eq!(count(&html, "<path data-kind=\"part\" data-code=\"U2\""), 2);
}

#[test]
fn simplify_zero_draws_the_loaded_geometry() {
    let fine = map_html(&[
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--simplify",
        "0",
        "-q",
    ]);
    let coarse = map_html(&[
        &demo("footprints.geojson"),
        "--units",
        &demo("councils.geojson"),
        "--simplify",
        "1km",
        "-q",
    ]);
    assert!(
        coarse.len() < fine.len(),
        "{} < {}",
        coarse.len(),
        fine.len()
    );
    assert!(fine.contains("drawn simplified by up to 0 m"));
    assert_eq!(count(&coarse, "<path data-kind=\"unit\""), 8);
}

#[test]
fn map_cannot_run_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // No such directory for the output: refused before loading anything.
    footprint()
        .args(["map", &demo("footprints.geojson"), "--units"])
        .arg(demo("councils.geojson"))
        .arg("-o")
        .arg(dir.path().join("missing/report.html"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write here"));
    // A missing layer.
    let out = dir.path().join("report.html");
    footprint()
        .args([
            "map",
            &demo("footprints.geojson"),
            "--units",
            "nonexistent.geojson",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp files left"
    );
    // -o is required.
    footprint()
        .args(["map", &demo("footprints.geojson"), "--units"])
        .arg(demo("councils.geojson"))
        .assert()
        .code(2);
}

#[test]
fn map_help_ends_with_an_example() {
    footprint()
        .args(["map", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Example:\n  footprint map "));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef footprint"),
        ("fish", "complete -c footprint -n"),
    ] {
        footprint()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker))
            .stdout(predicate::str::contains("coterminosity"))
            .stdout(predicate::str::contains("providers"));
    }
    footprint().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_pages_for_the_tool_and_each_command() {
    footprint()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie"))
        .stdout(predicate::str::contains(".TH footprint 1"))
        .stdout(predicate::str::contains("coterminosity"));
    footprint()
        .args(["man", "map"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH footprint-map 1"))
        .stdout(predicate::str::contains("simplify"));
    footprint()
        .args(["man", "nosuch"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the commands are: inspect"));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("footprint.1");
    footprint()
        .arg("man")
        .arg("-o")
        .arg(&page)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&page).unwrap().contains(".SH NAME"));
}

/// `man --dir` writes every page the main page names, and the help's after-text (the
/// rules-file format, the examples) stays line for line: no fill.
#[test]
fn man_dir_writes_every_page_with_verbatim_examples() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    footprint()
        .args(["man", "--dir"])
        .arg(&pages)
        .assert()
        .success();
    let main = std::fs::read_to_string(pages.join("footprint.1")).unwrap();
    for named in main
        .split_whitespace()
        .filter(|w| w.starts_with("footprint\\-") && w.ends_with("(1)"))
    {
        let file = format!("{}.1", named.trim_end_matches("(1)").replace("\\-", "-"));
        assert!(pages.join(&file).exists(), "{named}: no {file}");
    }
    let check = std::fs::read_to_string(pages.join("footprint-check.1")).unwrap();
    let extra = check.split(".SH EXTRA\n").nth(1).unwrap();
    assert!(extra.starts_with(".nf\n"), "{extra}");
    let verbatim = &extra[4..extra.find("\n.fi\n").unwrap()];
    let unescaped = verbatim.replace("\\-", "-").replace("\\*(Aq", "'");
    let help = footprint().args(["check", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for line in help
        .lines()
        .skip_while(|l| !l.starts_with("Rules file format"))
    {
        assert!(
            unescaped.lines().any(|l| l.trim_end() == line.trim_end()),
            "not verbatim in the page: {line:?}"
        );
    }
    footprint()
        .args(["man", "map", "--dir"])
        .arg(&pages)
        .assert()
        .code(2);
}
