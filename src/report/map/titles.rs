//! The hover text of each shape (plain text, escaped when written).

use crate::analysis::coterminosity::{FootprintRow, Status, UnitRow};
use crate::analysis::overlay::Pair;
use crate::analysis::spanning::SpanRow;
use crate::layer::{list_some, plural, Feature};
use crate::report::fixed;

fn km2(m2: f64) -> String {
    let v = m2 / 1e6;
    format!("{} km²", fixed(v, if v < 10.0 { 2 } else { 1 }))
}

fn pct(share: f64) -> String {
    format!("{}%", fixed(share * 100.0, 1))
}

/// `, N% of its weight` when there are weights.
fn weight_note(share: Option<Option<f64>>, with_weights: bool) -> String {
    match (with_weights, share.flatten()) {
        (true, Some(s)) => format!(", {} of its weight", pct(s)),
        (true, None) => ", no weight".into(),
        (false, _) => String::new(),
    }
}

fn best_fit_note(row: &UnitRow) -> &'static str {
    if row.best_fit {
        " (best fit)"
    } else {
        ""
    }
}

/// A unit: its area, where it lies (`rows`, its rows of the report) and its defects.
pub(super) fn unit(unit: &Feature, rows: &[UnitRow], with_weights: bool) -> String {
    let mut title = format!("{} {}\n{} · ", unit.code, unit.name, km2(unit.area_m2));
    match rows[0].status {
        Status::Outside => title.push_str("outside every footprint"),
        Status::PartlyOutside => title.push_str(&format!(
            "at the shore: in no footprint beyond slivers ({} of its area inside), given to {}",
            pct(rows[0].unit_share),
            rows[0].footprint_code
        )),
        Status::OutOfScope => {
            title.push_str("of another country than the footprints: out of scope")
        }
        Status::Whole => title.push_str(&whole(&rows[0])),
        Status::Split => title.push_str(&split(rows, with_weights)),
    }
    if !unit.defects.is_empty() {
        let defects: Vec<String> = unit.defects.iter().map(ToString::to_string).collect();
        title.push_str(&format!("\ninvalid polygon: {}", defects.join("; ")));
    }
    title
}

/// Kept short, the footprint by its code (its outline and the table name it): a national
/// map of small areas has tens of thousands of these.
fn whole(row: &UnitRow) -> String {
    let mut t = format!("whole, in {}", row.footprint_code);
    if row.unit_share < 0.995 {
        t.push_str(&format!(" ({} of its area)", pct(row.unit_share)));
    }
    t
}

/// A split unit's share in each footprint, a line each.
fn split(rows: &[UnitRow], with_weights: bool) -> String {
    let mut t = String::from("split");
    for r in rows {
        t.push_str(&format!(
            "\n{} of its area{} in {} {}{}",
            pct(r.unit_share),
            weight_note(r.unit_weight_share, with_weights),
            r.footprint_code,
            r.footprint_name,
            best_fit_note(r)
        ));
    }
    t
}

/// The part of `unit` in `footprint`: `pair` their overlap, `row` its row of the report.
pub(super) fn part(
    unit: &Feature,
    footprint: &Feature,
    pair: &Pair,
    row: &UnitRow,
    with_weights: bool,
) -> String {
    format!(
        "Part of {} {} in {} {}\n{} · {} of the unit{}{}",
        unit.code,
        unit.name,
        footprint.code,
        footprint.name,
        km2(pair.area_m2),
        pct(row.unit_share),
        weight_note(row.unit_weight_share, with_weights),
        best_fit_note(row)
    )
}

/// A footprint: coterminous or not, its units whole and split, the first split ones.
pub(super) fn footprint(f: &Feature, row: &FootprintRow) -> String {
    let mut t = format!(
        "{} {}\n{} · {}coterminous · {} unit{} whole, {} split",
        f.code,
        f.name,
        km2(f.area_m2),
        if row.coterminous { "" } else { "not " },
        row.units_whole,
        plural(row.units_whole),
        row.units_split
    );
    if !row.split_units.is_empty() {
        t.push_str(&format!("\nsplits: {}", list_some(&row.split_units, 10)));
    }
    t
}

/// A provider: the footprints it spans (`rows`, its rows of the report), a line each.
pub(super) fn provider(p: &Feature, rows: &[SpanRow], with_weights: bool) -> String {
    let mut t = format!(
        "{} {}\n{} · spans {} footprint{}",
        p.code,
        p.name,
        km2(p.area_m2),
        rows.len(),
        plural(rows.len())
    );
    for r in rows {
        t.push_str(&format!(
            "\n{} of its area{} in {} {}",
            pct(r.provider_share),
            weight_note(r.provider_weight_share, with_weights),
            r.plan_code,
            r.plan_name
        ));
    }
    t
}
