"""Fixed-effect absorption and OLS with statsmodels-convention covariances.

Estimator
    Least squares of ``y`` on regressors ``X`` plus one or two sets of fixed effects (dummies),
    computed by partialling the dummies out (Frisch–Waugh–Lovell) instead of building them.
    One factor: subtract group means. Two factors: with the smaller factor at most a few thousand
    levels (months, years) the projection is exact in one pass per column and no iteration:
    group sums of both factors (``np.bincount``), the small normal-equation system of the smaller
    factor (``B'M_A B = diag(n_b) − N' diag(1/n_a) N``, ``N`` the cross-tabulation of the two
    factors), two gathers (see :class:`Absorber`); exact for any unbalanced panel. Beyond that,
    alternating projections until convergence.

Speed (issue #12: at least 1.5× pyfixest at 10^6 rows; ``benchmarks/bench_did.py twfe``)
    Integer ids are coded by counting (``factorize``), not hashing; no N-row sparse indicator
    matrices (built only when the wild bootstrap or randomisation inference asks for
    :meth:`Absorber.cluster_cross`); columns processed one at a time (no N × m temporaries);
    cluster scores summed with ``np.bincount``; products of length-N columns kept on one thread
    (:func:`_products`: a multi-threaded BLAS call stalls on a busy shared machine). Weights are
    not supported (no design here uses them).

Why hand-written
    statsmodels has no fixed-effect absorption: the same model written with ``C(unit) + C(time)``
    builds an ``N × (units + periods)`` dummy matrix, which does not fit in memory at register
    scale (10^6 person-months × 10^4 persons). linearmodels/pyfixest would do it but are not
    dependencies of this project (pyfixest is installed only for the benchmark, ``make
    bench-peers``); the exact one-pass solution for a small second factor is also faster than
    their iterative demeaning at that size.

Standard errors
    Follow statsmodels for the *same model written with dummy variables*, small-sample factors
    included: the number of parameters ``K`` counts the absorbed dummies exactly as the dummy fit
    does (``K = k_x + rank([A B])``, with ``rank([A B]) = n_a + n_b − (connected components of
    the bipartite unit–time graph)``; the constant is part of it).

    * ``classical``: ``s² (X̃'X̃)⁻¹`` with ``s² = Σû² / (N − K)``; t with ``N − K`` df.
    * ``hc1``: ``N/(N − K) · (X̃'X̃)⁻¹ Σ x̃ᵢx̃ᵢ'ûᵢ² (X̃'X̃)⁻¹``; t with ``N − K`` df.
    * ``cluster``: ``G/(G − 1) · (N − 1)/(N − K) · (X̃'X̃)⁻¹ Σ_g s_g s_g' (X̃'X̃)⁻¹``; t with
      ``G − 1`` df (statsmodels ``use_t=True``). Note: Stata's ``xtreg, fe`` does *not* count
      unit dummies nested in clusters; statsmodels (and this module) does.

    By FWL the block of ``(X'X)⁻¹X'`` belonging to the non-FE regressors equals
    ``(X̃'X̃)⁻¹X̃'`` with ``X̃`` the absorbed regressors, so each sandwich above is identical to
    the dummy-variable fit (verified in ``tests/effects/test_did_fe.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from fou_analysis.exceptions import SpecificationError

_EXACT_MAX_LEVELS = 5000
# Cross-tabulation of the two factors held dense (float64) up to this many cells (32 MB), else sparse.
_DENSE_MAX_CELLS = 4_000_000


def factorize(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..L-1 (``np.intp``) in sorted order of the values, and the sorted unique values.

    Integer columns whose range is at most about the number of rows (person ids, months, years)
    take a counting path: ``O(N + range)`` with one ``np.bincount``, no hashing and no sort —
    several times faster than ``pd.factorize`` at 10^6 rows. Same result as
    ``pd.factorize(values, sort=True)``; other columns go through it.
    """
    v = np.asarray(values)
    if v.dtype.kind in "iub" and v.size:
        lo, hi = int(v.min()), int(v.max())
        span = hi - lo + 1
        if span <= 2 * v.size + 1024 and -(2**62) < lo and hi < 2**62:  # intp-safe
            off = v.astype(np.intp) if lo == 0 else v.astype(np.intp) - lo
            present = np.bincount(off, minlength=span) > 0
            uniques = (np.flatnonzero(present) + lo).astype(v.dtype)
            if uniques.size == span:
                return off, uniques
            lut = np.cumsum(present, dtype=np.intp) - 1
            return lut[off], uniques
    codes, uniques = pd.factorize(v, sort=True)
    return codes.astype(np.intp, copy=False), np.asarray(uniques)


