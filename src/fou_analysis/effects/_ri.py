"""Randomisation inference (RI-t) for the treatment coefficient of a DiD / TWFE regression.

Permutation scheme
    Treatment is assigned to whole clusters. Each cluster has a *treatment pattern*: its 0/1
    treatment ``D`` as a function of the period (all zeros for a never-treated cluster; for a
    2×2 with one period column, the ``post`` indicator plays the role of the period). Under
    Fisher's sharp null ``H₀(δ): Y_it(1) − Y_it(0) = δ`` for every unit and period, the potential
    outcomes ``Y(0) = y − δD`` are fixed and only the assignment is random. The reference set is
    every way of handing the observed multiset of patterns to the clusters: the number of
    treated clusters and each treated cluster's timing pattern are kept, which clusters carry
    them is re-drawn among all clusters (Conley & Taber 2011; MacKinnon & Webb 2020, "Randomization
    inference for difference-in-differences with few treated clusters", J. Econometrics 218(2)).
    With ``G`` clusters and ``m_k`` treated clusters with pattern ``k`` there are
    ``G! / ((G − Σm_k)! Π m_k!)`` distinct assignments; all are used when there are at most
    ``cap`` (exact test), else ``reps`` are drawn uniformly with a seeded generator and the
    observed assignment is added (p = (1 + #{extreme}) / (reps + 1), a valid test). A pattern is
    read off the cluster's rows over the sorted periods; periods a cluster is not observed in are
    filled forward from its last observed period (then with 0), so a pattern can be handed to a
    cluster observed in other periods (unbalanced panels).

Statistic
    The cluster-robust t-statistic (RI-t), not the coefficient (RI-β): MacKinnon & Webb (2020)
    show that RI-β over-rejects when treated clusters are larger or smaller than the others
    (the coefficient's spread depends on which clusters are treated), while RI-t is much less
    sensitive to it. The p-value is the share of assignments with ``|t*| ≥ |t|`` (ties count
    as extreme, relative tolerance 1e-9). The RI-β p-value is also returned for comparison.

Interval
    By test inversion: the set of δ whose sharp null is not rejected at ``1 − level``. Shifting
    the outcome of treated cells by δ makes every permuted coefficient and cluster score linear
    in δ, so each permuted t is a closed-form function of δ (as in ``_wild.py``, whose inverter
    is reused): a doubling bracket and grid refinement find both ends. When no δ far from the
    estimate is rejected (too few assignments: the smallest attainable p is 1 / #assignments),
    the interval is unbounded.

Speed
    By Frisch–Waugh–Lovell the residual maker ``M`` of the fixed effects and covariates does not
    depend on the assignment, and a permuted treatment column is a sum of cluster × pattern basis
    columns. ``M`` is applied once to each of the ``G·K`` basis columns; each assignment then
    costs one sparse product (``n × #treated``) and a few cluster sums, in blocks of assignments.

Why hand-written
    No installed library does randomisation inference with absorbed fixed effects (statsmodels
    has none; ``ritest`` for Stata is not available in Python).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from fou_analysis.effects._did_common import period_index
from fou_analysis.effects._fe import Partialler, _indicator, codes_of
from fou_analysis.effects._wild import _TIE_TOL, _bound, _Inverter
from fou_analysis.exceptions import SpecificationError

#: Enumerate all assignments when there are at most this many.
RI_CAP = 10_000
_BLOCK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class RIResult:
    """Outcome of randomisation inference: p-values, the interval and the permutation draws.

    ``t_perm``/``coef_perm`` are the permuted statistics under the null of no effect (δ = 0);
    ``a, b, sa, sab, sb`` define each permuted t as a function of δ (for other levels).
    """

    p_value: float
    p_value_coef: float
    ci: tuple[float, float]
    t_stat: float
    assignments: int
    enumerated: bool
    clusters: int
    treated_clusters: int
    patterns: int
    seed: int | None
    beta: float
    se_ref: float
    a: np.ndarray
    b: np.ndarray
    q: np.ndarray
    sa: np.ndarray
    sab: np.ndarray
    sb: np.ndarray

    def inverter(self) -> _Inverter:
        return _Inverter(self.beta, self.se_ref, self.a, self.b, sa=self.sa, sab=self.sab, sb=self.sb)

    def conf_int(self, level: float) -> tuple[float, float]:
        """Test-inversion interval at another level (no new permutations)."""
        inv, alpha = self.inverter(), 1 - level
        return (
            _bound(inv, self.beta, self.se_ref, alpha, -1),
            _bound(inv, self.beta, self.se_ref, alpha, +1),
        )

    @property
    def t_perm(self) -> np.ndarray:
        den = np.sqrt(np.maximum(self.sa, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, self.a / den, 0.0)

    @property
    def coef_perm(self) -> np.ndarray:
        return self.a / self.q

    def as_dict(self) -> dict[str, object]:
        return {
            "p_value": self.p_value,
            "p_value_coef": self.p_value_coef,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "t_stat": self.t_stat,
            "reps": self.assignments,
            "enumerated": self.enumerated,
            "clusters": self.clusters,
            "treated_clusters": self.treated_clusters,
            "patterns": self.patterns,
            "seed": self.seed,
            "method": "randomisation inference (RI-t), cluster assignment permuted keeping timing patterns; "
            "CI by test inversion",
        }


def cluster_patterns(
    cluster: np.ndarray, period: np.ndarray, d: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-cluster treatment patterns over the sorted periods.

    Returns ``(cluster_codes, period_codes, patterns, pattern_of_cluster)``: row codes, the
    distinct non-zero patterns (K × T) and each cluster's pattern index (−1 = never treated).
    Raises :class:`SpecificationError` when treatment varies within a cluster and period (then
    treatment was not assigned to clusters and cannot be permuted across them).
    """
    ccodes, g = codes_of(cluster)
    tcodes, levels = pd.factorize(pd.Series(period_index(np.asarray(period))), sort=True)
    t = len(levels)
    cell = pd.DataFrame({"c": ccodes, "t": tcodes, "d": d}).groupby(["c", "t"])["d"].agg(["min", "max"])
    if (cell["min"] != cell["max"]).any():
        c0, t0 = cell.index[(cell["min"] != cell["max"]).to_numpy()][0]
        raise SpecificationError(
            "se='ri' permutes treatment across clusters, but treatment differs within cluster "
            f"{pd.factorize(np.asarray(cluster), sort=True)[1][c0]!r} in one period: "
            "cluster by the level treatment was assigned at (e.g. the unit)"
        )
    grid = np.full((g, t), np.nan)
    grid[cell.index.get_level_values(0), cell.index.get_level_values(1)] = cell["max"].to_numpy()
    grid = pd.DataFrame(grid).ffill(axis=1).fillna(0.0).to_numpy()
    treated = grid.any(axis=1)
    pats, inv = np.unique(grid[treated], axis=0, return_inverse=True)
    of_cluster = np.full(g, -1)
    of_cluster[treated] = np.ravel(inv)
    return ccodes, np.asarray(tcodes), pats, of_cluster


