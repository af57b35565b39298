//! `footprint build UNITS --mapping MAP.csv -o OUT.geojson`: dissolve units into footprints.

use anyhow::Result;

use super::{layer_options, load_layers, outcome, Outcome};
use crate::cli::BuildArgs;
use footprint::analysis::{build::build, tolerance};
use footprint::diag;
use footprint::output::{self, Input, Output};
use footprint::report::{self, build::stage_layer, Emit};

pub fn run(args: BuildArgs) -> Result<Outcome> {
    let options = layer_options(&args.layer_args, &["units"])?;
    let polygons = super::polygon_output(Some(&args.output), &args.gpkg, "-o")?
        .ok_or_else(|| anyhow::anyhow!("build writes a layer: name it with -o"))?;
    let layer_out = polygons.output();
    // The summary goes to standard output (to standard error when the layer does).
    let summary_out = Output::stdout();
    let mut outputs = vec![layer_out];
    if layer_out.path().is_some() {
        outputs.push(&summary_out);
    }
    output::preflight(
        &outputs,
        &[
            Input {
                path: &args.units,
                role: "units layer",
            },
            Input {
                path: &args.mapping,
                role: "mapping",
            },
        ],
    )?;
    let map = footprint::input::mapping::load(&args.mapping, args.columns.as_deref())?;
    let layers = load_layers(&[args.units.as_path()], &options, args.quiet)?;
    let units = &layers[0];
    let (tolerance, mut warnings) = tolerance::resolve(args.tolerance, &[units]);
    warnings.extend(map.notes.iter().cloned());
    // Units left out by --where are not in the layer: the mapping's codes for them count as
    // not in the layer, and the note says why.
    warnings.extend(super::filter_notes(&layers, &["units"]));
    let output_file = match layer_out.path() {
        Some(p) => p.display().to_string(),
        None => "standard output".to_string(),
    };
    let mut report = build(units, &map, &tolerance, warnings, output_file)?;
    // The layer is staged before the warnings are said: what rounding to the written grid
    // removed is among them.
    let (staged, written) = if report.footprints.is_empty() {
        (None, Default::default())
    } else {
        let (staged, written) = stage_layer(&report, &polygons)?;
        (Some(staged), written)
    };
    report.warnings.extend(written.notes(&report.output_file));
    if !args.quiet {
        if args.tolerance == tolerance::ToleranceArg::Auto {
            diag::line(format_args!("tolerance: {tolerance}"));
        }
        for w in &report.warnings {
            diag::warn(w);
        }
    }
    if report.footprints.is_empty() {
        anyhow::bail!(
            "no footprint has any unit of {}: check that the mapping's unit codes are {} values \
             (or pass --code)",
            units.display_name(),
            units.code_field
        );
    }
    if let Some(s) = staged {
        s.commit()?;
    }
    let how = Emit {
        format: args.format.into(),
        spreadsheet_safe: !args.raw_csv,
    };
    if layer_out.path().is_some() {
        report::emit(&report, how, &Output::stdout())?;
    } else if !args.quiet {
        // The layer went to standard output: the summary goes beside the warnings.
        let mut summary = Vec::new();
        report::render(&report, how, &mut summary)?;
        diag::line(String::from_utf8_lossy(&summary).trim_end());
    }
    let verdict = args.strict.then(|| report.coverage.verdict(&map, units));
    footprint::dispose((layers, map, report));
    Ok(outcome(verdict, args.quiet))
}
