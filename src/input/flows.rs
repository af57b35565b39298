//! Reading a flows file (CSV): one row per (provider, area) with a value, such as the share of
//! an MSOA's admissions that went to a trust. Every row is either used or skipped with its
//! reason (a bad or negative number, an empty code, a duplicate); the file itself is refused
//! (naming the file, the line and the column) only when it cannot be read as a flows file at
//! all.

use std::path::Path;

use anyhow::{bail, Context, Result};

/// Hash maps keyed by codes: foldhash, not the standard library's SipHash (a flows file has a
/// row per provider and area; nothing here is ordered by a map).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

use crate::analysis::flows::{FlowColumns, FlowKind, FlowRow, Flows, SkippedRow};

/// Which columns to read and how to read the value; each `None` is detected from the header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowSpec {
    pub provider: Option<String>,
    pub name: Option<String>,
    pub area: Option<String>,
    pub value: Option<String>,
    pub kind: Option<FlowKind>,
}

/// Provider code columns, best first (compared ignoring case).
const PROVIDER: &[&str] = &[
    "provider_code",
    "trust_code",
    "org_code",
    "ods_code",
    "organisation_code",
    "provider",
    "trust",
    "provider_id",
];
const NAME: &[&str] = &[
    "provider_name",
    "trust_name",
    "org_name",
    "organisation_name",
];
const AREA: &[&str] = &[
    "area_code",
    "msoa_code",
    "lsoa_code",
    "msoa11cd",
    "lsoa11cd",
    "msoa21cd",
    "lsoa21cd",
    "msoa",
    "lsoa",
    "area",
    "unit_code",
];
/// Value columns holding counts (people, patients), best first.
const COUNTS: &[&str] = &[
    "flow",
    "patients",
    "admissions",
    "spells",
    "count",
    "catchment_population",
    "population",
    "value",
];
/// Value columns holding shares of an area's residents.
const SHARES: &[&str] = &["proportion", "share", "fraction"];

/// Read a flows file: columns from `spec`, else detected from the header.
pub fn load(path: &Path, spec: &FlowSpec) -> Result<Flows> {
    open(path, spec)?.read()
}

/// A flows file whose header has been read and its columns decided (its rows not yet read):
/// a file that cannot be flows is refused at once, before any layer is loaded.
pub struct FlowsFile {
    reader: csv::Reader<std::fs::File>,
    positions: Positions,
    /// The columns, kind and source, without rows.
    flows: Flows,
}

/// Open a flows file and decide its columns: from `spec`, else detected from the header.
pub fn open(path: &Path, spec: &FlowSpec) -> Result<FlowsFile> {
    open_csv(path, spec).map_err(hinted)
}

impl FlowsFile {
    /// How the values are read (counts or shares), decided from the header.
    pub fn kind(&self) -> FlowKind {
        self.flows.kind
    }

    /// Every row, used or skipped with its reason.
    pub fn read(self) -> Result<Flows> {
        read_rows(self).map_err(hinted)
    }
}

fn hinted(e: anyhow::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "{e:#}\n  hint: --flows takes a CSV with one row per (provider, area): a provider \
         code column (and optionally its name), an area code column and a value column; \
         name them with --flow-provider, --flow-name, --flow-area and --flow-value"
    )
}

fn open_csv(path: &Path, spec: &FlowSpec) -> Result<FlowsFile> {
    let shown = path.display();
    let (reader, headers) = super::open_csv(path, "the flows file")?;
    if headers.iter().all(|h| h.is_empty()) {
        bail!("{shown}: the flows file is empty (no header line)");
    }
    let (positions, columns, kind, kind_source) = columns(path, &headers, spec)?;
    Ok(FlowsFile {
        reader,
        positions,
        flows: Flows {
            path: path.to_path_buf(),
            columns,
            kind,
            kind_source,
            rows_read: 0,
            rows: Vec::new(),
            skipped: Vec::new(),
            notes: Vec::new(),
        },
    })
}