def codes_of(values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes 0..L-1 of a column (missing values must be dropped before)."""
    codes, uniques = factorize(values)
    return codes, len(uniques)


def _indicator(codes: np.ndarray, levels: int) -> sparse.csr_matrix:
    n = codes.shape[0]
    return sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(levels, n))


def _group_sums(codes: np.ndarray, levels: int, x: np.ndarray) -> np.ndarray:
    """Sums of the columns of ``x`` (n × m) within the levels of ``codes`` -> (levels × m), F-order."""
    out = np.empty((levels, x.shape[1]), order="F")
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=levels)
    return out


def _products(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a'b`` for tall ``a`` (n × p) and ``b`` (n × q), kept on one thread.

    A multi-threaded BLAS call stalls when the machine's cores are busy (measured on the shared
    2-core machine: a 50,000 × 20 Gram matrix 47 ms median instead of 2 ms; one dot product of
    10^6 elements 25 ms instead of 0.1 ms). Few columns: one ``einsum`` per pair of columns
    (single-threaded); more: BLAS on row blocks small enough (``p·q·rows`` ≤ 409,600) that
    OpenBLAS does not start threads, summed.
    """
    n, p, q = a.shape[0], a.shape[1], b.shape[1]
    if p * q <= 36:
        a, b = np.asfortranarray(a), np.asfortranarray(b)
        return np.array([[np.einsum("i,i->", a[:, i], b[:, j]) for j in range(q)] for i in range(p)]).reshape(
            p, q
        )
    step = max(256, 409_600 // (p * q))
    out = np.zeros((p, q))
    for start in range(0, n, step):
        out += a[start : start + step].T @ b[start : start + step]
    return out


class Absorber:
    """Partial one or two sets of fixed effects out of vectors and matrices.

    Two factors with a small one (at most ``_EXACT_MAX_LEVELS`` levels): exact in one pass over
    the data per column. With ``A``/``B`` the dummies of the large/small factor, ``N`` their
    cross-tabulation and ``S⁺`` the pseudo-inverse of ``B'M_A B = diag(n_b) − N' diag(1/n_a) N``,

        ``c = S⁺ (B'x − N' m_a)``,  ``α = m_a − diag(1/n_a) N c``,  ``M x = x − α[a] − c[b]``

    with ``m_a`` the group means of ``x`` in ``A``: two ``np.bincount`` (group sums) and two
    gathers of length N, the rest on arrays of the number of levels. (For a balanced panel this
    is the familiar ``x − x̄_i − x̄_t + x̄``.)

    Parameters
    ----------
    factors
        One or two arrays of group labels (any values; coded 0..L-1 here), one per fixed effect.
    """

    def __init__(self, factors: Sequence[np.ndarray], *, tol: float = 1e-13, maxiter: int = 10_000):
        if not 1 <= len(factors) <= 2:
            raise SpecificationError("Absorber takes one or two fixed-effect factors")
        self.tol, self.maxiter = tol, maxiter
        facs = [codes_of(f) for f in factors]
        # larger factor first: it is demeaned exactly, the smaller one is solved
        facs.sort(key=lambda cl: -cl[1])
        self.n = facs[0][0].shape[0]
        self._a, self._la = facs[0]
        self._na = np.bincount(self._a, minlength=self._la).astype(float)
        self.two_way = len(facs) == 2
        self._ia_cache = self._ib_cache = None
        if not self.two_way:
            self.rank = self._la
            return
        self._b, self._lb = facs[1]
        self._nb = np.bincount(self._b, minlength=self._lb).astype(float)
        la, lb = self._la, self._lb
        if la * lb <= _DENSE_MAX_CELLS:
            cross = np.bincount(self._a * lb + self._b, minlength=la * lb).reshape(la, lb).astype(float)
            # S = diag(n_b) − N' diag(1/n_a) N; b-levels j ≠ k are linked (share a level of the
            # large factor) exactly when S_jk ≠ 0 (a sum of non-negative terms, exactly 0.0 when
            # none); components of that small graph = components of the bipartite graph
            s_full = np.diag(self._nb) - _products(cross, cross / self._na[:, None])
            n_comp, _ = connected_components(sparse.csr_matrix(s_full != 0), directed=False)
            self._cross_dense, self._cross_sparse = cross, None
        else:
            cross = sparse.csr_matrix(
                (np.ones(self.n), (self._a, self._b)), shape=(la, lb)
            )  # duplicates are summed: counts n_ab
            adj = sparse.bmat([[None, cross], [cross.T, None]])
            n_comp, _ = connected_components(adj, directed=False)
            self._cross_dense, self._cross_sparse = None, cross
        self.components = int(n_comp)
        self.rank = la + lb - self.components
        self.exact = lb <= _EXACT_MAX_LEVELS
        if self.exact:
            if self._cross_dense is not None:
                s = s_full
            else:
                s = np.diag(self._nb) - (cross.T @ sparse.diags(1.0 / self._na) @ cross).toarray()
            w, v = np.linalg.eigh(s)
            keep = np.argsort(w)[::-1][: lb - self.components]
            self._pinv = (v[:, keep] / w[keep]) @ v[:, keep].T

    @property
    def _cross(self) -> sparse.csr_matrix:
        """The cross-tabulation ``N`` (la × lb) as a sparse matrix (for :meth:`cluster_cross`)."""
        if self._cross_sparse is None:
            self._cross_sparse = sparse.csr_matrix(self._cross_dense)
        return self._cross_sparse

    @property
    def _ia(self) -> sparse.csr_matrix:
        if self._ia_cache is None:
            self._ia_cache = _indicator(self._a, self._la)
        return self._ia_cache

    @property
    def _ib(self) -> sparse.csr_matrix:
        if self._ib_cache is None:
            self._ib_cache = _indicator(self._b, self._lb)
        return self._ib_cache

    def _cross_dot(self, c: np.ndarray) -> np.ndarray:
        """``N c`` (la × m) for the cross-tabulation ``N`` (einsum: no threaded BLAS on la × lb)."""
        if self._cross_dense is not None:
            return np.einsum("ij,jm->im", self._cross_dense, c)
        return self._cross_sparse @ c

    def _cross_t_dot(self, m: np.ndarray) -> np.ndarray:
        """``N' m`` (lb × m)."""
        if self._cross_dense is not None:
            return np.einsum("ij,im->jm", self._cross_dense, m)
        return self._cross_sparse.T @ m

    def _demean_a(self, x: np.ndarray) -> np.ndarray:
        return x - (_group_sums(self._a, self._la, x) / self._na[:, None])[self._a]

    def _demean_b(self, x: np.ndarray) -> np.ndarray:
        return x - (_group_sums(self._b, self._lb, x) / self._nb[:, None])[self._b]

    def resid(self, x: np.ndarray) -> np.ndarray:
        """Residual of ``x`` (n or n × m) after projecting on the fixed-effect dummies.

        A matrix comes back in Fortran order (contiguous columns).
        """
        x = np.asarray(x, dtype=float)
        one_d = x.ndim == 1
        xm = np.asfortranarray(x.reshape(self.n, -1))
        if self.two_way and self.exact:
            m_a = _group_sums(self._a, self._la, xm) / self._na[:, None]
            c = self._pinv @ (_group_sums(self._b, self._lb, xm) - self._cross_t_dot(m_a))
            alpha = np.asfortranarray(m_a - self._cross_dot(c) / self._na[:, None])
            c = np.asfortranarray(c)
            r = np.empty(xm.shape, order="F")
            for j in range(xm.shape[1]):  # one column at a time: no N × m temporaries
                np.subtract(xm[:, j], alpha[:, j].take(self._a), out=r[:, j])
                r[:, j] -= c[:, j].take(self._b)
        elif not self.two_way:
            means = _group_sums(self._a, self._la, xm) / self._na[:, None]
            r = np.empty(xm.shape, order="F")
            for j in range(xm.shape[1]):
                np.subtract(xm[:, j], means[:, j].take(self._a), out=r[:, j])
        else:
            r = self._demean_a(xm)
            scale = max(float(np.max(np.abs(r), initial=0.0)), 1.0)
            for _ in range(self.maxiter):
                new = self._demean_a(self._demean_b(r))
                done = np.max(np.abs(new - r), initial=0.0) <= self.tol * scale
                r = new
                if done:
                    break
        return r.ravel() if one_d else r

    def cluster_cross(self, u: np.ndarray, w: np.ndarray, cl: sparse.csr_matrix) -> np.ndarray | None:
        """The G × G matrix ``C[g, h] = (u·1_g)' M_FE (w·1_h)`` without forming ``M_FE`` on N × G.

        ``cl`` is the sparse (G × N) cluster indicator. Uses ``P_FE = P_A + M_A B S⁺ B'M_A``; returns
        None when the second factor is handled by iteration (no ``S⁺`` available).
        """
        if self.two_way and not self.exact:
            return None
        out = np.diag(cl @ (u * w))
        ua = (self._ia @ sparse.diags(u) @ cl.T).tocsc()
        wa = (self._ia @ sparse.diags(w) @ cl.T).tocsc()
        inv_na = sparse.diags(1.0 / self._na)
        out -= (ua.T @ inv_na @ wa).toarray()
        if self.two_way:
            ub = (self._ib @ sparse.diags(u) @ cl.T - self._cross.T @ inv_na @ ua).toarray()
            wb = (self._ib @ sparse.diags(w) @ cl.T - self._cross.T @ inv_na @ wa).toarray()
            out -= ub.T @ self._pinv @ wb
        return out


class Partialler:
    """Residual maker ``M`` for fixed effects (absorbed) plus other regressors ``Z``.

    ``resid(x) = M_Z̃ M_FE x`` with ``Z̃ = M_FE Z``: the residual of ``x`` on dummies and ``Z``.
    """

    def __init__(self, absorber: Absorber | None, z: np.ndarray | None, n: int):
        self.absorber, self.n = absorber, n
        self._q = None
        if z is not None and z.size:
            zt = absorber.resid(z) if absorber is not None else np.asarray(z, float)
            u, sv, _ = np.linalg.svd(zt.reshape(n, -1), full_matrices=False)
            keep = sv > sv.max(initial=0.0) * 1e-10
            self._q = u[:, keep]

    def cluster_cross(self, u: np.ndarray, w: np.ndarray, cl: sparse.csr_matrix) -> np.ndarray | None:
        """``C[g, h] = (u·1_g)' M (w·1_h)`` for all cluster pairs (None: not available in closed form)."""
        if self.absorber is not None:
            out = self.absorber.cluster_cross(u, w, cl)
            if out is None:
                return None
        else:
            out = np.diag(cl @ (u * w))
        if self._q is not None:  # M = I − P_FE − QQ' with Q orthonormal and orthogonal to the FE
            out -= (cl @ (self._q * u[:, None])) @ (cl @ (self._q * w[:, None])).T
        return out

    def resid(self, x: np.ndarray) -> np.ndarray:
        r = self.absorber.resid(x) if self.absorber is not None else np.asarray(x, float)
        if self._q is not None:
            r = r - self._q @ (self._q.T @ r)
        return r


@dataclass(frozen=True)
class OLSFit:
    """OLS with absorbed fixed effects: coefficients of the non-FE regressors and their vcov."""

    names: tuple[str, ...]
    coef: np.ndarray
    vcov: np.ndarray
    resid: np.ndarray
    x_tilde: np.ndarray
    y_tilde: np.ndarray
    n: int
    k_total: int
    df_resid: int
    df_inference: int
    n_clusters: int | None
    se_type: str

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vcov))


