//! Excel workbooks (`-o report.xlsx` or `--format xlsx`): an About sheet, then a sheet per
//! table; text stays text (no formula from a name), names stay intact, numbers are numbers.
//! Read back with the zip crate: a workbook is a zip of XML parts.

mod common;

use std::io::Read;
use std::path::Path;

use common::{demo, england, footprint};

/// The parts of the workbook at `path`, by name.
fn parts(path: &Path) -> std::collections::BTreeMap<String, String> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("a workbook is a zip");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        out.insert(f.name().unwrap().to_string(), text);
    }
    out
}

/// The sheet names in `workbook.xml`, in order.
fn sheet_names(parts: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let wb = &parts["xl/workbook.xml"];
    wb.split("<sheet name=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn coterminosity_workbook_has_about_and_a_sheet_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("split.xlsx");
    footprint()
        .args(["coterminosity", &demo("footprints.geojson"), "--units"])
        .arg(demo("councils.geojson"))
        .args(["--weights", &demo("population.csv"), "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let p = parts(&out);
    assert_eq!(
        sheet_names(&p),
        ["About", "Footprints", "Units", "Split parts"]
    );
    let strings = &p["xl/sharedStrings.xml"];
    assert!(
        strings.contains("tolerance: 230 m"),
        "the About sheet says the tolerance"
    );
    assert!(
        strings.contains("23 of 252 weight points"),
        "and the warnings"
    );
    assert!(strings.contains("Oakhurst and Wendle"));
    // Bold header, frozen: a pane in every table sheet.
    for sheet in ["sheet2", "sheet3", "sheet4"] {
        let xml = &p[&format!("xl/worksheets/{sheet}.xml")];
        assert!(
            xml.contains("<pane ySplit=\"1\""),
            "{sheet} header not frozen"
        );
        assert!(!xml.contains("<f>"), "{sheet} holds a formula");
    }
    // Shares as percentages, areas to 3 decimals.
    let styles = &p["xl/styles.xml"];
    assert!(styles.contains("formatCode=\"0.0%\""), "{styles}");
    assert!(styles.contains("formatCode=\"#,##0.000\""), "{styles}");
}

/// The same flag gives a workbook for every report, chosen by extension or by --format.
#[test]
fn every_report_writes_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &["overlaps", "councils.geojson", "footprints.geojson"],
            &["About", "Overlaps"],
        ),
        (
            &[
                "spanning",
                "trusts.geojson",
                "--plans",
                "footprints.geojson",
            ],
            &["About", "Providers", "Plans"],
        ),
        (
            &[
                "validate",
                "footprints.geojson",
                "--extent",
                "councils.geojson",
            ],
            &["About", "Findings"],
        ),
        (&["inspect", "councils.geojson"], &["About", "Layer"]),
        (&["check", "rules.toml"], &["About", "Rules"]),
        (
            &[
                "coterminosity",
                "footprints.geojson",
                "--units",
                "councils.geojson",
                "--by",
                "footprint",
            ],
            &["About", "Footprints", "Units", "Split parts"],
        ),
        (
            &[
                "coterminosity",
                "footprints.geojson",
                "--units",
                "councils.geojson",
                "--small-areas",
                "neighbourhoods.geojson",
            ],
            &[
                "About",
                "Footprints",
                "Units",
                "Split parts",
                "Small-area parts",
                "Small areas",
            ],
        ),
    ];
    for (k, (args, sheets)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("r{k}.XLSX"));
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains('.') {
                    demo(a)
                } else {
                    a.to_string()
                }
            })
            .collect();
        let got = footprint()
            .args(&args)
            .arg("-q")
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(got.status.code().unwrap() <= 1, "{args:?}: {got:?}");
        assert_eq!(sheet_names(&parts(&out)), *sheets, "{args:?}");
    }
    // --format xlsx to a file named otherwise.
    let out = dir.path().join("report.bin");
    footprint()
        .args([
            "inspect",
            &demo("councils.geojson"),
            "--format",
            "xlsx",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(sheet_names(&parts(&out)), ["About", "Layer"]);
}

/// "=1+2" as a council's name is text in the workbook, never a formula; "Ynys Môn" is
/// intact. (The real layers' names are all ASCII: ONS writes "Isle of Anglesey".)
#[test]
fn names_stay_text_and_intact() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("councils.geojson")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["features"][0]["properties"]["LADNM"] = "=1+2".into();
    doc["features"][1]["properties"]["LADNM"] = "Ynys Môn".into();
    let hostile = dir.path().join("hostile.geojson");
    std::fs::write(&hostile, doc.to_string()).unwrap();
    let out = dir.path().join("h.xlsx");
    footprint()
        .arg("overlaps")
        .arg(&hostile)
        .arg(demo("footprints.geojson"))
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let p = parts(&out);
    assert!(p["xl/sharedStrings.xml"].contains("<t>=1+2</t>"));
    assert!(p["xl/sharedStrings.xml"].contains("<t>Ynys Môn</t>"));
    assert!(
        p.iter().all(|(_, x)| !x.contains("<f>")),
        "a formula in the workbook"
    );
}

/// A real report: every row of LTLA21 x STP21 in the Units sheet.
#[test]
fn real_coterminosity_workbook_holds_every_row() {
    let Some(dir_e) = england() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.xlsx");
    footprint()
        .arg("coterminosity")
        .arg(dir_e.join("stp21.geojson"))
        .arg("--units")
        .arg(dir_e.join("ltla21.geojson"))
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let csv = footprint()
        .arg("coterminosity")
        .arg(dir_e.join("stp21.geojson"))
        .arg("--units")
        .arg(dir_e.join("ltla21.geojson"))
        .args(["-q", "-f", "csv"])
        .output()
        .unwrap();
    let rows = String::from_utf8_lossy(&csv.stdout).lines().count();
    let p = parts(&out);
    let units = &p["xl/worksheets/sheet3.xml"];
    assert_eq!(
        units.matches("<row ").count(),
        rows,
        "header and every unit row"
    );
    assert!(p["xl/sharedStrings.xml"].contains("Isle of Anglesey"));
}

/// Without --format, -o's extension names the format: .csv, .json, .xlsx; else a table.
#[test]
fn the_output_extension_names_the_format() {
    let dir = tempfile::tempdir().unwrap();
    for (name, starts) in [
        ("r.csv", "a_code,a_name"),
        ("r.json", "{"),
        ("r.txt", "tolerance: "),
    ] {
        let out = dir.path().join(name);
        footprint()
            .args([
                "overlaps",
                &demo("councils.geojson"),
                &demo("footprints.geojson"),
            ])
            .args(["-q", "-o"])
            .arg(&out)
            .assert()
            .success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.starts_with(starts),
            "{name}: {}",
            &text[..40.min(text.len())]
        );
    }
}