fn read_rows(file: FlowsFile) -> Result<Flows> {
    let FlowsFile {
        mut reader,
        positions,
        mut flows,
    } = file;
    let path = flows.path.clone();
    let shown = path.display();
    let kind = flows.kind;
    // Providers and areas by number (each code stored once), the first line of each
    // (provider, area), and each provider's first name: looked up without copying a code.
    let mut providers: HashMap<String, usize> = HashMap::default();
    let mut areas: HashMap<String, usize> = HashMap::default();
    let mut seen: HashMap<(usize, usize), usize> = HashMap::default();
    let mut names: Vec<String> = Vec::new();
    let mut renamed: Vec<String> = Vec::new();
    let mut record = csv::StringRecord::new();
    for row in 0.. {
        let line = row + 2;
        let more = reader.read_record(&mut record).with_context(|| {
            format!("{shown}: line {line}: unreadable CSV row (every row needs as many fields as the header)")
        })?;
        if !more {
            break;
        }
        flows.rows_read += 1;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let provider = field(positions.provider).to_string();
        let area = field(positions.area).to_string();
        let skip = |reason: &'static str, detail: String| SkippedRow {
            line,
            provider_code: provider.clone(),
            area_code: area.clone(),
            reason,
            detail,
        };
        if provider.is_empty() {
            let col = &flows.columns.provider;
            flows.skipped.push(skip(
                "empty provider code",
                format!("line {line}: column {col}: no provider code"),
            ));
            continue;
        }
        if area.is_empty() {
            let col = &flows.columns.area;
            flows.skipped.push(skip(
                "empty area code",
                format!("line {line}: column {col}: no area code"),
            ));
            continue;
        }
        let text = field(positions.value);
        let col = &flows.columns.value;
        let value = match text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                flows.skipped.push(skip(
                    "not a number",
                    format!("line {line}: column {col}: {text:?} is not a number"),
                ));
                continue;
            }
        };
        if value < 0.0 {
            flows.skipped.push(skip(
                "negative",
                format!("line {line}: column {col}: {text} is negative"),
            ));
            continue;
        }
        if kind == FlowKind::Share && value > 1.0 {
            flows.skipped.push(skip(
                "share above 1",
                format!(
                    "line {line}: column {col}: {text} is a share above 1 (the values are read \
                     as shares of the area's residents; pass --flow-kind count if they are counts)"
                ),
            ));
            continue;
        }
        let p = number(&mut providers, &provider);
        let a = number(&mut areas, &area);
        if let Some(&first) = seen.get(&(p, a)) {
            flows.skipped.push(skip(
                "duplicate",
                format!(
                    "line {line}: provider {provider} and area {area} again (first on line \
                     {first}, which is used)"
                ),
            ));
            continue;
        }
        seen.insert((p, a), line);
        let name = positions.name.map(field).unwrap_or("");
        if p == names.len() {
            names.push(name.to_string());
        } else if names[p] != name && !renamed.contains(&provider) {
            renamed.push(provider.clone());
        }
        flows.rows.push(FlowRow {
            line,
            provider_code: provider,
            provider_name: names[p].clone(),
            area_code: area,
            value,
        });
    }
    if flows.rows_read == 0 {
        bail!("{shown}: no rows in the flows file (only a header)");
    }
    if flows.rows.is_empty() {
        bail!(
            "{shown}: none of the {} rows can be used: {}",
            flows.rows_read,
            flows.skipped_summary()
        );
    }
    let total: f64 = flows.rows.iter().map(|r| r.value).sum();
    if !total.is_finite() {
        bail!(
            "{shown}: column {}: the values add up to more than a number can hold; scale them down",
            flows.columns.value
        );
    }
    if !renamed.is_empty() {
        flows.notes.push(format!(
            "{shown}: {} provider{} more than one name in column {}; the first is used: {}",
            renamed.len(),
            if renamed.len() == 1 { " has" } else { "s have" },
            flows.columns.name.as_deref().unwrap_or(""),
            crate::layer::list_some(&renamed, 5)
        ));
    }
    Ok(flows)
}

/// The number of `code` in `numbers`, given the next one when it is new.
fn number(numbers: &mut HashMap<String, usize>, code: &str) -> usize {
    match numbers.get(code) {
        Some(&n) => n,
        None => {
            let n = numbers.len();
            numbers.insert(code.to_string(), n);
            n
        }
    }
}

/// Positions of the columns in the header.
struct Positions {
    provider: usize,
    name: Option<usize>,
    area: usize,
    value: usize,
}

