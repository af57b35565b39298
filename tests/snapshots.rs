//! Snapshots of every command on the demo: the exact bytes of standard output and standard
//! error, the exit code, and every file a run writes, in each of the three formats.
//!
//! These pin today's behaviour byte for byte, so that a change to how reports are rendered or
//! layers are loaded shows up as a diff. The snapshots live in `tests/snapshots/`; a mismatch
//! fails the test (and, outside CI, leaves a `.snap.new` beside the snapshot to compare). To
//! accept a deliberate change, rerun with `INSTA_UPDATE=always` (or `cargo insta review`) and
//! commit the changed `.snap` files with the change that caused them.
//!
//! Every run starts in the crate root with relative paths, so the paths in the output are the
//! same wherever the checkout lives. Files are written to a temporary folder, shown as
//! `[TMP]`; the time each rule of `check` took is shown as `[SECONDS]`.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::footprint_in_repo;

/// One run: a name for its snapshots, the arguments (`{tmp}` is the temporary folder), the
/// files it writes there (each snapshotted too), and the formats it is run in.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    writes: &'static [&'static str],
    /// Each run adds `-f FORMAT`; none (a command without `--format`) runs once as it is.
    formats: &'static [&'static str],
}

const FORMATS: &[&str] = &["table", "csv", "json"];

/// A report in each format.
const fn case(name: &'static str, args: &'static [&'static str]) -> Case {
    writing(name, args, &[])
}

/// A report in each format, and files.
const fn writing(
    name: &'static str,
    args: &'static [&'static str],
    writes: &'static [&'static str],
) -> Case {
    Case {
        name,
        args,
        writes,
        formats: FORMATS,
    }
}

/// A command without `--format` that writes files.
const fn formatless(
    name: &'static str,
    args: &'static [&'static str],
    writes: &'static [&'static str],
) -> Case {
    Case {
        name,
        args,
        writes,
        formats: &[],
    }
}

const CASES: &[Case] = &[
    case(
        "inspect_councils",
        &["inspect", "data/demo/councils.geojson"],
    ),
    case(
        "inspect_footprints",
        &["inspect", "data/demo/footprints.geojson"],
    ),
    case("inspect_trusts", &["inspect", "data/demo/trusts.geojson"]),
    case(
        "overlaps",
        &[
            "overlaps",
            "data/demo/councils.geojson",
            "data/demo/footprints.geojson",
        ],
    ),
    case(
        "overlaps_weights",
        &[
            "overlaps",
            "data/demo/councils.geojson",
            "data/demo/footprints.geojson",
            "--weights",
            "data/demo/population.csv",
        ],
    ),
    case(
        "overlaps_trusts_raw",
        &[
            "overlaps",
            "data/demo/trusts.geojson",
            "data/demo/footprints.geojson",
            "--tolerance",
            "0",
        ],
    ),
    writing(
        "overlaps_pieces",
        &[
            "overlaps",
            "data/demo/trusts.geojson",
            "data/demo/footprints.geojson",
            "--pieces",
            "{tmp}/pieces.geojson",
        ],
        &["pieces.geojson"],
    ),
    case(
        "coterminosity_by_unit",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--by",
            "unit",
        ],
    ),
    case(
        "coterminosity_by_footprint",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--by",
            "footprint",
        ],
    ),
    case(
        "coterminosity_weights",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--weights",
            "data/demo/population.csv",
        ],
    ),
    case(
        "coterminosity_by_footprint_weights",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--by",
            "footprint",
            "--weights",
            "data/demo/population.csv",
        ],
    ),
    case(
        "coterminosity_small_areas",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--small-areas",
            "data/demo/neighbourhoods.geojson",
            "--weights",
            "data/demo/population.csv",
        ],
    ),
    case(
        "coterminosity_by_small_area",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--small-areas",
            "data/demo/neighbourhoods.geojson",
            "--by",
            "small-area",
        ],
    ),
    case(
        "coterminosity_require",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--require-coterminous",
        ],
    ),
    case(
        "coterminosity_ccgs_quiet",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/ccgs.geojson",
            "-q",
        ],
    ),
    case(
        "spanning",
        &[
            "spanning",
            "data/demo/trusts.geojson",
            "--plans",
            "data/demo/footprints.geojson",
        ],
    ),
    case(
        "spanning_weights_max_plans",
        &[
            "spanning",
            "data/demo/trusts.geojson",
            "--plans",
            "data/demo/footprints.geojson",
            "--max-plans",
            "2",
            "--weights",
            "data/demo/population.csv",
        ],
    ),
    case(
        "spanning_max_plans_1",
        &[
            "spanning",
            "data/demo/trusts.geojson",
            "--plans",
            "data/demo/footprints.geojson",
            "--max-plans",
            "1",
        ],
    ),
    case("validate", &["validate", "data/demo/footprints.geojson"]),
    case(
        "validate_extent",
        &[
            "validate",
            "data/demo/footprints.geojson",
            "--extent",
            "data/demo/councils.geojson",
        ],
    ),
    case(
        "validate_strict",
        &["validate", "data/demo/footprints.geojson", "--strict"],
    ),
    case(
        "validate_councils_strict",
        &["validate", "data/demo/councils.geojson", "--strict"],
    ),
    case(
        "matrix",
        &[
            "matrix",
            "data/demo/councils.geojson",
            "data/demo/ccgs.geojson",
            "data/demo/footprints.geojson",
        ],
    ),
    case(
        "matrix_weights_require",
        &[
            "matrix",
            "LA=data/demo/councils.geojson",
            "FP=data/demo/footprints.geojson",
            "--weights",
            "data/demo/population.csv",
            "--require-nested",
            "LA:FP",
        ],
    ),
    writing(
        "build",
        &[
            "build",
            "data/demo/ccgs.geojson",
            "--mapping",
            "data/demo/ccg_footprints.csv",
            "-o",
            "{tmp}/built.geojson",
        ],
        &["built.geojson"],
    ),
    writing(
        "build_strict",
        &[
            "build",
            "data/demo/ccgs.geojson",
            "--mapping",
            "data/demo/ccg_footprints.csv",
            "-o",
            "{tmp}/built.geojson",
            "--strict",
        ],
        &["built.geojson"],
    ),
    writing(
        "check",
        &[
            "check",
            "data/demo/rules.toml",
            "--junit",
            "{tmp}/junit.xml",
        ],
        &["junit.xml"],
    ),
    writing(
        "report_to_file",
        &[
            "coterminosity",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "-o",
            "{tmp}/report.out",
        ],
        &["report.out"],
    ),
    // A layer with defects, and one that cannot be read: the warnings and the error.
    case(
        "inspect_null_geometry",
        &[
            "inspect",
            "tests/fixtures/bad/loadable/null_geometry.geojson",
        ],
    ),
    case(
        "overlaps_null_geometry",
        &[
            "overlaps",
            "tests/fixtures/bad/loadable/null_geometry.geojson",
            "data/demo/footprints.geojson",
        ],
    ),
    case(
        "inspect_truncated",
        &["inspect", "tests/fixtures/bad/truncated.geojson"],
    ),
    formatless(
        "map",
        &[
            "map",
            "data/demo/footprints.geojson",
            "--units",
            "data/demo/councils.geojson",
            "--providers",
            "data/demo/trusts.geojson",
            "--weights",
            "data/demo/population.csv",
            "-o",
            "{tmp}/map.html",
        ],
        &["map.html"],
    ),
];