def count_assignments(g: int, counts: list[int]) -> int:
    """Distinct assignments of patterns with multiplicities ``counts`` to ``g`` clusters."""
    out, left = 1, g
    for m in counts:
        out *= math.comb(left, m)
        left -= m
    return out


def _enumerate(g: int, counts: list[int]) -> np.ndarray:
    """All assignments as an (R × g) array of pattern indices (−1 = untreated)."""
    rows: list[np.ndarray] = []

    def rec(k: int, free: tuple[int, ...], cur: np.ndarray) -> None:
        if k == len(counts):
            rows.append(cur.copy())
            return
        for chosen in itertools.combinations(free, counts[k]):
            cur[list(chosen)] = k
            rest = tuple(c for c in free if c not in chosen)
            rec(k + 1, rest, cur)
            cur[list(chosen)] = -1

    rec(0, tuple(range(g)), np.full(g, -1))
    return np.array(rows, dtype=np.int64)


def _sample(g: int, counts: list[int], reps: int, rng: np.random.Generator) -> np.ndarray:
    """``reps`` uniform random assignments (R × g)."""
    labels = np.concatenate([np.full(m, k) for k, m in enumerate(counts)] + [np.full(g - sum(counts), -1)])
    return np.array([labels[rng.permutation(g)] for _ in range(reps)], dtype=np.int64)


