//! One file per subcommand, each with `run(args) -> Result<Outcome>`.

pub mod build;
pub mod check;
pub mod completions;
pub mod coterminosity;
pub mod inspect;
pub mod man;
pub mod map;
pub mod overlaps;
pub mod spanning;
pub mod validate;

use std::path::Path;

use anyhow::{bail, Result};

use crate::analysis::overlay::{overlay, Overlay};
use crate::analysis::tolerance::{self, Tolerance, ToleranceArg};
use crate::analysis::weights::{self, PairWeights, Points};
use crate::cli::{AnalysisArgs, Command, LayerArgs, OutputArgs};
use crate::layer::{self, Crs, Layer, LoadOptions};
use crate::report::Destination;

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
        Command::Validate(args) => validate::run(args),
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Map(args) => map::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
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
    Ok(out)
}

/// Load several layers in parallel (they are independent).
pub fn load_layers(paths: &[&Path], options: &[LoadOptions], quiet: bool) -> Result<Vec<Layer>> {
    crate::progress::enable(!quiet);
    let results: Vec<Result<Layer>> = std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .zip(options)
            .map(|(p, o)| s.spawn(move || layer::load(p, o).map_err(anyhow::Error::from)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("loading a layer failed unexpectedly")))
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
                eprintln!("warning: {}: {w}", layer.display_name());
            }
        }
    }
    Ok(layers)
}

/// Everything an analysis command needs before the geometry work: checked arguments,
/// loaded layers, tolerance and weights.
pub struct Prepared {
    pub layers: Vec<Layer>,
    pub tolerance: Tolerance,
    pub weights: Option<Points>,
    /// Warnings about the analysis (not about one layer's content).
    pub warnings: Vec<String>,
}

