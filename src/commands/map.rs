//! `footprint map FOOTPRINTS --units UNITS [--providers P] -o report.html`: the coterminosity
//! (and spanning) analyses drawn as one self-contained HTML map.

use std::path::Path;

use anyhow::{bail, Result};

use super::{prepare, Outcome, Prepared};
use crate::cli::MapArgs;
use footprint::analysis::coterminosity::{self, CoterminosityReport};
use footprint::analysis::overlay::Overlay;
use footprint::analysis::spanning::{self, SpanningReport};
use footprint::analysis::weights::PairWeights;
use footprint::diag;
use footprint::layer::Feature;
use footprint::output::Output;
use footprint::report::map::{opening_extent, simplification_m, write_html, Analysed, MapReport};

/// Layers in load order: units are the overlay's first layer; providers only when given.
const ROLES: [&str; 3] = ["units", "footprints", "providers"];

pub fn run(args: MapArgs) -> Result<Outcome> {
    check_args(&args)?;
    let out = Output::new(Some(&args.output));
    let prepared = load(&args, &out)?;
    let (overlay, weights) = prepared.overlay(0, 1, true)?;
    let cot = analyse_coterminosity(&prepared, &overlay, weights.as_ref(), &args);
    let span = analyse_spanning(&prepared, args.min_share)?;
    let Some(extent) = opening_extent(&prepared.layers[0], &prepared.layers[1..]) else {
        bail!("nothing to draw: the layers have no polygon features");
    };
    let simplify_m = simplification_m(args.simplify, &extent);
    let analysed = Analysed {
        units: &prepared.layers[0].features,
        footprints: &prepared.layers[1].features,
        overlay: &overlay,
        coterminosity: cot,
        spanning: span,
        with_weights: weights.is_some(),
    };
    let report = MapReport::build(title(&args), extent, simplify_m, analysed);
    out.write(|w| write_html(&report, w))?;
    if !args.quiet {
        say_written(&args.output, simplify_m);
    }
    footprint::dispose((prepared, overlay, weights, report));
    Ok(Outcome::Clean)
}

fn check_args(args: &MapArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.min_share) {
        bail!(
            "--min-share {} is not a fraction between 0 and 1 (5% is 0.05)",
            args.min_share
        );
    }
    Ok(())
}

/// Check the output and load the layers: units, footprints, then any providers.
fn load(args: &MapArgs, out: &Output) -> Result<Prepared> {
    let mut paths = vec![args.units.as_path(), args.footprints.as_path()];
    paths.extend(args.providers.as_deref());
    prepare(
        &paths,
        &ROLES[..paths.len()],
        &args.layer_args,
        &args.analysis,
        args.quiet,
        &[out],
    )
}

/// Units against footprints, limited to the footprints' country, warning of what the analysis
/// found beyond `prepare`'s warnings.
fn analyse_coterminosity(
    prepared: &Prepared,
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    args: &MapArgs,
) -> CoterminosityReport {
    let context = prepared.context(overlay, weights, 0, 1);
    let said = context.warnings.len();
    let mut report = coterminosity::analyse(
        &prepared.layers[0].features,
        &prepared.layers[1].features,
        overlay,
        weights,
        context,
    );
    let (units, footprints) = (&prepared.layers[0], &prepared.layers[1]);
    super::apply_scope(&mut report, units, footprints, args.all_countries);
    if !args.quiet {
        for w in report.context.warnings.iter().skip(said) {
            diag::warn(w);
        }
    }
    report
}

/// Providers against footprints, when there are providers.
fn analyse_spanning(
    prepared: &Prepared,
    min_share: f64,
) -> Result<Option<(&[Feature], SpanningReport)>> {
    let Some(providers) = prepared.layers.get(2) else {
        return Ok(None);
    };
    let (overlay, weights) = prepared.overlay(2, 1, false)?;
    let report = spanning::analyse(
        &providers.features,
        &prepared.layers[1].features,
        &overlay,
        weights.as_ref(),
        min_share,
        prepared.context(&overlay, weights.as_ref(), 2, 1),
    );
    Ok(Some((&providers.features, report)))
}

/// `--title`, or the footprints against the units by file name.
fn title(args: &MapArgs) -> String {
    args.title.clone().unwrap_or_else(|| {
        format!(
            "{} against {}",
            file_name(&args.footprints),
            file_name(&args.units)
        )
    })
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Where the map went, its size and how far its boundaries were simplified.
fn say_written(path: &Path, simplify_m: f64) {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    diag::line(format_args!(
        "map: {} ({} KB; boundaries simplified by up to {} m for drawing)",
        path.display(),
        size.div_ceil(1024),
        simplify_m
    ));
}
