"""Fixed-effect absorption and OLS with statsmodels-convention covariances.

Estimator
    Least squares of ``y`` on regressors ``X`` plus one or two sets of fixed effects (dummies),
    computed by partialling the dummies out (Frisch–Waugh–Lovell) instead of building them.
    One factor: subtract group means. Two factors: subtract the means of the larger factor
    exactly, then solve the small normal-equation system of the other factor
    (``B'M_A B c = B'M_A x``, with ``B'M_A B = diag(n_b) - N' diag(1/n_a) N`` built from the
    sparse cross-tabulation ``N`` of the two factors). The result is exact for any unbalanced
    panel in one pass — no iteration — as long as the smaller factor has at most a few thousand
    levels (months, years); beyond that, alternating projections are used until convergence.

Why hand-written
    statsmodels has no fixed-effect absorption: the same model written with ``C(unit) + C(time)``
    builds an ``N × (units + periods)`` dummy matrix, which does not fit in memory at register
    scale (10^6 person-months × 10^4 persons). linearmodels/pyfixest would do it but are not
    dependencies of this project.

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


def codes_of(values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes 0..L-1 of a column (missing values must be dropped before)."""
    codes, uniques = pd.factorize(np.asarray(values), sort=True)
    return codes.astype(np.int64), len(uniques)


def _indicator(codes: np.ndarray, levels: int) -> sparse.csr_matrix:
    n = codes.shape[0]
    return sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(levels, n))


class Absorber:
    """Partial one or two sets of fixed effects out of vectors and matrices.

    Parameters
    ----------
    factors
        One or two integer code arrays (0..L-1), one per fixed effect.
    """

    def __init__(self, factors: Sequence[np.ndarray], *, tol: float = 1e-13, maxiter: int = 10_000):
        if not 1 <= len(factors) <= 2:
            raise SpecificationError("Absorber takes one or two fixed-effect factors")
        self.tol, self.maxiter = tol, maxiter
        facs = []
        for f in factors:
            c, lev = codes_of(f)
            facs.append((c, lev))
        # larger factor first: it is demeaned exactly, the smaller one is solved
        facs.sort(key=lambda cl: -cl[1])
        self.n = facs[0][0].shape[0]
        self._a, self._la = facs[0]
        self._ia = _indicator(self._a, self._la)
        self._na = np.asarray(self._ia.sum(axis=1)).ravel()
        self.two_way = len(facs) == 2
        if not self.two_way:
            self.rank = self._la
            return
        self._b, self._lb = facs[1]
        self._ib = _indicator(self._b, self._lb)
        self._nb = np.asarray(self._ib.sum(axis=1)).ravel()
        cross = sparse.csr_matrix(
            (np.ones(self.n), (self._a, self._b)), shape=(self._la, self._lb)
        )  # duplicates are summed: counts n_ab
        self._cross = cross
        adj = sparse.bmat([[None, cross], [cross.T, None]])
        n_comp, _ = connected_components(adj, directed=False)
        self.components = int(n_comp)
        self.rank = self._la + self._lb - self.components
        self.exact = self._lb <= _EXACT_MAX_LEVELS
        if self.exact:
            scaled = sparse.diags(1.0 / self._na) @ cross
            s = np.diag(self._nb) - (cross.T @ scaled).toarray()
            w, v = np.linalg.eigh(s)
            keep = np.argsort(w)[::-1][: self._lb - self.components]
            self._pinv = (v[:, keep] / w[keep]) @ v[:, keep].T

    def _demean_a(self, x: np.ndarray) -> np.ndarray:
        return x - (self._ia @ x / self._na[:, None])[self._a]

    def _demean_b(self, x: np.ndarray) -> np.ndarray:
        return x - (self._ib @ x / self._nb[:, None])[self._b]

    def resid(self, x: np.ndarray) -> np.ndarray:
        """Residual of ``x`` (n or n × m) after projecting on the fixed-effect dummies."""
        x = np.asarray(x, dtype=float)
        one_d = x.ndim == 1
        xm = x.reshape(self.n, -1)
        r = self._demean_a(xm)
        if self.two_way:
            if self.exact:
                c = self._pinv @ (self._ib @ r)
                r = r - self._demean_a(c[self._b])
            else:
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
    return bool(np.linalg.matrix_rank(xt / after, tol=1e-9) < xt.shape[1])


def cluster_sums(values: np.ndarray, codes: np.ndarray, levels: int) -> np.ndarray:
    """Sum rows of ``values`` (n or n × m) within clusters -> (G,) or (G × m)."""
    return _indicator(codes, levels) @ values


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
    xt = xt.reshape(n, -1)
    xtx = xt.T @ xt
    if _collinear(np.asarray(x, float).reshape(n, -1), xt):
        raise SpecificationError(
            "the regressors are collinear with the fixed effects (e.g. the treatment does not vary "
            f"within units and over time): {list(names)}"
        )
    inv = np.linalg.inv(xtx)
    coef = inv @ (xt.T @ yt)
    u = yt - xt @ coef
    k = xt.shape[1] + (absorber.rank if absorber is not None else 0) + k_extra
    df_resid = n - k
    n_clusters = None
    if se == "classical":
        vcov = inv * (u @ u) / df_resid
        df_inf = df_resid
    elif se == "hc1":
        meat = (xt * u[:, None] ** 2).T @ xt
        vcov = n / df_resid * inv @ meat @ inv
        df_inf = df_resid
    elif se == "cluster":
        if cluster is None:
            raise SpecificationError("se='cluster' needs cluster codes")
        codes, g = codes_of(cluster)
        s = cluster_sums(xt * u[:, None], codes, g)
        meat = s.T @ s
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
