//! The rules file of `footprint check`: which layers a proposal has, and the rules it must
//! meet. TOML; paths are relative to the file. Every key is checked: one that the file, a
//! layer, a weights entry or a rule of that kind does not take is an error, never ignored.
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
//!
//! [[rule]]
//! nesting = "ccgs"                   # every ccg lies whole in one footprint...
//! in = "footprints"
//! built_from = true                  # optional: ...and the ccgs cover every footprint
//!
//! [[rule]]
//! unchanged = "published"            # nothing changed between two editions
//! new = "latest"
//!
//! [flows]                            # optional: providers by where their patients live
//! admissions = "trust_flows.csv"     # or { path = "...", provider = "COLUMN", name = "COLUMN",
//!                                    #      area = "COLUMN", value = "COLUMN", kind = "share" }
//!
//! [[rule]]
//! spanning = "admissions"            # with areas: a [flows] entry, not a provider layer
//! areas = "msoas"
//! plans = "footprints"
//! max_plans = 2
//! weights = "population"             # needed when the values are shares
//! ```
//!
//! Each part of the file is a serde type that denies unknown fields. A rule's kind is the one
//! kind key it carries (`validate`, `coterminous`, `mapped`, `spanning`, `nesting`,
//! `unchanged`), so each `[[rule]]`
//! is read as a table first, its kind found, and the table then read as that kind's type;
//! serde's errors are turned into messages naming the file, line, rule and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::de::{self, DeserializeOwned, Visitor};
use serde::Deserialize;
use toml::{Spanned, Table, Value};

use crate::analysis::tolerance::ToleranceArg;
use crate::layer::{Crs, LoadOptions};

/// The top level. Entries stay raw (with their places in the file) until each is read as its
/// own type below, so that a mistake in one is reported with its name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tolerance: Option<Spanned<String>>,
    #[serde(default)]
    layers: BTreeMap<Spanned<String>, Spanned<Value>>,
    #[serde(default)]
    weights: BTreeMap<Spanned<String>, Spanned<Value>>,
    #[serde(default)]
    flows: BTreeMap<Spanned<String>, Spanned<Value>>,
    #[serde(default)]
    rule: Vec<Spanned<BTreeMap<Spanned<String>, Value>>>,
}

/// A layer given as a table; a layer may also be just its path.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerTable {
    path: Option<String>,
    code: Option<String>,
    name: Option<String>,
    crs: Option<String>,
    /// Filters as `--where` takes them, without the role: `["LTLA21CD=E*"]`.
    #[serde(rename = "where")]
    filters: Option<Vec<String>>,
}

/// A weights entry given as a table; it may also be just its path.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightsTable {
    path: Option<String>,
    column: Option<String>,
}

/// A flows entry given as a table; it may also be just its path. The columns and the kind of
/// value are detected unless given, as `spanning --flows` detects them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowsTable {
    path: Option<String>,
    provider: Option<String>,
    name: Option<String>,
    area: Option<String>,
    value: Option<String>,
    /// `count` or `share`.
    kind: Option<String>,
}

