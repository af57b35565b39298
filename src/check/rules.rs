//! The rules file of `footprint check`: which layers a proposal has, and the rules it must
//! meet. TOML; paths are relative to the file.
//!
//! ```toml
//! tolerance = "auto"                 # optional: the default for every rule
//!
//! [layers]
//! footprints = "footprints.geojson"
//! councils = { path = "councils.geojson", code = "LADCD" }   # name, crs too
//!
//! [weights]
//! population = "population.csv"      # or { path = "...", column = "population" }
//!
//! [[rule]]
//! name = "Footprints tile the region"
//! validate = "footprints"
//! extent = "councils"                # optional; strict = true makes warnings fail
//!
//! [[rule]]
//! coterminous = "footprints"
//! units = "councils"
//! max_split_units = 0                # default 0 (or unlimited when only a share is given)
//! max_split_share = 0.05             # optional: no unit with more than this outside its best fit
//! weights = "population"             # optional: shares by weight
//!
//! [[rule]]
//! mapped = "ccgs"                    # every unit is mapped: by a mapping file...
//! mapping = "ccg_footprints.csv"     # (columns = "UNIT,FOOTPRINT" if not unit_code,footprint_code)
//! # footprints = "footprints"        # ...or lies in some footprint
//!
//! [[rule]]
//! spanning = "trusts"
//! plans = "footprints"
//! max_plans = 2
//! min_share = 0.05                   # optional, default 0.05
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::analysis::tolerance::ToleranceArg;
use crate::layer::{Crs, LoadOptions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tolerance: Option<String>,
    #[serde(default)]
    layers: BTreeMap<String, RawLayer>,
    #[serde(default)]
    weights: BTreeMap<String, RawWeights>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawLayer {
    Path(String),
    Table {
        path: String,
        code: Option<String>,
        name: Option<String>,
        crs: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawWeights {
    Path(String),
    Table {
        path: String,
        column: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    tolerance: Option<String>,
    // validate
    validate: Option<String>,
    extent: Option<String>,
    strict: Option<bool>,
    // coterminous
    coterminous: Option<String>,
    units: Option<String>,
    max_split_units: Option<usize>,
    max_split_share: Option<f64>,
    weights: Option<String>,
    // mapped
    mapped: Option<String>,
    mapping: Option<String>,
    columns: Option<String>,
    footprints: Option<String>,
    // spanning
    spanning: Option<String>,
    plans: Option<String>,
    max_plans: Option<usize>,
    min_share: Option<f64>,
}

/// A layer named in the rules file.
#[derive(Debug, Clone)]
pub struct LayerSpec {
    pub name: String,
    pub path: PathBuf,
    pub options: LoadOptions,
}

#[derive(Debug, Clone)]
pub struct WeightsSpec {
    pub path: PathBuf,
    pub column: String,
}

/// What a rule checks. Layer and weights fields are names from the file's tables.
#[derive(Debug, Clone)]
pub enum Check {
    Validate {
        layer: String,
        extent: Option<String>,
        strict: bool,
    },
    Coterminous {
        footprints: String,
        units: String,
        max_split_units: Option<usize>,
        max_split_share: Option<f64>,
        weights: Option<String>,
    },
    MappedByFile {
        units: String,
        mapping: PathBuf,
        columns: Option<String>,
    },
    MappedInFootprints {
        units: String,
        footprints: String,
    },
    Spanning {
        providers: String,
        plans: String,
        max_plans: usize,
        min_share: f64,
        weights: Option<String>,
    },
}

impl Check {
    /// The rule's kind, as JUnit's classname and JSON's `check`.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Validate { .. } => "validate",
            Check::Coterminous { .. } => "coterminous",
            Check::MappedByFile { .. } | Check::MappedInFootprints { .. } => "mapped",
            Check::Spanning { .. } => "spanning",
        }
    }

    /// Layer names the rule reads.
    pub fn layers(&self) -> Vec<&str> {
        match self {
            Check::Validate { layer, extent, .. } => std::iter::once(layer.as_str())
                .chain(extent.as_deref())
                .collect(),
            Check::Coterminous {
                footprints, units, ..
            } => vec![units, footprints],
            Check::MappedByFile { units, .. } => vec![units],
            Check::MappedInFootprints { units, footprints } => vec![units, footprints],
            Check::Spanning {
                providers, plans, ..
            } => vec![providers, plans],
        }
    }

    pub fn weights(&self) -> Option<&str> {
        match self {
            Check::Coterminous { weights, .. } | Check::Spanning { weights, .. } => {
                weights.as_deref()
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub tolerance: ToleranceArg,
    pub check: Check,
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub path: PathBuf,
    pub layers: Vec<LayerSpec>,
    pub weights: BTreeMap<String, WeightsSpec>,
    pub rules: Vec<Rule>,
}

impl Rules {
    pub fn layer(&self, name: &str) -> usize {
        self.layers
            .iter()
            .position(|l| l.name == name)
            .expect("layer names are checked on load")
    }
}

/// Read and check a rules file: every name it uses must be defined.
pub fn load(path: &Path) -> Result<Rules> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{shown}: cannot read the rules file"))?;
    let raw: RawFile = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!("{shown}: {}", e.to_string().trim_end()).context(format!(
            "{shown} is not a valid rules file (see `footprint check --help` for the format)"
        ))
    })?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let resolve = |p: &str| {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let tolerance_of =
        |t: Option<&str>, default: ToleranceArg, what: &str| -> Result<ToleranceArg> {
            match t {
                None => Ok(default),
                Some(t) => t
                    .parse::<ToleranceArg>()
                    .map_err(|e| anyhow::anyhow!("{shown}: {what}: {e}")),
            }
        };
    let default_tolerance =
        tolerance_of(raw.tolerance.as_deref(), ToleranceArg::Auto, "tolerance")?;

    let mut layers = Vec::new();
    for (name, l) in &raw.layers {
        let (p, code, lname, crs) = match l {
            RawLayer::Path(p) => (p, None, None, None),
            RawLayer::Table {
                path,
                code,
                name,
                crs,
            } => (path, code.clone(), name.clone(), crs.clone()),
        };
        let crs = match crs {
            Some(c) => Some(
                c.parse::<Crs>()
                    .map_err(|e| anyhow::anyhow!("{shown}: layer {name:?}: crs {c:?}: {e}"))?,
            ),
            None => None,
        };
        layers.push(LayerSpec {
            name: name.clone(),
            path: resolve(p),
            options: LoadOptions {
                code_field: code,
                name_field: lname,
                crs,
            },
        });
    }
    let weights: BTreeMap<String, WeightsSpec> = raw
        .weights
        .iter()
        .map(|(name, w)| {
            let (p, column) = match w {
                RawWeights::Path(p) => (p, None),
                RawWeights::Table { path, column } => (path, column.clone()),
            };
            (
                name.clone(),
                WeightsSpec {
                    path: resolve(p),
                    column: column.unwrap_or_else(|| "population".into()),
                },
            )
        })
        .collect();
    if raw.rule.is_empty() {
        bail!("{shown}: no rules: add [[rule]] tables (see `footprint check --help`)");
    }

    let mut rules = Vec::new();
    for (i, r) in raw.rule.into_iter().enumerate() {
        let label = match &r.name {
            Some(n) => format!("rule {} ({n:?})", i + 1),
            None => format!("rule {}", i + 1),
        };
        let kinds: Vec<&str> = [
            ("validate", r.validate.is_some()),
            ("coterminous", r.coterminous.is_some()),
            ("mapped", r.mapped.is_some()),
            ("spanning", r.spanning.is_some()),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| *k)
        .collect();
        if kinds.len() != 1 {
            bail!(
                "{shown}: {label} must have exactly one of validate, coterminous, mapped, spanning \
                 (it has {})",
                if kinds.is_empty() {
                    "none".to_string()
                } else {
                    kinds.join(", ")
                }
            );
        }
        let need = |v: Option<String>, key: &str| -> Result<String> {
            v.ok_or_else(|| {
                anyhow::anyhow!("{shown}: {label}: {} needs {key} = \"LAYER\"", kinds[0])
            })
        };
        let unexpected = |present: &[(&str, bool)]| -> Result<()> {
            for (key, on) in present {
                if *on {
                    bail!(
                        "{shown}: {label}: {key} does not apply to a {} rule",
                        kinds[0]
                    );
                }
            }
            Ok(())
        };
        let check = match kinds[0] {
            "validate" => {
                unexpected(&[
                    ("units", r.units.is_some()),
                    ("mapping", r.mapping.is_some()),
                    ("plans", r.plans.is_some()),
                    ("weights", r.weights.is_some()),
                    ("max_plans", r.max_plans.is_some()),
                ])?;
                Check::Validate {
                    layer: r.validate.unwrap_or_default(),
                    extent: r.extent,
                    strict: r.strict.unwrap_or(false),
                }
            }
            "coterminous" => {
                unexpected(&[
                    ("extent", r.extent.is_some()),
                    ("mapping", r.mapping.is_some()),
                    ("plans", r.plans.is_some()),
                    ("max_plans", r.max_plans.is_some()),
                ])?;
                if let Some(s) = r.max_split_share {
                    if !(0.0..=1.0).contains(&s) {
                        bail!("{shown}: {label}: max_split_share {s} is not a fraction 0..1");
                    }
                }
                Check::Coterminous {
                    footprints: r.coterminous.unwrap_or_default(),
                    units: need(r.units, "units")?,
                    max_split_units: r.max_split_units,
                    max_split_share: r.max_split_share,
                    weights: r.weights,
                }
            }
            "mapped" => {
                unexpected(&[
                    ("extent", r.extent.is_some()),
                    ("plans", r.plans.is_some()),
                    ("max_plans", r.max_plans.is_some()),
                ])?;
                let units = r.mapped.unwrap_or_default();
                match (r.mapping, r.footprints) {
                    (Some(m), None) => Check::MappedByFile {
                        units,
                        mapping: resolve(&m),
                        columns: r.columns,
                    },
                    (None, Some(f)) => Check::MappedInFootprints {
                        units,
                        footprints: f,
                    },
                    _ => bail!(
                        "{shown}: {label}: a mapped rule needs either mapping = \"FILE.csv\" or \
                         footprints = \"LAYER\""
                    ),
                }
            }
            _ => {
                unexpected(&[
                    ("extent", r.extent.is_some()),
                    ("mapping", r.mapping.is_some()),
                    ("units", r.units.is_some()),
                ])?;
                let min_share = r.min_share.unwrap_or(0.05);
                if !(0.0..=1.0).contains(&min_share) {
                    bail!("{shown}: {label}: min_share {min_share} is not a fraction 0..1");
                }
                Check::Spanning {
                    providers: r.spanning.unwrap_or_default(),
                    plans: need(r.plans, "plans")?,
                    max_plans: r.max_plans.ok_or_else(|| {
                        anyhow::anyhow!("{shown}: {label}: spanning needs max_plans = N")
                    })?,
                    min_share,
                    weights: r.weights,
                }
            }
        };
        for l in check.layers() {
            if !layers.iter().any(|s| s.name == l) {
                bail!(
                    "{shown}: {label} names layer {l:?}, which [layers] does not define (it has: {})",
                    names(layers.iter().map(|s| s.name.as_str()))
                );
            }
        }
        if let Some(w) = check.weights() {
            if !weights.contains_key(w) {
                bail!(
                    "{shown}: {label} names weights {w:?}, which [weights] does not define (it has: {})",
                    names(weights.keys().map(|s| s.as_str()))
                );
            }
        }
        let name = r.name.unwrap_or_else(|| default_name(&check));
        rules.push(Rule {
            name,
            tolerance: tolerance_of(r.tolerance.as_deref(), default_tolerance, &label)?,
            check,
        });
    }
    // Only the layers the rules use are loaded.
    layers.retain(|l| {
        rules
            .iter()
            .any(|r| r.check.layers().contains(&l.name.as_str()))
    });
    Ok(Rules {
        path: path.to_path_buf(),
        layers,
        weights,
        rules,
    })
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn default_name(check: &Check) -> String {
    match check {
        Check::Validate { layer, .. } => format!("{layer} validates"),
        Check::Coterminous {
            footprints, units, ..
        } => format!("{footprints} coterminous with {units}"),
        Check::MappedByFile { units, mapping, .. } => {
            format!("every unit of {units} is in {}", mapping.display())
        }
        Check::MappedInFootprints { units, footprints } => {
            format!("every unit of {units} lies in {footprints}")
        }
        Check::Spanning {
            providers,
            plans,
            max_plans,
            ..
        } => format!("no provider of {providers} spans more than {max_plans} {plans}"),
    }
}