def _collinear(x: np.ndarray, xt: np.ndarray) -> bool:
    """True when a partialled-out column vanishes (relative to its spread) or columns are dependent."""
    before = np.sqrt(((x - x.mean(axis=0)) ** 2).sum(axis=0)) + np.sqrt((x**2).sum(axis=0)) * 1e-300
    after = np.sqrt((xt**2).sum(axis=0))
    if np.any(after <= 1e-9 * np.maximum(before, 1e-300)):
        return True
    if xt.shape[1] == 1:  # one column that did not vanish has rank 1
        return False
    return bool(np.linalg.matrix_rank(xt / after, tol=1e-9) < xt.shape[1])


def cluster_sums(values: np.ndarray, codes: np.ndarray, levels: int) -> np.ndarray:
    """Sum rows of ``values`` (n or n × m) within clusters -> (G,) or (G × m)."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=levels)
    return _group_sums(codes, levels, values)


def ols_absorbed(
    y: np.ndarray,
    x: np.ndarray,
    names: Sequence[str],
    absorber: Absorber | None,
    *,
    se: str,
    cluster: np.ndarray | None = None,
    k_extra: int = 0,
) -> OLSFit:
    """Fit ``y`` on ``x`` plus absorbed fixed effects, with statsmodels-convention vcov.

    ``x`` must not contain a constant when ``absorber`` is given (the constant is absorbed).
    ``k_extra`` adds parameters partialled out elsewhere to ``K``.
    """
    n = y.shape[0]
    yt = absorber.resid(y) if absorber is not None else np.asarray(y, float)
    xt = absorber.resid(x) if absorber is not None else np.asarray(x, float)
    xt = np.asfortranarray(xt.reshape(n, -1))
    if _collinear(np.asarray(x, float).reshape(n, -1), xt):
        raise SpecificationError(
            "the regressors are collinear with the fixed effects (e.g. the treatment does not vary "
            f"within units and over time): {list(names)}"
        )
    inv = np.linalg.inv(_products(xt, xt))
    coef = inv @ _products(xt, yt[:, None])[:, 0]
    u = yt.copy()
    for j in range(xt.shape[1]):
        u -= coef[j] * xt[:, j]
    k = xt.shape[1] + (absorber.rank if absorber is not None else 0) + k_extra
    df_resid = n - k
    n_clusters = None
    if se == "classical":
        vcov = inv * np.einsum("i,i->", u, u) / df_resid
        df_inf = df_resid
    elif se == "hc1":
        meat = _products(xt * (u * u)[:, None], xt)
        vcov = n / df_resid * inv @ meat @ inv
        df_inf = df_resid
    elif se == "cluster":
        if cluster is None:
            raise SpecificationError("se='cluster' needs cluster codes")
        codes, g = codes_of(cluster)
        s = np.empty((g, xt.shape[1]), order="F")
        for j in range(xt.shape[1]):  # score sums by cluster, one column at a time
            s[:, j] = np.bincount(codes, weights=xt[:, j] * u, minlength=g)
        meat = _products(s, s)
        vcov = g / (g - 1) * (n - 1) / df_resid * inv @ meat @ inv
        df_inf, n_clusters = g - 1, g
    else:
        raise SpecificationError(f"se must be 'classical', 'hc1' or 'cluster', not {se!r}")
    return OLSFit(
        names=tuple(names),
        coef=coef,
        vcov=vcov,
        resid=u,
        x_tilde=xt,
        y_tilde=yt,
        n=n,
        k_total=k,
        df_resid=df_resid,
        df_inference=df_inf,
        n_clusters=n_clusters,
        se_type=se,
    )


def ols_absorbed_many(
    ys: np.ndarray,
    x: np.ndarray,
    absorber: Absorber | None,
    *,
    se: str,
    cluster: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and standard errors for many outcomes (columns of ``ys``) on one design.

    Same conventions as :func:`ols_absorbed`; returns ``(coef, se)``, each ``k × R``. Used for
    simulation studies (one design, many draws of the outcome) and several outcomes at once.
    """
    n = ys.shape[0]
    yt = absorber.resid(ys) if absorber is not None else np.asarray(ys, float)
    xt = (absorber.resid(x) if absorber is not None else np.asarray(x, float)).reshape(n, -1)
    inv = np.linalg.inv(xt.T @ xt)
    coef = inv @ (xt.T @ yt)
    u = yt - xt @ coef
    df_resid = n - xt.shape[1] - (absorber.rank if absorber is not None else 0)
    a = xt @ inv  # n × k: row i of (X̃'X̃)⁻¹X̃' transposed
    if se == "classical":
        var = np.diag(inv)[:, None] * ((u * u).sum(axis=0) / df_resid)[None, :]
    elif se == "hc1":
        var = n / df_resid * ((a * a).T @ (u * u))
    elif se == "cluster":
        codes, g = codes_of(cluster)
        ind = _indicator(codes, g)
        var = np.vstack([((ind @ (a[:, [j]] * u)) ** 2).sum(axis=0) for j in range(xt.shape[1])]) * (
            g / (g - 1) * (n - 1) / df_resid
        )
    else:
        raise SpecificationError(f"se must be 'classical', 'hc1' or 'cluster', not {se!r}")
    return coef, np.sqrt(var)