// One type per rule kind, the kind key first. Keys a kind needs besides its own are options
// here and checked after, so the message can say what to write.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateRule {
    validate: String,
    extent: Option<String>,
    strict: Option<bool>,
    all_countries: Option<bool>,
    name: Option<String>,
    tolerance: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoterminousRule {
    coterminous: String,
    units: Option<String>,
    max_split_units: Option<usize>,
    max_split_share: Option<f64>,
    weights: Option<String>,
    all_countries: Option<bool>,
    name: Option<String>,
    tolerance: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappedRule {
    mapped: String,
    mapping: Option<String>,
    columns: Option<String>,
    footprints: Option<String>,
    all_countries: Option<bool>,
    name: Option<String>,
    tolerance: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpanningRule {
    spanning: String,
    /// With flows: `spanning` names a [flows] entry, whose area codes are this layer's.
    areas: Option<String>,
    plans: Option<String>,
    max_plans: Option<usize>,
    min_share: Option<f64>,
    weights: Option<String>,
    name: Option<String>,
    tolerance: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NestingRule {
    nesting: String,
    #[serde(rename = "in")]
    within: Option<String>,
    built_from: Option<bool>,
    all_countries: Option<bool>,
    name: Option<String>,
    tolerance: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnchangedRule {
    unchanged: String,
    new: Option<String>,
    name: Option<String>,
    tolerance: Option<String>,
}

/// The rule kinds, by their kind keys.
const KINDS: [&str; 6] = [
    "validate",
    "coterminous",
    "mapped",
    "spanning",
    "nesting",
    "unchanged",
];

/// The keys a rule of `kind` takes (its type's fields).
fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "validate" => keys_of::<ValidateRule>(),
        "coterminous" => keys_of::<CoterminousRule>(),
        "mapped" => keys_of::<MappedRule>(),
        "spanning" => keys_of::<SpanningRule>(),
        "nesting" => keys_of::<NestingRule>(),
        "unchanged" => keys_of::<UnchangedRule>(),
        _ => unreachable!("not a rule kind: {kind}"),
    }
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

/// A flows file named in the rules file: its path and how to read it.
#[derive(Debug, Clone)]
pub struct FlowsSpec {
    pub path: PathBuf,
    pub spec: crate::input::flows::FlowSpec,
}

/// What a rule checks. Layer and weights fields are names from the file's tables.
#[derive(Debug, Clone)]
pub enum Check {
    Validate {
        layer: String,
        extent: Option<String>,
        strict: bool,
        /// Check against the whole extent, not only the layer's country (see
        /// `analysis::scope`).
        all_countries: bool,
    },
    Coterminous {
        footprints: String,
        units: String,
        max_split_units: Option<usize>,
        max_split_share: Option<f64>,
        weights: Option<String>,
        /// Units of every country count, none out of scope.
        all_countries: bool,
    },
    MappedByFile {
        units: String,
        mapping: PathBuf,
        columns: Option<String>,
    },
    MappedInFootprints {
        units: String,
        footprints: String,
        all_countries: bool,
    },
    Spanning {
        providers: String,
        plans: String,
        max_plans: usize,
        min_share: f64,
        weights: Option<String>,
    },
    /// Every in-scope feature of `layer` lies whole in one feature of `within` (and, with
    /// `built_from`, covers `within`): `matrix`'s verdicts (see `analysis::nesting`).
    Nesting {
        layer: String,
        within: String,
        built_from: bool,
        all_countries: bool,
    },
    /// Nothing changed between an old edition of a layer and a new one.
    Unchanged { old: String, new: String },
    /// Providers spanning plans by their flows (`spanning --flows`): `flows` names a [flows]
    /// entry, whose area codes are those of the `areas` layer.
    SpanningFlows {
        flows: String,
        areas: String,
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
            Check::Spanning { .. } | Check::SpanningFlows { .. } => "spanning",
            Check::Nesting { .. } => "nesting",
            Check::Unchanged { .. } => "unchanged",
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
            Check::MappedInFootprints {
                units, footprints, ..
            } => vec![units, footprints],
            Check::Spanning {
                providers, plans, ..
            } => vec![providers, plans],
            Check::Nesting { layer, within, .. } => vec![layer, within],
            Check::Unchanged { old, new } => vec![old, new],
            Check::SpanningFlows { areas, plans, .. } => vec![areas, plans],
        }
    }

    pub fn weights(&self) -> Option<&str> {
        match self {
            Check::Coterminous { weights, .. }
            | Check::Spanning { weights, .. }
            | Check::SpanningFlows { weights, .. } => weights.as_deref(),
            _ => None,
        }
    }

    /// The [flows] entry the rule reads, if any.
    pub fn flows(&self) -> Option<&str> {
        match self {
            Check::SpanningFlows { flows, .. } => Some(flows),
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
    /// Flows files by their name in [flows].
    pub flows: BTreeMap<String, FlowsSpec>,
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

/// Read and check a rules file: every key must be one its place takes, and every name it uses
/// must be defined. Paths in it are relative to its folder.
pub fn load(path: &Path) -> Result<Rules> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{label}: cannot read the rules file"))?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut rules = parse(&text, &base, &label)?;
    rules.path = path.to_path_buf();
    Ok(rules)
}

/// Check the text of a rules file. Relative paths in it are joined to `base_dir`; messages
/// name the file as `file_label` (which is also the returned `Rules::path`).
pub fn parse(text: &str, base_dir: &Path, file_label: &str) -> Result<Rules> {
    let src = Source {
        text,
        label: file_label,
    };
    let raw = read_file(&src)?;
    let default_tolerance = read_default_tolerance(&src, raw.tolerance.as_ref())?;
    let mut layers = raw
        .layers
        .iter()
        .map(|(name, entry)| read_layer(&src, name.get_ref(), entry, base_dir))
        .collect::<Result<Vec<_>>>()?;
    let weights = raw
        .weights
        .iter()
        .map(|(name, entry)| read_weights(&src, name.get_ref(), entry, base_dir))
        .collect::<Result<BTreeMap<_, _>>>()?;
    let flows = raw
        .flows
        .iter()
        .map(|(name, entry)| read_flows(&src, name.get_ref(), entry, base_dir))
        .collect::<Result<BTreeMap<_, _>>>()?;

    if raw.rule.is_empty() {
        bail!("{file_label}: no rules: add [[rule]] tables (see `footprint check --help`)");
    }
    let mut rules = Vec::new();
    for (i, table) in raw.rule.into_iter().enumerate() {
        let (rule, place) = read_rule(&src, i, table, base_dir, default_tolerance)?;
        check_layers_defined(&rule.check, &place, &layers)?;
        check_weights_defined(&rule.check, &place, &weights)?;
        check_flows_defined(&rule.check, &place, &flows)?;
        rules.push(rule);
    }
    // Only the layers the rules use are loaded.
    layers.retain(|l| {
        rules
            .iter()
            .any(|r| r.check.layers().contains(&l.name.as_str()))
    });
    Ok(Rules {
        path: PathBuf::from(file_label),
        layers,
        weights,
        flows,
        rules,
    })
}

/// The file as TOML, its top-level keys checked first so that a misspelt one is named as
/// such.
fn read_file(src: &Source) -> Result<RawFile> {
    let label = src.label;
    let not_valid = |e: toml::de::Error| {
        anyhow!("{label}: {}", e.to_string().trim_end()).context(format!(
            "{label} is not a valid rules file (see `footprint check --help` for the format)"
        ))
    };
    let top: BTreeMap<Spanned<String>, Value> = toml::from_str(src.text).map_err(not_valid)?;
    check_top_level(src, &top)?;
    toml::from_str(src.text).map_err(not_valid)
}

/// The top-level `tolerance`, the default for every rule: auto if not given.
fn read_default_tolerance(
    src: &Source,
    tolerance: Option<&Spanned<String>>,
) -> Result<ToleranceArg> {
    let Some(t) = tolerance else {
        return Ok(ToleranceArg::Auto);
    };
    let at = t.span().start;
    t.get_ref()
        .parse::<ToleranceArg>()
        .map_err(|e| anyhow!("{}: tolerance: {e}{}", src.at(at), src.quote(at)))
}

/// The [layers] entry `name`: its path (relative to `base_dir`) and how to load it.
fn read_layer(
    src: &Source,
    name: &str,
    entry: &Spanned<Value>,
    base_dir: &Path,
) -> Result<LayerSpec> {
    let (l, place) = read_entry(src, "layer", name, entry, |path| LayerTable {
        path: Some(path),
        ..Default::default()
    })?;
    let Some(path) = l.path else {
        return Err(place.error_that("path", "needs path = \"FILE.geojson\""));
    };
    let crs = match l.crs {
        Some(c) => Some(
            c.parse::<Crs>()
                .map_err(|e| place.error("crs", &format!("crs {c:?}: {e}")))?,
        ),
        None => None,
    };
    let filters = l
        .filters
        .unwrap_or_default()
        .iter()
        .map(|f| {
            f.parse()
                .map_err(|e| place.error("where", &format!("where {f:?}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(LayerSpec {
        name: name.to_string(),
        path: resolve(base_dir, &path),
        options: LoadOptions {
            code_field: l.code,
            name_field: l.name,
            crs,
            filters,
        },
    })
}

/// The [weights] entry `name`, keyed by its name: its path (relative to `base_dir`) and
/// column, `population` unless given.
fn read_weights(
    src: &Source,
    name: &str,
    entry: &Spanned<Value>,
    base_dir: &Path,
) -> Result<(String, WeightsSpec)> {
    let (w, place) = read_entry(src, "weights", name, entry, |path| WeightsTable {
        path: Some(path),
        ..Default::default()
    })?;
    let Some(path) = w.path else {
        return Err(place.error_that("path", "needs path = \"FILE.csv\""));
    };
    let spec = WeightsSpec {
        path: resolve(base_dir, &path),
        column: w.column.unwrap_or_else(|| "population".into()),
    };
    Ok((name.to_string(), spec))
}

/// The [flows] entry `name`, keyed by its name: its path (relative to `base_dir`) and the
/// columns and kind of value, where given.
fn read_flows(
    src: &Source,
    name: &str,
    entry: &Spanned<Value>,
    base_dir: &Path,
) -> Result<(String, FlowsSpec)> {
    let (f, place) = read_entry(src, "flows", name, entry, |path| FlowsTable {
        path: Some(path),
        ..Default::default()
    })?;
    let Some(path) = f.path else {
        return Err(place.error_that("path", "needs path = \"FILE.csv\""));
    };
    let kind = match f.kind.as_deref() {
        None => None,
        Some("count") => Some(crate::analysis::flows::FlowKind::Count),
        Some("share") => Some(crate::analysis::flows::FlowKind::Share),
        Some(k) => {
            return Err(place.error(
                "kind",
                &format!("kind {k:?} is not count or share (count: people; share: of each area's residents, x its weight)"),
            ))
        }
    };
    let spec = FlowsSpec {
        path: resolve(base_dir, &path),
        spec: crate::input::flows::FlowSpec {
            provider: f.provider,
            name: f.name,
            area: f.area,
            value: f.value,
            kind,
        },
    };
    Ok((name.to_string(), spec))
}

/// The flows the rule at `place` names, if any, are ones [flows] defines.
fn check_flows_defined(
    check: &Check,
    place: &Place,
    flows: &BTreeMap<String, FlowsSpec>,
) -> Result<()> {
    let Some(f) = check.flows() else {
        return Ok(());
    };
    if flows.contains_key(f) {
        return Ok(());
    }
    let defined: Vec<&str> = flows.keys().map(String::as_str).collect();
    Err(place.error(
        "spanning",
        &format!(
            "spanning = {f:?} with areas names flows which [flows] does not define (it has: \
             {}){}; without areas, spanning names a provider layer",
            names(defined.iter().copied()),
            suggest(f, &defined)
        ),
    ))
}

/// Every layer the rule at `place` names is one [layers] defines.
fn check_layers_defined(check: &Check, place: &Place, layers: &[LayerSpec]) -> Result<()> {
    for (key, l) in layer_keys(check) {
        if !layers.iter().any(|s| s.name == l) {
            let defined: Vec<&str> = layers.iter().map(|s| s.name.as_str()).collect();
            return Err(place.error(
                key,
                &format!(
                    "{key} = {l:?} names a layer which [layers] does not define (it has: {}){}",
                    names(defined.iter().copied()),
                    suggest(l, &defined)
                ),
            ));
        }
    }
    Ok(())
}

/// The weights the rule at `place` names, if any, are ones [weights] defines.
fn check_weights_defined(
    check: &Check,
    place: &Place,
    weights: &BTreeMap<String, WeightsSpec>,
) -> Result<()> {
    let Some(w) = check.weights() else {
        return Ok(());
    };
    if weights.contains_key(w) {
        return Ok(());
    }
    let defined: Vec<&str> = weights.keys().map(String::as_str).collect();
    Err(place.error(
        "weights",
        &format!(
            "weights = {w:?} names weights which [weights] does not define (it has: {}){}",
            names(defined.iter().copied()),
            suggest(w, &defined)
        ),
    ))
}

/// Every top-level key is one `RawFile` takes, and `rule` is an array of tables.
fn check_top_level(src: &Source, top: &BTreeMap<Spanned<String>, Value>) -> Result<()> {
    let file_keys = keys_of::<RawFile>();
    let mut keys: Vec<_> = top.iter().collect();
    keys.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in keys {
        let k = key.get_ref().as_str();
        let at = key.span().start;
        if !file_keys.contains(&k) {
            bail!(
                "{}: unknown top-level key `{k}`: {} The top level takes tolerance, [layers], \
                 [weights], [flows] and [[rule]] tables{}",
                src.at(at),
                fix(k, file_keys),
                src.quote(at)
            );
        }
        if k == "rule" && value.is_table() {
            bail!(
                "{}: [rule] is one table; write [[rule]] (double brackets) before each rule{}",
                src.at(at),
                src.quote(at)
            );
        }
    }
    Ok(())
}

/// One entry of [layers] (`what` "layer") or [weights]: its path, or a table read as `T`;
/// and its place, for later messages about it.
fn read_entry<'a, T: DeserializeOwned>(
    src: &'a Source<'a>,
    what: &str,
    name: &str,
    entry: &Spanned<Value>,
    from_path: impl FnOnce(String) -> T,
) -> Result<(T, Place<'a>)> {
    let span = entry.span();
    let place = Place {
        src,
        what: format!("{what} {name:?}"),
        table: format!("a {what} table"),
        others: Vec::new(),
        // A key's own line when the table is written over several, else the entry's.
        at: Box::new(move |k| src.key_in(span.clone(), k).unwrap_or(span.start)),
    };
    let example = match what {
        "layer" => {
            "(\"FILE.geojson\") or a table { path = \"FILE.geojson\", code = \"FIELD\", \
                    name = \"FIELD\", crs = \"EPSG:27700\" }"
        }
        "flows" => {
            "(\"FILE.csv\") or a table { path = \"FILE.csv\", provider = \"COLUMN\", \
                    name = \"COLUMN\", area = \"COLUMN\", value = \"COLUMN\", kind = \"share\" }"
        }
        _ => "(\"FILE.csv\") or a table { path = \"FILE.csv\", column = \"COLUMN\" }",
    };
    let t = match entry.get_ref() {
        Value::String(p) => from_path(p.clone()),
        Value::Table(t) => typed(t, &place)?,
        v => {
            return Err(place.error_that(
                "",
                &format!(
                    "is {} {} {v}: give its path {example}",
                    article(v.type_str()),
                    v.type_str()
                ),
            ))
        }
    };
    Ok((t, place))
}

/// The `i`th [[rule]] read as its kind's type and checked, but for the layer and weights
/// names it uses; with its place, for messages about those.
fn read_rule<'a>(
    src: &'a Source<'a>,
    i: usize,
    raw: Spanned<BTreeMap<Spanned<String>, Value>>,
    base_dir: &Path,
    default_tolerance: ToleranceArg,
) -> Result<(Rule, Place<'a>)> {
    let header = raw.span().start;
    let (table, at) = rule_table(raw);
    let label = match table.get("name").and_then(Value::as_str) {
        Some(n) => format!("rule {} ({n:?})", i + 1),
        None => format!("rule {}", i + 1),
    };
    let kind = rule_kind(src, &table, &at, header, &label)?;
    let place = Place {
        src,
        what: label,
        table: format!("a {kind} rule"),
        others: KINDS
            .iter()
            .filter(|k| **k != kind)
            .map(|k| (*k, kind_keys(k)))
            .collect(),
        at: Box::new(at),
    };
    let RuleParts {
        check,
        name,
        tolerance,
    } = match kind {
        "validate" => typed::<ValidateRule>(&table, &place)?.into_parts(),
        "coterminous" => typed::<CoterminousRule>(&table, &place)?.into_parts(&place)?,
        "mapped" => typed::<MappedRule>(&table, &place)?.into_parts(&place, base_dir)?,
        "nesting" => typed::<NestingRule>(&table, &place)?.into_parts(&place)?,
        "unchanged" => typed::<UnchangedRule>(&table, &place)?.into_parts(&place)?,
        _ => typed::<SpanningRule>(&table, &place)?.into_parts(&place)?,
    };
    let tolerance = match tolerance {
        None => default_tolerance,
        Some(t) => t
            .parse::<ToleranceArg>()
            .map_err(|e| place.error("tolerance", &e))?,
    };
    let rule = Rule {
        name: name.unwrap_or_else(|| default_name(&check)),
        tolerance,
        check,
    };
    Ok((rule, place))
}

/// A [[rule]] as a plain table, and where each of its keys is in the file (where the rule's
/// header is, for a key it lacks).
fn rule_table(
    raw: Spanned<BTreeMap<Spanned<String>, Value>>,
) -> (Table, impl Fn(&str) -> usize + 'static) {
    let header = raw.span().start;
    let key_at: BTreeMap<String, usize> = raw
        .get_ref()
        .keys()
        .map(|k| (k.get_ref().clone(), k.span().start))
        .collect();
    let table: Table = raw
        .into_inner()
        .into_iter()
        .map(|(k, v)| (k.into_inner(), v))
        .collect();
    (table, move |key: &str| {
        key_at.get(key).copied().unwrap_or(header)
    })
}

/// The one kind key of the rule `label`, whose header is at `header`; or why it has none or
/// several.
fn rule_kind(
    src: &Source,
    table: &Table,
    at: &dyn Fn(&str) -> usize,
    header: usize,
    label: &str,
) -> Result<&'static str> {
    let kinds: Vec<&str> = KINDS
        .iter()
        .copied()
        .filter(|k| table.contains_key(*k))
        .collect();
    match kinds[..] {
        [kind] => Ok(kind),
        [] => {
            // A misspelt kind key is the likely reason.
            let hint = key_order(table, at)
                .into_iter()
                .find_map(|k| closest(k, &KINDS).map(|c| (k, c)))
                .map(|(k, c)| format!("; did you mean `{c}` for `{k}`?"))
                .unwrap_or_else(|| {
                    "; add one, e.g. validate = \"LAYER\" (see `footprint check --help`)".into()
                });
            bail!(
                "{}: {label} must have exactly one of validate, coterminous, mapped, spanning, \
                 nesting, unchanged (it has none){hint}",
                src.at(header)
            );
        }
        _ => bail!(
            "{}: {label} must have exactly one of validate, coterminous, mapped, spanning, \
             nesting, unchanged (it has {}): write a [[rule]] for each",
            src.at(header),
            kinds.join(", ")
        ),
    }
}

/// A rule read as its kind's type: what it checks, and its name and tolerance if given.
struct RuleParts {
    check: Check,
    name: Option<String>,
    tolerance: Option<String>,
}

impl ValidateRule {
    fn into_parts(self) -> RuleParts {
        let check = Check::Validate {
            layer: self.validate,
            extent: self.extent,
            strict: self.strict.unwrap_or(false),
            all_countries: self.all_countries.unwrap_or(false),
        };
        RuleParts {
            check,
            name: self.name,
            tolerance: self.tolerance,
        }
    }
}

impl CoterminousRule {
    fn into_parts(self, place: &Place) -> Result<RuleParts> {
        let check = Check::Coterminous {
            footprints: self.coterminous,
            units: need(self.units, place, "coterminous", "units", "\"LAYER\"")?,
            max_split_units: self.max_split_units,
            max_split_share: self
                .max_split_share
                .map(|s| fraction(s, "max_split_share", place))
                .transpose()?,
            weights: self.weights,
            all_countries: self.all_countries.unwrap_or(false),
        };
        Ok(RuleParts {
            check,
            name: self.name,
            tolerance: self.tolerance,
        })
    }
}

impl MappedRule {
    /// Mapped by a mapping file (whose path is relative to `base_dir`), or in a footprints
    /// layer: one or the other.
    fn into_parts(self, place: &Place, base_dir: &Path) -> Result<RuleParts> {
        let units = self.mapped;
        let all_countries = self.all_countries;
        let check = match (self.mapping, self.footprints, self.columns) {
            (Some(_), None, _) if all_countries.is_some() => {
                return Err(place.error(
                    "all_countries",
                    "all_countries applies to a mapped rule with footprints = \"LAYER\" \
                     (units out of scope of the footprints' country); a mapping file sets no \
                     scope: remove all_countries",
                ))
            }
            (Some(m), None, columns) => Check::MappedByFile {
                units,
                mapping: resolve(base_dir, &m),
                columns,
            },
            (None, Some(footprints), None) => Check::MappedInFootprints {
                units,
                footprints,
                all_countries: all_countries.unwrap_or(false),
            },
            (None, Some(_), Some(_)) => {
                return Err(place.error(
                    "columns",
                    "columns names the columns of a mapping file, and this rule has \
                     footprints = \"LAYER\" instead: remove columns",
                ))
            }
            (Some(_), Some(_), _) => {
                return Err(place.error(
                    "footprints",
                    "a mapped rule needs either mapping = \"FILE.csv\" or footprints = \
                     \"LAYER\", not both: write a [[rule]] for each",
                ))
            }
            (None, None, _) => {
                return Err(place.error(
                    "mapped",
                    "a mapped rule needs either mapping = \"FILE.csv\" or footprints = \
                     \"LAYER\"",
                ))
            }
        };
        Ok(RuleParts {
            check,
            name: self.name,
            tolerance: self.tolerance,
        })
    }
}

impl SpanningRule {
    /// By a provider layer, or with `areas` by the [flows] entry `spanning` names.
    fn into_parts(self, place: &Place) -> Result<RuleParts> {
        let plans = need(self.plans, place, "spanning", "plans", "\"LAYER\"")?;
        let max_plans = need(self.max_plans, place, "spanning", "max_plans", "N")?;
        let min_share = fraction(self.min_share.unwrap_or(0.05), "min_share", place)?;
        let check = match self.areas {
            Some(areas) => Check::SpanningFlows {
                flows: self.spanning,
                areas,
                plans,
                max_plans,
                min_share,
                weights: self.weights,
            },
            None => Check::Spanning {
                providers: self.spanning,
                plans,
                max_plans,
                min_share,
                weights: self.weights,
            },
        };
        Ok(RuleParts {
            check,
            name: self.name,
            tolerance: self.tolerance,
        })
    }
}

impl NestingRule {
    fn into_parts(self, place: &Place) -> Result<RuleParts> {
        let check = Check::Nesting {
            layer: self.nesting,
            within: need(self.within, place, "nesting", "in", "\"LAYER\"")?,
            built_from: self.built_from.unwrap_or(false),
            all_countries: self.all_countries.unwrap_or(false),
        };
        Ok(RuleParts {
            check,
            name: self.name,
            tolerance: self.tolerance,
        })
    }
}

impl UnchangedRule {
    fn into_parts(self, place: &Place) -> Result<RuleParts> {
        let check = Check::Unchanged {
            old: self.unchanged,
            new: self.new.ok_or_else(|| {
                place.error(
                    "unchanged",
                    "an unchanged rule needs new = \"LAYER\" (the new edition)",
                )
            })?,
        };
        Ok(RuleParts {
            check,
            name: self.name,
            tolerance: self.tolerance,
        })
    }
}

/// The value of `key`, which a `kind` rule needs; or a message, at its kind key, saying to
/// write `key = what`.
fn need<T>(v: Option<T>, place: &Place, kind: &str, key: &str, what: &str) -> Result<T> {
    v.ok_or_else(|| place.error(kind, &format!("a {kind} rule needs {key} = {what}")))
}

/// `v`, the value of `key`, if it is a fraction 0..1.
fn fraction(v: f64, key: &str, place: &Place) -> Result<f64> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(place.error(
            key,
            &format!("{key} {v} is not a fraction 0..1 (0.05 means 5%)"),
        ))
    }
}

/// `p` from the rules file: relative to its folder, unless absolute.
fn resolve(base_dir: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base_dir.join(p)
    }
}

/// The layers a rule names, each with the key that names it.
fn layer_keys(check: &Check) -> Vec<(&'static str, &str)> {
    match check {
        Check::Validate { layer, extent, .. } => std::iter::once(("validate", layer.as_str()))
            .chain(extent.as_deref().map(|e| ("extent", e)))
            .collect(),
        Check::Coterminous {
            footprints, units, ..
        } => vec![("coterminous", footprints), ("units", units)],
        Check::MappedByFile { units, .. } => vec![("mapped", units)],
        Check::MappedInFootprints {
            units, footprints, ..
        } => {
            vec![("mapped", units), ("footprints", footprints)]
        }
        Check::Spanning {
            providers, plans, ..
        } => vec![("spanning", providers), ("plans", plans)],
        Check::Nesting { layer, within, .. } => vec![("nesting", layer), ("in", within)],
        Check::Unchanged { old, new } => vec![("unchanged", old), ("new", new)],
        Check::SpanningFlows { areas, plans, .. } => vec![("areas", areas), ("plans", plans)],
    }
}

/// The rules file's text and its name, for messages that point into it.
struct Source<'a> {
    text: &'a str,
    label: &'a str,
}

