//! Scope: footprints of one country are about that country. When every footprint's code is a
//! GSS code of one country (STP21: all `E54`), features of other countries (the Welsh, Scottish
//! and Northern Irish councils of a UK layer) are *out of scope*: counted and listed apart,
//! never "outside every footprint" or a gap. Features without GSS codes are never out of
//! scope, and footprints without them set no scope.

use serde::Serialize;

use super::coterminosity::{CoterminosityReport, Status};
use super::Warning;
use crate::gss::{self, Country, Tally};
use crate::layer::{Feature, Layer};

/// The country an analysis is limited to, and the features left out of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scope {
    /// The country every code of the deciding layer names.
    pub country: Country,
    /// The role of the layer whose codes decided it, e.g. `footprints`.
    pub decided_by: String,
    /// Features of other countries, by layer.
    pub out_of_scope: Vec<OutOfScope>,
}

/// Features of one layer out of scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutOfScope {
    pub role: String,
    pub count: usize,
    pub codes: Vec<String>,
}

impl Scope {
    /// The scope `features` (of the layer called `role`) set: their one country, when all
    /// their codes are GSS codes of one country.
    pub fn decide(role: &str, features: &[Feature]) -> Option<Scope> {
        let country = Tally::of(features.iter().map(|f| f.code.as_str())).sole_country()?;
        Some(Scope {
            country,
            decided_by: role.to_string(),
            out_of_scope: Vec::new(),
        })
    }

    /// Whether `code` is a GSS code of another country (UK-wide `K` codes are not).
    pub fn excludes(&self, code: &str) -> bool {
        gss::country(code).is_some_and(|c| c != self.country && c != Country::UkWide)
    }

    /// `outside England, out of scope`: why features are left out.
    pub fn reason(&self) -> String {
        format!("outside {}, out of scope", self.country)
    }

    /// `65 units outside England, out of scope` for each layer with features out of scope.
    pub fn sentences(&self) -> Vec<String> {
        self.out_of_scope
            .iter()
            .map(|o| {
                let role = o.role.strip_suffix('s').unwrap_or(&o.role);
                format!(
                    "{} {role}{} {}",
                    o.count,
                    crate::layer::plural(o.count),
                    self.reason()
                )
            })
            .collect()
    }

    fn record(&mut self, role: &str, codes: Vec<String>) {
        if !codes.is_empty() {
            self.out_of_scope.push(OutOfScope {
                role: role.to_string(),
                count: codes.len(),
                codes,
            });
        }
    }
}

/// Units outside every footprint (or only at their shore, `partly_outside`) whose codes name
/// another country than the scope's become `out_of_scope`; the report records the scope. A unit of another country that a footprint
/// does retain keeps its status: scope never hides an overlap.
pub fn coterminosity(report: &mut CoterminosityReport, mut scope: Scope) {
    let mut codes = Vec::new();
    let (mut outside, mut shore) = (0, 0);
    for row in &mut report.units {
        let was = row.status;
        if !matches!(was, Status::Outside | Status::PartlyOutside)
            || !scope.excludes(&row.unit_code)
        {
            continue;
        }
        if was == Status::PartlyOutside {
            // At the shore of the footprints, but of another country: not theirs to hold.
            shore += 1;
            if let Some(f) = report
                .footprints
                .iter_mut()
                .find(|f| f.footprint_code == row.footprint_code)
            {
                f.units_whole -= 1;
            }
            row.footprint_code.clear();
            row.footprint_name.clear();
            row.overlap_km2 = 0.0;
            row.unit_share = 0.0;
            row.best_fit = false;
        } else {
            outside += 1;
        }
        row.status = Status::OutOfScope;
        codes.push(row.unit_code.clone());
    }
    report.summary.units_outside -= outside;
    report.summary.units_partly_outside -= shore;
    report.summary.units_out_of_scope = codes.len();
    scope.record("units", codes);
    report.context.scope = Some(scope);
}

/// Without a scope, a note when units of several countries lie outside every footprint and
/// the footprints' codes are not GSS codes of one country (so none could be set out of scope);
/// `code_field` is the units' code field, for the example filter.
pub fn unscoped_note(report: &CoterminosityReport, code_field: &str) -> Option<Warning> {
    let outside = report
        .units_with(Status::Outside)
        .map(|r| r.unit_code.as_str());
    let countries = Tally::of(outside).countries;
    if countries.len() < 2 {
        return None;
    }
    let listed: Vec<String> = countries.iter().map(|(c, n)| format!("{c} {n}")).collect();
    Some(Warning::Note(format!(
        "units outside every footprint are of several countries ({}), and the footprints' codes \
         are not GSS codes of one country, so none is set out of scope; to leave a country out, \
         filter the units, e.g. --where units:{code_field}=E*",
        listed.join(", ")
    )))
}

