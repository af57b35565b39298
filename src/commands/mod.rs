//! One file per subcommand, each a short `run(args) -> Result<Outcome>`: check arguments and
//! outputs, load, analyse, decide (the analysis's own verdict), emit. Rendering lives in
//! `footprint::report`, decisions in `footprint::analysis`.

pub mod build;
pub mod changes;
pub mod check;
pub mod completions;
pub mod coterminosity;
pub mod inspect;
pub mod man;
pub mod map;
pub mod matrix;
pub mod overlaps;
pub mod spanning;
pub mod validate;

use std::path::Path;

use anyhow::{bail, Result};

use crate::cli::{AnalysisArgs, Command, GpkgArgs, LayerArgs, OutputArgs};
use footprint::analysis::overlay::{overlay, Overlay};
use footprint::analysis::tolerance::{self, Tolerance, ToleranceArg};
use footprint::analysis::weights::{self, PairWeights, Points};
use footprint::analysis::{Context, LayerSummary, Verdict, Warning};
use footprint::diag;
use footprint::layer::{self, Crs, Feature, Layer, LoadOptions};
use footprint::output::{self, Input, Output};
use footprint::report::polygon_out::PolygonOutput;
use footprint::report::Emit;

/// The polygon layer a command was asked to write (`flag` names the option, for messages):
/// its format from the name, its coordinates from --gpkg-crs, which without a layer to
/// write is refused rather than ignored.
pub fn polygon_output(
    path: Option<&Path>,
    gpkg: &GpkgArgs,
    flag: &str,
) -> Result<Option<PolygonOutput>> {
    let crs = gpkg.gpkg_crs.map(Into::into).unwrap_or_default();
    match path {
        Some(p) => Ok(Some(PolygonOutput::new(p, crs, flag)?)),
        None if gpkg.gpkg_crs.is_some() => bail!(
            "--gpkg-crs sets the coordinates of a GeoPackage that {flag} writes, and there is no \
             {flag}; add {flag} OUT.gpkg, or leave out --gpkg-crs"
        ),
        None => Ok(None),
    }
}

/// How a command ended when it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing failed a check: exit 0.
    Clean,
    /// A check failed: exit 1.
    Findings,
}