def randomisation_inference(
    y_dd: np.ndarray,
    d: np.ndarray,
    cluster: np.ndarray,
    period: np.ndarray,
    partial: Partialler,
    *,
    cap: int = RI_CAP,
    reps: int = 9999,
    seed: int = 0,
    level: float = 0.95,
) -> RIResult:
    """RI-t test of no effect and its test-inversion interval (see the module docstring).

    Parameters
    ----------
    y_dd
        The outcome, partialled out (``My``).
    d
        The observed 0/1 treatment per row (not partialled out).
    cluster, period
        Cluster labels (the level treatment was assigned at) and periods per row.
    partial
        The residual maker ``M`` of fixed effects and covariates.
    cap, reps, seed
        Enumerate when the number of assignments is at most ``cap``; else draw ``reps`` with
        ``seed``.
    """
    ccodes, tcodes, pats, of_cluster = cluster_patterns(cluster, period, d)
    g, k = len(of_cluster), len(pats)
    if k == 0:
        raise SpecificationError("se='ri' needs at least one treated cluster")
    counts = [int((of_cluster == j).sum()) for j in range(k)]
    if sum(counts) == g:
        raise SpecificationError("se='ri' needs at least one untreated cluster")
    n = y_dd.shape[0]
    total = count_assignments(g, counts)
    enumerated = total <= cap
    if enumerated:
        assign = _enumerate(g, counts)
    else:
        rng = np.random.default_rng(seed)
        assign = np.vstack([of_cluster[None, :], _sample(g, counts, reps, rng)])

    # basis column (cluster c, pattern j): rows of c, value pats[j, period]; M applied once
    rows = np.arange(n)
    basis = np.zeros((n, g * k))
    for j in range(k):
        basis[rows, ccodes * k + j] = pats[j, tcodes]
    w = partial.resid(basis)
    d_dd = partial.resid(np.asarray(d, float))
    dd = float(d_dd @ d_dd)
    if not dd > 0:
        raise SpecificationError("the treatment is collinear with the fixed effects")
    beta = float(d_dd @ y_dd) / dd
    ind = _indicator(ccodes, g)
    c_obs = ind @ (d_dd * (y_dd - beta * d_dd))
    se_ref = float(np.sqrt(c_obs @ c_obs)) / dd

    r_all = assign.shape[0]
    a, b, q, sa, sab, sb = (np.empty(r_all) for _ in range(6))
    block = max(1, _BLOCK_ELEMENTS // max(n, 1))
    wy, wd = w.T @ y_dd, w.T @ d_dd
    for r0 in range(0, r_all, block):
        r1 = min(r_all, r0 + block)
        sub = assign[r0:r1]
        ri, ci = np.nonzero(sub >= 0)
        amat = sparse.csr_matrix((np.ones(ri.size), (ri, ci * k + sub[ri, ci])), shape=(r1 - r0, g * k))
        dp = np.asarray((amat @ w.T).T)  # n × block: permuted M·D
        ab, bb = amat @ wy, amat @ wd
        qb = np.einsum("ij,ij->j", dp, dp)
        s2 = ind @ (dp * dp)
        big_a = ind @ (dp * y_dd[:, None]) - s2 * (ab / qb)
        big_b = ind @ (dp * d_dd[:, None]) - s2 * (bb / qb)
        a[r0:r1], b[r0:r1], q[r0:r1] = ab, bb, qb
        sa[r0:r1] = np.einsum("gr,gr->r", big_a, big_a)
        sab[r0:r1] = np.einsum("gr,gr->r", big_a, big_b)
        sb[r0:r1] = np.einsum("gr,gr->r", big_b, big_b)
    inv = _Inverter(beta, se_ref, a, b, sa=sa, sab=sab, sb=sb)
    p = inv.p_value(0.0)
    p_coef = float(np.mean(np.abs(a / q) >= abs(beta) * (1 - _TIE_TOL)))
    alpha = 1 - level
    ci = (_bound(inv, beta, se_ref, alpha, -1), _bound(inv, beta, se_ref, alpha, +1))
    return RIResult(
        p_value=p,
        p_value_coef=p_coef,
        ci=ci,
        t_stat=beta / se_ref if se_ref > 0 else float("nan"),
        assignments=r_all,
        enumerated=enumerated,
        clusters=g,
        treated_clusters=sum(counts),
        patterns=k,
        seed=None if enumerated else seed,
        beta=beta,
        se_ref=se_ref,
        a=a,
        b=b,
        q=q,
        sa=sa,
        sab=sab,
        sb=sb,
    )
