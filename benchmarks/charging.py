"""Charging-network coverage: 2,000 public stations on a 100 m grid of the shipped Jinghai outline
(about 148,000 cells), the vectorized grid against shapely's exact union of the service circles
(the cross-check of the grid's share), and the greedy search for the next sites.

    python -m benchmarks.charging [--stations 2000] [--cell 100] [--proposals 5]

Prints figures and ratios, no assertions on time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import shapely

from carbonpeak.ledgers import charging, geo


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--cell", type=float, default=100.0)
    parser.add_argument("--proposals", type=int, default=5)
    args = parser.parse_args(argv)

    outline = geo.shipped_boundary()
    c = outline.geometry.centroid
    proj = geo.LocalProjection(round(c.x, 4), round(c.y, 4))
    district = proj.project_geometry(outline.geometry)
    core = shapely.Point(proj.project(116.925, 38.935)).buffer(6000)  # an illustrative core disc

    t0 = time.perf_counter()
    grid = charging.make_grid(district, core, args.cell)
    t_grid = time.perf_counter() - t0

    # Stations spread over the district's bounding box, kept where they fall inside it.
    rng = np.random.default_rng(2000)
    x0, y0, x1, y1 = district.bounds
    xs, ys = rng.uniform(x0, x1, args.stations * 3), rng.uniform(y0, y1, args.stations * 3)
    inside = shapely.contains_xy(district, xs, ys)
    sx, sy = xs[inside][: args.stations], ys[inside][: args.stations]
    # A sparse network too (every 20th station), so that the greedy search has gaps to fill.
    sparse_x, sparse_y = sx[::20], sy[::20]

    t0 = time.perf_counter()
    cov = charging.coverage(grid, sx, sy)
    t_cov = time.perf_counter() - t0

    t0 = time.perf_counter()
    brute = charging.nearest_distance_numpy(grid.x, grid.y, sx, sy)
    t_brute = time.perf_counter() - t0
    same = bool(np.allclose(brute, charging.nearest_distance(grid.x, grid.y, sx, sy)))

    t0 = time.perf_counter()
    sparse = charging.coverage(grid, sparse_x, sparse_y)
    cx, cy = charging.candidate_lattice(grid, 1000)
    picks = charging.greedy_sites(sparse, cx, cy, args.proposals)
    t_greedy = time.perf_counter() - t0

    # Exact non-core share of the sparse network with shapely (buffers, union, intersection).
    t0 = time.perf_counter()
    noncore = district.difference(core)
    circles = shapely.union_all(shapely.buffer(shapely.points(sparse_x, sparse_y), 5000, quad_segs=32))
    exact = circles.intersection(noncore).area / noncore.area
    t_exact = time.perf_counter() - t0

    area = grid.x.size * grid.cell_area_km2
    print(f"cells inside the district: {grid.x.size:,} of {args.cell:g} m ({area:,.1f} km²)")
    print(f"grid placement (contains_xy): {t_grid * 1000:.1f} ms")
    print(
        f"coverage, {sx.size:,} stations: {t_cov * 1000:.1f} ms; "
        f"core {cov.core_share:.4f}, rest {cov.noncore_share:.4f}"
    )
    print(
        f"NumPy brute-force distances: {t_brute * 1000:.1f} ms "
        f"(ratio {t_brute / t_cov:.1f}× the STR tree; same: {same})"
    )
    gains = [round(p.gain_km2, 1) for p in picks]
    print(
        f"greedy {len(picks)} sites, {cx.size:,} candidates, {sparse_x.size} stations: "
        f"{t_greedy * 1000:.1f} ms"
    )
    print(f"  gains km²: {gains}")
    print(
        f"exact shapely share (non-core, {sparse_x.size} stations): {exact:.4f}, "
        f"grid {sparse.noncore_share:.4f}"
    )
    print(f"  exact union in {t_exact * 1000:.1f} ms")


if __name__ == "__main__":
    main()
