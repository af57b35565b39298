//! `footprint matrix L1 L2 ... Ln`: what nests in what.
//!
//! Each layer is loaded once (in parallel), each unordered pair overlaid once (pairs in
//! parallel), and both ordered pairs are read from that one overlay (the second from it turned
//! round, [`Overlay::transposed`]), each through the coterminosity analysis: the statuses and
//! the verdicts are coterminosity's own (see `analysis::nesting`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use rayon::prelude::*;

use super::{
    apply_scope, edition_warnings, emit_how, extent_warnings, filter_notes, layer_options,
    load_layers, outcome, require_polygons, Outcome,
};
use crate::cli::MatrixArgs;
use footprint::analysis::coterminosity::{analyse, CoterminosityReport};
use footprint::analysis::nesting::{self, MatrixReport, PairRow};
use footprint::analysis::overlay::{overlay, Overlay};
use footprint::analysis::tolerance::{self, ToleranceArg};
use footprint::analysis::weights::{self, Points};
use footprint::analysis::{Context, LayerSummary, Verdict, Warning};
use footprint::diag;
use footprint::layer::Layer;
use footprint::output::{self, Input, Output};
use footprint::report;

/// A layer of the command line: its label and path.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    label: String,
    path: PathBuf,
}

pub fn run(args: MatrixArgs) -> Result<Outcome> {
    let specs = specs(&args.layers)?;
    let labels: Vec<&str> = specs.iter().map(|s| s.label.as_str()).collect();
    let required = required(&args.require_nested, &labels)?;
    let options = layer_options(&args.layer_args, &labels)?;
    let out = Output::new(args.output.output.as_deref());
    let roles: Vec<String> = labels.iter().map(|l| format!("{l} layer")).collect();
    let mut inputs: Vec<Input> = specs
        .iter()
        .zip(&roles)
        .map(|(s, role)| Input {
            path: &s.path,
            role,
        })
        .collect();
    if let Some(w) = &args.analysis.weights {
        inputs.push(Input {
            path: w,
            role: "weights",
        });
    }
    output::preflight(&[&out], &inputs)?;
    let quiet = args.output.quiet;
    let paths: Vec<&Path> = specs.iter().map(|s| s.path.as_path()).collect();
    let layers = load_layers(&paths, &options, quiet)?;
    for (layer, label) in layers.iter().zip(&labels) {
        require_polygons(layer, label)?;
    }
    let points = match &args.analysis.weights {
        Some(path) => Some(footprint::input::weights::load(
            path,
            &args.analysis.weight_column,
        )?),
        None => None,
    };
    let refs: Vec<&Layer> = layers.iter().collect();
    let mut general: Vec<String> = extent_warnings(&refs);
    general.extend(edition_warnings(&layers));
    if let Some(p) = &points {
        general.extend(p.notes.iter().cloned());
    }
    general.extend(filter_notes(&layers, &labels));

    let unordered: Vec<(usize, usize)> = (0..layers.len())
        .flat_map(|i| (i + 1..layers.len()).map(move |j| (i, j)))
        .collect();
    // Each layer's typical width, measured once for all its pairs; only a tolerance above 0
    // is compared with it.
    let measure = args.analysis.tolerance != ToleranceArg::Metres(0.0);
    let widths: Vec<Option<f64>> = layers
        .par_iter()
        .map(|l| {
            if measure {
                tolerance::typical_width_m(l)
            } else {
                None
            }
        })
        .collect();
    let job = Job {
        layers: &layers,
        widths,
        labels: &labels,
        points: points.as_ref(),
        tolerance: args.analysis.tolerance,
        all_countries: args.all_countries,
    };
    let done: Vec<Result<Done>> = unordered.par_iter().map(|&(i, j)| job.pair(i, j)).collect();
    let mut warnings = Warnings::default();
    for w in general {
        warnings.add(w);
    }
    let mut rows: Vec<(usize, usize, PairRow)> = Vec::new();
    for d in done {
        let d = d?;
        if !quiet && args.analysis.tolerance == ToleranceArg::Auto {
            diag::line(format_args!(
                "tolerance for {} and {}: {} m ({})",
                labels[d.i], labels[d.j], d.tolerance_m, d.tolerance_source
            ));
        }
        for w in d.warnings {
            warnings.add(w);
        }
        rows.push((d.i, d.j, d.ab));
        rows.push((d.j, d.i, d.ba));
    }
    rows.sort_by_key(|(a, b, _)| (*a, *b));
    if !quiet {
        for w in &warnings.0 {
            diag::warn(w);
        }
    }
    let report = MatrixReport {
        layers: layers
            .iter()
            .zip(&labels)
            .map(|(l, label)| LayerSummary::new(label, l))
            .collect(),
        tolerance: match args.analysis.tolerance {
            ToleranceArg::Auto => {
                "auto, for each pair from its coarser layer (tolerance_m of each pair)".into()
            }
            ToleranceArg::Metres(m) => format!("{m} m (given), for every pair"),
        },
        weights_file: points.as_ref().map(|p| p.path.display().to_string()),
        weight_column: points.as_ref().and_then(|p| p.column.clone()),
        warnings: warnings.0,
        pairs: rows.into_iter().map(|(_, _, r)| r).collect(),
    };
    report::emit(&report, emit_how(&args.output), &out)?;
    let verdict = (!required.is_empty()).then(|| {
        let verdicts: Vec<Verdict> = required
            .iter()
            .map(|&(a, b)| match report.pair(labels[a], labels[b]) {
                Some(p) => named(p),
                None => Verdict {
                    passed: false,
                    summary: format!("{} in {}: not analysed", labels[a], labels[b]),
                    failures: vec![],
                },
            })
            .collect();
        all(&verdicts)
    });
    footprint::dispose((layers, report));
    Ok(outcome(verdict, quiet))
}