/// Runs `args [-f format]` from the crate root; returns the snapshot text of the run and the
/// files it wrote (name, text).
fn run(case: &Case, format: Option<&str>) -> (String, Vec<(String, String)>) {
    let tmp = tempfile::tempdir().unwrap();
    let tmp_text = tmp.path().display().to_string();
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{tmp}", &tmp_text))
        .chain(
            format
                .into_iter()
                .flat_map(|f| ["-f".to_string(), f.to_string()]),
        )
        .collect();
    let out = footprint_in_repo().args(&args).output().unwrap();
    let hide = |bytes: &[u8]| shown(bytes, &tmp_text);
    let shown_args: Vec<String> = args.iter().map(|a| a.replace(&tmp_text, "[TMP]")).collect();
    let code = match out.status.code() {
        Some(c) => c.to_string(),
        None => "killed".to_string(),
    };
    let text = format!(
        "$ footprint {}\nexit code: {code}\n--- stdout\n{}--- stderr\n{}--- end\n",
        shown_args.join(" "),
        hide(&out.stdout),
        hide(&out.stderr),
    );
    let files = case
        .writes
        .iter()
        .map(|name| {
            let path = tmp.path().join(name);
            let body = match std::fs::read(&path) {
                Ok(bytes) => format!("--- {name}\n{}--- end\n", hide(&bytes)),
                Err(e) => format!("[not written: {}]", e.kind()),
            };
            (name.to_string(), body)
        })
        .collect();
    (text, files)
}

/// Output as snapshot text: the temporary folder as `[TMP]`, and carriage returns made visible
/// as `[CR]` (insta would otherwise not tell `\r\n` from `\n`). Each section ends with a
/// `--- end` line, since insta ignores whitespace at the end of a snapshot: a lost final
/// newline still shows.
fn shown(bytes: &[u8], tmp: &str) -> String {
    String::from_utf8_lossy(bytes)
        .replace(tmp, "[TMP]")
        .replace('\r', "[CR]")
}

#[test]
fn every_command_on_the_demo() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    // How long each rule of `check` took.
    settings.add_filter(r#""seconds": [0-9.]+"#, r#""seconds": [SECONDS]"#);
    settings.add_filter(r#" time="[0-9.]+""#, r#" time="[SECONDS]""#);
    let _guard = settings.bind_to_scope();
    let mut failed = Vec::new();
    for case in CASES {
        let formats: Vec<Option<&str>> = if case.formats.is_empty() {
            vec![None]
        } else {
            case.formats.iter().copied().map(Some).collect()
        };
        for format in formats {
            let name = match format {
                Some(f) => format!("{}__{f}", case.name),
                None => case.name.to_string(),
            };
            let (text, files) = run(case, format);
            let checked = catch_unwind(AssertUnwindSafe(|| {
                insta::assert_snapshot!(name.clone(), text);
                for (file, body) in &files {
                    // The same file from each format: one snapshot, unless it is the report.
                    let file_snapshot = if file.as_str() == "report.out" {
                        format!("{name}__{file}")
                    } else {
                        format!("{}__{file}", case.name)
                    };
                    insta::assert_snapshot!(file_snapshot, body);
                }
            }));
            if checked.is_err() {
                failed.push(name);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} snapshot(s) differ: {}",
        failed.len(),
        failed.join(", ")
    );
}