/// The columns to read (named, else detected) and the kind of value, with how it was decided.
fn columns(
    path: &Path,
    headers: &[String],
    spec: &FlowSpec,
) -> Result<(Positions, FlowColumns, FlowKind, String)> {
    let shown = path.display();
    let header = headers.join(",");
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let named = |flag: &str, name: &str| -> Result<usize> {
        find(name).with_context(|| {
            format!("{shown}: no column {name:?} (named by {flag}); the header is: {header}")
        })
    };
    let first = |names: &[&str], taken: &[usize]| {
        names
            .iter()
            .filter_map(|n| find(n))
            .find(|i| !taken.contains(i))
    };
    let provider = match &spec.provider {
        Some(n) => named("--flow-provider", n)?,
        None => first(PROVIDER, &[])
            .or_else(|| like(headers, &["provider", "trust"], &["code", "cd", "id"], &[]))
            .with_context(|| {
                format!(
                    "{shown}: no provider code column (such as provider_code or trust_code); \
                     the header is: {header} (name it with --flow-provider)"
                )
            })?,
    };
    let area = match &spec.area {
        Some(n) => named("--flow-area", n)?,
        None => first(AREA, &[provider])
            .or_else(|| like(headers, &[""], &["cd", "_code"], &[provider]))
            .with_context(|| {
                format!(
                    "{shown}: no area code column (such as area_code, msoa_code or MSOA11CD); \
                     the header is: {header} (name it with --flow-area)"
                )
            })?,
    };
    let name = match &spec.name {
        Some(n) => Some(named("--flow-name", n)?),
        None => first(NAME, &[provider, area]).or_else(|| {
            like(
                headers,
                &["provider", "trust"],
                &["name", "nm"],
                &[provider, area],
            )
        }),
    };
    let taken: Vec<usize> = [Some(provider), Some(area), name]
        .into_iter()
        .flatten()
        .collect();
    let value = match &spec.value {
        Some(n) => named("--flow-value", n)?,
        None => first(COUNTS, &taken)
            .or_else(|| first(SHARES, &taken))
            .with_context(|| {
                format!(
                    "{shown}: no value column (a count such as patients or \
                     catchment_population, or a share such as proportion); the header is: \
                     {header} (name it with --flow-value)"
                )
            })?,
    };
    if provider == area {
        bail!(
            "{shown}: the provider and area columns are both {:?}: name them apart with \
             --flow-provider and --flow-area",
            headers[provider]
        );
    }
    if value == provider || value == area {
        bail!(
            "{shown}: the value column {:?} is also a code column: name it with --flow-value",
            headers[value]
        );
    }
    let value_name = headers[value].clone();
    let (kind, kind_source) = match spec.kind {
        Some(k) => (k, format!("read as {}s, as asked", k.as_str())),
        None if share_like(&value_name) => (
            FlowKind::Share,
            format!("read as shares: the column is called {value_name}"),
        ),
        None => (
            FlowKind::Count,
            "read as counts: the column is not called proportion, share or fraction".to_string(),
        ),
    };
    Ok((
        Positions {
            provider,
            name,
            area,
            value,
        },
        FlowColumns {
            provider: headers[provider].clone(),
            name: name.map(|i| headers[i].clone()),
            area: headers[area].clone(),
            value: value_name,
        },
        kind,
        kind_source,
    ))
}

/// A column whose name holds one of `stems` and ends with one of `ends` (ignoring case), not
/// among `taken`.
fn like(headers: &[String], stems: &[&str], ends: &[&str], taken: &[usize]) -> Option<usize> {
    headers.iter().enumerate().position(|(i, h)| {
        let h = h.to_ascii_lowercase();
        !taken.contains(&i)
            && stems.iter().any(|s| h.contains(s))
            && ends.iter().any(|e| h.ends_with(e) && h.len() > e.len())
    })
}