impl Source<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        1 + self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    /// `FILE:LINE`.
    fn at(&self, offset: usize) -> String {
        format!("{}:{}", self.label, self.line(offset))
    }

    /// Where `key = ...` begins a line within `span` (a table written over several lines);
    /// None for a key of an inline table, or an empty key.
    fn key_in(&self, span: std::ops::Range<usize>, key: &str) -> Option<usize> {
        let body = self.text.get(span.clone())?;
        let mut offset = span.start;
        for line in body.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix(key) {
                if !key.is_empty() && rest.trim_start().starts_with('=') {
                    return Some(offset + line.len() - trimmed.len());
                }
            }
            offset += line.len();
        }
        None
    }

    /// The line at `offset`, quoted on a line of its own under a message.
    fn quote(&self, offset: usize) -> String {
        let n = self.line(offset);
        let line = self.text.lines().nth(n - 1).unwrap_or("").trim_end();
        format!("\n  {n} | {line}")
    }
}

/// Where a table is read as a type, for its messages.
struct Place<'a> {
    src: &'a Source<'a>,
    /// `layer "councils"`, `rule 2 ("...")`.
    what: String,
    /// `a layer table`, `a spanning rule`.
    table: String,
    /// The other rule kinds and their keys, to say where a misplaced key belongs.
    others: Vec<(&'static str, &'static [&'static str])>,
    /// Where a key is in the file (where the table is, for a key it lacks).
    at: Box<dyn Fn(&str) -> usize + 'a>,
}

impl Place<'_> {
    /// "FILE:LINE: WHAT: MSG" and the line of `key`.
    fn error(&self, key: &str, msg: &str) -> anyhow::Error {
        let at = (self.at)(key);
        anyhow!(
            "{}: {}: {msg}{}",
            self.src.at(at),
            self.what,
            self.src.quote(at)
        )
    }

    /// "FILE:LINE: WHAT MSG" ("layer \"fp\" needs path = ...") and the line of `key`.
    fn error_that(&self, key: &str, msg: &str) -> anyhow::Error {
        let at = (self.at)(key);
        anyhow!(
            "{}: {} {msg}{}",
            self.src.at(at),
            self.what,
            self.src.quote(at)
        )
    }
}

