//! Changes between two editions of one geography: which old features became which new ones.
//!
//! The overlay is old (a) x new (b), with the tolerance of every other analysis: pairs that
//! overlap only by slivers narrower than the tolerance (two generalisations of one line) are
//! no link. Each retained pair is a **link**, with `old_share` (the part of the old feature
//! that went to the new one) and `new_share` (the part of the new feature that came from the
//! old one).
//!
//! * A link is **major** when it holds at least [`MAJOR_SHARE`] of its old or of its new
//!   feature. A feature with links but none major (its ground was spread thinly over several
//!   large partners) has all its links major. Other links are **transfers**: a small piece of
//!   ground that changed hands.
//! * The major links make a graph of old and new features; each connected component is a
//!   **group**, classified by how many old and new features it holds:
//!   - one old, one new, the same code: `boundary_changed` when a transfer leaves its old
//!     feature or reaches its new one, else `renamed` when the names differ (after trimming
//!     spaces), else `unchanged`;
//!   - one old, one new, different codes: `recoded` (any transfer shows in its rows);
//!   - several old, one new: `merged`; one old, several new: `split`; several of each:
//!     `complex`;
//!   - an old feature with no link: `removed`; a new one with no link: `new`.
//! * A link row's change is its group's, or `boundary_changed` for a transfer between two
//!   groups.
//!
//! Every feature of both layers is in exactly one group. Ground that neither edition's other
//! features hold (a coastline redrawn) is no link, and so no change.

use serde::Serialize;

use super::overlay::Overlay;
use super::weights::PairWeights;
use super::{Context, Verdict};
use crate::layer::Feature;

/// The least share of its old or new feature that makes a link part of a merge, split or
/// complex change rather than a transfer of ground between features that stay.
pub const MAJOR_SHARE: f64 = 0.25;

/// What happened to a group of features between the editions, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Unchanged,
    BoundaryChanged,
    Renamed,
    Recoded,
    Merged,
    Split,
    Complex,
    New,
    Removed,
}

impl Change {
    pub const ALL: [Change; 9] = [
        Change::Unchanged,
        Change::BoundaryChanged,
        Change::Renamed,
        Change::Recoded,
        Change::Merged,
        Change::Split,
        Change::Complex,
        Change::New,
        Change::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::BoundaryChanged => "boundary_changed",
            Change::Renamed => "renamed",
            Change::Recoded => "recoded",
            Change::Merged => "merged",
            Change::Split => "split",
            Change::Complex => "complex",
            Change::New => "new",
            Change::Removed => "removed",
        }
    }

    /// What the kind means, for headings.
    pub fn meaning(self) -> &'static str {
        match self {
            Change::Unchanged => "the same code, name and ground",
            Change::BoundaryChanged => "the same code; ground gained or lost beyond the tolerance",
            Change::Renamed => "the same code and ground, a new name",
            Change::Recoded => "the same ground, a new code",
            Change::Merged => "several old features into one new",
            Change::Split => "one old feature into several new",
            Change::Complex => "several old features into several new",
            Change::New => "a new feature on ground no old feature held",
            Change::Removed => "an old feature whose ground no new feature holds",
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One (old, new) link, or an old feature with none (`removed`, empty new side) or a new
/// feature with none (`new`, empty old side).
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    pub old_code: String,
    pub old_name: String,
    pub new_code: String,
    pub new_name: String,
    pub change: Change,
    /// The part of the old feature that went to the new one (None without a link).
    #[serde(serialize_with = "crate::report::ser6_some")]
    pub old_share: Option<f64>,
    /// The part of the new feature that came from the old one.
    #[serde(serialize_with = "crate::report::ser6_some")]
    pub new_share: Option<f64>,
    /// The ground of the link, km².
    #[serde(serialize_with = "crate::report::ser6_some")]
    pub area_km2: Option<f64>,
    /// With weights: the weight (e.g. residents) of the old feature's points in the link.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub weight: Option<f64>,
    /// Part of the merge/split graph (not a transfer).
    pub major: bool,
    /// The new feature the old one fits best: its link of the largest weight with weights
    /// (when the old feature holds any), else of the largest old_share. One per old feature
    /// with links: the rows marked make an old-to-new best-fit lookup.
    pub best_fit: bool,
    /// Position of the link's group in `groups` (a transfer: the old feature's group).
    pub group: usize,
}

