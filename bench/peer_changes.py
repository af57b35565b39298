"""Peer for `changes OLD NEW`: the GeoPandas (GEOS) way, end to end.

    python bench/peer_changes.py ltla19.geojson ltla21.geojson out.csv [footprint.csv footprint_t0.csv]
    python bench/peer_changes.py --check footprint.csv footprint_t0.csv out.csv

Overlays the two editions in British National Grid and keeps each pair as a link unless it
holds under LINK_SHARE of both its features (the peer has no tolerance: a share threshold is
the usual stand-in for the slivers of two generalisations of one line). Links holding at least
MAJOR_SHARE of either feature join their features into groups (connected components), which
are classified as footprint classifies them: unchanged / boundary_changed / renamed / recoded
(one old, one new), merged, split, complex, new, removed. Writes
old_code,new_code,change,old_share,new_share,area_km2. Given footprint's CSV, and its CSV at
`-t 0` (every piece counted, as the peer counts them), it checks the areas of the links both
keep (within 0.16% over a hectare in England, where grid and ground areas agree that well;
exit 1 if not), and prints how many old features each puts
in each class and those they class differently (where slivers decide, which no share
threshold gets right: that is what footprint's tolerance is for).
"""
import sys
import time

import geopandas as gpd
import pandas as pd

LINK_SHARE = float(__import__("os").environ.get("LINK_SHARE", "0.05"))
MAJOR_SHARE = 0.25


def code_name(df):
    code = [c for c in df.columns if c.upper().endswith("CD")][0]
    name = code[:-2] + "NM" if code[:-2] + "NM" in df.columns else code
    return code, name


def main():
    if sys.argv[1] == "--check":
        # --check FOOTPRINT.csv FOOTPRINT_T0.csv PEER.csv: compare outputs already written.
        ours, raw, peer = sys.argv[2:5]
        rows = pd.read_csv(peer, dtype={"old_code": str, "new_code": str})
        sys.exit(agree(ours, raw, classes(rows), rows))
    old_path, new_path, out = sys.argv[1:4]
    t0 = time.time()
    old = gpd.read_file(old_path).to_crs(27700)
    new = gpd.read_file(new_path).to_crs(27700)
    ko, no = code_name(old)
    kn, nn = code_name(new)
    old = old[[ko, no, "geometry"]].rename(columns={ko: "old_code", no: "old_name"})
    new = new[[kn, nn, "geometry"]].rename(columns={kn: "new_code", nn: "new_name"})
    old["old_area"] = old.area
    new["new_area"] = new.area
    t1 = time.time()
    x = gpd.overlay(old, new, how="intersection", keep_geom_type=True)
    x["area"] = x.area
    x["old_share"] = x.area / x.old_area
    x["new_share"] = x.area / x.new_area
    links = x[(x.old_share >= LINK_SHARE) | (x.new_share >= LINK_SHARE)].copy()
    t2 = time.time()

    # Major links; a feature with links but none major has all its links major.
    links["major"] = (links.old_share >= MAJOR_SHARE) | (links.new_share >= MAJOR_SHARE)
    for side in ("old_code", "new_code"):
        none_major = links.groupby(side)["major"].transform("any") == False  # noqa: E712
        links.loc[none_major, "major"] = True

    parent = {}

    def find(k):
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k in [("o", c) for c in old.old_code] + [("n", c) for c in new.new_code]:
        find(k)
    for r in links[links.major].itertuples():
        a, b = find(("o", r.old_code)), find(("n", r.new_code))
        if a != b:
            parent[a] = b
    groups = {}
    for k in list(parent):
        groups.setdefault(find(k), []).append(k)
    names_o = dict(zip(old.old_code, old.old_name))
    names_n = dict(zip(new.new_code, new.new_name))
    transfer_old = set(links[~links.major].old_code)
    transfer_new = set(links[~links.major].new_code)
    change_of = {}
    for members in groups.values():
        olds = [c for s, c in members if s == "o"]
        news = [c for s, c in members if s == "n"]
        if not news:
            change = "removed"
        elif not olds:
            change = "new"
        elif len(olds) == 1 and len(news) == 1:
            o, n = olds[0], news[0]
            if o != n:
                change = "recoded"
            elif o in transfer_old or n in transfer_new:
                change = "boundary_changed"
            elif str(names_o[o]).strip() != str(names_n[n]).strip():
                change = "renamed"
            else:
                change = "unchanged"
        elif len(news) == 1:
            change = "merged"
        elif len(olds) == 1:
            change = "split"
        else:
            change = "complex"
        for m in members:
            change_of[m] = change
    links["change"] = [
        change_of[("o", o)] if r else "boundary_changed"
        for o, r in zip(links.old_code, links.major)
    ]
    links["area_km2"] = links.area / 1e6
    rows = links[["old_code", "new_code", "change", "old_share", "new_share", "area_km2"]]
    rows.sort_values(["old_code", "new_code"]).to_csv(out, index=False, float_format="%.6f")
    t3 = time.time()
    print(
        f"peer changes: read+project {t1 - t0:.2f} s, overlay {t2 - t1:.2f} s, "
        f"classify+write {t3 - t2:.2f} s; {len(rows)} links",
        file=sys.stderr,
    )
    if len(sys.argv) > 4:
        sys.exit(agree(sys.argv[4], sys.argv[5], change_of, rows))


def classes(rows):
    """Each old feature's class, as the CSV gives it: its group's (the change of any link of
    it that is not a transfer, or of its one link)."""
    out = {}
    for r in rows.astype(str).itertuples():
        if r.change != "boundary_changed" or r.old_code == r.new_code:
            out.setdefault(("o", r.old_code), r.change)
    return out


def agree(ours_path, raw_path, change_of, rows):
    """Compare the links both keep (areas within 0.16% over a hectare), then the class each
    old feature gets (its group's): the classes differ where slivers decide, which is what a
    tolerance is for, so only the areas decide the exit code."""
    raw = pd.read_csv(raw_path, dtype={"old_code": str, "new_code": str})
    both = raw.merge(rows, on=["old_code", "new_code"], suffixes=("", "_peer"))
    # Over a hectare, and in England: the peer measures grid areas (EPSG:27700's scale factor
    # reaches 1.001 in Northern Ireland), footprint measures ground areas.
    big = both[(both.area_km2 > 0.01) & both.old_code.str.startswith("E")]
    rel = ((big.area_km2 - big.area_km2_peer).abs() / big.area_km2).max()
    print(
        f"peer changes: {len(raw)} footprint links at -t 0, {len(rows)} peer links, "
        f"{len(both)} in both; worst area difference over a hectare in England {rel:.4%}",
        file=sys.stderr,
    )
    ours = pd.read_csv(ours_path, dtype=str)
    theirs_old = {c: ch for (s, c), ch in change_of.items() if s == "o"}
    mine_old = {c: ch for (_, c), ch in classes(ours).items()}
    differ = sorted(c for c in theirs_old if c in mine_old and mine_old[c] != theirs_old[c])
    counts = lambda d: pd.Series(list(d.values())).value_counts().to_dict()  # noqa: E731
    print(f"peer changes: classes (old features): footprint {counts(mine_old)}, peer {counts(theirs_old)}", file=sys.stderr)
    if differ:
        print(f"peer changes: classed differently (footprint vs peer at a {LINK_SHARE:.0%} link share): {', '.join(f'{c} ({mine_old[c]} vs {theirs_old[c]})' for c in differ)}", file=sys.stderr)
    else:
        print("peer changes: every old feature classed alike", file=sys.stderr)
    return 0 if rel <= 0.0016 else 1


if __name__ == "__main__":
    main()