/// `table` read as a `T` (whose serde type denies unknown fields), or a message naming the
/// first wrong key and saying what to do.
fn typed<T: DeserializeOwned>(table: &Table, place: &Place) -> Result<T> {
    let e = match Value::Table(table.clone()).try_into::<T>() {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let keys = keys_of::<T>();
    let table_name = &place.table;
    // serde stops at one unknown key; name the first in the file.
    if let Some(k) = key_order(table, &place.at)
        .into_iter()
        .find(|k| !keys.contains(k))
    {
        let owners: Vec<&str> = place
            .others
            .iter()
            .filter(|(_, ks)| ks.contains(&k))
            .map(|(kind, _)| *kind)
            .collect();
        let problem = if owners.is_empty() {
            format!("unknown key `{k}` in {table_name}: {}", fix(k, keys))
        } else {
            format!(
                "`{k}` does not apply to {table_name} (it is a key of {} rules): remove it, or \
                 move it to a rule of that kind.",
                owners.join(" and ")
            )
        };
        let takes = format!("{} takes {}", capitalise(table_name), keys.join(", "));
        return Err(place.error(k, &format!("{problem} {takes}")));
    }
    // Otherwise a value of the wrong type, and toml says for which key ("...\nin `key`").
    let msg = e.to_string();
    let (msg, key) = match msg.trim_end().rsplit_once("\nin `") {
        Some((m, k)) => (m, k.trim_end_matches('`')),
        None => (msg.trim_end(), ""),
    };
    let msg = msg
        .replace("expected usize", "expected a whole number, 0 or more")
        .replace("expected f64", "expected a number");
    Err(match key {
        "" => place.error("", &msg),
        k => place.error(k, &format!("{k}: {msg}")),
    })
}

/// A table's keys in the order they appear in the file.
fn key_order<'t>(table: &'t Table, at: &dyn Fn(&str) -> usize) -> Vec<&'t str> {
    let mut keys: Vec<&str> = table.keys().map(|k| k.as_str()).collect();
    keys.sort_by_key(|k| at(k));
    keys
}