/// The nesting verdict of one pair, its summary naming the pair.
fn named(p: &PairRow) -> Verdict {
    Verdict {
        summary: format!("{} in {}: {}", p.a_layer, p.b_layer, p.nested.summary),
        ..p.nested.clone()
    }
}

/// Several verdicts as one: passed when all pass; the failed ones' summaries.
fn all(verdicts: &[Verdict]) -> Verdict {
    let failed: Vec<&Verdict> = verdicts.iter().filter(|v| !v.passed).collect();
    Verdict {
        passed: failed.is_empty(),
        summary: if failed.is_empty() {
            format!("{} nesting requirements met", verdicts.len())
        } else {
            failed
                .iter()
                .map(|v| v.summary.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        },
        failures: failed.iter().flat_map(|v| v.failures.clone()).collect(),
    }
}

/// Warnings, each once, in the order first said.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Warnings {
    fn add(&mut self, w: String) {
        if !self.0.contains(&w) {
            self.0.push(w);
        }
    }
}

/// What every pair shares.
struct Job<'a> {
    layers: &'a [Layer],
    /// Each layer's [`tolerance::typical_width_m`] (None when not measured).
    widths: Vec<Option<f64>>,
    labels: &'a [&'a str],
    points: Option<&'a Points>,
    tolerance: ToleranceArg,
    all_countries: bool,
}

/// One unordered pair done: both ordered rows, and what to say.
struct Done {
    i: usize,
    j: usize,
    ab: PairRow,
    ba: PairRow,
    tolerance_m: f64,
    tolerance_source: String,
    warnings: Vec<String>,
}

impl Job<'_> {
    /// Layers `i` and `j`: one overlay, both directions. The tolerance is decided for the two
    /// as `coterminosity` decides it for them.
    fn pair(&self, i: usize, j: usize) -> Result<Done> {
        let (a, b) = (&self.layers[i], &self.layers[j]);
        let tol = tolerance::choose(self.tolerance, &[a, b]);
        let notes = tolerance::warnings(&tol, &[a, b], &[self.widths[i], self.widths[j]]);
        let ov = overlay(&a.features, &b.features, tol.metres, false);
        if !ov.failed.is_empty() {
            return Err(footprint::error::KernelError::pairs(a, b, &ov.failed).into());
        }
        let back = ov.transposed();
        // The same metres the other way round; its source names the layer `coterminosity`
        // would name (the last of the coarsest, when both suggest the same).
        let tol_back = tolerance::choose(self.tolerance, &[b, a]);
        let mut warnings = notes;
        let base: Vec<Warning> = warnings.iter().cloned().map(Warning::Note).collect();
        let ab = self.direction(i, j, &ov, &tol, &base, &mut warnings);
        let ba = self.direction(j, i, &back, &tol_back, &base, &mut warnings);
        let rows = (
            nesting::pair_row(self.labels[i], self.labels[j], &ab, &ba, &back, &b.features),
            nesting::pair_row(self.labels[j], self.labels[i], &ba, &ab, &ov, &a.features),
        );
        footprint::dispose((ov, back, ab, ba));
        Ok(Done {
            i,
            j,
            ab: rows.0,
            ba: rows.1,
            tolerance_m: tol.metres,
            tolerance_source: tol.source,
            warnings,
        })
    }

    /// The coterminosity report of layer `u` (units) in layer `f` (footprints) from
    /// `overlay` (u x f), scoped as the command scopes it; its own warnings, prefixed with
    /// the pair, go to `warnings`.
    fn direction(
        &self,
        u: usize,
        f: usize,
        overlay: &Overlay,
        tol: &tolerance::Tolerance,
        base: &[Warning],
        warnings: &mut Vec<String>,
    ) -> CoterminosityReport {
        let (units, footprints) = (&self.layers[u], &self.layers[f]);
        let pw = self
            .points
            .map(|p| weights::pair_weights(p, &units.features, &footprints.features, overlay));
        let (un, fname) = (units.display_name(), footprints.display_name());
        if let Some(w) = &pw {
            warnings.extend(w.notes(&un, &fname));
        }
        let context = Context {
            layers: vec![
                LayerSummary::new(self.labels[u], units),
                LayerSummary::new(self.labels[f], footprints),
            ],
            tolerance_m: tol.metres,
            tolerance_source: tol.source.clone(),
            weights_file: self.points.map(|p| p.path.display().to_string()),
            weight_column: self.points.and_then(|p| p.column.clone()),
            weights_outside: pw
                .as_ref()
                .map(|w| w.outside(&un, &fname))
                .unwrap_or_default(),
            noise_pairs_dropped: overlay.dropped.pairs,
            noise_km2_dropped: overlay.dropped.area_m2 / 1e6,
            warnings: base.to_vec(),
            scope: None,
        };
        let mut report = analyse(
            &units.features,
            &footprints.features,
            overlay,
            pw.as_ref(),
            context,
        );
        apply_scope(&mut report, units, footprints, self.all_countries);
        for w in report.context.warnings.iter().skip(base.len()) {
            // The scope note's example filter names coterminosity's role; here it is the label.
            let w = w
                .to_string()
                .replace("--where units:", &format!("--where {}:", self.labels[u]));
            warnings.push(format!("{} in {}: {w}", self.labels[u], self.labels[f]));
        }
        report
    }
}