/// Leave out the features of `extent` (the layer called `role`) of other countries than the
/// scope's, and say so: the extent an English layer must cover is England.
pub fn limit_extent(extent: &mut Layer, role: &str, scope: &mut Scope) -> Option<Warning> {
    let codes: Vec<String> = extent
        .features
        .iter()
        .filter(|f| scope.excludes(&f.code))
        .map(|f| f.code.clone())
        .collect();
    if codes.is_empty() {
        return None;
    }
    extent.leave_out(|f| !scope.excludes(&f.code), scope.reason());
    let note = format!(
        "the {role} is limited to {}, the country of every code in the {}: {} of the {} \
         features of {} left out, out of scope; pass --all-countries to keep them",
        scope.country,
        scope.decided_by,
        codes.len(),
        extent.input_count,
        extent.display_name()
    );
    scope.record(role, codes);
    Some(Warning::Note(note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::km_layer as layer;
    use crate::analysis::overlay::overlay;
    use crate::analysis::{coterminosity, Context};

    /// Two English footprints side by side; units: one in each, a Welsh one beyond them, an
    /// English one beyond them too, and one with a code that is not GSS.
    fn setup() -> (Vec<Feature>, Vec<Feature>) {
        let footprints = layer(&[
            ("E54000001", [0.0, 0.0, 10.0, 10.0]),
            ("E54000002", [10.0, 0.0, 20.0, 10.0]),
        ]);
        let units = layer(&[
            ("E06000001", [1.0, 1.0, 4.0, 4.0]),
            ("E06000002", [11.0, 1.0, 14.0, 4.0]),
            ("W06000001", [30.0, 1.0, 32.0, 3.0]),
            ("E06000003", [40.0, 1.0, 42.0, 3.0]),
            ("X1", [50.0, 1.0, 52.0, 3.0]),
        ]);
        (units, footprints)
    }

    #[test]
    fn other_countries_units_are_out_of_scope_not_outside() {
        let (u, f) = setup();
        let o = overlay(&u, &f, 300.0, false);
        let mut r = coterminosity::analyse(&u, &f, &o, None, Context::bare(300.0, "test"));
        assert_eq!(r.summary.units_outside, 3);
        let scope = Scope::decide("footprints", &f).expect("English footprints set a scope");
        assert_eq!(scope.country, Country::England);
        coterminosity(&mut r, scope);
        let status = |code: &str| {
            r.units
                .iter()
                .find(|x| x.unit_code == code)
                .map(|x| x.status)
        };
        assert_eq!(status("W06000001"), Some(Status::OutOfScope));
        assert_eq!(status("E06000003"), Some(Status::Outside));
        assert_eq!(status("X1"), Some(Status::Outside), "no GSS code: in scope");
        assert_eq!(
            (r.summary.units_outside, r.summary.units_out_of_scope),
            (2, 1)
        );
        let scope = r.context.scope.as_ref().expect("recorded");
        assert_eq!(scope.sentences(), ["1 unit outside England, out of scope"]);
        assert_eq!(scope.out_of_scope[0].codes, ["W06000001"]);
        // Out-of-scope units are no failure of the "every unit in a footprint" check.
        let v = coterminosity::verdict_in_footprints(&r, "fp");
        assert_eq!(v.summary, "2 of 5 units in no footprint");
    }

    #[test]
    fn footprints_without_one_country_set_no_scope() {
        let (u, _) = setup();
        assert!(
            Scope::decide("footprints", &layer(&[("X54000001", [0.0, 0.0, 1.0, 1.0])])).is_none()
        );
        // A UK layer's codes are of four countries.
        assert!(Scope::decide("units", &u).is_none());
        let f = layer(&[("FP1", [0.0, 0.0, 10.0, 10.0])]);
        let o = overlay(&u, &f, 300.0, false);
        let r = coterminosity::analyse(&u, &f, &o, None, Context::bare(300.0, "test"));
        let note = unscoped_note(&r, "LTLA21CD")
            .expect("outside units of two countries")
            .to_string();
        assert!(note.contains("(England 2, Wales 1)"), "{note}");
        assert!(note.ends_with("--where units:LTLA21CD=E*"), "{note}");
    }

    #[test]
    fn an_extent_is_limited_to_the_scope() {
        let (u, f) = setup();
        let mut extent = crate::layer::Layer::empty_for_tests();
        extent.input_count = u.len();
        extent.features = u;
        let mut scope = Scope::decide("layer", &f).unwrap();
        let note = limit_extent(&mut extent, "extent", &mut scope)
            .unwrap()
            .to_string();
        assert_eq!(extent.features.len(), 4);
        assert_eq!(extent.left_out[0].count, 1);
        assert_eq!(extent.left_out[0].reason, "outside England, out of scope");
        assert!(note.starts_with("the extent is limited to England, the country of every code in the layer: 1 of the 5 features"), "{note}");
        assert_eq!(scope.out_of_scope[0].codes, ["W06000001"]);
    }
}