/// A feature of a group.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub code: String,
    pub name: String,
}

/// A connected group of old and new features, and what happened to it.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub change: Change,
    pub old: Vec<Member>,
    pub new: Vec<Member>,
    /// Ground its new features gained from old features of other groups (transfers), km².
    #[serde(serialize_with = "crate::report::ser6")]
    pub gained_km2: f64,
    /// Ground its old features lost to new features of other groups, km².
    #[serde(serialize_with = "crate::report::ser6")]
    pub lost_km2: f64,
    /// With weights: the weight in those transfers.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub gained_weight: Option<f64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::report::ser6_some"
    )]
    pub lost_weight: Option<f64>,
}

impl Group {
    /// `E07000004 Aylesbury Vale, E07000005 Chiltern -> E06000060 Buckinghamshire`
    pub fn describe(&self) -> String {
        let side = |m: &[Member]| -> String {
            if m.is_empty() {
                "(none)".into()
            } else {
                m.iter()
                    .map(|m| format!("{} {}", m.code, m.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        format!("{} -> {}", side(&self.old), side(&self.new))
    }
}

/// How many groups, old and new features, of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub change: Change,
    pub groups: usize,
    pub old_features: usize,
    pub new_features: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub old_features: usize,
    pub new_features: usize,
    pub links: usize,
    /// Transfers: links between groups (small pieces of ground that changed hands).
    pub transfers: usize,
    /// Every kind, in order, with zeros.
    pub kinds: Vec<KindCount>,
}

impl Summary {
    pub fn kind(&self, change: Change) -> &KindCount {
        let i = Change::ALL.iter().position(|c| *c == change).unwrap_or(0);
        &self.kinds[i]
    }

    /// Groups of any kind but unchanged.
    pub fn changed_groups(&self) -> usize {
        self.kinds
            .iter()
            .filter(|k| k.change != Change::Unchanged)
            .map(|k| k.groups)
            .sum()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangesReport {
    #[serde(flatten)]
    pub context: Context,
    /// [`MAJOR_SHARE`], as it decided.
    pub major_share: f64,
    pub summary: Summary,
    /// Groups by kind (in [`Change`] order), then by their first code.
    pub groups: Vec<Group>,
    /// Old features in order, each with its links; then the new features with none.
    pub links: Vec<LinkRow>,
}

impl ChangesReport {
    /// The link rows of `change`, in order.
    pub fn links_with(&self, change: Change) -> impl Iterator<Item = &LinkRow> {
        self.links.iter().filter(move |r| r.change == change)
    }

    /// The groups of `change`, in order.
    pub fn groups_with(&self, change: Change) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(move |g| g.change == change)
    }
}

/// Disjoint sets over old features (0..n_old) then new ones.
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut x = x;
        while self.0[x] != r {
            let next = self.0[x];
            self.0[x] = r;
            x = next;
        }
        r
    }

    fn union(&mut self, x: usize, y: usize) {
        let (x, y) = (self.find(x), self.find(y));
        if x != y {
            self.0[x.max(y)] = x.min(y);
        }
    }
}

fn share(area_m2: f64, of_m2: f64) -> f64 {
    area_m2 / of_m2.max(f64::MIN_POSITIVE)
}

/// Which links are major ([`MAJOR_SHARE`] of either side, or every link of a feature that
/// has none that large).
pub fn major_links(old: &[Feature], new: &[Feature], overlay: &Overlay) -> Vec<bool> {
    let shares = |k: usize| {
        let p = &overlay.pairs[k];
        (
            share(p.area_m2, old[p.a].area_m2),
            share(p.area_m2, new[p.b].area_m2),
        )
    };
    let mut major: Vec<bool> = (0..overlay.pairs.len())
        .map(|k| {
            let (o, n) = shares(k);
            o >= MAJOR_SHARE || n >= MAJOR_SHARE
        })
        .collect();
    let mut old_has = vec![false; old.len()];
    let mut new_has = vec![false; new.len()];
    for (k, p) in overlay.pairs.iter().enumerate() {
        old_has[p.a] |= major[k];
        new_has[p.b] |= major[k];
    }
    for (k, p) in overlay.pairs.iter().enumerate() {
        if !old_has[p.a] || !new_has[p.b] {
            major[k] = true;
        }
    }
    major
}

/// Classify every feature of `old` and `new` from their overlay (old is the first layer).
pub fn analyse(
    old: &[Feature],
    new: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    context: Context,
) -> ChangesReport {
    let n_old = old.len();
    let major = major_links(old, new, overlay);
    let mut sets = Sets((0..n_old + new.len()).collect());
    for (k, p) in overlay.pairs.iter().enumerate() {
        if major[k] {
            sets.union(p.a, n_old + p.b);
        }
    }
    // Groups numbered by their first member (old features first, in order).
    let mut root_group: Vec<Option<usize>> = vec![None; n_old + new.len()];
    let mut members: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    let group_of: Vec<usize> = (0..n_old + new.len())
        .map(|x| {
            let r = sets.find(x);
            let g = *root_group[r].get_or_insert_with(|| {
                members.push((Vec::new(), Vec::new()));
                members.len() - 1
            });
            if x < n_old {
                members[g].0.push(x);
            } else {
                members[g].1.push(x - n_old);
            }
            g
        })
        .collect();
    // Transfers: links between groups.
    let mut gained = vec![0.0; members.len()];
    let mut lost = vec![0.0; members.len()];
    let mut gained_w = vec![0.0; members.len()];
    let mut lost_w = vec![0.0; members.len()];
    let mut transfers = 0;
    for (k, p) in overlay.pairs.iter().enumerate() {
        let (go, gn) = (group_of[p.a], group_of[n_old + p.b]);
        if go != gn {
            transfers += 1;
            lost[go] += p.area_m2;
            gained[gn] += p.area_m2;
            if let Some(w) = weights {
                lost_w[go] += w.a_weight[k];
                gained_w[gn] += w.a_weight[k];
            }
        }
    }
    let kind_of: Vec<Change> = members
        .iter()
        .enumerate()
        .map(|(g, (o, n))| match (o.as_slice(), n.as_slice()) {
            ([], _) => Change::New,
            (_, []) => Change::Removed,
            ([o], [n]) => {
                let (o, n) = (&old[*o], &new[*n]);
                if o.code != n.code {
                    Change::Recoded
                } else if gained[g] > 0.0 || lost[g] > 0.0 {
                    Change::BoundaryChanged
                } else if o.name.trim() != n.name.trim() {
                    Change::Renamed
                } else {
                    Change::Unchanged
                }
            }
            (_, [_]) => Change::Merged,
            ([_], _) => Change::Split,
            _ => Change::Complex,
        })
        .collect();
    let member = |f: &Feature| Member {
        code: f.code.clone(),
        name: f.name.clone(),
    };
    let groups: Vec<Group> = members
        .iter()
        .enumerate()
        .map(|(g, (o, n))| Group {
            change: kind_of[g],
            old: o.iter().map(|&i| member(&old[i])).collect(),
            new: n.iter().map(|&j| member(&new[j])).collect(),
            gained_km2: gained[g] / 1e6,
            lost_km2: lost[g] / 1e6,
            gained_weight: weights.map(|_| gained_w[g]),
            lost_weight: weights.map(|_| lost_w[g]),
        })
        .collect();
    // Report order: by kind, then by first code.
    let first_code = |g: &Group| {
        g.old
            .first()
            .or(g.new.first())
            .map(|m| m.code.clone())
            .unwrap_or_default()
    };
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_cached_key(|&g| (groups[g].change, first_code(&groups[g]), g));
    let mut position = vec![0usize; groups.len()];
    for (pos, &g) in order.iter().enumerate() {
        position[g] = pos;
    }
    let links = link_rows(
        old, new, overlay, weights, &major, &group_of, &kind_of, &position,
    );
    let mut groups_sorted: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    let groups: Vec<Group> = order
        .iter()
        .filter_map(|&g| groups_sorted[g].take())
        .collect();
    let kinds = Change::ALL
        .iter()
        .map(|&change| {
            let of: Vec<&Group> = groups.iter().filter(|g| g.change == change).collect();
            KindCount {
                change,
                groups: of.len(),
                old_features: of.iter().map(|g| g.old.len()).sum(),
                new_features: of.iter().map(|g| g.new.len()).sum(),
            }
        })
        .collect();
    ChangesReport {
        context,
        major_share: MAJOR_SHARE,
        summary: Summary {
            old_features: old.len(),
            new_features: new.len(),
            links: overlay.pairs.len(),
            transfers,
            kinds,
        },
        groups,
        links,
    }
}

/// The rows: each old feature's links (or its `removed` row), then each new feature without
/// a link.
#[allow(clippy::too_many_arguments)]
fn link_rows(
    old: &[Feature],
    new: &[Feature],
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    major: &[bool],
    group_of: &[usize],
    kind_of: &[Change],
    position: &[usize],
) -> Vec<LinkRow> {
    let n_old = old.len();
    let mut rows = Vec::with_capacity(overlay.pairs.len() + 16);
    let mut new_linked = vec![false; new.len()];
    let ranges = overlay.ranges_of_a(old.len());
    for ((i, o), range) in old.iter().enumerate().zip(ranges) {
        let (start, end) = (range.start, range.end);
        if start == end {
            let g = group_of[i];
            rows.push(LinkRow {
                old_code: o.code.clone(),
                old_name: o.name.clone(),
                new_code: String::new(),
                new_name: String::new(),
                change: kind_of[g],
                old_share: None,
                new_share: None,
                area_km2: None,
                weight: weights.map(|w| w.a_total[i]),
                major: false,
                best_fit: false,
                group: position[g],
            });
            continue;
        }
        let best = best_fit(overlay, weights, i, start..end);
        for (k, p) in (start..end).zip(&overlay.pairs[start..end]) {
            let n = &new[p.b];
            new_linked[p.b] = true;
            let (go, gn) = (group_of[i], group_of[n_old + p.b]);
            rows.push(LinkRow {
                old_code: o.code.clone(),
                old_name: o.name.clone(),
                new_code: n.code.clone(),
                new_name: n.name.clone(),
                change: if go == gn {
                    kind_of[go]
                } else {
                    Change::BoundaryChanged
                },
                old_share: Some(share(p.area_m2, o.area_m2)),
                new_share: Some(share(p.area_m2, n.area_m2)),
                area_km2: Some(p.area_m2 / 1e6),
                weight: weights.map(|w| w.a_weight[k]),
                major: major[k],
                best_fit: k == best,
                group: position[go],
            });
        }
    }
    for (j, n) in new.iter().enumerate() {
        if new_linked[j] {
            continue;
        }
        let g = group_of[n_old + j];
        rows.push(LinkRow {
            old_code: String::new(),
            old_name: String::new(),
            new_code: n.code.clone(),
            new_name: n.name.clone(),
            change: kind_of[g],
            old_share: None,
            new_share: None,
            area_km2: None,
            weight: weights.map(|w| w.b_total[j]),
            major: false,
            best_fit: false,
            group: position[g],
        });
    }
    rows
}

/// The link (of `pairs`, all of old feature `i`) it fits best: the largest weight when the
/// feature holds weight, else the largest area (ties to the first).
fn best_fit(
    overlay: &Overlay,
    weights: Option<&PairWeights>,
    i: usize,
    pairs: std::ops::Range<usize>,
) -> usize {
    let weighted = weights.filter(|w| w.a_total[i] > 0.0);
    let key = |k: usize| match weighted {
        Some(w) => (w.a_weight[k], overlay.pairs[k].area_m2),
        None => (overlay.pairs[k].area_m2, 0.0),
    };
    let mut best = pairs.start;
    for k in pairs {
        if key(k) > key(best) {
            best = k;
        }
    }
    best
}

/// Pass when every group is unchanged: the check of `--require-unchanged` and of the
/// `unchanged` rule kind.
pub fn verdict(report: &ChangesReport) -> Verdict {
    let s = &report.summary;
    let changed: Vec<String> = s
        .kinds
        .iter()
        .filter(|k| k.change != Change::Unchanged && k.groups > 0)
        .map(|k| format!("{} {}", k.groups, k.change))
        .collect();
    let unchanged = s.kind(Change::Unchanged).groups;
    let summary = if changed.is_empty() {
        format!(
            "no changes: {} of {} old features unchanged",
            unchanged, s.old_features
        )
    } else {
        format!(
            "{} change{} ({}); {} of {} old features unchanged",
            s.changed_groups(),
            crate::layer::plural(s.changed_groups()),
            changed.join(", "),
            unchanged,
            s.old_features
        )
    };
    let failures = report
        .groups
        .iter()
        .filter(|g| g.change != Change::Unchanged)
        .map(|g| {
            let moved = if g.gained_km2 > 0.0 || g.lost_km2 > 0.0 {
                format!(
                    " (gained {} km², lost {} km²)",
                    crate::report::fixed(crate::report::round6(g.gained_km2), 3),
                    crate::report::fixed(crate::report::round6(g.lost_km2), 3)
                )
            } else {
                String::new()
            };
            format!("{}: {}{moved}", g.change, g.describe())
        })
        .collect();
    Verdict {
        passed: s.changed_groups() == 0,
        summary,
        failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::km_layer as layer;
    use crate::analysis::overlay::overlay;

    fn run(old: &[Feature], new: &[Feature]) -> ChangesReport {
        let o = overlay(old, new, 300.0, false);
        analyse(old, new, &o, None, Context::bare(300.0, "test"))
    }

    /// (kind, old codes, new codes) of every group.
    fn groups(r: &ChangesReport) -> Vec<(Change, Vec<&str>, Vec<&str>)> {
        r.groups
            .iter()
            .map(|g| {
                (
                    g.change,
                    g.old.iter().map(|m| m.code.as_str()).collect(),
                    g.new.iter().map(|m| m.code.as_str()).collect(),
                )
            })
            .collect()
    }

    fn renamed(mut f: Vec<Feature>, code: &str, name: &str) -> Vec<Feature> {
        for x in f.iter_mut().filter(|x| x.code == code) {
            x.name = name.into();
        }
        f
    }

    #[test]
    fn the_same_layer_is_unchanged() {
        let l = layer(&[
            ("A", [0.0, 0.0, 10.0, 10.0]),
            ("B", [10.0, 0.0, 20.0, 10.0]),
        ]);
        let r = run(&l, &l);
        assert_eq!(
            groups(&r),
            [
                (Change::Unchanged, vec!["A"], vec!["A"]),
                (Change::Unchanged, vec!["B"], vec!["B"])
            ]
        );
        assert!(verdict(&r).passed);
        assert_eq!(
            verdict(&r).summary,
            "no changes: 2 of 2 old features unchanged"
        );
        assert!(r.links.iter().all(|l| l.best_fit && l.major));
    }

    #[test]
    fn noise_within_the_tolerance_is_no_change() {
        // The line between A and B moved 100 m: slivers at a 300 m tolerance.
        let old = layer(&[
            ("A", [0.0, 0.0, 10.0, 10.0]),
            ("B", [10.0, 0.0, 20.0, 10.0]),
        ]);
        let new = layer(&[
            ("A", [0.0, 0.0, 10.1, 10.0]),
            ("B", [10.1, 0.0, 20.0, 10.0]),
        ]);
        let r = run(&old, &new);
        assert_eq!(r.summary.kind(Change::Unchanged).groups, 2);
        assert_eq!(r.links.len(), 2);
    }

    #[test]
    fn a_small_transfer_is_a_boundary_change_of_both() {
        // 1 km of A (10%) went to B.
        let old = layer(&[
            ("A", [0.0, 0.0, 10.0, 10.0]),
            ("B", [10.0, 0.0, 20.0, 10.0]),
        ]);
        let new = layer(&[("A", [0.0, 0.0, 9.0, 10.0]), ("B", [9.0, 0.0, 20.0, 10.0])]);
        let r = run(&old, &new);
        assert_eq!(
            groups(&r),
            [
                (Change::BoundaryChanged, vec!["A"], vec!["A"]),
                (Change::BoundaryChanged, vec!["B"], vec!["B"])
            ]
        );
        let t: Vec<&LinkRow> = r.links.iter().filter(|l| !l.major).collect();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].old_code.as_str(), t[0].new_code.as_str()), ("A", "B"));
        assert_eq!(t[0].change, Change::BoundaryChanged);
        assert!((t[0].old_share.unwrap() - 0.1).abs() < 0.002);
        assert!(
            (r.groups[0].lost_km2 - 10.0).abs() < 0.05,
            "{}",
            r.groups[0].lost_km2
        );
        assert!((r.groups[1].gained_km2 - 10.0).abs() < 0.05);
        assert_eq!(r.summary.transfers, 1);
        let v = verdict(&r);
        assert!(!v.passed);
        assert_eq!(
            v.summary,
            "2 changes (2 boundary_changed); 0 of 2 old features unchanged"
        );
        assert!(v.failures[0]
            .starts_with("boundary_changed: A A name -> A A name (gained 0.000 km², lost 10.0"));
    }

