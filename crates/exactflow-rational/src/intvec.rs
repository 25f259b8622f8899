//! Rational vectors over a common denominator (`v = num/den`, integers), and sums of
//! rank-one matrices `T = Σ_k c_k x_k y_kᵀ` whose vanishing is decided exactly — entry by
//! entry, and for every entry at once through `Σ_ij T_ij² = Σ_{k,l} c_k c_l (x_k·x_l)(y_k·y_l)`
//! (a sum of squares of reals is zero iff every term is).
//!
//! Integer arithmetic without gcds inside the inner loops is what makes the width-d
//! matrix identities cheap: an entry is `Σ_k C_k X_{k,i} Y_{k,j}` over a common
//! denominator.

use exactflow_core::Q;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// A rational vector `num/den` with `den > 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntVec {
    /// Integer numerators.
    pub num: Vec<BigInt>,
    /// Common positive denominator.
    pub den: BigInt,
}

impl IntVec {
    /// The vector of rationals `v` over the lcm of their denominators.
    pub fn from_q(v: &[Q]) -> Self {
        let den = v.iter().fold(BigInt::one(), |acc, x| acc.lcm(x.denom()));
        let num = v.iter().map(|x| x.numer() * (&den / x.denom())).collect();
        IntVec { num, den }
    }

    /// Divides numerators and denominator by their common factor (lowest common
    /// denominator form).
    pub fn reduce(&mut self) {
        let mut g = self.den.clone();
        for x in &self.num {
            if g.is_one() {
                return;
            }
            g = g.gcd(x);
        }
        if g.is_zero() || g.is_one() {
            return;
        }
        for x in &mut self.num {
            *x = &*x / &g;
        }
        self.den = &self.den / &g;
    }

    /// The rationals.
    pub fn to_q(&self) -> Vec<Q> {
        self.num
            .iter()
            .map(|x| Q::new(x.clone(), self.den.clone()))
            .collect()
    }

    /// Height: the largest bit length among the numerators and the denominator.
    pub fn height(&self) -> u64 {
        self.num
            .iter()
            .map(|x| x.bits())
            .chain(std::iter::once(self.den.bits()))
            .max()
            .expect("the denominator is always among the heights")
    }

    /// `self·o` exactly.
    pub fn dot(&self, o: &IntVec) -> Q {
        let s: BigInt = self.num.iter().zip(&o.num).map(|(a, b)| a * b).sum();
        Q::new(s, &self.den * &o.den)
    }

    /// Whether every entry is zero.
    pub fn is_zero(&self) -> bool {
        self.num.iter().all(|x| x.is_zero())
    }

    /// `α·self + β·o` for rationals `α, β`, over the denominator
    /// `den(α)·den(β)·self.den·o.den / …` (not reduced).
    pub fn combine(&self, alpha: &Q, o: &IntVec, beta: &Q) -> IntVec {
        if self.den == o.den {
            // α X/q + β Y/q = (α_n β_d X + β_n α_d Y) / (α_d β_d q)
            let ca = alpha.numer() * beta.denom();
            let cb = beta.numer() * alpha.denom();
            let num = self
                .num
                .iter()
                .zip(&o.num)
                .map(|(x, y)| &ca * x + &cb * y)
                .collect();
            return IntVec {
                num,
                den: alpha.denom() * beta.denom() * &self.den,
            };
        }
        // α X/q + β Y/r = (α_n β_d r X + β_n α_d q Y) / (α_d β_d q r)
        let ca = alpha.numer() * beta.denom() * &o.den;
        let cb = beta.numer() * alpha.denom() * &self.den;
        let num = self
            .num
            .iter()
            .zip(&o.num)
            .map(|(x, y)| &ca * x + &cb * y)
            .collect();
        IntVec {
            num,
            den: alpha.denom() * beta.denom() * &self.den * &o.den,
        }
    }
}

/// Outcome of deciding `Σ_k c_k x_k y_kᵀ = 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixZero {
    /// `Σ_ij T_ij² = 0` (every entry is zero).
    pub frobenius_zero: bool,
    /// Entries compared one by one (0 when the width is above the entrywise limit).
    pub entries_checked: usize,
    /// The first non-zero entry found `(i, j, T_ij)`, if any.
    pub first_nonzero: Option<(usize, usize, Q)>,
    /// `Σ_ij T_ij²` (exact).
    pub frobenius_sq: Q,
}

impl MatrixZero {
    /// Whether the matrix is zero by every test performed.
    pub fn holds(&self) -> bool {
        self.frobenius_zero && self.first_nonzero.is_none()
    }
}

/// Decides whether `T = Σ_k c_k x_k y_kᵀ` is the zero matrix: `Σ T_ij²` always; each
/// entry too when the width is at most `entrywise_max`.
pub fn rank_one_sum_is_zero(terms: &[(Q, &IntVec, &IntVec)], entrywise_max: usize) -> MatrixZero {
    // c_k x_k y_kᵀ = (c_k / (qx qy)) X_k Y_kᵀ; bring the scalars to one denominator L.
    let scal: Vec<Q> = terms
        .iter()
        .map(|(c, x, y)| c / Q::from_integer(&x.den * &y.den))
        .collect();
    let l = scal.iter().fold(BigInt::one(), |acc, s| acc.lcm(s.denom()));
    let ck: Vec<BigInt> = scal.iter().map(|s| s.numer() * (&l / s.denom())).collect();
    let n = terms.len();
    // Frobenius: L²‖T‖² = Σ_{k,l} C_k C_l (X_k·X_l)(Y_k·Y_l).
    let idot =
        |a: &IntVec, b: &IntVec| -> BigInt { a.num.iter().zip(&b.num).map(|(x, y)| x * y).sum() };
    let mut fro = BigInt::zero();
    for i in 0..n {
        for j in i..n {
            let (Some(ti), Some(tj), Some(ci), Some(cj)) =
                (terms.get(i), terms.get(j), ck.get(i), ck.get(j))
            else {
                continue;
            };
            if ci.is_zero() || cj.is_zero() {
                continue;
            }
            let t = ci * cj * idot(ti.1, tj.1) * idot(ti.2, tj.2);
            fro += if i == j { t } else { t * 2 };
        }
    }
    let frobenius_sq = Q::new(fro.clone(), &l * &l);
    let width = terms.first().map(|t| t.1.num.len()).unwrap_or(0);
    let mut entries_checked = 0;
    let mut first_nonzero = None;
    if width <= entrywise_max {
        let cx: Vec<Vec<BigInt>> = terms
            .iter()
            .zip(&ck)
            .map(|((_, x, _), c)| x.num.iter().map(|v| c * v).collect())
            .collect();
        'outer: for i in 0..width {
            for j in 0..width {
                let mut acc = BigInt::zero();
                for (k, t) in terms.iter().enumerate() {
                    if let (Some(a), Some(b)) = (cx.get(k).and_then(|v| v.get(i)), t.2.num.get(j)) {
                        if !a.is_zero() && !b.is_zero() {
                            acc += a * b;
                        }
                    }
                }
                entries_checked += 1;
                if !acc.is_zero() {
                    first_nonzero = Some((i, j, Q::new(acc, l.clone())));
                    break 'outer;
                }
            }
        }
    }
    MatrixZero {
        frobenius_zero: fro.is_zero() && !fro.is_negative(),
        entries_checked,
        first_nonzero,
        frobenius_sq,
    }
}