/// Validate arguments, then load layers and weights, decide the tolerance, and warn.
pub fn prepare(
    paths: &[&Path],
    roles: &[&str],
    layer_args: &LayerArgs,
    analysis: &AnalysisArgs,
    output: &OutputArgs,
) -> Result<Prepared> {
    let options = layer_options(layer_args, roles)?;
    Destination {
        path: output.output.clone(),
    }
    .check_writable()?;
    let layers = load_layers(paths, &options, output.quiet)?;
    for (layer, role) in layers.iter().zip(roles) {
        if layer.features.is_empty() {
            let summary = crate::analysis::LayerSummary::new(role, layer);
            bail!(
                "{}: no polygon features to analyse ({})\n  hint: the {role} layer must hold \
                 Polygon or MultiPolygon features; see the warnings above, or run `footprint \
                 inspect {}`",
                layer.display_name(),
                summary.counts(),
                layer.display_name()
            );
        }
    }
    let weights = match &analysis.weights {
        Some(path) => Some(crate::input::weights::load(path, &analysis.weight_column)?),
        None => None,
    };
    let refs: Vec<&Layer> = layers.iter().collect();
    let (tolerance, mut warnings) = tolerance::resolve(analysis.tolerance, &refs);
    warnings.extend(extent_warnings(&refs));
    if let Some(w) = &weights {
        warnings.extend(w.notes.iter().cloned());
    }
    if !output.quiet {
        if analysis.tolerance == ToleranceArg::Auto {
            eprintln!("tolerance: {tolerance}");
        }
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(Prepared {
        layers,
        tolerance,
        weights,
        warnings,
    })
}

/// Overlay the first prepared layer with the second, with weighted shares when there are
/// weights: the common step of every two-layer analysis.
pub fn overlay_layers(prepared: &Prepared, keep_pieces: bool) -> (Overlay, Option<PairWeights>) {
    overlay_pair(prepared, 0, 1, keep_pieces)
}

/// Overlay prepared layer `a` with prepared layer `b` (positions in `prepared.layers`), with
/// weighted shares when there are weights.
pub fn overlay_pair(
    prepared: &Prepared,
    a: usize,
    b: usize,
    keep_pieces: bool,
) -> (Overlay, Option<PairWeights>) {
    let (a, b) = (&prepared.layers[a], &prepared.layers[b]);
    let result = overlay(
        &a.features,
        &b.features,
        prepared.tolerance.metres,
        keep_pieces,
    );
    let weights = prepared
        .weights
        .as_ref()
        .map(|w| weights::pair_weights(w, &a.features, &b.features, &result));
    (result, weights)
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

/// The report context shared by the analyses.
pub fn context(
    prepared: &Prepared,
    roles: &[&str],
    overlay: &crate::analysis::overlay::Overlay,
) -> crate::analysis::Context {
    use crate::analysis::{Context, LayerSummary};
    Context {
        layers: prepared
            .layers
            .iter()
            .zip(roles)
            .map(|(l, r)| LayerSummary::new(r, l))
            .collect(),
        tolerance_m: prepared.tolerance.metres,
        tolerance_source: prepared.tolerance.source.clone(),
        weights_file: prepared
            .weights
            .as_ref()
            .map(|w| w.path.display().to_string()),
        weight_column: prepared.weights.as_ref().and_then(|w| w.column.clone()),
        noise_pairs_dropped: overlay.dropped.pairs,
        noise_km2_dropped: crate::report::round6(overlay.dropped.area_m2 / 1e6),
        warnings: prepared.warnings.clone(),
    }
}

static LEAVE_TO_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called by the `footprint` binary, which exits right after a command: from then on
/// [`dispose`] leaves large structures for the operating system to reclaim at exit instead of
/// freeing them one by one (about 40 ms for LSOA11 densified x16: 70,000 buffers). Library
/// callers never call this, so nothing leaks for them.
pub fn leave_memory_to_exit() {
    LEAVE_TO_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Drop `value`, or in the binary leave it to the process's exit (see
/// [`leave_memory_to_exit`]).
pub fn dispose<T>(value: T) {
    if LEAVE_TO_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
    } else {
        drop(value);
    }
}

/// Write CSV rows (all cells already text), one by one as they come.
pub fn write_csv<R>(
    w: &mut dyn std::io::Write,
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<()>
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(headers)?;
    for r in rows {
        csv.write_record(r)?;
    }
    csv.flush()?;
    Ok(())
}

/// A number for CSV/table cells; empty for "no value".
pub fn num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// How numbers look in a row: full precision for CSV, three decimals for tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Csv,
    Table,
}

impl Style {
    pub fn num(self, v: f64) -> String {
        match self {
            Style::Csv => v.to_string(),
            Style::Table => crate::report::fixed(v, 3),
        }
    }

    pub fn opt(self, v: Option<f64>) -> String {
        match (self, v) {
            (_, Some(v)) => self.num(v),
            (Style::Csv, None) => String::new(),
            (Style::Table, None) => "-".to_string(),
        }
    }
}

/// The heading lines of a table report: tolerance, features read/analysed/skipped per layer,
/// and noise removed.
pub fn table_heading(ctx: &crate::analysis::Context) -> String {
    let mut s = format!(
        "tolerance: {} m ({})\n",
        ctx.tolerance_m, ctx.tolerance_source
    );
    for l in &ctx.layers {
        s.push_str(&l.accounting());
        s.push('\n');
    }
    if ctx.noise_pairs_dropped > 0 {
        s.push_str(&format!(
            "noise removed: {} pair{} overlapping only by slivers narrower than the tolerance ({:.3} km² in all)\n",
            ctx.noise_pairs_dropped,
            crate::layer::plural(ctx.noise_pairs_dropped),
            ctx.noise_km2_dropped
        ));
    }
    for w in &ctx.warnings {
        if w.starts_with("footprints overlap") {
            s.push_str(&format!("note: {w}\n"));
        }
    }
    if let Some(w) = &ctx.weights_file {
        s.push_str(&format!(
            "weights: {} ({})\n",
            w,
            ctx.weight_column
                .as_deref()
                .unwrap_or("each point weighs 1")
        ));
    }
    s
}