    #[test]
    fn renamed_recoded_merged_split_new_removed() {
        let old = layer(&[
            ("R", [0.0, 0.0, 10.0, 10.0]),
            ("C", [10.0, 0.0, 20.0, 10.0]),
            ("M1", [20.0, 0.0, 30.0, 10.0]),
            ("M2", [30.0, 0.0, 40.0, 10.0]),
            ("S", [40.0, 0.0, 60.0, 10.0]),
            ("GONE", [100.0, 0.0, 110.0, 10.0]),
        ]);
        let new = renamed(
            layer(&[
                ("R", [0.0, 0.0, 10.0, 10.0]),
                ("C2", [10.0, 0.0, 20.0, 10.0]),
                ("M", [20.0, 0.0, 40.0, 10.0]),
                ("S1", [40.0, 0.0, 50.0, 10.0]),
                ("S2", [50.0, 0.0, 60.0, 10.0]),
                ("FRESH", [200.0, 0.0, 210.0, 10.0]),
            ]),
            "R",
            "R new name",
        );
        let r = run(&old, &new);
        assert_eq!(
            groups(&r),
            [
                (Change::Renamed, vec!["R"], vec!["R"]),
                (Change::Recoded, vec!["C"], vec!["C2"]),
                (Change::Merged, vec!["M1", "M2"], vec!["M"]),
                (Change::Split, vec!["S"], vec!["S1", "S2"]),
                (Change::New, vec![], vec!["FRESH"]),
                (Change::Removed, vec!["GONE"], vec![]),
            ]
        );
        // Rows: old features in order with their links, then new features with none.
        let rows: Vec<(&str, &str, Change)> = r
            .links
            .iter()
            .map(|l| (l.old_code.as_str(), l.new_code.as_str(), l.change))
            .collect();
        assert_eq!(
            rows,
            [
                ("R", "R", Change::Renamed),
                ("C", "C2", Change::Recoded),
                ("M1", "M", Change::Merged),
                ("M2", "M", Change::Merged),
                ("S", "S1", Change::Split),
                ("S", "S2", Change::Split),
                ("GONE", "", Change::Removed),
                ("", "FRESH", Change::New),
            ]
        );
        let m1 = &r.links[2];
        assert!((m1.old_share.unwrap() - 1.0).abs() < 1e-6);
        assert!((m1.new_share.unwrap() - 0.5).abs() < 0.002);
        // One best fit per old feature with links.
        assert_eq!(r.links.iter().filter(|l| l.best_fit).count(), 5);
        // Every feature is in one group.
        let s = &r.summary;
        let old_n: usize = s.kinds.iter().map(|k| k.old_features).sum();
        let new_n: usize = s.kinds.iter().map(|k| k.new_features).sum();
        assert_eq!((old_n, new_n), (6, 6));
        let v = verdict(&r);
        assert!(!v.passed);
        assert_eq!(v.failures.len(), 6);
        assert_eq!(v.failures[2], "merged: M1 M1 name, M2 M2 name -> M M name");
    }

