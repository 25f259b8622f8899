"""An independent reference: docs/model.md sections 4-5 evaluated literally with mpmath
from the scenario's exact numbers, at a working precision raised with omega*t so that the
residual's cancellation (theta* + e - theta*) late in training costs nothing. Shares no
code with the engines (it reads only the scenario's exact fields and weights)."""

from __future__ import annotations

from fractions import Fraction
from typing import Dict, List, Sequence

import mpmath as mp

COLUMNS = ("z", "slope", "residual", "loss", "ntk", "alignment", "norm_u", "norm_w")


def _mpf(q: Fraction) -> "mp.mpf":
    return mp.mpf(q.numerator) / q.denominator


class Reference:
    """The closed form of a scenario in mpmath (explicit fields and exact weights)."""

    def __init__(self, sc, extra_digits: int = 40) -> None:
        f = sc.fields
        u0, w0 = sc.initial_weights_exact()
        self.q = {k: f[k] for k in ("gamma", "eta_u", "eta_w", "exx", "exy", "eyy")}
        self.u0, self.w0 = u0, w0
        self.extra = extra_digits
        with mp.workdps(30):
            self.omega_estimate = float(self._consts()["om"])

    def _consts(self) -> Dict[str, "mp.mpf"]:
        g, eu, ew, a, b, c = (_mpf(self.q[k]) for k in ("gamma", "eta_u", "eta_w", "exx", "exy", "eyy"))
        k = g * mp.sqrt(eu * ew)
        th = b / a
        ut = [_mpf(x) / mp.sqrt(eu) for x in self.u0]
        wt = [_mpf(x) / mp.sqrt(ew) for x in self.w0]
        s0 = [x + y for x, y in zip(ut, wt)]
        d0 = [x - y for x, y in zip(ut, wt)]
        S = mp.fsum(x * x for x in s0)
        D = mp.fsum(x * x for x in d0)
        M = mp.fsum(x * y for x, y in zip(s0, d0))
        A = a * k * k * S / 2
        B = 2 * a * k * th
        C = a * k * k * D / 2
        om = mp.sqrt(B * B + 4 * A * C)
        return dict(g=g, eu=eu, ew=ew, a=a, b=b, c=c, k=k, th=th, S=S, D=D, M=M, A=A, B=B, C=C, om=om)

    def z_of(self, K: Dict[str, "mp.mpf"], t: "mp.mpf") -> "mp.mpf":
        A, B, C, om = K["A"], K["B"], K["C"], K["om"]
        if A == 0:  # s0 = 0: dz/dt = B z + C, z(0) = 1
            if B == 0:
                return 1 + C * t
            return (1 + C / B) * mp.exp(B * t) - C / B
        zp = (B + om) / (2 * A)
        y0 = 1 - zp
        E = mp.exp(-om * t)
        return zp + y0 * om * E / (om + A * y0 * (1 - E))

    def at(self, t: Fraction, digits: int = 30) -> Dict[str, "mp.mpf"]:
        """Every observable at the exact time ``t`` to about ``digits`` significant digits
        (more where cancellation allows)."""
        dps = digits + self.extra + int(self.omega_estimate * float(t) / 2.302585) + 10
        with mp.workdps(dps):
            K = self._consts()
            tt = _mpf(Fraction(t))
            z = self.z_of(K, tt)
            S, D, M, k, th, a = K["S"], K["D"], K["M"], K["k"], K["th"], K["a"]
            e = k * (S * z - D / z) / 4 - th
            q = self.q
            lstar = _mpf((q["eyy"] - q["exy"] ** 2 / q["exx"]) / 2)  # exactly
            uu = (S * z + 2 * M + D / z) / 4
            ww = (S * z - 2 * M + D / z) / 4
            den = (S * z + D / z) ** 2 - 4 * M * M
            out = {
                "z": z,
                "slope": th + e,
                "residual": e,
                "loss": a * e * e / 2 + lstar,
                "ntk": k * k * (S * z + D / z) / 2,
                "alignment": (S * z - D / z) / mp.sqrt(den) if den > 0 else mp.nan,
                "norm_u": mp.sqrt(K["eu"] * uu),
                "norm_w": mp.sqrt(K["ew"] * ww),
            }
            return {c: +v for c, v in out.items()}

    def limits(self, digits: int = 60) -> Dict[str, "mp.mpf"]:
        """z_plus, ntk_inf, alignment_inf, residual_inf (generic case A > 0, z_plus > 0)."""
        with mp.workdps(digits + self.extra):
            K = self._consts()
            A, B, om, S, D, M, k = K["A"], K["B"], K["om"], K["S"], K["D"], K["M"], K["k"]
            zp = (B + om) / (2 * A)
            ntk = k * k * (S * zp + D / zp) / 2
            al = (S * zp - D / zp) / mp.sqrt((S * zp + D / zp) ** 2 - 4 * M * M)
            return {"z_plus": +zp, "ntk_inf": +ntk, "alignment_inf": +al, "residual_inf": mp.mpf(0), "omega": +om}


def table(ref: Reference, times: Sequence[Fraction], digits: int = 30) -> Dict[str, List["mp.mpf"]]:
    """The reference at each time, column by column."""
    rows = [ref.at(t, digits) for t in times]
    return {c: [r[c] for r in rows] for c in COLUMNS}
