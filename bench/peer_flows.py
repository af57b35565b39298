"""Peer for `spanning --flows FLOWS --areas AREAS --plans PLANS`: the GeoPandas/pandas way.

    python bench/peer_flows.py trust_msoa_flows.csv msoa11.geojson stp21.geojson out.csv [footprint.csv]
    python bench/peer_flows.py --check footprint.csv out.csv   (footprint's at --min-share 0)

Overlays the areas (MSOAs) with the plans (STPs) in British National Grid, gives each plan the
share of an area's flow that its share of the area's ground within the plans is (every piece
counted: the peer has no tolerance), and sums each provider's flow by plan. Writes
provider_code,plan_code,flow,provider_flow_share. Given footprint's CSV (same columns among
others), it prints the largest difference of any provider's share in any plan, and exits 1
when it is over MAX_DIFF: the tolerance keeps slivers from splitting an area, which moves up
to 2.5% of a provider between plans (RXK: MSOA E02001886, split 55/45).
"""
import sys
import time

import geopandas as gpd
import pandas as pd

MAX_DIFF = 0.03


def code_of(df):
    return [c for c in df.columns if c.upper().endswith("CD")][0]


def main():
    if sys.argv[1] == "--check":
        # --check FOOTPRINT.csv PEER.csv: compare outputs already written.
        by = pd.read_csv(sys.argv[3], dtype={"provider_code": str, "plan_code": str})
        sys.exit(check(sys.argv[2], by))
    flows_path, areas_path, plans_path, out = sys.argv[1:5]
    t0 = time.time()
    flows = pd.read_csv(flows_path, dtype={"trust_code": str, "msoa_code": str})
    areas = gpd.read_file(areas_path).to_crs(27700)
    plans = gpd.read_file(plans_path).to_crs(27700)
    ka, kp = code_of(areas), code_of(plans)
    areas = areas[[ka, "geometry"]]
    plans = plans[[kp, "geometry"]]
    areas["area_m2"] = areas.area
    t1 = time.time()
    parts = gpd.overlay(areas, plans, how="intersection", keep_geom_type=True)
    # Shares of the ground the plans hold: an area drawn out to sea past the plans' coastline
    # (two generalisations of one coast) keeps all its flow.
    parts["piece_m2"] = parts.area
    parts["share"] = parts.piece_m2 / parts.groupby(ka)["piece_m2"].transform("sum")
    t2 = time.time()
    x = flows.merge(parts[[ka, kp, "share"]], left_on="msoa_code", right_on=ka)
    x["flow"] = x.catchment_population * x.share
    by = x.groupby(["trust_code", kp], as_index=False)["flow"].sum()
    total = flows.groupby("trust_code")["catchment_population"].sum()
    by["provider_flow_share"] = by.flow / by.trust_code.map(total)
    by = by.rename(columns={"trust_code": "provider_code", kp: "plan_code"})
    by.sort_values(["provider_code", "plan_code"]).to_csv(out, index=False, float_format="%.6f")
    t3 = time.time()
    print(
        f"peer flows: read+project {t1 - t0:.2f} s, overlay {t2 - t1:.2f} s, "
        f"join+sum+write {t3 - t2:.2f} s; {len(by)} provider-plan rows",
        file=sys.stderr,
    )
    if len(sys.argv) > 5:
        sys.exit(check(sys.argv[5], by))


def check(ours_path, by):
    """The largest difference of a provider's share in a plan; 1 when over MAX_DIFF."""
    ours = pd.read_csv(ours_path, dtype={"provider_code": str, "plan_code": str})
    both = ours.merge(by, on=["provider_code", "plan_code"], how="outer", suffixes=("", "_peer"))
    both = both.fillna({"provider_flow_share": 0.0, "provider_flow_share_peer": 0.0})
    diff = (both.provider_flow_share - both.provider_flow_share_peer).abs()
    worst = both.loc[diff.idxmax()]
    print(
        f"peer flows: largest share difference {diff.max():.4f} "
        f"({worst.provider_code} in {worst.plan_code}); {int((diff > 0.001).sum())} of "
        f"{len(both)} provider-plan shares differ by over 0.001",
        file=sys.stderr,
    )
    return 0 if diff.max() <= MAX_DIFF else 1


if __name__ == "__main__":
    main()