/// The layers as given: `PATH` (labelled by its file stem, or its layer's in a GeoPackage) or `NAME=PATH`; an argument
/// that is an existing file is a path even with `=` in it. Labels are unique (ignoring
/// case), and hold no `:` or `=` (they are the ROLE of --code, --where, --require-nested).
fn specs(args: &[String]) -> Result<Vec<Spec>> {
    if args.len() < 2 {
        bail!("matrix needs two or more layers, e.g. footprint matrix ccg21.geojson stp21.geojson");
    }
    let mut out: Vec<Spec> = Vec::new();
    for a in args {
        let (label, path) = match a.split_once('=') {
            Some((name, path)) if !Path::new(a).exists() => {
                if name.is_empty() || path.is_empty() {
                    bail!(
                        "layer {a:?}: write NAME=PATH, e.g. STP21=stp21.geojson, or just the path"
                    );
                }
                (name.to_string(), PathBuf::from(path))
            }
            _ => {
                let path = PathBuf::from(a);
                (footprint::layer::stem(&path), path)
            }
        };
        if label.is_empty() || label.contains([':', '=']) || label.trim() != label {
            bail!(
                "layer {a:?}: the label {label:?} cannot name a layer (it must be non-empty, \
                 without ':' or '=' or spaces at either end): give one as NAME=PATH"
            );
        }
        if let Some(other) = out.iter().find(|s| s.label.eq_ignore_ascii_case(&label)) {
            bail!(
                "two layers are called {label:?} ({} and {}): label one as NAME=PATH, e.g. \
                 {label}_2={}",
                other.path.display(),
                path.display(),
                path.display()
            );
        }
        out.push(Spec { label, path });
    }
    Ok(out)
}

/// `--require-nested A:B`, as positions in `labels` (matched ignoring case).
fn required(flags: &[String], labels: &[&str]) -> Result<Vec<(usize, usize)>> {
    let find = |flag: &str, name: &str| -> Result<usize> {
        labels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--require-nested {flag}: no layer called {name:?}; the layers are: {}",
                    labels.join(", ")
                )
            })
    };
    flags
        .iter()
        .map(|f| {
            let Some((a, b)) = f.split_once(':') else {
                bail!("--require-nested {f}: write A:B (layer A must nest in layer B), e.g. ccg21:stp21");
            };
            let (a, b) = (find(f, a)?, find(f, b)?);
            if a == b {
                bail!("--require-nested {f}: a layer always nests in itself; name two layers");
            }
            Ok((a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn layers_are_labelled_by_stem_or_name() {
        let s = specs(&strings(&["a/stp21.geojson", "CCG=b/ccg21.geojson"])).unwrap();
        assert_eq!(
            s,
            [
                Spec {
                    label: "stp21".into(),
                    path: "a/stp21.geojson".into()
                },
                Spec {
                    label: "CCG".into(),
                    path: "b/ccg21.geojson".into()
                }
            ]
        );
        let e = specs(&strings(&["x/l.geojson", "y/L.json"])).unwrap_err();
        assert!(e.to_string().contains("two layers are called \"L\""), "{e}");
        assert!(specs(&strings(&["one.geojson"])).is_err());
        assert!(specs(&strings(&["=a.geojson", "b.geojson"])).is_err());
        assert!(specs(&strings(&["a:b=a.geojson", "b.geojson"])).is_err());
    }

    #[test]
    fn required_pairs_name_two_layers() {
        let labels = ["ccg21", "stp21"];
        assert_eq!(
            required(&strings(&["CCG21:stp21"]), &labels).unwrap(),
            [(0, 1)]
        );
        for bad in ["ccg21", "ccg21:ccg21", "ccg21:ltla21"] {
            assert!(required(&strings(&[bad]), &labels).is_err(), "{bad}");
        }
    }
}