/// What to do about an unknown key `k` where `keys` are allowed.
fn fix(k: &str, keys: &[&str]) -> String {
    match closest(k, keys) {
        Some(c) => format!("did you mean `{c}`?"),
        None => "remove it, or correct its spelling.".into(),
    }
}

/// "; did you mean ...?" for a name not among `names`, if one is close.
fn suggest(name: &str, names: &[&str]) -> String {
    match closest(name, names) {
        Some(c) => format!("; did you mean {c:?}?"),
        None => String::new(),
    }
}

/// The candidate nearest `word`, if it is a likely misspelling of it.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&w, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance in characters, a swap of neighbours counting as one edit ("nmae" is one
/// from "name"): the optimal string alignment distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d: Vec<Vec<usize>> = (0..=a.len())
        .map(|i| (0..=b.len()).map(|j| if i == 0 { j } else { i }).collect())
        .collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The field names of a struct that derives `Deserialize`: serde hands them to
/// `deserialize_struct`, which this deserializer records and then declines.
fn keys_of<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut keys: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut keys));
    keys
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
        Check::MappedInFootprints {
            units, footprints, ..
        } => {
            format!("every unit of {units} lies in {footprints}")
        }
        Check::Spanning {
            providers,
            plans,
            max_plans,
            ..
        } => format!("no provider of {providers} spans more than {max_plans} {plans}"),
        Check::Nesting {
            layer,
            within,
            built_from: false,
            ..
        } => format!("{layer} nests in {within}"),
        Check::Nesting { layer, within, .. } => {
            format!("{layer} nests in {within}, and {within} is built from it")
        }
        Check::Unchanged { old, new } => format!("nothing changed from {old} to {new}"),
        Check::SpanningFlows {
            flows,
            plans,
            max_plans,
            ..
        } => format!("no provider of {flows} spans more than {max_plans} {plans} by its flows"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Layers and weights the rules below name.
    const HEAD: &str = "[layers]\n\
        fp = \"fp.geojson\"\n\
        units = { path = \"units.geojson\", code = \"C\", name = \"N\", crs = \"EPSG:27700\" }\n\
        providers = \"/abs/providers.geojson\"\n\
        [weights]\n\
        pop = { path = \"pop.csv\", column = \"people\" }\n\
        hh = \"hh.csv\"\n";

    fn parse_rules(body: &str) -> Result<Rules> {
        parse(&format!("{HEAD}{body}"), Path::new("base"), "rules.toml")
    }

    fn error(body: &str) -> String {
        match parse_rules(body) {
            Ok(r) => panic!("accepted:\n{body}\n{r:#?}"),
            Err(e) => format!("{e:#}"),
        }
    }

    fn assert_error(body: &str, expected: &[&str]) {
        let e = error(body);
        for x in expected {
            assert!(e.contains(x), "{body}\nexpected {x:?} in:\n{e}");
        }
    }

    /// A whole rules file (no [`HEAD`]) is refused with every `expected` text.
    fn assert_file_error(text: &str, expected: &[&str]) {
        let e = match parse(text, Path::new("."), "rules.toml") {
            Ok(r) => panic!("accepted:\n{text}\n{r:#?}"),
            Err(e) => format!("{e:#}"),
        };
        for x in expected {
            assert!(e.contains(x), "{text}\nexpected {x:?} in:\n{e}");
        }
    }

    /// A valid value for every rule key.
    fn sample(key: &str) -> &'static str {
        match key {
            "validate" | "coterminous" | "plans" | "footprints" | "in" => "\"fp\"",
            "mapped" | "units" | "extent" | "nesting" | "areas" => "\"units\"",
            "spanning" => "\"providers\"",
            "unchanged" => "\"units\"",
            "new" => "\"fp\"",
            "strict" | "all_countries" | "built_from" => "true",
            "max_split_units" => "3",
            "max_split_share" => "0.25",
            "weights" => "\"pop\"",
            "mapping" => "\"m.csv\"",
            "columns" => "\"a,b\"",
            "max_plans" => "2",
            "min_share" => "0.1",
            "name" => "\"the rule\"",
            "tolerance" => "\"250m\"",
            _ => panic!("no sample value for rule key {key}"),
        }
    }

    fn rule(keys: &[&str]) -> String {
        let mut s = String::from("[[rule]]\n");
        for k in keys {
            s += &format!("{k} = {}\n", sample(k));
        }
        s
    }

    /// The smallest valid rule of each kind.
    fn minimal(kind: &str) -> &'static [&'static str] {
        match kind {
            "validate" => &["validate"],
            "coterminous" => &["coterminous", "units"],
            "mapped" => &["mapped", "mapping"],
            "nesting" => &["nesting", "in"],
            "unchanged" => &["unchanged", "new"],
            _ => &["spanning", "plans", "max_plans"],
        }
    }

    #[test]
    fn the_kinds_take_these_keys() {
        let k = |kind| kind_keys(kind).to_vec();
        assert_eq!(
            k("validate"),
            [
                "validate",
                "extent",
                "strict",
                "all_countries",
                "name",
                "tolerance"
            ]
        );
        assert_eq!(
            k("coterminous"),
            [
                "coterminous",
                "units",
                "max_split_units",
                "max_split_share",
                "weights",
                "all_countries",
                "name",
                "tolerance"
            ]
        );
        assert_eq!(
            k("mapped"),
            [
                "mapped",
                "mapping",
                "columns",
                "footprints",
                "all_countries",
                "name",
                "tolerance"
            ]
        );
        assert_eq!(
            k("spanning"),
            [
                "spanning",
                "areas",
                "plans",
                "max_plans",
                "min_share",
                "weights",
                "name",
                "tolerance"
            ]
        );
        assert_eq!(
            k("nesting"),
            [
                "nesting",
                "in",
                "built_from",
                "all_countries",
                "name",
                "tolerance"
            ]
        );
        assert_eq!(
            keys_of::<RawFile>(),
            ["tolerance", "layers", "weights", "flows", "rule"]
        );
        assert_eq!(
            keys_of::<LayerTable>(),
            ["path", "code", "name", "crs", "where"]
        );
        assert_eq!(keys_of::<WeightsTable>(), ["path", "column"]);
    }

    #[test]
    fn every_kind_is_accepted_with_all_its_keys() {
        // (kind, the rules that between them use every key of the kind, checks on each)
        type Expect = fn(&Rule) -> bool;
        let cases: [(&str, &[&[&str]], Expect); 8] = [
            (
                "validate",
                &[&[
                    "validate",
                    "extent",
                    "strict",
                    "all_countries",
                    "name",
                    "tolerance",
                ]],
                |r| {
                    matches!(&r.check, Check::Validate {
                        layer, extent: Some(e), strict: true, all_countries: true
                    } if layer == "fp" && e == "units")
                },
            ),
            (
                "coterminous",
                &[&[
                    "coterminous",
                    "units",
                    "max_split_units",
                    "max_split_share",
                    "weights",
                    "all_countries",
                    "name",
                    "tolerance",
                ]],
                |r| {
                    matches!(&r.check, Check::Coterminous {
                        footprints, units, max_split_units: Some(3),
                        max_split_share: Some(s), weights: Some(w), all_countries: true,
                    } if footprints == "fp" && units == "units" && *s == 0.25 && w == "pop")
                },
            ),
            (
                "mapped",
                &[&["mapped", "mapping", "columns", "name", "tolerance"]],
                |r| {
                    matches!(&r.check, Check::MappedByFile { units, mapping, columns: Some(c) }
                        if units == "units" && mapping == Path::new("base/m.csv") && c == "a,b")
                },
            ),
            (
                "mapped",
                &[&["mapped", "footprints", "all_countries", "name", "tolerance"]],
                |r| {
                    matches!(&r.check, Check::MappedInFootprints {
                        units, footprints, all_countries: true
                    } if units == "units" && footprints == "fp")
                },
            ),
            (
                "spanning",
                &[&[
                    "spanning",
                    "plans",
                    "max_plans",
                    "min_share",
                    "weights",
                    "name",
                    "tolerance",
                ]],
                |r| {
                    matches!(&r.check, Check::Spanning {
                        providers, plans, max_plans: 2, min_share, weights: Some(w),
                    } if providers == "providers" && plans == "fp" && *min_share == 0.1
                        && w == "pop")
                },
            ),
            (
                "nesting",
                &[&[
                    "nesting",
                    "in",
                    "built_from",
                    "all_countries",
                    "name",
                    "tolerance",
                ]],
                |r| {
                    matches!(&r.check, Check::Nesting {
                        layer, within, built_from: true, all_countries: true,
                    } if layer == "units" && within == "fp")
                },
            ),
            (
                "unchanged",
                &[&["unchanged", "new", "name", "tolerance"]],
                |r| {
                    matches!(&r.check, Check::Unchanged { old, new }
                        if old == "units" && new == "fp")
                },
            ),
            (
                "spanning",
                &[&[
                    "spanning",
                    "areas",
                    "plans",
                    "max_plans",
                    "weights",
                    "name",
                    "tolerance",
                ]],
                |r| {
                    matches!(&r.check, Check::SpanningFlows {
                        flows, areas, plans, max_plans: 2, min_share, weights: Some(w),
                    } if flows == "providers" && areas == "units" && plans == "fp"
                        && *min_share == 0.05 && w == "pop")
                },
            ),
        ];
        let mut used: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (kind, bodies, expect) in cases {
            for keys in bodies {
                // A spanning rule with areas names a [flows] entry.
                let body = match keys.contains(&"areas") {
                    true => format!("[flows]\nproviders = \"flows.csv\"\n{}", rule(keys)),
                    false => rule(keys),
                };
                let rules = parse_rules(&body).unwrap_or_else(|e| panic!("{body}\n{e:#}"));
                let r = &rules.rules[0];
                assert_eq!(r.check.kind(), kind);
                assert!(expect(r), "{body}\n{r:#?}");
                assert_eq!(r.name, "the rule");
                assert_eq!(r.tolerance, ToleranceArg::Metres(250.0));
                used.entry(kind).or_default().extend(keys.iter());
            }
        }
        for kind in KINDS {
            for k in kind_keys(kind) {
                assert!(used[kind].contains(k), "{kind}: {k} is not tried");
            }
        }
    }

    #[test]
    fn minimal_rules_take_the_defaults() {
        let rules = parse_rules(&KINDS.map(|k| rule(minimal(k))).concat()).unwrap();
        let r = &rules.rules;
        assert!(matches!(
            &r[0].check,
            Check::Validate {
                extent: None,
                strict: false,
                ..
            }
        ));
        assert!(matches!(
            &r[1].check,
            Check::Coterminous {
                max_split_units: None,
                max_split_share: None,
                weights: None,
                ..
            }
        ));
        assert!(matches!(
            &r[2].check,
            Check::MappedByFile { columns: None, .. }
        ));
        assert!(
            matches!(&r[3].check, Check::Spanning { min_share, weights: None, .. }
            if *min_share == 0.05)
        );
        assert!(matches!(
            &r[4].check,
            Check::Nesting {
                built_from: false,
                all_countries: false,
                ..
            }
        ));
        let names: Vec<&str> = r.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "fp validates",
                "fp coterminous with units",
                "every unit of units is in base/m.csv",
                "no provider of providers spans more than 2 fp",
                "units nests in fp",
                "nothing changed from units to fp"
            ]
        );
        assert!(r.iter().all(|r| r.tolerance == ToleranceArg::Auto));
    }

    #[test]
    fn keys_of_other_kinds_are_rejected_by_name() {
        let mut tried = 0;
        for kind in KINDS {
            let own = kind_keys(kind);
            let foreign: Vec<&str> = KINDS
                .iter()
                .flat_map(|k| kind_keys(k).iter().copied())
                .filter(|k| !own.contains(k) && !KINDS.contains(k))
                .collect();
            for key in foreign {
                let mut keys = minimal(kind).to_vec();
                keys.push(key);
                let applies = format!("`{key}` does not apply to a {kind} rule");
                let takes = format!("A {kind} rule takes {}", own.join(", "));
                assert_error(
                    &rule(&keys),
                    &[applies.as_str(), takes.as_str(), "rules.toml:", "rule 1"],
                );
                tried += 1;
            }
        }
        // e.g. spanning with strict, max_split_share, footprints, columns, ...
        assert!(tried >= 20, "{tried}");
        assert_error(
            "[[rule]]\nname = \"trusts\"\nspanning = \"providers\"\nplans = \"fp\"\nmax_plans = 2\n\
             strict = true\n",
            &[
                "rules.toml:13: rule 1 (\"trusts\"): `strict` does not apply to a spanning rule \
                 (it is a key of validate rules)",
                "\n  13 | strict = true",
            ],
        );
        assert_error(
            "[[rule]]\nvalidate = \"fp\"\nweights = \"pop\"\n",
            &["it is a key of coterminous and spanning rules"],
        );
    }

    #[test]
    fn misspelt_and_unknown_keys_are_named() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[[rule]]\nvalidate = \"fp\"\nstrictt = true\n",
                &[
                    "rules.toml:10: rule 1: unknown key `strictt` in a validate rule: did you \
                     mean `strict`?",
                    "A validate rule takes validate, extent, strict, all_countries, name, tolerance",
                ],
            ),
            (
                "[[rule]]\nspanning = \"providers\"\nplans = \"fp\"\nmax_plans = 2\ncolour = 1\n",
                &["unknown key `colour` in a spanning rule: remove it, or correct its spelling"],
            ),
            // The first wrong key in the file is the one named.
            ("[[rule]]\nvalidate = \"fp\"\nzz = 1\naa = 2\n", &["`zz`"]),
        ];
        for (body, expected) in cases {
            assert_error(body, expected);
        }
    }

    #[test]
    fn all_countries_needs_a_scope_to_restore() {
        assert_error(
            "[[rule]]\nmapped = \"units\"\nmapping = \"m.csv\"\nall_countries = true\n",
            &["all_countries applies to a mapped rule with footprints = \"LAYER\""],
        );
    }

    #[test]
    fn layer_and_weights_tables_deny_unknown_keys() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[layers]\nfp = \"fp.geojson\"\n\
                 councils = { path = \"councils.geojson\", cod = \"LADCD\" }\n\
                 [[rule]]\nvalidate = \"fp\"\n",
                &[
                    "rules.toml:3: layer \"councils\": unknown key `cod` in a layer table: did \
                     you mean `code`? A layer table takes path, code, name, crs",
                    "\n  3 | councils = { path",
                ],
            ),
            (
                "[layers]\nfp = \"fp.geojson\"\n[layers.councils]\npath = \"c.geojson\"\n\
                 nmae = \"X\"\n[[rule]]\nvalidate = \"fp\"\n",
                &[
                    "rules.toml:5: layer \"councils\": unknown key `nmae`",
                    "did you mean `name`?",
                    "\n  5 | nmae = ",
                ],
            ),
            (
                "[layers]\nfp = \"fp.geojson\"\n[weights]\n\
                 pop = { path = \"pop.csv\", colum = \"people\" }\n[[rule]]\nvalidate = \"fp\"\n",
                &[
                    "rules.toml:4: weights \"pop\": unknown key `colum` in a weights table: did \
                     you mean `column`? A weights table takes path, column",
                ],
            ),
            (
                "[layers]\nfp = { code = \"X\" }\n[[rule]]\nvalidate = \"fp\"\n",
                &["rules.toml:2: layer \"fp\" needs path = \"FILE.geojson\""],
            ),
            (
                "[layers]\nfp = 3\n[[rule]]\nvalidate = \"fp\"\n",
                &["layer \"fp\" is an integer 3: give its path"],
            ),
            (
                "[layers]\nfp = \"fp.geojson\"\n[weights]\npop = { column = \"people\" }\n\
                 [[rule]]\nvalidate = \"fp\"\n",
                &["weights \"pop\" needs path = \"FILE.csv\""],
            ),
            (
                "[layers]\nfp = { path = \"fp.geojson\", crs = \"EPSG:9\" }\n\
                 [[rule]]\nvalidate = \"fp\"\n",
                &["rules.toml:2: layer \"fp\": crs \"EPSG:9\": unknown CRS"],
            ),
            (
                "[layers]\nfp = { path = \"fp.geojson\", code = 7 }\n[[rule]]\nvalidate = \"fp\"\n",
                &["layer \"fp\": code: invalid type: integer `7`, expected a string"],
            ),
        ];
        for (text, expected) in cases {
            assert_file_error(text, expected);
        }
    }

    #[test]
    fn top_level_mistakes() {
        let cases: &[(&str, &[&str])] = &[
            (
                "tolerence = \"auto\"\n[layers]\nfp = \"fp.geojson\"\n[[rule]]\nvalidate = \"fp\"\n",
                &[
                    "rules.toml:1: unknown top-level key `tolerence`: did you mean `tolerance`? \
                     The top level takes tolerance, [layers], [weights], [flows] and [[rule]] tables",
                ],
            ),
            (
                "[layers]\nfp = \"fp.geojson\"\n[[rules]]\nvalidate = \"fp\"\n",
                &["unknown top-level key `rules`: did you mean `rule`?"],
            ),
            (
                "[layers]\nfp = \"fp.geojson\"\n[rule]\nvalidate = \"fp\"\n",
                &["rules.toml:3: [rule] is one table; write [[rule]]"],
            ),
            ("[layers]\n", &["rules.toml: no rules: add [[rule]] tables"]),
            (
                "not toml at all [",
                &["rules.toml is not a valid rules file", "TOML parse error at line 1"],
            ),
            (
                "tolerance = 230\n[layers]\nfp = \"fp.geojson\"\n[[rule]]\nvalidate = \"fp\"\n",
                &["not a valid rules file", "line 1", "expected a string"],
            ),
            (
                "tolerance = \"fast\"\n[layers]\nfp = \"fp.geojson\"\n[[rule]]\nvalidate = \"fp\"\n",
                &["rules.toml:1: tolerance: invalid tolerance \"fast\": use auto"],
            ),
        ];
        for (text, expected) in cases {
            assert_file_error(text, expected);
        }
    }

    #[test]
    fn a_rule_has_exactly_one_kind() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[[rule]]\nvalidate = \"fp\"\nspanning = \"fp\"\n",
                &[
                    "rules.toml:8: rule 1 must have exactly one of validate, coterminous, \
                     mapped, spanning, nesting, unchanged (it has validate, spanning)",
                ],
            ),
            (
                "[[rule]]\nname = \"x\"\nunits = \"fp\"\n",
                &[
                    "rule 1 (\"x\") must have exactly one of",
                    "(it has none); add one",
                ],
            ),
            (
                "[[rule]]\ncoterminus = \"fp\"\nunits = \"units\"\n",
                &["(it has none); did you mean `coterminous` for `coterminus`?"],
            ),
        ];
        for (body, expected) in cases {
            assert_error(body, expected);
        }
    }

    #[test]
    fn names_must_be_defined() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[[rule]]\nvalidate = \"footprints\"\n",
                &[
                    "rules.toml:9: rule 1: validate = \"footprints\" names a layer which \
                     [layers] does not define (it has: fp, providers, units)",
                ],
            ),
            (
                "[[rule]]\nvalidate = \"fp\"\nextent = \"unit\"\n",
                &["extent = \"unit\" names a layer", "did you mean \"units\"?"],
            ),
            (
                "[[rule]]\ncoterminous = \"fp\"\nunits = \"councils\"\n",
                &["units = \"councils\" names a layer"],
            ),
            (
                "[[rule]]\nmapped = \"units\"\nfootprints = \"plans\"\n",
                &["footprints = \"plans\" names a layer"],
            ),
            (
                "[[rule]]\nspanning = \"trusts\"\nplans = \"fp\"\nmax_plans = 2\n",
                &["spanning = \"trusts\" names a layer"],
            ),
            (
                "[[rule]]\nspanning = \"providers\"\nplans = \"stps\"\nmax_plans = 2\n",
                &["plans = \"stps\" names a layer"],
            ),
            (
                "[[rule]]\ncoterminous = \"fp\"\nunits = \"units\"\nweights = \"population\"\n",
                &[
                    "rules.toml:11: rule 1: weights = \"population\" names weights which \
                     [weights] does not define (it has: hh, pop)",
                ],
            ),
        ];
        for (body, expected) in cases {
            assert_error(body, expected);
        }
    }

    #[test]
    fn required_keys_numbers_and_tolerances() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[[rule]]\ncoterminous = \"fp\"\n",
                &["rules.toml:9: rule 1: a coterminous rule needs units = \"LAYER\""],
            ),
            (
                "[[rule]]\nspanning = \"providers\"\nmax_plans = 2\n",
                &["a spanning rule needs plans = \"LAYER\""],
            ),
            (
                "[[rule]]\nnesting = \"units\"\n",
                &["rules.toml:9: rule 1: a nesting rule needs in = \"LAYER\""],
            ),
            (
                "[[rule]]\nspanning = \"providers\"\nplans = \"fp\"\n",
                &["a spanning rule needs max_plans = N"],
            ),
            (
                "[[rule]]\nmapped = \"units\"\n",
                &["a mapped rule needs either mapping = \"FILE.csv\" or footprints = \"LAYER\""],
            ),
            (
                "[[rule]]\nmapped = \"units\"\nmapping = \"m.csv\"\nfootprints = \"fp\"\n",
                &["not both"],
            ),
            (
                "[[rule]]\nmapped = \"units\"\nfootprints = \"fp\"\ncolumns = \"a,b\"\n",
                &["rules.toml:11: rule 1: columns names the columns of a mapping file"],
            ),
            (
                "[[rule]]\ncoterminous = \"fp\"\nunits = \"units\"\nmax_split_share = 1.5\n",
                &["rules.toml:11: rule 1: max_split_share 1.5 is not a fraction 0..1"],
            ),
            (
                "[[rule]]\ncoterminous = \"fp\"\nunits = \"units\"\nmax_split_share = nan\n",
                &["max_split_share NaN is not a fraction 0..1"],
            ),
            (
                "[[rule]]\nspanning = \"providers\"\nplans = \"fp\"\nmax_plans = 2\nmin_share = -0.1\n",
                &["min_share -0.1 is not a fraction 0..1"],
            ),
            (
                "[[rule]]\nspanning = \"providers\"\nplans = \"fp\"\nmax_plans = \"two\"\n",
                &[
                    "rules.toml:11: rule 1: max_plans: invalid type: string \"two\", expected a \
                     whole number, 0 or more\n  11 | max_plans = \"two\"",
                ],
            ),
            (
                "[[rule]]\ncoterminous = \"fp\"\nunits = \"units\"\nmax_split_units = -1\n",
                &["max_split_units: invalid value: integer `-1`, expected a whole number"],
            ),
            (
                "[[rule]]\nvalidate = \"fp\"\nstrict = \"yes\"\n",
                &["rules.toml:10: rule 1: strict: invalid type: string \"yes\", expected a boolean"],
            ),
            (
                "[[rule]]\nvalidate = 3\n",
                &["rule 1: validate: invalid type: integer `3`, expected a string"],
            ),
            (
                "[[rule]]\nname = 5\nvalidate = \"fp\"\n",
                &["rule 1: name: invalid type: integer `5`"],
            ),
            (
                "[[rule]]\nvalidate = \"fp\"\ntolerance = \"-3m\"\n",
                &["rules.toml:10: rule 1: invalid tolerance \"-3m\": use auto"],
            ),
        ];
        for (body, expected) in cases {
            assert_error(body, expected);
        }
        // An integer share is a number.
        assert!(parse_rules(
            "[[rule]]\ncoterminous = \"fp\"\nunits = \"units\"\nmax_split_share = 1\n"
        )
        .is_ok());
    }

    #[test]
    fn paths_are_relative_to_the_rules_file_and_unused_layers_are_dropped() {
        let rules = parse_rules(&rule(&["spanning", "plans", "max_plans"])).unwrap();
        let layers: Vec<(&str, &Path)> = rules
            .layers
            .iter()
            .map(|l| (l.name.as_str(), l.path.as_path()))
            .collect();
        assert_eq!(
            layers,
            [
                ("fp", Path::new("base/fp.geojson")),
                ("providers", Path::new("/abs/providers.geojson"))
            ]
        );
        assert_eq!(rules.weights["pop"].path, Path::new("base/pop.csv"));
        assert_eq!(rules.weights["pop"].column, "people");
        assert_eq!(rules.weights["hh"].column, "population");
        assert_eq!(rules.path, Path::new("rules.toml"));

        let rules = parse_rules(&rule(&["validate", "extent"])).unwrap();
        let units = &rules.layers[rules.layer("units")];
        assert_eq!(units.options.code_field.as_deref(), Some("C"));
        assert_eq!(units.options.name_field.as_deref(), Some("N"));
        assert!(units.options.crs.is_some());
    }

    #[test]
    fn the_demo_rules_file_parses() {
        let text = include_str!("../../data/demo/rules.toml");
        let rules = parse(text, Path::new("data/demo"), "data/demo/rules.toml").unwrap();
        let kinds: Vec<&str> = rules.rules.iter().map(|r| r.check.kind()).collect();
        assert_eq!(
            kinds,
            ["validate", "coterminous", "mapped", "mapped", "spanning"]
        );
        let layers: Vec<&str> = rules.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(layers, ["ccgs", "councils", "footprints", "trusts"]);
        let councils = &rules.layers[rules.layer("councils")];
        assert_eq!(councils.path, Path::new("data/demo/councils.geojson"));
        assert_eq!(councils.options.code_field.as_deref(), Some("LADCD"));
        assert_eq!(councils.options.name_field.as_deref(), Some("LADNM"));
        assert!(matches!(
            &rules.rules[1].check,
            Check::Coterminous { max_split_share: Some(s), weights: Some(w), .. }
                if *s == 0.05 && w == "population"
        ));
        assert!(matches!(
            &rules.rules[2].check,
            Check::MappedByFile { mapping, .. } if mapping == Path::new("data/demo/ccg_footprints.csv")
        ));
        assert_eq!(
            rules.rules[4].name,
            "No trust serves more than two footprints"
        );
    }

    #[test]
    fn misspellings_are_near() {
        assert_eq!(edit_distance("cod", "code"), 1);
        assert_eq!(edit_distance("colum", "column"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(closest("Code", &["path", "code"]), Some("code"));
        assert_eq!(closest("units", &["plans", "name"]), None);
    }
}