    #[test]
    fn several_into_several_is_complex() {
        // Two old halves re-cut into three new thirds.
        let old = layer(&[
            ("A", [0.0, 0.0, 15.0, 10.0]),
            ("B", [15.0, 0.0, 30.0, 10.0]),
        ]);
        let new = layer(&[
            ("X", [0.0, 0.0, 10.0, 10.0]),
            ("Y", [10.0, 0.0, 20.0, 10.0]),
            ("Z", [20.0, 0.0, 30.0, 10.0]),
        ]);
        let r = run(&old, &new);
        assert_eq!(
            groups(&r),
            [(Change::Complex, vec!["A", "B"], vec!["X", "Y", "Z"])]
        );
    }

    #[test]
    fn a_feature_spread_thinly_joins_what_it_touches() {
        // Small old D (4 km wide) divided between big A and B, 2 km each (under a quarter of
        // either new feature, half of D): D's links are major by D's side.
        let old = layer(&[
            ("A", [0.0, 0.0, 20.0, 10.0]),
            ("D", [20.0, 0.0, 24.0, 10.0]),
            ("B", [24.0, 0.0, 44.0, 10.0]),
        ]);
        let new = layer(&[
            ("A", [0.0, 0.0, 22.0, 10.0]),
            ("B", [22.0, 0.0, 44.0, 10.0]),
        ]);
        let r = run(&old, &new);
        assert_eq!(
            groups(&r),
            [(Change::Complex, vec!["A", "D", "B"], vec!["A", "B"])]
        );
    }
}