pub fn run(command: Command) -> Result<Outcome> {
    match command {
        Command::Inspect(args) => inspect::run(args),
        Command::Overlaps(args) => overlaps::run(args),
        Command::Coterminosity(args) => coterminosity::run(args),
        Command::Spanning(args) => spanning::run(args),
        Command::Changes(args) => changes::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Map(args) => map::run(args),
        Command::Matrix(args) => matrix::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// The outcome of a verdict (None: the command was asked for no check). A failed verdict is
/// said on standard error too, so that a script's log shows why it exited 1.
pub fn outcome(verdict: Option<Verdict>, quiet: bool) -> Outcome {
    match verdict {
        Some(v) if !v.passed => {
            if !quiet {
                diag::line(format_args!("check failed: {}", v.summary));
            }
            Outcome::Findings
        }
        _ => Outcome::Clean,
    }
}

/// The format asked for, else the one `-o`'s extension names (.csv, .json, .xlsx), else a
/// table.
pub fn format_for(
    asked: Option<crate::cli::Format>,
    output: Option<&Path>,
) -> footprint::report::Format {
    use footprint::report;
    if let Some(f) = asked {
        return f.into();
    }
    let ext = output
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv") => report::Format::Csv,
        Some("json") => report::Format::Json,
        Some("xlsx") => report::Format::Xlsx,
        _ => report::Format::Table,
    }
}

/// How the report is emitted, from the output flags.
pub fn emit_how(output: &OutputArgs) -> Emit {
    Emit {
        format: format_for(output.format, output.output.as_deref()),
        spreadsheet_safe: !output.raw_csv,
    }
}

/// Per-layer load options from `--code/--name/--crs [ROLE=]VALUE`, in the order of `roles`.
pub fn layer_options(args: &LayerArgs, roles: &[&str]) -> Result<Vec<LoadOptions>> {
    let mut out = vec![LoadOptions::default(); roles.len()];
    let mut assign = |flag: &str,
                      values: &[String],
                      set: &mut dyn FnMut(&mut LoadOptions, &str) -> Result<()>|
     -> Result<()> {
        let mut seen = vec![false; roles.len()];
        for v in values {
            let (targets, value): (Vec<usize>, &str) = match v.split_once('=') {
                Some((role, value)) if !role.is_empty() => {
                    let Some(i) = roles.iter().position(|r| r.eq_ignore_ascii_case(role)) else {
                        bail!(
                            "--{flag} {v}: no layer called {role:?} here; this command's layers are: {}",
                            roles.join(", ")
                        );
                    };
                    (vec![i], value)
                }
                _ => ((0..roles.len()).collect(), v.as_str()),
            };
            if value.is_empty() {
                bail!("--{flag} {v}: give a value, as --{flag} ROLE=VALUE");
            }
            for i in targets {
                if seen[i] {
                    bail!("--{flag} is given twice for the {} layer", roles[i]);
                }
                seen[i] = true;
                set(&mut out[i], value)?;
            }
        }
        Ok(())
    };
    assign("code", &args.code, &mut |o, v| {
        o.code_field = Some(v.to_string());
        Ok(())
    })?;
    assign("name", &args.name, &mut |o, v| {
        o.name_field = Some(v.to_string());
        Ok(())
    })?;
    assign("crs", &args.crs, &mut |o, v| {
        o.crs = Some(
            v.parse::<Crs>()
                .map_err(|e| anyhow::anyhow!("--crs {v}: {e}"))?,
        );
        Ok(())
    })?;
    for spec in &args.filters {
        let (targets, filter) = where_filter(spec, roles)?;
        for i in targets {
            out[i].filters.push(filter.clone());
        }
    }
    Ok(out)
}

/// `--where [ROLE:]FIELD=PATTERN`: the layers (positions in `roles`) it filters, and how.
fn where_filter(spec: &str, roles: &[&str]) -> Result<(Vec<usize>, layer::filter::Filter)> {
    let (role, rest) = match spec.split_once(':') {
        Some((role, rest)) if !role.contains('=') => (Some(role.trim()), rest),
        _ => (None, spec),
    };
    let targets = match role {
        Some(role) => match roles.iter().position(|r| r.eq_ignore_ascii_case(role)) {
            Some(i) => vec![i],
            None => bail!(
                "--where {spec}: no layer called {role:?} here; this command's layers are: {}",
                roles.join(", ")
            ),
        },
        None => (0..roles.len()).collect(),
    };
    let mut filter: layer::filter::Filter = rest
        .parse()
        .map_err(|e| anyhow::anyhow!("--where {spec}: {e}; the form is [ROLE:]FIELD=PATTERN"))?;
    filter.every_layer = role.is_none() && roles.len() > 1;
    Ok((targets, filter))
}

/// `kept 309 of 374 features of units by LTLA21CD=E*`, for each layer `--where` filtered.
pub fn filter_notes(layers: &[Layer], roles: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (layer, role) in layers.iter().zip(roles) {
        for l in &layer.left_out {
            out.push(format!(
                "kept {} of {} features of {role} ({}) by {}",
                layer.input_count - l.count,
                layer.input_count,
                layer.display_name(),
                l.reason
            ));
        }
    }
    out
}

/// Load several layers in parallel (they are independent).
pub fn load_layers(paths: &[&Path], options: &[LoadOptions], quiet: bool) -> Result<Vec<Layer>> {
    footprint::progress::enable(!quiet);
    // A layer that gets no thread of its own (none may be started) loads on this one.
    enum Loading<'s> {
        Thread(std::thread::ScopedJoinHandle<'s, Result<Layer>>),
        Done(Box<Result<Layer>>),
    }
    let results: Vec<Result<Layer>> = std::thread::scope(|s| {
        let loading: Vec<Loading> = paths
            .iter()
            .zip(options)
            .map(|(p, o)| {
                let load = move || layer::load(p, o).map_err(anyhow::Error::from);
                if footprint::one_thread() {
                    return Loading::Done(Box::new(load()));
                }
                match std::thread::Builder::new().spawn_scoped(s, load) {
                    Ok(h) => Loading::Thread(h),
                    Err(_) => Loading::Done(Box::new(load())),
                }
            })
            .collect();
        loading
            .into_iter()
            .map(|l| match l {
                Loading::Thread(h) => h.join().unwrap_or_else(|_| {
                    Err(anyhow::anyhow!("loading a layer failed unexpectedly"))
                }),
                Loading::Done(loaded) => *loaded,
            })
            .collect()
    });
    let mut layers = Vec::with_capacity(results.len());
    for r in results {
        layers.push(r?);
    }
    if !quiet {
        for layer in &layers {
            for w in layer.warnings() {
                diag::warn(format_args!("{}: {w}", layer.display_name()));
            }
        }
    }
    Ok(layers)
}

/// Everything an analysis command needs before the geometry work: checked arguments,
/// loaded layers, tolerance and weights.
pub struct Prepared {
    pub layers: Vec<Layer>,
    pub roles: Vec<&'static str>,
    pub tolerance: Tolerance,
    pub weights: Option<Points>,
    /// Warnings about the analysis (not about one layer's content).
    pub warnings: Vec<Warning>,
    /// Whether warnings go unsaid on standard error.
    pub quiet: bool,
    /// Warnings `context` has said on standard error, so that two overlays with a layer in
    /// common (`map`) say each once.
    said: std::cell::RefCell<Vec<String>>,
}

/// Check arguments and outputs (before any work: no output may be an input), then load
/// layers and weights, decide the tolerance, and warn.
pub fn prepare(
    paths: &[&Path],
    roles: &[&'static str],
    layer_args: &LayerArgs,
    analysis: &AnalysisArgs,
    quiet: bool,
    outputs: &[&Output],
) -> Result<Prepared> {
    let options = layer_options(layer_args, roles)?;
    let named: Vec<String> = roles
        .iter()
        .map(|r| match *r {
            "layer" => "layer".to_string(),
            r => format!("{r} layer"),
        })
        .collect();
    let mut inputs: Vec<Input> = paths
        .iter()
        .zip(&named)
        .map(|(path, role)| Input { path, role })
        .collect();
    if let Some(w) = &analysis.weights {
        inputs.push(Input {
            path: w,
            role: "weights",
        });
    }
    output::preflight(outputs, &inputs)?;
    let layers = load_layers(paths, &options, quiet)?;
    for (layer, role) in layers.iter().zip(roles) {
        require_polygons(layer, role)?;
    }
    let weights = match &analysis.weights {
        Some(path) => Some(footprint::input::weights::load(
            path,
            &analysis.weight_column,
        )?),
        None => None,
    };
    let refs: Vec<&Layer> = layers.iter().collect();
    let (tolerance, notes) = tolerance::resolve(analysis.tolerance, &refs);
    let mut warnings: Vec<Warning> = notes.into_iter().map(Warning::Note).collect();
    warnings.extend(extent_warnings(&refs).into_iter().map(Warning::Note));
    // `changes` compares two editions on purpose: no warning that they are two.
    if roles != ["old", "new"] {
        warnings.extend(edition_warnings(&layers).into_iter().map(Warning::Note));
    }
    if let Some(w) = &weights {
        warnings.extend(w.notes.iter().cloned().map(Warning::Note));
    }
    let filtered = filter_notes(&layers, roles);
    if !quiet {
        if analysis.tolerance == ToleranceArg::Auto {
            diag::line(format_args!("tolerance: {tolerance}"));
        }
        for w in &warnings {
            diag::warn(w);
        }
        for n in &filtered {
            diag::line(format_args!("note: {n}"));
        }
    }
    warnings.extend(filtered.into_iter().map(Warning::Note));
    Ok(Prepared {
        layers,
        roles: roles.to_vec(),
        tolerance,
        weights,
        warnings,
        quiet,
        said: Default::default(),
    })
}

/// Refuse a layer with nothing to analyse, saying why.
fn require_polygons(layer: &Layer, role: &str) -> Result<()> {
    // Every feature left out by --where (none skipped): the pattern is the thing to check.
    if layer.features.is_empty()
        && layer.skipped.is_empty()
        && layer.left_out.iter().any(|l| l.count > 0)
    {
        let summary = LayerSummary::new(role, layer);
        bail!(
            "{}: --where left no feature of the {role} layer to analyse ({})\n  hint: check \
             the pattern against the values (`footprint inspect {}` shows the fields; \
             patterns are globs such as E*, or lists such as E06000001,E06000002)",
            layer.display_name(),
            summary.counts(),
            layer.display_name()
        );
    }
    if layer.features.is_empty() {
        let summary = LayerSummary::new(role, layer);
        bail!(
            "{}: no polygon features to analyse ({})\n  hint: the {role} layer must hold \
             Polygon or MultiPolygon features; see the warnings above, or run `footprint \
             inspect {}`",
            layer.display_name(),
            summary.counts(),
            layer.display_name()
        );
    }
    Ok(())
}

impl Prepared {
    /// Overlay prepared layer `a` with prepared layer `b` (positions in `layers`), with
    /// weighted shares when there are weights: the common step of every two-layer analysis.
    /// A pair the geometry kernel failed on is an error naming both features (exit 2).
    pub fn overlay(
        &self,
        a: usize,
        b: usize,
        keep_pieces: bool,
    ) -> Result<(Overlay, Option<PairWeights>)> {
        let (a, b) = (&self.layers[a], &self.layers[b]);
        self.overlay_features(
            (&a.display_name(), &a.features),
            (&b.display_name(), &b.features),
            keep_pieces,
        )
    }

    /// [`Prepared::overlay`] of some features of two layers (named for errors).
    pub fn overlay_features(
        &self,
        a: (&str, &[Feature]),
        b: (&str, &[Feature]),
        keep_pieces: bool,
    ) -> Result<(Overlay, Option<PairWeights>)> {
        let result = overlay(a.1, b.1, self.tolerance.metres, keep_pieces);
        if !result.failed.is_empty() {
            return Err(footprint::error::KernelError::pairs_of(a, b, &result.failed).into());
        }
        let weights = self
            .weights
            .as_ref()
            .map(|w| weights::pair_weights(w, a.1, b.1, &result));
        Ok((result, weights))
    }

    /// The report context: layers by role, tolerance, weights, noise dropped by `overlay`;
    /// its warnings are `prepare`'s and, said here, those about weight points outside
    /// layer `a` or `b` of the overlay (positions in `layers`).
    pub fn context(
        &self,
        overlay: &Overlay,
        weights: Option<&PairWeights>,
        a: usize,
        b: usize,
    ) -> Context {
        let mut warnings = self.warnings.clone();
        let (a, b) = (self.layers[a].display_name(), self.layers[b].display_name());
        let weights_outside = weights.map(|w| w.outside(&a, &b)).unwrap_or_default();
        if let Some(w) = weights {
            let notes = w.notes(&a, &b);
            let mut said = self.said.borrow_mut();
            for n in notes {
                if !self.quiet && !said.contains(&n) {
                    diag::warn(&n);
                    said.push(n.clone());
                }
                warnings.push(Warning::Note(n));
            }
        }
        Context {
            layers: self
                .layers
                .iter()
                .zip(&self.roles)
                .map(|(l, r)| LayerSummary::new(r, l))
                .collect(),
            tolerance_m: self.tolerance.metres,
            tolerance_source: self.tolerance.source.clone(),
            weights_file: self.weights.as_ref().map(|w| w.path.display().to_string()),
            weight_column: self.weights.as_ref().and_then(|w| w.column.clone()),
            weights_outside,
            noise_pairs_dropped: overlay.dropped.pairs,
            noise_km2_dropped: overlay.dropped.area_m2 / 1e6,
            warnings,
            scope: None,
        }
    }
}

/// Limit a coterminosity report to the footprints' country (see `analysis::scope`), unless
/// `all_countries`; without a scope, a note when it would have mattered.
pub fn apply_scope(
    report: &mut footprint::analysis::coterminosity::CoterminosityReport,
    units: &Layer,
    footprints: &Layer,
    all_countries: bool,
) {
    use footprint::analysis::scope;
    if all_countries {
        return;
    }
    match scope::Scope::decide("footprints", &footprints.features) {
        Some(s) => scope::coterminosity(report, s),
        None => {
            let note = scope::unscoped_note(report, &units.code_field);
            report.context.warnings.extend(note)
        }
    }
}

/// Layers whose code fields look like two editions of one geography (LTLA19CD, LTLA21CD).
pub fn edition_warnings(layers: &[Layer]) -> Vec<String> {
    let fields: Vec<(String, &str)> = layers
        .iter()
        .map(|l| (l.display_name(), l.code_field.as_str()))
        .collect();
    footprint::gss::edition_warnings(&fields)
}

/// Warn before the expensive step when layers do not meet at all.
fn extent_warnings(layers: &[&Layer]) -> Vec<String> {
    use geo::Intersects;
    let boxes: Vec<Option<geo::Rect<f64>>> = layers.iter().map(|l| l.bbox()).collect();
    let mut out = Vec::new();
    for i in 0..layers.len() {
        for j in i + 1..layers.len() {
            if let (Some(a), Some(b)) = (boxes[i], boxes[j]) {
                if !a.intersects(&b) {
                    out.push(format!(
                        "{} and {} do not overlap at all: check that both are in the coordinate \
                         system they claim (see `footprint inspect`)",
                        layers[i].display_name(),
                        layers[j].display_name()
                    ));
                }
            }
        }
    }
    out
}