/// Whether a value column's name says it holds shares (proportion, share, fraction, ..._share).
fn share_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    SHARES
        .iter()
        .any(|s| n == *s || n.ends_with(&format!("_{s}")))
        || n.starts_with("prop")
        || n.starts_with("share")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flows.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn read(text: &str, spec: &FlowSpec) -> Result<Flows> {
        let (_dir, path) = file(text);
        load(&path, spec)
    }

    const REAL_HEADER: &str = "trust_code,trust_name,msoa_code,proportion,catchment_population\n";

    #[test]
    fn columns_are_detected_counts_first() {
        let f = read(
            &format!("{REAL_HEADER}RAL,Royal Free,E02000001,0.5,100.5\n"),
            &FlowSpec::default(),
        )
        .unwrap();
        assert_eq!(f.columns.provider, "trust_code");
        assert_eq!(f.columns.name.as_deref(), Some("trust_name"));
        assert_eq!(f.columns.area, "msoa_code");
        assert_eq!(f.columns.value, "catchment_population");
        assert_eq!(f.kind, FlowKind::Count);
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].value, 100.5);
        assert_eq!(f.rows[0].provider_name, "Royal Free");
        assert_eq!(f.rows[0].line, 2);
        // Naming the share column reads shares.
        let spec = FlowSpec {
            value: Some("proportion".into()),
            ..Default::default()
        };
        let f = read(
            &format!("{REAL_HEADER}RAL,Royal Free,E02000001,0.5,100.5\n"),
            &spec,
        )
        .unwrap();
        assert_eq!((f.kind, f.rows[0].value), (FlowKind::Share, 0.5));
        // Other code-like names.
        let f = read(
            "Provider_Code,MSOA11CD,share\nX,E02000001,0.2\n",
            &FlowSpec::default(),
        )
        .unwrap();
        assert_eq!(
            (f.columns.provider.as_str(), f.columns.area.as_str()),
            ("Provider_Code", "MSOA11CD")
        );
        assert_eq!((f.columns.name.clone(), f.kind), (None, FlowKind::Share));
    }

    #[test]
    fn every_bad_row_is_skipped_with_its_line_and_column() {
        let text = format!(
            "{REAL_HEADER}\
             RAL,Royal Free,E02000001,0.5,100\n\
             RAL,Royal Free,E02000002,0.5,abc\n\
             RAL,Royal Free,E02000003,0.5,-3\n\
             ,Nobody,E02000004,0.5,1\n\
             RAL,Royal Free,,0.5,1\n\
             RAL,Royal Free,E02000001,0.5,7\n\
             RAL,Royal Free,E02000005,0.5,NaN\n\
             RAL,Royal Free,E02000006,0.5,inf\n\
             RAL,Royal Free,E02000007,0.5,0\n"
        );
        let f = read(&text, &FlowSpec::default()).unwrap();
        assert_eq!(f.rows_read, 9);
        assert_eq!(f.rows.len(), 2);
        let reasons: Vec<(usize, &str)> = f.skipped.iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            reasons,
            [
                (3, "not a number"),
                (4, "negative"),
                (5, "empty provider code"),
                (6, "empty area code"),
                (7, "duplicate"),
                (8, "not a number"),
                (9, "not a number"),
            ]
        );
        assert_eq!(
            f.skipped[0].detail,
            "line 3: column catchment_population: \"abc\" is not a number"
        );
        assert!(
            f.skipped[4].detail.contains("first on line 2"),
            "{}",
            f.skipped[4].detail
        );
        assert_eq!(
            f.skipped_summary(),
            "3 not a number, 1 negative, 1 empty provider code, 1 empty area code, 1 duplicate"
        );
    }

    #[test]
    fn shares_above_one_are_skipped() {
        let f = read(
            "provider_code,area_code,proportion\nA,E1,0.4\nA,E2,1.5\n",
            &FlowSpec::default(),
        )
        .unwrap();
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.skipped[0].reason, "share above 1");
        // Unless they are counts.
        let spec = FlowSpec {
            kind: Some(FlowKind::Count),
            ..Default::default()
        };
        let f = read(
            "provider_code,area_code,proportion\nA,E1,0.4\nA,E2,1.5\n",
            &spec,
        )
        .unwrap();
        assert_eq!(f.rows.len(), 2);
    }

    #[test]
    fn files_that_cannot_be_flows_are_refused_naming_what_to_do() {
        let e = |text: &str, spec: &FlowSpec| format!("{:#}", read(text, spec).unwrap_err());
        let d = FlowSpec::default();
        let msg = e("a,b,c\n1,2,3\n", &d);
        assert!(msg.contains("flows.csv: no provider code column"), "{msg}");
        assert!(msg.contains("the header is: a,b,c"), "{msg}");
        assert!(msg.contains("--flow-provider"), "{msg}");
        let msg = e("trust_code,msoa_code,colour\nA,E1,red\n", &d);
        assert!(msg.contains("no value column"), "{msg}");
        let spec = FlowSpec {
            value: Some("patients".into()),
            ..Default::default()
        };
        let msg = e("trust_code,msoa_code,count\nA,E1,1\n", &spec);
        assert!(
            msg.contains("no column \"patients\" (named by --flow-value)"),
            "{msg}"
        );
        let msg = e("trust_code,msoa_code,count\n", &d);
        assert!(msg.contains("no rows in the flows file"), "{msg}");
        let msg = e("", &d);
        assert!(msg.contains("flows.csv: the flows file is empty"), "{msg}");
        let msg = e("trust_code,msoa_code,count\nA,E1,x\nA,E2,-1\n", &d);
        assert!(
            msg.contains("none of the 2 rows can be used: 1 not a number, 1 negative"),
            "{msg}"
        );
        let msg = e("trust_code,msoa_code,count\nA,E1,1\nA,E2\n", &d);
        assert!(
            msg.contains("flows.csv: line 3: unreadable CSV row"),
            "{msg}"
        );
        let msg = e("trust_code,msoa_code,count\nA,E1,1e308\nA,E2,1e308\n", &d);
        assert!(
            msg.contains("add up to more than a number can hold"),
            "{msg}"
        );
    }

    #[test]
    fn a_provider_with_two_names_keeps_the_first_and_says_so() {
        let f = read(
            "trust_code,trust_name,msoa_code,patients\nA,Alpha,E1,1\nA,Alfa,E2,2\n",
            &FlowSpec::default(),
        )
        .unwrap();
        assert_eq!(f.rows[1].provider_name, "Alpha");
        assert_eq!(f.notes.len(), 1);
        assert!(
            f.notes[0].contains("1 provider has more than one name"),
            "{}",
            f.notes[0]
        );
    }
}
